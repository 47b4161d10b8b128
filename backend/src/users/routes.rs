//! `/api/v1/users`: admin only.

use actix_web::{delete, get, patch, post, web, HttpResponse};

use super::model::{CreateUserRequest, UpdateUserRequest, User, UserPage};
use super::service;
use crate::app::AppState;
use crate::auth::{Principal, Role};
use crate::error::ApiResult;
use crate::http::extract::{Json, Query};
use crate::http::page::PageQuery;
use crate::ids::UserId;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_users)
        .service(create_user)
        .service(get_user)
        .service(update_user)
        .service(delete_user);
}

/// List user accounts.
#[utoipa::path(tag = "users", params(PageQuery), security(("bearer" = [])),
    responses((status = 200, description = "One page of users", body = UserPage)))]
#[get("/users")]
async fn list_users(
    state: web::Data<AppState>,
    principal: Principal,
    query: Query<PageQuery>,
) -> ApiResult<web::Json<UserPage>> {
    principal.require(Role::Admin)?;
    Ok(web::Json(service::list(&state.db, query.0.parse()?).await?))
}

/// Create a user account.
#[utoipa::path(tag = "users", request_body = CreateUserRequest, security(("bearer" = [])),
    responses((status = 201, description = "Created", body = User),
        (status = 409, description = "The username is taken", body = crate::error::ErrorBody)))]
#[post("/users")]
async fn create_user(
    state: web::Data<AppState>,
    principal: Principal,
    body: Json<CreateUserRequest>,
) -> ApiResult<HttpResponse> {
    principal.require(Role::Admin)?;
    let user = service::create(&state.db, body.0).await?;
    Ok(HttpResponse::Created().json(user))
}

/// Get one user account.
#[utoipa::path(tag = "users", params(UserId), security(("bearer" = [])),
    responses((status = 200, description = "The user", body = User)))]
#[get("/users/{id}")]
async fn get_user(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<UserId>,
) -> ApiResult<web::Json<User>> {
    principal.require(Role::Admin)?;
    Ok(web::Json(service::get(&state.db, id.into_inner()).await?))
}

/// Change a user's role, disable or enable the account, or reset its password.
///
/// Disabling or resetting the password ends the user's sessions. The last enabled admin cannot
/// be demoted or disabled (409 `last_admin`).
#[utoipa::path(tag = "users", params(UserId), request_body = UpdateUserRequest, security(("bearer" = [])),
    responses((status = 200, description = "The updated user", body = User),
        (status = 409, description = "This would leave no enabled admin", body = crate::error::ErrorBody)))]
#[patch("/users/{id}")]
async fn update_user(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<UserId>,
    body: Json<UpdateUserRequest>,
) -> ApiResult<web::Json<User>> {
    principal.require(Role::Admin)?;
    Ok(web::Json(
        service::update(&state.db, &state.access, id.into_inner(), body.0).await?,
    ))
}

/// Delete a user account with its sessions and API tokens.
///
/// The last enabled admin cannot be deleted (409 `last_admin`).
#[utoipa::path(tag = "users", params(UserId), security(("bearer" = [])),
    responses((status = 204, description = "Deleted"),
        (status = 409, description = "This would leave no enabled admin", body = crate::error::ErrorBody)))]
#[delete("/users/{id}")]
async fn delete_user(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<UserId>,
) -> ApiResult<HttpResponse> {
    principal.require(Role::Admin)?;
    service::delete(&state.db, &state.access, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
