//! The OpenAPI document: collected from the routes themselves (utoipa-actix-web), then given
//! the error responses every operation can produce, so that the spec is exact about failures.

use actix_web::App;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi as Document, Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

use crate::error::ErrorBody;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Languard API",
        description = "Manage dedicated game servers. Authenticate with `POST /api/v1/auth/login` \
            and send the access token (or an API token) as `Authorization: Bearer <token>`. \
            Lists are paginated with `page` (1-based) and `per_page` (1–200). Every error has the \
            body `{\"error\": kind, \"message\": text, \"field\": name?}`.",
        license(name = "AGPL-3.0-only")
    ),
    components(schemas(
        ErrorBody,
        crate::events::Frame,
        crate::events::Channel,
        crate::events::ws::ClientMessage,
        crate::events::ws::ServerSelection,
        crate::events::ws::ControlFrame,
        crate::events::payloads::StatusData,
        crate::events::payloads::ConsoleData,
        crate::events::payloads::LogData,
        crate::events::payloads::JobData,
        crate::events::payloads::JobState,
        crate::events::payloads::ProcessDetail,
        crate::events::payloads::ConfigBackupDetail,
        crate::events::payloads::CrashDetail,
        crate::events::payloads::LaggedData,
        crate::events::payloads::PongData,
        crate::events::payloads::SubscribedData,
        crate::events::payloads::ReplyData,
        crate::events::payloads::UnreadableData,
        crate::events::payloads::CommandErrorData
    )),
    modifiers(&BearerScheme),
    tags(
        (name = "auth", description = "Login sessions and the current user"),
        (name = "users", description = "User accounts (admin)"),
        (name = "tokens", description = "API tokens for scripts and bots"),
        (name = "servers", description = "Game servers: registration, configuration, power, events"),
        (name = "players", description = "Live rosters, sessions, player history, kick, say and raw RCON"),
        (name = "bans", description = "Bans kept by Languard and written into the games' own ban lists"),
        (name = "events", description = "The live WebSocket event stream"),
        (name = "content", description = "Missions, maps and datapacks, the Arma mission rotation, the mod library and each server's mods"),
        (name = "logs", description = "Stored log lines of each server: search, paging, deletion"),
        (name = "audit", description = "Who changed what (admin)"),
        (name = "system", description = "Health, panel status and host figures"),
    )
)]
struct ApiDoc;

struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut Document) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An access token from /auth/login, or an API token (lgd_…)"))
                    .build(),
            ),
        );
    }
}

/// The complete document of the `/api/v1` routes that `routes` mounts (the app passes its own
/// route table), exactly as served at `/api/v1/openapi.json`.
pub fn document(routes: fn(&mut utoipa_actix_web::service_config::ServiceConfig)) -> Document {
    let (_, mut doc) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .service(utoipa_actix_web::scope("/api/v1").configure(routes))
        .split_for_parts();
    for item in doc.paths.paths.values_mut() {
        for operation in [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ]
        .into_iter()
        .flatten()
        {
            add_error_responses(operation);
        }
    }
    doc
}

pub fn to_json(doc: &Document) -> String {
    let mut text = doc.to_pretty_json().unwrap_or_default();
    text.push('\n');
    text
}

fn add_error_responses(op: &mut Operation) {
    let params = op.parameters.as_deref().unwrap_or_default();
    let located = |place: ParameterIn| {
        params
            .iter()
            .any(|p| matches!(p, RefOr::T(p) if p.parameter_in == place))
    };
    let (has_path, has_query) = (located(ParameterIn::Path), located(ParameterIn::Query));
    let has_body = op.request_body.is_some();
    let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
    let mut wanted: Vec<(&str, &str)> = Vec::new();
    if has_path || has_query || has_body {
        wanted.push((
            "400",
            "The request could not be read (malformed JSON, query or path parameter)",
        ));
        wanted.push(("422", "Invalid input; `field` names the culprit"));
    }
    if has_body {
        wanted.push(("413", "The body is larger than `max_body_bytes`"));
        wanted.push(("415", "The body is not JSON"));
    }
    if secured {
        wanted.push(("401", "Missing, invalid, expired or revoked token"));
        wanted.push(("403", "The caller's role does not allow this"));
    }
    if has_path {
        wanted.push(("404", "No such resource"));
    }
    for (status, description) in wanted {
        op.responses.responses.entry(status.to_owned()).or_insert_with(|| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                        .build(),
                )
                .build()
                .into()
        });
    }
}
