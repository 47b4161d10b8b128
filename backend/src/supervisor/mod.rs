//! One actor task per managed server owns its process, its state and its crash record.
//! Everyone else talks to it through [`Supervisor`]: commands over an mpsc channel, each with
//! a oneshot reply. There is no shared map of processes: the map holds only mailboxes.

pub mod actor;
pub mod keys;
pub mod plan;
pub mod process;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{mpsc, oneshot};

use crate::db::Db;
use crate::error::{ApiError, ApiResult};
use crate::ids::ServerId;
use crate::players::monitor::Runtime;
use crate::rcon::Link;
use crate::secrets::SecretBox;
use crate::servers::event_actor::EventActor;
use crate::servers::model::ServerState;
use crate::servers::store;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Power {
    Start,
    Stop,
    Restart,
    Kill,
}

pub(crate) enum Command {
    /// A power action and who asked for it.
    Power(Power, EventActor, oneshot::Sender<ApiResult<ServerState>>),
    /// Ends the actor (before the server row is deleted); refused while a process runs.
    Retire(oneshot::Sender<ApiResult<()>>),
    /// The RCON link of the running server, if it has one.
    Link(oneshot::Sender<Option<Link>>),
}

#[derive(Clone)]
pub struct Supervisor {
    db: Db,
    secret_box: Arc<SecretBox>,
    players: Runtime,
    /// Where library mods live (their folders are passed to the games).
    mods_root: std::path::PathBuf,
    mailboxes: Arc<Mutex<HashMap<ServerId, mpsc::Sender<Command>>>>,
    facts: Arc<crate::servers::facts::FactsCache>,
}

impl Supervisor {
    /// Starts an actor for every server; each reattaches to its process if it still runs.
    pub async fn boot(
        db: Db,
        secret_box: Arc<SecretBox>,
        players: Runtime,
        mods_root: std::path::PathBuf,
    ) -> ApiResult<Supervisor> {
        let supervisor = Supervisor {
            db: db.clone(),
            secret_box,
            players,
            mods_root,
            mailboxes: Arc::default(),
            facts: Arc::default(),
        };
        for id in store::all_ids(&db).await? {
            supervisor.attach(id);
        }
        Ok(supervisor)
    }

    pub fn secret_box(&self) -> &SecretBox {
        &self.secret_box
    }

    /// Starts the actor of a (new) server.
    pub fn attach(&self, id: ServerId) {
        let (tx, rx) = mpsc::channel(16);
        actor::spawn(
            id.0,
            self.db.clone(),
            self.secret_box.clone(),
            self.players.clone(),
            self.mods_root.clone(),
            rx,
        );
        self.mailboxes.lock().unwrap_or_else(|e| e.into_inner()).insert(id, tx);
    }

    fn mailbox(&self, id: ServerId) -> ApiResult<mpsc::Sender<Command>> {
        self.mailboxes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&id)
            .cloned()
            .ok_or_else(|| store::not_found(id))
    }

    /// Asks the actor to act for `by`; the reply says the state it moved to (or why it refused).
    pub async fn power(&self, id: ServerId, power: Power, by: EventActor) -> ApiResult<ServerState> {
        let (reply, answer) = oneshot::channel();
        self.mailbox(id)?
            .send(Command::Power(power, by, reply))
            .await
            .map_err(|_| gone(id))?;
        answer.await.map_err(|_| gone(id))?
    }

    pub fn facts(&self) -> &crate::servers::facts::FactsCache {
        &self.facts
    }

    pub fn mods_root(&self) -> &std::path::Path {
        &self.mods_root
    }

    pub fn players(&self) -> &Runtime {
        &self.players
    }

    /// The RCON link of a running server (shared with its player poller); `None` when the
    /// server is not running or its game has no RCON.
    pub async fn link(&self, id: ServerId) -> ApiResult<Option<Link>> {
        let (reply, answer) = oneshot::channel();
        self.mailbox(id)?
            .send(Command::Link(reply))
            .await
            .map_err(|_| gone(id))?;
        answer.await.map_err(|_| gone(id))
    }

    /// Ends the actor of a server about to be deleted (409 while it runs).
    pub async fn retire(&self, id: ServerId) -> ApiResult<()> {
        let (reply, answer) = oneshot::channel();
        self.mailbox(id)?
            .send(Command::Retire(reply))
            .await
            .map_err(|_| gone(id))?;
        answer.await.map_err(|_| gone(id))??;
        self.mailboxes.lock().unwrap_or_else(|e| e.into_inner()).remove(&id);
        Ok(())
    }
}

fn gone(id: ServerId) -> ApiError {
    ApiError::internal(anyhow::anyhow!("the supervisor of server {id} stopped"))
}
