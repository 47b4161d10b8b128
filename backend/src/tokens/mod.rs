//! API tokens for third-party clients (bots, scripts): shown once, stored as a SHA-256 hash,
//! never stronger than their creator, optionally expiring.

pub mod routes;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::principal::API_TOKEN_PREFIX;
use crate::auth::{random_secret, sha256_hex, AccessChanges, Principal, Role};
use crate::db::schema::{api_tokens, users};
use crate::db::WriteTransaction;
use crate::db::{now, to_utc, Db};
use crate::error::{ApiError, ApiResult};
use crate::http::page::PageRequest;
use crate::with_conn;

/// An API token as listed (the secret itself is only returned once, at creation).
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub user_id: i64,
    pub username: String,
    /// The first characters of the secret, to recognise it.
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

crate::page_of!(ApiTokenPage, ApiToken);

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTokenRequest {
    /// What the token is for, 1–64 characters.
    #[schema(
        min_length = 1,
        max_length = 64,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub name: String,
    /// Defaults to your own role; cannot exceed it.
    pub role: Option<Role>,
    /// Days until the token expires (1–3650); absent or null means never.
    #[schema(minimum = 1, maximum = 3650)]
    pub expires_in_days: Option<i64>,
}

/// A new token. `secret` is shown this once: store it now.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedToken {
    pub token: ApiToken,
    pub secret: String,
}

type TokenRow = (
    i64,
    String,
    Role,
    i64,
    String,
    String,
    NaiveDateTime,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
);

fn to_api(row: TokenRow) -> ApiToken {
    let (id, name, role, user_id, username, prefix, created_at, expires_at, last_used_at) = row;
    ApiToken {
        id,
        name,
        role,
        user_id,
        username,
        prefix,
        created_at: to_utc(created_at),
        expires_at: expires_at.map(to_utc),
        last_used_at: last_used_at.map(to_utc),
    }
}

macro_rules! token_columns {
    () => {
        (
            api_tokens::id,
            api_tokens::name,
            api_tokens::role,
            api_tokens::user_id,
            users::username,
            api_tokens::prefix,
            api_tokens::created_at,
            api_tokens::expires_at,
            api_tokens::last_used_at,
        )
    };
}

/// Admins see every token; everyone else their own.
pub async fn list(db: &Db, principal: &Principal, request: PageRequest) -> ApiResult<ApiTokenPage> {
    let owner = (!principal.is_admin()).then_some(principal.user_id);
    db.run(move |pool| {
        with_conn!(pool, |c| {
            let mut count = api_tokens::table.count().into_boxed();
            let mut query = api_tokens::table
                .inner_join(users::table)
                .select(token_columns!())
                .into_boxed();
            if let Some(owner) = owner {
                count = count.filter(api_tokens::user_id.eq(owner));
                query = query.filter(api_tokens::user_id.eq(owner));
            }
            let total: i64 = count.get_result(c)?;
            let rows: Vec<TokenRow> = query
                .order(api_tokens::id.desc())
                .limit(request.per_page)
                .offset(request.offset())
                .load(c)?;
            let items = rows.into_iter().map(to_api).collect();
            Ok(ApiTokenPage::new(items, request, total))
        })
    })
    .await
}

pub async fn create(db: &Db, principal: &Principal, request: CreateTokenRequest) -> ApiResult<CreatedToken> {
    // A token minting tokens would outlive its own revocation or expiry.
    if let crate::auth::principal::Credential::ApiToken { .. } = principal.credential {
        return Err(ApiError::Forbidden(
            "API tokens cannot create API tokens; log in as the user".into(),
        ));
    }
    let name = request.name.trim().to_owned();
    // Token names are listed in the UI and the audit log: one line of printable text.
    if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
        return Err(ApiError::validation("name", "must be 1 to 64 printable characters"));
    }
    let role = request.role.unwrap_or(principal.role);
    if role > principal.role {
        return Err(ApiError::validation(
            "role",
            format!("cannot exceed your own role ({})", principal.role.as_str()),
        ));
    }
    if let Some(days) = request.expires_in_days {
        if !(1..=3650).contains(&days) {
            return Err(ApiError::validation("expires_in_days", "must be between 1 and 3650"));
        }
    }
    let secret = format!("{API_TOKEN_PREFIX}{}", random_secret(40));
    let hash = sha256_hex(&secret);
    let prefix: String = secret.chars().take(API_TOKEN_PREFIX.len() + 6).collect();
    let user_id = principal.user_id;
    let token = db
        .run(move |pool| {
            let t = now();
            let expires_at = request.expires_in_days.map(|d| t + chrono::Duration::days(d));
            with_conn!(pool, |c| c.write_transaction(|c| {
                let id: i64 = diesel::insert_into(api_tokens::table)
                    .values((
                        api_tokens::user_id.eq(user_id),
                        api_tokens::name.eq(&name),
                        api_tokens::role.eq(role),
                        api_tokens::token_hash.eq(&hash),
                        api_tokens::prefix.eq(&prefix),
                        api_tokens::created_at.eq(t),
                        api_tokens::expires_at.eq(expires_at),
                    ))
                    .returning(api_tokens::id)
                    .get_result(c)?;
                let row: TokenRow = api_tokens::table
                    .inner_join(users::table)
                    .filter(api_tokens::id.eq(id))
                    .select(token_columns!())
                    .first(c)?;
                Ok(to_api(row))
            }))
        })
        .await?;
    Ok(CreatedToken { token, secret })
}

/// Revokes (deletes) a token: its owner or an admin may. Sockets it opened are told.
pub async fn revoke(db: &Db, access: &AccessChanges, principal: &Principal, id: i64) -> ApiResult<()> {
    let (caller, admin) = (principal.user_id, principal.is_admin());
    let owner = db
        .run(move |pool| {
            with_conn!(pool, |c| c.write_transaction(|c| {
                let owner: Option<i64> = api_tokens::table
                    .find(id)
                    .select(api_tokens::user_id)
                    .first(c)
                    .optional()?;
                // Someone else's token is as unknown as a missing one, unless the caller is an admin.
                let owner = owner
                    .filter(|owner| admin || *owner == caller)
                    .ok_or_else(|| ApiError::NotFound(format!("API token {id} does not exist")))?;
                diesel::delete(api_tokens::table.find(id)).execute(c)?;
                Ok(owner)
            }))
        })
        .await?;
    access.changed(owner);
    Ok(())
}
