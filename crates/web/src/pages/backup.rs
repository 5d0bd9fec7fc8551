//! An admin's backup from the browser: the same consistent copy of the whole database as
//! `cadre backup`, made while the application serves, and sent as a download in pieces (a
//! database of millions of records is never held in memory), its file removed once sent.

use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;

use crate::error::PageResult;
use crate::Ctx;

/// A body made of the pieces a reading thread sends.
struct Pieces(tokio::sync::mpsc::Receiver<std::io::Result<Vec<u8>>>);

impl http_body::Body for Pieces {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, std::io::Error>>> {
        self.0
            .poll_recv(cx)
            .map(|piece| piece.map(|r| r.map(|b| http_body::Frame::data(Bytes::from(b)))))
    }
}

pub(crate) async fn download(s: Ctx) -> PageResult<Response> {
    let file = s.app.backup_for_download(&s.actor).await?;
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let (y, m, d) = cadre_app::domain::date::civil_from_days(secs.div_euclid(86_400));
    let day = format!("{y:04}-{m:02}-{d:02}");
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.sqlite3".to_string()),
            (header::CONTENT_LENGTH, file.size.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"cadre-backup-{day}.db\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        Body::new(Pieces(cadre_app::read_then_remove(file.path))),
    )
        .into_response())
}
