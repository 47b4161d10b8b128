use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Role;
use crate::db::{schema::users, to_utc};
use crate::error::{ApiError, ApiResult};
use crate::ids::UserId;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: UserId,
    pub username: String,
    pub password_hash: String,
    pub role: Role,
    pub disabled: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub last_login_at: Option<NaiveDateTime>,
}

/// A user account as the API shows it (never with its password hash).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub role: Role,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
}

impl From<UserRow> for User {
    fn from(row: UserRow) -> User {
        User {
            id: row.id,
            username: row.username,
            role: row.role,
            disabled: row.disabled,
            created_at: to_utc(row.created_at),
            updated_at: to_utc(row.updated_at),
            last_login_at: row.last_login_at.map(to_utc),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    /// 3–32 characters: letters, digits, `_`, `.`, `-`.
    #[schema(min_length = 3, max_length = 32, pattern = "^[A-Za-z0-9_.-]{3,32}$")]
    pub username: String,
    /// 8–72 characters, at most 72 bytes in UTF-8 (bcrypt reads no further).
    #[schema(min_length = 8, max_length = 72, pattern = r"^[^\u0000]*$")]
    pub password: String,
    pub role: Role,
}

/// Only the fields present are changed.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    pub role: Option<Role>,
    pub disabled: Option<bool>,
    /// Sets a new password and ends the user's sessions (8–72 characters, at most 72 bytes in
    /// UTF-8).
    #[schema(min_length = 8, max_length = 72, pattern = r"^[^\u0000]*$")]
    pub password: Option<String>,
}

crate::page_of!(UserPage, User);

pub fn validate_username(username: &str) -> ApiResult<()> {
    let ok_chars = username
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if !(3..=32).contains(&username.len()) || !ok_chars {
        return Err(ApiError::validation(
            "username",
            "must be 3 to 32 characters: letters, digits, `_`, `.` or `-`",
        ));
    }
    Ok(())
}
