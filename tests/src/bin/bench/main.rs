//! `make bench`: `languard-bench <languard> <fakegame>` starts a release panel (a data dir of
//! its own, SQLite, a free port) and release simulators, measures it, kills them all, and prints
//! one table. Each figure stands beside what it is held against: a reference measured in the
//! same run on the same machine (a bare actix-web handler, a raw tokio broadcast), whose ratio
//! holds where absolute figures drift, or the product's target. Nothing is asserted: the exit
//! code is non-zero only when something failed (lines lost, requests refused, frames that
//! never came).

// Code that runs only under test or measurement: a panic here is a failed run, said
// loudly, which is what it should be (the workspace denies unwrap/expect for product code).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod bare;
mod fanout;
mod ingest;
mod latency;
mod load;
mod monitor;
mod panel;
mod report;
mod sim;
mod ws;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use panel::Panel;
use report::{mb, si, Report};
use sim::{power_all, wait_all, Reaper, Sims};

const RESTARTS: usize = 5;
const SERVERS: usize = 100;
const CONNECTIONS: usize = 64;
const LIST_PATH: &str = "/api/v1/servers";
const INGEST_LINES: u32 = 200_000;
const OVERLOAD_LINES: u32 = 2_000_000;
/// Clients following a quiet server while another floods.
const FLOOD_FOLLOWERS: usize = 500;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [languard, fakegame] = args.as_slice() else {
        eprintln!("usage: languard-bench <languard binary> <fakegame binary>");
        std::process::exit(2);
    };
    // Interrupted, the bench future is dropped, and with it the panel and its simulators.
    let report = tokio::select! {
        report = bench(languard, fakegame) => report,
        _ = tokio::signal::ctrl_c() => None,
    };
    let Some(report) = report else {
        eprintln!("interrupted");
        std::process::exit(130);
    };
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!("Languard bench: release build, {cores} cores shared by the panel, the references and the load");
    report.print();
    std::process::exit(if report.failures.is_empty() { 0 } else { 1 });
}

fn progress(what: &str) {
    static STARTED: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    let since = STARTED.get_or_init(Instant::now).elapsed();
    eprintln!("bench: {:>5.1} s  {what}", since.as_secs_f64());
}

async fn bench(languard: &Path, fakegame: &Path) -> Option<Report> {
    let work = tempfile::tempdir().expect("work dir");
    let (data, log) = (work.path().join("data"), work.path().join("panel.log"));
    // Dropped after the panel (declared before it), so nothing restarts what it kills.
    let reaper = Reaper(data.clone());
    let mut report = Report::default();

    progress("start-up: a first start, then restarts on the same data");
    let first = Panel::start(languard, &data, &log).await;
    let first_start = first.started_in;
    first.kill().await;
    let mut restarts = Vec::new();
    for _ in 0..RESTARTS {
        let panel = Panel::start(languard, &data, &log).await;
        restarts.push(panel.started_in);
        panel.kill().await;
    }
    restarts.sort();

    let mut panel = Panel::start(languard, &data, &log).await;
    panel.login().await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (idle_kib, (idle_anon_kib, idle_file_kib)) = (panel.rss_kib(), panel.rss_anon_file_kib());

    progress(&format!("{SERVERS} simulated Source servers: register, start, monitor"));
    let mut sims = Sims::new(fakegame, work.path());
    let mut servers = Vec::new();
    for i in 0..SERVERS {
        servers.push(sims.create(&panel, &format!("bench-{i}")).await);
    }
    power_all(&panel, &servers, "start", "running").await;
    // The first roster polls and samples after the starts are done with.
    tokio::time::sleep(Duration::from_secs(6)).await;
    let monitored = monitor::footprint(&panel, Duration::from_secs(20)).await;

    progress(&format!(
        "GET {LIST_PATH} against the bare handler, {CONNECTIONS} connections"
    ));
    let path = format!("{LIST_PATH}?per_page={SERVERS}");
    let body = panel.get(&format!("/servers?per_page={SERVERS}")).await;
    let (warmup, window) = (Duration::from_secs(1), Duration::from_secs(8));
    let request = load::get_request(&panel.addr, &path, &panel.token);
    let ours = load::run(&panel.addr, request, CONNECTIONS, warmup, window).await;
    let bare = bare::start(LIST_PATH, body);
    let request = load::get_request(&bare.addr, &path, &panel.token);
    let limit = load::run(&bare.addr, request, CONNECTIONS, warmup, window).await;
    bare.stop().await;
    for (who, outcome) in [("panel", &ours), ("bare handler", &limit)] {
        if outcome.errors > 0 {
            report.fail(format!(
                "GET {LIST_PATH}: {} failed requests to the {who}",
                outcome.errors
            ));
        }
    }
    power_all(&panel, &servers, "kill", "stopped").await;

    let stream = sims.create(&panel, "stream").await;
    power_all(&panel, std::slice::from_ref(&stream), "start", "running").await;
    let mut fanouts = Vec::new();
    for clients in [100, 1000] {
        progress(&format!("fan-out to {clients} clients, panel then raw broadcast"));
        let ours = fanout::panel(&panel, &stream, clients).await;
        let limit = fanout::raw(clients).await;
        fanouts.push((clients, ours, limit));
    }
    progress("console latency");
    let latency = latency::measure(&panel, &stream).await;
    progress("console latency of one server while another floods");
    let noisy = sims.create(&panel, "noisy").await;
    power_all(&panel, std::slice::from_ref(&noisy), "start", "running").await;
    let quiet = latency::during_flood(&panel, &stream, &noisy, FLOOD_FOLLOWERS).await;
    power_all(&panel, std::slice::from_ref(&noisy), "kill", "stopped").await;
    // The floods start from a fresh panel process (the game keeps running and is reattached),
    // so their memory figures hold none of what the fan-out's sessions left in the allocator.
    panel.kill().await;
    let mut panel = Panel::start(languard, &data, &log).await;
    panel.login().await;
    wait_all(&panel, std::slice::from_ref(&stream), "running").await;
    progress(&format!("log ingest: {INGEST_LINES} lines, stored and checked"));
    let ingest = ingest::flood(&panel, &stream, INGEST_LINES, &marker("bulk"), false).await;
    progress(&format!(
        "overload: {OVERLOAD_LINES} lines, one client reading and one not"
    ));
    let overload = ingest::flood(&panel, &stream, OVERLOAD_LINES, &marker("overload"), true).await;
    drop(panel);
    drop(reaper);

    let ratio = |ours: f64, limit: f64| 100.0 * ours / limit;
    let list = format!(
        "GET {LIST_PATH}?per_page={SERVERS} ({SERVERS} servers, {} B)",
        ours.body_bytes
    );
    report.held(
        &list,
        format!(
            "{} req/s = {:.0} %",
            si(ours.per_second),
            ratio(ours.per_second, limit.per_second)
        ),
        format!("bare actix-web {} req/s; ≥ 50 %", si(limit.per_second)),
        ours.per_second >= 0.5 * limit.per_second,
    );
    report.info(
        &format!("  p99 latency, {CONNECTIONS} connections"),
        format!("{:.2} ms", ours.p99_ms),
        format!("bare actix-web {:.2} ms", limit.p99_ms),
    );
    for (clients, ours, limit) in &fanouts {
        for (who, outcome) in [("panel", ours), ("raw broadcast", limit)] {
            if let Some((count, why)) = &outcome.gave_up {
                report.fail(format!(
                    "fan-out to {clients} clients ({who}): {count} clients never got a burst's last line, e.g. {why}"
                ));
            }
        }
        report.held(
            &format!("WebSocket fan-out to {clients} clients"),
            format!(
                "{} frames/s = {:.0} %, lagged {}",
                si(ours.per_second),
                ratio(ours.per_second, limit.per_second),
                ours.lagged
            ),
            format!(
                "raw broadcast {} frames/s, lagged {}; ≥ 70 %",
                si(limit.per_second),
                limit.lagged
            ),
            ours.per_second >= 0.7 * limit.per_second,
        );
        report.info(
            "  frame size",
            format!("{:.0} B", ours.frame_bytes),
            format!("raw broadcast {:.0} B", limit.frame_bytes),
        );
    }
    if latency.missing > 0 {
        report.fail(format!(
            "console latency: {} of the ticks never arrived",
            latency.missing
        ));
    }
    report.held(
        "Console latency p50, a line every 10 ms",
        format!("{:.2} ms", latency.p50_ms),
        "≤ 5 ms".into(),
        latency.p50_ms <= 5.0,
    );
    report.held(
        "Console latency p99",
        format!("{:.2} ms", latency.p99_ms),
        "≤ 20 ms".into(),
        latency.p99_ms <= 20.0,
    );
    report.held(
        &format!(
            "Console latency p99 of a server followed by {} clients while another prints 1 000 000 lines",
            quiet.clients
        ),
        format!("{:.2} ms", quiet.p99_ms),
        "≤ 20 ms".into(),
        quiet.p99_ms <= 20.0,
    );
    if quiet.lagged > 0 || quiet.lost > 0 {
        report.fail(format!(
            "another server's flood reached the quiet server's followers: {} frames lagged, {} ticks lost",
            quiet.lagged, quiet.lost
        ));
    }
    flood_rows(&mut report, &ingest, &overload);
    report.held(
        "RSS idle",
        format!(
            "{:.1} MB: {:.1} anon + {:.1} file-backed",
            mb(idle_kib),
            mb(idle_anon_kib),
            mb(idle_file_kib)
        ),
        "≤ 15 MB".into(),
        mb(idle_kib) <= 15.0,
    );
    report.held(
        &format!("RSS, {SERVERS} servers running and monitored (peak over 20 s)"),
        format!("{:.1} MB", mb(monitored.rss_peak_kib)),
        "≤ 60 MB".into(),
        mb(monitored.rss_peak_kib) <= 60.0,
    );
    report.held(
        &format!("CPU monitoring {SERVERS} servers (utime + stime over 20 s)"),
        format!("{:.1} % of a core", monitored.cpu_percent),
        "< 5 %".into(),
        monitored.cpu_percent < 5.0,
    );
    let median = restarts[restarts.len() / 2];
    report.held(
        &format!("Start to healthy, existing data (median of {RESTARTS})"),
        format!("{:.0} ms", median.as_secs_f64() * 1e3),
        "≤ 100 ms".into(),
        median <= Duration::from_millis(100),
    );
    report.info(
        "  first start (migrations, admin password hashed)",
        format!("{:.0} ms", first_start.as_secs_f64() * 1e3),
        String::new(),
    );
    for flood in [&ingest, &overload] {
        if let Err(e) = &flood.check {
            report.fail(e.clone());
        }
        let clients = [
            ("the reading client", Some(&flood.delivery)),
            ("the client that never read", flood.sleeper.as_ref()),
        ];
        for (who, delivery) in clients {
            if let Some(Err(why)) = delivery.map(|d| &d.ended) {
                report.fail(format!("{} lines: {who} never got the last line: {why}", flood.lines));
            }
        }
    }
    progress("done");
    panel_complaints(&mut report, &log);
    Some(report)
}

fn flood_rows(report: &mut Report, ingest: &ingest::Flood, overload: &ingest::Flood) {
    let lines = ingest.lines;
    report.held(
        &format!("Log ingest, {lines} lines: stored"),
        format!(
            "{} lines/s, {}",
            si(ingest.stored_per_s),
            ingest.check.as_ref().map_or("lines LOST", |()| "each line once")
        ),
        match ingest.written_s {
            Some(s) => format!("≥ 100 k lines/s, no loss (simulator wrote for {s:.2} s)"),
            None => "≥ 100 k lines/s, no loss (simulator still writing at the end)".into(),
        },
        ingest.stored_per_s >= 100_000.0 && ingest.check.is_ok(),
    );
    report.held(
        "  delivered to a client on the log channel",
        format!(
            "{} lines/s, {} of {lines}, lagged {}",
            si(ingest.delivery.per_second()),
            ingest.delivery.lines,
            ingest.delivery.lagged
        ),
        "≥ 100 k lines/s, every line".into(),
        ingest.delivery.per_second() >= 100_000.0 && ingest.delivery.lines == u64::from(lines),
    );
    let lines = overload.lines;
    report.held(
        &format!("Overload, {lines} lines: stored"),
        format!(
            "{} lines/s, {}",
            si(overload.stored_per_s),
            overload.check.as_ref().map_or("lines LOST", |()| "each line once")
        ),
        "no loss".into(),
        overload.check.is_ok(),
    );
    // Bounded means independent of how far behind the panel falls: a flood several times as
    // long, beyond what the panel buffers, must not grow memory much more than the first did.
    let growth = |f: &ingest::Flood| mb(f.rss_peak_kib) - mb(f.rss_before_kib);
    report.held(
        "  panel RSS peak (sampled every 100 ms)",
        format!("{:.1} MB, +{:.1} MB", mb(overload.rss_peak_kib), growth(overload)),
        format!(
            "bounded: growth ≤ 1.25 × the {}-line flood's +{:.1} MB",
            ingest.lines,
            growth(ingest)
        ),
        growth(overload) <= 1.25 * growth(ingest),
    );
    if let Some(sleeper) = &overload.sleeper {
        report.held(
            "  client that never read",
            format!("told lagged, {} frames missed", sleeper.lagged),
            "told `lagged` with the count".into(),
            sleeper.lagged > 0,
        );
    }
    report.info(
        "  client that read",
        format!(
            "{} of {lines} lines, lagged {}",
            overload.delivery.lines, overload.delivery.lagged
        ),
        String::new(),
    );
}

/// A marker no earlier line contains, so a text search finds this flood's lines only.
fn marker(prefix: &str) -> String {
    format!("{prefix}{:08x}", rand::random::<u32>())
}

/// The panel logs warnings and errors only; any is worth a look, and an error is a failure.
fn panel_complaints(report: &mut Report, log: &Path) {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let errors = text.lines().filter(|l| l.contains("ERROR")).count();
    // Each start says it has no web interface to serve: the bench gives it none on purpose.
    let warnings: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("WARN") && !l.contains("no built web interface"))
        .collect();
    if !warnings.is_empty() {
        eprintln!("bench: the panel logged {} warnings; the last:", warnings.len());
        for line in warnings.iter().rev().take(5) {
            eprintln!("  {line}");
        }
    }
    if errors > 0 {
        report.fail(format!(
            "the panel logged {errors} errors, e.g. {}",
            text.lines().find(|l| l.contains("ERROR")).unwrap_or_default()
        ));
    }
}
