//! Languard's bans reach the games through their own mechanisms: written when a ban is made
//! (to every running server it applies to), again when a banned player joins, and removed when
//! the ban is lifted or expires (at once on running servers, else when their RCON comes up).

use std::time::Duration;

use futures_util::future::BoxFuture;

use super::store::{self, BanRow};
use crate::db::{now, Db};
use crate::error::ApiResult;
use crate::games::moderation::{self, Target};
use crate::games::roster::IdentityKind;
use crate::games::RconFlavour;
use crate::ids::{BanId, ServerId};
use crate::players::store::{PlayerRow, Present};
use crate::rcon::{Link, RconError};
use crate::runtime::{RosterHook, Runtime};
use crate::servers::event_actor::EventActor;
use crate::servers::store as servers_store;
use crate::supervisor::Supervisor;

/// The pollers' roster hook, registered in `app.rs`: bans reach a server's list when a banned
/// player joins it and, for lifted ones, when its RCON comes up.
pub struct Enforcer;

impl RosterHook for Enforcer {
    fn on_connected<'a>(
        &'a self,
        rt: &'a Runtime,
        server: ServerId,
        flavour: RconFlavour,
        link: &'a Link,
    ) -> BoxFuture<'a, ()> {
        // Bans lifted while this server was down reach its own ban list now.
        Box::pin(async move { catch_up(rt, server, &EventActor::system(), flavour, link).await })
    }

    fn on_joined<'a>(
        &'a self,
        rt: &'a Runtime,
        server: ServerId,
        flavour: RconFlavour,
        link: &'a Link,
        joined: &'a [Present],
    ) -> BoxFuture<'a, ()> {
        Box::pin(on_join(rt, server, flavour, link, joined))
    }
}

async fn run_all(link: &Link, commands: &[String]) -> Result<(), RconError> {
    for command in commands {
        link.command(command).await?;
    }
    Ok(())
}

async fn event(rt: &Runtime, server: ServerId, by: &EventActor, kind: &'static str, message: String) {
    if let Err(e) = servers_store::add_event(&rt.db, &rt.bus, server, by, kind, message, None).await {
        tracing::error!(server = %server, error = ?e, "could not record a ban event");
    }
}

fn describe(ban: &BanRow, name: &str) -> String {
    let length = match ban.minutes_left(now()) {
        Some(m) => format!("for {m} min"),
        None => "permanently".to_owned(),
    };
    let reason = if ban.reason.is_empty() {
        String::new()
    } else {
        format!(" ({})", ban.reason)
    };
    format!("banned {name} {length}{reason}")
}

/// Writes one ban into one server's list (kicking the player if online) and records it as
/// done by `by`.
async fn write_ban(
    rt: &Runtime,
    server: ServerId,
    by: &EventActor,
    flavour: RconFlavour,
    link: &Link,
    ban: &BanRow,
    target: &Target<'_>,
) {
    // The route refused text the game cannot take; a ban stored before that rule is reported.
    let commands = match moderation::ban(flavour, target, ban.minutes_left(now()), &ban.reason) {
        Ok(commands) => commands,
        Err(refused) => {
            let message = format!("could not write the ban of {} into the game: {refused}", target.name);
            return event(rt, server, by, "ban_failed", message).await;
        }
    };
    match run_all(link, &commands).await {
        Ok(()) => {
            if let Err(e) = store::record_enforcement(&rt.db, ban.id, server).await {
                tracing::error!(server = %server, error = ?e, "could not record a ban enforcement");
            }
            event(rt, server, by, "ban_applied", describe(ban, target.name)).await;
        }
        Err(e) => {
            event(
                rt,
                server,
                by,
                "ban_failed",
                format!("could not write the ban of {} into the game: {e}", target.name),
            )
            .await
        }
    }
}

/// Servers a ban applies to: its own, or every server whose game names players this way.
async fn targets(db: &Db, ban: &BanRow, kind: IdentityKind) -> ApiResult<Vec<(ServerId, RconFlavour)>> {
    let servers = servers_store::games(db).await?;
    Ok(servers
        .into_iter()
        .filter(|(id, _)| ban.server_id.is_none_or(|s| s == *id))
        .filter_map(|(id, game)| {
            let flavour = game.rcon_flavour()?;
            (IdentityKind::of(flavour) == kind).then_some((id, flavour))
        })
        .collect())
}

/// A new ban made by `by`: written into every running server it applies to. Stopped servers get
/// it when the player next joins one of them.
pub async fn apply(
    rt: &Runtime,
    supervisor: &Supervisor,
    by: &EventActor,
    ban: &BanRow,
    player: &PlayerRow,
) -> ApiResult<()> {
    for (server, flavour) in targets(&rt.db, ban, player.kind).await? {
        let Some(link) = supervisor.link(server).await? else {
            continue;
        };
        let slot = rt
            .board
            .get(server)
            .and_then(|view| view.players.into_iter().find(|p| p.player_id == player.id))
            .and_then(|p| p.slot);
        let target = Target {
            kind: player.kind,
            identity: &player.identity,
            name: &player.name,
            slot,
        };
        write_ban(rt, server, by, flavour, &link, ban, &target).await;
    }
    Ok(())
}

/// Newcomers with an active ban for this server are banned again through the game.
async fn on_join(rt: &Runtime, server: ServerId, flavour: RconFlavour, link: &Link, joined: &[Present]) {
    for present in joined {
        let bans = match store::active_for(&rt.db, present.player.id, server).await {
            Ok(b) => b,
            Err(e) => {
                tracing::error!(server = %server, error = ?e, "could not read bans");
                continue;
            }
        };
        // The longest-running ban speaks for all: permanent first, then the latest expiry.
        let Some(ban) = bans
            .into_iter()
            .max_by_key(|b| b.expires_at.map_or(i64::MAX, |e| e.and_utc().timestamp()))
        else {
            continue;
        };
        let target = Target {
            kind: present.player.kind,
            identity: &present.entry.identity,
            name: &present.entry.name,
            slot: present.entry.slot,
        };
        write_ban(rt, server, &EventActor::system(), flavour, link, &ban, &target).await;
    }
}

/// Removes lifted bans from one running server's own list, as done by `by` (the user who lifted
/// a ban, or Languard catching up when the server's RCON comes up or a ban expires).
pub async fn catch_up(rt: &Runtime, server: ServerId, by: &EventActor, flavour: RconFlavour, link: &Link) {
    let pending = match store::pending_lifts(&rt.db, server).await {
        Ok(p) => p,
        Err(e) => {
            tracing::error!(server = %server, error = ?e, "could not read pending unbans");
            return;
        }
    };
    for lift in pending {
        let target = Target {
            kind: lift.kind,
            identity: &lift.identity,
            name: &lift.name,
            slot: None,
        };
        let listing = if flavour == RconFlavour::Battleye {
            match link.command("bans").await {
                Ok(text) => Some(text),
                Err(_) => return,
            }
        } else {
            None
        };
        let commands = match moderation::unban(flavour, &target, listing.as_deref()) {
            Ok(commands) => commands,
            Err(refused) => {
                event(
                    rt,
                    server,
                    by,
                    "ban_failed",
                    format!("could not unban {}: {refused}", lift.name),
                )
                .await;
                continue;
            }
        };
        match run_all(link, &commands).await {
            Ok(()) => {
                if let Err(e) = store::lifted(&rt.db, lift.enforcement).await {
                    tracing::error!(server = %server, error = ?e, "could not record an unban");
                }
                event(rt, server, by, "ban_lifted", format!("unbanned {}", lift.name)).await;
            }
            Err(e) => {
                event(
                    rt,
                    server,
                    by,
                    "ban_failed",
                    format!("could not unban {}: {e}", lift.name),
                )
                .await;
                return;
            }
        }
    }
}

/// Lifts a ban in Languard and in every running game that holds it; `actor` is who lifted it
/// (`by` is the name stored on the ban).
pub async fn lift(
    rt: &Runtime,
    supervisor: &Supervisor,
    actor: &EventActor,
    ban_id: BanId,
    by: String,
) -> ApiResult<BanRow> {
    let ban = store::lift(&rt.db, ban_id, by).await?;
    let player = crate::players::store::player_row(&rt.db, ban.player_id).await?;
    for (server, flavour) in targets(&rt.db, &ban, player.kind).await? {
        if let Some(link) = supervisor.link(server).await? {
            catch_up(rt, server, actor, flavour, &link).await;
        }
    }
    Ok(ban)
}

/// Every poll interval: bans that ran out are lifted like any other (Minecraft's have no
/// duration of their own, and Languard's list must say they ended).
pub async fn expire_forever(rt: Runtime, supervisor: Supervisor) {
    let mut tick = tokio::time::interval(rt.poll_interval.max(Duration::from_secs(1)));
    loop {
        tick.tick().await;
        let ids = match store::expired_unlifted(&rt.db).await {
            Ok(ids) => ids,
            Err(e) => {
                tracing::error!(error = ?e, "could not read expired bans");
                continue;
            }
        };
        for id in ids {
            if let Err(e) = lift(&rt, &supervisor, &EventActor::system(), id, "expiry".to_owned()).await {
                tracing::error!(ban = %id, error = ?e, "could not lift an expired ban");
            }
        }
    }
}
