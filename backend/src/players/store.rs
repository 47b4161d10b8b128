//! Writing player rows: identities, names, sessions (one per visit) and the run-length-encoded
//! live state. A poll is reconciled in one transaction, so a roster is never half-recorded.
//! What the API reads is in `queries`.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

use super::model::{LiveSummary, Player};
use crate::db::schema::{live_states, player_names, player_sessions, players};
use crate::db::{to_utc, Db, WriteTransaction};
use crate::error::{ApiError, ApiResult};
use crate::games::roster::{IdentityKind, Roster, RosterEntry};
use crate::ids::{PlayerId, ServerId};
use crate::with_conn;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = players)]
pub struct PlayerRow {
    pub id: PlayerId,
    pub kind: IdentityKind,
    pub identity: String,
    pub name: String,
    pub steam_name: Option<String>,
    pub avatar_url: Option<String>,
    pub profile_url: Option<String>,
    pub steam_checked_at: Option<NaiveDateTime>,
    pub first_seen: NaiveDateTime,
    pub last_seen: NaiveDateTime,
}

impl PlayerRow {
    pub fn into_api(self, online_on: Vec<ServerId>, banned: bool) -> Player {
        Player {
            kind: self.kind,
            id: self.id,
            identity: self.identity,
            name: self.name,
            steam_name: self.steam_name,
            avatar_url: self.avatar_url,
            profile_url: self.profile_url,
            first_seen: to_utc(self.first_seen),
            last_seen: to_utc(self.last_seen),
            online_on,
            banned,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = player_sessions)]
pub struct SessionRow {
    pub id: i64,
    pub server_id: ServerId,
    pub player_id: PlayerId,
    pub name: String,
    pub ip: Option<String>,
    pub joined_at: NaiveDateTime,
    pub left_at: Option<NaiveDateTime>,
    pub ping_min: Option<i32>,
    pub ping_max: Option<i32>,
}

/// A player on the server after a poll, with its open session.
#[derive(Debug, Clone)]
pub struct Present {
    pub player: PlayerRow,
    pub session_id: i64,
    pub joined_at: NaiveDateTime,
    pub entry: RosterEntry,
    /// The session was opened by this poll.
    pub joined: bool,
}

/// (id, players, max_players, bots, map, hibernating) of the newest live-state row.
type LiveRow = (i64, i32, Option<i32>, i32, Option<String>, bool);

#[derive(Debug, Default)]
pub struct Reconciled {
    pub present: Vec<Present>,
    /// (player id, name) of sessions this poll closed.
    pub left: Vec<(PlayerId, String)>,
}

fn min_opt(a: Option<i32>, b: Option<i32>) -> Option<i32> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn max_opt(a: Option<i32>, b: Option<i32>) -> Option<i32> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// When a player seen at `at` joined: earlier by the time the game says they have been
/// connected (Source `status`), so a player who was on before the first poll (a panel restart, a
/// reattach, a slow RCON link) keeps the real start of their visit.
fn joined_at(entry: &RosterEntry, at: NaiveDateTime) -> NaiveDateTime {
    entry
        .connected
        .and_then(|d| TimeDelta::from_std(d).ok())
        .and_then(|d| at.checked_sub_signed(d))
        .unwrap_or(at)
}

/// Records one roster: players and names upserted, sessions opened for newcomers (from when the
/// game says they joined) and closed for those gone, pings folded into min/max, and the live
/// state extended or a new row begun.
pub async fn reconcile(
    db: &Db,
    server: ServerId,
    kind: IdentityKind,
    roster: Roster,
    at: NaiveDateTime,
) -> ApiResult<Reconciled> {
    let mut entries: Vec<RosterEntry> = Vec::new();
    for entry in roster.players.iter() {
        if !entries.iter().any(|e| e.identity == entry.identity) {
            entries.push(entry.clone());
        }
    }
    let summary = LiveSummary {
        players: entries.len() as i32,
        max_players: roster.max_players,
        bots: roster.bots,
        map: roster.map.clone(),
        hibernating: roster.hibernating,
    };
    db.run(move |pool| {
        with_conn!(pool, |c| c.write_transaction(|c| {
            let open: Vec<SessionRow> = player_sessions::table
                .filter(player_sessions::server_id.eq(server))
                .filter(player_sessions::left_at.is_null())
                .select(SessionRow::as_select())
                .load(c)?;
            let mut result = Reconciled::default();
            let mut kept = Vec::new();
            for entry in entries {
                let started = joined_at(&entry, at);
                let existing: Option<PlayerRow> = players::table
                    .filter(players::kind.eq(kind))
                    .filter(players::identity.eq(&entry.identity))
                    .select(PlayerRow::as_select())
                    .first(c)
                    .optional()?;
                let player: PlayerRow = match existing {
                    Some(p) => diesel::update(players::table.find(p.id))
                        .set((players::name.eq(&entry.name), players::last_seen.eq(at)))
                        .returning(PlayerRow::as_returning())
                        .get_result(c)?,
                    None => diesel::insert_into(players::table)
                        .values((
                            players::kind.eq(kind),
                            players::identity.eq(&entry.identity),
                            players::name.eq(&entry.name),
                            players::first_seen.eq(started),
                            players::last_seen.eq(at),
                        ))
                        .returning(PlayerRow::as_returning())
                        .get_result(c)?,
                };
                let renamed = diesel::update(
                    player_names::table
                        .filter(player_names::player_id.eq(player.id))
                        .filter(player_names::name.eq(&entry.name)),
                )
                .set(player_names::last_seen.eq(at))
                .execute(c)?;
                if renamed == 0 {
                    diesel::insert_into(player_names::table)
                        .values((
                            player_names::player_id.eq(player.id),
                            player_names::name.eq(&entry.name),
                            player_names::first_seen.eq(started),
                            player_names::last_seen.eq(at),
                        ))
                        .execute(c)?;
                }
                let (session_id, joined_at, joined) = match open.iter().find(|s| s.player_id == player.id) {
                    Some(s) => {
                        diesel::update(player_sessions::table.find(s.id))
                            .set((
                                player_sessions::ping_min.eq(min_opt(s.ping_min, entry.ping)),
                                player_sessions::ping_max.eq(max_opt(s.ping_max, entry.ping)),
                            ))
                            .execute(c)?;
                        kept.push(s.id);
                        (s.id, s.joined_at, false)
                    }
                    None => {
                        let id: i64 = diesel::insert_into(player_sessions::table)
                            .values((
                                player_sessions::server_id.eq(server),
                                player_sessions::player_id.eq(player.id),
                                player_sessions::name.eq(&entry.name),
                                player_sessions::ip.eq(&entry.ip),
                                player_sessions::joined_at.eq(started),
                                player_sessions::ping_min.eq(entry.ping),
                                player_sessions::ping_max.eq(entry.ping),
                            ))
                            .returning(player_sessions::id)
                            .get_result(c)?;
                        (id, started, true)
                    }
                };
                result.present.push(Present {
                    player,
                    session_id,
                    joined_at,
                    entry,
                    joined,
                });
            }
            for gone in open.iter().filter(|s| !kept.contains(&s.id)) {
                diesel::update(player_sessions::table.find(gone.id))
                    .set(player_sessions::left_at.eq(at))
                    .execute(c)?;
                result.left.push((gone.player_id, gone.name.clone()));
            }
            let last: Option<LiveRow> = live_states::table
                .filter(live_states::server_id.eq(server))
                .order(live_states::id.desc())
                .select((
                    live_states::id,
                    live_states::players,
                    live_states::max_players,
                    live_states::bots,
                    live_states::map,
                    live_states::hibernating,
                ))
                .first(c)
                .optional()?;
            let unchanged = last
                .as_ref()
                .and_then(|(id, players, max_players, bots, map, hibernating)| {
                    let seen = LiveSummary {
                        players: *players,
                        max_players: *max_players,
                        bots: *bots,
                        map: map.clone(),
                        hibernating: *hibernating,
                    };
                    (seen == summary).then_some(*id)
                });
            match unchanged {
                Some(id) => {
                    diesel::update(live_states::table.find(id))
                        .set(live_states::last_seen.eq(at))
                        .execute(c)?;
                }
                None => {
                    diesel::insert_into(live_states::table)
                        .values((
                            live_states::server_id.eq(server),
                            live_states::players.eq(summary.players),
                            live_states::max_players.eq(summary.max_players),
                            live_states::bots.eq(summary.bots),
                            live_states::map.eq(&summary.map),
                            live_states::hibernating.eq(summary.hibernating),
                            live_states::first_seen.eq(at),
                            live_states::last_seen.eq(at),
                        ))
                        .execute(c)?;
                }
            }
            Ok::<_, ApiError>(result)
        }))
    })
    .await
}

/// Ends every open session of a server (it stopped, or its RCON stayed unreachable).
pub async fn close_open_sessions(db: &Db, server: ServerId, at: NaiveDateTime) -> ApiResult<usize> {
    db.run(move |pool| {
        with_conn!(pool, |c| diesel::update(
            player_sessions::table
                .filter(player_sessions::server_id.eq(server))
                .filter(player_sessions::left_at.is_null())
        )
        .set(player_sessions::left_at.eq(at))
        .execute(c)
        .map_err(ApiError::from))
    })
    .await
}

pub fn player_not_found(id: PlayerId) -> ApiError {
    ApiError::NotFound(format!("player {id} does not exist"))
}

pub async fn player_row(db: &Db, id: PlayerId) -> ApiResult<PlayerRow> {
    db.run(move |pool| {
        with_conn!(pool, |c| players::table
            .find(id)
            .select(PlayerRow::as_select())
            .first(c)
            .optional()?
            .ok_or_else(|| player_not_found(id)))
    })
    .await
}

/// Which of these players are on a server now, and which have an active ban.
/// Deletes closed sessions and live-state rows older than the cut-offs; returns how many.
pub async fn prune(db: &Db, sessions_before: NaiveDateTime, live_before: NaiveDateTime) -> ApiResult<(usize, usize)> {
    db.run(move |pool| {
        with_conn!(pool, |c| c.write_transaction(|c| {
            let s = diesel::delete(
                player_sessions::table
                    .filter(player_sessions::left_at.is_not_null())
                    .filter(player_sessions::left_at.lt(sessions_before)),
            )
            .execute(c)?;
            let l = diesel::delete(live_states::table.filter(live_states::last_seen.lt(live_before))).execute(c)?;
            Ok::<_, ApiError>((s, l))
        }))
    })
    .await
}
