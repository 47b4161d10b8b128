//! Search and time helpers that behave the same on SQLite and PostgreSQL.

use chrono::{DateTime, Utc};

use crate::error::{ApiError, ApiResult};

diesel::define_sql_function! {
    /// SQL `lower(text)`: PostgreSQL's LIKE is case-sensitive, SQLite's is not.
    fn lower(x: diesel::sql_types::Nullable<diesel::sql_types::Text>) -> diesel::sql_types::Nullable<diesel::sql_types::Text>;
}

/// `%`, `_` and `\` in user input match themselves (use with `.escape('\\')`).
pub fn like_literal(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// `%text%`, lower-cased, for a case-insensitive substring search.
pub fn contains_pattern(text: &str) -> String {
    format!("%{}%", like_literal(&text.to_lowercase()))
}

/// Both databases store years 1–9999 only (chrono parses far more).
pub fn within_years(field: &str, t: DateTime<Utc>) -> ApiResult<chrono::NaiveDateTime> {
    use chrono::Datelike;
    if !(1..=9999).contains(&t.year()) {
        return Err(ApiError::validation(field, "the year must be between 1 and 9999"));
    }
    Ok(t.naive_utc())
}
