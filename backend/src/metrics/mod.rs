//! Figures for monitoring systems: HTTP request counters and the Prometheus exposition.

pub mod http;
pub mod prometheus;
