//! Black-box tests of the `languard` binary. Each test starts its own server on a free port
//! with its own data dir, on SQLite and again on PostgreSQL (a database per test).

// Code that runs only under test or measurement: a panic here is a failed run, said
// loudly, which is what it should be (the workspace denies unwrap/expect for product code).
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod harness;
pub mod sim;
pub mod wait;

/// Declares each scenario once and runs it on both backends: `sqlite::name`, `postgres::name`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::harness::Backend::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::harness::Backend::Postgres).await
                }
            )*
        }
    };
}

#[cfg(test)]
mod audit;
#[cfg(test)]
mod auth;
#[cfg(test)]
mod cached_writes;
#[cfg(test)]
mod cli;
#[cfg(test)]
mod content;
#[cfg(test)]
mod event_actors;
#[cfg(test)]
mod events;
#[cfg(test)]
mod import;
#[cfg(test)]
mod logs;
#[cfg(test)]
mod matrix;
#[cfg(test)]
mod metrics;
#[cfg(test)]
mod openapi;
#[cfg(test)]
mod paths;
#[cfg(test)]
mod players;
#[cfg(test)]
mod private_data;
#[cfg(test)]
mod prometheus;
#[cfg(test)]
mod reattach;
#[cfg(test)]
mod servers;
#[cfg(test)]
mod sessions;
#[cfg(test)]
mod system;
#[cfg(test)]
mod tokens;
#[cfg(test)]
mod users;
#[cfg(test)]
mod ws_fanout;
#[cfg(test)]
mod ws_rights;
