//! Crash safety: cadre killed with SIGKILL (no chance to clean up) in the middle of a large
//! import, and in the middle of a burst of edits through the web application. Afterwards the
//! database opens, `cadre db check` finds it sound, and it holds all or none of each import
//! and each edit: no edit that was acknowledged is lost, none is half written.

mod common;

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{cadre, text};

fn attendance_count(dir: &std::path::Path) -> i64 {
    let conn = rusqlite::Connection::open(dir.join("cadre.db")).unwrap();
    conn.query_row("SELECT COUNT(*) FROM attendance", [], |r| r.get(0))
        .unwrap()
}

fn check_is_sound(dir: &std::path::Path) {
    let out = cadre(dir, &["db", "check"]);
    assert!(
        out.status.success(),
        "db check after the kill: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

#[test]
fn an_import_killed_half_way_leaves_none_of_it_and_a_sound_database() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = cadre(d, &["gen", "--size", "s", "--out", "s"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    for kind in ["partners", "trainings", "sessions"] {
        let out = cadre(d, &["import", kind, &format!("s/{kind}.csv")]);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let before = attendance_count(d);
    let mut child = Command::new(env!("CARGO_BIN_EXE_cadre"))
        .args(["import", "attendance", "s/attendance.csv"])
        .current_dir(d)
        .env_remove("CADRE_DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Killed once it is writing: its log has grown past a few pages.
    let wal = d.join("cadre.db-wal");
    let started = Instant::now();
    while std::fs::metadata(&wal).map_or(0, |m| m.len()) < 4 << 20 {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the import ended before it could be killed: make the file larger"
        );
        assert!(started.elapsed() < Duration::from_secs(120));
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success(), "killed, not finished");

    check_is_sound(d);
    assert_eq!(attendance_count(d), before, "none of the killed import");
    // The same import again goes through whole.
    let out = cadre(d, &["import", "attendance", "s/attendance.csv"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(attendance_count(d) > before + 900_000);
    check_is_sound(d);
}

/// One HTTP/1.1 request on a connection of its own; the status and body, or `None` when the
/// server is not there to answer.
fn request(addr: &str, method: &str, path: &str, token: &str, body: &str) -> Option<(u16, String)> {
    let mut s = std::net::TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .ok()?;
    let mut answer = String::new();
    s.read_to_string(&mut answer).ok()?;
    let status = answer.split(' ').nth(1)?.parse().ok()?;
    let body = answer.split_once("\r\n\r\n").map(|(_, b)| b.to_string())?;
    Some((status, body))
}

#[test]
fn a_server_killed_during_a_burst_of_edits_keeps_every_acknowledged_edit_whole() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (kind, file) in [
        ("partners", "2020/partners.csv"),
        ("trainings", "2020/trainings.csv"),
    ] {
        let out = cadre(d, &["import", kind, common::data(file).to_str().unwrap()]);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let token = common::account_with_token(
        d,
        "robot@agency.example",
        "coordinator",
        "a password long enough",
    );
    let (mut server, addr) = common::serve(d);

    // Two editors, each on a training of its own, saving one edit after another; every edit
    // sets three fields from one number, so a half-written edit would show.
    let (_, list) = request(&addr, "GET", "/api/v1/trainings?limit=2", &token, "").unwrap();
    let list: serde_json::Value = serde_json::from_str(&list).unwrap();
    let editors: Vec<_> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let (addr, token) = (addr.clone(), token.clone());
            let mut record = t.clone();
            std::thread::spawn(move || {
                let id = record["id"].as_i64().unwrap();
                record.as_object_mut().unwrap().remove("id");
                let mut acknowledged = 0;
                for n in 1.. {
                    record["title"] = format!("Edit {n}").into();
                    record["note"] = format!("edit {n}").into();
                    record["participants_total"] = n.into();
                    record["participants_male"] = serde_json::Value::Null;
                    record["participants_female"] = serde_json::Value::Null;
                    let body = record.to_string();
                    match request(
                        &addr,
                        "PUT",
                        &format!("/api/v1/trainings/{id}"),
                        &token,
                        &body,
                    ) {
                        Some((200, answer)) => {
                            let saved: serde_json::Value = serde_json::from_str(&answer).unwrap();
                            record["version"] = saved["version"].clone();
                            acknowledged = n;
                        }
                        Some((status, answer)) => panic!("edit {n}: {status} {answer}"),
                        None => break,
                    }
                }
                (id, acknowledged)
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(1500));
    server.kill().unwrap();
    server.wait().unwrap();
    let results: Vec<(i64, i64)> = editors.into_iter().map(|e| e.join().unwrap()).collect();

    check_is_sound(d);
    let conn = rusqlite::Connection::open(d.join("cadre.db")).unwrap();
    for (id, acknowledged) in results {
        assert!(
            acknowledged > 5,
            "the burst was under way: {acknowledged} edits"
        );
        let (title, note, total): (String, String, i64) = conn
            .query_row(
                "SELECT title, note, participants_total FROM trainings WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!(
            (title.as_str(), note.as_str()),
            (
                format!("Edit {total}").as_str(),
                format!("edit {total}").as_str()
            ),
            "one edit, whole"
        );
        // The edit in flight at the kill may have landed unacknowledged; none acknowledged is lost.
        assert!(
            total == acknowledged || total == acknowledged + 1,
            "training {id}: {total} kept, {acknowledged} acknowledged"
        );
    }
}
