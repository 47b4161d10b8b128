//! BattlEye RCon packets: `'B' 'E' | CRC32 LE over the rest | FF | type | …` (protocols.md §1).

/// The longest command we send: the protocol documents no limit and known clients stay under 1 KiB.
pub const MAX_COMMAND: usize = 1024;

fn packet(payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(7 + payload.len());
    out.extend_from_slice(b"BE");
    out.extend_from_slice(&[0; 4]);
    out.push(0xFF);
    out.extend_from_slice(payload);
    let crc = crc32fast::hash(&out[6..]);
    out[2..6].copy_from_slice(&crc.to_le_bytes());
    out
}

pub fn login(password: &str) -> Vec<u8> {
    let mut payload = vec![0x00];
    payload.extend_from_slice(password.as_bytes());
    packet(&payload)
}

/// A command; the empty command is the keepalive.
pub fn command(seq: u8, text: &str) -> Vec<u8> {
    let mut payload = vec![0x01, seq];
    payload.extend_from_slice(text.as_bytes());
    packet(&payload)
}

/// Acknowledges server message `seq`.
pub fn ack(seq: u8) -> Vec<u8> {
    packet(&[0x02, seq])
}

/// A packet from the server.
#[derive(Debug, PartialEq, Eq)]
pub enum Incoming<'a> {
    Login {
        ok: bool,
    },
    Reply {
        seq: u8,
        part: Option<Part>,
        body: &'a [u8],
    },
    Message {
        seq: u8,
        body: &'a [u8],
    },
}

/// Where a part of a multipart reply goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Part {
    pub count: u8,
    pub index: u8,
}

/// Decodes one datagram; `None` for anything malformed, including a wrong checksum (dropped).
pub fn decode(datagram: &[u8]) -> Option<Incoming<'_>> {
    if datagram.len() < 8 || &datagram[..2] != b"BE" || datagram[6] != 0xFF {
        return None;
    }
    let crc = u32::from_le_bytes([datagram[2], datagram[3], datagram[4], datagram[5]]);
    if crc32fast::hash(&datagram[6..]) != crc {
        return None;
    }
    match &datagram[7..] {
        [0x00, 0x01] => Some(Incoming::Login { ok: true }),
        [0x00, 0x00] => Some(Incoming::Login { ok: false }),
        // Text never starts with NUL, so `00 count index` marks a multipart reply.
        [0x01, seq, 0x00, count, index, body @ ..] => (index < count).then_some(Incoming::Reply {
            seq: *seq,
            part: Some(Part {
                count: *count,
                index: *index,
            }),
            body,
        }),
        [0x01, seq, body @ ..] => Some(Incoming::Reply {
            seq: *seq,
            part: None,
            body,
        }),
        [0x02, seq, body @ ..] => Some(Incoming::Message { seq: *seq, body }),
        _ => None,
    }
}

/// Collects the parts of one multipart reply, which may arrive lost, reordered or duplicated.
#[derive(Debug, Default)]
pub struct Reassembly {
    parts: Vec<Option<Vec<u8>>>,
    missing: usize,
}

impl Reassembly {
    /// Stores a part; returns the whole reply once every part has arrived. A part whose count
    /// disagrees with the first one seen is ignored.
    pub fn add(&mut self, part: Part, body: &[u8]) -> Option<Vec<u8>> {
        if self.parts.is_empty() {
            self.parts = vec![None; part.count as usize];
            self.missing = part.count as usize;
        }
        if self.parts.len() != part.count as usize {
            return None;
        }
        let slot = self.parts.get_mut(part.index as usize)?;
        if slot.is_none() {
            *slot = Some(body.to_vec());
            self.missing -= 1;
        }
        (self.missing == 0).then(|| self.parts.iter().flatten().flatten().copied().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, RngCore};

    #[test]
    fn packets_match_the_reference_bytes() {
        // protocols.md §1
        let login_secret = [
            0x42, 0x45, 0xc9, 0x90, 0x09, 0xae, 0xff, 0x00, 0x73, 0x65, 0x63, 0x72, 0x65, 0x74,
        ];
        assert_eq!(login("secret"), login_secret);
        let players = [
            0x42, 0x45, 0xf9, 0x37, 0x94, 0xae, 0xff, 0x01, 0x00, 0x70, 0x6c, 0x61, 0x79, 0x65, 0x72, 0x73,
        ];
        assert_eq!(command(0, "players"), players);
        assert_eq!(command(1, ""), [0x42, 0x45, 0x28, 0xec, 0xc5, 0x2f, 0xff, 0x01, 0x01]);
        assert_eq!(ack(5), [0x42, 0x45, 0xf2, 0x7b, 0x85, 0x03, 0xff, 0x02, 0x05]);
    }

    #[test]
    fn decodes_each_server_packet() {
        let server = |payload: &[u8]| packet(payload);
        assert_eq!(decode(&server(&[0, 1])), Some(Incoming::Login { ok: true }));
        assert_eq!(decode(&server(&[0, 0])), Some(Incoming::Login { ok: false }));
        assert_eq!(
            decode(&server(b"\x01\x07hello")),
            Some(Incoming::Reply {
                seq: 7,
                part: None,
                body: b"hello"
            })
        );
        assert_eq!(
            decode(&server(b"\x01\x07")),
            Some(Incoming::Reply {
                seq: 7,
                part: None,
                body: b""
            })
        );
        assert_eq!(
            decode(&server(b"\x01\xff\x00\x03\x02tail")),
            Some(Incoming::Reply {
                seq: 255,
                part: Some(Part { count: 3, index: 2 }),
                body: b"tail"
            })
        );
        assert_eq!(
            decode(&server(b"\x02\x05Player #0 Steve disconnected")),
            Some(Incoming::Message {
                seq: 5,
                body: b"Player #0 Steve disconnected"
            })
        );
        // An index outside the count, an unknown type, a short packet: dropped.
        assert_eq!(decode(&server(b"\x01\x01\x00\x02\x02x")), None);
        assert_eq!(decode(&server(b"\x07\x01")), None);
        assert_eq!(decode(&server(b"")), None);
    }

    #[test]
    fn a_wrong_checksum_is_dropped() {
        let good = packet(b"\x01\x00players");
        assert!(decode(&good).is_some());
        for byte in 2..good.len() {
            let mut bad = good.clone();
            bad[byte] ^= 0x20;
            assert_eq!(decode(&bad), None, "byte {byte} flipped");
        }
    }

    #[test]
    fn reassembles_out_of_order_and_duplicated_parts() {
        let mut r = Reassembly::default();
        let part = |index| Part { count: 3, index };
        assert_eq!(r.add(part(2), b"c"), None);
        assert_eq!(r.add(part(0), b"a"), None);
        assert_eq!(r.add(part(2), b"c"), None);
        assert_eq!(r.add(Part { count: 4, index: 1 }, b"x"), None);
        assert_eq!(r.add(part(1), b"b"), Some(b"abc".to_vec()));
    }

    #[test]
    fn random_bytes_never_panic_the_decoder() {
        let mut rng = rand::rng();
        for _ in 0..20_000 {
            let len = rng.random_range(0..64);
            let mut bytes = vec![0u8; len];
            rng.fill_bytes(&mut bytes);
            if rng.random_bool(0.5) && len >= 7 {
                // Valid header and checksum over random contents, to reach the payload match.
                bytes[..2].copy_from_slice(b"BE");
                bytes[6] = 0xFF;
                let crc = crc32fast::hash(&bytes[6..]);
                bytes[2..6].copy_from_slice(&crc.to_le_bytes());
            }
            if let Some(Incoming::Reply {
                part: Some(part), body, ..
            }) = decode(&bytes)
            {
                let _ = Reassembly::default().add(part, body);
            }
        }
    }

    #[test]
    fn truncated_packets_never_panic_the_decoder() {
        let full = packet(b"\x01\x09\x00\x02\x01some text");
        for cut in 0..full.len() {
            let _ = decode(&full[..cut]);
        }
    }
}
