//! WebSocket clients of the panel's event stream (and of the raw reference), reading frames as
//! text: the bench only needs to count them and find a few markers.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::panel::Panel;

pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Opens the panel's stream with the bearer token and subscribes to `channels` of one server.
pub async fn subscribe(panel: &Panel, server: i64, channels: &[&str]) -> Ws {
    let url = format!("{}/api/v1/ws", panel.url.replacen("http", "ws", 1));
    let mut request = url.into_client_request().expect("ws request");
    let bearer = format!("Bearer {}", panel.token).parse().expect("header");
    request.headers_mut().insert("authorization", bearer);
    let mut ws = tokio_tungstenite::connect_async(request).await.expect("ws handshake").0;
    let message = json!({"type": "subscribe", "servers": [server], "channels": channels});
    ws.send(Message::text(message.to_string())).await.expect("subscribe");
    let answer = next_text(&mut ws, Duration::from_secs(30)).await.expect("subscribed");
    assert!(answer.contains(r#""type":"subscribed""#), "{answer}");
    ws
}

pub async fn connect_plain(addr: &str) -> Ws {
    tokio_tungstenite::connect_async(format!("ws://{addr}/"))
        .await
        .expect("ws handshake")
        .0
}

/// The next text frame within `within` (pings are answered by the library on the next read);
/// `None` on timeout or a closed stream.
pub async fn next_text(ws: &mut Ws, within: Duration) -> Option<Utf8Bytes> {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, ws.next()).await.ok()?? {
            Ok(Message::Text(text)) => return Some(text),
            Ok(Message::Close(_)) | Err(_) => return None,
            Ok(_) => continue,
        }
    }
}

/// The frames a `lagged` control frame says were dropped.
pub fn lagged(text: &str) -> Option<u64> {
    if !text.contains(r#""type":"lagged""#) {
        return None;
    }
    let frame: Value = serde_json::from_str(text).ok()?;
    frame["data"]["missed"].as_u64()
}
