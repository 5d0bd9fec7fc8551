//! Signing in, tokens, roles, the audit trail, a person's data and publishing, through the
//! application layer on a real SQLite store: throttled failures that say nothing of who
//! exists, sign-ins that end (idle, too old, signed out everywhere, a password reset), tokens
//! that are read-only, revoked or expired, what each role sees, every change in the audit
//! trail, an erasure that keeps the counts, and a published report that names no one.

mod data;
mod listing;
mod roles;
mod sign_in;

use cadre_app::{Actor, App};
use cadre_core::access::{Grant, Role};
use cadre_import::Kind;
use cadre_store::Store;
use sha2::{Digest, Sha256};

pub(crate) const PASSWORD: &str = "a long enough secret";

pub(crate) async fn app() -> (App, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("cadre.db").display());
    (App::new(Store::open(&url).await.unwrap()), dir)
}

/// The database of a test's `app`, opened again, to look at what its operations wrote.
pub(crate) async fn store_of(dir: &tempfile::TempDir) -> Store {
    let url = format!("sqlite:{}", dir.path().join("cadre.db").display());
    Store::open(&url).await.unwrap()
}

pub(crate) async fn with_account(app: &App, email: &str, role: Role) {
    app.add_user(&Actor::local(), email, &Grant::plain(role), PASSWORD)
        .await
        .unwrap();
}

pub(crate) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

pub(crate) fn hashed(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The 2020 partners, trainings and sessions, and three attendance rows (Ann Lee of Jamaica
/// at two trainings, Ben Ray of Barbados at one), imported through the application layer.
pub(crate) async fn attendance(app: &App) {
    for (kind, file) in [
        (Kind::Partners, "partners.csv"),
        (Kind::Trainings, "trainings.csv"),
        (Kind::Sessions, "sessions.csv"),
    ] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../data/2020")
            .join(file);
        let request = cadre_app::ImportRequest::new(kind, &path);
        let outcome = app
            .import(&Actor::local(), &request, &mut |_, _| {})
            .await
            .unwrap();
        assert!(!outcome.refused(), "{:?}", outcome.problems);
    }
    let rows = "training_code,session_date,given_name,family_name,email,gender,country,organisation,department,completed\n\
        2020-02,,Ann,Lee,ann.lee@example.org,F,Jamaica,JCF,Police,yes\n\
        2020-02,,Ben,Ray,ben.ray@example.org,M,Barbados,,,yes\n\
        2020-07,,Ann,Lee,ann.lee@example.org,F,Jamaica,JCF,Police,yes\n";
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("people.csv");
    std::fs::write(&file, rows).unwrap();
    let request = cadre_app::ImportRequest::new(Kind::Attendance, &file);
    let outcome = app
        .import(&Actor::local(), &request, &mut |_, _| {})
        .await
        .unwrap();
    assert!(!outcome.refused(), "{:?}", outcome.problems);
}
