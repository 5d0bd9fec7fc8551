//! What the web tests share: the 2020 facts loaded into a store.

#![allow(dead_code)]

use std::path::PathBuf;

use cadre_app::{Actor, App, ImportRequest};
use cadre_import::Kind;
use cadre_store::Store;

/// Imports a file as a local admin would, through the application layer (its only door).
pub async fn import_file(store: &Store, kind: Kind, path: &std::path::Path) {
    let outcome = App::new(store.clone())
        .import(
            &Actor::local(),
            &ImportRequest::new(kind, path),
            &mut |_, _| {},
        )
        .await
        .unwrap();
    assert!(!outcome.refused(), "{}", outcome.problems);
}

/// Imports CSV text as the file `name`.
pub async fn import_text(store: &Store, kind: Kind, name: &str, text: &str) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    import_file(store, kind, &path).await;
}

/// The 2020 partners, trainings and sessions, and with `published` the figures published
/// for the period, imported as a coordinator would.
pub async fn load_2020(store: &Store, published: bool) {
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/2020");
    let mut files = vec![
        (Kind::Partners, "partners.csv"),
        (Kind::Trainings, "trainings.csv"),
        (Kind::Sessions, "sessions.csv"),
    ];
    if published {
        files.push((Kind::Published, "period-2020-published.csv"));
    }
    for (kind, file) in files {
        import_file(store, kind, &data.join(file)).await;
    }
}
