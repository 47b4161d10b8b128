//! `/api/v1/auth`: login, refresh, logout, who am I, change own password.

use actix_web::{get, post, put, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::principal::Credential;
use super::{password, sessions, throttle, Principal};
use crate::app::AppState;
use crate::error::{ApiError, ApiResult, ErrorKind};
use crate::http::extract::Json;
use crate::users::{service as users, User};

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(login)
        .service(refresh)
        .service(logout)
        .service(me)
        .service(change_password);
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[schema(pattern = r"^[^\u0000]*$")]
    pub username: String,
    #[schema(pattern = r"^[^\u0000]*$")]
    pub password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    #[schema(pattern = r"^[^\u0000]*$")]
    pub refresh_token: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LogoutRequest {
    #[schema(pattern = r"^[^\u0000]*$")]
    pub refresh_token: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    #[schema(pattern = r"^[^\u0000]*$")]
    pub current_password: String,
    /// 8–72 characters, at most 72 bytes in UTF-8 (bcrypt reads no further).
    #[schema(min_length = 8, max_length = 72, pattern = r"^[^\u0000]*$")]
    pub new_password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub enum TokenType {
    Bearer,
}

/// Tokens for a login session: send `access_token` as `Authorization: Bearer …`; before it
/// expires (`expires_in` seconds), exchange `refresh_token` for a new pair.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    pub refresh_token: String,
    pub token_type: TokenType,
    pub expires_in: i64,
    pub user: User,
}

pub fn client_ip(req: &HttpRequest) -> String {
    req.peer_addr()
        .map_or_else(|| "unknown".to_owned(), |a| a.ip().to_string())
}

async fn token_response(
    state: &AppState,
    user: User,
    session_id: i64,
    refresh_token: String,
) -> ApiResult<TokenResponse> {
    let ttl = state.config.access_token_ttl;
    Ok(TokenResponse {
        access_token: state.keys.issue(user.id.0, session_id, ttl)?,
        refresh_token,
        token_type: TokenType::Bearer,
        expires_in: ttl,
        user,
    })
}

fn invalid_credentials() -> ApiError {
    ApiError::unauthorized(ErrorKind::InvalidCredentials, "wrong username or password")
}

/// Log in with a username and password.
///
/// After 5 failed attempts within a minute from one IP or for one username, attempts are
/// refused with 429 and a `Retry-After` header.
#[utoipa::path(tag = "auth", request_body = LoginRequest,
    responses((status = 200, description = "Logged in", body = TokenResponse),
        (status = 401, description = "Wrong username or password, or the account is disabled", body = crate::error::ErrorBody),
        (status = 429, description = "Too many failed attempts; see `Retry-After`", body = crate::error::ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait")))))]
#[post("/auth/login")]
async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Json<LoginRequest>,
) -> ApiResult<web::Json<TokenResponse>> {
    let LoginRequest {
        username,
        password: plain,
    } = body.0;
    let keys = throttle::keys(&client_ip(&req), &username);
    let attempt = state.throttle.begin_attempt(&keys)?;
    let row = users::find_by_username(&state.db, username).await?;
    let verified = tokio::task::spawn_blocking(move || match row {
        Some(row) if password::verify(&plain, &row.password_hash) => Some(row),
        Some(_) => None,
        None => {
            password::verify_dummy(&plain);
            None
        }
    })
    .await
    .map_err(ApiError::internal)?;
    let Some(row) = verified else {
        return Err(invalid_credentials());
    };
    state.throttle.succeeded(&keys, attempt);
    if row.disabled {
        return Err(ApiError::unauthorized(
            ErrorKind::AccountDisabled,
            "this account is disabled",
        ));
    }
    let user_id = row.id;
    let (session_id, refresh_token) = sessions::open(&state.db, user_id.0, state.config.refresh_token_ttl).await?;
    let user = users::record_login(&state.db, user_id).await?;
    Ok(web::Json(
        token_response(&state, user, session_id, refresh_token).await?,
    ))
}

/// Exchange a refresh token for a new access token and a new refresh token.
///
/// The presented refresh token stops working; presenting it again ends the session.
#[utoipa::path(tag = "auth", request_body = RefreshRequest,
    responses((status = 200, description = "New tokens", body = TokenResponse),
        (status = 401, description = "The refresh token is unknown, used, expired or revoked", body = crate::error::ErrorBody)))]
#[post("/auth/refresh")]
async fn refresh(state: web::Data<AppState>, body: Json<RefreshRequest>) -> ApiResult<web::Json<TokenResponse>> {
    let (user_id, session_id, refresh_token) = sessions::rotate(
        &state.db,
        &state.access,
        &body.0.refresh_token,
        state.config.refresh_token_ttl,
    )
    .await?;
    let user = users::get(&state.db, crate::ids::UserId(user_id)).await?;
    if user.disabled {
        return Err(ApiError::unauthorized(
            ErrorKind::AccountDisabled,
            "this account is disabled",
        ));
    }
    Ok(web::Json(
        token_response(&state, user, session_id, refresh_token).await?,
    ))
}

/// Log out: ends the session of the given refresh token, and its access tokens with it.
#[utoipa::path(tag = "auth", request_body = LogoutRequest, security(("bearer" = [])),
    responses((status = 204, description = "Logged out")))]
#[post("/auth/logout")]
async fn logout(
    state: web::Data<AppState>,
    principal: Principal,
    body: Json<LogoutRequest>,
) -> ApiResult<HttpResponse> {
    sessions::close(&state.db, &state.access, &body.0.refresh_token, principal.user_id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The account behind the presented token.
#[utoipa::path(tag = "auth", security(("bearer" = [])),
    responses((status = 200, description = "The current user", body = User)))]
#[get("/auth/me")]
async fn me(state: web::Data<AppState>, principal: Principal) -> ApiResult<web::Json<User>> {
    let mut user = users::get(&state.db, crate::ids::UserId(principal.user_id)).await?;
    // An API token may act with less than its owner's role; report what this caller can do.
    user.role = principal.role;
    Ok(web::Json(user))
}

/// Change your own password. Your other sessions are ended; this one stays.
#[utoipa::path(tag = "auth", request_body = ChangePasswordRequest, security(("bearer" = [])),
    responses((status = 204, description = "Password changed"),
        (status = 429, description = "Too many wrong current passwords; see `Retry-After`", body = crate::error::ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait")))))]
#[put("/auth/password")]
async fn change_password(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    body: Json<ChangePasswordRequest>,
) -> ApiResult<HttpResponse> {
    let ChangePasswordRequest {
        current_password,
        new_password,
    } = body.0;
    password::validate("new_password", &new_password)?;
    // A stolen access token must not become a way to guess the password.
    let keys = throttle::keys(&client_ip(&req), &principal.username);
    let attempt = state.throttle.begin_attempt(&keys)?;
    let row = users::find_by_username(&state.db, principal.username.clone())
        .await?
        .ok_or_else(|| ApiError::NotFound("this account no longer exists".into()))?;
    let ok = tokio::task::spawn_blocking(move || password::verify(&current_password, &row.password_hash))
        .await
        .map_err(ApiError::internal)?;
    if !ok {
        return Err(ApiError::validation("current_password", "is not your current password"));
    }
    state.throttle.succeeded(&keys, attempt);
    let keep = match principal.credential {
        Credential::Session { session_id } => Some(session_id),
        Credential::ApiToken { .. } => None,
    };
    users::set_password(
        &state.db,
        &state.access,
        crate::ids::UserId(principal.user_id),
        new_password,
        keep,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
