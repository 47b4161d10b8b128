//! Links against in-process fake servers on 127.0.0.1, driven step by step by each test.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::time::timeout;

use super::source::codec::{self as frame, Frame};
use super::*;

/// Generous bound on each step so a broken client fails the test instead of hanging it.
const STEP: Duration = Duration::from_secs(10);

fn target(flavour: RconFlavour, port: u16, password: &str) -> RconTarget {
    RconTarget {
        flavour,
        port,
        password: password.to_owned(),
    }
}

fn quick() -> Timing {
    Timing {
        login: Duration::from_secs(5),
        reply: Duration::from_secs(2),
        keepalive_every: Duration::from_millis(50),
        dead_after: Duration::from_secs(2),
    }
}

// ---------------------------------------------------------------- BattlEye

struct BeServer {
    socket: UdpSocket,
    client: Option<SocketAddr>,
}

impl BeServer {
    async fn new() -> BeServer {
        let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        BeServer { socket, client: None }
    }

    fn port(&self) -> u16 {
        self.socket.local_addr().unwrap().port()
    }

    /// The next client payload (after `FF`); the checksum must be right.
    async fn recv(&mut self) -> Vec<u8> {
        let mut buf = [0u8; 2048];
        let (n, from) = timeout(STEP, self.socket.recv_from(&mut buf)).await.unwrap().unwrap();
        let d = &buf[..n];
        assert_eq!(&d[..2], b"BE");
        assert_eq!(u32::from_le_bytes([d[2], d[3], d[4], d[5]]), crc32fast::hash(&d[6..]));
        self.client = Some(from);
        d[7..].to_vec()
    }

    async fn send(&self, payload: &[u8]) {
        let mut body = vec![0xFF];
        body.extend_from_slice(payload);
        let mut out = b"BE".to_vec();
        out.extend_from_slice(&crc32fast::hash(&body).to_le_bytes());
        out.extend_from_slice(&body);
        self.socket.send_to(&out, self.client.unwrap()).await.unwrap();
    }

    async fn accept_login(&mut self, password: &str) {
        let mut login = vec![0x00];
        login.extend_from_slice(password.as_bytes());
        assert_eq!(self.recv().await, login);
        self.send(&[0x00, 0x01]).await;
    }

    /// The next command: (seq, text).
    async fn command(&mut self) -> (u8, String) {
        let p = self.recv().await;
        assert_eq!(p[0], 0x01, "expected a command, got {p:?}");
        (p[1], String::from_utf8(p[2..].to_vec()).unwrap())
    }
}

fn be_link(server: &BeServer, password: &str, timing: Timing) -> Link {
    Link::with_timing(
        target(RconFlavour::Battleye, server.port(), password),
        "127.0.0.1",
        timing,
    )
}

#[tokio::test]
async fn battleye_reassembles_out_of_order_duplicated_parts_and_drops_bad_checksums() {
    let mut server = BeServer::new().await;
    let link = be_link(&server, "secret", Timing::default());
    let call = tokio::spawn({
        let link = link.clone();
        async move { link.command("players").await }
    });
    server.accept_login("secret").await;
    let (seq, text) = server.command().await;
    assert_eq!((seq, text.as_str()), (0, "players"));
    // A corrupted copy of the whole reply first: it must be dropped, not delivered.
    let mut bad = b"BE\0\0\0\0\xff\x01\x00wrong".to_vec();
    bad[2] = 1;
    server.socket.send_to(&bad, server.client.unwrap()).await.unwrap();
    for (index, part) in [(2u8, "c"), (0, "a"), (2, "c"), (1, "b")] {
        server
            .send(&[&[0x01, seq, 0x00, 3, index][..], part.as_bytes()].concat())
            .await;
    }
    assert_eq!(call.await.unwrap(), Ok("abc".to_owned()));
}

#[tokio::test]
async fn battleye_multiplexes_concurrent_commands_by_sequence() {
    let mut server = BeServer::new().await;
    let link = be_link(&server, "pw", Timing::default());
    let connect = tokio::spawn({
        let link = link.clone();
        async move { link.connect().await }
    });
    server.accept_login("pw").await;
    connect.await.unwrap().unwrap();
    let first = tokio::spawn({
        let link = link.clone();
        async move { link.command("first").await }
    });
    let (s1, _) = server.command().await;
    let second = tokio::spawn({
        let link = link.clone();
        async move { link.command("second").await }
    });
    let (s2, t2) = server.command().await;
    assert_eq!(t2, "second");
    assert_ne!(s1, s2);
    server.send(&[&[0x01, s2][..], b"two"].concat()).await;
    assert_eq!(second.await.unwrap(), Ok("two".to_owned()));
    server.send(&[&[0x01, s1][..], b"one"].concat()).await;
    assert_eq!(first.await.unwrap(), Ok("one".to_owned()));
}

#[tokio::test]
async fn battleye_sequence_numbers_wrap_from_255_to_0() {
    let mut server = BeServer::new().await;
    let link = be_link(&server, "pw", Timing::default());
    let run = tokio::spawn({
        let link = link.clone();
        async move {
            for i in 0..260 {
                assert_eq!(link.command(&format!("c{i}")).await, Ok(format!("r{i}")));
            }
        }
    });
    server.accept_login("pw").await;
    for i in 0..260u32 {
        let (seq, text) = server.command().await;
        assert_eq!((u32::from(seq), text), (i % 256, format!("c{i}")));
        server
            .send(&[&[0x01, seq][..], format!("r{i}").as_bytes()].concat())
            .await;
    }
    run.await.unwrap();
}

#[tokio::test]
async fn battleye_duplicated_server_message_is_acked_each_time_but_emitted_once() {
    let mut server = BeServer::new().await;
    let link = be_link(&server, "pw", Timing::default());
    let mut messages = link.messages();
    let connect = tokio::spawn({
        let link = link.clone();
        async move { link.connect().await }
    });
    server.accept_login("pw").await;
    connect.await.unwrap().unwrap();
    server
        .send(b"\x02\x05Player #0 Steve (203.0.113.7:2304) connected")
        .await;
    server
        .send(b"\x02\x05Player #0 Steve (203.0.113.7:2304) connected")
        .await;
    server.send(b"\x02\x06Player #0 Steve disconnected").await;
    assert_eq!(server.recv().await, [0x02, 0x05]);
    assert_eq!(server.recv().await, [0x02, 0x05]);
    assert_eq!(server.recv().await, [0x02, 0x06]);
    let first = timeout(STEP, messages.recv()).await.unwrap().unwrap();
    assert_eq!(first, "Player #0 Steve (203.0.113.7:2304) connected");
    let second = timeout(STEP, messages.recv()).await.unwrap().unwrap();
    assert_eq!(second, "Player #0 Steve disconnected");
}

#[tokio::test]
async fn battleye_sends_keepalives_when_idle_and_logs_in_again_when_one_is_not_echoed() {
    let mut server = BeServer::new().await;
    let link = be_link(&server, "pw", quick());
    // A message subscriber keeps the link up on its own after it dies.
    let _messages = link.messages();
    let connect = tokio::spawn({
        let link = link.clone();
        async move { link.connect().await }
    });
    server.accept_login("pw").await;
    connect.await.unwrap().unwrap();
    let (seq, text) = server.command().await;
    assert_eq!((seq, text.as_str()), (0, ""), "the first keepalive");
    server.send(&[0x01, seq]).await;
    let (seq, text) = server.command().await;
    assert_eq!((seq, text.as_str()), (1, ""), "the second keepalive, left unanswered");
    // Dead link: a new login, and the sequence starts again.
    server.accept_login("pw").await;
    let call = tokio::spawn({
        let link = link.clone();
        async move { link.command("players").await }
    });
    loop {
        let (seq, text) = server.command().await;
        server
            .send(&[&[0x01, seq][..], text.to_uppercase().as_bytes()].concat())
            .await;
        if text == "players" {
            break;
        }
    }
    assert_eq!(call.await.unwrap(), Ok("PLAYERS".to_owned()));
}

#[tokio::test]
async fn battleye_retries_a_command_once_on_a_new_login_after_a_dead_link() {
    let mut server = BeServer::new().await;
    let link = be_link(&server, "pw", quick());
    let first = tokio::spawn({
        let link = link.clone();
        async move { link.command("a").await }
    });
    server.accept_login("pw").await;
    let (seq, _) = server.command().await;
    server.send(&[0x01, seq, b'A']).await;
    assert_eq!(first.await.unwrap(), Ok("A".to_owned()));
    let second = tokio::spawn({
        let link = link.clone();
        async move { link.command("b").await }
    });
    // Skip keepalives until the command arrives, then stay silent: the link is dead.
    while server.command().await.1 != "b" {}
    server.accept_login("pw").await;
    let (seq, text) = loop {
        let (seq, text) = server.command().await;
        if text == "b" {
            break (seq, text);
        }
        server.send(&[0x01, seq]).await;
    };
    assert_eq!(text, "b");
    server.send(&[0x01, seq, b'B']).await;
    assert_eq!(second.await.unwrap(), Ok("B".to_owned()));
}

#[tokio::test]
async fn battleye_dropping_the_last_clone_ends_the_link_task() {
    let mut server = BeServer::new().await;
    let link = be_link(&server, "pw", Timing::default());
    let mut messages = link.messages();
    let clone = link.clone();
    let connect = tokio::spawn(async move { clone.connect().await });
    server.accept_login("pw").await;
    connect.await.unwrap().unwrap();
    drop(link);
    // The task held the last sender of the message channel.
    let end = timeout(STEP, messages.recv()).await.unwrap();
    assert_eq!(end, Err(tokio::sync::broadcast::error::RecvError::Closed));
}

#[tokio::test]
async fn battleye_wrong_password_is_auth_failed() {
    let mut server = BeServer::new().await;
    let link = be_link(&server, "nope", Timing::default());
    let call = tokio::spawn({
        let link = link.clone();
        async move { link.command("players").await }
    });
    assert_eq!(server.recv().await, b"\x00nope");
    server.send(&[0x00, 0x00]).await;
    assert_eq!(call.await.unwrap(), Err(RconError::AuthFailed));
}

#[tokio::test]
async fn battleye_refuses_long_commands_and_closed_links_without_sending() {
    let server = BeServer::new().await;
    let link = be_link(&server, "pw", Timing::default());
    let long = "x".repeat(1025);
    assert_eq!(
        link.command(&long).await,
        Err(RconError::CommandTooLong { limit: 1024 })
    );
    assert!(matches!(link.command("a\0b").await, Err(RconError::InvalidCommand(_))));
    link.close();
    assert!(matches!(link.command("players").await, Err(RconError::Disconnected(_))));
    let mut buf = [0u8; 64];
    let nothing = timeout(Duration::from_millis(100), server.socket.recv_from(&mut buf)).await;
    assert!(nothing.is_err(), "no datagram may have been sent");
}

// ---------------------------------------------------------------- Source / Minecraft

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

#[test]
fn error_messages_read_well_and_never_carry_the_password() {
    assert_eq!(
        RconError::AuthFailed.to_string(),
        "the game server refused the RCON password"
    );
    assert_eq!(
        RconError::CommandTooLong { limit: 1446 }.to_string(),
        "the command is too long: this RCON protocol accepts at most 1446 bytes"
    );
    let address = Address {
        host: "127.0.0.1".to_owned(),
        port: 2310,
        password: "hunter2".to_owned(),
    };
    assert_eq!(format!("{address:?}"), "127.0.0.1:2310");
}
