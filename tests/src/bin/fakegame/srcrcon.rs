//! Source-RCON framing, shared by the Source and Minecraft flavours (protocols.md §2):
//! `size` i32 LE (bytes after it, minimum 10) · id i32 LE · type i32 LE · body · 00 00.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

pub const AUTH: i32 = 3;
pub const AUTH_RESPONSE: i32 = 2;
pub const EXECCOMMAND: i32 = 2;
pub const RESPONSE_VALUE: i32 = 0;

#[derive(Debug, PartialEq)]
pub struct Packet {
    pub id: i32,
    pub kind: i32,
    pub body: Vec<u8>,
}

pub fn encode(id: i32, kind: i32, body: &[u8]) -> Vec<u8> {
    let size = (body.len() + 10) as i32;
    let mut out = Vec::with_capacity(body.len() + 14);
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(&id.to_le_bytes());
    out.extend_from_slice(&kind.to_le_bytes());
    out.extend_from_slice(body);
    out.extend_from_slice(&[0, 0]);
    out
}

/// Gap between the packets of one answer. Real servers emit them from separate frames/writes,
/// so over a network they rarely share a TCP segment; clients that do one buffered read per
/// packet (PyPI `rcon` 2.4.9 reads through a fresh `makefile()` each time and drops whatever
/// it over-read) depend on that. Set `FAKEGAME_RCON_BURST=1` to send an answer in a single
/// write instead, which exercises a client's stream framing harder.
const PACKET_GAP: Duration = Duration::from_millis(25);

pub fn send_packets(conn: &mut TcpStream, packets: &[Vec<u8>]) -> io::Result<()> {
    if std::env::var_os("FAKEGAME_RCON_BURST").is_some_and(|v| v == "1") {
        return conn.write_all(&packets.concat());
    }
    let _ = conn.set_nodelay(true);
    for (i, p) in packets.iter().enumerate() {
        if i > 0 {
            std::thread::sleep(PACKET_GAP);
        }
        conn.write_all(p)?;
    }
    Ok(())
}

/// Reads one framed packet. `Ok(None)` on a clean EOF before a new packet; an error for a
/// size outside `10..=max_size` (the caller closes the socket, as the real servers do).
pub fn read_packet(r: &mut impl Read, max_size: usize) -> io::Result<Option<Packet>> {
    let mut size = [0u8; 4];
    match r.read_exact(&mut size) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let size = i32::from_le_bytes(size);
    if size < 10 || size as usize > max_size {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("bad packet size {size}"),
        ));
    }
    let mut rest = vec![0u8; size as usize];
    r.read_exact(&mut rest)?;
    let id = i32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]);
    let kind = i32::from_le_bytes([rest[4], rest[5], rest[6], rest[7]]);
    // Body ends at the first NUL of the two-byte terminator; tolerate a missing second NUL.
    let mut body = rest[8..].to_vec();
    while body.last() == Some(&0) {
        body.pop();
    }
    Ok(Some(Packet { id, kind, body }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_example_bytes() {
        let auth = [0x0e, 0, 0, 0, 1, 0, 0, 0, 3, 0, 0, 0, 0x70, 0x61, 0x73, 0x73, 0, 0];
        assert_eq!(encode(1, AUTH, b"pass"), auth);
        let p = read_packet(&mut &auth[..], 4096).unwrap().unwrap();
        assert_eq!(
            p,
            Packet {
                id: 1,
                kind: AUTH,
                body: b"pass".to_vec()
            }
        );
        let empty = [0x0a, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        assert_eq!(encode(2, RESPONSE_VALUE, b""), empty);
    }

    #[test]
    fn rejects_bad_sizes_and_reports_eof() {
        let tiny = encode(1, 2, b"")[..4].iter().map(|_| 0u8).collect::<Vec<_>>();
        assert!(read_packet(&mut &tiny[..], 4096).is_err());
        let big = encode(1, 2, &[b'a'; 5000]);
        assert!(read_packet(&mut &big[..], 4096).is_err());
        assert!(read_packet(&mut &[][..], 4096).unwrap().is_none());
    }
}
