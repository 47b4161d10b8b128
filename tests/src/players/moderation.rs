//! Acting on players: kicks and bans reach the game as its own commands, text cannot smuggle
//! other commands into srcds, and global bans follow a player to another server.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};

use super::{names, online, players_path, server_file, spawn_fast, start_all, wait_command, wait_for, WAIT};
use crate::harness::{assert_error, fake_executable, free_port_block, Backend};
use crate::sim::{control, create, create_tf2, three_servers, wait_control_consumed};
use crate::wait::eventually;

/// For each game: kick, ban and unban reach the simulator as the game's own commands; a banned
/// player cannot come back until the ban is lifted; bad requests name the field.
async fn kick_ban_unban_reach_each_game(backend: Backend) {
    let app = spawn_fast(backend, &[]).await;
    let admin = app.admin_token().await;
    let operator = app.user_token(&admin, "mod", "operator").await;
    let servers = three_servers(&app, &admin).await;
    start_all(&app, &admin, &servers).await;
    for server in &servers {
        control(server, "join Bob 76561198000000002");
    }
    for server in &servers {
        let sid = server["id"].as_i64().unwrap();
        let game = server["game"].as_str().unwrap().to_owned();
        let players = wait_for(&app, &admin, &players_path(server), "Bob joined", |p| {
            names(p) == ["Bob"]
        })
        .await;
        let bob = online(&players, "Bob").clone();
        let pid = bob["player_id"].as_i64().unwrap();
        let kick = format!("/servers/{sid}/players/{pid}/kick");
        assert_error(
            app.post(&kick, Some(&operator), json!({"reason": "a\nkick 1"})).await,
            422,
            "validation_failed",
            Some("reason"),
        );
        let (status, body) = app.post(&kick, Some(&operator), json!({"reason": "afk"})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let expected = match game.as_str() {
            "arma3" => format!("kick {} afk", bob["slot"]),
            "source" => format!("kickid {} \"afk\"", bob["slot"]),
            _ => "kick Bob afk".to_owned(),
        };
        wait_command(server, &expected, |l| l == expected).await;
        wait_for(&app, &admin, &players_path(server), "Bob kicked", |p| {
            names(p).is_empty()
        })
        .await;
        assert_error(
            app.post(&kick, Some(&operator), json!({})).await,
            409,
            "player_not_online",
            None,
        );

        control(server, "join Bob 76561198000000002");
        let players = wait_for(&app, &admin, &players_path(server), "Bob back", |p| names(p) == ["Bob"]).await;
        let bob = online(&players, "Bob").clone();
        let ban = format!("/servers/{sid}/players/{pid}/ban");
        assert_error(
            app.post(&ban, Some(&operator), json!({"reason": "x"})).await,
            422,
            "validation_failed",
            Some("duration_minutes"),
        );
        assert_error(
            app.post(&ban, Some(&operator), json!({"duration_minutes": 0})).await,
            422,
            "validation_failed",
            Some("duration_minutes"),
        );
        let (status, banned) = app
            .post(&ban, Some(&operator), json!({"permanent": true, "reason": "cheating"}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{banned}");
        assert_eq!(
            (banned["active"].clone(), banned["global"].clone()),
            (json!(true), json!(false))
        );
        assert_eq!(banned["created_by"], "mod");
        let expected = match game.as_str() {
            "arma3" => format!("ban {} 0 cheating", bob["slot"]),
            "source" => "banid 0 [U:1:39734274] kick".to_owned(),
            _ => "ban Bob cheating".to_owned(),
        };
        wait_command(server, &expected, |l| l == expected).await;
        wait_for(&app, &admin, &players_path(server), "Bob banned", |p| {
            names(p).is_empty()
        })
        .await;
        // The game itself refuses him now.
        control(server, "join Bob 76561198000000002");
        wait_control_consumed(server).await;
        tokio::time::sleep(Duration::from_millis(2500)).await;
        assert!(names(&app.get(&players_path(server), &admin).await.1).is_empty());
        let (_, active) = app.get(&format!("/bans?active=true&server_id={sid}"), &admin).await;
        assert_eq!(active["total"], 1, "{active}");
        assert_eq!(active["items"][0]["player_name"], "Bob");

        let lift = format!("/bans/{}", banned["id"]);
        let (status, _) = app.call(reqwest::Method::DELETE, &lift, Some(&operator), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let expected = match game.as_str() {
            "arma3" => "removeBan 0".to_owned(),
            "source" => "removeid [U:1:39734274]".to_owned(),
            _ => "pardon Bob".to_owned(),
        };
        wait_command(server, &expected, |l| l == expected).await;
        assert_error(
            app.call(reqwest::Method::DELETE, &lift, Some(&operator), None).await,
            409,
            "ban_lifted",
            None,
        );
        let (_, lifted) = app.get(&format!("/bans?active=false&player_id={pid}"), &admin).await;
        assert_eq!(lifted["items"][0]["lifted_by"], "mod", "{lifted}");
        control(server, "join Bob 76561198000000002");
        wait_for(&app, &admin, &players_path(server), "Bob allowed back", |p| {
            names(p) == ["Bob"]
        })
        .await;
    }
    // Say reaches everyone; raw RCON returns the game's reply and is for admins only.
    let source = &servers[1];
    let sid = source["id"].as_i64().unwrap();
    let (status, _) = app
        .post(
            &format!("/servers/{sid}/say"),
            Some(&operator),
            json!({"message": "restart in 5"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    wait_command(source, "say", |l| l == "say \"restart in 5\"").await;
    assert_error(
        app.post(&format!("/servers/{sid}/say"), Some(&operator), json!({"message": " "}))
            .await,
        422,
        "validation_failed",
        Some("message"),
    );
    assert_error(
        app.post(
            &format!("/servers/{sid}/rcon"),
            Some(&operator),
            json!({"command": "status"}),
        )
        .await,
        403,
        "forbidden",
        None,
    );
    let (status, out) = app
        .post(
            &format!("/servers/{sid}/rcon"),
            Some(&admin),
            json!({"command": "echo hello"}),
        )
        .await;
    assert_eq!(
        (status, out["output"].as_str()),
        (StatusCode::OK, Some("hello\n")),
        "{out}"
    );
}

/// srcds runs every `;`-separated command of a line: a chat message or kick reason holding
/// `; rcon_password …` must reach it as text inside its one command, and text it cannot carry
/// (a double quote, which srcds cannot escape) is refused naming the field.
async fn source_text_cannot_run_other_commands(backend: Backend) {
    let app = spawn_fast(backend, &[]).await;
    let admin = app.admin_token().await;
    let operator = app.user_token(&admin, "mod", "operator").await;
    let _bin_dir = app.data_dir.path().join("games");
    let server = create_tf2(&app, &admin, "tf2").await;
    start_all(&app, &admin, std::slice::from_ref(&server)).await;
    let sid = server["id"].as_i64().unwrap();
    let (app_ref, admin_ref, server_ref) = (&app, &admin, &server);
    let join_eve = move || async move {
        control(server_ref, "join Eve 76561198000000007");
        let players = wait_for(app_ref, admin_ref, &players_path(server_ref), "Eve joined", |p| {
            names(p) == ["Eve"]
        })
        .await;
        online(&players, "Eve").clone()
    };
    let eve = join_eve().await;
    let kick = format!("/servers/{sid}/players/{}/kick", eve["player_id"]);
    // What the simulator ran, once it ran a command starting with `verb`.
    let ran_after = move |verb: &'static str| async move {
        eventually(&format!("a {verb} runs"), WAIT, async || {
            let ran = server_file(server_ref, "fakegame.executed");
            if ran.lines().any(|l| l.starts_with(verb)) {
                Ok(ran.clone())
            } else {
                Err(ran)
            }
        })
        .await
    };

    let (status, body) = app
        .post(
            &format!("/servers/{sid}/say"),
            Some(&operator),
            json!({"message": "hello; rcon_password pwned"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let ran = ran_after("say").await;
    assert!(
        ran.lines().all(|l| !l.starts_with("rcon_password")),
        "chat text ran as a command:\n{ran}"
    );
    assert!(ran.lines().any(|l| l == "say \"hello; rcon_password pwned\""), "{ran}");

    let (status, body) = app
        .post(&kick, Some(&operator), json!({"reason": "afk; rcon_password pwned2"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let ran = ran_after("kickid").await;
    assert!(
        ran.lines().all(|l| !l.starts_with("rcon_password")),
        "a kick reason ran as a command:\n{ran}"
    );
    let whole = format!("kickid {} \"afk; rcon_password pwned2\"", eve["slot"]);
    assert!(ran.lines().any(|l| l == whole), "{ran}");

    join_eve().await;
    for (path, field, text) in [
        (
            format!("/servers/{sid}/say"),
            "message",
            "he said \"hi\"; rcon_password x",
        ),
        (kick.clone(), "reason", "\"; rcon_password x"),
    ] {
        assert_error(
            app.post(&path, Some(&operator), json!({field: text})).await,
            422,
            "validation_failed",
            Some(field),
        );
    }
    let ran = server_file(&server, "fakegame.executed");
    assert!(
        !ran.contains("he said") && ran.matches("kickid").count() == 1,
        "a refused text reached the game: {ran}"
    );
}

/// A global ban made on one server is written into the other when that server's poll sees the
/// player join, and the player is refused there too; bans do not cross games.
async fn global_ban_follows_the_player(backend: Backend) {
    let app = spawn_fast(backend, &[]).await;
    let admin = app.admin_token().await;
    let bin_dir = app.data_dir.path().join("games");
    let mut servers = Vec::new();
    for name in ["first", "second"] {
        servers.push(create_tf2(&app, &admin, name).await);
    }
    let minecraft = create(
        &app,
        &admin,
        json!({"name": "mc", "game": "minecraft", "executable": fake_executable(&bin_dir, "java"),
               "game_port": free_port_block(11), "config": {"eula_accepted": true}}),
    )
    .await;
    start_all(&app, &admin, &servers[..1]).await;
    control(&servers[0], "join Carol 76561198000000003");
    let players = wait_for(&app, &admin, &players_path(&servers[0]), "Carol joined", |p| {
        names(p) == ["Carol"]
    })
    .await;
    let pid = online(&players, "Carol")["player_id"].as_i64().unwrap();
    assert_error(
        app.post(
            &format!("/servers/{}/players/{pid}/ban", minecraft["id"]),
            Some(&admin),
            json!({"permanent": true}),
        )
        .await,
        422,
        "validation_failed",
        Some("player"),
    );
    let (status, ban) = app
        .post(
            &format!("/servers/{}/players/{pid}/ban", servers[0]["id"]),
            Some(&admin),
            json!({"duration_minutes": 60, "reason": "griefing", "global": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{ban}");
    assert_eq!(
        (ban["global"].clone(), ban["server_id"].clone()),
        (json!(true), Value::Null)
    );
    let expires = chrono::DateTime::parse_from_rfc3339(ban["expires_at"].as_str().unwrap()).unwrap();
    let minutes = (expires.timestamp() - chrono::Utc::now().timestamp()) / 60;
    assert!((58..=60).contains(&minutes), "{ban}");
    wait_command(&servers[0], "banid", |l| {
        l.starts_with("banid ") && l.ends_with("[U:1:39734275] kick")
    })
    .await;

    // The second server was stopped: its own ban list knows nothing until Carol shows up.
    start_all(&app, &admin, &servers[1..]).await;
    control(&servers[1], "join Carol 76561198000000003");
    wait_command(&servers[1], "banid", |l| {
        l.starts_with("banid ") && l.ends_with("[U:1:39734275] kick")
    })
    .await;
    wait_for(&app, &admin, &players_path(&servers[1]), "Carol removed", |p| {
        names(p).is_empty()
    })
    .await;
    let (_, events) = app.get(&format!("/servers/{}/events", servers[1]["id"]), &admin).await;
    assert!(events.to_string().contains("banned Carol for"), "{events}");
    let (_, bans) = app.get(&format!("/bans?server_id={}", servers[1]["id"]), &admin).await;
    assert_eq!(bans["total"], 1, "global bans apply to every server: {bans}");
    let (_, detail) = app.get(&format!("/players/{pid}"), &admin).await;
    assert_eq!(detail["player"]["banned"], true);
    assert_eq!(detail["bans"][0]["reason"], "griefing");
}

crate::on_both_backends!(
    kick_ban_unban_reach_each_game,
    source_text_cannot_run_other_commands,
    global_ban_follows_the_player,
);
