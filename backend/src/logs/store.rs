//! Rows of `log_entries` and `log_cursors`: batched inserts that move the file cursor in the
//! same transaction (so a line is stored exactly once across panel restarts), paged queries
//! with filters, deletion and retention.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::upsert::excluded;

use super::model::{LogEntry, LogQuery};
use crate::db::schema::{log_cursors, log_entries};
use crate::db::text::{contains_pattern, lower};
use crate::db::{to_utc, Db, WriteTransaction};
use crate::error::ApiResult;
use crate::ids::ServerId;
use crate::with_conn;

/// Most rows in one INSERT (9 bound values each stays far below SQLite's variable limit).
const INSERT_CHUNK: usize = 1000;

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = log_entries)]
pub struct NewEntry {
    pub server_id: ServerId,
    pub source: &'static str,
    pub logged_at: NaiveDateTime,
    pub game_time: Option<String>,
    pub level: &'static str,
    pub kind: String,
    pub message: String,
    pub line: String,
}

/// How far a followed file has been read, in whole lines.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Insertable)]
#[diesel(table_name = log_cursors)]
pub struct Cursor {
    pub server_id: ServerId,
    pub source: String,
    pub path: String,
    pub device: i64,
    pub inode: i64,
    pub read_to: i64,
}

/// Lines read from one file and where the file stands after them.
#[derive(Debug)]
pub struct Batch {
    pub entries: Vec<NewEntry>,
    pub cursor: Cursor,
}

#[derive(Queryable)]
struct EntryRow {
    id: i64,
    server_id: ServerId,
    source: String,
    logged_at: NaiveDateTime,
    game_time: Option<String>,
    level: String,
    kind: String,
    message: String,
    line: String,
}

impl From<EntryRow> for LogEntry {
    fn from(r: EntryRow) -> LogEntry {
        LogEntry {
            id: r.id,
            server_id: r.server_id,
            source: r.source,
            logged_at: to_utc(r.logged_at),
            game_time: r.game_time,
            level: r.level,
            kind: r.kind,
            message: r.message,
            line: r.line,
        }
    }
}

/// Stores the batches' lines and moves their cursors, all in one transaction.
pub async fn insert(db: &Db, batches: std::sync::Arc<Vec<Batch>>) -> ApiResult<()> {
    db.run(move |pool| {
        with_conn!(pool, |c| {
            c.write_transaction(|c| {
                for chunk in batches.iter().flat_map(|b| b.entries.chunks(INSERT_CHUNK)) {
                    diesel::insert_into(log_entries::table).values(chunk).execute(c)?;
                }
                for batch in batches.iter() {
                    diesel::insert_into(log_cursors::table)
                        .values(&batch.cursor)
                        .on_conflict((log_cursors::server_id, log_cursors::source))
                        .do_update()
                        .set((
                            log_cursors::path.eq(excluded(log_cursors::path)),
                            log_cursors::device.eq(excluded(log_cursors::device)),
                            log_cursors::inode.eq(excluded(log_cursors::inode)),
                            log_cursors::read_to.eq(excluded(log_cursors::read_to)),
                        ))
                        .execute(c)?;
                }
                Ok(())
            })
        })
    })
    .await
}

pub async fn cursor(db: &Db, server: ServerId, source: &'static str) -> ApiResult<Option<Cursor>> {
    db.run(move |pool| {
        with_conn!(pool, |c| {
            Ok(log_cursors::table
                .filter(log_cursors::server_id.eq(server))
                .filter(log_cursors::source.eq(source))
                .first::<Cursor>(c)
                .optional()?)
        })
    })
    .await
}

/// Newest first, at most `query.limit` entries older than `query.cursor`.
pub async fn page(db: &Db, server: ServerId, query: LogQuery) -> ApiResult<Vec<LogEntry>> {
    let rows: Vec<EntryRow> = db
        .run(move |pool| {
            with_conn!(pool, |c| {
                let mut q = log_entries::table
                    .filter(log_entries::server_id.eq(server))
                    .into_boxed();
                if let Some(levels) = &query.levels {
                    q = q.filter(log_entries::level.eq_any(levels.clone()));
                }
                if let Some(source) = &query.source {
                    q = q.filter(log_entries::source.eq(source.clone()));
                }
                if let Some(kind) = &query.kind {
                    q = q.filter(log_entries::kind.eq(kind.clone()));
                }
                if let Some(since) = query.since {
                    q = q.filter(log_entries::logged_at.ge(since));
                }
                if let Some(until) = query.until {
                    q = q.filter(log_entries::logged_at.lt(until));
                }
                if let Some(text) = &query.q {
                    q = q.filter(
                        lower(log_entries::line.nullable())
                            .like(contains_pattern(text))
                            .escape('\\'),
                    );
                }
                if let Some(before) = query.cursor {
                    q = q.filter(log_entries::id.lt(before));
                }
                Ok(q.order(log_entries::id.desc()).limit(query.limit).load::<EntryRow>(c)?)
            })
        })
        .await?;
    Ok(rows.into_iter().map(LogEntry::from).collect())
}

/// Deletes the server's stored lines (its cursors stay, so nothing is read again).
pub async fn delete_all(db: &Db, server: ServerId) -> ApiResult<i64> {
    db.run(move |pool| {
        with_conn!(pool, |c| {
            let n = diesel::delete(log_entries::table.filter(log_entries::server_id.eq(server))).execute(c)?;
            Ok(n as i64)
        })
    })
    .await
}

pub async fn prune(db: &Db, before: NaiveDateTime) -> ApiResult<i64> {
    db.run(move |pool| {
        with_conn!(pool, |c| {
            let n = diesel::delete(log_entries::table.filter(log_entries::logged_at.lt(before))).execute(c)?;
            Ok(n as i64)
        })
    })
    .await
}
