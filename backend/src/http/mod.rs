//! HTTP plumbing shared by every domain: request extractors with field-naming errors,
//! pagination, security headers and the SPA fallback.

pub mod extract;
pub mod headers;
pub mod page;
pub mod spa;
