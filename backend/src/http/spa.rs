//! The built SPA at `/` with client-side route fallback; `/api/*` never falls back to it.

use std::path::PathBuf;

use actix_files::{Files, NamedFile};
use actix_web::dev::{fn_service, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::{HttpResponse, ResponseError};

use crate::error::ApiError;

fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

fn no_route(path: &str) -> HttpResponse {
    ApiError::NotFound(format!("no API route matches {path}")).error_response()
}

/// The JSON 404 for unknown paths (or methods) under `/api/v1`.
pub async fn api_not_found(req: actix_web::HttpRequest) -> HttpResponse {
    no_route(req.path())
}

/// Serves `static_dir`: real files as they are, any other non-API path as `index.html`.
pub fn files(static_dir: PathBuf) -> Files {
    let index = static_dir.join("index.html");
    Files::new("/", static_dir)
        .index_file("index.html")
        .use_etag(true)
        .default_handler(fn_service(move |req: ServiceRequest| {
            let index = index.clone();
            async move {
                let (req, _) = req.into_parts();
                if is_api(req.path()) {
                    let response = no_route(req.path());
                    return Ok(ServiceResponse::new(req, response));
                }
                let mut response = NamedFile::open(&index)?.into_response(&req);
                // The shell must be revalidated so a new build is picked up at once.
                response
                    .headers_mut()
                    .insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-cache"));
                Ok(ServiceResponse::new(req, response))
            }
        }))
}

/// Used when no SPA build exists: API paths get the JSON 404, others say how to build it.
pub async fn not_built(req: actix_web::HttpRequest) -> HttpResponse {
    if is_api(req.path()) {
        return no_route(req.path());
    }
    ApiError::NotFound("the web interface is not built: run `make frontend` (or `make run`)".into()).error_response()
}
