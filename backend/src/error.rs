//! The one error type of the HTTP API and its one JSON shape.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

/// The machine-readable kind of an error, sent as `ErrorBody.error` in snake_case. Clients
/// and scripts match on these strings, so a name never changes once published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    // 400
    InvalidBody,
    MalformedJson,
    InvalidQuery,
    InvalidPath,
    NotWebsocket,
    // 401
    Unauthorized,
    InvalidCredentials,
    InvalidToken,
    TokenExpired,
    TokenRevoked,
    InvalidTicket,
    AccountDisabled,
    // 403, 404, 405
    Forbidden,
    NotFound,
    MethodNotAllowed,
    // 409
    Conflict,
    UsernameTaken,
    LastAdmin,
    ServerNameTaken,
    PortInUse,
    InvalidState,
    StillRunning,
    NotRunning,
    NoRcon,
    ConsoleClosed,
    PlayerNotOnline,
    BanLifted,
    ModExists,
    ModInUse,
    InRotation,
    Unsupported,
    PathOutsideServerDirectory,
    // 413, 415, 422, 429
    PayloadTooLarge,
    UnsupportedMediaType,
    ValidationFailed,
    TooManyRequests,
    // 502, 504
    RconAuthFailed,
    RconUnavailable,
    RconProtocol,
    RconTimeout,
    // 500
    InternalError,
}

/// The kind as sent on the wire (also the text of a WebSocket close reason); serde's own
/// formatter writes the renamed variant, so the names have one source.
impl std::fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.serialize(f)
    }
}

/// Every non-2xx response of the API has this body.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Machine-readable kind in snake_case, e.g. `validation_failed`, `invalid_credentials`.
    pub error: ErrorKind,
    /// Human-readable explanation.
    pub message: String,
    /// The request field to blame, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the request could not be read (malformed JSON, bad query string, bad path parameter).
    #[error("{message}")]
    BadRequest {
        kind: ErrorKind,
        message: String,
        field: Option<String>,
    },
    /// 401: no valid credentials.
    #[error("{message}")]
    Unauthorized { kind: ErrorKind, message: String },
    /// 403: authenticated, but the role does not allow this.
    #[error("{0}")]
    Forbidden(String),
    /// 404
    #[error("{0}")]
    NotFound(String),
    /// 405: the path exists, the method does not; `Allow` lists the methods that do.
    #[error("{method} is not allowed here; allowed: {}", allowed.join(", "))]
    MethodNotAllowed { method: String, allowed: Vec<String> },
    /// 409: the request conflicts with the current state.
    #[error("{message}")]
    Conflict { kind: ErrorKind, message: String },
    /// 413
    #[error("request body is larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    /// 415
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// 422: well-formed but invalid input; names the field.
    #[error("{message}")]
    Validation { field: String, message: String },
    /// 429
    #[error("too many failed attempts; retry in {retry_after} s")]
    TooManyRequests { retry_after: u64 },
    /// 502: the game server (over RCON) refused or broke the exchange.
    #[error("{message}")]
    BadGateway { kind: ErrorKind, message: String },
    /// 504: the game server did not answer in time.
    #[error("{0}")]
    GatewayTimeout(String),
    /// 500: the cause is logged, never sent.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl ApiError {
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError::Validation {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn conflict(kind: ErrorKind, message: impl Into<String>) -> Self {
        ApiError::Conflict {
            kind,
            message: message.into(),
        }
    }

    pub fn unauthorized(kind: ErrorKind, message: impl Into<String>) -> Self {
        ApiError::Unauthorized {
            kind,
            message: message.into(),
        }
    }

    pub fn internal(cause: impl Into<anyhow::Error>) -> Self {
        ApiError::Internal(cause.into())
    }

    fn kind(&self) -> ErrorKind {
        match self {
            ApiError::BadRequest { kind, .. }
            | ApiError::Unauthorized { kind, .. }
            | ApiError::Conflict { kind, .. }
            | ApiError::BadGateway { kind, .. } => *kind,
            ApiError::GatewayTimeout(_) => ErrorKind::RconTimeout,
            ApiError::Forbidden(_) => ErrorKind::Forbidden,
            ApiError::NotFound(_) => ErrorKind::NotFound,
            ApiError::MethodNotAllowed { .. } => ErrorKind::MethodNotAllowed,
            ApiError::PayloadTooLarge { .. } => ErrorKind::PayloadTooLarge,
            ApiError::UnsupportedMediaType(_) => ErrorKind::UnsupportedMediaType,
            ApiError::Validation { .. } => ErrorKind::ValidationFailed,
            ApiError::TooManyRequests { .. } => ErrorKind::TooManyRequests,
            ApiError::Internal(_) => ErrorKind::InternalError,
        }
    }

    pub fn body(&self) -> ErrorBody {
        let field = match self {
            ApiError::BadRequest { field, .. } => field.clone(),
            ApiError::Validation { field, .. } => Some(field.clone()),
            _ => None,
        };
        ErrorBody {
            error: self.kind(),
            message: self.to_string(),
            field,
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Validation { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::BadGateway { .. } => StatusCode::BAD_GATEWAY,
            ApiError::GatewayTimeout(_) => StatusCode::GATEWAY_TIMEOUT,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let ApiError::Internal(cause) = self {
            tracing::error!(error = format!("{cause:#}"), "request failed");
        }
        let mut response = HttpResponse::build(self.status_code());
        match self {
            ApiError::TooManyRequests { retry_after } => {
                response.insert_header((header::RETRY_AFTER, retry_after.to_string()));
            }
            ApiError::Unauthorized { .. } => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            ApiError::MethodNotAllowed { allowed, .. } => {
                response.insert_header((header::ALLOW, allowed.join(", ")));
            }
            _ => {}
        }
        response.json(self.body())
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(err: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match err {
            Error::NotFound => ApiError::NotFound("no such resource".into()),
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                ApiError::conflict(ErrorKind::Conflict, "a resource with these values already exists")
            }
            other => ApiError::internal(other),
        }
    }
}

impl From<diesel::r2d2::PoolError> for ApiError {
    fn from(err: diesel::r2d2::PoolError) -> Self {
        ApiError::internal(err)
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::ErrorKind::{self, *};

    /// Every kind with the string the API has always sent for it; scripts match on these. The
    /// document test below fails when a kind is missing here.
    const WIRE: [(ErrorKind, &str); 41] = [
        (InvalidBody, "invalid_body"),
        (MalformedJson, "malformed_json"),
        (InvalidQuery, "invalid_query"),
        (InvalidPath, "invalid_path"),
        (NotWebsocket, "not_websocket"),
        (Unauthorized, "unauthorized"),
        (InvalidCredentials, "invalid_credentials"),
        (InvalidToken, "invalid_token"),
        (TokenExpired, "token_expired"),
        (TokenRevoked, "token_revoked"),
        (InvalidTicket, "invalid_ticket"),
        (AccountDisabled, "account_disabled"),
        (Forbidden, "forbidden"),
        (NotFound, "not_found"),
        (MethodNotAllowed, "method_not_allowed"),
        (Conflict, "conflict"),
        (UsernameTaken, "username_taken"),
        (LastAdmin, "last_admin"),
        (ServerNameTaken, "server_name_taken"),
        (PortInUse, "port_in_use"),
        (InvalidState, "invalid_state"),
        (StillRunning, "still_running"),
        (NotRunning, "not_running"),
        (NoRcon, "no_rcon"),
        (ConsoleClosed, "console_closed"),
        (PlayerNotOnline, "player_not_online"),
        (BanLifted, "ban_lifted"),
        (ModExists, "mod_exists"),
        (ModInUse, "mod_in_use"),
        (InRotation, "in_rotation"),
        (Unsupported, "unsupported"),
        (PathOutsideServerDirectory, "path_outside_server_directory"),
        (PayloadTooLarge, "payload_too_large"),
        (UnsupportedMediaType, "unsupported_media_type"),
        (ValidationFailed, "validation_failed"),
        (TooManyRequests, "too_many_requests"),
        (RconAuthFailed, "rcon_auth_failed"),
        (RconUnavailable, "rcon_unavailable"),
        (RconProtocol, "rcon_protocol"),
        (RconTimeout, "rcon_timeout"),
        (InternalError, "internal_error"),
    ];

    #[test]
    fn every_kind_keeps_its_wire_string() {
        for (kind, wire) in WIRE {
            assert_eq!(serde_json::to_value(kind).unwrap(), serde_json::json!(wire), "{kind:?}");
            assert_eq!(kind.to_string(), wire, "{kind:?}");
        }
    }

    #[test]
    fn the_document_lists_every_kind_in_error_body() {
        let doc = serde_json::to_value(crate::openapi::document(crate::app::api_routes)).unwrap();
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["ErrorBody"]["properties"]["error"]["$ref"],
            "#/components/schemas/ErrorKind"
        );
        let listed: Vec<&str> = schemas["ErrorKind"]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|v| v.as_str())
            .collect();
        let wire: Vec<&str> = WIRE.iter().map(|(_, s)| *s).collect();
        assert_eq!(listed, wire);
    }
}
