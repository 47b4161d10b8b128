//! The command line: config errors name the key, users can be managed offline, migrations are
//! idempotent, and the README documents every configuration key.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::harness::{binary, workspace_root, Backend, Options, TestApp};

fn languard(data_dir: &std::path::Path, args: &[&str], env: &[(&str, &str)], stdin: &str) -> (i32, String, String) {
    let mut child = Command::new(binary())
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_clear()
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn invalid_config_names_the_key_without_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    for (env, key) in [
        (("LANGUARD_LISTEN", "not-an-address"), "listen"),
        (("LANGUARD_MAX_BODY_BYTES", "lots"), "max_body_bytes"),
        (("LANGUARD_DATABASE_URL", "mysql://x"), "database_url"),
        (("LANGUARD_CORS_ORIGINS", "example.org"), "cors_origins"),
    ] {
        let (code, _, stderr) = languard(dir.path(), &["serve"], &[env], "");
        assert_eq!(code, 2, "{stderr}");
        assert!(
            stderr.contains(&format!("`{key}`")) && stderr.contains(env.0),
            "{stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    let file = dir.path().join("languard.toml");
    std::fs::write(&file, "listen = \"127.0.0.1:0\"\nno_such_key = 1\n").unwrap();
    let (code, _, stderr) = languard(
        dir.path(),
        &["--config", file.to_str().unwrap(), "check-config"],
        &[],
        "",
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("`no_such_key`"), "{stderr}");
}

#[test]
fn check_config_hides_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = languard(
        dir.path(),
        &["check-config"],
        &[("LANGUARD_ADMIN_PASSWORD", "topsecret-pw")],
        "",
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("admin_password") && stdout.contains("(set)"));
    assert!(!stdout.contains("topsecret-pw"));
}

/// `user add`, `user list`, `user passwd` work on the database offline; the server then accepts
/// the new credentials.
#[tokio::test]
async fn users_can_be_managed_from_the_command_line() {
    let app = TestApp::spawn_with(Backend::Sqlite, Options::default()).await;
    let dir = app.data_dir.path().to_path_buf();
    let (code, stdout, stderr) = languard(
        &dir,
        &["user", "add", "carol", "--role", "operator"],
        &[],
        "carol-password\n",
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("carol"));
    let (code, _, stderr) = languard(&dir, &["user", "add", "carol"], &[], "carol-password\n");
    assert_eq!(code, 1);
    assert!(stderr.contains("already taken"), "{stderr}");
    let (_, stdout, _) = languard(&dir, &["user", "list"], &[], "");
    assert!(
        stdout.contains("carol") && stdout.contains("operator") && stdout.contains("admin"),
        "{stdout}"
    );
    let body = app.login("carol", "carol-password").await;
    assert_eq!(body["user"]["role"], "operator");
    let (code, _, stderr) = languard(&dir, &["user", "passwd", "carol"], &[], "carol-new-password\n");
    assert_eq!(code, 0, "{stderr}");
    app.login("carol", "carol-new-password").await;
}

#[test]
fn migrate_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    for _ in 0..2 {
        let (code, stdout, stderr) = languard(dir.path(), &["migrate"], &[], "");
        assert_eq!(code, 0, "{stderr}");
        assert!(stdout.contains("sqlite"));
    }
    assert!(dir.path().join("languard.db").is_file());
}

#[tokio::test]
async fn first_start_without_a_password_prints_one_and_keeps_the_key_private() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = tokio::process::Command::new(binary())
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path())
        .env_clear()
        .env("LANGUARD_LOG_LEVEL", "warn")
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    use tokio::io::AsyncBufReadExt;
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let mut password = None;
    let mut url = None;
    while let Some(line) = lines.next_line().await.unwrap() {
        if let Some(rest) = line.strip_prefix("First start: created user `admin` with password ") {
            password = Some(rest.trim().to_owned());
        }
        if let Some(rest) = line.strip_prefix("Languard listening on ") {
            url = Some(rest.trim().to_owned());
            break;
        }
    }
    let (password, url) = (password.expect("password printed"), url.expect("url printed"));
    let res = reqwest::Client::new()
        .post(format!("{url}/api/v1/auth/login"))
        .json(&serde_json::json!({"username": "admin", "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("jwt.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let _ = child.kill().await;
}

#[test]
fn readme_documents_every_config_key() {
    let readme = std::fs::read_to_string(workspace_root().join("README.md")).unwrap();
    let (_, stdout, _) = languard(std::path::Path::new("/tmp"), &["check-config"], &[], "");
    let keys: Vec<&str> = stdout
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(keys.len() >= 10, "{stdout}");
    for key in keys {
        let env = format!("LANGUARD_{}", key.to_uppercase());
        assert!(
            readme.contains(&format!("`{key}`")) && readme.contains(&env),
            "README lacks `{key}` / {env}"
        );
    }
}

/// SIGTERM stops the server cleanly (exit status 0) instead of killing it mid-request.
#[tokio::test]
async fn sigterm_shuts_down_gracefully() {
    let mut app = TestApp::spawn(Backend::Sqlite).await;
    assert_eq!(
        app.call(reqwest::Method::GET, "/system/health", None, None).await.0,
        200
    );
    let status = app.terminate().await;
    assert!(status.success(), "exit status after SIGTERM: {status:?}");
}
