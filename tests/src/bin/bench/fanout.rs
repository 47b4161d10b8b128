//! WebSocket fan-out: bursts of console lines delivered to many subscribed clients, by the
//! panel (a simulator floods its console) and by the reference, a raw `tokio::sync::broadcast`
//! to as many tokio-tungstenite sockets served from this process with frames of the same shape.

use std::future::Future;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::broadcast::error::{RecvError, TryRecvError};
use tokio::sync::{broadcast, mpsc};
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};

use crate::panel::Panel;
use crate::sim::Server;
use crate::ws::{self, lagged, Next, Ws};

/// Lines per burst. The panel publishes a `console` and a `log` frame per line, so a burst is
/// 4000 frames: half the backlog a session may fall behind, so a client that keeps up never
/// lags, and bursts are short enough to run one after the other.
const LINES: u32 = 2000;
/// The panel's per-session backlog, given to the reference too.
const BACKLOG: usize = 8192;
/// Frames delivered per measurement, whatever the number of clients.
const FRAMES: usize = 2_000_000;
const WAIT: Duration = Duration::from_secs(60);
/// Handshakes in flight while clients connect.
const CONNECTING: usize = 32;

pub struct Fanout {
    pub per_second: f64,
    pub lagged: u64,
    pub frame_bytes: f64,
    /// Clients that stopped before the last burst's last line, and why the first of them did.
    pub gave_up: Option<(usize, String)>,
}

fn bursts(clients: usize) -> u32 {
    (FRAMES / (clients * LINES as usize)).max(1) as u32
}

/// The panel: clients subscribed to one server's `console` channel while it floods.
pub async fn panel(panel: &Panel, server: &Server, clients: usize) -> Fanout {
    let conns = futures_util::stream::iter(0..clients)
        .map(|_| ws::subscribe(panel, server.id, &["console"]))
        .buffer_unordered(CONNECTING)
        .collect()
        .await;
    measure(conns, bursts(clients), |b| {
        server.control(&format!("flood {LINES} fan{b}"));
        std::future::ready(())
    })
    .await
}

/// The reference: each burst is sent into a broadcast channel whose every receiver feeds
/// one socket.
pub async fn raw(clients: usize) -> Fanout {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address").to_string();
    let (tx, _) = broadcast::channel::<Utf8Bytes>(BACKLOG);
    let subscribe = tx.clone();
    let accept = tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(serve(stream, subscribe.subscribe()));
        }
    });
    let conns = futures_util::stream::iter(0..clients)
        .map(|_| ws::connect_plain(&addr))
        .buffer_unordered(CONNECTING)
        .collect()
        .await;
    let mut seq = 0u64;
    let outcome = measure(conns, bursts(clients), |b| {
        for i in 1..=LINES {
            seq += 1;
            let _ = tx.send(console_frame(seq, b, i).into());
        }
        std::future::ready(())
    })
    .await;
    accept.abort();
    outcome
}

/// A frame as the panel sends it for a console line (same fields, same sizes).
fn console_frame(seq: u64, burst: u32, line: u32) -> String {
    let ts = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
    let at = chrono::Local::now().format("%m/%d/%Y - %H:%M:%S");
    format!(
        r#"{{"seq":{seq},"type":"console","server_id":1,"ts":"{ts}","data":{{"line":"L {at}: fan{burst} {line}","source":"console"}}}}"#
    )
}

enum Queued {
    Frame(Utf8Bytes),
    Lagged(u64),
    Empty,
    Closed,
}

/// One reference socket: waits for a frame, writes whatever else is queued already, then
/// flushes once, as an efficient fan-out would.
async fn serve(stream: TcpStream, mut rx: broadcast::Receiver<Utf8Bytes>) {
    let Ok(mut ws) = tokio_tungstenite::accept_async(stream).await else {
        return;
    };
    loop {
        let mut next = match rx.recv().await {
            Ok(frame) => Queued::Frame(frame),
            Err(RecvError::Lagged(missed)) => Queued::Lagged(missed),
            Err(RecvError::Closed) => Queued::Closed,
        };
        loop {
            let text = match next {
                Queued::Frame(frame) => frame,
                Queued::Lagged(missed) => format!(r#"{{"type":"lagged","data":{{"missed":{missed}}}}}"#).into(),
                Queued::Empty => break,
                Queued::Closed => return,
            };
            if ws.feed(Message::Text(text)).await.is_err() {
                return;
            }
            next = match rx.try_recv() {
                Ok(frame) => Queued::Frame(frame),
                Err(TryRecvError::Lagged(missed)) => Queued::Lagged(missed),
                Err(TryRecvError::Empty) => Queued::Empty,
                Err(TryRecvError::Closed) => Queued::Closed,
            };
        }
        if ws.flush().await.is_err() {
            return;
        }
    }
}

/// From the first frame of a burst any client got to the last frame the last client got.
struct Span {
    first: Instant,
    last: Instant,
}

/// Runs the bursts one after the other (each started by `burst(b)`, the next once every client
/// has the last line), and rates the frames delivered over the time bursts were in flight. A
/// client whose burst never completes drops out and is counted, rather than ending the bench.
async fn measure<F, Fut>(clients: Vec<Ws>, bursts: u32, mut burst: F) -> Fanout
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = ()>,
{
    let mut reading = clients.len();
    let (done_tx, mut done) = mpsc::unbounded_channel();
    let readers: Vec<_> = clients
        .into_iter()
        .map(|ws| tokio::spawn(read(ws, bursts, done_tx.clone())))
        .collect();
    drop(done_tx);
    let mut in_flight = Duration::ZERO;
    let mut gave_up: Option<(usize, String)> = None;
    for b in 0..bursts {
        burst(b).await;
        let mut span: Option<Span> = None;
        for _ in 0..reading {
            match done.recv().await {
                Some(Ok(got)) => {
                    span = Some(match span {
                        None => got,
                        Some(s) => Span {
                            first: s.first.min(got.first),
                            last: s.last.max(got.last),
                        },
                    })
                }
                Some(Err(why)) => {
                    let (count, _) = gave_up.get_or_insert((0, why));
                    *count += 1;
                }
                None => break,
            }
        }
        reading = readers.len() - gave_up.as_ref().map_or(0, |(n, _)| *n);
        if let Some(span) = span {
            in_flight += span.last - span.first;
        }
    }
    let (mut frames, mut missed, mut bytes) = (0, 0, 0);
    for reader in readers {
        if let Ok((f, m, b)) = reader.await {
            frames += f;
            missed += m;
            bytes += b;
        }
    }
    Fanout {
        per_second: if in_flight.is_zero() {
            0.0
        } else {
            frames as f64 / in_flight.as_secs_f64()
        },
        lagged: missed,
        frame_bytes: bytes as f64 / frames.max(1) as f64,
        gave_up,
    }
}

/// One client: counts frames (and bytes) burst by burst, adds up what `lagged` frames say was
/// dropped, and reports each burst's span once its last line arrived, or why it never did.
async fn read(mut ws: Ws, bursts: u32, done: mpsc::UnboundedSender<Result<Span, String>>) -> (u64, u64, u64) {
    let (mut frames, mut missed, mut bytes) = (0, 0, 0);
    for b in 0..bursts {
        let last_line = format!("fan{b} {LINES}\"");
        let mut first = None;
        loop {
            let text = match ws::next(&mut ws, WAIT).await {
                Next::Text(text) => text,
                Next::Closed(why) => {
                    let _ = done.send(Err(format!("burst {b}: {why}")));
                    return (frames, missed, bytes);
                }
                Next::Silent => {
                    let _ = done.send(Err(format!("burst {b}: its last line did not arrive within {WAIT:?}")));
                    return (frames, missed, bytes);
                }
            };
            if let Some(n) = lagged(&text) {
                missed += n;
                continue;
            }
            let now = Instant::now();
            let first = *first.get_or_insert(now);
            frames += 1;
            bytes += text.len() as u64;
            if text.contains(&last_line) {
                let _ = done.send(Ok(Span { first, last: now }));
                break;
            }
        }
    }
    (frames, missed, bytes)
}
