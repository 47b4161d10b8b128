//! Login sessions. A refresh token is `<session id>.<secret>`; the row keeps only the secret's
//! hash and each refresh replaces it (rotation). Presenting an already-rotated secret means the
//! token was copied, so the whole session is revoked.

use diesel::prelude::*;

use super::AccessChanges;
use crate::db::schema::sessions;
use crate::db::{now, Db, Table};
use crate::error::{ApiError, ApiResult, ErrorKind};
use crate::with_conn;

fn revoked() -> ApiError {
    ApiError::unauthorized(
        ErrorKind::TokenRevoked,
        "this refresh token is no longer valid; log in again",
    )
}

/// Opens a session; returns (session id, refresh token).
pub async fn open(db: &Db, user_id: i64, ttl_secs: i64) -> ApiResult<(i64, String)> {
    let secret = super::random_secret(43);
    let hash = super::sha256_hex(&secret);
    let id = db
        .write(Table::Logins, move |pool| {
            let t = now();
            with_conn!(pool, |c| diesel::insert_into(sessions::table)
                .values((
                    sessions::user_id.eq(user_id),
                    sessions::refresh_hash.eq(&hash),
                    sessions::created_at.eq(t),
                    sessions::expires_at.eq(t + chrono::Duration::seconds(ttl_secs)),
                    sessions::last_used_at.eq(t),
                ))
                .returning(sessions::id)
                .get_result::<i64>(c)
                .map_err(ApiError::from))
        })
        .await?;
    Ok((id, format!("{id}.{secret}")))
}

fn parse(token: &str) -> ApiResult<(i64, &str)> {
    let (id, secret) = token.split_once('.').ok_or_else(revoked)?;
    Ok((id.parse().map_err(|_| revoked())?, secret))
}

/// Exchanges a refresh token for a new one; returns (user id, session id, new refresh token).
///
/// One conditional UPDATE does the swap, so two concurrent refreshes cannot both succeed.
/// Presenting the token that was just rotated away is a replay: the session is revoked.
/// Any other wrong secret is only refused, so nobody can end sessions by guessing ids.
pub async fn rotate(db: &Db, access: &AccessChanges, token: &str, ttl_secs: i64) -> ApiResult<(i64, i64, String)> {
    let (id, secret) = parse(token)?;
    let presented = super::sha256_hex(secret);
    let new_secret = super::random_secret(43);
    let new_hash = super::sha256_hex(&new_secret);
    let (swapped, replayed_by) = db
        .write(Table::Logins, move |pool| {
            let t = now();
            with_conn!(pool, |c| {
                let swapped: Option<i64> = diesel::update(
                    sessions::table
                        .filter(sessions::id.eq(id))
                        .filter(sessions::refresh_hash.eq(&presented))
                        .filter(sessions::revoked_at.is_null())
                        .filter(sessions::expires_at.gt(t)),
                )
                .set((
                    sessions::previous_hash.eq(&presented),
                    sessions::refresh_hash.eq(&new_hash),
                    sessions::last_used_at.eq(t),
                    sessions::expires_at.eq(t + chrono::Duration::seconds(ttl_secs)),
                ))
                .returning(sessions::user_id)
                .get_result(c)
                .optional()?;
                if swapped.is_some() {
                    return Ok((swapped, None));
                }
                let replayed_by: Option<i64> = diesel::update(
                    sessions::table
                        .filter(sessions::id.eq(id))
                        .filter(sessions::previous_hash.eq(&presented))
                        .filter(sessions::revoked_at.is_null()),
                )
                .set(sessions::revoked_at.eq(t))
                .returning(sessions::user_id)
                .get_result(c)
                .optional()?;
                Ok((None, replayed_by))
            })
        })
        .await?;
    if let Some(user_id) = replayed_by {
        access.changed(user_id);
    }
    let user_id = swapped.ok_or_else(revoked)?;
    Ok((user_id, id, format!("{id}.{new_secret}")))
}

/// Ends the session a refresh token belongs to. Only its owner can name it (the secret must match).
pub async fn close(db: &Db, access: &AccessChanges, token: &str, user_id: i64) -> ApiResult<()> {
    let (id, secret) = parse(token)?;
    let presented = super::sha256_hex(secret);
    let closed = db
        .write(Table::Logins, move |pool| {
            with_conn!(pool, |c| diesel::update(
                sessions::table
                    .filter(sessions::id.eq(id))
                    .filter(sessions::user_id.eq(user_id))
                    .filter(sessions::refresh_hash.eq(&presented))
                    .filter(sessions::revoked_at.is_null()),
            )
            .set(sessions::revoked_at.eq(now()))
            .execute(c)
            .map_err(ApiError::from))
        })
        .await?;
    if closed == 0 {
        return Err(revoked());
    }
    access.changed(user_id);
    Ok(())
}
