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
    match next(ws, within).await {
        Next::Text(text) => Some(text),
        Next::Closed(_) | Next::Silent => None,
    }
}

/// What a read of the stream ended with.
pub enum Next {
    Text(Utf8Bytes),
    /// The panel closed the stream (with its reason, if it gave one) or the connection broke.
    Closed(String),
    /// Nothing arrived in time.
    Silent,
}

pub async fn next(ws: &mut Ws, within: Duration) -> Next {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, ws.next()).await {
            Err(_) => return Next::Silent,
            Ok(Some(Ok(Message::Text(text)))) => return Next::Text(text),
            Ok(Some(Ok(Message::Close(frame)))) => {
                let why = frame.map_or_else(|| "no reason given".to_owned(), |f| format!("{} {}", f.code, f.reason));
                return Next::Closed(format!("closed by the panel: {why}"));
            }
            Ok(Some(Err(e))) => return Next::Closed(format!("connection broken: {e}")),
            Ok(None) => return Next::Closed("connection ended".to_owned()),
            Ok(Some(Ok(_))) => continue,
        }
    }
}

/// Tells the panel this client is alive without reading anything: a client that only stops
/// reading is slow, not gone, and must not be closed as idle.
pub async fn keep_alive(ws: &mut Ws) {
    let _ = ws.send(Message::Ping(Vec::new().into())).await;
}

/// The frames a `lagged` control frame says were dropped.
pub fn lagged(text: &str) -> Option<u64> {
    if !text.contains(r#""type":"lagged""#) {
        return None;
    }
    let frame: Value = serde_json::from_str(text).ok()?;
    frame["data"]["missed"].as_u64()
}
