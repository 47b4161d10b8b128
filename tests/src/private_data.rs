//! The data directory (0700) and the SQLite database (0600) are readable by the panel's user
//! only: so on first start, and fixed on start-up for installs made with wider modes.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::harness::{Backend, TestApp};

crate::on_both_backends!(data_dir_and_database_are_private);

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

async fn data_dir_and_database_are_private(backend: Backend) {
    let mut app = TestApp::spawn(backend).await;
    let data = app.data_dir.path().to_owned();
    let db = data.join("languard.db");
    let sqlite = backend == Backend::Sqlite;
    assert_eq!(mode(&data), 0o700, "data dir on first start");
    if sqlite {
        assert_eq!(mode(&db), 0o600, "database on first start");
    }
    // An install made before: world-readable, fixed at the next start.
    app.crash().await;
    chmod(&data, 0o755);
    if sqlite {
        chmod(&db, 0o644);
    }
    app.restart().await;
    assert_eq!(mode(&data), 0o700, "data dir after a restart");
    if sqlite {
        assert_eq!(mode(&db), 0o600, "database after a restart");
        for suffix in ["-wal", "-shm"] {
            let side = data.join(format!("languard.db{suffix}"));
            if side.exists() {
                assert_eq!(mode(&side) & 0o077, 0, "{} is private", side.display());
            }
        }
    }
    // Still the same data: the admin logs in.
    app.admin_token().await;
}
