//! Several nodes: two `cadre serve` processes over one PostgreSQL schema, behind nginx (Debian)
//! as the load balancer. A sign-in made through one node holds on the other; an edit through
//! one node shows in the other's report within a second; and with one node killed (SIGKILL)
//! under load, no request fails beyond those it had in hand when it died.

mod common;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{api, cadre_on, data, request, text};

/// The dashboard as the holder of `cookie` sees it: its status and whether it is signed in.
fn dashboard(addr: &str, cookie: &str) -> (u16, bool) {
    let (status, _, body) = request(addr, &format!("GET / HTTP/1.1\r\nCookie: {cookie}"), "")
        .expect("the server answers");
    (status, body.contains("Sign out"))
}

/// The PostgreSQL the tests use (`CADRE_TEST_POSTGRES`, else the local one).
fn postgres_base() -> String {
    std::env::var("CADRE_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string())
}

/// A schema of this test process's own on `base`: its name, and the address that names it.
fn schema_on(base: &str, prefix: &str) -> (String, String) {
    let schema = format!("cadre_{prefix}_{}", std::process::id());
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}schema={schema}");
    (schema, url)
}

/// Drops what a test left on the database.
fn drop_schema(base: &str, schema: &str) {
    let _ = Command::new("psql")
        .args([
            base,
            "-qAtc",
            &format!("DROP SCHEMA IF EXISTS {schema} CASCADE"),
        ])
        .output();
}

/// A port of loopback free a moment ago.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// nginx in the foreground, balancing over `nodes`, listening on a free port of loopback; its
/// files in `dir`. A request a node refuses or drops before answering goes to the other.
fn nginx(dir: &Path, nodes: &[String]) -> (Child, String) {
    let port = free_port();
    let d = dir.display();
    let servers: String = nodes
        .iter()
        .map(|n| format!("    server {n} max_fails=1 fail_timeout=30s;\n"))
        .collect();
    let conf = format!(
        "daemon off;\nmaster_process off;\nworker_processes 1;\nerror_log {d}/error.log;\n\
         pid {d}/nginx.pid;\nevents {{ worker_connections 512; }}\nhttp {{\n  access_log off;\n\
         client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n\
         fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n\
         upstream cadre {{\n{servers}  }}\n  server {{\n    listen 127.0.0.1:{port};\n\
         location / {{\n      proxy_pass http://cadre;\n      proxy_set_header Host $http_host;\n\
         proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n\
         proxy_next_upstream error timeout http_502;\n      proxy_connect_timeout 2s;\n\
         }}\n  }}\n}}\n"
    );
    std::fs::write(dir.join("nginx.conf"), conf).unwrap();
    let binary = if Path::new("/usr/sbin/nginx").exists() {
        "/usr/sbin/nginx"
    } else {
        "nginx"
    };
    let child = Command::new(binary)
        .args(["-p", &d.to_string(), "-c", &format!("{d}/nginx.conf")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("nginx is needed (Debian's package nginx; scripts/test.sh installs it)");
    let addr = format!("127.0.0.1:{port}");
    let started = Instant::now();
    while std::net::TcpStream::connect(&addr).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "nginx did not start: {}",
            std::fs::read_to_string(dir.join("error.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    (child, addr)
}

#[test]
fn two_nodes_behind_nginx_share_sign_ins_follow_each_other_and_outlive_one_of_them() {
    if Command::new("wrk").arg("--version").output().is_err() {
        panic!("wrk is needed (Debian's package wrk; scripts/test.sh installs it)");
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let base = postgres_base();
    let (schema, url) = schema_on(&base, "nodes");
    for (kind, file) in [
        ("partners", "2020/partners.csv"),
        ("trainings", "2020/trainings.csv"),
        ("sessions", "2020/sessions.csv"),
    ] {
        let out = cadre_on(d, &url, &["import", kind, data(file).to_str().unwrap()]);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let password = "a password long enough";
    let token = common::account_with_token_on(d, &url, "editor@agency.example", password);
    let (mut first, first_addr) = common::serve_on(d, &url, &["--trust-proxy"]);
    let (mut second, second_addr) = common::serve_on(d, &url, &["--trust-proxy"]);
    let (mut balancer, addr) = nginx(d, &[first_addr.clone(), second_addr.clone()]);

    // Signed in through the balancer (whichever node answers), signed in on both.
    let cookie = common::sign_in_cookie(&addr, "editor@agency.example", password);
    for node in [&first_addr, &second_addr] {
        assert_eq!(dashboard(node, &cookie), (200, true), "signed in on {node}");
    }

    // An edit through one node is in the other's report within a second.
    let (_, list) = api(&first_addr, &token, "GET", "/api/v1/trainings?limit=1", "");
    let id = list["items"][0]["id"].as_i64().unwrap();
    let path = format!("/api/v1/trainings/{id}");
    let (_, mut record) = api(&first_addr, &token, "GET", &path, "");
    let year = &record["start_date"].as_str().unwrap()[..4];
    let report = format!("/api/v1/report?from={year}-01-01&to={year}-12-31");
    let (_, before) = api(&second_addr, &token, "GET", &report, "");
    assert!(before["trainings_list"].is_array(), "{before}");
    record.as_object_mut().unwrap().remove("id");
    let title = "Renamed through the first node";
    record["title"] = title.into();
    let (status, saved) = api(&first_addr, &token, "PUT", &path, &record.to_string());
    assert_eq!(status, 200, "{saved}");
    let saved_at = Instant::now();
    let shows = |answer: &serde_json::Value| {
        answer["trainings_list"]
            .as_array()
            .is_some_and(|l| l.iter().any(|t| t["title"] == title))
    };
    loop {
        let (_, now) = api(&second_addr, &token, "GET", &report, "");
        if shows(&now) {
            break;
        }
        assert!(
            saved_at.elapsed() < Duration::from_secs(1),
            "the second node's report still lacks the edit a second after it was saved"
        );
        std::thread::sleep(Duration::from_millis(20));
    }

    // Load through nginx; the first node killed a third of the way in. wrk counts an answer
    // that is not 2xx or 3xx, and a connection that failed, as errors: there may be no more
    // than the connections the dead node held at the moment it died.
    let connections = 20;
    let seconds = 6;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/load.lua");
    let wrk = Command::new("wrk")
        .args([
            "-t2",
            &format!("-c{connections}"),
            &format!("-d{seconds}s"),
            "-s",
            script.to_str().unwrap(),
            &format!("http://{addr}"),
        ])
        .env("CADRE_LOAD_COOKIE", &cookie)
        .env("CADRE_LOAD_TOKEN", &token)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(seconds / 3));
    first.kill().unwrap();
    first.wait().unwrap();
    let out = wrk.wait_with_output().unwrap();
    let report_text = text(&out.stdout);
    println!("{report_text}");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let failed =
        count_after(&report_text, "Non-2xx or 3xx responses:") + socket_errors(&report_text);
    assert!(
        failed <= connections,
        "{failed} requests failed, more than the {connections} in flight:\n{report_text}"
    );
    let served = report_text
        .lines()
        .find_map(|l| l.trim().split(" requests in ").next()?.parse::<u64>().ok())
        .unwrap_or(0);
    assert!(served > 100, "{report_text}");

    // The survivor serves on, signed-in and editing, through the balancer.
    assert_eq!(dashboard(&addr, &cookie), (200, true));
    record["title"] = "Renamed through the balancer".into();
    record["version"] = saved["version"].clone();
    let (status, again) = api(&addr, &token, "PUT", &path, &record.to_string());
    assert_eq!(status, 200, "{again}");

    balancer.kill().unwrap();
    balancer.wait().unwrap();
    second.kill().unwrap();
    second.wait().unwrap();
    drop_schema(&base, &schema);
}

/// A form posted as a browser of this site does, with the cookie: the status.
fn post(addr: &str, cookie: &str, path: &str, form: &str) -> u16 {
    let head = format!(
        "POST {path} HTTP/1.1\r\nCookie: {cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\nSec-Fetch-Site: same-origin"
    );
    request(addr, &head, form).expect("the server answers").0
}

/// The page's HTML as the holder of `cookie` sees it.
fn page(addr: &str, cookie: &str, path: &str) -> String {
    request(
        addr,
        &format!("GET {path} HTTP/1.1\r\nCookie: {cookie}"),
        "",
    )
    .expect("the server answers")
    .2
}

/// Waits until `refused` says so on the other node: within a second, or the test fails.
fn refused_within_a_second(what: &str, refused: impl Fn() -> bool) {
    let started = Instant::now();
    while !refused() {
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{what}: the other node still accepts it a second later"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Every event that ends or changes a sign-in or a token takes effect on the very next request
/// on the node where it happens, and within a second on the other node over PostgreSQL, though
/// both check sign-ins and tokens from memory.
#[test]
fn what_ends_a_sign_in_or_a_token_holds_at_once_here_and_within_a_second_there() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let base = postgres_base();
    let (schema, url) = schema_on(&base, "ends");
    let password = "a password long enough";
    common::account_of_role_on(d, &url, "admin@agency.example", "admin", password);
    common::account_with_token_on(d, &url, "editor@agency.example", password);
    let (mut here, here_addr) = common::serve_on(d, &url, &[]);
    let (mut there, there_addr) = common::serve_on(d, &url, &[]);
    let admin = common::sign_in_cookie(&here_addr, "admin@agency.example", password);
    let users = page(&here_addr, &admin, "/admin/users");
    let row = users
        .split("editor@agency.example")
        .nth(1)
        .expect("the editor's row");
    let editor_id = row
        .split("/admin/users/")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("the editor's form")
        .to_string();
    let signed_in = |node: &str, cookie: &str| dashboard(node, cookie) == (200, true);
    let token_works =
        |node: &str, token: &str| api(node, token, "GET", "/api/v1/trainings?limit=1", "").0 == 200;

    let mut editor_password = password.to_string();
    for event in [
        "sign-out",
        "sign-out everywhere",
        "token revoked",
        "disabled",
        "password reset",
        "role changed",
    ] {
        // A fresh sign-in and token, each used on both nodes (so both hold them).
        let cookie = common::sign_in_cookie(&here_addr, "editor@agency.example", &editor_password);
        let out = common::cadre_on(d, &url, &["token", "create", "editor@agency.example"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let token = text(&out.stdout).trim().to_string();
        for node in [&here_addr, &there_addr] {
            assert!(signed_in(node, &cookie), "{event}: signed in on {node}");
            assert!(
                token_works(node, &token),
                "{event}: the token works on {node}"
            );
        }
        let token_id = page(&here_addr, &cookie, "/account")
            .split("/account/tokens/")
            .filter_map(|r| r.split('/').next()?.parse::<i64>().ok())
            .max()
            .expect("the new token's revoke form");
        let editor = format!("/admin/users/{editor_id}");
        let status = match event {
            "sign-out" => post(&here_addr, &cookie, "/sign-out", ""),
            "sign-out everywhere" => post(&here_addr, &cookie, "/sign-out-everywhere", ""),
            "token revoked" => post(
                &here_addr,
                &cookie,
                &format!("/account/tokens/{token_id}/revoke"),
                "",
            ),
            "disabled" => post(&here_addr, &admin, &editor, "action=disable"),
            "password reset" => {
                editor_password = "another password, long enough".into();
                post(
                    &here_addr,
                    &admin,
                    &editor,
                    "action=password&password=another+password%2C+long+enough",
                )
            }
            _ => post(&here_addr, &admin, &editor, "action=role&role=viewer"),
        };
        assert_eq!(status, 303, "{event}");
        // What it ends: the sign-in (all but a token's revocation), the token (all but
        // signing out, which ends sign-ins only).
        let ends_sign_in = event != "token revoked";
        let ends_token = !event.starts_with("sign-out");
        if ends_sign_in {
            assert!(!signed_in(&here_addr, &cookie), "{event}: here, at once");
            refused_within_a_second(event, || !signed_in(&there_addr, &cookie));
        } else {
            assert!(signed_in(&here_addr, &cookie), "{event}: the sign-in stays");
        }
        if ends_token {
            assert!(
                !token_works(&here_addr, &token),
                "{event}: the token, here, at once"
            );
            refused_within_a_second(event, || !token_works(&there_addr, &token));
        }
        if event == "disabled" {
            assert_eq!(post(&here_addr, &admin, &editor, "action=enable"), 303);
        }
    }

    here.kill().unwrap();
    here.wait().unwrap();
    there.kill().unwrap();
    there.wait().unwrap();
    drop_schema(&base, &schema);
}

/// The number after `label` in wrk's report (0 when the line is not there).
fn count_after(report: &str, label: &str) -> u64 {
    report
        .lines()
        .find_map(|l| l.trim().strip_prefix(label))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0)
}

/// The sum of wrk's socket errors (connect, read, write, timeout).
fn socket_errors(report: &str) -> u64 {
    report
        .lines()
        .find_map(|l| l.trim().strip_prefix("Socket errors:"))
        .map(|l| {
            l.split(',')
                .filter_map(|part| part.split_whitespace().last()?.parse::<u64>().ok())
                .sum()
        })
        .unwrap_or(0)
}

/// The report API's answer for 2020 as `token` sees it on `node`: the trainings' titles.
fn titles(node: &str, token: &str) -> Vec<String> {
    let (status, report) = api(
        node,
        token,
        "GET",
        "/api/v1/report?from=2020-01-01&to=2020-12-31",
        "",
    );
    assert_eq!(status, 200, "{report}");
    report["trainings_list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["title"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn a_node_reads_its_engine_from_the_read_replica_and_from_the_primary_when_it_lags() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let base = postgres_base();
    let (primary_schema, primary) = schema_on(&base, "primary");
    let (replica_schema, replica) = schema_on(&base, "replica");
    for (kind, file) in [
        ("partners", "2020/partners.csv"),
        ("trainings", "2020/trainings.csv"),
        ("sessions", "2020/sessions.csv"),
    ] {
        let out = cadre_on(d, &primary, &["import", kind, data(file).to_str().unwrap()]);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let token = common::account_with_token_on(
        d,
        &primary,
        "editor@agency.example",
        "a password long enough",
    );
    // The replica: a copy of the primary as it stands (what replication keeps), with one
    // title changed behind cadre's back, so that what is read from it can be told apart.
    let backup = d.join("primary.sqlite");
    let out = cadre_on(d, &primary, &["backup", backup.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // One installation: the replica takes the primary's audit key.
    let key = d.join(format!("cadre-data/audit-{primary_schema}.key"));
    let out = cadre_on(
        d,
        &replica,
        &[
            "restore",
            backup.to_str().unwrap(),
            "--audit-key",
            key.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let psql = |sql: &str| -> String {
        let out = Command::new("psql")
            .args([&base, "-qAtc", sql])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    let ids: Vec<i64> = psql(&format!(
        "SELECT id FROM {primary_schema}.trainings ORDER BY id LIMIT 2"
    ))
    .lines()
    .map(|l| l.trim().parse().unwrap())
    .collect();
    psql(&format!(
        "UPDATE {replica_schema}.trainings SET title = 'Only on the replica' WHERE id = {};
         UPDATE {replica_schema}.data_version SET n = (SELECT n FROM {primary_schema}.data_version)",
        ids[0]
    ));

    let (mut node, addr) = common::serve_on(d, &primary, &["--read-replica", &replica]);
    assert!(
        titles(&addr, &token).contains(&"Only on the replica".to_string()),
        "the engine was built from the replica"
    );
    // A write through the node goes to the primary and into the node's engine at once.
    let path = format!("/api/v1/trainings/{}", ids[1]);
    let (_, mut record) = api(&addr, &token, "GET", &path, "");
    record.as_object_mut().unwrap().remove("id");
    record["title"] = "Edited on the primary".into();
    let (status, saved) = api(&addr, &token, "PUT", &path, &record.to_string());
    assert_eq!(status, 200, "{saved}");
    let now = titles(&addr, &token);
    assert!(
        now.contains(&"Edited on the primary".to_string()),
        "{now:?}"
    );
    // A write by another process, which this replica (a copy, not replicated) never receives:
    // the node stops waiting for it and builds from the primary.
    let out = cadre_on(d, &primary, &["quality", "set", "no_partner", "--off"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let started = Instant::now();
    loop {
        let now = titles(&addr, &token);
        if !now.contains(&"Only on the replica".to_string()) {
            assert!(
                now.contains(&"Edited on the primary".to_string()),
                "{now:?}"
            );
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "the node still reads a replica that lags: {now:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    node.kill().unwrap();
    node.wait().unwrap();
    for schema in [primary_schema, replica_schema] {
        psql(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
    }
}
