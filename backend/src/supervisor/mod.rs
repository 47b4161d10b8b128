//! One actor task per managed server owns its process, its state and its crash record.
//! Everyone else talks to it through [`Supervisor`]: commands over an mpsc channel, each with
//! a oneshot reply. There is no shared map of processes: the map holds only mailboxes.

pub mod actor;
pub mod keys;
pub mod machine;
pub mod plan;
pub mod process;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{mpsc, oneshot};

use crate::error::{ApiError, ApiResult};
use crate::ids::ServerId;
use crate::rcon::Link;
use crate::runtime::Runtime;
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
    rt: Runtime,
    mailboxes: Arc<Mutex<HashMap<ServerId, mpsc::Sender<Command>>>>,
}

impl Supervisor {
    /// Starts an actor for every server; each reattaches to its process if it still runs.
    pub async fn boot(rt: Runtime) -> ApiResult<Supervisor> {
        let supervisor = Supervisor {
            rt,
            mailboxes: Arc::default(),
        };
        for id in store::all_ids(&supervisor.rt.db).await? {
            supervisor.attach(id);
        }
        Ok(supervisor)
    }

    /// Starts the actor of a (new) server.
    pub fn attach(&self, id: ServerId) {
        let (tx, rx) = mpsc::channel(16);
        actor::spawn(id, self.rt.clone(), rx);
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
