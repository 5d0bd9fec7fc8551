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

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Adds an account with this role and password, as `cadre user add --password-stdin` does,
/// and makes it an API token; says the token.
pub fn account_with_token(dir: &Path, email: &str, role: &str, password: &str) -> String {
    use std::io::Write;
    let mut add = Command::new(env!("CARGO_BIN_EXE_cadre"))
        .args(["user", "add", email, "--role", role, "--password-stdin"])
        .current_dir(dir)
        .env_remove("CADRE_DATABASE_URL")
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    add.stdin
        .take()
        .unwrap()
        .write_all(format!("{password}\n").as_bytes())
        .unwrap();
    assert!(add.wait().unwrap().success());
    let out = cadre(dir, &["token", "create", email]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout).trim().to_string()
}

/// `cadre serve` on a free port of loopback, in `dir`; the process and the address it says it
/// listens on.
pub fn serve(dir: &Path) -> (std::process::Child, String) {
    use std::io::BufRead;
    let mut server = Command::new(env!("CARGO_BIN_EXE_cadre"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .current_dir(dir)
        .env_remove("CADRE_DATABASE_URL")
        .env("RUST_LOG", "warn")
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
