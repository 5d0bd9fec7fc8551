//! The single-record operations of the application layer on a real SQLite store: field
//! problems, version conflicts, deletes, merges, and the warm engine's report following every
//! write exactly as a report built from the store does.

use std::collections::BTreeMap;

use cadre_app::{Actor, App, AppError};
use cadre_core::report::Period;
use cadre_store::Store;

mod periods;
mod quality;

fn fields(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn actor() -> Actor {
    Actor::new(
        "coordinator",
        cadre_core::access::Grant::plain(cadre_core::access::Role::Coordinator),
    )
}

struct Apps {
    warm: App,
    cold: App,
    _dir: tempfile::TempDir,
}

async fn apps() -> Apps {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("cadre.db").display());
    let store = Store::open(&url).await.unwrap();
    let cold = App::new(store.clone());
    let mut warm = App::new(store);
    warm.warm_up().await.unwrap();
    Apps {
        warm,
        cold,
        _dir: dir,
    }
}

impl Apps {
    /// The store id of the training with this code, as the warm engine holds it.
    async fn id_of(&self, code: &str) -> i64 {
        self.warm.training_ids(&actor()).await.unwrap()[code]
    }

    /// The audit trail's entries about records of this kind, newest first (an admin reads it).
    async fn trail(&self, kind: &str) -> Vec<cadre_core::audit::Entry> {
        let admin = Actor::new(
            "admin@example.org",
            cadre_core::access::Grant::plain(cadre_core::access::Role::Admin),
        );
        let filter = cadre_store::AuditFilter {
            kind: Some(kind.into()),
            ..Default::default()
        };
        self.warm
            .audit_entries(&admin, &filter, None, 10)
            .await
            .unwrap()
    }

    /// The 2020 report, from the warm engine; checked against one built from the store.
    async fn report(&self) -> cadre_core::report::Report {
        let warm = self
            .warm
            .report(&actor(), Period::year(2020))
            .await
            .unwrap();
        let cold = self
            .cold
            .report(&actor(), Period::year(2020))
            .await
            .unwrap();
        assert_eq!(warm, cold, "the warm engine and the store agree");
        warm
    }
}

#[tokio::test]
async fn a_training_created_edited_and_deleted_shows_in_the_next_report() {
    let a = apps().await;
    let me = actor();
    a.warm
        .create_partner(
            &me,
            &fields(&[("name", "Regional Security System"), ("short_name", "RSS")]),
        )
        .await
        .unwrap();
    let created = a
        .warm
        .create_training(
            &me,
            &fields(&[
                ("code", "2020-05"),
                ("title", "Maritime interdiction"),
                ("start_date", "2020-05"),
                ("value_usd", "3,937,801"),
                ("partners", "rss"),
                ("participants_total", "20"),
                ("participants_female", "8"),
                ("modality", "virtual"),
            ]),
        )
        .await
        .unwrap();
    assert_eq!(created.record.partners, ["Regional Security System"]);
    let r = a.report().await;
    assert_eq!((r.trainings.total, r.value.cents()), (1, 393_780_100));
    assert_eq!(r.participants.female, 8);

    let mut edit = cadre_core::fields::training_fields(&created.record);
    edit.insert("value_usd".into(), "3937801.50".into());
    let edited = a
        .warm
        .update_training(&me, created.id, created.version, &edit)
        .await
        .unwrap();
    assert_eq!(edited.version, created.version + 1);
    assert_eq!(a.report().await.value.cents(), 393_780_150);

    // The second person to save from the first version is refused; nothing changes.
    edit.insert("title".into(), "Someone else's title".into());
    match a
        .warm
        .update_training(&me, created.id, created.version, &edit)
        .await
    {
        Err(AppError::Conflict { yours, current, .. }) => {
            assert_eq!((yours, current), (created.version, edited.version))
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(
        a.warm.training(&me, created.id).await.unwrap().record.title,
        "Maritime interdiction"
    );

    // A bad field is a problem of that field, and nothing is written.
    edit.insert("start_date".into(), "2020-13".into());
    match a
        .warm
        .update_training(&me, created.id, edited.version, &edit)
        .await
    {
        Err(AppError::Fields(problems)) => {
            assert_eq!(problems[0].field, "start_date");
            assert_eq!(problems[0].code, "bad-date");
        }
        other => panic!("expected a field problem, got {other:?}"),
    }
    // A code another training has is a problem of the code field.
    a.warm
        .create_training(
            &me,
            &fields(&[
                ("code", "2020-06"),
                ("title", "Other"),
                ("start_date", "2020-06"),
            ]),
        )
        .await
        .unwrap();
    edit.insert("start_date".into(), "2020-05".into());
    edit.insert("code".into(), "2020-06".into());
    match a
        .warm
        .update_training(&me, created.id, edited.version, &edit)
        .await
    {
        Err(AppError::Fields(problems)) => {
            assert_eq!((problems[0].field, problems[0].code), ("code", "duplicate"))
        }
        other => panic!("expected a duplicate code, got {other:?}"),
    }

    // A session moves the training's count source nowhere (no attendance), but it is there.
    let session = a
        .warm
        .create_session(
            &me,
            &fields(&[("training_code", "2020-05"), ("start_date", "2020-05-12")]),
        )
        .await
        .unwrap();
    match a.warm.delete_training(&me, created.id, None, false).await {
        Err(AppError::InUse { dependents, .. }) => assert_eq!(dependents.sessions, 1),
        other => panic!("expected the delete to be refused, got {other:?}"),
    }
    a.warm
        .delete_training(&me, created.id, None, true)
        .await
        .unwrap();
    assert!(matches!(
        a.warm.session(&me, session.id).await,
        Err(AppError::NotFound { .. })
    ));
    let r = a.report().await;
    assert_eq!((r.trainings.total, r.value.cents()), (1, 0));
}

#[tokio::test]
async fn a_renamed_partner_is_renamed_in_the_report() {
    let a = apps().await;
    let me = actor();
    let p = a
        .warm
        .create_partner(&me, &fields(&[("name", "Old Name"), ("short_name", "ON")]))
        .await
        .unwrap();
    a.warm
        .create_training(
            &me,
            &fields(&[
                ("code", "T1"),
                ("title", "t"),
                ("start_date", "2020-02-03"),
                ("partners", "Old Name"),
            ]),
        )
        .await
        .unwrap();
    a.warm
        .update_partner(
            &me,
            p.id,
            p.version,
            &fields(&[("name", "New Name"), ("short_name", "NN")]),
        )
        .await
        .unwrap();
    let r = a.report().await;
    assert_eq!(r.partners[0].name, "New Name");
}

/// An import through a warm application is followed by its engine, which takes the trainings
/// and persons the import changed instead of being built again; every report after it is the
/// one built from the store.
#[tokio::test]
async fn an_import_is_followed_by_the_warm_engine_without_a_rebuild() {
    use cadre_app::ImportRequest;
    use cadre_import::Kind;
    let apps = apps().await;
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/2020");
    let import = |kind, path: std::path::PathBuf| {
        let app = apps.warm.clone();
        async move {
            let out = app
                .import(&actor(), &ImportRequest::new(kind, path), &mut |_, _| {})
                .await
                .unwrap();
            assert!(!out.refused(), "{}", out.problems);
        }
    };
    for (kind, file) in [
        (Kind::Partners, "partners.csv"),
        (Kind::Trainings, "trainings.csv"),
        (Kind::Sessions, "sessions.csv"),
    ] {
        import(kind, data.join(file)).await;
    }
    let before = apps.report().await;
    let dir = tempfile::tempdir().unwrap();
    let sheet = dir.path().join("attendance.csv");
    std::fs::write(
        &sheet,
        "training_code,session_date,given_name,family_name,email,gender,country,organisation,department,completed\n\
         2020-01,,Ana,Rivera,,F,Barbados,,Police,yes\n\
         2020-01,,Ben,Cole,,M,Jamaica,,Customs,yes\n\
         2020-02,,Ana,Rivera,,F,Barbados,,Police,\n",
    )
    .unwrap();
    import(Kind::Attendance, sheet.clone()).await;
    let after = apps.report().await;
    assert_ne!(before, after, "the attendance changed the report");
    // One of them again, in another training and naming another department.
    std::fs::write(
        &sheet,
        "training_code,session_date,given_name,family_name,email,gender,country,organisation,department,completed\n\
         2020-03,2020-05-07,Ben,Cole,,M,Jamaica,,Immigration,yes\n",
    )
    .unwrap();
    import(Kind::Attendance, sheet).await;
    apps.report().await;
    assert_eq!(
        apps.warm.engine_builds(),
        1,
        "built once, at warm-up; every import followed"
    );
}

/// Control characters and overlong text are refused in forms, the API and imports alike, the
/// field named; a value above the most a training may be worth too.
#[tokio::test]
async fn control_characters_overlong_text_and_huge_values_are_refused_with_the_field() {
    let apps = apps().await;
    let codes = |r: Result<cadre_core::PersonRecord, AppError>| match r {
        Err(AppError::Fields(list)) => list.iter().map(|p| (p.field, p.code)).collect::<Vec<_>>(),
        other => panic!("{other:?}"),
    };
    for (field, typed, code) in [
        ("given_name", "Ana\u{0}", "bad-character"),
        ("family_name", "Rivera\u{7}", "bad-character"),
        ("given_name", "Ana\nRivera", "bad-character"),
        ("organisation", "Police\u{1b}[2J", "bad-character"),
        ("family_name", &"R".repeat(201), "too-long"),
    ] {
        let mut f = fields(&[
            ("given_name", "Ana"),
            ("family_name", "Rivera"),
            ("email", "ana@example.org"),
        ]);
        f.insert(field.into(), typed.into());
        let r = apps
            .warm
            .create_participant(&actor(), &f)
            .await
            .map(|v| v.record);
        assert_eq!(codes(r), [(field, code)], "{typed:?}");
    }
    let r = apps
        .warm
        .create_training(
            &actor(),
            &fields(&[
                ("code", "X-1"),
                ("title", "Port security"),
                ("value_usd", "92,233,720,368,547,758.07"),
                ("summary", "Two lines.\nAllowed here."),
            ]),
        )
        .await;
    match r {
        Err(AppError::Fields(list)) => {
            assert_eq!(list.len(), 1, "{list:?}");
            assert_eq!((list[0].field, list[0].code), ("value_usd", "bad-money"));
        }
        other => panic!("{other:?}"),
    }
    // An attendance sheet: the row's cell is named.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("attendance.csv");
    std::fs::write(&path, "code,title\nX-2,Port security\n").unwrap();
    apps.warm
        .import(
            &actor(),
            &cadre_app::ImportRequest::new(cadre_import::Kind::Trainings, path.clone()),
            &mut |_, _| {},
        )
        .await
        .unwrap();
    std::fs::write(
        &path,
        "training_code,given_name,family_name,email\nX-2,Ana\u{0},Rivera,ana@example.org\n",
    )
    .unwrap();
    let out = apps
        .warm
        .import(
            &actor(),
            &cadre_app::ImportRequest::new(cadre_import::Kind::Attendance, path),
            &mut |_, _| {},
        )
        .await
        .unwrap();
    let problems: Vec<(usize, Option<usize>, &str)> = out
        .problems
        .list
        .iter()
        .map(|p| (p.line, p.column, p.code))
        .collect();
    assert_eq!(problems, [(2, Some(2), "bad-character")]);
}
