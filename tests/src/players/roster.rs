//! Who is on a server: joins and leaves become sessions for each game, a wrong RCON password
//! shows as an RCON error while the game keeps running, BattlEye replies and messages survive
//! reordering and duplicates, and Steam profiles fill in.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::{names, online, players_path, server_file, spawn_fast, start_all, wait_for, WAIT};
use crate::harness::{assert_error, fake_executable, free_port_block, Backend};
use crate::sim::{control, create, create_tf2, power, three_servers, wait_status};

/// For each game: a join shows in the roster within a poll or two and opens a session; a leave
/// closes it; everyone ever seen is searchable with their names and sessions; the live state
/// and the server list show the counts; viewers do not see IP addresses.
async fn join_and_leave_for_each_game(backend: Backend) {
    let app = spawn_fast(backend, &[]).await;
    let admin = app.admin_token().await;
    let viewer = app.user_token(&admin, "watcher", "viewer").await;
    let servers = three_servers(&app, &admin).await;
    start_all(&app, &admin, &servers).await;
    for server in &servers {
        control(server, "join Alice 76561198000000001");
    }
    let expected_kind = ["battleye", "steam", "minecraft"];
    for (server, kind) in servers.iter().zip(expected_kind) {
        let players = wait_for(&app, &admin, &players_path(server), "Alice joined", |p| {
            names(p) == ["Alice"]
        })
        .await;
        assert_eq!(players["monitored"], true);
        assert_eq!(players["rcon"]["state"], "connected", "{players}");
        assert_eq!(players["live"]["players"], 1, "{players}");
        let alice = online(&players, "Alice");
        assert_eq!(alice["kind"], kind, "{players}");
        match kind {
            "steam" => assert_eq!(alice["identity"], "76561198000000001"),
            "battleye" => assert_eq!(alice["identity"].as_str().unwrap().len(), 32),
            _ => assert_eq!(alice["identity"].as_str().unwrap().len(), 36),
        }
        let (_, sessions) = app.get(&format!("/servers/{}/sessions", server["id"]), &admin).await;
        assert_eq!(sessions["total"], 1, "{sessions}");
        assert_eq!(sessions["items"][0]["name"], "Alice");
        assert!(sessions["items"][0]["left_at"].is_null());
    }
    // Arma reports addresses: admins see them, viewers do not.
    let arma_admin = app.get(&players_path(&servers[0]), &admin).await.1;
    assert!(online(&arma_admin, "Alice")["ip"].is_string(), "{arma_admin}");
    let arma_viewer = app.get(&players_path(&servers[0]), &viewer).await.1;
    assert!(online(&arma_viewer, "Alice")["ip"].is_null(), "{arma_viewer}");
    let (_, list) = app.get("/servers", &viewer).await;
    for item in list["items"].as_array().unwrap() {
        assert_eq!(item["live"]["players"], 1, "{item}");
        assert_eq!(item["rcon"]["state"], "connected", "{item}");
    }

    for server in &servers {
        control(server, "leave Alice");
    }
    for server in &servers {
        wait_for(&app, &admin, &players_path(server), "Alice left", |p| {
            names(p).is_empty()
        })
        .await;
        let (_, sessions) = app.get(&format!("/servers/{}/sessions", server["id"]), &viewer).await;
        assert!(sessions["items"][0]["left_at"].is_string(), "{sessions}");
        assert!(sessions["items"][0]["ip"].is_null(), "viewers never see addresses");
        let (_, states) = app.get(&format!("/servers/{}/live-state", server["id"]), &viewer).await;
        let counts: Vec<i64> = states
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["players"].as_i64().unwrap())
            .collect();
        assert!(counts.ends_with(&[1, 0]), "{states}");
        let (_, events) = app.get(&format!("/servers/{}/events", server["id"]), &admin).await;
        for message in ["Alice joined", "Alice left"] {
            assert!(events.to_string().contains(message), "{events}");
        }
    }
    let (_, found) = app.get("/players?search=ALI", &viewer).await;
    assert_eq!(found["total"], 3, "one player per identity kind: {found}");
    let steam = found["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["kind"] == "steam")
        .unwrap()
        .clone();
    assert_eq!(steam["online_on"], json!([]));
    let (_, detail) = app.get(&format!("/players/{}", steam["id"]), &viewer).await;
    assert_eq!(detail["names"][0]["name"], "Alice", "{detail}");
    assert_eq!(detail["sessions"].as_array().unwrap().len(), 1, "{detail}");
    assert_eq!(detail["sessions"][0]["server_name"], "l4d2");
    assert_eq!(app.get("/players?search=nobody", &viewer).await.1["total"], 0);
    assert_error(
        app.get(
            "/servers/1/live-state?from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z",
            &viewer,
        )
        .await,
        422,
        "validation_failed",
        Some("from"),
    );

    // Stopping a server ends the sessions of whoever was still on it.
    control(&servers[1], "join Zed 76561198000000099");
    wait_for(&app, &admin, &players_path(&servers[1]), "Zed joined", |p| {
        names(p) == ["Zed"]
    })
    .await;
    let id = servers[1]["id"].as_i64().unwrap();
    assert_eq!(power(&app, &admin, id, "stop").await.0, StatusCode::ACCEPTED);
    wait_status(&app, &admin, id, "stopped", WAIT).await;
    let (_, sessions) = app.get(&format!("/servers/{id}/sessions"), &admin).await;
    assert!(sessions["items"][0]["left_at"].is_string(), "{sessions}");
    let (_, players) = app.get(&format!("/servers/{id}/players"), &admin).await;
    assert_eq!(players["monitored"], false, "{players}");
}

/// A wrong RCON password leaves the game running but shows an RCON error in the roster and the
/// server; actions answer 502; open sessions close once RCON stays lost.
async fn wrong_rcon_password_is_reported(backend: Backend) {
    let app = spawn_fast(backend, &[("LANGUARD_RCON_LOST_AFTER", "2")]).await;
    let admin = app.admin_token().await;
    let _bin_dir = app.data_dir.path().join("games");
    let server = create_tf2(&app, &admin, "tf2").await;
    start_all(&app, &admin, std::slice::from_ref(&server)).await;
    let id = server["id"].as_i64().unwrap();
    control(&server, "join Dave 76561198000000004");
    wait_for(&app, &admin, &players_path(&server), "Dave joined", |p| {
        names(p) == ["Dave"]
    })
    .await;
    // Someone changes the password in the game's own console.
    let (status, _) = app
        .post(
            &format!("/servers/{id}/rcon"),
            Some(&admin),
            json!({"command": "rcon_password changed-elsewhere"}),
        )
        .await;
    // Like srcds, the simulator de-authenticates every connection at once, ours included, so
    // the reply to this very command may already be the refusal.
    assert!(
        status == StatusCode::OK || status == StatusCode::BAD_GATEWAY,
        "{status}"
    );
    let players = wait_for(&app, &admin, &players_path(&server), "RCON error", |p| {
        p["rcon"]["state"] == "error"
    })
    .await;
    assert!(
        players["rcon"]["error"].as_str().unwrap().contains("password"),
        "{players}"
    );
    let (_, shown) = app.get(&format!("/servers/{id}"), &admin).await;
    assert_eq!(shown["status"], "running", "the game keeps running: {shown}");
    assert_eq!(shown["rcon"]["state"], "error");
    assert_error(
        app.post(
            &format!("/servers/{id}/say"),
            Some(&admin),
            json!({"message": "hello?"}),
        )
        .await,
        502,
        "rcon_auth_failed",
        None,
    );
    wait_for(
        &app,
        &admin,
        &format!("/servers/{id}/sessions"),
        "session closed",
        |s| s["items"][0]["left_at"].is_string(),
    )
    .await;
    let (_, events) = app.get(&format!("/servers/{id}/events"), &admin).await;
    let text = events.to_string();
    assert!(text.contains("rcon_error") && text.contains("rcon_lost"), "{events}");
    assert_eq!(
        text.matches("\"rcon_error\"").count(),
        1,
        "one event per error, not per poll: {events}"
    );
}

/// BattlEye: a multipart `players` reply sent out of order with a duplicated part is put back
/// together; a chat message becomes one event even when the server sends it twice, and every
/// message is acknowledged.
async fn battleye_reassembles_and_acks(backend: Backend) {
    let app = spawn_fast(backend, &[]).await;
    let admin = app.admin_token().await;
    let bin_dir = app.data_dir.path().join("games");
    let server = create(
        &app,
        &admin,
        json!({"name": "altis", "game": "arma3", "executable": fake_executable(&bin_dir, "arma3server_x64"),
               "game_port": free_port_block(12), "config": {"max_players": 20}}),
    )
    .await;
    start_all(&app, &admin, std::slice::from_ref(&server)).await;
    control(
        &server,
        "be-part-size 40\nbe-reorder on\nbe-duplicate on\njoin Ann 76561198000000011\njoin Ben 76561198000000012\njoin Cid 76561198000000013",
    );
    let players = wait_for(&app, &admin, &players_path(&server), "three players", |p| {
        let mut n = names(p);
        n.sort();
        n == ["Ann", "Ben", "Cid"]
    })
    .await;
    assert_eq!(players["live"]["max_players"], 20);
    control(&server, "chat Ann hello there");
    let id = server["id"].as_i64().unwrap();
    let events = wait_for(
        &app,
        &admin,
        &format!("/servers/{id}/events?per_page=200"),
        "chat event",
        |e| e.to_string().contains("(Global) Ann: hello there"),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let (_, events_later) = app.get(&format!("/servers/{id}/events?per_page=200"), &admin).await;
    assert_eq!(
        events_later.to_string().matches("(Global) Ann: hello there").count(),
        1,
        "the duplicated message is one event: {events}"
    );
    let acks = server_file(&server, "fakegame.acks");
    assert!(!acks.trim().is_empty(), "server messages are acknowledged");
}

/// With a Steam Web API key, SteamID64 players get their persona name and avatar from the
/// (here local) Steam API, asked once per player; the key never shows in the API.
async fn steam_profiles_fill_in(backend: Backend) {
    let asked: Arc<Mutex<Vec<String>>> = Arc::default();
    let stub = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", stub.local_addr().unwrap());
    let log = asked.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = stub.accept().await {
            let mut request = Vec::new();
            let mut buf = [0u8; 4096];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match socket.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
            }
            let line = String::from_utf8_lossy(&request)
                .lines()
                .next()
                .unwrap_or("")
                .to_owned();
            log.lock().unwrap().push(line.clone());
            let ids = line
                .split("steamids=")
                .nth(1)
                .and_then(|r| r.split([' ', '&']).next())
                .unwrap_or("")
                .replace("%2C", ",");
            let players: Vec<Value> = ids
                .split(',')
                .filter(|id| *id == "76561198000000005")
                .map(|id| json!({"steamid": id, "personaname": "Erin on Steam", "avatarmedium": "https://avatars.example/erin.jpg", "profileurl": "https://steamcommunity.com/id/erin/"}))
                .collect();
            let body = json!({"response": {"players": players}}).to_string();
            let reply = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = socket.write_all(reply.as_bytes()).await;
        }
    });
    let app = spawn_fast(
        backend,
        &[
            ("LANGUARD_STEAM_API_KEY", "test-steam-key-123"),
            ("LANGUARD_STEAM_API_URL", &url),
        ],
    )
    .await;
    let admin = app.admin_token().await;
    let bin_dir = app.data_dir.path().join("games");
    let server = create(
        &app,
        &admin,
        json!({"name": "css", "game": "source", "executable": fake_executable(&bin_dir, "srcds_run"),
               "game_port": free_port_block(1), "config": {"game": "cstrike", "map": "de_dust2"}}),
    )
    .await;
    start_all(&app, &admin, std::slice::from_ref(&server)).await;
    control(&server, "join Erin 76561198000000005\njoin Finn 76561198000000006");
    let players = wait_for(&app, &admin, &players_path(&server), "Steam name in the roster", |p| {
        p["players"]
            .as_array()
            .is_some_and(|a| a.iter().any(|x| x["steam_name"] == "Erin on Steam"))
    })
    .await;
    let erin = online(&players, "Erin");
    assert_eq!(erin["avatar_url"], "https://avatars.example/erin.jpg");
    assert!(
        online(&players, "Finn")["steam_name"].is_null(),
        "unknown ids stay unnamed"
    );
    let (_, found) = app.get("/players?search=on%20steam", &admin).await;
    assert_eq!(found["total"], 1, "the Steam name is searchable: {found}");
    assert_eq!(found["items"][0]["profile_url"], "https://steamcommunity.com/id/erin/");
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let requests = asked.lock().unwrap().clone();
    assert!(requests[0].contains("key=test-steam-key-123"), "{requests:?}");
    let erin_asks = requests.iter().filter(|r| r.contains("76561198000000005")).count();
    assert_eq!(erin_asks, 1, "each id is asked once a day: {requests:?}");
    let (_, everything) = app.get("/players", &admin).await;
    assert!(!everything.to_string().contains("test-steam-key-123"));
}

crate::on_both_backends!(
    join_and_leave_for_each_game,
    wrong_rcon_password_is_reported,
    battleye_reassembles_and_acks,
    steam_profiles_fill_in,
);
