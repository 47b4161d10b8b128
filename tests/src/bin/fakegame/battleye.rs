//! BattlEye RCon server over UDP (protocols.md §1): `BE` + CRC32 LE + `FF` + type + body.
//! Login (00), commands (01 seq, echoed, multipart above the part size), server messages
//! (02 seq; an unacked one is resent every 2 s, 5 times, and 2 s after the last resend the
//! client is dropped), and keepalive (an empty command, echoed). A client that sends no
//! command for 45 s is dropped too. Packets with a bad header or CRC are dropped.
//!
//! Commands (keepalives excepted) are recorded in `fakegame.commands` and acks in
//! `fakegame.acks`. The control file can make delivery harder for a client: reordered and
//! duplicated reply parts, a small part size, duplicated server messages (see [`Knobs`]).

use std::collections::HashMap;
use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common;

/// Replies longer than the part size are split into parts (`00 count index` after the seq).
const DEFAULT_PART: usize = 1000;
const RESEND_EVERY: Duration = Duration::from_secs(2);
const MAX_RESENDS: u32 = 5;
const IDLE_DROP: Duration = Duration::from_secs(45);

/// Process-wide delivery knobs, set from `fakegame.control` (`be-reorder`, `be-part-size`,
/// `be-duplicate`); they only matter to the Arma flavour.
pub struct Knobs;

static REORDER: AtomicBool = AtomicBool::new(false);
static DUPLICATE: AtomicBool = AtomicBool::new(false);
static PART_SIZE: AtomicUsize = AtomicUsize::new(DEFAULT_PART);

impl Knobs {
    /// Multipart replies go out last part first, and part 0 is sent twice.
    pub fn set_reorder(on: bool) {
        REORDER.store(on, Ordering::SeqCst);
    }
    /// Every server message (type 02) is sent twice with the same seq.
    pub fn set_duplicate(on: bool) {
        DUPLICATE.store(on, Ordering::SeqCst);
    }
    /// Most text bytes in one reply packet (at least 1).
    pub fn set_part_size(bytes: usize) {
        PART_SIZE.store(bytes.max(1), Ordering::SeqCst);
    }
}

pub fn encode(payload: &[u8]) -> Vec<u8> {
    let mut signed = Vec::with_capacity(payload.len() + 1);
    signed.push(0xff);
    signed.extend_from_slice(payload);
    let mut out = Vec::with_capacity(signed.len() + 6);
    out.extend_from_slice(b"BE");
    out.extend_from_slice(&crc32fast::hash(&signed).to_le_bytes());
    out.extend_from_slice(&signed);
    out
}

/// Returns the payload (type byte + body) of a well-formed packet.
pub fn decode(pkt: &[u8]) -> Option<&[u8]> {
    if pkt.len() < 8 || &pkt[..2] != b"BE" || pkt[6] != 0xff {
        return None;
    }
    let crc = u32::from_le_bytes([pkt[2], pkt[3], pkt[4], pkt[5]]);
    (crc32fast::hash(&pkt[6..]) == crc).then_some(&pkt[7..])
}

/// Command reply packets for `seq`: one plain packet, or `count` parts of at most
/// `part_size` bytes (larger when the text would need more than 255 parts).
pub fn reply_packets(seq: u8, text: &[u8], part_size: usize) -> Vec<Vec<u8>> {
    if text.len() <= part_size {
        let mut p = vec![1, seq];
        p.extend_from_slice(text);
        return vec![encode(&p)];
    }
    let size = part_size.max(text.len().div_ceil(255));
    let chunks: Vec<&[u8]> = text.chunks(size).collect();
    let count = chunks.len() as u8;
    chunks
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut p = vec![1, seq, 0, count, i as u8];
            p.extend_from_slice(c);
            encode(&p)
        })
        .collect()
}

/// The order parts go on the wire: as built, or (reordered) last first with part 0 twice.
fn wire_order(mut packets: Vec<Vec<u8>>, reorder: bool) -> Vec<Vec<u8>> {
    if reorder && packets.len() > 1 {
        packets.reverse();
        if let Some(first) = packets.last().cloned() {
            packets.push(first);
        }
    }
    packets
}

/// What the game does with an RCon command; `admin` is the RCon admin number.
pub trait Handler: Send + Sync {
    fn command(&self, text: &str, admin: u32) -> String;
}

struct Pending {
    seq: u8,
    packet: Vec<u8>,
    resends: u32,
    last: Instant,
}

struct Client {
    admin: u32,
    last_command: Instant,
    next_seq: u8,
    pending: Vec<Pending>,
}

pub struct BeServer {
    sock: UdpSocket,
    password: String,
    clients: Mutex<HashMap<SocketAddr, Client>>,
    next_admin: Mutex<u32>,
}

impl BeServer {
    pub fn bind(addr: &str, password: &str) -> std::io::Result<Arc<BeServer>> {
        let sock = UdpSocket::bind(addr)?;
        sock.set_read_timeout(Some(Duration::from_millis(200)))?;
        Ok(Arc::new(BeServer {
            sock,
            password: password.to_string(),
            clients: Mutex::new(HashMap::new()),
            next_admin: Mutex::new(0),
        }))
    }

    /// Pushes a server message (type 02) to every logged-in client.
    pub fn broadcast(&self, text: &str) {
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        for (addr, c) in clients.iter_mut() {
            let seq = c.next_seq;
            c.next_seq = c.next_seq.wrapping_add(1);
            let mut p = vec![2, seq];
            p.extend_from_slice(text.as_bytes());
            let packet = encode(&p);
            let _ = self.sock.send_to(&packet, addr);
            if DUPLICATE.load(Ordering::SeqCst) {
                let _ = self.sock.send_to(&packet, addr);
            }
            c.pending.push(Pending {
                seq,
                packet,
                resends: 0,
                last: Instant::now(),
            });
        }
    }

    pub fn spawn(self: &Arc<Self>, handler: Arc<dyn Handler>) {
        let me = self.clone();
        std::thread::spawn(move || me.run(handler.as_ref()));
    }

    fn run(&self, handler: &dyn Handler) {
        let mut buf = vec![0u8; 65536];
        loop {
            common::park_if_hung();
            match self.sock.recv_from(&mut buf) {
                Ok((n, from)) => {
                    if let Some(payload) = decode(&buf[..n]) {
                        let payload = payload.to_vec();
                        self.handle(from, &payload, handler);
                    }
                }
                Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
                Err(_) => std::thread::sleep(Duration::from_millis(50)),
            }
            self.maintain();
        }
    }

    fn handle(&self, from: SocketAddr, payload: &[u8], handler: &dyn Handler) {
        if common::is_hung() {
            return;
        }
        match payload {
            [0, pass @ ..] => self.login(from, pass),
            [1, seq, cmd @ ..] => {
                {
                    let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
                    let Some(c) = clients.get_mut(&from) else { return }; // not logged in: ignored
                    c.last_command = Instant::now();
                }
                let admin = self.admin_of(from);
                // An empty command is the keepalive: echo `01 seq` with no text.
                let text = if cmd.is_empty() {
                    String::new()
                } else {
                    let cmd = String::from_utf8_lossy(cmd);
                    common::record_command(&cmd);
                    handler.command(&cmd, admin)
                };
                let parts = reply_packets(*seq, text.as_bytes(), PART_SIZE.load(Ordering::SeqCst));
                for p in wire_order(parts, REORDER.load(Ordering::SeqCst)) {
                    let _ = self.sock.send_to(&p, from);
                }
            }
            [2, seq] => {
                let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(c) = clients.get_mut(&from) {
                    common::record_ack(*seq);
                    c.pending.retain(|p| p.seq != *seq);
                }
            }
            _ => {}
        }
    }

    fn admin_of(&self, from: SocketAddr) -> u32 {
        let clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        clients.get(&from).map(|c| c.admin).unwrap_or(0)
    }

    fn login(&self, from: SocketAddr, pass: &[u8]) {
        let ok = !self.password.is_empty() && pass == self.password.as_bytes();
        let _ = self.sock.send_to(&encode(&[0, u8::from(ok)]), from);
        if !ok {
            return;
        }
        let admin = {
            let mut n = self.next_admin.lock().unwrap_or_else(|e| e.into_inner());
            *n += 1;
            *n - 1
        };
        let client = Client {
            admin,
            last_command: Instant::now(),
            next_seq: 0,
            pending: Vec::new(),
        };
        self.clients
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(from, client);
        // Real BE announces every admin login to all admins, the new one included.
        self.broadcast(&format!("RCon admin #{admin} ({from}) logged in"));
    }

    /// Resends unacked messages and drops clients that stopped acking or sending commands.
    fn maintain(&self) {
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        clients.retain(|addr, c| {
            if now.duration_since(c.last_command) > IDLE_DROP {
                return false;
            }
            for p in c
                .pending
                .iter_mut()
                .filter(|p| now.duration_since(p.last) >= RESEND_EVERY)
            {
                if p.resends >= MAX_RESENDS {
                    return false;
                }
                let _ = self.sock.send_to(&p.packet, addr);
                p.resends += 1;
                p.last = now;
            }
            true
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        s.split_whitespace()
            .map(|b| u8::from_str_radix(b, 16).unwrap())
            .collect()
    }

    #[test]
    fn crc_vectors_from_protocols_md() {
        let login = hex("42 45 c9 90 09 ae ff 00 73 65 63 72 65 74");
        assert_eq!(encode(b"\x00secret"), login);
        assert_eq!(
            encode(b"\x01\x00players"),
            hex("42 45 f9 37 94 ae ff 01 00 70 6c 61 79 65 72 73")
        );
        assert_eq!(encode(b"\x01\x01"), hex("42 45 28 ec c5 2f ff 01 01"));
        assert_eq!(encode(b"\x02\x05"), hex("42 45 f2 7b 85 03 ff 02 05"));
        assert_eq!(decode(&login), Some(&b"\x00secret"[..]));
        let mut bad = login.clone();
        bad[9] ^= 1;
        assert_eq!(decode(&bad), None);
    }

    #[test]
    fn multipart_split() {
        let text = vec![b'x'; 2500];
        let parts = reply_packets(7, &text, DEFAULT_PART);
        assert_eq!(parts.len(), 3);
        let p1 = decode(&parts[1]).unwrap();
        assert_eq!(&p1[..5], &[1, 7, 0, 3, 1]);
        assert_eq!(
            decode(&reply_packets(7, b"ok", DEFAULT_PART)[0]).unwrap(),
            b"\x01\x07ok"
        );
        // A tiny part size still fits in 255 parts.
        let parts = reply_packets(1, &[b'y'; 1000], 1);
        assert_eq!(parts.len(), 250);
        assert_eq!(decode(&parts[0]).unwrap()[3], 250);
    }

    #[test]
    fn reordered_parts_come_last_first_with_part_zero_twice() {
        let parts = reply_packets(3, b"abcdefg", 3);
        let idx: Vec<u8> = wire_order(parts.clone(), true)
            .iter()
            .map(|p| decode(p).unwrap()[4])
            .collect();
        assert_eq!(idx, vec![2, 1, 0, 0]);
        assert_eq!(wire_order(parts.clone(), false), parts);
        let single = reply_packets(3, b"ok", 3);
        assert_eq!(wire_order(single.clone(), true), single);
    }
}
