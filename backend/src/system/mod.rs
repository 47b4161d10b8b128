//! `/api/v1/system`: liveness, panel status, and host figures (CPU, memory, disk) read with
//! `sysinfo` (the `psutil` crate does not resolve with this dependency set).

pub mod host;
pub mod routes;

pub use host::HostInfo;
