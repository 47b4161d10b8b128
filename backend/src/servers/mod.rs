//! Managed game servers: registration, configuration, power actions and their event log.
//! Runtime behaviour lives in `supervisor/`; game specifics in `games/`.

pub mod event_actor;
pub mod facts;
pub mod import;
pub mod model;
pub mod routes;
pub mod service;
pub mod store;
mod validate;
