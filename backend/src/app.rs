//! Builds the application state, mounts every room's routes, and runs the HTTP server.

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;

use actix_cors::Cors;
use actix_web::middleware::{from_fn, Condition};
use actix_web::{get, web, App, HttpResponse, HttpServer};
use anyhow::Context;
use chrono::{DateTime, Utc};
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::jwt::JwtKeys;
use crate::auth::throttle::LoginThrottle;
use crate::config::Config;
use crate::db::snapshot::Snapshot;
use crate::db::{Db, Table};
use crate::http::{extract, headers, spa};
use crate::runtime::Runtime;
use crate::supervisor::Supervisor;
use crate::system::host::HostReader;

/// What the handlers reach. `db` and `bus` are the runtime's own handles, kept at the top
/// because nearly every handler uses them.
pub struct AppState {
    pub db: Db,
    pub config: Config,
    pub keys: Arc<JwtKeys>,
    pub throttle: LoginThrottle,
    pub host: Arc<HostReader>,
    pub started_at: DateTime<Utc>,
    pub openapi_json: String,
    pub supervisor: Supervisor,
    pub runtime: Runtime,
    pub bus: crate::events::Bus,
    pub tickets: crate::events::tickets::Tickets,
    pub http_stats: Arc<crate::metrics::http::HttpStats>,
    pub processes: Arc<crate::metrics::processes::ProcessReader>,
    pub server_listing: Snapshot<crate::servers::service::Listing>,
    pub logins: Arc<crate::auth::principal::LoginCache>,
    pub access: crate::auth::AccessChanges,
}

/// Every `/api/v1` route, in one place; the OpenAPI document is collected from the same calls.
pub fn api_routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    crate::auth::routes::configure(cfg);
    crate::users::routes::configure(cfg);
    crate::tokens::routes::configure(cfg);
    crate::audit::routes::configure(cfg);
    crate::servers::routes::configure(cfg);
    crate::players::routes::configure(cfg);
    crate::bans::routes::configure(cfg);
    crate::logs::routes::configure(cfg);
    crate::metrics::routes::configure(cfg);
    crate::content::routes::configure(cfg);
    crate::events::routes::configure(cfg);
    crate::system::routes::configure(cfg);
    cfg.service(crate::metrics::routes::metrics);
    cfg.service(openapi_json);
}

/// This API's OpenAPI 3.1 document.
#[utoipa::path(tag = "system",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json", body = Object)))]
#[get("/openapi.json")]
async fn openapi_json(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(state.openapi_json.clone())
}

/// The data directory holds the database, the keys and the server folders: 0700, created so,
/// and fixed (with a log line) for installs made before.
pub fn private_data_dir(dir: &std::path::Path) -> anyhow::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .with_context(|| format!("creating the data dir {}", dir.display()))?;
    let mode = std::fs::metadata(dir)
        .with_context(|| format!("reading the data dir {}", dir.display()))?
        .permissions()
        .mode()
        & 0o777;
    if mode & 0o077 != 0 {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .with_context(|| format!("making the data dir {} private", dir.display()))?;
        tracing::warn!(dir = %dir.display(), "the data directory was readable by other users (mode {mode:o}); now 0700");
    }
    Ok(())
}

pub struct Application {
    addr: SocketAddr,
    server: actix_web::dev::Server,
}

impl Application {
    /// Opens the database (migrating it), creates the first admin when there is no user,
    /// loads keys and binds the listener. Printing of the one-time password happens here.
    pub async fn build(config: Config) -> anyhow::Result<Application> {
        private_data_dir(&config.data_dir)?;
        let url = config.database_url.clone();
        let pool_size = config.db_pool_size;
        let db = tokio::task::spawn_blocking(move || Db::connect(&url, pool_size)).await??;
        if let Some(password) = crate::users::service::ensure_first_admin(&db, config.admin_password.clone())
            .await
            .map_err(|e| anyhow::anyhow!("creating the first admin: {e:?}"))?
        {
            // Printed once, to the terminal only (not to the log).
            println!("First start: created user `admin` with password {password}");
            println!("Change it after logging in (Account > Change password).");
        }
        let keys = Arc::new(JwtKeys::load(config.jwt_secret.as_deref(), &config.data_dir)?);
        let secret_box = Arc::new(crate::secrets::SecretBox::load(&config.data_dir)?);
        // Game servers outlive the panel: each actor first reattaches to what still runs.
        let bus = crate::events::Bus::default();
        let runtime = Runtime {
            db: db.clone(),
            bus: bus.clone(),
            secret_box,
            board: crate::players::live::LiveBoard::default(),
            facts: Arc::default(),
            logs: crate::logs::writer::LogWriter::start(db.clone()),
            mods_root: config.mods_root.clone(),
            poll_interval: std::time::Duration::from_secs(config.players_poll_interval),
            lost_after: std::time::Duration::from_secs(config.rcon_lost_after),
            roster_hook: Arc::new(crate::bans::enforce::Enforcer),
        };
        let supervisor = Supervisor::boot(runtime.clone())
            .await
            .map_err(|e| anyhow::anyhow!("starting the supervisor: {e:?}"))?;
        tokio::spawn(crate::bans::enforce::expire_forever(
            runtime.clone(),
            supervisor.clone(),
        ));
        tokio::spawn(crate::players::steam::prune_forever(
            runtime.clone(),
            config.session_retention_days,
            config.live_state_retention_days,
        ));
        tokio::spawn(crate::logs::prune_forever(db.clone(), config.log_retention_days));
        let host = Arc::new(HostReader::default());
        let processes = Arc::new(crate::metrics::processes::ProcessReader::default());
        tokio::spawn(
            crate::metrics::sampler::Sampler {
                db: db.clone(),
                bus: bus.clone(),
                board: runtime.board.clone(),
                processes: processes.clone(),
                host: host.clone(),
                data_dir: config.data_dir.clone(),
                interval: std::time::Duration::from_secs(config.metrics_interval),
                retention_days: config.metrics_retention_days,
            }
            .run_forever(),
        );
        if let Some(key) = config.steam_api_key.clone() {
            let api = crate::players::steam::SteamApi {
                key,
                base_url: config.steam_api_url.clone(),
            };
            tokio::spawn(crate::players::steam::enrich_forever(runtime.clone(), api));
        }
        let listener = TcpListener::bind(config.listen).with_context(|| format!("binding {}", config.listen))?;
        let addr = listener.local_addr()?;
        let static_dir = config.static_dir.clone();
        let serve_spa = static_dir.join("index.html").is_file();
        if !serve_spa {
            tracing::warn!(dir = %static_dir.display(), "no built web interface found; serving the API only (run `make frontend`)");
        }
        let document = crate::openapi::document(api_routes);
        let state = web::Data::new(AppState {
            db,
            keys,
            throttle: LoginThrottle::default(),
            host,
            started_at: Utc::now(),
            openapi_json: crate::openapi::to_json(&document),
            supervisor,
            runtime,
            bus,
            tickets: crate::events::tickets::Tickets::default(),
            http_stats: Arc::default(),
            processes,
            server_listing: Snapshot::new(Table::Servers),
            logins: Default::default(),
            access: Default::default(),
            config,
        });
        // What the extractors and middleware read, each on its own rather than the whole state.
        let known_routes = web::Data::new(spa::ApiRoutes::from_document(&serde_json::to_value(&document)?));
        let db = web::Data::new(state.db.clone());
        let keys = web::Data::from(state.keys.clone());
        let logins = web::Data::from(state.logins.clone());
        let http_stats = web::Data::from(state.http_stats.clone());
        let body_limit = state.config.max_body_bytes;
        let cors_origins = state.config.cors_origins.clone();
        let server = HttpServer::new(move || {
            let mut cors = Cors::default()
                .allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE"])
                .allowed_headers(["authorization", "content-type"])
                .expose_headers(["retry-after", "x-request-id"])
                .max_age(3600);
            for origin in &cors_origins {
                cors = cors.allowed_origin(origin);
            }
            let (app, _) = App::new()
                .into_utoipa_app()
                .app_data(state.clone())
                .app_data(known_routes.clone())
                .app_data(db.clone())
                .app_data(keys.clone())
                .app_data(logins.clone())
                .app_data(http_stats.clone())
                .app_data(extract::BodyLimit(body_limit))
                .app_data(web::PayloadConfig::new(body_limit))
                .app_data(extract::path_config())
                .service(
                    utoipa_actix_web::scope("/api/v1")
                        .configure(api_routes)
                        .default_service(web::to(spa::api_not_found))
                        .wrap(headers::api_no_store()),
                )
                .split_for_parts();
            let app = app
                .wrap(from_fn(crate::audit::record_requests))
                .wrap(from_fn(crate::metrics::http::count_requests))
                .wrap(headers::security_headers())
                .wrap(Condition::new(!cors_origins.is_empty(), cors))
                .service(web::redirect("/api/docs", "/api/docs/"))
                .service(
                    SwaggerUi::new("/api/docs/{_:.*}").config(utoipa_swagger_ui::Config::new(["/api/v1/openapi.json"])),
                );
            if serve_spa {
                app.service(spa::files(static_dir.clone()))
            } else {
                app.default_service(web::to(spa::not_built))
            }
        })
        .listen(listener)?
        .shutdown_timeout(10)
        .run();
        Ok(Application { addr, server })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Runs until SIGINT/SIGTERM, then finishes in-flight requests (up to 10 s).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn a_new_data_dir_is_created_private() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("new/data");
        super::private_data_dir(&dir).unwrap();
        assert_eq!(std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777, 0o700);
    }
}
