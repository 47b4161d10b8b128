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

/// Unknown paths under `/api/v1` get the JSON 404; known paths with another method get 405.
pub async fn api_not_found(req: actix_web::HttpRequest) -> HttpResponse {
    let allowed = req
        .app_data::<actix_web::web::Data<ApiRoutes>>()
        .and_then(|routes| routes.allowed(req.path()));
    match allowed {
        Some(allowed) => ApiError::MethodNotAllowed {
            method: req.method().to_string(),
            allowed,
        }
        .error_response(),
        None => no_route(req.path()),
    }
}

/// The API's path templates and their methods, read from the OpenAPI document.
pub struct ApiRoutes(Vec<(Vec<String>, Vec<String>)>);

impl ApiRoutes {
    pub fn from_document(doc: &serde_json::Value) -> ApiRoutes {
        let paths = doc["paths"].as_object().cloned().unwrap_or_default();
        ApiRoutes(
            paths
                .into_iter()
                .map(|(template, item)| {
                    let segments = template.split('/').map(str::to_owned).collect();
                    let methods = item
                        .as_object()
                        .map(|ops| ops.keys().map(|m| m.to_ascii_uppercase()).collect())
                        .unwrap_or_default();
                    (segments, methods)
                })
                .collect(),
        )
    }

    pub fn allowed(&self, path: &str) -> Option<Vec<String>> {
        let segments: Vec<&str> = path.split('/').collect();
        self.0.iter().find_map(|(template, methods)| {
            let matches = template.len() == segments.len()
                && template
                    .iter()
                    .zip(&segments)
                    .all(|(t, s)| t == s || (t.starts_with('{') && !s.is_empty()));
            matches.then(|| methods.clone())
        })
    }

    /// The methods of a documented path without parameters that is exactly `path`.
    pub fn literal(&self, path: &str) -> Option<Vec<String>> {
        self.0
            .iter()
            .find(|(template, _)| template.join("/") == path && !template.iter().any(|t| t.starts_with('{')))
            .map(|(_, methods)| methods.clone())
    }
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
