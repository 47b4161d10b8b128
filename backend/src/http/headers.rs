//! Security headers on every response, and `Cache-Control: no-store` on the API's.

use actix_web::middleware::DefaultHeaders;

/// The SPA loads only its own scripts; Mantine and Swagger UI set inline styles, hence
/// `'unsafe-inline'` for styles only. The one thing from another origin is players' Steam
/// avatars (images only, from Steam's avatar hosts).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' data: https://avatars.steamstatic.com \
    https://avatars.akamai.steamstatic.com https://avatars.cloudflare.steamstatic.com; font-src 'self' data:; \
    connect-src 'self' ws: wss:; object-src 'none'; base-uri 'self'; form-action 'self'; \
    frame-ancestors 'none'";

pub fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add(("Content-Security-Policy", CONTENT_SECURITY_POLICY))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Referrer-Policy", "no-referrer"))
        .add(("Cross-Origin-Opener-Policy", "same-origin"))
}

/// API responses hand out tokens, tickets and per-user data: no browser or proxy may keep a
/// copy. Set on the whole API scope so a new route that returns a credential cannot forget it;
/// a handler that sets its own `Cache-Control` keeps it.
pub fn api_no_store() -> DefaultHeaders {
    DefaultHeaders::new().add((actix_web::http::header::CACHE_CONTROL, "no-store"))
}
