//! BattlEye RCon (UDP): `'B' 'E' | CRC32 LE over the rest | FF | type | …`.
//! Login is type 00, commands type 01 with a sequence byte; server messages (02) are acked.

use anyhow::{bail, Context};
use tokio::net::UdpSocket;
use tokio::time::{timeout, Instant};

use super::TIMEOUT;

pub fn packet(payload: &[u8]) -> Vec<u8> {
    let mut body = vec![0xFF];
    body.extend_from_slice(payload);
    let crc = crc32fast::hash(&body);
    let mut out = vec![b'B', b'E'];
    out.extend_from_slice(&crc.to_le_bytes());
    out.extend_from_slice(&body);
    out
}

/// The payload after `FF`, when the header and checksum are right.
pub fn parse(datagram: &[u8]) -> Option<&[u8]> {
    if datagram.len() < 8 || &datagram[..2] != b"BE" || datagram[6] != 0xFF {
        return None;
    }
    let crc = u32::from_le_bytes([datagram[2], datagram[3], datagram[4], datagram[5]]);
    (crc32fast::hash(&datagram[6..]) == crc).then_some(&datagram[7..])
}

pub async fn command(port: u16, password: &str, command: &str) -> anyhow::Result<String> {
    let socket = UdpSocket::bind(("127.0.0.1", 0)).await?;
    socket
        .connect(("127.0.0.1", port))
        .await
        .context("reaching BattlEye RCon")?;
    let mut login = vec![0x00];
    login.extend_from_slice(password.as_bytes());
    socket.send(&packet(&login)).await?;
    let mut buf = vec![0u8; 65_536];
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let n = timeout(deadline - Instant::now(), socket.recv(&mut buf))
            .await
            .context("BattlEye RCon did not answer the login (is RCon enabled?)")??;
        match parse(&buf[..n]) {
            Some([0x00, 0x01]) => break,
            Some([0x00, 0x00]) => bail!("BattlEye RCon refused the password"),
            _ => continue,
        }
    }
    let mut request = vec![0x01, 0x00];
    request.extend_from_slice(command.as_bytes());
    socket.send(&packet(&request)).await?;
    // `#shutdown` may never be answered; a short wait for a reply is enough.
    let reply_deadline = Instant::now() + std::time::Duration::from_secs(1);
    while let Ok(Ok(n)) = timeout(
        reply_deadline.saturating_duration_since(Instant::now()),
        socket.recv(&mut buf),
    )
    .await
    {
        match parse(&buf[..n]) {
            Some([0x01, 0x00, text @ ..]) => return Ok(String::from_utf8_lossy(text).into_owned()),
            Some([0x02, seq, ..]) => {
                let _ = socket.send(&packet(&[0x02, *seq])).await;
            }
            _ => {}
        }
    }
    Ok(String::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packets_match_the_reference_bytes() {
        // protocols.md §1
        assert_eq!(
            packet(b"\x00secret"),
            [0x42, 0x45, 0xc9, 0x90, 0x09, 0xae, 0xff, 0x00, 0x73, 0x65, 0x63, 0x72, 0x65, 0x74]
        );
        assert_eq!(
            packet(&[0x01, 0x01]),
            [0x42, 0x45, 0x28, 0xec, 0xc5, 0x2f, 0xff, 0x01, 0x01]
        );
        let ack = packet(&[0x02, 0x05]);
        assert_eq!(parse(&ack), Some(&[0x02u8, 0x05][..]));
        let mut bad = ack.clone();
        bad[3] ^= 1;
        assert_eq!(parse(&bad), None);
    }
}
