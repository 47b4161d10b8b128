//! Bans kept by Languard (who, when, why, until when; per server or global) and written into
//! each game's own ban list through RCON.

pub mod enforce;
pub mod model;
pub mod routes;
pub mod store;
