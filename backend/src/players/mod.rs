//! Who is on each server and who ever was: the poller per running server, sessions, the
//! live-state history, roster actions (kick, say, raw RCON), Steam profiles and retention.

pub mod console;
pub mod live;
pub mod model;
pub mod monitor;
pub mod queries;
pub mod routes;
pub mod steam;
pub mod store;
