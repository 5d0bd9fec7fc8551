//! Chromium for the browser tests: chromedriver started on a free port and ended with the
//! test, and headless sessions the size of a desktop or (with options) of a phone.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder};
use serde_json::{json, Value};

/// chromedriver, ended when dropped (Chromium with it: every session is closed first).
pub(crate) struct Driver {
    child: Child,
    pub(crate) url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub(crate) async fn driver() -> Driver {
    let bin = std::env::var("CADRE_CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
    let port = free_port();
    let child = Command::new(&bin)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("{bin} cannot be started ({e}): install chromium and chromium-driver (scripts/test.sh does)")
        });
    let d = Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return d;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not listen on port {port}");
}

pub(crate) async fn browser(d: &Driver, width: u32) -> Client {
    session(d, json!({ "args": [format!("--window-size={width},900")] })).await
}

/// A Chromium session, headless, with these options of chromedriver's `goog:chromeOptions`
/// besides (its `args` added to the headless ones).
pub(crate) async fn session(d: &Driver, mut options: Value) -> Client {
    let chromium = std::env::var("CADRE_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let mut args = vec![
        json!("--headless=new"),
        json!("--no-sandbox"),
        json!("--disable-dev-shm-usage"),
        json!("--disable-gpu"),
    ];
    if let Some(more) = options.get("args").and_then(Value::as_array) {
        args.extend(more.iter().cloned());
    }
    options["args"] = Value::Array(args);
    options["binary"] = json!(chromium);
    let caps = json!({ "browserName": "chrome", "goog:chromeOptions": options });
    let mut b = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
    b.capabilities(caps.as_object().unwrap().clone());
    b.connect(&d.url).await.expect("a Chromium session")
}
