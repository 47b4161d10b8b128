//! The panel keeps `servers`, `users` and `sessions` in memory (`backend/src/db/snapshot.rs`)
//! and trusts a snapshot until `Db::write` counts a write to its table. A write that bypasses
//! `Db::write` leaves a stale snapshot in use, which no black-box test reliably catches (it shows
//! only when a read races the write). So this reads the backend's source instead: every Diesel
//! `insert_into`/`update`/`delete` and every SQL `INSERT INTO`/`UPDATE`/`DELETE FROM` on those
//! tables must sit inside the closure handed to `.write(Table::…)` for its table, in product code.

use std::path::{Path, PathBuf};

use crate::harness::workspace_root;

/// Each cached table and the `Table` variant whose count its writes must move.
const CACHED: [(&str, &str); 3] = [("servers", "Servers"), ("users", "Logins"), ("sessions", "Logins")];

/// Diesel's statements that change rows, as called before `(<table>::table`.
const DIESEL_WRITES: [&str; 5] = [
    "insert_into",
    "insert_or_ignore_into",
    "replace_into",
    "update",
    "delete",
];

/// One file's text with every run of whitespace made one space (so a statement split over
/// lines reads as one), and the line each character came from.
struct Flat {
    text: String,
    lines: Vec<usize>,
}

fn flatten(source: &str) -> Flat {
    let mut text = String::new();
    let mut lines = Vec::new();
    let mut line = 1;
    let mut in_space = false;
    for c in source.chars() {
        if c.is_whitespace() {
            if !in_space {
                text.push(' ');
                lines.push(line);
            }
            in_space = true;
        } else {
            text.push(c);
            lines.extend(std::iter::repeat_n(line, c.len_utf8()));
            in_space = false;
        }
        if c == '\n' {
            line += 1;
        }
    }
    Flat { text, lines }
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Byte offsets in `flat` of each statement that writes `table`, with what it is.
fn writes_to(flat: &str, table: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    // Diesel: `diesel::update(servers::table…)`, also with a path before the table.
    let needle = format!("{table}::table");
    for (at, _) in flat.match_indices(&needle) {
        let before = &flat[..at];
        if before.ends_with(is_ident) {
            continue; // e.g. `api_users::table`
        }
        let call = before.trim_end_matches(|c: char| is_ident(c) || c == ':').trim_end();
        let Some(call) = call.strip_suffix('(') else { continue };
        let name_start = call.trim_end().rfind(|c: char| !is_ident(c)).map_or(0, |i| i + 1);
        let name = &call.trim_end()[name_start..];
        if DIESEL_WRITES.contains(&name) {
            found.push((at, format!("{name}({table}::table")));
        }
    }
    // SQL text: `INSERT INTO servers`, `UPDATE users SET`, `DELETE FROM sessions`.
    let lower = flat.to_ascii_lowercase();
    for verb in ["insert into", "update", "delete from"] {
        let needle = format!("{verb} {table}");
        for (at, _) in lower.match_indices(&needle) {
            let starts_word = !lower[..at].ends_with(is_ident);
            let ends_word = !lower[at + needle.len()..].starts_with(is_ident);
            if starts_word && ends_word {
                found.push((at, format!("SQL `{needle}`")));
            }
        }
    }
    found
}

/// What a statement at some offset sits in: the nearest opening of these before it.
#[derive(Debug, PartialEq)]
enum Enclosing<'a> {
    /// The closure of `.write(Table::<variant>, …)`: the one place a write is counted.
    Write(&'a str),
    /// The body of `macro_rules! <name>`: what counts is where the macro is used.
    Macro(&'a str),
    /// A `Db::run` closure, a function (a helper called from inside a write still leaves its
    /// statement unguarded for its next caller), or nothing.
    Unguarded,
}

fn last_word(before: &str, word: &str) -> Option<usize> {
    before
        .match_indices(word)
        .filter(|(i, _)| !before[..*i].ends_with(is_ident))
        .map(|(i, _)| i)
        .last()
}

fn ident_at(text: &str) -> &str {
    &text[..text.find(|c: char| !is_ident(c)).unwrap_or(text.len())]
}

fn enclosing(flat: &str, at: usize) -> Enclosing<'_> {
    let before = &flat[..at];
    let openings = [
        before.rfind(".write(Table::"),
        before.rfind(".run("),
        last_word(before, "fn "),
        last_word(before, "macro_rules! "),
    ];
    let Some(nearest) = openings.iter().flatten().max().copied() else {
        return Enclosing::Unguarded;
    };
    if openings[0] == Some(nearest) {
        Enclosing::Write(ident_at(&flat[nearest + ".write(Table::".len()..]))
    } else if openings[3] == Some(nearest) {
        Enclosing::Macro(ident_at(&flat[nearest + "macro_rules! ".len()..]))
    } else {
        Enclosing::Unguarded
    }
}

/// Removes inline `#[cfg(test)] mod … { … }` blocks (test code may write directly) and returns
/// the files of `#[cfg(test)] mod …;` declarations, which are test code as a whole.
fn without_tests(path: &Path, source: &str) -> (String, Vec<PathBuf>) {
    let mut kept = String::new();
    let mut test_files = Vec::new();
    let dir = match path.file_stem().and_then(|s| s.to_str()) {
        Some("mod" | "lib" | "main") => path.parent().map(Path::to_path_buf).unwrap_or_default(),
        _ => path.with_extension(""),
    };
    let mut rest = source;
    while let Some(at) = rest.find("#[cfg(test)]") {
        kept.push_str(&rest[..at]);
        let item = &rest[at..];
        let mut head = item["#[cfg(test)]".len()..].trim_start();
        while head.starts_with("#[") {
            head = head[head.find(']').map_or(head.len(), |i| i + 1)..].trim_start();
        }
        let head = head
            .strip_prefix("pub(crate) ")
            .or(head.strip_prefix("pub "))
            .unwrap_or(head);
        if let Some(after) = head.strip_prefix("mod ") {
            let name_end = after.find(|c: char| !is_ident(c)).unwrap_or(after.len());
            if let Some(next) = after[name_end..].trim_start().strip_prefix(';') {
                let name = &after[..name_end];
                test_files.push(dir.join(format!("{name}.rs")));
                test_files.push(dir.join(name));
                rest = next;
                continue;
            }
        }
        // Skip the item up to its `;` or the end of its braced block, keeping its lines as
        // blank ones so that later line numbers stay true.
        let mut depth = 0usize;
        let mut end = item.len();
        for (i, c) in item.char_indices().skip("#[cfg(test)]".len()) {
            match c {
                ';' if depth == 0 => {
                    end = i + 1;
                    break;
                }
                '{' => depth += 1,
                '}' if depth == 1 => {
                    end = i + 1;
                    break;
                }
                '}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        kept.extend(std::iter::repeat_n('\n', item[..end].matches('\n').count()));
        rest = &item[end..];
    }
    kept.push_str(rest);
    (kept, test_files)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// One write to a cached table found in the source.
#[derive(Debug)]
struct Found {
    place: String,
    table: &'static str,
    what: String,
    guard: Option<String>,
}

/// Every write to a cached table in the product code under `root`, with the `Table` variant
/// of the `Db::write` it sits in. A write inside a macro counts at each use of the macro.
fn scan(root: &Path) -> Vec<Found> {
    let mut files = Vec::new();
    rust_files(root, &mut files);
    files.sort();
    let mut product = Vec::new();
    let mut test_paths = Vec::new();
    for path in &files {
        let (kept, tests) = without_tests(path, &std::fs::read_to_string(path).unwrap());
        product.push((path, flatten(&kept)));
        test_paths.extend(tests);
    }
    product.retain(|(path, _)| !test_paths.iter().any(|t| path.starts_with(t)));
    let place = |path: &Path, flat: &Flat, at: usize| {
        format!("{}:{}", path.strip_prefix(root).unwrap().display(), flat.lines[at])
    };
    let mut found = Vec::new();
    let mut macros = Vec::new();
    for (path, flat) in &product {
        for (table, _) in CACHED {
            for (at, what) in writes_to(&flat.text, table) {
                let guard = match enclosing(&flat.text, at) {
                    Enclosing::Write(variant) => Some(variant.to_owned()),
                    Enclosing::Macro(name) => {
                        macros.push((format!("{name}!"), table, what));
                        continue;
                    }
                    Enclosing::Unguarded => None,
                };
                found.push(Found {
                    place: place(path, flat, at),
                    table,
                    what,
                    guard,
                });
            }
        }
    }
    for (call, table, what) in macros {
        for (path, flat) in &product {
            for (at, _) in flat.text.match_indices(&call) {
                if flat.text[..at].ends_with(is_ident) || flat.text[..at].ends_with("macro_rules! ") {
                    continue;
                }
                let guard = match enclosing(&flat.text, at) {
                    Enclosing::Write(variant) => Some(variant.to_owned()),
                    _ => None,
                };
                let what = format!("{call} (which does {what})");
                found.push(Found {
                    place: place(path, flat, at),
                    table,
                    what,
                    guard,
                });
            }
        }
    }
    found
}

#[test]
fn writes_to_cached_tables_go_through_db_write() {
    let found = scan(&workspace_root().join("backend/src"));
    // The scan itself must see the writes it guards, or it would pass on anything.
    for (table, _) in CACHED {
        assert!(
            found.iter().filter(|f| f.table == table).count() >= 2,
            "the scan found almost no writes to `{table}`: {found:#?}"
        );
    }
    let bypasses: Vec<String> = found
        .iter()
        .filter(|f| {
            let want = CACHED.iter().find(|(t, _)| *t == f.table).map(|(_, v)| *v);
            f.guard.as_deref() != want
        })
        .map(|f| match &f.guard {
            Some(other) => format!(
                "{}: {} counts as Table::{other}, not as `{}`'s",
                f.place, f.what, f.table
            ),
            None => format!("{}: {} is not inside `db.write(Table::…, |pool| …)`", f.place, f.what),
        })
        .collect();
    assert!(
        bypasses.is_empty(),
        "writes to a cached table that bypass Db::write (the in-memory snapshot would go stale):\n  {}",
        bypasses.join("\n  ")
    );
}

#[test]
fn the_scan_sees_a_bypass() {
    let guarded = flatten(
        "async fn a(db: &Db) { db.write(Table::Logins, move |pool| {\n with_conn!(pool, |c| diesel::update(\n users::table.find(1)).execute(c)) }) }",
    );
    let hits = writes_to(&guarded.text, "users");
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(enclosing(&guarded.text, hits[0].0), Enclosing::Write("Logins"));
    assert_eq!(guarded.lines[hits[0].0], 3);

    for bypass in [
        "async fn a(db: &Db) { db.run(move |pool| with_conn!(pool, |c| diesel::delete(servers::table).execute(c))) }",
        "async fn a(db: &Db) { db.write(Table::Servers, |p| Ok(())) }\nfn b(c: &mut Conn) { diesel::insert_into(crate::db::schema::servers::table) }",
        "fn b(c: &mut Conn) { c.batch_execute(\"UPDATE servers SET state = 'x'\") }",
    ] {
        let flat = flatten(bypass);
        let hits = writes_to(&flat.text, "servers");
        assert_eq!(hits.len(), 1, "{bypass}: {hits:?}");
        assert_eq!(enclosing(&flat.text, hits[0].0), Enclosing::Unguarded, "{bypass}");
    }
    // Whole files: a macro counts where it is used; test modules may write as they like.
    let root = tempfile::tempdir().unwrap();
    std::fs::write(
        root.path().join("a.rs"),
        "macro_rules! revoke { ($c:expr) => { diesel::update(sessions::table).execute($c) }; }\n\
         async fn ok(db: &Db) { db.write(Table::Logins, |pool| with_conn!(pool, |c| revoke!(c))) }\n\
         async fn bad(db: &Db) { db.run(|pool| with_conn!(pool, |c| revoke!(c))) }\n\
         #[cfg(test)]\nmod tests { fn setup() { diesel::delete(users::table); } }\n\
         #[cfg(test)]\nmod more;\n",
    )
    .unwrap();
    std::fs::create_dir(root.path().join("a")).unwrap();
    std::fs::write(
        root.path().join("a/more.rs"),
        "fn f() { diesel::delete(servers::table); }",
    )
    .unwrap();
    let found = scan(root.path());
    let seen: Vec<_> = found
        .iter()
        .map(|f| (f.place.as_str(), f.table, f.guard.as_deref()))
        .collect();
    assert_eq!(
        seen,
        [("a.rs:2", "sessions", Some("Logins")), ("a.rs:3", "sessions", None)]
    );

    // Neither a read nor a table whose name only ends the same way is a write.
    assert!(writes_to(
        &flatten("servers::table.find(1); api_users::table; diesel::update(api_users::table)").text,
        "users"
    )
    .is_empty());
}
