//! A period approved and reopened through the application layer: who may take each step,
//! every write into an approved period refused with why (forms, imports of every kind), and
//! after a reopening the report setting what changed beside what was approved.

use cadre_app::{Actor, AppError, ImportRequest};
use cadre_core::access::{Grant, Role};
use cadre_core::report::Period;
use cadre_import::Kind;

use super::{actor, fields, Apps};

fn admin() -> Actor {
    Actor::new("director@agency.example", Grant::plain(Role::Admin))
}

fn period_2020() -> Period {
    Period::new(
        cadre_core::Date::parse("2020-01-01").unwrap(),
        cadre_core::Date::parse("2020-09-30").unwrap(),
    )
    .unwrap()
}

/// Imports a file written here; says its problems as `line:column code message` lines.
async fn import_text(apps: &Apps, kind: Kind, text: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sheet.csv");
    std::fs::write(&path, text).unwrap();
    let out = apps
        .warm
        .import(&actor(), &ImportRequest::new(kind, path), &mut |_, _| {})
        .await
        .unwrap();
    out.problems
        .list
        .iter()
        .map(|p| format!("{}:{:?} {} {}", p.line, p.column, p.code, p.message))
        .collect()
}

fn locked(r: Result<impl std::fmt::Debug, AppError>) -> String {
    match r {
        Err(AppError::Locked(why)) => why,
        other => panic!("expected a refusal for the approved period, got {other:?}"),
    }
}

#[tokio::test]
async fn only_a_coordinator_submits_and_only_an_admin_approves_or_reopens() {
    let apps = super::quality::apps_2020().await;
    let p = period_2020();
    let viewer = Actor::new("m.e@agency.example", Grant::plain(Role::Viewer));
    assert!(matches!(
        apps.warm.submit_period(&viewer, p).await,
        Err(AppError::Forbidden(_))
    ));
    assert!(
        matches!(
            apps.warm.approve_period(&admin(), p).await,
            Err(AppError::Locked(_))
        ),
        "submitted first"
    );
    apps.warm.submit_period(&actor(), p).await.unwrap();
    assert!(apps.warm.submit_period(&actor(), p).await.is_err(), "once");
    assert!(matches!(
        apps.warm.approve_period(&actor(), p).await,
        Err(AppError::Forbidden(_))
    ));
    apps.warm.approve_period(&admin(), p).await.unwrap();
    let kept = apps.warm.periods(&actor()).await.unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(
        kept[0].approved_by.as_deref(),
        Some("director@agency.example")
    );
    // A viewer reads where it stands, not who took the steps.
    let seen = apps.warm.periods(&viewer).await.unwrap();
    assert_eq!(seen[0].approved_by.as_deref(), Some("an admin"));
    assert_eq!(seen[0].submitted_by, "a coordinator");
    // The report as approved is kept whole.
    let json = apps.warm.approved_report(&actor(), p).await.unwrap();
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["format"], "cadre.report.v1");
    assert_eq!(json["trainings"]["total"], 14);
    // Reopening needs a reason.
    assert!(matches!(
        apps.warm.reopen_period(&admin(), p, "  ").await,
        Err(AppError::Invalid(_))
    ));
    assert!(matches!(
        apps.warm
            .reopen_period(&actor(), p, "a count was wrong")
            .await,
        Err(AppError::Forbidden(_))
    ));
    apps.warm
        .reopen_period(&admin(), p, "UWI sent the attendance count")
        .await
        .unwrap();
    assert!(apps.warm.reopen_period(&admin(), p, "again").await.is_err());
    // Every step is in the audit trail.
    let trail = apps.trail("period").await;
    let steps: Vec<&str> = trail.iter().rev().map(|e| e.action.as_str()).collect();
    assert_eq!(steps, ["submitted", "approved", "reopened"]);
}

#[tokio::test]
async fn nothing_in_an_approved_period_can_be_changed_until_it_is_reopened() {
    let apps = super::quality::apps_2020().await;
    let p = period_2020();
    apps.warm.submit_period(&actor(), p).await.unwrap();
    apps.warm.approve_period(&admin(), p).await.unwrap();
    let approved = apps.warm.report(&actor(), p).await.unwrap();
    let day = &apps.warm.periods(&admin()).await.unwrap()[0]
        .approved_at
        .clone()
        .unwrap()[..10];

    // A form's edit, a new training, a session, a delete: each refused, saying why.
    let id = apps.id_of("2020-08").await;
    let t = apps.warm.training(&actor(), id).await.unwrap();
    let mut f = cadre_core::fields::training_fields(&t.record);
    f.insert("participants_total".into(), "160".into());
    let why = locked(apps.warm.update_training(&actor(), id, t.version, &f).await);
    assert_eq!(
        why,
        format!("the period January – September 2020 was approved on {day} by director@agency.example: its trainings cannot be changed until an admin reopens it")
    );
    locked(
        apps.warm
            .create_training(
                &actor(),
                &fields(&[
                    ("code", "2020-30"),
                    ("title", "Late entry"),
                    ("start_date", "2020-09"),
                ]),
            )
            .await,
    );
    locked(
        apps.warm
            .create_session(
                &actor(),
                &fields(&[("training_code", "2020-13"), ("start_date", "2020-09-30")]),
            )
            .await,
    );
    locked(apps.warm.delete_training(&actor(), id, None, true).await);
    // Moving a later training into the period is changing the period.
    let later = apps
        .warm
        .create_training(
            &actor(),
            &fields(&[
                ("code", "2020-40"),
                ("title", "Port security"),
                ("start_date", "2020-11-03"),
            ]),
        )
        .await
        .unwrap();
    let mut moved = cadre_core::fields::training_fields(&later.record);
    moved.insert("start_date".into(), "2020-09-03".into());
    locked(
        apps.warm
            .update_training(&actor(), later.id, later.version, &moved)
            .await,
    );

    // Imports: each row of a locked training refused at its cell, nothing written.
    let problems = import_text(
        &apps,
        Kind::Trainings,
        "code,title,start_date\n2020-40,Port security,2020-11-03\n2020-08,Stress Management,2020\n",
    )
    .await;
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with("3:Some(1) period-approved training 2020-08: the period January – September 2020 was approved"),
        "{problems:?}"
    );
    let problems = import_text(
        &apps,
        Kind::Sessions,
        "start_date,training_code\n2020-09-30,2020-13\n",
    )
    .await;
    assert!(
        problems[0].starts_with("2:Some(2) period-approved"),
        "{problems:?}"
    );
    let problems = import_text(
        &apps,
        Kind::Attendance,
        "training_code,given_name,family_name,email,gender,country\n\
         2020-40,Ana,Rivera,ana@example.org,F,Barbados\n\
         2020-02,Ben,Cole,ben@example.org,M,Jamaica\n",
    )
    .await;
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with("3:Some(1) period-approved training 2020-02"),
        "{problems:?}"
    );
    let problems = import_text(
        &apps,
        Kind::Published,
        "figure,value,note\nperiod_from,2020-01-01,\nperiod_to,2020-09-30,\ntrainings,30,\n",
    )
    .await;
    assert!(
        problems[0].contains("period-approved figures published for this period"),
        "{problems:?}"
    );
    assert_eq!(
        apps.warm.report(&actor(), p).await.unwrap(),
        approved,
        "nothing was written"
    );
    assert_eq!(
        approved.approval.as_ref().map(|a| a.changes.len()),
        Some(0),
        "approved and unchanged"
    );

    // Reopened, the same edit goes through; the report says what changed since approval and
    // which edit did it.
    apps.warm
        .reopen_period(&admin(), p, "UWI sent the attendance count")
        .await
        .unwrap();
    let t = apps.warm.training(&actor(), id).await.unwrap();
    apps.warm
        .update_training(&actor(), id, t.version, &f)
        .await
        .unwrap();
    let now = apps.warm.report(&actor(), p).await.unwrap();
    let a = now.approval.as_ref().expect("the approval is shown");
    assert_eq!(a.status.as_str(), "reopened");
    assert_eq!(a.reason, "UWI sent the attendance count");
    let changes: Vec<(&str, i64, i64)> = a
        .changes
        .iter()
        .map(|c| (c.figure.as_str(), c.approved, c.now))
        .collect();
    assert_eq!(
        changes,
        [
            ("participants", 1612, 1617),
            ("gender_not_recorded", 1612, 1617),
            ("persons", 1612, 1617)
        ]
    );
    let edits: Vec<(&str, &str, &str)> = a
        .edits
        .iter()
        .map(|e| (e.kind.as_str(), e.action.as_str(), e.detail.as_str()))
        .collect();
    assert_eq!(edits, [("training", "updated", "2020-08")]);
    // What was approved is still what was kept.
    let json = apps.warm.approved_report(&actor(), p).await.unwrap();
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["participants"]["total"], 1612);
    // The cold report says the same.
    let cold = apps.cold.report(&actor(), p).await.unwrap();
    assert_eq!(cold, now);
}

/// The participant of the approved period with this e-mail, and their counted facts.
async fn person(apps: &Apps, email: &str) -> cadre_store::Versioned<cadre_store::Participant> {
    let found = apps
        .warm
        .participants(&actor(), Some(email), 0, 10)
        .await
        .unwrap();
    assert_eq!(found.len(), 1, "{email}");
    let p = found.into_iter().next().unwrap();
    apps.warm.participant(&actor(), p.id).await.unwrap()
}

#[tokio::test]
async fn the_participants_and_partners_behind_an_approved_period_are_locked_too() {
    let apps = super::quality::apps_2020().await;
    let p = period_2020();
    // Three officers recorded at a training of the period, one at a later one.
    let problems = import_text(
        &apps,
        Kind::Attendance,
        "training_code,given_name,family_name,email,gender,country\n\
         2020-02,Ana,Rivera,ana@example.org,F,Barbados\n\
         2020-02,Ben,Cole,ben@example.org,M,Jamaica\n\
         2020-02,Cara,Lee,cara@example.org,,Jamaica\n",
    )
    .await;
    assert!(problems.is_empty(), "{problems:?}");
    let problems = import_text(
        &apps,
        Kind::Trainings,
        "code,title,start_date\n2020-40,Port security,2020-11-03\n",
    )
    .await;
    assert!(problems.is_empty(), "{problems:?}");
    apps.warm.submit_period(&actor(), p).await.unwrap();
    apps.warm.approve_period(&admin(), p).await.unwrap();
    let approved = apps.warm.report(&actor(), p).await.unwrap();

    // A participant's gender, country or department, their delete, a merge: refused.
    let ana = person(&apps, "ana@example.org").await;
    let mut f = cadre_core::fields::person_fields(&ana.record.person);
    f.insert("gender".into(), "M".into());
    let why = locked(
        apps.warm
            .update_participant(&actor(), ana.id, ana.version, &f)
            .await,
    );
    assert!(
        why.starts_with("the period January – September 2020 was approved on "),
        "{why}"
    );
    assert!(why.contains("by director@agency.example"), "{why}");
    let mut f = cadre_core::fields::person_fields(&ana.record.person);
    f.insert("country".into(), "JM".into());
    locked(
        apps.warm
            .update_participant(&actor(), ana.id, ana.version, &f)
            .await,
    );
    let ben = person(&apps, "ben@example.org").await;
    locked(
        apps.warm
            .delete_participant(&actor(), ben.id, None, true)
            .await,
    );
    let merged = cadre_core::fields::person_fields(&ana.record.person);
    locked(
        apps.warm
            .merge_participants(
                &actor(),
                (ana.id, ana.version),
                (ben.id, ben.version),
                &merged,
            )
            .await,
    );
    // A partner of the period's trainings: deleted with them, or renamed.
    let partners = apps.warm.partners_after(&actor(), 0, 100).await.unwrap();
    let comsec = partners
        .iter()
        .find(|p| p.record.short_name.as_deref() == Some("ComSec"))
        .unwrap();
    locked(
        apps.warm
            .delete_partner(&actor(), comsec.id, None, true)
            .await,
    );
    let mut f = cadre_core::fields::partner_fields(&comsec.record);
    f.insert("name".into(), "Commonwealth Secretariat (London)".into());
    locked(
        apps.warm
            .update_partner(&actor(), comsec.id, comsec.version, &f)
            .await,
    );
    // An attendance import at a later training that would change what Cara is counted as.
    let problems = import_text(
        &apps,
        Kind::Attendance,
        "training_code,given_name,family_name,email,gender,country\n\
         2020-40,Cara,Lee,cara@example.org,F,Jamaica\n\
         2020-40,Dan,Ross,dan@example.org,M,Belize\n",
    )
    .await;
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with(
            "1:None period-approved participant Cara Lee: the file changes their gender from (not recorded) to female, and they attended training 2020-02: the period January – September 2020 was approved on "
        ),
        "{problems:?}"
    );
    assert!(
        apps.warm
            .participants(&actor(), Some("dan@example.org"), 0, 10)
            .await
            .unwrap()
            .is_empty(),
        "the import was refused whole"
    );
    assert_eq!(
        apps.warm.report(&actor(), p).await.unwrap(),
        approved,
        "nothing was written"
    );

    // What no figure counts stays open: a name corrected, a new participant at a later
    // training, an identity erased.
    let mut f = cadre_core::fields::person_fields(&ana.record.person);
    f.insert("given_name".into(), "Anna".into());
    apps.warm
        .update_participant(&actor(), ana.id, ana.version, &f)
        .await
        .unwrap();
    let problems = import_text(
        &apps,
        Kind::Attendance,
        "training_code,given_name,family_name,email,gender,country\n\
         2020-40,Dan,Ross,dan@example.org,M,Belize\n",
    )
    .await;
    assert!(problems.is_empty(), "{problems:?}");
    apps.warm
        .erase_person(&admin(), "ben@example.org")
        .await
        .unwrap();
    let after = apps.warm.report(&actor(), p).await.unwrap();
    assert_eq!(after.participants, approved.participants);
    assert_eq!(
        after.approval.as_ref().map(|a| a.changes.len()),
        Some(0),
        "approved and unchanged"
    );

    // Reopened, the same changes go through.
    apps.warm
        .reopen_period(&admin(), p, "Ana's record was wrong")
        .await
        .unwrap();
    let ana = person(&apps, "ana@example.org").await;
    let mut f = cadre_core::fields::person_fields(&ana.record.person);
    f.insert("gender".into(), "M".into());
    apps.warm
        .update_participant(&actor(), ana.id, ana.version, &f)
        .await
        .unwrap();
    apps.warm
        .delete_partner(&actor(), comsec.id, None, true)
        .await
        .unwrap();
}
