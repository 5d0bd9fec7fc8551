//! What the server knows of the data version without asking the database, and the answers it
//! keeps for it. Every page and API answer is a function of the records (the data version) and
//! the request's URL; while the version stands, a repeated request is answered from memory,
//! as a static file would be. A write through this server takes the new version at once; a
//! write by another process (an import at the command line) is seen within a poll.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};

/// How often the data version is read from the database, for writes made by others.
pub(crate) const POLL: Duration = Duration::from_millis(250);
/// At most this many answers are kept, and none larger than `MAX_BODY`: memory stays bounded
/// whatever is asked.
const CAPACITY: usize = 512;
pub(crate) const MAX_BODY: usize = 4 * 1024 * 1024;
const MAX_TOTAL: usize = 128 * 1024 * 1024;

/// A kept answer.
#[derive(Clone)]
pub(crate) struct Kept {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// What a cached answer depends on: the records' version, and the version of what pages show
/// besides them (accounts, tokens, corrections, publications). Both only grow.
pub(crate) type Version = (i64, i64);

#[derive(Default)]
pub(crate) struct Live {
    /// The versions; (0, 0) until first read.
    version: Mutex<Version>,
    kept: Mutex<Answers>,
    /// The answers being made, each behind a gate the other requests for it wait at.
    making: Mutex<HashMap<String, std::sync::Arc<tokio::sync::Mutex<()>>>>,
    /// The agency's face as read for a version (every page's header shows it).
    face: Mutex<Option<(Version, std::sync::Arc<cadre_app::domain::agency::Face>)>>,
}

#[derive(Default)]
struct Answers {
    version: Version,
    answers: HashMap<String, Kept>,
    bytes: usize,
}

impl Live {
    pub(crate) fn version(&self) -> Version {
        *self.version.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Takes the versions read from the database; answers kept for others are let go.
    pub(crate) fn set_version(&self, v: Version) {
        let changed = {
            let mut held = self.version.lock().unwrap_or_else(|p| p.into_inner());
            std::mem::replace(&mut *held, v) != v
        };
        if changed {
            let mut k = self.kept.lock().unwrap_or_else(|p| p.into_inner());
            if k.version != v {
                *k = Answers {
                    version: v,
                    ..Default::default()
                };
            }
        }
    }

    /// The agency's face, read again once the versions move (an admin's change raises them).
    pub(crate) async fn face(
        &self,
        app: &cadre_app::App,
    ) -> std::sync::Arc<cadre_app::domain::agency::Face> {
        let version = self.version();
        {
            let held = self.face.lock().unwrap_or_else(|p| p.into_inner());
            if let Some((v, face)) = &*held {
                if *v == version {
                    return face.clone();
                }
            }
        }
        match app.face().await {
            Ok(face) => {
                let face = std::sync::Arc::new(face);
                *self.face.lock().unwrap_or_else(|p| p.into_inner()) =
                    Some((version, face.clone()));
                face
            }
            // The database is away: the face last read, or the defaults.
            Err(_) => self
                .face
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .as_ref()
                .map(|(_, f)| f.clone())
                .unwrap_or_default(),
        }
    }

    /// The gate of an answer being made (made now if none is).
    pub(crate) fn gate(&self, key: &str) -> std::sync::Arc<tokio::sync::Mutex<()>> {
        let mut making = self.making.lock().unwrap_or_else(|p| p.into_inner());
        making.entry(key.to_string()).or_default().clone()
    }

    /// Done with a gate: let go of it when no other request holds it (the map stays as small
    /// as the answers being made).
    pub(crate) fn ungate(&self, key: &str, gate: std::sync::Arc<tokio::sync::Mutex<()>>) {
        let mut making = self.making.lock().unwrap_or_else(|p| p.into_inner());
        // This one and the map's.
        if std::sync::Arc::strong_count(&gate) <= 2 {
            making.remove(key);
        }
    }

    pub(crate) fn get(&self, version: Version, key: &str) -> Option<Kept> {
        let k = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        (k.version == version)
            .then(|| k.answers.get(key).cloned())
            .flatten()
    }

    pub(crate) fn keep(&self, version: Version, key: String, answer: Kept) {
        let mut k = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        if k.version != version || answer.body.len() > MAX_BODY {
            return;
        }
        if k.answers.len() >= CAPACITY || k.bytes + answer.body.len() > MAX_TOTAL {
            // Simplest bound: start again. The answers asked for most come back first.
            k.answers.clear();
            k.bytes = 0;
        }
        k.bytes += answer.body.len();
        k.answers.insert(key, answer);
    }
}

/// Whether a request's `If-None-Match` names this entity tag (or any, `*`).
pub(crate) fn names_tag(headers: &HeaderMap, tag: &str) -> bool {
    headers
        .get(axum::http::header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag || t.trim() == "*"))
}
