//! What the web tests share: the 2020 facts loaded into a store.

#![allow(dead_code)]

use std::path::PathBuf;

use cadre_app::{import_sheet, ImportOptions};
use cadre_import::{Kind, Sheet};
use cadre_store::Store;

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
        let sheet = Sheet::open(&data.join(file)).unwrap();
        import_sheet(store, kind, sheet, ImportOptions::default(), &mut |_, _| {})
            .await
            .unwrap();
    }
}
