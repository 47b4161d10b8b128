//! Steam profiles for SteamID64 players (persona name, avatar, profile link) through the Steam
//! Web API's GetPlayerSummaries: at most 100 ids a call, each id asked at most once a day.
//! Without a key nothing is fetched and in-game names are used.

use std::time::Duration;

use diesel::prelude::*;
use serde::Deserialize;

use crate::db::schema::players;
use crate::db::{now, Db};
use crate::error::{ApiError, ApiResult};
use crate::games::roster::IdentityKind;
use crate::runtime::Runtime;
use crate::with_conn;

const BATCH: i64 = 100;

#[derive(Clone)]
pub struct SteamApi {
    pub key: String,
    /// `https://api.steampowered.com` unless configured (tests use a local stand-in).
    pub base_url: String,
}

#[derive(Deserialize)]
struct Summaries {
    response: SummariesResponse,
}

#[derive(Deserialize)]
struct SummariesResponse {
    #[serde(default)]
    players: Vec<Summary>,
}

#[derive(Deserialize)]
struct Summary {
    steamid: String,
    personaname: Option<String>,
    avatarmedium: Option<String>,
    profileurl: Option<String>,
}

/// Steam players never looked up, or last looked up more than a day ago.
async fn due(db: &Db) -> ApiResult<Vec<String>> {
    let stale = now() - chrono::Duration::hours(24);
    db.run(move |pool| {
        with_conn!(pool, |c| players::table
            .filter(players::kind.eq(IdentityKind::Steam))
            .filter(
                players::steam_checked_at
                    .is_null()
                    .or(players::steam_checked_at.lt(stale)),
            )
            .order(players::last_seen.desc())
            .limit(BATCH)
            .select(players::identity)
            .load(c)
            .map_err(ApiError::from))
    })
    .await
}

async fn store(db: &Db, asked: Vec<String>, found: Vec<Summary>) -> ApiResult<()> {
    db.run(move |pool| {
        with_conn!(pool, |c| {
            let at = now();
            for id in &asked {
                // Unknown ids are marked too, so a private or bogus id is not asked every minute.
                let summary = found.iter().find(|s| &s.steamid == id);
                let target = players::table
                    .filter(players::kind.eq(IdentityKind::Steam))
                    .filter(players::identity.eq(id));
                match summary {
                    Some(s) => diesel::update(target)
                        .set((
                            players::steam_name.eq(&s.personaname),
                            players::avatar_url.eq(&s.avatarmedium),
                            players::profile_url.eq(&s.profileurl),
                            players::steam_checked_at.eq(at),
                        ))
                        .execute(c)?,
                    None => diesel::update(target)
                        .set(players::steam_checked_at.eq(at))
                        .execute(c)?,
                };
            }
            Ok::<_, ApiError>(())
        })
    })
    .await
}

async fn fetch(client: &reqwest::Client, api: &SteamApi, ids: &[String]) -> Result<Vec<Summary>, String> {
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("key", &api.key)
        .append_pair("steamids", &ids.join(","))
        .finish();
    let url = format!(
        "{}/ISteamUser/GetPlayerSummaries/v0002/?{query}",
        api.base_url.trim_end_matches('/')
    );
    let response = client
        .get(url)
        .send()
        .await
        // The URL holds the key: never let it reach the log.
        .map_err(|e| e.without_url().to_string())?;
    if !response.status().is_success() {
        return Err(format!("Steam answered {}", response.status()));
    }
    let body: Summaries = response.json().await.map_err(|e| e.without_url().to_string())?;
    Ok(body.response.players)
}

/// Looks up new Steam players every poll interval, forever.
pub async fn enrich_forever(rt: Runtime, api: SteamApi) {
    let client = match reqwest::Client::builder().timeout(Duration::from_secs(10)).build() {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "cannot build the HTTP client for Steam; profiles stay unknown");
            return;
        }
    };
    let mut tick = tokio::time::interval(rt.poll_interval.max(Duration::from_secs(1)));
    loop {
        tick.tick().await;
        let ids = match due(&rt.db).await {
            Ok(ids) if !ids.is_empty() => ids,
            Ok(_) => continue,
            Err(e) => {
                tracing::error!(error = ?e, "could not read players due for a Steam lookup");
                continue;
            }
        };
        match fetch(&client, &api, &ids).await {
            Ok(found) => {
                if let Err(e) = store(&rt.db, ids, found).await {
                    tracing::error!(error = ?e, "could not store Steam profiles");
                }
            }
            Err(e) => tracing::warn!(error = %e, "Steam profile lookup failed; retrying later"),
        }
    }
}

/// Hourly: closed sessions and live-state rows past their retention are deleted.
pub async fn prune_forever(rt: Runtime, sessions_days: i64, live_state_days: i64) {
    let mut tick = tokio::time::interval(Duration::from_secs(3600));
    loop {
        tick.tick().await;
        let at = now();
        let result = super::store::prune(
            &rt.db,
            at - chrono::Duration::days(sessions_days),
            at - chrono::Duration::days(live_state_days),
        )
        .await;
        match result {
            Ok((sessions, states)) if sessions + states > 0 => {
                tracing::info!(sessions, states, "pruned old player sessions and live-state rows")
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = ?e, "pruning player history failed"),
        }
    }
}
