//! A minimal HTTP/1.1 load generator: each connection is kept alive and sends one request,
//! reads the head and `Content-Length` bytes of body, and sends the next. It does no more than
//! that, so it is not what limits the figures (reqwest was: ~28k req/s on a trivial route).

use std::io;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub struct Outcome {
    pub per_second: f64,
    pub p99_ms: f64,
    /// Answers other than 200, and broken connections.
    pub errors: u64,
    pub body_bytes: usize,
}

/// `GET <path>` with a bearer token, the same bytes for every server it is sent to.
pub fn get_request(addr: &str, path: &str, token: &str) -> Arc<[u8]> {
    format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\r\n")
        .into_bytes()
        .into()
}

/// Runs `connections` loops for `warmup` (not counted), then for `measure`.
pub async fn run(addr: &str, request: Arc<[u8]>, connections: usize, warmup: Duration, measure: Duration) -> Outcome {
    let counted_from = Instant::now() + warmup;
    let until = counted_from + measure;
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let (addr, request) = (addr.to_owned(), request.clone());
        tasks.push(tokio::spawn(async move {
            connection(&addr, &request, counted_from, until).await
        }));
    }
    let (mut latencies_us, mut errors, mut body_bytes) = (Vec::new(), 0, 0);
    for task in tasks {
        let (latencies, errs, bytes) = task.await.expect("load connection");
        latencies_us.extend(latencies);
        errors += errs;
        body_bytes = body_bytes.max(bytes);
    }
    latencies_us.sort_unstable();
    Outcome {
        per_second: latencies_us.len() as f64 / measure.as_secs_f64(),
        p99_ms: crate::report::percentile(&latencies_us, 0.99) / 1000.0,
        errors,
        body_bytes,
    }
}

/// One keep-alive connection (reopened after an error): latencies of 200s in µs within the
/// counted window, errors, and the body size seen.
async fn connection(addr: &str, request: &[u8], counted_from: Instant, until: Instant) -> (Vec<u64>, u64, usize) {
    let (mut latencies, mut errors, mut body_bytes) = (Vec::new(), 0, 0);
    let mut buf = Vec::with_capacity(256 * 1024);
    let mut stream = None;
    while Instant::now() < until {
        if stream.is_none() {
            match TcpStream::connect(addr).await {
                Ok(s) => {
                    let _ = s.set_nodelay(true);
                    stream = Some(s);
                }
                Err(_) => {
                    errors += 1;
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            }
        }
        let s = stream.as_mut().expect("connected");
        let sent = Instant::now();
        let answer = exchange(s, request, &mut buf).await;
        let counted = sent >= counted_from;
        match answer {
            Ok((200, body)) => {
                body_bytes = body;
                if counted {
                    latencies.push(sent.elapsed().as_micros() as u64);
                }
            }
            Ok(_) => errors += u64::from(counted),
            Err(_) => {
                errors += u64::from(counted);
                stream = None;
            }
        }
    }
    (latencies, errors, body_bytes)
}

/// Sends the request and reads one response: its status and body length.
async fn exchange(stream: &mut TcpStream, request: &[u8], buf: &mut Vec<u8>) -> io::Result<(u16, usize)> {
    stream.write_all(request).await?;
    buf.clear();
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        read_more(stream, buf).await?;
    };
    let bad = |what: &str| io::Error::new(io::ErrorKind::InvalidData, what.to_owned());
    let head = std::str::from_utf8(&buf[..head_end]).map_err(|_| bad("head is not UTF-8"))?;
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| bad("no status"))?;
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .ok_or_else(|| bad("no Content-Length"))?;
    while buf.len() < head_end + length {
        read_more(stream, buf).await?;
    }
    Ok((status, length))
}

async fn read_more(stream: &mut TcpStream, buf: &mut Vec<u8>) -> io::Result<()> {
    buf.reserve(64 * 1024);
    match stream.read_buf(buf).await? {
        0 => Err(io::ErrorKind::UnexpectedEof.into()),
        _ => Ok(()),
    }
}
