//! Roles and the authenticated caller. `Principal` is an actix extractor: a handler that takes
//! one is refused with 401 unless the request carries a valid access token or API token.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::{dev::Payload, http::header, web, FromRequest, HttpMessage, HttpRequest};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::jwt::JwtKeys;
use crate::db::schema::{api_tokens, sessions, users};
use crate::db::{Db, Table};
use crate::error::{ApiError, ApiResult, ErrorKind};
use crate::with_conn;

/// What a user or token may do: viewers read, operators also run power actions, admins do
/// everything including user management.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    ToSchema,
    diesel::AsExpression,
    diesel::FromSqlRow,
)]
#[serde(rename_all = "lowercase")]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum Role {
    Viewer,
    Operator,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Operator => "operator",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        [Role::Viewer, Role::Operator, Role::Admin]
            .into_iter()
            .find(|role| role.as_str() == text)
    }
}

crate::stored_as_text!(Role, "role");

#[derive(Debug, Clone)]
pub enum Credential {
    Session { session_id: i64 },
    ApiToken { token_id: i64, name: String },
}

#[derive(Debug, Clone)]
pub struct Principal {
    pub user_id: i64,
    pub username: String,
    /// The effective role: for an API token, the lower of the token's and its owner's role.
    pub role: Role,
    pub credential: Credential,
}

impl Principal {
    pub fn require(&self, role: Role) -> ApiResult<()> {
        if self.role >= role {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!("this needs the {} role", role.as_str())))
        }
    }

    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

/// API tokens are recognisable by this prefix; anything else is treated as a JWT.
pub const API_TOKEN_PREFIX: &str = "lgd_";

impl FromRequest for Principal {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            if let Some(principal) = req.extensions().get::<Principal>() {
                return Ok(principal.clone());
            }
            // The three are registered as app data in `app.rs`.
            let missing = || ApiError::internal(anyhow::anyhow!("authentication state missing"));
            let db = req.app_data::<web::Data<Db>>().ok_or_else(missing)?.clone();
            let token = bearer_token(&req)?;
            let principal = if token.starts_with(API_TOKEN_PREFIX) {
                authenticate_api_token(&db, TokenLookup::Secret(token)).await?
            } else {
                let claims = req
                    .app_data::<web::Data<JwtKeys>>()
                    .ok_or_else(missing)?
                    .verify(&token)?;
                let logins = req.app_data::<web::Data<LoginCache>>().ok_or_else(missing)?.clone();
                authenticate_session(&db, &logins, claims.sub, claims.sid).await?
            };
            req.extensions_mut().insert(principal.clone());
            Ok(principal)
        })
    }
}

fn bearer_token(req: &HttpRequest) -> ApiResult<String> {
    let value = req.headers().get(header::AUTHORIZATION).ok_or_else(|| {
        ApiError::unauthorized(
            ErrorKind::Unauthorized,
            "this needs an `Authorization: Bearer <token>` header",
        )
    })?;
    let value = value
        .to_str()
        .map_err(|_| ApiError::unauthorized(ErrorKind::InvalidToken, "the Authorization header is not valid text"))?;
    match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() => {
            Ok(token.trim().to_owned())
        }
        _ => Err(ApiError::unauthorized(
            ErrorKind::InvalidToken,
            "the Authorization header must be `Bearer <token>`",
        )),
    }
}

/// How long a checked session is trusted without a query when nothing in this process wrote
/// `users` or `sessions`: the bound on how late a change made elsewhere (the `user` CLI on the
/// same database) is seen.
const LOGIN_TRUST: Duration = Duration::from_secs(2);
/// Entries kept at most; the cache starts over when full.
const LOGIN_ENTRIES: usize = 4096;

/// Sessions that passed the check recently, so a request with a valid access token usually
/// costs no query. It starts over whenever this process writes `users` or `sessions`, so a
/// logout, a revocation or a disabled account takes effect on the next request.
#[derive(Default)]
pub struct LoginCache(Mutex<LoginEntries>);

#[derive(Default)]
struct LoginEntries {
    /// The `Logins` write count the entries were read at.
    writes: u64,
    by_session: HashMap<(i64, i64), (Principal, chrono::NaiveDateTime, Instant)>,
}

impl LoginCache {
    fn get(&self, writes: u64, user_id: i64, session_id: i64) -> Option<Principal> {
        let entries = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if entries.writes != writes {
            return None;
        }
        let (principal, expires_at, checked) = entries.by_session.get(&(user_id, session_id))?;
        (checked.elapsed() < LOGIN_TRUST && *expires_at > crate::db::now()).then(|| principal.clone())
    }

    /// Keeps what a query read at `writes`, unless a newer write has been seen since.
    fn put(&self, writes: u64, principal: &Principal, session_id: i64, expires_at: chrono::NaiveDateTime) {
        let mut entries = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if entries.writes > writes {
            return;
        }
        if entries.writes < writes || entries.by_session.len() >= LOGIN_ENTRIES {
            entries.writes = writes;
            entries.by_session.clear();
        }
        entries.by_session.insert(
            (principal.user_id, session_id),
            (principal.clone(), expires_at, Instant::now()),
        );
    }
}

/// Reads again what `principal`'s credential stands for now: the same session or token with
/// its owner's current role, or the reason it no longer works (401).
pub async fn recheck(db: &Db, logins: &LoginCache, principal: &Principal) -> ApiResult<Principal> {
    match principal.credential {
        Credential::Session { session_id } => authenticate_session(db, logins, principal.user_id, session_id).await,
        Credential::ApiToken { token_id, .. } => authenticate_api_token(db, TokenLookup::Id(token_id)).await,
    }
}

async fn authenticate_session(db: &Db, logins: &LoginCache, user_id: i64, session_id: i64) -> ApiResult<Principal> {
    let writes = db.writes(Table::Logins);
    if let Some(principal) = logins.get(writes, user_id, session_id) {
        return Ok(principal);
    }
    let row: Option<(String, Role, bool, Option<chrono::NaiveDateTime>, chrono::NaiveDateTime)> = db
        .run(move |pool| {
            with_conn!(pool, |c| sessions::table
                .inner_join(users::table)
                .filter(sessions::id.eq(session_id))
                .filter(users::id.eq(user_id))
                .select((
                    users::username,
                    users::role,
                    users::disabled,
                    sessions::revoked_at,
                    sessions::expires_at
                ))
                .first(c)
                .optional()
                .map_err(ApiError::from))
        })
        .await?;
    let Some((username, role, disabled, revoked_at, expires_at)) = row else {
        return Err(ApiError::unauthorized(
            ErrorKind::TokenRevoked,
            "this session no longer exists; log in again",
        ));
    };
    if revoked_at.is_some() || expires_at < crate::db::now() {
        return Err(ApiError::unauthorized(
            ErrorKind::TokenRevoked,
            "this session has ended; log in again",
        ));
    }
    if disabled {
        return Err(ApiError::unauthorized(
            ErrorKind::AccountDisabled,
            "this account is disabled",
        ));
    }
    let principal = Principal {
        user_id,
        username,
        role,
        credential: Credential::Session { session_id },
    };
    logins.put(writes, &principal, session_id, expires_at);
    Ok(principal)
}

/// (token id, name, token role, expires, last used, user id, username, user role, disabled)
type TokenOwnerRow = (
    i64,
    String,
    Role,
    Option<chrono::NaiveDateTime>,
    Option<chrono::NaiveDateTime>,
    i64,
    String,
    Role,
    bool,
);

/// How a token is found: by the secret a request presents, or by id for a credential already
/// checked once.
enum TokenLookup {
    Secret(String),
    Id(i64),
}

async fn authenticate_api_token(db: &Db, lookup: TokenLookup) -> ApiResult<Principal> {
    let (hash, id) = match lookup {
        TokenLookup::Secret(token) => (Some(super::sha256_hex(&token)), None),
        TokenLookup::Id(id) => (None, Some(id)),
    };
    db.run(move |pool| {
        with_conn!(pool, |c| {
            let mut query = api_tokens::table.inner_join(users::table).into_boxed();
            if let Some(hash) = &hash {
                query = query.filter(api_tokens::token_hash.eq(hash));
            }
            if let Some(id) = id {
                query = query.filter(api_tokens::id.eq(id));
            }
            let row: Option<TokenOwnerRow> = query
                .select((
                    api_tokens::id,
                    api_tokens::name,
                    api_tokens::role,
                    api_tokens::expires_at,
                    api_tokens::last_used_at,
                    users::id,
                    users::username,
                    users::role,
                    users::disabled,
                ))
                .first(c)
                .optional()?;
            let Some((token_id, name, token_role, expires_at, last_used_at, user_id, username, user_role, disabled)) =
                row
            else {
                return Err(ApiError::unauthorized(
                    ErrorKind::TokenRevoked,
                    "this API token does not exist or was revoked",
                ));
            };
            let now = crate::db::now();
            if expires_at.is_some_and(|at| at <= now) {
                return Err(ApiError::unauthorized(
                    ErrorKind::TokenExpired,
                    "this API token has expired",
                ));
            }
            if disabled {
                return Err(ApiError::unauthorized(
                    ErrorKind::AccountDisabled,
                    "the owner of this API token is disabled",
                ));
            }
            // Recording every use would turn each read into a write; once a minute is enough.
            if last_used_at.is_none_or(|at| now - at > chrono::Duration::seconds(60)) {
                diesel::update(api_tokens::table.find(token_id))
                    .set(api_tokens::last_used_at.eq(now))
                    .execute(c)?;
            }
            Ok(Principal {
                user_id,
                username,
                role: token_role.min(user_role),
                credential: Credential::ApiToken { token_id, name },
            })
        })
    })
    .await
}
