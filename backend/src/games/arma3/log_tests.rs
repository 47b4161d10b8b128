//! Golden RPT files: the same session written with each `timestamp_format` the config offers
//! (`none`, `short`, `full`) must yield the same levels, messages and events; only the time differs.

use super::Arma3;
use crate::games::testutil::golden;
use crate::games::{GameAdapter, LogEventKind, LogLine};

const FORMATS: [(&str, &str, &str); 3] = [
    (
        "none",
        include_str!("../testdata/arma3/rpt/none.rpt"),
        include_str!("../testdata/arma3/rpt/none.parsed"),
    ),
    (
        "short",
        include_str!("../testdata/arma3/rpt/short.rpt"),
        include_str!("../testdata/arma3/rpt/short.parsed"),
    ),
    (
        "full",
        include_str!("../testdata/arma3/rpt/full.rpt"),
        include_str!("../testdata/arma3/rpt/full.parsed"),
    ),
];

fn parse_all(rpt: &str) -> Vec<LogLine> {
    rpt.lines()
        .map(|l| Arma3.parse_log_line(l).unwrap_or_else(|| panic!("not parsed: {l:?}")))
        .collect()
}

/// One line per parsed line: `level | time | event | message`.
fn render(lines: &[LogLine]) -> String {
    let mut out = String::new();
    for l in lines {
        let event = match &l.kind {
            LogEventKind::PlayerJoined { name } => format!("joined {name}"),
            LogEventKind::PlayerLeft { name } => format!("left {name}"),
            LogEventKind::Chat { name, text } => format!("chat {name}: {text}"),
            other => other.name().to_owned(),
        };
        let time = l.time.as_deref().unwrap_or("-");
        out.push_str(&format!("{} | {time} | {event} | {}\n", l.level.as_str(), l.message));
    }
    out
}

#[test]
fn every_timestamp_format_matches_its_golden_file() {
    for (format, rpt, expected) in FORMATS {
        golden(
            &format!("arma3/rpt/{format}.parsed"),
            expected,
            &render(&parse_all(rpt)),
        );
    }
}

#[test]
fn every_timestamp_format_yields_the_same_events() {
    let without_time = |rpt: &str| -> Vec<LogLine> {
        parse_all(rpt)
            .into_iter()
            .map(|l| LogLine { time: None, ..l })
            .collect()
    };
    let none = without_time(FORMATS[0].1);
    let joined = LogEventKind::PlayerJoined { name: "Steve".into() };
    let left = LogEventKind::PlayerLeft { name: "Steve".into() };
    assert!(none.iter().any(|l| l.kind == joined) && none.iter().any(|l| l.kind == left));
    assert_eq!(
        none.iter()
            .filter(|l| matches!(l.kind, LogEventKind::Chat { .. }))
            .count(),
        2
    );
    for (format, rpt, _) in &FORMATS[1..] {
        assert_eq!(without_time(rpt), none, "{format} parses differently from none");
        assert!(parse_all(rpt).iter().all(|l| l.time.is_some()), "{format} lost a time");
    }
}

/// The `full` layout is `YYYY/MM/DD, HH:MM:SS`; the hour may be right-aligned as in `short`.
#[test]
fn full_timestamp_variants() {
    let parse = |l: &str| Arma3.parse_log_line(l).unwrap_or_else(|| panic!("not parsed: {l:?}"));
    let l = parse("2026/11/22,  9:00:57 Player Steve connected (id=76561198011111111).");
    assert_eq!(l.time.as_deref(), Some("2026/11/22,  9:00:57"));
    assert_eq!(l.kind, LogEventKind::PlayerJoined { name: "Steve".into() });
    for not_a_stamp in [
        "2026/11/22 09:00:57 Player Steve disconnected.",
        "2026/1x/22, 09:00:57 Player Steve disconnected.",
    ] {
        let l = parse(not_a_stamp);
        assert_eq!((l.time, l.kind), (None, LogEventKind::Other), "{not_a_stamp}");
    }
}
