//! Every user string in the Arma 3 files is escaped or refused; checked by parsing the
//! rendered statements back.

use serde_json::{json, Value};

use super::render::quote;
use super::Arma3;
use crate::games::testutil::{assert_field, assert_rejects, file, plan, plan_err, plan_with_mods, secrets, NASTY};
use crate::games::Secrets;

/// Reads one Arma string literal at the start of `s`; returns it and the rest.
fn read_string(s: &str) -> (String, &str) {
    let mut chars = s.char_indices();
    assert_eq!(chars.next().map(|(_, c)| c), Some('"'), "string expected at {s:?}");
    let mut out = String::new();
    let bytes = s.as_bytes();
    let mut i = 1;
    while i < s.len() {
        if bytes[i] == b'"' {
            if bytes.get(i + 1) == Some(&b'"') {
                out.push('"');
                i += 2;
                continue;
            }
            return (out, &s[i + 1..]);
        }
        let c = s[i..].chars().next().unwrap_or_default();
        out.push(c);
        i += c.len_utf8();
    }
    panic!("unterminated string in {s:?}");
}

/// Finds the statement `key = "…";` (or `key[] = {"…", …};`) in `text` and returns its
/// strings, checking the statement is exactly one well-formed line.
fn strings_of(text: &str, key: &str) -> Vec<String> {
    let line = text
        .lines()
        .map(str::trim_start)
        .find(|l| l.starts_with(&format!("{key} = ")) || l.starts_with(&format!("{key}[] = ")))
        .unwrap_or_else(|| panic!("no {key} in {text}"));
    let mut rest = line.split_once(" = ").map(|(_, r)| r).unwrap_or_default();
    let mut out = Vec::new();
    let list = rest.starts_with('{');
    if list {
        rest = &rest[1..];
    }
    loop {
        if list && rest.starts_with('}') {
            rest = &rest[1..];
            break;
        }
        let (s, r) = read_string(rest);
        out.push(s);
        rest = r;
        if !list {
            break;
        }
        rest = rest.strip_prefix(", ").unwrap_or(rest);
    }
    assert_eq!(
        rest, ";",
        "statement for {key} must end right after its value: {line:?}"
    );
    out
}

/// Every user string either survives a round trip through the Arma parser or is refused with
/// a 422 naming its field; CR/LF are always refused.
#[test]
fn injection_is_escaped_or_refused() {
    // (config builder, field named on refusal, file, statement key, may be accepted)
    type Case = (fn(&str) -> Value, &'static str, &'static str, &'static str, bool);
    let cases: [Case; 8] = [
        (
            |v| json!({"hostname": v}),
            "config.hostname",
            "server.cfg",
            "hostname",
            true,
        ),
        (
            |v| json!({"motd": ["ok", v]}),
            "config.motd.1",
            "server.cfg",
            "motd",
            true,
        ),
        (
            |v| json!({"missions": [{"template": v}]}),
            "config.missions.0.template",
            "server.cfg",
            "template",
            true,
        ),
        (
            |v| json!({"headless_clients": [v]}),
            "config.headless_clients.0",
            "",
            "",
            false,
        ),
        (
            |v| json!({"local_clients": [v]}),
            "config.local_clients.0",
            "",
            "",
            false,
        ),
        (|v| json!({"admins": [v]}), "config.admins.0", "", "", false),
        (|v| json!({"world": v}), "config.world", "", "", false),
        (|v| json!({"profile_name": v}), "config.profile_name", "", "", false),
    ];
    for (build, field, path, key, may_accept) in cases {
        for nasty in NASTY {
            let config = build(nasty);
            let refuse = !may_accept || nasty.contains(['\r', '\n']);
            if refuse {
                assert_rejects(&Arma3, config, field);
                continue;
            }
            let p = plan(&Arma3, "arma3server_x64", 2302, &config, &secrets());
            let values = strings_of(&file(&p, path).contents, key);
            assert_eq!(values.last().map(String::as_str), Some(nasty), "{field} with {nasty:?}");
        }
    }
    // Mod folders come from the library; one that -mod= cannot carry stops the plan.
    for bad in ["/srv/mods/@a;b", "/srv/mods/@a\"b", "/srv/mods/@a'b", "/srv/mods/@a\nb"] {
        let mods = [crate::games::LaunchMod {
            folder: bad.into(),
            server_only: false,
            keys: Vec::new(),
        }];
        let err = plan_with_mods(&Arma3, "arma3server_x64", 2302, &json!({}), &secrets(), &mods).unwrap_err();
        assert_eq!(err.body().field.as_deref(), Some("mods"), "{bad}");
    }
}

/// Passwords go through the same escaping; the BE password must be one plain token.
#[test]
fn secrets_are_escaped_or_refused() {
    for nasty in NASTY {
        for (name, key) in [("game_password", "password"), ("admin_password", "passwordAdmin")] {
            let mut s = secrets();
            let slot = if name == "game_password" {
                &mut s.game_password
            } else {
                &mut s.admin_password
            };
            *slot = Some(nasty.into());
            if nasty.contains(['\r', '\n']) {
                assert_field(&plan_err(&Arma3, 2302, &json!({}), &s), name);
            } else {
                let p = plan(&Arma3, "arma3server_x64", 2302, &json!({}), &s);
                assert_eq!(strings_of(&file(&p, "server.cfg").contents, key), [nasty]);
            }
        }
        let s = Secrets {
            rcon_password: Some(nasty.into()),
            ..secrets()
        };
        if nasty == "a\\b" {
            let p = plan(&Arma3, "arma3server_x64", 2302, &json!({}), &s);
            assert!(file(&p, "battleye/beserver_x64.cfg")
                .contents
                .starts_with("RConPassword a\\b\nRConPort"));
        } else {
            assert_field(&plan_err(&Arma3, 2302, &json!({}), &s), "rcon_password");
        }
    }
}

#[test]
fn quote_doubles_quotes_and_keeps_backslashes() {
    assert_eq!(
        quote("f", r#"My "Elite" Server"#).ok().as_deref(),
        Some(r#""My ""Elite"" Server""#)
    );
    assert_eq!(quote("f", r"\A3\ui_f").ok().as_deref(), Some(r#""\A3\ui_f""#));
    assert_field(&quote("f", "a\tb").err().unwrap_or_else(|| panic!("tab accepted")), "f");
}
