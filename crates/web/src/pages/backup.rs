//! An admin's backup from the browser: the same consistent copy of the whole database as
//! `cadre backup`, made while the application serves, and sent as a download in pieces (a
//! database of millions of records is never held in memory), its file removed once sent.

use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;

use crate::error::{PageResult, WebError};
use crate::Ctx;

/// How much of the file is read at a time.
const PIECE: usize = 256 * 1024;

/// A body made of the pieces a reading thread sends.
struct Pieces(tokio::sync::mpsc::Receiver<std::io::Result<Bytes>>);

impl http_body::Body for Pieces {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, std::io::Error>>> {
        self.0
            .poll_recv(cx)
            .map(|piece| piece.map(|r| r.map(http_body::Frame::data)))
    }
}

/// Sends the file in pieces from a thread of its own, then removes it.
fn stream_then_remove(path: std::path::PathBuf) -> Body {
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    tokio::task::spawn_blocking(move || {
        use std::io::Read;
        let sent = (|| -> std::io::Result<()> {
            let mut file = std::fs::File::open(&path)?;
            loop {
                let mut buf = vec![0u8; PIECE];
                let n = file.read(&mut buf)?;
                if n == 0 {
                    return Ok(());
                }
                buf.truncate(n);
                if tx.blocking_send(Ok(Bytes::from(buf))).is_err() {
                    // The browser went away: nothing more to send.
                    return Ok(());
                }
            }
        })();
        if let Err(e) = sent {
            let _ = tx.blocking_send(Err(e));
        }
        let _ = std::fs::remove_file(&path);
    });
    Body::new(Pieces(rx))
}

pub(crate) async fn download(s: Ctx) -> PageResult<Response> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let path = std::env::temp_dir().join(format!(
        "cadre-web-backup-{}-{nanos}.db",
        std::process::id()
    ));
    s.app.backup(&s.actor, &path, &mut |_, _| {}).await?;
    let size = std::fs::metadata(&path)
        .map_err(|e| WebError::BadRequest(format!("the backup could not be read: {e}")))?
        .len();
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let (y, m, d) = cadre_app::domain::date::civil_from_days(secs.div_euclid(86_400));
    let day = format!("{y:04}-{m:02}-{d:02}");
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.sqlite3".to_string()),
            (header::CONTENT_LENGTH, size.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"cadre-backup-{day}.db\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        stream_then_remove(path),
    )
        .into_response())
}
