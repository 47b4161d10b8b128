//! Ban rows and where each was written into a game's own ban list (`ban_enforcements`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::Ban;
use crate::db::schema::{ban_enforcements, bans, players, servers};
use crate::db::text::{contains_pattern, lower};
use crate::db::{now, to_utc, Db, WriteTransaction};
use crate::error::{ApiError, ApiResult, ErrorKind};
use crate::games::roster::IdentityKind;
use crate::http::page::PageRequest;
use crate::ids::{BanId, PlayerId, ServerId};
use crate::with_conn;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = bans)]
pub struct BanRow {
    pub id: BanId,
    pub player_id: PlayerId,
    pub server_id: Option<ServerId>,
    pub reason: String,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub expires_at: Option<NaiveDateTime>,
    pub lifted_at: Option<NaiveDateTime>,
    pub lifted_by: Option<String>,
}

impl BanRow {
    pub fn is_active(&self, at: NaiveDateTime) -> bool {
        self.lifted_at.is_none() && self.expires_at.is_none_or(|e| e > at)
    }

    /// Whole minutes left, rounded up; `None` for a permanent ban.
    pub fn minutes_left(&self, at: NaiveDateTime) -> Option<u32> {
        self.expires_at
            .map(|e| ((e - at).num_seconds().max(60) + 59) / 60)
            .map(|m| u32::try_from(m).unwrap_or(u32::MAX))
    }
}

pub fn ban_not_found(id: BanId) -> ApiError {
    ApiError::NotFound(format!("ban {id} does not exist"))
}

type BanJoined = (BanRow, (IdentityKind, String, String), Option<String>);

fn to_api((row, (kind, identity, name), server_name): BanJoined, at: NaiveDateTime) -> ApiResult<Ban> {
    Ok(Ban {
        active: row.is_active(at),
        id: row.id,
        player_id: row.player_id,
        player_name: name,
        kind,
        identity,
        server_id: row.server_id,
        server_name,
        global: row.server_id.is_none(),
        reason: row.reason,
        created_by: row.created_by,
        created_at: to_utc(row.created_at),
        expires_at: row.expires_at.map(to_utc),
        lifted_at: row.lifted_at.map(to_utc),
        lifted_by: row.lifted_by,
    })
}

pub struct NewBan {
    pub player_id: PlayerId,
    pub server_id: Option<ServerId>,
    pub reason: String,
    pub created_by: String,
    pub expires_at: Option<NaiveDateTime>,
}

pub async fn create(db: &Db, ban: NewBan) -> ApiResult<BanRow> {
    db.run(move |pool| {
        with_conn!(pool, |c| diesel::insert_into(bans::table)
            .values((
                bans::player_id.eq(ban.player_id),
                bans::server_id.eq(ban.server_id),
                bans::reason.eq(&ban.reason),
                bans::created_by.eq(&ban.created_by),
                bans::created_at.eq(now()),
                bans::expires_at.eq(ban.expires_at),
            ))
            .returning(BanRow::as_returning())
            .get_result(c)
            .map_err(ApiError::from))
    })
    .await
}

pub struct BanFilter {
    pub active: Option<bool>,
    pub server_id: Option<ServerId>,
    pub player_id: Option<PlayerId>,
    pub search: Option<String>,
}

/// Newest first.
pub async fn list(db: &Db, filter: BanFilter, page: PageRequest) -> ApiResult<(Vec<Ban>, i64)> {
    let at = now();
    let (rows, total) = db
        .run(move |pool| {
            with_conn!(pool, |c| {
                macro_rules! filtered {
                    ($query:expr) => {{
                        let mut q = $query.into_boxed();
                        match filter.active {
                            Some(true) => {
                                q = q
                                    .filter(bans::lifted_at.is_null())
                                    .filter(bans::expires_at.is_null().or(bans::expires_at.gt(at)))
                            }
                            Some(false) => q = q.filter(bans::lifted_at.is_not_null().or(bans::expires_at.le(at))),
                            None => {}
                        }
                        if let Some(s) = filter.server_id {
                            q = q.filter(bans::server_id.eq(s).or(bans::server_id.is_null()));
                        }
                        if let Some(p) = filter.player_id {
                            q = q.filter(bans::player_id.eq(p));
                        }
                        if let Some(s) = &filter.search {
                            let pattern = contains_pattern(s);
                            q = q.filter(
                                lower(players::name.nullable())
                                    .like(pattern.clone())
                                    .escape('\\')
                                    .or(lower(players::identity.nullable())
                                        .like(pattern.clone())
                                        .escape('\\'))
                                    .or(lower(bans::reason.nullable()).like(pattern).escape('\\')),
                            );
                        }
                        q
                    }};
                }
                let total: i64 = filtered!(bans::table.inner_join(players::table).left_join(servers::table).count())
                    .get_result(c)?;
                let rows: Vec<BanJoined> = filtered!(bans::table
                    .inner_join(players::table)
                    .left_join(servers::table)
                    .select((
                        BanRow::as_select(),
                        (players::kind, players::identity, players::name),
                        servers::name.nullable(),
                    )))
                .order(bans::id.desc())
                .limit(page.per_page)
                .offset(page.offset())
                .load(c)?;
                Ok::<_, ApiError>((rows, total))
            })
        })
        .await?;
    let bans = rows.into_iter().map(|r| to_api(r, at)).collect::<ApiResult<_>>()?;
    Ok((bans, total))
}

pub async fn get(db: &Db, id: BanId) -> ApiResult<Ban> {
    let at = now();
    let row = db
        .run(move |pool| {
            with_conn!(pool, |c| bans::table
                .inner_join(players::table)
                .left_join(servers::table)
                .filter(bans::id.eq(id))
                .select((
                    BanRow::as_select(),
                    (players::kind, players::identity, players::name),
                    servers::name.nullable(),
                ))
                .first::<BanJoined>(c)
                .optional()?
                .ok_or_else(|| ban_not_found(id)))
        })
        .await?;
    to_api(row, at)
}

/// Marks a ban lifted and every game list holding it as due for removal; returns the ban.
/// 409 when it was already lifted.
pub async fn lift(db: &Db, id: BanId, by: String) -> ApiResult<BanRow> {
    db.run(move |pool| {
        with_conn!(pool, |c| c.write_transaction(|c| {
            let row: BanRow = bans::table
                .find(id)
                .select(BanRow::as_select())
                .first(c)
                .optional()?
                .ok_or_else(|| ban_not_found(id))?;
            if row.lifted_at.is_some() {
                return Err(ApiError::conflict(
                    ErrorKind::BanLifted,
                    format!("ban {id} was already lifted"),
                ));
            }
            let row = diesel::update(bans::table.find(id))
                .set((bans::lifted_at.eq(now()), bans::lifted_by.eq(&by)))
                .returning(BanRow::as_returning())
                .get_result(c)?;
            diesel::update(ban_enforcements::table.filter(ban_enforcements::ban_id.eq(id)))
                .set(ban_enforcements::lift_pending.eq(true))
                .execute(c)?;
            Ok(row)
        }))
    })
    .await
}

/// Bans that ran out and are not yet lifted.
pub async fn expired_unlifted(db: &Db) -> ApiResult<Vec<BanId>> {
    let at = now();
    db.run(move |pool| {
        with_conn!(pool, |c| bans::table
            .filter(bans::lifted_at.is_null())
            .filter(bans::expires_at.le(at))
            .select(bans::id)
            .load(c)
            .map_err(ApiError::from))
    })
    .await
}

/// Active bans of a player that apply on a server (its own and global ones).
pub async fn active_for(db: &Db, player: PlayerId, server: ServerId) -> ApiResult<Vec<BanRow>> {
    let at = now();
    db.run(move |pool| {
        with_conn!(pool, |c| bans::table
            .filter(bans::player_id.eq(player))
            .filter(bans::server_id.eq(server).or(bans::server_id.is_null()))
            .filter(bans::lifted_at.is_null())
            .filter(bans::expires_at.is_null().or(bans::expires_at.gt(at)))
            .select(BanRow::as_select())
            .load(c)
            .map_err(ApiError::from))
    })
    .await
}

/// The game's own list on `server` now holds `ban`.
pub async fn record_enforcement(db: &Db, ban: BanId, server: ServerId) -> ApiResult<()> {
    db.run(move |pool| {
        with_conn!(pool, |c| c.write_transaction(|c| {
            let updated = diesel::update(
                ban_enforcements::table
                    .filter(ban_enforcements::ban_id.eq(ban))
                    .filter(ban_enforcements::server_id.eq(server)),
            )
            .set((
                ban_enforcements::applied_at.eq(now()),
                ban_enforcements::lift_pending.eq(false),
            ))
            .execute(c)?;
            if updated == 0 {
                diesel::insert_into(ban_enforcements::table)
                    .values((
                        ban_enforcements::ban_id.eq(ban),
                        ban_enforcements::server_id.eq(server),
                        ban_enforcements::applied_at.eq(now()),
                        ban_enforcements::lift_pending.eq(false),
                    ))
                    .execute(c)?;
            }
            Ok::<_, ApiError>(())
        }))
    })
    .await
}

/// A ban to remove from one server's own list: (enforcement id, kind, identity, player name).
pub struct PendingLift {
    pub enforcement: i64,
    pub kind: IdentityKind,
    pub identity: String,
    pub name: String,
}

pub async fn pending_lifts(db: &Db, server: ServerId) -> ApiResult<Vec<PendingLift>> {
    let rows: Vec<(i64, IdentityKind, String, String)> = db
        .run(move |pool| {
            with_conn!(pool, |c| ban_enforcements::table
                .inner_join(bans::table.inner_join(players::table))
                .filter(ban_enforcements::server_id.eq(server))
                .filter(ban_enforcements::lift_pending.eq(true))
                .select((ban_enforcements::id, players::kind, players::identity, players::name))
                .load(c)
                .map_err(ApiError::from))
        })
        .await?;
    Ok(rows
        .into_iter()
        .map(|(enforcement, kind, identity, name)| PendingLift {
            enforcement,
            kind,
            identity,
            name,
        })
        .collect())
}

pub async fn lifted(db: &Db, enforcement: i64) -> ApiResult<()> {
    db.run(move |pool| {
        with_conn!(pool, |c| diesel::delete(ban_enforcements::table.find(enforcement))
            .execute(c)
            .map(|_| ())
            .map_err(ApiError::from))
    })
    .await
}
