use std::os::unix::fs::{symlink, PermissionsExt};

use super::*;

/// A server directory `srv/1`, a sibling `srv/2` and a folder `outside`, each with a file.
struct Layout {
    _tmp: tempfile::TempDir,
    server: PathBuf,
    sibling: PathBuf,
    outside: PathBuf,
}

fn layout() -> Layout {
    let tmp = tempfile::tempdir().unwrap();
    let server = tmp.path().join("srv/1");
    let sibling = tmp.path().join("srv/2");
    let outside = tmp.path().join("outside");
    for d in [&server, &sibling, &outside] {
        std::fs::create_dir_all(d).unwrap();
        std::fs::write(d.join("keep.txt"), "untouched").unwrap();
    }
    Layout {
        _tmp: tmp,
        server,
        sibling,
        outside,
    }
}

#[test]
fn links_out_of_the_directory_are_refused_for_every_operation() {
    let l = layout();
    for target in [&l.outside, &l.sibling] {
        let _ = std::fs::remove_file(l.server.join("linked"));
        symlink(target, l.server.join("linked")).unwrap();
        // The same link, relative: `../2` or `../../outside`.
        let relative = Path::new("..").join(target.strip_prefix(l.server.parent().unwrap()).unwrap_or(target));
        let _ = std::fs::remove_file(l.server.join("relative"));
        symlink(&relative, l.server.join("relative")).unwrap();
        let dir = ServerDir::open(&l.server).unwrap();
        for via in ["linked", "relative"] {
            let file = Path::new(via).join("keep.txt");
            let new = Path::new(via).join("new.txt");
            assert!(dir.open_read(&file).unwrap_err().is_escape(), "{via}");
            assert!(dir.open_append(&file, 0o644).unwrap_err().is_escape());
            assert!(dir.create_new(&new, 0o644).unwrap_err().is_escape());
            assert!(dir.create_atomic(&file, b"x", 0o600).unwrap_err().is_escape());
            assert!(dir.read_dir(Path::new(via)).unwrap_err().is_escape());
            assert!(dir.remove_file(&file).unwrap_err().is_escape());
            assert!(dir.metadata(&file).unwrap_err().is_escape());
            assert!(dir.create_dir_all(&Path::new(via).join("sub")).unwrap_err().is_escape());
            assert!(dir.rename(Path::new("keep.txt"), &new).unwrap_err().is_escape());
            assert!(dir.make_fifo(&new, 0o600).unwrap_err().is_escape());
        }
        assert_eq!(std::fs::read_to_string(target.join("keep.txt")).unwrap(), "untouched");
        let names: Vec<_> = std::fs::read_dir(target)
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names, ["keep.txt"], "nothing was created in {}", target.display());
    }
    assert_eq!(std::fs::read_to_string(l.server.join("keep.txt")).unwrap(), "untouched");
}

#[test]
fn a_linked_file_is_refused_and_a_magic_link_too() {
    let l = layout();
    symlink(l.outside.join("keep.txt"), l.server.join("console.log")).unwrap();
    symlink("/proc/self/root/etc/hostname", l.server.join("magic")).unwrap();
    let dir = ServerDir::open(&l.server).unwrap();
    assert!(dir
        .open_append(Path::new("console.log"), 0o644)
        .unwrap_err()
        .is_escape());
    assert!(dir.open_read(Path::new("console.log")).unwrap_err().is_escape());
    assert!(dir.open_read(Path::new("magic")).unwrap_err().is_escape());
    for bad in ["../2/keep.txt", "/etc/hostname", ""] {
        assert!(dir.open_read(Path::new(bad)).unwrap_err().is_escape(), "{bad:?}");
    }
    assert_eq!(
        std::fs::read_to_string(l.outside.join("keep.txt")).unwrap(),
        "untouched"
    );
}

#[test]
fn an_atomic_write_replaces_a_link_instead_of_following_it() {
    let l = layout();
    symlink(l.outside.join("keep.txt"), l.server.join("server.cfg")).unwrap();
    let dir = ServerDir::open(&l.server).unwrap();
    dir.create_atomic(Path::new("server.cfg"), b"password", 0o600).unwrap();
    let meta = std::fs::symlink_metadata(l.server.join("server.cfg")).unwrap();
    assert!(meta.is_file());
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    assert_eq!(
        std::fs::read_to_string(l.server.join("server.cfg")).unwrap(),
        "password"
    );
    assert_eq!(
        std::fs::read_to_string(l.outside.join("keep.txt")).unwrap(),
        "untouched"
    );
    // Removing a link removes the link only.
    symlink(l.outside.join("keep.txt"), l.server.join("gone")).unwrap();
    dir.remove_file(Path::new("gone")).unwrap();
    assert!(l.outside.join("keep.txt").exists());
}

#[test]
fn links_that_stay_inside_are_followed() {
    let l = layout();
    std::fs::create_dir_all(l.server.join("real/deeper")).unwrap();
    symlink("real", l.server.join("alias")).unwrap();
    let dir = ServerDir::open(&l.server).unwrap();
    dir.create_dir_all(Path::new("alias/deeper/more")).unwrap();
    dir.create_atomic(Path::new("alias/deeper/more/a.cfg"), b"a", 0o644)
        .unwrap();
    assert_eq!(
        std::fs::read_to_string(l.server.join("real/deeper/more/a.cfg")).unwrap(),
        "a"
    );
    let names: Vec<String> = dir
        .read_dir(Path::new("alias"))
        .unwrap()
        .into_iter()
        .map(|e| e.name)
        .collect();
    assert_eq!(names, ["deeper"]);
    assert!(dir.metadata(Path::new("alias")).unwrap().file_type().is_symlink());
}

/// A FIFO planted under a file's name is refused at once: opening it for reading or appending
/// would otherwise wait for a writer or a reader that never comes, holding whoever opened it.
#[test]
fn a_fifo_in_place_of_a_file_is_refused_without_blocking() {
    let l = layout();
    let dir = ServerDir::open(&l.server).unwrap();
    dir.make_fifo(Path::new("console.log"), 0o600).unwrap();
    let root = l.server.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let dir = ServerDir::open(&root).unwrap();
        let read = dir.open_read(Path::new("console.log")).map(drop);
        let append = dir.open_append(Path::new("console.log"), 0o644).map(drop);
        let _ = tx.send((read, append));
    });
    // A deadline for the hang, not a speed limit: the answer is immediate when it comes.
    let (read, append) = rx
        .recv_timeout(std::time::Duration::from_secs(20))
        .expect("opening a FIFO blocked");
    assert!(read.is_err(), "a FIFO was opened for reading");
    assert!(append.is_err(), "a FIFO was opened for appending");
    let normal = dir.open_append(Path::new("game.log"), 0o644).unwrap();
    assert!(normal.metadata().unwrap().is_file());
}
