//! API shapes of stored log lines.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::db::text::within_years;
use crate::error::{ApiError, ApiResult};

pub const DEFAULT_LIMIT: i64 = 200;
pub const MAX_LIMIT: i64 = 1000;
/// Levels from the least to the most severe, as stored.
pub const LEVELS: [&str; 4] = ["debug", "info", "warn", "error"];

/// One line a server wrote, as its game's adapter parsed it.
#[derive(Debug, Serialize, ToSchema)]
pub struct LogEntry {
    /// Increases with every stored line; pass the last one seen as `cursor` for older lines.
    pub id: i64,
    #[schema(value_type = i64)]
    pub server_id: crate::ids::ServerId,
    /// `console` (the captured stdout/stderr) or `game` (the game's own log file).
    pub source: String,
    /// When Languard read the line.
    pub logged_at: DateTime<Utc>,
    /// The time as the game printed it: wall-clock time without a zone, and without a date
    /// unless the game prints one (Arma's `full` timestamps: `2026/11/22, 09:00:55`).
    pub game_time: Option<String>,
    /// `debug`, `info`, `warn` or `error`.
    pub level: String,
    /// `joined`, `left`, `chat`, `other`, …: what the line is about.
    pub kind: String,
    /// The line without the game's timestamp prefix.
    pub message: String,
    /// The line as written.
    pub line: String,
}

/// Newest first; `next_cursor` is null when there is nothing older.
#[derive(Debug, Serialize, ToSchema)]
pub struct LogPage {
    pub items: Vec<LogEntry>,
    /// Pass as `cursor` for the next (older) page.
    pub next_cursor: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LogsDeleted {
    /// Lines deleted.
    pub deleted: i64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct LogParams {
    /// The least severe level shown: `debug`, `info`, `warn` or `error` (default: all).
    #[param(pattern = "^(debug|info|warn|error)$")]
    pub level: Option<String>,
    /// `console` or `game`.
    #[param(pattern = "^(console|game)$")]
    pub source: Option<String>,
    /// Only lines of this kind (e.g. `joined`, `chat`).
    #[param(min_length = 1, max_length = 32, pattern = r"^[^\u0000]*$")]
    pub kind: Option<String>,
    /// Lines read at or after this time.
    pub since: Option<DateTime<Utc>>,
    /// Lines read before this time.
    pub until: Option<DateTime<Utc>>,
    /// Case-insensitive text the line contains.
    #[param(min_length = 1, max_length = 200, pattern = r"^[^\u0000]*$")]
    pub q: Option<String>,
    /// `next_cursor` of the previous page: only lines older than it.
    #[param(minimum = 1)]
    pub cursor: Option<i64>,
    /// Lines per page, 1–1000 (default 200).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
}

/// A checked [`LogParams`].
#[derive(Debug, Clone)]
pub struct LogQuery {
    pub levels: Option<Vec<String>>,
    pub source: Option<String>,
    pub kind: Option<String>,
    pub since: Option<NaiveDateTime>,
    pub until: Option<NaiveDateTime>,
    pub q: Option<String>,
    pub cursor: Option<i64>,
    pub limit: i64,
}

impl LogParams {
    pub fn parse(self) -> ApiResult<LogQuery> {
        let levels = match self.level.as_deref() {
            None => None,
            Some(level) => {
                let from = LEVELS
                    .iter()
                    .position(|l| *l == level)
                    .ok_or_else(|| ApiError::validation("level", format!("must be one of {}", LEVELS.join(", "))))?;
                Some(LEVELS[from..].iter().map(|l| l.to_string()).collect())
            }
        };
        if let Some(source) = self.source.as_deref() {
            if !["console", "game"].contains(&source) {
                return Err(ApiError::validation("source", "must be `console` or `game`"));
            }
        }
        if self
            .kind
            .as_deref()
            .is_some_and(|k| k.is_empty() || k.chars().count() > 32)
        {
            return Err(ApiError::validation("kind", "must be 1 to 32 characters"));
        }
        let since = self.since.map(|t| within_years("since", t)).transpose()?;
        let until = self.until.map(|t| within_years("until", t)).transpose()?;
        if let (Some(s), Some(u)) = (since, until) {
            if s > u {
                return Err(ApiError::validation("since", "must not be after `until`"));
            }
        }
        if let Some(q) = &self.q {
            if q.is_empty() || q.chars().count() > 200 {
                return Err(ApiError::validation("q", "must be 1 to 200 characters"));
            }
            if q.contains('\0') {
                return Err(ApiError::validation("q", "must not contain NUL"));
            }
        }
        if self.cursor.is_some_and(|c| c < 1) {
            return Err(ApiError::validation("cursor", "must be a positive id"));
        }
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(ApiError::validation(
                "limit",
                format!("must be between 1 and {MAX_LIMIT}"),
            ));
        }
        Ok(LogQuery {
            levels,
            source: self.source,
            kind: self.kind,
            since,
            until,
            q: self.q,
            cursor: self.cursor,
            limit,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(level: Option<&str>, limit: Option<i64>) -> LogParams {
        LogParams {
            level: level.map(str::to_owned),
            source: None,
            kind: None,
            since: None,
            until: None,
            q: None,
            cursor: None,
            limit,
        }
    }

    #[test]
    fn level_means_at_least_that_severe() {
        let q = params(Some("warn"), None).parse().unwrap();
        assert_eq!(q.levels.unwrap(), ["warn", "error"]);
        assert_eq!(q.limit, DEFAULT_LIMIT);
        assert!(params(None, None).parse().unwrap().levels.is_none());
    }

    #[test]
    fn bad_values_name_their_field() {
        let field = |r: ApiResult<LogQuery>| match r {
            Err(ApiError::Validation { field, .. }) => field,
            other => panic!("expected a validation error, got {other:?}"),
        };
        assert_eq!(field(params(Some("loud"), None).parse()), "level");
        assert_eq!(field(params(None, Some(0)).parse()), "limit");
        assert_eq!(field(params(None, Some(1001)).parse()), "limit");
    }
}
