//! Languard: a self-hosted manager for dedicated game servers.
#![forbid(unsafe_code)]

pub mod app;
pub mod audit;
pub mod auth;
pub mod bans;
pub mod cli;
pub mod config;
pub mod content;
pub mod db;
pub mod error;
pub mod events;
pub mod games;
pub mod http;
pub mod ids;
pub mod logs;
pub mod metrics;
pub mod openapi;
pub mod players;
pub mod rcon;
pub mod runtime;
pub mod secrets;
pub mod serverdir;
pub mod servers;
pub mod supervisor;
pub mod system;
pub mod tokens;
pub mod users;
