//! The poller of one running server: reads the roster over the server's RCON link every
//! interval (and at once when BattlEye reports a join or leave), reconciles it into sessions
//! and live state, reports newcomers to the runtime's roster hook (bans enforce themselves
//! there), and keeps the RCON status the API shows.

use tokio::sync::broadcast::error::RecvError;
use tokio::task::JoinHandle;
use tokio::time::{Instant, MissedTickBehavior};

use super::model::{LiveSummary, OnlinePlayer, RconState, RconStatus};
use super::store::{self, Reconciled};
use crate::db::{now, to_utc};
use crate::games::roster::{parse_roster, roster_command, IdentityKind};
use crate::games::RconFlavour;
use crate::ids::ServerId;
use crate::rcon::{Link, RconError};
use crate::runtime::Runtime;
use crate::servers::event_actor::EventActor;
use crate::servers::store as servers_store;

/// Aborts the poller when dropped; [`Monitor::finish`] also closes the sessions it left open.
pub struct Monitor {
    server: ServerId,
    task: JoinHandle<()>,
}

impl Drop for Monitor {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Monitor {
    pub fn start(
        rt: &Runtime,
        server: ServerId,
        flavour: RconFlavour,
        link: Link,
        default_max: Option<i32>,
    ) -> Monitor {
        rt.board.update(server, |view| {
            view.rcon = Some(RconStatus {
                state: RconState::Connecting,
                error: None,
                since: chrono::Utc::now(),
            });
        });
        let poller = Poller {
            rt: rt.clone(),
            server,
            flavour,
            kind: IdentityKind::of(flavour),
            link,
            default_max,
            failing_since: None,
            connected: false,
        };
        Monitor {
            server,
            task: tokio::spawn(poller.run()),
        }
    }

    /// The server stopped: no more polls, and nobody is on it any more.
    pub async fn finish(self, rt: &Runtime) {
        self.task.abort();
        rt.board.remove(self.server);
        if let Err(e) = store::close_open_sessions(&rt.db, self.server, now()).await {
            tracing::error!(server = %self.server, error = ?e, "could not close player sessions");
        }
    }
}

struct Poller {
    rt: Runtime,
    server: ServerId,
    flavour: RconFlavour,
    kind: IdentityKind,
    link: Link,
    default_max: Option<i32>,
    failing_since: Option<Instant>,
    connected: bool,
}

/// What a BattlEye server message means for the poller.
enum Message {
    /// A join or leave: poll now rather than at the next tick.
    RosterChanged,
    /// BattlEye removed someone; the reason is worth keeping.
    Kicked(String),
    Chat(String),
    Other,
}

fn classify(text: &str) -> Message {
    if text.starts_with("Player #") && text.contains(" has been kicked") {
        Message::Kicked(text.to_owned())
    } else if text.starts_with("Player #") && (text.ends_with(" connected") || text.ends_with(" disconnected"))
        || text.starts_with("Verified GUID")
    {
        Message::RosterChanged
    } else if text.starts_with('(') || text.starts_with("RCon admin #") && text.contains(": (") {
        Message::Chat(text.to_owned())
    } else {
        Message::Other
    }
}

impl Poller {
    async fn run(mut self) {
        let mut messages = self.link.messages();
        let mut tick = tokio::time::interval(self.rt.poll_interval);
        tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                message = messages.recv() => match message {
                    Ok(text) => match classify(&text) {
                        Message::RosterChanged => {}
                        Message::Kicked(text) => self.event("player_kicked", text).await,
                        Message::Chat(text) => {
                            self.event("chat", text).await;
                            continue;
                        }
                        Message::Other => continue,
                    },
                    Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => {
                        // The link ended its message stream: keep polling on the timer alone.
                        messages = tokio::sync::broadcast::channel(1).1;
                        continue;
                    }
                },
            }
            self.poll().await;
        }
    }

    async fn event(&self, kind: &'static str, message: String) {
        if let Err(e) = servers_store::add_event(
            &self.rt.db,
            &self.rt.bus,
            self.server,
            &EventActor::system(),
            kind,
            message,
            None,
        )
        .await
        {
            tracing::error!(server = %self.server, error = ?e, "could not record a player event");
        }
    }

    async fn poll(&mut self) {
        match self.link.command(roster_command(self.flavour)).await {
            Ok(text) => self.on_roster(&text).await,
            Err(e) => self.on_failure(e).await,
        }
    }

    async fn on_roster(&mut self, text: &str) {
        let mut roster = parse_roster(self.flavour, text);
        roster.max_players = roster.max_players.or(self.default_max);
        let at = now();
        let reconciled = match store::reconcile(&self.rt.db, self.server, self.kind, roster.clone(), at).await {
            Ok(r) => r,
            Err(e) => {
                tracing::error!(server = %self.server, error = ?e, "could not record the roster");
                return;
            }
        };
        self.failing_since = None;
        if !self.connected {
            self.connected = true;
            self.set_status(RconState::Connected, None);
            // Bans lifted while this server was down reach its own ban list now.
            self.rt
                .roster_hook
                .on_connected(&self.rt, self.server, self.flavour, &self.link)
                .await;
        }
        self.publish(
            &reconciled,
            roster.max_players,
            roster.bots,
            roster.map,
            roster.hibernating,
            at,
        );
        for present in reconciled.present.iter().filter(|p| p.joined) {
            self.event("player_joined", format!("{} joined", present.entry.name))
                .await;
        }
        for (_, name) in &reconciled.left {
            self.event("player_left", format!("{name} left")).await;
        }
        let joined: Vec<_> = reconciled.present.into_iter().filter(|p| p.joined).collect();
        if !joined.is_empty() {
            self.rt
                .roster_hook
                .on_joined(&self.rt, self.server, self.flavour, &self.link, &joined)
                .await;
        }
    }

    fn publish(
        &self,
        reconciled: &Reconciled,
        max_players: Option<i32>,
        bots: i32,
        map: Option<String>,
        hibernating: bool,
        at: chrono::NaiveDateTime,
    ) {
        let players: Vec<OnlinePlayer> = reconciled
            .present
            .iter()
            .map(|p| OnlinePlayer {
                player_id: p.player.id,
                session_id: p.session_id,
                name: p.entry.name.clone(),
                kind: self.kind,
                identity: p.entry.identity.clone(),
                slot: p.entry.slot,
                ping: p.entry.ping,
                ip: p.entry.ip.clone(),
                joined_at: to_utc(p.joined_at),
                steam_name: p.player.steam_name.clone(),
                avatar_url: p.player.avatar_url.clone(),
            })
            .collect();
        let before = self.rt.board.get(self.server);
        self.rt.board.update(self.server, |view| {
            view.live = Some(LiveSummary {
                players: players.len() as i32,
                max_players,
                bots,
                map,
                hibernating,
            });
            view.players = players;
            view.polled_at = Some(to_utc(at));
        });
        self.announce_if_changed(before);
    }

    /// A `players` frame when the roster, figures or RCON state differ from before.
    fn announce_if_changed(&self, before: Option<super::model::ServerPlayers>) {
        let Some(now) = self.rt.board.get(self.server) else {
            return;
        };
        let key = |v: &super::model::ServerPlayers| {
            let players: Vec<_> = v
                .players
                .iter()
                .map(|p| (p.player_id, p.ping, p.steam_name.clone()))
                .collect();
            (
                players,
                v.live.clone(),
                v.rcon.as_ref().map(|r| (r.state, r.error.clone())),
            )
        };
        if before.as_ref().map(key) != Some(key(&now)) {
            if let Ok(data) = serde_json::to_value(&now) {
                self.rt
                    .bus
                    .publish(crate::events::Channel::Players, Some(self.server), data);
            }
        }
    }

    fn set_status(&self, state: RconState, error: Option<String>) {
        let before = self.rt.board.get(self.server);
        self.rt.board.update(self.server, |view| {
            view.rcon = Some(RconStatus {
                state,
                error,
                since: chrono::Utc::now(),
            });
        });
        self.announce_if_changed(before);
    }

    async fn on_failure(&mut self, error: RconError) {
        let message = error.to_string();
        let first = self.failing_since.is_none();
        let since = *self.failing_since.get_or_insert_with(Instant::now);
        let changed = self
            .rt
            .board
            .get(self.server)
            .and_then(|v| v.rcon)
            .is_none_or(|s| s.state != RconState::Error || s.error.as_deref() != Some(message.as_str()));
        if changed {
            self.set_status(RconState::Error, Some(message.clone()));
            self.event("rcon_error", format!("RCON: {message}")).await;
        }
        self.connected = false;
        if !first && since.elapsed() >= self.rt.lost_after {
            let open = self.rt.board.get(self.server).is_some_and(|v| !v.players.is_empty());
            match store::close_open_sessions(&self.rt.db, self.server, now()).await {
                Ok(closed) if closed > 0 || open => {
                    self.rt.board.update(self.server, |view| view.players.clear());
                    let secs = self.rt.lost_after.as_secs();
                    self.event(
                        "rcon_lost",
                        format!("RCON unreachable for {secs} s; closed {closed} open player sessions"),
                    )
                    .await;
                }
                Ok(_) => {}
                Err(e) => tracing::error!(server = %self.server, error = ?e, "could not close player sessions"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn battleye_messages() {
        let kinds = |t: &str| match classify(t) {
            Message::RosterChanged => "roster",
            Message::Kicked(_) => "kicked",
            Message::Chat(_) => "chat",
            Message::Other => "other",
        };
        assert_eq!(kinds("Player #0 Steve (203.0.113.7:2304) connected"), "roster");
        assert_eq!(kinds("Player #0 Steve disconnected"), "roster");
        assert_eq!(kinds("Verified GUID (abc) of player #0 Steve"), "roster");
        assert_eq!(
            kinds("Player #0 Steve (abc) has been kicked by BattlEye: Admin Kick (x)"),
            "kicked"
        );
        assert_eq!(kinds("(Global) Steve: hi"), "chat");
        assert_eq!(kinds("RCon admin #0: (Global) hello"), "chat");
        assert_eq!(kinds("RCon admin #0 (198.51.100.4:59806) logged in"), "other");
        assert_eq!(kinds("Player #0 Steve - BE GUID: abc"), "other");
    }
}
