//! BattlEye links against a fake UDP server.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::UdpSocket;
use tokio::time::timeout;

use super::*;

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
async fn battleye_nothing_listening_is_disconnected() {
    let server = BeServer::new().await;
    let link = be_link(&server, "pw", Timing::default());
    drop(server);
    // The kernel's "port unreachable" answer ends the login at once.
    assert!(matches!(link.connect().await, Err(RconError::Disconnected(_))));
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
