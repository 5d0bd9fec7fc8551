//! Load, bounded: 50 connections (wrk, from Debian) for `CADRE_LOAD_SECONDS` (10 by default;
//! `bench/load.sh` runs 60 on a release build) over the dashboard, the trainings list with a
//! search, the report page and the API, signed in, while two coordinators save edits: each to
//! a training of its own and both to a third. No server error and no socket error; every
//! acknowledged edit is in the final state (the last one acknowledged of each training), and
//! every refused one was told so (409) and saved again from the version it was told.

mod common;

use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use common::{api, cadre, data, text};

/// An editor saving edits in turn to its trainings until told to stop: (training, title) of
/// each acknowledged edit with the version it made, the refusals it was told, server errors.
fn editor(
    addr: String,
    token: String,
    name: &'static str,
    trainings: Vec<i64>,
    stop: Arc<AtomicBool>,
) -> (Vec<(i64, i64, String)>, u64, Vec<String>) {
    let (mut acknowledged, mut refused, mut errors) = (Vec::new(), 0, Vec::new());
    let mut n = 0;
    while !stop.load(Ordering::SeqCst) {
        for &id in &trainings {
            n += 1;
            let path = format!("/api/v1/trainings/{id}");
            let (_, mut record) = api(&addr, &token, "GET", &path, "");
            record.as_object_mut().unwrap().remove("id");
            let title = format!("{name} edit {n}");
            record["title"] = title.clone().into();
            let (status, saved) = api(&addr, &token, "PUT", &path, &record.to_string());
            match status {
                200 => acknowledged.push((id, saved["version"].as_i64().unwrap(), title)),
                // The other editor saved between this one's read and write: told, not lost.
                409 => refused += 1,
                s => errors.push(format!("{name}: PUT {path}: {s} {saved}")),
            }
        }
    }
    (acknowledged, refused, errors)
}

#[test]
fn fifty_readers_and_two_editors_meet_no_error_and_lose_no_edit() {
    if Command::new("wrk").arg("--version").output().is_err() {
        panic!("wrk is needed (Debian's package wrk; scripts/test.sh installs it)");
    }
    let seconds: u64 = std::env::var("CADRE_LOAD_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (kind, file) in [
        ("partners", "2020/partners.csv"),
        ("trainings", "2020/trainings.csv"),
        ("sessions", "2020/sessions.csv"),
        ("published", "2020/period-2020-published.csv"),
    ] {
        let out = cadre(d, &["import", kind, data(file).to_str().unwrap()]);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let password = "a password long enough";
    let reader_token =
        common::account_with_token(d, "reader@agency.example", "coordinator", password);
    let editor_token =
        common::account_with_token(d, "editor@agency.example", "coordinator", password);
    let (mut server, addr) = common::serve(d);
    // The reader signs in as a browser does, for the pages.
    let cookie = common::sign_in_cookie(&addr, "reader@agency.example", password);

    let (_, list) = api(&addr, &editor_token, "GET", "/api/v1/trainings?limit=3", "");
    let ids: Vec<i64> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .collect();
    let (own_a, own_b, shared) = (ids[0], ids[1], ids[2]);
    let stop = Arc::new(AtomicBool::new(false));
    let editors: Vec<_> = [("first", own_a), ("second", own_b)]
        .into_iter()
        .map(|(name, own)| {
            let (addr, token, stop) = (addr.clone(), editor_token.clone(), stop.clone());
            std::thread::spawn(move || editor(addr, token, name, vec![own, shared], stop))
        })
        .collect();

    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/load.lua");
    let wrk = Command::new("wrk")
        .args([
            "-t2",
            "-c50",
            &format!("-d{seconds}s"),
            "--latency",
            "-s",
            script.to_str().unwrap(),
            &format!("http://{addr}"),
        ])
        .env("CADRE_LOAD_COOKIE", &cookie)
        .env("CADRE_LOAD_TOKEN", &reader_token)
        .output()
        .unwrap();
    stop.store(true, Ordering::SeqCst);
    let results: Vec<_> = editors.into_iter().map(|e| e.join().unwrap()).collect();
    let report = text(&wrk.stdout);
    println!("{report}");
    assert!(wrk.status.success(), "{}", text(&wrk.stderr));
    assert!(!report.contains("Non-2xx or 3xx responses"), "{report}");
    assert!(!report.contains("Socket errors"), "{report}");
    let served: u64 = report
        .lines()
        .find_map(|l| l.trim().split(" requests in ").next()?.parse().ok())
        .unwrap_or(0);
    assert!(served > 100, "{report}");

    // Every acknowledged edit is in the final state: the last acknowledged of each training.
    let mut last: std::collections::HashMap<i64, (i64, String)> = Default::default();
    let mut refused = 0;
    for (acknowledged, told, errors) in &results {
        assert!(errors.is_empty(), "{errors:?}");
        assert!(!acknowledged.is_empty());
        refused += told;
        for (id, version, title) in acknowledged {
            let e = last.entry(*id).or_insert((0, String::new()));
            if *version > e.0 {
                *e = (*version, title.clone());
            }
        }
    }
    for (id, (version, title)) in &last {
        let (_, now) = api(
            &addr,
            &editor_token,
            "GET",
            &format!("/api/v1/trainings/{id}"),
            "",
        );
        assert_eq!(
            (
                now["version"].as_i64().unwrap(),
                now["title"].as_str().unwrap()
            ),
            (*version, title.as_str()),
            "training {id}: the last acknowledged edit is what is kept"
        );
    }
    println!(
        "edits acknowledged: {:?}; refused and told: {refused}",
        results.iter().map(|r| r.0.len()).collect::<Vec<_>>()
    );
    server.kill().unwrap();
    server.wait().unwrap();
}
