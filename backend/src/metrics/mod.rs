//! Figures: a sampler stores each running server's and the host's CPU, memory, players, disk
//! and load with min/avg/max rollups; HTTP request counters; the Prometheus exposition.

pub mod http;
pub mod model;
pub mod processes;
pub mod prometheus;
pub mod routes;
pub mod sampler;
pub mod store;
