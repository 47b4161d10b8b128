//! One WebSocket session of the live event stream (opened in `routes.rs`): it filters the bus
//! by server and channel, falls back to `lagged` rather than buffering without bound, and is
//! closed when it stops answering. Also the client's and control messages it speaks.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_ws::{CloseCode, CloseReason, Message};
use bytestring::ByteString;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tokio::sync::broadcast;
use tokio::sync::broadcast::error::RecvError;
use utoipa::ToSchema;

use super::feeds::{Feeds, Next};
use super::payloads::{to_json, CommandErrorData, LaggedData, PongData, ReplyData, SubscribedData, UnreadableData};
use super::{Bus, Channel, Frame, Resume, Topic};
use crate::auth::principal::LoginCache;
use crate::auth::{Principal, Role};
use crate::db::Db;
use crate::error::{ApiError, ApiResult};
use crate::ids::ServerId;
use crate::supervisor::Supervisor;

const PING_EVERY: Duration = Duration::from_secs(15);
/// A session that sends nothing (not even a pong) for this long is closed.
const IDLE_LIMIT: Duration = Duration::from_secs(45);
/// Frames a session sends in one turn before it looks at pings and client messages again.
const DRAIN_LIMIT: usize = 256;

enum Forwarded {
    Sent,
    Gone,
}

/// Servers to follow: a list of ids, or `"*"` for all of them.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum ServerSelection {
    Ids(Vec<i64>),
    /// Only `"*"`.
    All(String),
}

/// A message from the client (JSON text frames).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
pub enum ClientMessage {
    /// Add servers and channels (all channels when omitted). With `resume`, frames published
    /// after that `seq` are replayed first (or `lagged` says they are gone).
    Subscribe {
        servers: ServerSelection,
        channels: Option<Vec<Channel>>,
        resume: Option<u64>,
    },
    /// Remove servers and/or channels (everything when both are omitted).
    Unsubscribe {
        servers: Option<ServerSelection>,
        channels: Option<Vec<Channel>>,
    },
    /// Answered with `pong`.
    Ping { id: Option<String> },
    /// Run one console line on a running server (operators): over RCON when the game has it,
    /// else on its console. The answer comes back as a `reply` frame with the same `id`.
    Command {
        #[schema(value_type = i64)]
        server: ServerId,
        line: String,
        id: Option<String>,
    },
}

/// Frames sent besides bus [`Frame`]s: `{"type": "lagged"|"error"|"pong"|"reply"|"subscribed", "data": {..}}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ControlFrame {
    #[serde(rename = "type")]
    pub kind: String,
    #[schema(value_type = Object)]
    pub data: Value,
}

/// What a session reaches beyond the bus: credentials to re-check, servers to command.
pub(super) struct Reach {
    pub(super) db: Db,
    pub(super) logins: Arc<LoginCache>,
    pub(super) supervisor: Supervisor,
}

pub(super) struct Session {
    principal: Principal,
    /// Ids of users whose rights or credentials changed.
    changes: broadcast::Receiver<i64>,
    bus: Bus,
    all_servers: bool,
    servers: HashSet<ServerId>,
    channels: HashSet<Channel>,
}

/// The close reason of a socket whose user's role changed; any other policy close means the
/// credential itself no longer works.
const RIGHTS_CHANGED: &str = "rights_changed";

/// A policy-violation close whose reason reads `<kind>: <message>`, cut to the 123 bytes a
/// close frame can carry.
fn policy_close(kind: &str, message: &str) -> CloseReason {
    let mut text = format!("{kind}: {message}");
    let mut end = text.len().min(123);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    CloseReason {
        code: CloseCode::Policy,
        description: Some(text),
    }
}

fn control(kind: &str, data: &impl Serialize) -> ByteString {
    json!({"type": kind, "data": to_json(data)}).to_string().into()
}

impl Session {
    pub(super) fn new(principal: Principal, bus: Bus, changes: broadcast::Receiver<i64>) -> Session {
        Session {
            principal,
            changes,
            bus,
            all_servers: false,
            servers: HashSet::new(),
            channels: HashSet::new(),
        }
    }

    /// The topics that carry what this session wants: its servers, or with every server its
    /// channels (host frames have no server).
    fn topics(&self) -> Vec<Topic> {
        if self.channels.is_empty() {
            Vec::new()
        } else if self.all_servers {
            self.channels.iter().map(|&channel| Topic::Every(channel)).collect()
        } else {
            self.servers.iter().map(|&id| Topic::Server(id)).collect()
        }
    }

    fn wants(&self, frame: &Frame) -> bool {
        self.channels.contains(&frame.channel)
            && frame
                .server_id
                .is_none_or(|id| self.all_servers || self.servers.contains(&id))
            && (frame.server_id.is_some() || self.all_servers)
    }

    /// The frame as this session may see it: addresses are for admins only.
    fn render(&self, frame: &Frame) -> ByteString {
        if frame.channel == Channel::Players && !self.principal.is_admin() {
            // A fresh frame: the shared text holds the addresses.
            let mut masked = Frame::new(frame.seq, frame.channel, frame.server_id, frame.data.clone());
            masked.ts = frame.ts;
            if let Some(players) = masked.data.get_mut("players").and_then(Value::as_array_mut) {
                for player in players {
                    player["ip"] = Value::Null;
                }
            }
            return masked.text();
        }
        frame.text()
    }

    pub(super) async fn run(mut self, reach: Reach, mut out: actix_ws::Session, mut messages: actix_ws::MessageStream) {
        let _open = self.bus.session_opened();
        let mut feeds = Feeds::default();
        let mut ping = tokio::time::interval(PING_EVERY);
        let mut last_heard = Instant::now();
        loop {
            // In this order: a change to the caller's rights before anything it asks for (a
            // queued command never runs with rights it lost); what the client sent while this
            // session was busy sending to it before the idle check, so a slow reader that pings
            // is not closed as gone.
            let outgoing: Vec<ByteString> = tokio::select! {
                biased;
                change = self.changes.recv() => {
                    match change {
                        Ok(user_id) if user_id != self.principal.user_id => continue,
                        // Shutting down.
                        Err(RecvError::Closed) => break,
                        // This user, or announcements missed: check again either way.
                        Ok(_) | Err(RecvError::Lagged(_)) => {}
                    }
                    match self.recheck(&reach.db, &reach.logins).await {
                        Some(reason) => {
                            let _ = out.close(Some(reason)).await;
                            return;
                        }
                        None => continue,
                    }
                }
                incoming = messages.recv() => {
                    last_heard = Instant::now();
                    match incoming {
                        Some(Ok(Message::Text(text))) => self.on_text(&reach, &text, &mut feeds).await,
                        Some(Ok(Message::Ping(bytes))) => {
                            if out.pong(&bytes).await.is_err() {
                                break;
                            }
                            continue;
                        }
                        Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                        Some(Ok(_)) => continue,
                    }
                }
                _ = ping.tick() => {
                    if last_heard.elapsed() > IDLE_LIMIT {
                        break;
                    }
                    if out.ping(b"").await.is_err() {
                        break;
                    }
                    continue;
                }
                first = feeds.ready() => match self.forward(first, &mut feeds, &mut out).await {
                    Forwarded::Sent => continue,
                    Forwarded::Gone => return,
                },
            };
            for text in outgoing {
                if out.text(text).await.is_err() {
                    return;
                }
            }
        }
        let _ = out.close(None).await;
    }

    /// Reads the credential again after a change: `None` while it still stands for the same
    /// rights (the session goes on), else why the socket is closed. A changed role closes it
    /// too, so that the client reconnects and sees its new rights everywhere at once.
    async fn recheck(&mut self, db: &Db, logins: &LoginCache) -> Option<CloseReason> {
        match crate::auth::principal::recheck(db, logins, &self.principal).await {
            Ok(now) if now.role == self.principal.role => {
                self.principal = now;
                None
            }
            Ok(now) => Some(policy_close(
                RIGHTS_CHANGED,
                &format!("your role is now {}; reconnect to continue", now.role.as_str()),
            )),
            Err(ApiError::Internal(e)) => {
                tracing::warn!(error = %e, "re-checking a socket's credential failed; closing it");
                Some(policy_close(
                    "recheck_failed",
                    "your rights could not be checked; reconnect",
                ))
            }
            Err(e) => {
                let body = e.body();
                Some(policy_close(&body.error.to_string(), &body.message))
            }
        }
    }

    /// Sends `first` and then whatever the bus already holds for this session, up to a limit,
    /// in one turn: a burst costs one wake-up instead of one per frame.
    async fn forward(&self, first: Option<Next>, feeds: &mut Feeds, out: &mut actix_ws::Session) -> Forwarded {
        let mut next = first;
        let mut budget = DRAIN_LIMIT;
        loop {
            let below = feeds.turn(&self.bus);
            loop {
                let text = match next.take().unwrap_or_else(|| feeds.next(below)) {
                    Next::Frame(frame) if self.wants(&frame) => Some(self.render(&frame)),
                    Next::Frame(_) => None,
                    Next::Lagged(missed) => {
                        self.bus.count_lagged(missed);
                        Some(control("lagged", &LaggedData::too_slow(missed)))
                    }
                    Next::Closed => return Forwarded::Gone,
                    Next::Empty => break,
                };
                if let Some(text) = text {
                    if out.text(text).await.is_err() {
                        return Forwarded::Gone;
                    }
                }
                budget -= 1;
                if budget == 0 {
                    return Forwarded::Sent;
                }
            }
            if !feeds.holding() {
                return Forwarded::Sent;
            }
            // Frames above the bound wait for the next turn; when the bus has not moved it
            // on yet, it is between handing a frame to its topics and raising the bound.
            if below == self.bus.published() {
                tokio::task::yield_now().await;
            }
        }
    }

    async fn on_text(&mut self, reach: &Reach, text: &str, feeds: &mut Feeds) -> Vec<ByteString> {
        let message: ClientMessage = match serde_json::from_str(text) {
            Ok(m) => m,
            Err(e) => return vec![control("error", &UnreadableData::new(&e))],
        };
        match message {
            ClientMessage::Ping { id } => vec![control("pong", &PongData { id: id.as_deref() })],
            ClientMessage::Subscribe {
                servers,
                channels,
                resume,
            } => {
                let ids = match self.select(&reach.db, servers).await {
                    Ok(ids) => ids,
                    Err(e) => return vec![control("error", &e.body())],
                };
                match ids {
                    None => self.all_servers = true,
                    Some(ids) => self.servers.extend(ids),
                }
                self.channels.extend(channels.unwrap_or_else(|| Channel::ALL.to_vec()));
                let mut out = vec![control(
                    "subscribed",
                    &SubscribedData::new(self.all_servers, &self.servers, &self.channels),
                )];
                let topics = self.topics();
                if let Some(seq) = resume {
                    let (fresh, replay) = self.bus.resume(seq, &topics);
                    feeds.replace(fresh);
                    match replay {
                        Resume::Frames(frames) => {
                            out.extend(frames.iter().filter(|f| self.wants(f)).map(|f| self.render(f)))
                        }
                        Resume::Gone { missed } => out.push(control("lagged", &LaggedData::expired(missed))),
                    }
                } else {
                    feeds.follow(&self.bus, &topics);
                }
                out
            }
            ClientMessage::Unsubscribe { servers, channels } => {
                if servers.is_none() && channels.is_none() {
                    self.all_servers = false;
                    self.servers.clear();
                    self.channels.clear();
                }
                match servers {
                    Some(ServerSelection::All(_)) => {
                        self.all_servers = false;
                        self.servers.clear();
                    }
                    Some(ServerSelection::Ids(ids)) => ids.into_iter().for_each(|id| {
                        self.servers.remove(&ServerId(id));
                    }),
                    None => {}
                }
                for channel in channels.unwrap_or_default() {
                    self.channels.remove(&channel);
                }
                feeds.follow(&self.bus, &self.topics());
                vec![control(
                    "subscribed",
                    &SubscribedData::new(self.all_servers, &self.servers, &self.channels),
                )]
            }
            ClientMessage::Command { server, line, id } => match self.audited_command(reach, server, &line).await {
                Ok(output) => vec![control(
                    "reply",
                    &ReplyData {
                        id: id.as_deref(),
                        server_id: server,
                        line: &line,
                        output,
                    },
                )],
                Err(e) => {
                    let body = CommandErrorData {
                        error: e.body(),
                        id: id.as_deref(),
                    };
                    vec![control("error", &body)]
                }
            },
        }
    }

    /// `None` for all servers; otherwise the ids, each checked to exist.
    async fn select(&self, db: &Db, servers: ServerSelection) -> ApiResult<Option<Vec<ServerId>>> {
        match servers {
            ServerSelection::All(star) if star == "*" => Ok(None),
            ServerSelection::All(_) => Err(ApiError::validation("servers", "must be a list of ids or \"*\"")),
            ServerSelection::Ids(ids) => {
                let ids: Vec<ServerId> = ids.into_iter().map(ServerId).collect();
                let known: HashSet<ServerId> = crate::servers::store::all_ids(db).await?.into_iter().collect();
                match ids.iter().find(|id| !known.contains(id)) {
                    Some(id) => Err(ApiError::validation("servers", format!("server {id} does not exist"))),
                    None => Ok(Some(ids)),
                }
            }
        }
    }

    /// Every command is in the audit log like a mutating HTTP request, refused ones included.
    async fn audited_command(&self, reach: &Reach, server: ServerId, line: &str) -> ApiResult<String> {
        let result = self.command(reach, server, line).await;
        let status = match &result {
            Ok(_) => 200,
            Err(e) => actix_web::ResponseError::status_code(e).as_u16(),
        };
        crate::audit::middleware::record_ws_command(&reach.db, &self.principal, server, line, status).await;
        result
    }

    async fn command(&self, reach: &Reach, server: ServerId, line: &str) -> ApiResult<String> {
        self.principal.require(Role::Operator)?;
        let line = crate::games::moderation::clean_text(line, 1000).map_err(|m| ApiError::validation("line", m))?;
        if line.is_empty() {
            return Err(ApiError::validation("line", "must not be empty"));
        }
        crate::players::console::command(&reach.db, &reach.supervisor, server, &line).await
    }
}
