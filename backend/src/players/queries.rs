//! What the API reads about players: pages of players with their bans and servers, a
//! player's names and sessions, and a server's live-state history.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::{LiveState, Player, PlayerName, Session};
use super::store::{player_not_found, player_row, PlayerRow, SessionRow};
use crate::db::schema::{bans, live_states, player_names, player_sessions, players, servers};
use crate::db::text::{contains_pattern, lower};
use crate::db::{now, to_utc, Db};
use crate::error::{ApiError, ApiResult};
use crate::http::page::PageRequest;
use crate::ids::{PlayerId, ServerId};
use crate::with_conn;

fn session_api((row, server_name): (SessionRow, String), show_ip: bool) -> Session {
    Session {
        id: row.id,
        server_id: row.server_id,
        server_name,
        player_id: row.player_id,
        name: row.name,
        ip: row.ip.filter(|_| show_ip),
        joined_at: to_utc(row.joined_at),
        left_at: row.left_at.map(to_utc),
        ping_min: row.ping_min,
        ping_max: row.ping_max,
    }
}

async fn decorate(db: &Db, rows: Vec<PlayerRow>) -> ApiResult<Vec<Player>> {
    let ids: Vec<PlayerId> = rows.iter().map(|r| r.id).collect();
    let (online, banned) = db
        .run(move |pool| {
            with_conn!(pool, |c| {
                let online: Vec<(PlayerId, ServerId)> = player_sessions::table
                    .filter(player_sessions::player_id.eq_any(&ids))
                    .filter(player_sessions::left_at.is_null())
                    .select((player_sessions::player_id, player_sessions::server_id))
                    .load(c)?;
                let t = now();
                let banned: Vec<PlayerId> = bans::table
                    .filter(bans::player_id.eq_any(&ids))
                    .filter(bans::lifted_at.is_null())
                    .filter(bans::expires_at.is_null().or(bans::expires_at.gt(t)))
                    .select(bans::player_id)
                    .load(c)?;
                Ok::<_, ApiError>((online, banned))
            })
        })
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let mut on: Vec<ServerId> = online.iter().filter(|(p, _)| *p == row.id).map(|(_, s)| *s).collect();
            on.sort_unstable();
            on.dedup();
            let is_banned = banned.contains(&row.id);
            row.into_api(on, is_banned)
        })
        .collect())
}

/// Everyone ever seen, most recently seen first; `search` matches any name used (also the
/// Steam persona) or the identity.
pub async fn players_page(db: &Db, search: Option<String>, page: PageRequest) -> ApiResult<(Vec<Player>, i64)> {
    let (rows, total) = db
        .run(move |pool| {
            with_conn!(pool, |c| {
                macro_rules! filtered {
                    ($query:expr) => {{
                        let mut q = $query.into_boxed();
                        if let Some(s) = &search {
                            let pattern = contains_pattern(s);
                            let by_name = player_names::table
                                .filter(
                                    lower(player_names::name.nullable())
                                        .like(pattern.clone())
                                        .escape('\\'),
                                )
                                .select(player_names::player_id);
                            q = q.filter(
                                players::id
                                    .eq_any(by_name)
                                    .or(lower(players::identity.nullable())
                                        .like(pattern.clone())
                                        .escape('\\'))
                                    .or(lower(players::steam_name).like(pattern).escape('\\')),
                            );
                        }
                        q
                    }};
                }
                let total: i64 = filtered!(players::table.count()).get_result(c)?;
                let rows: Vec<PlayerRow> = filtered!(players::table.select(PlayerRow::as_select()))
                    .order((players::last_seen.desc(), players::id.desc()))
                    .limit(page.per_page)
                    .offset(page.offset())
                    .load(c)?;
                Ok::<_, ApiError>((rows, total))
            })
        })
        .await?;
    Ok((decorate(db, rows).await?, total))
}

pub async fn player(db: &Db, id: PlayerId) -> ApiResult<Player> {
    let row = player_row(db, id).await?;
    decorate(db, vec![row]).await?.pop().ok_or_else(|| player_not_found(id))
}

pub async fn names(db: &Db, player: PlayerId) -> ApiResult<Vec<PlayerName>> {
    db.run(move |pool| {
        with_conn!(pool, |c| player_names::table
            .filter(player_names::player_id.eq(player))
            .order(player_names::last_seen.desc())
            .select((player_names::name, player_names::first_seen, player_names::last_seen))
            .load::<(String, NaiveDateTime, NaiveDateTime)>(c)
            .map_err(ApiError::from))
    })
    .await
    .map(|rows| {
        rows.into_iter()
            .map(|(name, first, last)| PlayerName {
                name,
                first_seen: to_utc(first),
                last_seen: to_utc(last),
            })
            .collect()
    })
}

/// Sessions, newest first, of one server or one player.
pub async fn sessions(
    db: &Db,
    server: Option<ServerId>,
    player: Option<PlayerId>,
    page: PageRequest,
    show_ip: bool,
) -> ApiResult<(Vec<Session>, i64)> {
    let (rows, total) = db
        .run(move |pool| {
            with_conn!(pool, |c| {
                macro_rules! filtered {
                    ($query:expr) => {{
                        let mut q = $query.into_boxed();
                        if let Some(s) = server {
                            q = q.filter(player_sessions::server_id.eq(s));
                        }
                        if let Some(p) = player {
                            q = q.filter(player_sessions::player_id.eq(p));
                        }
                        q
                    }};
                }
                let total: i64 = filtered!(player_sessions::table.inner_join(servers::table).count()).get_result(c)?;
                let rows: Vec<(SessionRow, String)> = filtered!(player_sessions::table
                    .inner_join(servers::table)
                    .select((SessionRow::as_select(), servers::name)))
                .order((player_sessions::joined_at.desc(), player_sessions::id.desc()))
                .limit(page.per_page)
                .offset(page.offset())
                .load(c)?;
                Ok::<_, ApiError>((rows, total))
            })
        })
        .await?;
    Ok((rows.into_iter().map(|r| session_api(r, show_ip)).collect(), total))
}

/// Live-state rows overlapping `[from, to]`, oldest first (at most 10 000).
pub async fn live_states(
    db: &Db,
    server: ServerId,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> ApiResult<Vec<LiveState>> {
    db.run(move |pool| {
        with_conn!(pool, |c| live_states::table
            .filter(live_states::server_id.eq(server))
            .filter(live_states::last_seen.ge(from))
            .filter(live_states::first_seen.le(to))
            .order(live_states::first_seen.asc())
            .limit(10_000)
            .select((
                live_states::players,
                live_states::max_players,
                live_states::bots,
                live_states::map,
                live_states::hibernating,
                live_states::first_seen,
                live_states::last_seen,
            ))
            .load::<(
                i32,
                Option<i32>,
                i32,
                Option<String>,
                bool,
                NaiveDateTime,
                NaiveDateTime
            )>(c)
            .map_err(ApiError::from))
    })
    .await
    .map(|rows| {
        rows.into_iter()
            .map(|(players, max_players, bots, map, hibernating, from, to)| LiveState {
                players,
                max_players,
                bots,
                map,
                hibernating,
                from: to_utc(from),
                to: to_utc(to),
            })
            .collect()
    })
}
