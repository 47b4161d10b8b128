//! `POST /api/v1/ws/ticket` and `GET /api/v1/ws`: browsers authenticate the stream with a
//! single-use ticket (valid 30 s) so no long-lived token lands in a URL; scripts may send
//! `Authorization: Bearer` instead. The session itself is in `ws.rs`.

use actix_web::{get, post, web, FromRequest, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::tickets::TICKET_TTL;
use super::ws::{Reach, Session};
use crate::app::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult, ErrorBody, ErrorKind};

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(issue_ticket).service(stream);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WsTicket {
    /// Pass as `?ticket=` to `GET /api/v1/ws` within `expires_in` seconds; it works once.
    pub ticket: String,
    pub expires_in: u64,
}

/// A single-use ticket for opening the WebSocket stream (valid 30 s).
#[utoipa::path(tag = "events", security(("bearer" = [])),
    responses((status = 200, description = "The ticket", body = WsTicket)))]
#[post("/ws/ticket")]
async fn issue_ticket(state: web::Data<AppState>, p: Principal) -> web::Json<WsTicket> {
    web::Json(WsTicket {
        ticket: state.tickets.issue(p),
        expires_in: TICKET_TTL.as_secs(),
    })
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StreamQuery {
    /// From `POST /ws/ticket`; without it, an `Authorization: Bearer` header is needed.
    #[param(pattern = r"^[^\u0000]*$")]
    pub ticket: Option<String>,
}

/// Open the event stream (WebSocket). See `Frame`, `ClientMessage` and `ControlFrame` for the
/// messages, and the README for the protocol.
#[utoipa::path(tag = "events", params(StreamQuery), security(("bearer" = [])),
    responses((status = 101, description = "Switching to the WebSocket protocol"),
        (status = 400, description = "Not a WebSocket handshake", body = ErrorBody),
        (status = 401, description = "No valid ticket or token", body = ErrorBody)))]
#[get("/ws")]
async fn stream(
    req: HttpRequest,
    body: web::Payload,
    state: web::Data<AppState>,
    query: web::Query<StreamQuery>,
) -> ApiResult<HttpResponse> {
    // Listening before the credential is read: a change made after the check is not missed.
    let changes = state.access.subscribe();
    let principal = match &query.ticket {
        Some(ticket) => {
            let issued_to = state.tickets.redeem(ticket).ok_or_else(|| {
                ApiError::unauthorized(ErrorKind::InvalidTicket, "the ticket is unknown, used or expired")
            })?;
            // A ticket dies with its session (logout, deletion) and carries the current role.
            crate::auth::principal::recheck(&state.db, &state.logins, &issued_to).await?
        }
        None => Principal::extract(&req).await?,
    };
    let (response, session, messages) = actix_ws::handle(&req, body).map_err(|e| ApiError::BadRequest {
        kind: ErrorKind::NotWebsocket,
        message: format!("not a WebSocket handshake: {e}"),
        field: None,
    })?;
    let bus = state.bus.clone();
    let reach = Reach {
        db: state.db.clone(),
        logins: state.logins.clone(),
        supervisor: state.supervisor.clone(),
    };
    actix_web::rt::spawn(async move {
        Session::new(principal, bus, changes)
            .run(reach, session, messages)
            .await;
    });
    Ok(response)
}
