//! When a session starts: a player who was already connected before Languard first saw them
//! (the panel started, or the server was reattached) has the session start the game reports,
//! not the time of the first poll. Source's `status` prints how long each player has been on.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::harness::{fake_executable, free_port_block, Backend, Options, TestApp};
use crate::sim::{control, create, power, wait_status};
use crate::wait::eventually;

const WAIT: Duration = Duration::from_secs(15);
/// How long the veteran has been on when the panel first sees them (1:02:05 in `status`).
const CONNECTED_FOR: i64 = 3725;

fn time(value: &Value) -> DateTime<Utc> {
    value
        .as_str()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .unwrap_or_else(|| panic!("not a date-time: {value}"))
        .with_timezone(&Utc)
}

fn session<'a>(sessions: &'a Value, name: &str) -> &'a Value {
    sessions["items"]
        .as_array()
        .and_then(|a| a.iter().find(|s| s["name"] == name))
        .unwrap_or_else(|| panic!("no session of {name} in {sessions}"))
}

/// The veteran's session (and first sighting) starts `connected` before the poll that saw them;
/// a newcomer's starts at about the time they joined.
async fn session_start_is_backfilled_from_status(backend: Backend) {
    let env = vec![("LANGUARD_PLAYERS_POLL_INTERVAL".to_owned(), "1".to_owned())];
    let app = TestApp::spawn_with(backend, Options { env }).await;
    let admin = app.admin_token().await;
    let bin_dir = app.data_dir.path().join("games");
    let server = create(
        &app,
        &admin,
        json!({"name": "l4d2", "game": "source", "executable": fake_executable(&bin_dir, "srcds_run"),
               "game_port": free_port_block(1), "config": {"game": "left4dead2", "map": "c1m1_hotel"}}),
    )
    .await;
    let id = server["id"].as_i64().unwrap();
    assert_eq!(power(&app, &admin, id, "start").await.0, StatusCode::ACCEPTED);
    wait_status(&app, &admin, id, "running", WAIT).await;

    let before = Utc::now();
    control(
        &server,
        &format!("joined {CONNECTED_FOR} Veteran 76561198000000042\njoin Newcomer 76561198000000043"),
    );
    let sessions = eventually("both sessions open", WAIT, async || {
        let (_, sessions) = app.get(&format!("/servers/{id}/sessions"), &admin).await;
        if sessions["total"] == 2 {
            Ok(sessions)
        } else {
            Err(sessions)
        }
    })
    .await;
    let after = Utc::now();

    // The simulator joined the veteran CONNECTED_FOR seconds before the line ran, which was
    // between `before` and `after`; a minute either side covers the rounding to whole seconds.
    let slack = TimeDelta::seconds(60);
    let ago = TimeDelta::seconds(CONNECTED_FOR);
    let veteran = session(&sessions, "Veteran");
    let joined = time(&veteran["joined_at"]);
    assert!(
        joined >= before - ago - slack && joined <= after - ago + slack,
        "the veteran's session should start about {CONNECTED_FOR} s before {before}: {veteran}"
    );
    let newcomer = time(&session(&sessions, "Newcomer")["joined_at"]);
    assert!(
        newcomer >= before - slack && newcomer <= after + slack,
        "the newcomer's session starts when they joined: {sessions}"
    );
    let (_, found) = app.get("/players?search=Veteran", &admin).await;
    let first_seen = time(&found["items"][0]["first_seen"]);
    assert_eq!(first_seen, joined, "first seen when the session began: {found}");
}

crate::on_both_backends!(session_start_is_backfilled_from_status);
