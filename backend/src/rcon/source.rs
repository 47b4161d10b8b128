//! Source RCON (TCP): `size i32 LE | id i32 LE | type i32 LE | body | 00 00`.
//! SRCDS answers AUTH with an empty RESPONSE_VALUE first, then AUTH_RESPONSE (id = ours on
//! success, -1 on failure); Minecraft sends only the AUTH_RESPONSE.

use anyhow::{bail, Context};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

use super::TIMEOUT;

pub const SERVERDATA_AUTH: i32 = 3;
pub const SERVERDATA_EXECCOMMAND: i32 = 2;
pub const SERVERDATA_AUTH_RESPONSE: i32 = 2;

pub fn encode(id: i32, kind: i32, body: &str) -> Vec<u8> {
    let size = (4 + 4 + body.len() + 2) as i32;
    let mut out = Vec::with_capacity(size as usize + 4);
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(&id.to_le_bytes());
    out.extend_from_slice(&kind.to_le_bytes());
    out.extend_from_slice(body.as_bytes());
    out.extend_from_slice(&[0, 0]);
    out
}

/// (id, type, body) of one packet, bounds-checked.
async fn read_packet(stream: &mut TcpStream) -> anyhow::Result<(i32, i32, String)> {
    let mut size = [0u8; 4];
    stream.read_exact(&mut size).await.context("reading a packet size")?;
    let size = i32::from_le_bytes(size);
    if !(10..=65_536).contains(&size) {
        bail!("invalid RCON packet size {size}");
    }
    let mut rest = vec![0u8; size as usize];
    stream.read_exact(&mut rest).await.context("reading a packet")?;
    let id = i32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]);
    let kind = i32::from_le_bytes([rest[4], rest[5], rest[6], rest[7]]);
    let body = String::from_utf8_lossy(&rest[8..rest.len() - 2]).into_owned();
    Ok((id, kind, body))
}

pub async fn command(port: u16, password: &str, command: &str, minecraft: bool) -> anyhow::Result<String> {
    timeout(TIMEOUT, run(port, password, command, minecraft))
        .await
        .context("the game did not answer RCON in time")?
}

async fn run(port: u16, password: &str, command: &str, minecraft: bool) -> anyhow::Result<String> {
    if minecraft && command.len() > 1446 {
        bail!("Minecraft RCON commands are limited to 1446 bytes");
    }
    let mut stream = TcpStream::connect(("127.0.0.1", port))
        .await
        .context("connecting to RCON")?;
    stream.write_all(&encode(1, SERVERDATA_AUTH, password)).await?;
    loop {
        let (id, kind, _) = read_packet(&mut stream).await?;
        if kind == SERVERDATA_AUTH_RESPONSE {
            if id == -1 {
                bail!("RCON refused the password");
            }
            break;
        }
    }
    stream.write_all(&encode(2, SERVERDATA_EXECCOMMAND, command)).await?;
    // A stop command may close the connection before any reply: that is success too.
    match read_packet(&mut stream).await {
        Ok((_, _, body)) => Ok(body),
        Err(_) => Ok(String::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_packet_matches_the_reference_bytes() {
        // protocols.md §2: AUTH id=1 "pass"
        let expected = [
            0x0e, 0, 0, 0, 0x01, 0, 0, 0, 0x03, 0, 0, 0, 0x70, 0x61, 0x73, 0x73, 0, 0,
        ];
        assert_eq!(encode(1, SERVERDATA_AUTH, "pass"), expected);
        // An empty RESPONSE_VALUE id=2.
        assert_eq!(encode(2, 0, ""), [0x0a, 0, 0, 0, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    }
}
