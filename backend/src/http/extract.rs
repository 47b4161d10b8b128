//! `Json` and `Query` extractors whose errors use the API's error shape and name the field.
//! (actix's own extractors report serde errors without the path to the bad value.)

use std::future::Future;
use std::pin::Pin;

use actix_web::{dev::Payload, error::PayloadError, http::header, web, FromRequest, HttpMessage, HttpRequest};
use serde::de::DeserializeOwned;

use super::spa::ApiRoutes;
use crate::audit::RequestSummary;
use crate::error::{ApiError, ErrorKind};

/// The largest JSON body a handler reads (`max_body_bytes`), registered as app data in `app.rs`.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

pub const DEFAULT_BODY_LIMIT: usize = 1 << 20;

pub struct Json<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let limit = req.app_data::<BodyLimit>().map_or(DEFAULT_BODY_LIMIT, |limit| limit.0);
        let bytes = web::Bytes::from_request(&req, payload);
        Box::pin(async move {
            let is_json = req
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(';').next())
                .is_some_and(|mime| {
                    let mime = mime.trim().to_ascii_lowercase();
                    mime == "application/json" || mime.ends_with("+json")
                });
            if !is_json {
                return Err(ApiError::UnsupportedMediaType(
                    "the request body must be JSON (Content-Type: application/json)".into(),
                ));
            }
            let bytes = bytes.await.map_err(|e| match e.as_error::<PayloadError>() {
                Some(PayloadError::Overflow) => ApiError::PayloadTooLarge { limit },
                _ => match e.error_response().status().as_u16() {
                    413 => ApiError::PayloadTooLarge { limit },
                    _ => ApiError::BadRequest {
                        kind: ErrorKind::InvalidBody,
                        message: "the request body could not be read".into(),
                        field: None,
                    },
                },
            })?;
            let mut value = serde_json::from_slice::<serde_json::Value>(&bytes).map_err(|e| ApiError::BadRequest {
                kind: ErrorKind::MalformedJson,
                message: format!("the request body is not valid JSON: {}", strip_position(&e.to_string())),
                field: None,
            })?;
            // PostgreSQL cannot store NUL in text, and no field has a use for it.
            if let Some(field) = nul_in(&value, "") {
                return Err(ApiError::validation(field, "must not contain NUL characters"));
            }
            // JSON Schema counts 50.0 as an integer; so do we.
            whole_floats_to_integers(&mut value);
            req.extensions_mut().insert(RequestSummary::from_body(value.clone()));
            serde_path_to_error::deserialize(value).map(Json).map_err(json_error)
        })
    }
}

fn json_error(err: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let path = err.path().to_string();
    let inner = err.inner();
    let message = strip_position(&inner.to_string());
    match inner.classify() {
        serde_json::error::Category::Data => {
            let field = named_field(&message).map_or(path.clone(), |name| join_path(&path, &name));
            if field == "." {
                // The body as a whole has the wrong shape (e.g. an array instead of an object).
                return ApiError::BadRequest {
                    kind: ErrorKind::InvalidBody,
                    message: format!("the request body has the wrong shape: {message}"),
                    field: None,
                };
            }
            ApiError::validation(field, message)
        }
        _ => ApiError::BadRequest {
            kind: ErrorKind::MalformedJson,
            message: format!("the request body is not valid JSON: {message}"),
            field: None,
        },
    }
}

/// The dotted path of the first string (or key) holding a NUL character.
fn nul_in(value: &serde_json::Value, path: &str) -> Option<String> {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    match value {
        serde_json::Value::String(s) if s.contains('\0') => {
            Some(if path.is_empty() { "body".into() } else { path.into() })
        }
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| nul_in(v, &join(&i.to_string()))),
        serde_json::Value::Object(map) => map.iter().find_map(|(k, v)| {
            if k.contains('\0') {
                Some(join(k))
            } else {
                nul_in(v, &join(k))
            }
        }),
        _ => None,
    }
}

/// serde names a missing field only in its message ("missing field `x`"); the path then ends at
/// the parent. (For an unknown field the path already ends with it.)
fn named_field(message: &str) -> Option<String> {
    if message.starts_with("missing field") {
        let start = message.find('`')? + 1;
        let end = start + message[start..].find('`')?;
        return Some(message[start..end].to_owned());
    }
    None
}

fn join_path(parent: &str, name: &str) -> String {
    if parent == "." || parent.is_empty() {
        name.to_owned()
    } else {
        format!("{parent}.{name}")
    }
}

fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

fn whole_floats_to_integers(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15) {
                *value = serde_json::Value::from(f as i64);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(whole_floats_to_integers),
        serde_json::Value::Object(map) => map.values_mut().for_each(whole_floats_to_integers),
        _ => {}
    }
}

pub struct Query<T>(pub T);

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let query = req.query_string();
        if let Some((key, _)) =
            form_urlencoded::parse(query.as_bytes()).find(|(k, v)| k.contains('\0') || v.contains('\0'))
        {
            return std::future::ready(Err(ApiError::BadRequest {
                kind: ErrorKind::InvalidQuery,
                message: format!("query parameter `{key}` must not contain NUL characters"),
                field: Some(key.into_owned()),
            }));
        }
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        std::future::ready(serde_path_to_error::deserialize(de).map(Query).map_err(|err| {
            let path = err.path().to_string();
            let message = err.inner().to_string();
            let field = named_field(&message).unwrap_or(path);
            ApiError::BadRequest {
                kind: ErrorKind::InvalidQuery,
                message: format!("invalid query parameter `{field}`: {message}"),
                field: Some(field),
            }
        }))
    }
}

/// Path parameters that do not parse (e.g. `/users/abc`) are a 400 naming the parameter.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err, req| {
        // `PATCH /mods/scan` reaches `PATCH /mods/{id}`: for a path documented without
        // parameters, a method it does not have is a 405, not a bad id.
        let literal = req
            .app_data::<web::Data<ApiRoutes>>()
            .and_then(|routes| routes.literal(req.path()));
        if let Some(allowed) = literal {
            return ApiError::MethodNotAllowed {
                method: req.method().to_string(),
                allowed,
            }
            .into();
        }
        ApiError::BadRequest {
            kind: ErrorKind::InvalidPath,
            message: format!("invalid path parameter: {err}"),
            field: Some("id".into()),
        }
        .into()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        name: String,
        count: u32,
    }

    fn parse(text: &str) -> ApiError {
        let de = &mut serde_json::Deserializer::from_str(text);
        json_error(serde_path_to_error::deserialize::<_, Body>(de).unwrap_err())
    }

    #[test]
    fn errors_name_the_field() {
        for (body, field) in [
            (r#"{"name":"a"}"#, "count"),
            (r#"{"name":"a","count":"x"}"#, "count"),
            (r#"{"name":"a","count":1,"extra":true}"#, "extra"),
        ] {
            match parse(body) {
                ApiError::Validation { field: f, .. } => assert_eq!(f, field, "{body}"),
                other => panic!("{body}: {other:?}"),
            }
        }
        assert!(matches!(
            parse("{\"name\":"),
            ApiError::BadRequest {
                kind: ErrorKind::MalformedJson,
                ..
            }
        ));
    }
}
