//! Missions, the rotation and mods against the real panel and the Arma simulator: uploads
//! refused and accepted, the rotation rendered into server.cfg, the mod library and a server's
//! mod set on the simulator's command line, keys installed and removed, "restart required"
//! while running, switching mission over RCON, and uploads reported as `job` frames.

use std::path::{Path, PathBuf};
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::events::{next, open, send, until};
use crate::harness::{assert_error, fake_executable, free_port_block, Backend, Options, TestApp};
use crate::sim::{create, create_tf2, power, wait_status};
use crate::wait::eventually;

crate::on_both_backends!(missions_rotation_and_mods);

const WAIT: Duration = Duration::from_secs(20);
const LIMIT: usize = 4096;

/// A multipart/form-data upload built by hand (one `file` part).
pub(crate) async fn upload(app: &TestApp, token: &str, id: i64, name: &str, bytes: &[u8]) -> (StatusCode, Value) {
    let boundary = "languard-test-boundary-7d1f";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let res = app
        .client
        .post(app.api(&format!("/servers/{id}/missions")))
        .bearer_auth(token)
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

fn mod_folder(root: &Path, name: &str, key: Option<&str>, addons: bool) {
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    if addons {
        std::fs::create_dir_all(dir.join("addons")).unwrap();
        std::fs::write(dir.join("addons").join("main.pbo"), vec![7u8; 1000]).unwrap();
    }
    if let Some(key) = key {
        std::fs::create_dir_all(dir.join("keys")).unwrap();
        std::fs::write(dir.join("keys").join(key), name).unwrap();
    }
}

fn keys_in(server_dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(server_dir.join("keys"))
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().into_string().unwrap())
                .filter(|n| !n.starts_with('.'))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Waits until the server's stored log has a line containing `text`; returns that line.
async fn wait_log(app: &TestApp, token: &str, id: i64, text: &str) -> String {
    let q = text
        .replace(' ', "%20")
        .replace(';', "%3B")
        .replace('/', "%2F")
        .replace('@', "%40");
    eventually(&format!("a log line with {text:?}"), WAIT, async || {
        let (_, page) = app.get(&format!("/servers/{id}/logs?q={q}&limit=5"), token).await;
        page["items"][0]["line"].as_str().map(str::to_owned).ok_or(page)
    })
    .await
}

async fn missions_rotation_and_mods(backend: Backend) {
    let root = tempfile::tempdir().unwrap();
    let mods_root: PathBuf = root.path().join("mods");
    let app = TestApp::spawn_with(
        backend,
        Options {
            env: vec![
                ("LANGUARD_MODS_ROOT".into(), mods_root.display().to_string()),
                ("LANGUARD_MAX_UPLOAD_BYTES".into(), LIMIT.to_string()),
            ],
        },
    )
    .await;
    let admin = app.admin_token().await;
    let viewer = app.user_token(&admin, "viewer1", "viewer").await;
    let bin_dir = app.data_dir.path().join("games");
    let arma = create(
        &app,
        &admin,
        json!({"name": "arma", "game": "arma3", "executable": fake_executable(&bin_dir, "arma3server_x64"),
               "game_port": free_port_block(12), "config": {"hostname": "Missions"}}),
    )
    .await;
    let id = arma["id"].as_i64().unwrap();
    let dir = PathBuf::from(arma["directory"].as_str().unwrap());

    // Uploads: refused names and sizes leave nothing behind; a valid one is stored lowercased.
    // Each upload is a `job` on the socket: running, then done or failed.
    let mut ws = open(&app, &viewer).await;
    send(
        &mut ws,
        json!({"type": "subscribe", "servers": [id], "channels": ["job"]}),
    )
    .await;
    assert_eq!(next(&mut ws, WAIT).await.unwrap()["type"], "subscribed");
    for bad in ["../x.pbo", "x.exe", "co\"op.altis.pbo", "coop.pbo"] {
        assert_error(
            upload(&app, &admin, id, bad, b"PBO").await,
            422,
            "validation_failed",
            Some("file"),
        );
    }
    assert_error(
        upload(&app, &admin, id, "big.altis.pbo", &vec![1u8; LIMIT + 1]).await,
        413,
        "payload_too_large",
        None,
    );
    let failed = until(&mut ws, "the oversized upload's end", |f| {
        f["data"]["state"] == "failed"
    })
    .await;
    assert_eq!(failed.last().unwrap()["data"]["subject"], "big.altis.pbo");
    assert_eq!(failed[0]["data"]["state"], "running");
    assert_eq!(
        upload(&app, &viewer, id, "coop_01.altis.pbo", b"PBO").await.0,
        StatusCode::FORBIDDEN
    );
    let (status, stored) = upload(&app, &admin, id, "Coop_01.Altis.pbo", &vec![9u8; LIMIT]).await;
    assert_eq!(status, StatusCode::CREATED, "{stored}");
    assert_eq!(stored["file"]["name"], "coop_01.altis.pbo");
    assert_eq!(stored["file"]["mission"], "coop_01.altis");
    assert_eq!(stored["file"]["terrain"], "altis");
    assert_eq!(stored["replaced"], false);
    let done = until(&mut ws, "the upload's end", |f| f["data"]["state"] == "done").await;
    let done = &done.last().unwrap()["data"];
    assert_eq!(
        (done["subject"].as_str(), done["done_bytes"].as_u64()),
        (Some("coop_01.altis.pbo"), Some(LIMIT as u64))
    );
    assert!(
        done["total_bytes"].as_u64().unwrap() > LIMIT as u64,
        "the request's length: {done}"
    );
    let on_disk: Vec<String> = std::fs::read_dir(dir.join("mpmissions"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(on_disk, ["coop_01.altis.pbo"], "no temporary or refused file is left");
    assert_eq!(
        std::fs::read(dir.join("mpmissions/coop_01.altis.pbo")).unwrap().len(),
        LIMIT
    );
    upload(&app, &admin, id, "escape.tanoa.pbo", b"PBO2").await;
    let (_, list) = app.get(&format!("/servers/{id}/missions"), &viewer).await;
    assert_eq!(
        (list["kind"].as_str(), list["folder"].as_str()),
        (Some("missions"), Some("mpmissions"))
    );
    let files = list["files"].as_array().unwrap();
    assert_eq!(files.len(), 2, "{list}");
    let coop = files.iter().find(|f| f["name"] == "coop_01.altis.pbo").unwrap();
    assert_eq!(
        (coop["uploaded_by"].as_str(), coop["in_rotation"].as_bool()),
        (Some("admin"), Some(false))
    );

    // The rotation renders into server.cfg; unknown missions and bad entries name the field.
    let rotation = json!({"rotation": [
        {"mission": "coop_01.altis", "difficulty": "Veteran", "params": [{"name": "Daytime", "value": 6}]},
        {"mission": "escape.tanoa"}
    ]});
    let (status, saved) = app
        .call(
            Method::PUT,
            &format!("/servers/{id}/missions/rotation"),
            Some(&admin),
            Some(rotation.clone()),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["rotation"][1]["difficulty"], "Regular");
    assert_eq!(saved["restart_required"], false, "a stopped server needs no restart");
    for (body, field) in [
        (json!({"rotation": [{"mission": "nope.altis"}]}), "rotation.0.mission"),
        (json!({"rotation": [{"mission": "../x"}]}), "rotation.0.mission"),
        (
            json!({"rotation": [{"mission": "escape.tanoa"}, {"mission": "coop_01.altis", "difficulty": "Hard"}]}),
            "rotation.1.difficulty",
        ),
        (
            json!({"rotation": [{"mission": "escape.tanoa", "params": [{"name": "bad name", "value": 1}]}]}),
            "rotation.0.params.0.name",
        ),
        (
            json!({"rotation": [{"mission": "escape.tanoa", "params": [{"name": "Daytime", "value": 1}, {"name": "daytime", "value": 2}]}]}),
            "rotation.0.params.1.name",
        ),
        (
            json!({"rotation": [{"mission": "escape.tanoa", "params": [{"name": "1st", "value": 1}]}]}),
            "rotation.0.params.0.name",
        ),
        // A difficulty is refused before any parameter, whichever entry holds it.
        (
            json!({"rotation": [
                {"mission": "escape.tanoa", "params": [{"name": "bad name", "value": 1}]},
                {"mission": "coop_01.altis", "difficulty": "Hard"}
            ]}),
            "rotation.1.difficulty",
        ),
    ] {
        assert_error(
            app.call(
                Method::PUT,
                &format!("/servers/{id}/missions/rotation"),
                Some(&admin),
                Some(body),
            )
            .await,
            422,
            "validation_failed",
            Some(field),
        );
    }
    // The messages are the typed config's own: serde's for a difficulty, the checks' for a name.
    for (entry, message) in [
        (
            json!({"mission": "escape.tanoa", "difficulty": "Hard"}),
            "unknown variant `Hard`, expected one of `Recruit`, `Regular`, `Veteran`, `Custom`",
        ),
        (
            json!({"mission": "escape.tanoa", "params": [{"name": "A", "value": 1}, {"name": "a", "value": 2}]}),
            "is given twice",
        ),
    ] {
        let (_, body) = app
            .call(
                Method::PUT,
                &format!("/servers/{id}/missions/rotation"),
                Some(&admin),
                Some(json!({"rotation": [entry]})),
            )
            .await;
        assert_eq!(body["message"], message, "{body}");
    }
    let (_, preview) = app.get(&format!("/servers/{id}/config/preview"), &admin).await;
    let cfg = preview["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "server.cfg")
        .unwrap()["contents"]
        .as_str()
        .unwrap()
        .to_owned();
    let missions_block = &cfg[cfg.find("class Missions").unwrap()..];
    assert_eq!(
        missions_block,
        "class Missions\n{\n    class Mission1\n    {\n        template = \"coop_01.altis\";\n        \
         difficulty = \"Veteran\";\n        class Params\n        {\n            Daytime = 6;\n        };\n    };\n    \
         class Mission2\n    {\n        template = \"escape.tanoa\";\n        difficulty = \"Regular\";\n    };\n};\n"
    );
    assert_error(
        app.call(
            Method::DELETE,
            &format!("/servers/{id}/missions/coop_01.altis.pbo"),
            Some(&admin),
            None,
        )
        .await,
        409,
        "in_rotation",
        None,
    );

    // The mod library: registration checks the folder; a scan adds the rest.
    mod_folder(&mods_root, "@cba", Some("cba_3.bikey"), true);
    mod_folder(&mods_root, "@ace", Some("ace_3.bikey"), true);
    mod_folder(&mods_root, "@tools", None, true);
    mod_folder(&mods_root, "@empty", None, false);
    mod_folder(&mods_root, "@semi;colon", None, true);
    let (status, cba) = app
        .post(
            "/mods",
            Some(&admin),
            json!({"name": "CBA", "folder": "@cba", "workshop_id": "450814997"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{cba}");
    assert_eq!(cba["keys"], json!(["keys/cba_3.bikey"]));
    assert!(cba["size_bytes"].as_i64().unwrap() >= 1000);
    for (body, field) in [
        (json!({"name": "E", "folder": "@empty"}), "folder"),
        (json!({"name": "X", "folder": "../etc"}), "folder"),
        (json!({"name": "Y", "folder": "@a;b"}), "folder"),
        (
            json!({"name": "Z", "folder": "@tools", "workshop_id": "abc"}),
            "workshop_id",
        ),
    ] {
        assert_error(
            app.post("/mods", Some(&admin), body).await,
            422,
            "validation_failed",
            Some(field),
        );
    }
    assert_eq!(
        app.post("/mods", Some(&admin), json!({"name": "CBA", "folder": "@cba"}))
            .await
            .0,
        StatusCode::CONFLICT
    );
    // `/mods/scan` is not a mod id: other methods on it are 405, not a bad id.
    assert_eq!(
        app.call(Method::PATCH, "/mods/scan", Some(&admin), Some(json!({})))
            .await
            .0,
        StatusCode::METHOD_NOT_ALLOWED
    );
    let (_, scan) = app.post("/mods/scan", Some(&admin), json!({})).await;
    let added: Vec<&str> = scan["added"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["folder"].as_str().unwrap())
        .collect();
    assert_eq!(added, ["@ace", "@tools"], "{scan}");
    let skipped: Vec<&str> = scan["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["folder"].as_str().unwrap())
        .collect();
    assert_eq!(skipped, ["@empty", "@semi;colon"], "{scan}");
    let (_, library) = app.get("/mods", &viewer).await;
    let mod_id = |folder: &str| {
        library
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["folder"] == folder)
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    let (ace, cba_id, tools) = (mod_id("@ace"), mod_id("@cba"), mod_id("@tools"));
    let (_, renamed) = app
        .call(
            Method::PATCH,
            &format!("/mods/{ace}"),
            Some(&admin),
            Some(json!({"name": "ACE3", "description": "Medical"})),
        )
        .await;
    assert_eq!(
        (renamed["name"].as_str(), renamed["folder"].as_str()),
        (Some("ACE3"), Some("@ace"))
    );

    // The server's mod set: order kept, server-only mods apart, bad entries named.
    let set = json!({"mods": [{"mod": ace}, {"mod": cba_id}, {"mod": tools, "server_only": true}]});
    let (status, mods) = app
        .call(Method::PUT, &format!("/servers/{id}/mods"), Some(&admin), Some(set))
        .await;
    assert_eq!(status, StatusCode::OK, "{mods}");
    assert_eq!(mods["mods"][2]["server_only"], true);
    assert_error(
        app.call(
            Method::PUT,
            &format!("/servers/{id}/mods"),
            Some(&admin),
            Some(json!({"mods": [{"mod": ace}, {"mod": ace}]})),
        )
        .await,
        422,
        "validation_failed",
        Some("mods.1.mod"),
    );
    assert_error(
        app.call(
            Method::PUT,
            &format!("/servers/{id}/mods"),
            Some(&admin),
            Some(json!({"mods": [{"mod": 999999}]})),
        )
        .await,
        422,
        "validation_failed",
        Some("mods.0.mod"),
    );
    assert_error(
        app.call(Method::DELETE, &format!("/mods/{cba_id}"), Some(&admin), None)
            .await,
        409,
        "mod_in_use",
        None,
    );
    let (_, cba_now) = app.get(&format!("/mods/{cba_id}"), &viewer).await;
    assert_eq!(cba_now["servers"], json!([id]));

    // Started with them, the simulator reports the mods, the server-only mods and the rotation;
    // the keys of the loaded mods are installed.
    assert_eq!(power(&app, &admin, id, "start").await.0, StatusCode::ACCEPTED);
    wait_status(&app, &admin, id, "running", WAIT).await;
    let root_text = mods_root.display().to_string();
    let line = wait_log(&app, &admin, id, &format!("Mods: {root_text}/@ace;")).await;
    assert!(
        line.ends_with(&format!(" Mods: {root_text}/@ace;{root_text}/@cba")),
        "{line}"
    );
    let line = wait_log(&app, &admin, id, "Server mods: ").await;
    assert!(line.ends_with(&format!("Server mods: {root_text}/@tools")), "{line}");
    let line = wait_log(&app, &admin, id, "Mission rotation: ").await;
    assert!(
        line.ends_with("Mission rotation: coop_01.altis, escape.tanoa"),
        "{line}"
    );
    assert_eq!(keys_in(&dir), ["ace_3.bikey", "cba_3.bikey"]);

    // Changing mods while it runs asks for a restart; switching mission works at once.
    let (_, mods) = app
        .call(
            Method::PUT,
            &format!("/servers/{id}/mods"),
            Some(&admin),
            Some(json!({"mods": [{"mod": ace}]})),
        )
        .await;
    assert_eq!(mods["restart_required"], true, "{mods}");
    let (_, server) = app.get(&format!("/servers/{id}"), &viewer).await;
    assert_eq!(server["restart_required"], true);
    let (status, applied) = app
        .post(
            &format!("/servers/{id}/missions/rotation/apply"),
            Some(&admin),
            json!({"index": 0}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{applied}");
    assert_eq!(applied["command"], "#mission coop_01.altis Veteran");
    wait_log(&app, &admin, id, "Mission switched to coop_01.altis Veteran").await;
    assert_error(
        app.post(
            &format!("/servers/{id}/missions/rotation/apply"),
            Some(&admin),
            json!({"index": 5}),
        )
        .await,
        422,
        "validation_failed",
        Some("index"),
    );

    // A restart loads the new set: the key of the removed mod is gone, the mark is cleared.
    assert_eq!(power(&app, &admin, id, "restart").await.0, StatusCode::ACCEPTED);
    eventually("the restart applies the new set", WAIT, async || {
        let (_, server) = app.get(&format!("/servers/{id}"), &viewer).await;
        let keys = keys_in(&dir);
        if server["status"] == "running" && server["restart_required"] == false && keys == ["ace_3.bikey"] {
            Ok(())
        } else {
            Err(format!("{server}, keys {keys:?}"))
        }
    })
    .await;
    assert_eq!(power(&app, &admin, id, "stop").await.0, StatusCode::ACCEPTED);
    wait_status(&app, &admin, id, "stopped", WAIT).await;

    // Out of the rotation, a mission can be deleted; the unused mod too.
    app.call(
        Method::PUT,
        &format!("/servers/{id}/missions/rotation"),
        Some(&admin),
        Some(json!({"rotation": []})),
    )
    .await;
    let (status, _) = app
        .call(
            Method::DELETE,
            &format!("/servers/{id}/missions/coop_01.altis.pbo"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(!dir.join("mpmissions/coop_01.altis.pbo").exists());
    assert_eq!(
        app.call(
            Method::DELETE,
            &format!("/servers/{id}/missions/coop_01.altis.pbo"),
            Some(&admin),
            None
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.call(Method::DELETE, &format!("/mods/{cba_id}"), Some(&admin), None)
            .await
            .0,
        StatusCode::NO_CONTENT
    );

    // Other games: Source maps go to <game>/maps; Source has no rotation and no mods.
    let source = create_tf2(&app, &admin, "tf2").await;
    let sid = source["id"].as_i64().unwrap();
    let (status, map) = upload(&app, &admin, sid, "ctf_turbine.bsp", b"VBSP").await;
    assert_eq!(
        (status, map["file"]["mission"].is_null()),
        (StatusCode::CREATED, true),
        "{map}"
    );
    let sdir = PathBuf::from(source["directory"].as_str().unwrap());
    assert!(sdir.join("tf/maps/ctf_turbine.bsp").is_file());
    assert_error(
        upload(&app, &admin, sid, "x.altis.pbo", b"PBO").await,
        422,
        "validation_failed",
        Some("file"),
    );
    assert_eq!(
        app.get(&format!("/servers/{sid}/missions/rotation"), &viewer).await.0,
        StatusCode::CONFLICT
    );
    assert_eq!(
        app.get(&format!("/servers/{sid}/mods"), &viewer).await.0,
        StatusCode::CONFLICT
    );
}
