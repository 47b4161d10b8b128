//! Source and Minecraft links against fake TCP servers.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::timeout;

use super::*;
use crate::rcon::source::codec::{self as frame, Frame};

struct FakeConn {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl FakeConn {
    async fn accept(listener: &TcpListener) -> FakeConn {
        let (stream, _) = timeout(STEP, listener.accept()).await.unwrap().unwrap();
        FakeConn {
            stream,
            buf: Vec::new(),
        }
    }

    async fn read(&mut self) -> Frame {
        loop {
            if let Some((f, used)) = frame::decode(&self.buf).unwrap() {
                self.buf.drain(..used);
                return f;
            }
            let mut chunk = [0u8; 4096];
            let n = timeout(STEP, self.stream.read(&mut chunk)).await.unwrap().unwrap();
            assert!(n > 0, "client closed the connection");
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }

    async fn write(&mut self, id: i32, kind: i32, body: &[u8]) {
        self.stream.write_all(&frame::encode(id, kind, body)).await.unwrap();
    }

    /// Reads AUTH and answers it; `quirk` adds SRCDS's empty RESPONSE_VALUE first.
    async fn auth(&mut self, password: &str, quirk: bool) -> bool {
        let f = self.read().await;
        assert_eq!(f.kind, frame::AUTH);
        if quirk {
            self.write(f.id, frame::RESPONSE_VALUE, b"").await;
        }
        let ok = f.body == password.as_bytes();
        self.write(if ok { f.id } else { -1 }, frame::AUTH_RESPONSE, b"").await;
        ok
    }
}

async fn listener() -> (TcpListener, u16) {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    (l, port)
}

/// SRCDS: splits the reply, then mirrors the empty RESPONSE_VALUE and adds its trailing packet.
async fn srcds_answer(conn: &mut FakeConn, parts: &[&str]) -> String {
    let cmd = conn.read().await;
    assert_eq!(cmd.kind, frame::EXECCOMMAND);
    let mirror = conn.read().await;
    assert_eq!(
        (mirror.id, mirror.kind, mirror.body.len()),
        (cmd.id + 1, frame::RESPONSE_VALUE, 0)
    );
    for part in parts {
        conn.write(cmd.id, frame::RESPONSE_VALUE, part.as_bytes()).await;
    }
    conn.write(mirror.id, frame::RESPONSE_VALUE, b"").await;
    conn.write(mirror.id, frame::RESPONSE_VALUE, &[0, 0, 0, 1, 0, 0, 0, 0])
        .await;
    String::from_utf8(cmd.body).unwrap()
}

#[tokio::test]
async fn source_joins_a_multi_packet_reply_through_the_mirror_packet() {
    let (l, port) = listener().await;
    let link = Link::new(target(RconFlavour::Source, port, "pw"));
    let server = tokio::spawn(async move {
        let mut conn = FakeConn::accept(&l).await;
        assert!(conn.auth("pw", true).await);
        assert_eq!(
            srcds_answer(&mut conn, &["cvar list\n", &"x".repeat(4000), "\ntotal\n"]).await,
            "cvarlist"
        );
        assert_eq!(srcds_answer(&mut conn, &["héllo\n"]).await, "echo héllo");
    });
    let long = link.command("cvarlist").await.unwrap();
    assert_eq!(long, format!("cvar list\n{}\ntotal\n", "x".repeat(4000)));
    // Same connection: the previous trailing packet is eaten, not taken for this reply.
    assert_eq!(link.command("echo héllo").await, Ok("héllo\n".to_owned()));
    server.await.unwrap();
}

#[tokio::test]
async fn source_wrong_password_is_auth_failed() {
    let (l, port) = listener().await;
    let link = Link::new(target(RconFlavour::Source, port, "wrong"));
    let server = tokio::spawn(async move {
        let mut conn = FakeConn::accept(&l).await;
        assert!(!conn.auth("right", true).await);
    });
    assert_eq!(link.command("status").await, Err(RconError::AuthFailed));
    server.await.unwrap();
}

#[tokio::test]
async fn source_reconnects_once_when_the_server_dropped_the_connection() {
    let (l, port) = listener().await;
    let link = Link::new(target(RconFlavour::Source, port, "pw"));
    let server = tokio::spawn(async move {
        let mut conn = FakeConn::accept(&l).await;
        assert!(conn.auth("pw", true).await);
        srcds_answer(&mut conn, &["one"]).await;
        drop(conn); // e.g. the game restarted
        let mut conn = FakeConn::accept(&l).await;
        assert!(conn.auth("pw", true).await);
        assert_eq!(srcds_answer(&mut conn, &["two"]).await, "second");
    });
    assert_eq!(link.command("first").await, Ok("one".to_owned()));
    assert_eq!(link.command("second").await, Ok("two".to_owned()));
    server.await.unwrap();
}

#[tokio::test]
async fn one_shot_send_takes_a_closed_connection_after_quit_as_success() {
    let (l, port) = listener().await;
    let server = tokio::spawn(async move {
        let mut conn = FakeConn::accept(&l).await;
        assert!(conn.auth("pw", true).await);
        assert_eq!(conn.read().await.body, b"quit");
    });
    let reply = send(&target(RconFlavour::Source, port, "pw"), "quit").await;
    server.await.unwrap();
    assert_eq!(reply, Ok(String::new()));
    // Nothing listening at all is an error, not a silent success.
    let (l, port) = listener().await;
    drop(l);
    assert!(matches!(
        send(&target(RconFlavour::Source, port, "pw"), "quit").await,
        Err(RconError::Disconnected(_))
    ));
}

#[tokio::test]
async fn minecraft_detects_the_end_of_a_fragmented_reply() {
    let (l, port) = listener().await;
    let link = Link::new(target(RconFlavour::Minecraft, port, "mc"));
    let server = tokio::spawn(async move {
        let mut conn = FakeConn::accept(&l).await;
        assert!(conn.auth("mc", false).await);
        for (command, fragments) in [("help", 3usize), ("list", 1)] {
            let cmd = conn.read().await;
            assert_eq!(
                (cmd.kind, cmd.body.as_slice()),
                (frame::EXECCOMMAND, command.as_bytes())
            );
            // Vanilla writes every fragment before reading again.
            for i in 0..fragments {
                let size = if i + 1 < fragments { 4096 } else { 10 };
                conn.write(cmd.id, 0, &vec![b'a' + i as u8; size]).await;
            }
            let bogus = conn.read().await;
            assert_eq!((bogus.id, bogus.kind), (cmd.id + 1, frame::BOGUS));
            conn.write(bogus.id, 0, b"Unknown request c8").await;
        }
    });
    let help = link.command("help").await.unwrap();
    assert_eq!(
        help,
        format!("{}{}{}", "a".repeat(4096), "b".repeat(4096), "c".repeat(10))
    );
    assert_eq!(link.command("list").await, Ok("a".repeat(10)));
    server.await.unwrap();
}

#[tokio::test]
async fn minecraft_wrong_or_empty_password_is_auth_failed_and_long_commands_are_refused() {
    let (l, port) = listener().await;
    let link = Link::new(target(RconFlavour::Minecraft, port, "wrong"));
    let server = tokio::spawn(async move {
        let mut conn = FakeConn::accept(&l).await;
        assert!(!conn.auth("mc", false).await);
    });
    assert_eq!(link.command("list").await, Err(RconError::AuthFailed));
    server.await.unwrap();
    let empty = Link::new(target(RconFlavour::Minecraft, port, ""));
    assert_eq!(empty.connect().await, Err(RconError::AuthFailed));
    let long = "say ".to_owned() + &"x".repeat(1443);
    assert_eq!(
        link.command(&long).await,
        Err(RconError::CommandTooLong { limit: 1446 })
    );
}
