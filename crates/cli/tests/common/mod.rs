//! What the command-line tests share: the data folder, and the binary run in a folder.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn data(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../data")
        .join(path)
}

/// `cadre ARGS` in `dir`, with no database named by the environment.
pub fn cadre(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cadre"))
        .args(args)
        .current_dir(dir)
        .env_remove("CADRE_DATABASE_URL")
        .output()
        .unwrap()
}

/// `cadre ARGS` in `dir` on the database at `url`.
pub fn cadre_on(dir: &Path, url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cadre"))
        .args(args)
        .current_dir(dir)
        .env("CADRE_DATABASE_URL", url)
        .output()
        .unwrap()
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Adds an account with this role and password, as `cadre user add --password-stdin` does,
/// and makes it an API token; says the token.
pub fn account_with_token(dir: &Path, email: &str, role: &str, password: &str) -> String {
    account_with_token_at(dir, None, email, role, password)
}

/// The same, a coordinator's, on the database at `url`.
pub fn account_with_token_on(dir: &Path, url: &str, email: &str, password: &str) -> String {
    account_with_token_at(dir, Some(url), email, "coordinator", password)
}

/// The same with a role of choice, on the database at `url`.
pub fn account_of_role_on(
    dir: &Path,
    url: &str,
    email: &str,
    role: &str,
    password: &str,
) -> String {
    account_with_token_at(dir, Some(url), email, role, password)
}

fn account_with_token_at(
    dir: &Path,
    url: Option<&str>,
    email: &str,
    role: &str,
    password: &str,
) -> String {
    use std::io::Write;
    let mut command = Command::new(env!("CARGO_BIN_EXE_cadre"));
    command
        .args(["user", "add", email, "--role", role, "--password-stdin"])
        .current_dir(dir)
        .env_remove("CADRE_DATABASE_URL");
    if let Some(url) = url {
        command.env("CADRE_DATABASE_URL", url);
    }
    let mut add = command.stdin(std::process::Stdio::piped()).spawn().unwrap();
    add.stdin
        .take()
        .unwrap()
        .write_all(format!("{password}\n").as_bytes())
        .unwrap();
    assert!(add.wait().unwrap().success());
    let out = match url {
        Some(url) => cadre_on(dir, url, &["token", "create", email]),
        None => cadre(dir, &["token", "create", email]),
    };
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout).trim().to_string()
}

/// `cadre serve` on a free port of loopback, in `dir`; the process and the address it says it
/// listens on.
pub fn serve(dir: &Path) -> (std::process::Child, String) {
    serve_at(dir, None, &[])
}

/// The same on the database at `url`, with more options of `cadre serve`.
pub fn serve_on(dir: &Path, url: &str, options: &[&str]) -> (std::process::Child, String) {
    serve_at(dir, Some(url), options)
}

fn serve_at(dir: &Path, url: Option<&str>, options: &[&str]) -> (std::process::Child, String) {
    use std::io::BufRead;
    let mut command = Command::new(env!("CARGO_BIN_EXE_cadre"));
    command
        .args(["serve", "--addr", "127.0.0.1:0"])
        .args(options)
        .current_dir(dir)
        .env_remove("CADRE_DATABASE_URL")
        .env("RUST_LOG", "warn");
    if let Some(url) = url {
        command.env("CADRE_DATABASE_URL", url);
    }
    let mut server = command
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(server.stdout.take().unwrap()).lines();
    let addr = loop {
        let line = lines
            .next()
            .expect("the server says where it listens")
            .unwrap();
        if let Some(rest) = line.split("http://").nth(1) {
            break rest.split('/').next().unwrap().to_string();
        }
    };
    (server, addr)
}

/// One HTTP/1.1 request on its own connection: status, headers and body.
pub fn request(addr: &str, head: &str, body: &str) -> Option<(u16, String, String)> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .ok()?;
    write!(
        s,
        "{head}\r\nHost: {addr}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .ok()?;
    let mut answer = String::new();
    s.read_to_string(&mut answer).ok()?;
    let status = answer.split(' ').nth(1)?.parse().ok()?;
    let (headers, body) = answer.split_once("\r\n\r\n")?;
    Some((status, headers.to_string(), body.to_string()))
}

/// An API call with a bearer token: status and JSON answer.
pub fn api(
    addr: &str,
    token: &str,
    method: &str,
    path: &str,
    body: &str,
) -> (u16, serde_json::Value) {
    let head = format!(
        "{method} {path} HTTP/1.1\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json"
    );
    let (status, _, body) = request(addr, &head, body).expect("the server answers");
    (status, serde_json::from_str(&body).unwrap_or_default())
}

/// Signs in at `addr` as a browser does (the form); says the sign-in cookie, `name=value`.
pub fn sign_in_cookie(addr: &str, email: &str, password: &str) -> String {
    let form = format!(
        "email={}&password={}",
        email.replace('@', "%40"),
        password.replace(' ', "+")
    );
    let (status, headers, _) = request(
        addr,
        "POST /sign-in HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\nSec-Fetch-Site: same-origin",
        &form,
    )
    .expect("the server answers");
    assert_eq!(status, 303, "signed in");
    headers
        .lines()
        .find_map(|l| {
            l.strip_prefix("set-cookie: ")
                .or_else(|| l.strip_prefix("Set-Cookie: "))
        })
        .and_then(|c| c.split(';').next())
        .expect("a sign-in cookie")
        .to_string()
}

pub fn load_2020(dir: &Path) {
    for (kind, file) in [
        ("partners", "partners.csv"),
        ("trainings", "trainings.csv"),
        ("sessions", "sessions.csv"),
    ] {
        let out = cadre(
            dir,
            &[
                "import",
                kind,
                data(&format!("2020/{file}")).to_str().unwrap(),
            ],
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
}

/// An attendance file of `n` new persons, all in one training.
pub fn roster(path: &Path, training: &str, tag: &str, n: usize) {
    let mut text = String::from(
        "training_code,session_date,given_name,family_name,email,gender,country,organisation,department,completed\n",
    );
    for i in 0..n {
        text.push_str(&format!(
            "{training},,P{i},Q{tag},p{i}.{tag}@example.org,F,BB,,,yes\n"
        ));
    }
    std::fs::write(path, text).unwrap();
}

/// The error line says each cause once (sqlx's errors repeat their cause in their text).
pub fn assert_said_once(stderr: &str) {
    let line = stderr.trim_end();
    let line = line.strip_prefix("error: ").unwrap_or(line);
    let parts: Vec<&str> = line.split(": ").collect();
    for (i, part) in parts.iter().enumerate() {
        assert!(
            !parts[i + 1..]
                .iter()
                .any(|later| later.contains(part) || part.contains(later)),
            "repeated {part:?} in {line:?}"
        );
    }
}
