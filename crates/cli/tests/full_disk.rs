//! A full disk under `cadre serve`: while the disk is full, writes fail (and say so); once
//! space is freed, sign-ins, reads and writes succeed again within seconds, with no restart.
//! (A connection that kept a failed transaction once went back to the pool and refused most
//! sign-ins for minutes.) The disk is a small tmpfs mounted for the test, which needs root,
//! as the machines cadre is tested on give.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{account_with_token, api, cadre, data, request, serve, text};

/// A tmpfs of `mib` MiB at `at`, unmounted when dropped.
struct SmallDisk(std::path::PathBuf);

impl SmallDisk {
    fn mount(at: &Path, mib: u32) -> SmallDisk {
        std::fs::create_dir_all(at).unwrap();
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={mib}m"), "tmpfs"])
            .arg(at)
            .output()
            .expect("mount runs");
        assert!(
            out.status.success(),
            "this test mounts a small tmpfs to fill, which needs root: {}",
            text(&out.stderr)
        );
        SmallDisk(at.to_path_buf())
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// Writes a file of zeros until the disk has no room left.
fn fill(path: &Path) {
    use std::io::Write;
    let mut f = std::fs::File::create(path).unwrap();
    let block = vec![0u8; 64 * 1024];
    while f.write_all(&block).is_ok() {}
    let _ = f.sync_all();
}

fn sign_in(addr: &str) -> u16 {
    request(
        addr,
        "POST /sign-in HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\nSec-Fetch-Site: same-origin",
        "email=editor%40agency.example&password=a+password+long+enough",
    )
    .map_or(0, |(status, _, _)| status)
}

#[test]
fn after_a_full_disk_is_freed_the_server_signs_in_reads_and_writes_again() {
    let dir = tempfile::tempdir().unwrap();
    let disk = dir.path().join("disk");
    let _mounted = SmallDisk::mount(&disk, 12);
    for (kind, file) in [
        ("partners", "2020/partners.csv"),
        ("trainings", "2020/trainings.csv"),
    ] {
        let out = cadre(&disk, &["import", kind, data(file).to_str().unwrap()]);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let token = account_with_token(
        &disk,
        "editor@agency.example",
        "coordinator",
        "a password long enough",
    );
    let (mut server, addr) = serve(&disk);
    assert_eq!(sign_in(&addr), 303);

    // The disk fills up: writes fail, each with an answer.
    let filler = disk.join("filler");
    fill(&filler);
    let mut refused = 0;
    for n in 0..20 {
        let body = format!(
            r#"{{"given_name":"Full","family_name":"Disk {n}","email":"full{n}@example.org"}}"#
        );
        let (status, _) = api(&addr, &token, "POST", "/api/v1/participants", &body);
        if status >= 500 {
            refused += 1;
        }
        sign_in(&addr);
    }
    assert!(refused > 0, "a full disk refuses writes");
    // An import on the command line fails whole, and says so.
    let sessions = data("2020/sessions.csv");
    let out = cadre(&disk, &["import", "sessions", sessions.to_str().unwrap()]);
    assert!(!out.status.success(), "{}", text(&out.stdout));

    // Space comes back: within seconds every sign-in, read and write succeeds again.
    std::fs::remove_file(&filler).unwrap();
    let start = Instant::now();
    let healthy = loop {
        let signed_in = (0..10).filter(|_| sign_in(&addr) == 303).count();
        let (read, _) = api(&addr, &token, "GET", "/api/v1/trainings?limit=5", "");
        let body = format!(
            r#"{{"given_name":"After","family_name":"The Disk {}","email":"after{}@example.org"}}"#,
            start.elapsed().as_millis(),
            start.elapsed().as_nanos()
        );
        let (wrote, _) = api(&addr, &token, "POST", "/api/v1/participants", &body);
        if signed_in == 10 && read == 200 && wrote == 201 {
            break true;
        }
        if start.elapsed() > Duration::from_secs(10) {
            eprintln!(
                "after {:?}: {signed_in}/10 sign-ins, read {read}, write {wrote}",
                start.elapsed()
            );
            break false;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let _ = server.kill();
    let _ = server.wait();
    assert!(
        healthy,
        "the server did not recover within 10 seconds of space coming back"
    );
    // What it holds is sound; the import that failed is nowhere as committed, and once done
    // again it is in the history and the trail alike.
    let out = cadre(&disk, &["db", "check"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let committed = |what: &[&str]| {
        let out = cadre(&disk, what);
        text(&out.stdout)
            .lines()
            .filter(|l| {
                l.contains("sessions.csv") && (l.contains("committed") || l.contains("imported"))
            })
            .count()
    };
    assert_eq!(committed(&["import", "history"]), 0);
    assert_eq!(committed(&["audit", "list", "--limit", "1000"]), 0);
    let out = cadre(&disk, &["import", "sessions", sessions.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(committed(&["import", "history"]), 1);
    assert_eq!(committed(&["audit", "list", "--limit", "1000"]), 1);
}
