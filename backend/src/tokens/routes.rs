//! `/api/v1/tokens`: any signed-in user manages their own tokens; admins see and revoke all.

use actix_web::{delete, get, post, web, HttpResponse};

use super::{ApiTokenPage, CreateTokenRequest, CreatedToken};
use crate::app::AppState;
use crate::auth::Principal;
use crate::error::ApiResult;
use crate::http::extract::{Json, Query};
use crate::http::page::PageQuery;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_tokens).service(create_token).service(revoke_token);
}

/// List API tokens: your own, or everyone's for admins.
#[utoipa::path(tag = "tokens", params(PageQuery), security(("bearer" = [])),
    responses((status = 200, description = "One page of tokens", body = ApiTokenPage)))]
#[get("/tokens")]
async fn list_tokens(
    state: web::Data<AppState>,
    principal: Principal,
    query: Query<PageQuery>,
) -> ApiResult<web::Json<ApiTokenPage>> {
    Ok(web::Json(super::list(&state.db, &principal, query.0.parse()?).await?))
}

/// Create an API token. The secret is in this response only.
#[utoipa::path(tag = "tokens", request_body = CreateTokenRequest, security(("bearer" = [])),
    responses((status = 201, description = "Created; store `secret` now", body = CreatedToken)))]
#[post("/tokens")]
async fn create_token(
    state: web::Data<AppState>,
    principal: Principal,
    body: Json<CreateTokenRequest>,
) -> ApiResult<HttpResponse> {
    let created = super::create(&state.db, &principal, body.0).await?;
    Ok(HttpResponse::Created().json(created))
}

/// Revoke an API token; it stops working at once.
#[utoipa::path(tag = "tokens", security(("bearer" = [])), responses((status = 204, description = "Revoked")))]
#[delete("/tokens/{id}")]
async fn revoke_token(state: web::Data<AppState>, principal: Principal, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    super::revoke(&state.db, &state.access, &principal, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
