//! The app's services below the HTTP layer, built once in `app.rs` and handed down: the
//! supervisor and its actors, the player pollers, the background jobs and the services the
//! handlers call all take this (or the parts of it they use), never the HTTP app state.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;

use crate::db::Db;
use crate::events::Bus;
use crate::games::RconFlavour;
use crate::ids::ServerId;
use crate::logs::writer::LogWriter;
use crate::players::live::LiveBoard;
use crate::players::store::Present;
use crate::rcon::Link;
use crate::secrets::SecretBox;
use crate::servers::facts::FactsCache;

#[derive(Clone)]
pub struct Runtime {
    pub db: Db,
    pub bus: Bus,
    /// Seals and opens the servers' stored passwords.
    pub secret_box: Arc<SecretBox>,
    /// Who is on each running server, as of its last poll.
    pub board: LiveBoard,
    /// What each server's API view derives from its row (decrypting, planning its ports).
    pub facts: Arc<FactsCache>,
    /// Stores what the servers' tailers read.
    pub logs: LogWriter,
    /// Where library mods live (their folders are passed to the games).
    pub mods_root: PathBuf,
    pub poll_interval: Duration,
    /// Sessions are closed when RCON stays unreachable this long.
    pub lost_after: Duration,
    /// Told by each player poller what it saw; `bans` registers it in `app.rs`, so the poller
    /// needs to know nothing of bans.
    pub roster_hook: Arc<dyn RosterHook>,
}

/// What a player poller reports about one running server, awaited in the poll that saw it.
pub trait RosterHook: Send + Sync {
    /// RCON answered again after being down (or for the first time since the start).
    fn on_connected<'a>(
        &'a self,
        rt: &'a Runtime,
        server: ServerId,
        flavour: RconFlavour,
        link: &'a Link,
    ) -> BoxFuture<'a, ()>;

    /// Players whose session this poll opened.
    fn on_joined<'a>(
        &'a self,
        rt: &'a Runtime,
        server: ServerId,
        flavour: RconFlavour,
        link: &'a Link,
        joined: &'a [Present],
    ) -> BoxFuture<'a, ()>;
}
