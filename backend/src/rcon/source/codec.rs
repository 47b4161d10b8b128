//! Source RCON frames: `size i32 LE | id i32 LE | type i32 LE | body | 00 00` (protocols.md §2).

use crate::rcon::RconError;

pub const AUTH: i32 = 3;
pub const AUTH_RESPONSE: i32 = 2;
pub const EXECCOMMAND: i32 = 2;
pub const RESPONSE_VALUE: i32 = 0;
/// A type no server knows: Minecraft answers it with "Unknown request c8", marking the end of
/// the reply before it.
pub const BOGUS: i32 = 200;

/// `size` counts id, type, body and the two NULs.
pub const MIN_SIZE: usize = 10;
/// The wiki says 4096; Minecraft fragments of 4096 non-ASCII characters are longer, so accept more.
pub const MAX_SIZE: usize = 65_536;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub id: i32,
    pub kind: i32,
    pub body: Vec<u8>,
}

pub fn encode(id: i32, kind: i32, body: &[u8]) -> Vec<u8> {
    let size = (MIN_SIZE + body.len()) as i32;
    let mut out = Vec::with_capacity(4 + MIN_SIZE + body.len());
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(&id.to_le_bytes());
    out.extend_from_slice(&kind.to_le_bytes());
    out.extend_from_slice(body);
    out.extend_from_slice(&[0, 0]);
    out
}

fn le(bytes: &[u8]) -> i32 {
    i32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])
}

/// Decodes the frame at the start of `buf`: `Ok(None)` until it is complete, then the frame and
/// how many bytes it took. A size out of bounds is an error: the stream cannot be resynchronised.
pub fn decode(buf: &[u8]) -> Result<Option<(Frame, usize)>, RconError> {
    if buf.len() < 4 {
        return Ok(None);
    }
    let size = le(&buf[..4]);
    let size = usize::try_from(size)
        .ok()
        .filter(|s| (MIN_SIZE..=MAX_SIZE).contains(s))
        .ok_or_else(|| RconError::Protocol(format!("packet size {size} is outside {MIN_SIZE}..={MAX_SIZE}")))?;
    let Some(rest) = buf.get(4..4 + size) else {
        return Ok(None);
    };
    let frame = Frame {
        id: le(&rest[..4]),
        kind: le(&rest[4..8]),
        body: rest[8..size - 2].to_vec(),
    };
    Ok(Some((frame, 4 + size)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, RngCore};

    #[test]
    fn frames_match_the_reference_bytes() {
        // protocols.md §2
        let auth = [
            0x0e, 0, 0, 0, 0x01, 0, 0, 0, 0x03, 0, 0, 0, 0x70, 0x61, 0x73, 0x73, 0, 0,
        ];
        assert_eq!(encode(1, AUTH, b"pass"), auth);
        let empty = [0x0a, 0, 0, 0, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        assert_eq!(encode(2, RESPONSE_VALUE, b""), empty);
        let frame = Frame {
            id: 1,
            kind: AUTH,
            body: b"pass".to_vec(),
        };
        assert_eq!(decode(&auth).unwrap(), Some((frame, auth.len())));
    }

    #[test]
    fn decodes_the_mirror_trailer_and_a_failed_auth() {
        let trailer = encode(10, RESPONSE_VALUE, &[0, 0, 0, 1, 0, 0, 0, 0]);
        let (frame, used) = decode(&trailer).unwrap().unwrap();
        assert_eq!(
            (frame.id, frame.body.as_slice(), used),
            (10, &[0, 0, 0, 1, 0, 0, 0, 0][..], 22)
        );
        let refused = encode(-1, AUTH_RESPONSE, b"");
        assert_eq!(decode(&refused).unwrap().unwrap().0.id, -1);
    }

    #[test]
    fn waits_for_a_whole_frame_and_leaves_the_next_one() {
        let mut two = encode(5, RESPONSE_VALUE, b"hello");
        two.extend(encode(6, RESPONSE_VALUE, b""));
        for cut in 0..19 {
            assert_eq!(decode(&two[..cut]).unwrap(), None, "cut at {cut}");
        }
        let (first, used) = decode(&two).unwrap().unwrap();
        assert_eq!((first.id, first.body.as_slice(), used), (5, &b"hello"[..], 19));
        assert_eq!(decode(&two[used..]).unwrap().unwrap().0.id, 6);
    }

    #[test]
    fn sizes_out_of_bounds_are_protocol_errors() {
        for size in [-1i32, 0, 9, 65_537, i32::MAX] {
            let mut bytes = size.to_le_bytes().to_vec();
            bytes.extend([0; 16]);
            assert!(matches!(decode(&bytes), Err(RconError::Protocol(_))), "size {size}");
        }
        let mut largest = 65_536i32.to_le_bytes().to_vec();
        largest.resize(4 + 65_536, 0);
        assert_eq!(decode(&largest).unwrap().unwrap().0.body.len(), 65_526);
    }

    #[test]
    fn random_bytes_and_truncations_never_panic_the_decoder() {
        let mut rng = rand::rng();
        for _ in 0..20_000 {
            let len = rng.random_range(0..48);
            let mut bytes = vec![0u8; len];
            rng.fill_bytes(&mut bytes);
            if rng.random_bool(0.5) && len >= 4 {
                // A plausible size, to reach the frame split.
                let size = rng.random_range(0..40i32);
                bytes[..4].copy_from_slice(&size.to_le_bytes());
            }
            if let Ok(Some((_, used))) = decode(&bytes) {
                assert!(used <= bytes.len());
            }
        }
        let frame = encode(7, RESPONSE_VALUE, "héllo wörld".as_bytes());
        for cut in 0..frame.len() {
            assert_eq!(decode(&frame[..cut]).unwrap(), None);
        }
    }
}
