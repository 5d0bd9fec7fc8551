//! The data-quality operations on the 2020 records: an admin's setting kept, audited and
//! obeyed by every report (warm or built from the store), refused to anyone else; the to-fix
//! grouping; a training's findings; likely duplicate persons shown only to those who merge;
//! and the summary column kept by an import of a file that lacks it.

use cadre_app::{Actor, AppError, ImportRequest};
use cadre_core::access::{Grant, Role};
use cadre_core::quality::{Rule, Severity};
use cadre_core::report::Period;
use cadre_import::Kind;

use super::{actor, apps, Apps};

fn admin() -> Actor {
    Actor::new("admin@example.org", Grant::plain(Role::Admin))
}

fn viewer() -> Actor {
    Actor::new("viewer@example.org", Grant::plain(Role::Viewer))
}

async fn import(apps: &Apps, kind: Kind, path: std::path::PathBuf) {
    let out = apps
        .warm
        .import(&actor(), &ImportRequest::new(kind, path), &mut |_, _| {})
        .await
        .unwrap();
    assert!(!out.refused(), "{}", out.problems);
}

/// The 2020 facts, with the figures published for January to September.
pub(super) async fn apps_2020() -> Apps {
    let apps = apps().await;
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/2020");
    for (kind, file) in [
        (Kind::Partners, "partners.csv"),
        (Kind::Trainings, "trainings.csv"),
        (Kind::Sessions, "sessions.csv"),
        (Kind::Published, "period-2020-published.csv"),
    ] {
        import(&apps, kind, data.join(file)).await;
    }
    apps
}

fn rules_of(r: &cadre_core::report::Report) -> Vec<(&str, &str)> {
    r.quality
        .iter()
        .map(|f| (f.rule.code(), f.severity.as_str()))
        .collect()
}

#[tokio::test]
async fn a_rule_switched_off_or_given_another_severity_changes_every_report() {
    let apps = apps_2020().await;
    let before = apps.report().await;
    assert!(rules_of(&before).contains(&("same_summary", "warning")));
    assert!(rules_of(&before).contains(&("no_partner", "warning")));

    // Only an admin sets a rule.
    let refused = apps
        .warm
        .set_quality_rule(&actor(), Rule::SameSummary, false, Severity::Warning)
        .await;
    assert!(
        matches!(refused, Err(AppError::Forbidden(_))),
        "{refused:?}"
    );

    apps.warm
        .set_quality_rule(&admin(), Rule::SameSummary, false, Severity::Warning)
        .await
        .unwrap();
    apps.warm
        .set_quality_rule(&admin(), Rule::NoPartner, true, Severity::Error)
        .await
        .unwrap();
    let after = apps.report().await;
    assert!(!rules_of(&after).iter().any(|(r, _)| *r == "same_summary"));
    assert!(rules_of(&after).contains(&("no_partner", "error")));
    assert_eq!(
        apps.warm.engine_builds(),
        1,
        "a setting changes no record: the engine is not built again"
    );
    let states = apps.warm.quality_rules(&viewer()).await.unwrap();
    let same = states.iter().find(|s| s.rule == Rule::SameSummary).unwrap();
    assert!(!same.enabled && same.changed);

    // Each change is in the audit trail with before and after.
    let trail = apps.trail("quality_rule").await;
    assert_eq!(trail.len(), 2);
    let off = trail.iter().find(|e| e.detail == "same_summary").unwrap();
    assert_eq!(off.before, r#"{"enabled":true,"severity":"warning"}"#);
    assert_eq!(off.after, r#"{"enabled":false,"severity":"warning"}"#);

    // Back on at its default: as before.
    apps.warm
        .set_quality_rule(&admin(), Rule::SameSummary, true, Severity::Warning)
        .await
        .unwrap();
    apps.warm
        .set_quality_rule(&admin(), Rule::NoPartner, true, Severity::Warning)
        .await
        .unwrap();
    assert_eq!(apps.report().await, before);
    assert!(apps
        .warm
        .quality_rules(&admin())
        .await
        .unwrap()
        .iter()
        .all(|s| !s.changed));
}

#[tokio::test]
async fn the_to_fix_list_groups_by_rule_and_a_training_has_its_own() {
    let apps = apps_2020().await;
    let found = apps
        .warm
        .to_fix(&viewer(), Period::year(2020))
        .await
        .unwrap();
    let group = |code: &str| {
        found
            .groups
            .iter()
            .find(|(r, _, _)| r.code() == code)
            .map(|(_, _, f)| {
                f.iter()
                    .map(|f| f.training.clone().unwrap_or_default())
                    .collect::<Vec<_>>()
            })
    };
    assert_eq!(
        group("count_unknown").unwrap(),
        ["2020-03", "2020-04", "2020-14"]
    );
    assert_eq!(group("same_summary").unwrap(), ["2020-14"]);
    // Warnings before notes.
    let severities: Vec<Severity> = found.groups.iter().map(|(_, s, _)| *s).collect();
    let mut sorted = severities.clone();
    sorted.sort();
    assert_eq!(severities, sorted);
    assert!(found.persons.is_none(), "a viewer is not shown persons");

    let id = apps.id_of("2020-14").await;
    let own: Vec<&str> = apps
        .warm
        .training_findings(&viewer(), id)
        .await
        .unwrap()
        .iter()
        .map(|f| f.rule.code())
        .collect();
    assert_eq!(
        own,
        [
            "date_year_only",
            "count_unknown",
            "value_missing",
            "no_partner",
            "same_summary"
        ]
    );
}

#[tokio::test]
async fn likely_duplicate_persons_are_listed_to_those_who_merge() {
    let apps = apps_2020().await;
    let dir = tempfile::tempdir().unwrap();
    let sheet = dir.path().join("attendance.csv");
    std::fs::write(
        &sheet,
        "training_code,session_date,given_name,family_name,email,gender,country,organisation,department,completed\n\
         2020-01,,Ana,Rivera,ana.rivera@police.gov.bb,F,Barbados,,Police,yes\n\
         2020-02,,ANA,Rivera,anarivera@mail.example,F,Barbados,,Police,yes\n\
         2020-02,,Ben,Cole,ben.cole@customs.gov.jm,M,Jamaica,,Customs,yes\n",
    )
    .unwrap();
    import(&apps, Kind::Attendance, sheet).await;
    let found = apps
        .warm
        .to_fix(&actor(), Period::year(2020))
        .await
        .unwrap();
    let persons = found.persons.expect("a coordinator merges records");
    assert_eq!(persons.len(), 1, "{persons:?}");
    assert_eq!(persons[0].rule, Rule::DuplicatePersonName);
    // Each record of the pair shows it on its page; the third record nothing.
    let (first, second) = (persons[0].n("other") as i64, persons[0].person.unwrap());
    for id in [first, second] {
        let own = apps.warm.person_findings(&actor(), id).await.unwrap();
        assert_eq!(own.len(), 1, "participant {id}");
    }
    let everyone: Vec<i64> = (1..=3).collect();
    let third = everyone
        .iter()
        .find(|id| **id != first && **id != second)
        .unwrap();
    assert!(apps
        .warm
        .person_findings(&actor(), *third)
        .await
        .unwrap()
        .is_empty());
    assert!(apps
        .warm
        .person_findings(&viewer(), first)
        .await
        .unwrap()
        .is_empty());
    let focal = Actor::new(
        "focal@example.org",
        Grant {
            countries: ["BB".to_string()].into(),
            ..Grant::plain(Role::FocalPoint)
        },
    );
    let shown = apps.warm.to_fix(&focal, Period::year(2020)).await.unwrap();
    assert!(shown.persons.is_none(), "a focal point does not merge");
    // Switched off, the rule finds nothing for anyone.
    apps.warm
        .set_quality_rule(
            &admin(),
            Rule::DuplicatePersonName,
            false,
            Severity::Warning,
        )
        .await
        .unwrap();
    let found = apps
        .warm
        .to_fix(&actor(), Period::year(2020))
        .await
        .unwrap();
    assert_eq!(found.persons, Some(Vec::new()));
}

#[tokio::test]
async fn a_file_without_the_summary_column_keeps_each_trainings_summary() {
    let apps = apps_2020().await;
    async fn summary_of(apps: &Apps) -> Option<String> {
        let id = apps.id_of("2020-07").await;
        apps.warm
            .training_view(&actor(), id)
            .await
            .unwrap()
            .training
            .record
            .summary
    }
    let published = summary_of(&apps).await.unwrap();
    assert!(published.starts_with("CARICOM IMPACS Partnered with Council of Europe"));
    let dir = tempfile::tempdir().unwrap();
    let sheet = dir.path().join("trainings.csv");
    std::fs::write(
        &sheet,
        "code,title,start_date,end_date,modality\n\
         2020-07,Strengthening Cybersecurity Legislation (renamed),2020-07-16,2020-07-17,virtual\n",
    )
    .unwrap();
    import(&apps, Kind::Trainings, sheet.clone()).await;
    assert_eq!(summary_of(&apps).await.as_deref(), Some(published.as_str()));
    // A file with the column, blank there, says there is none.
    std::fs::write(
        &sheet,
        "code,title,start_date,end_date,modality,summary\n\
         2020-07,Strengthening Cybersecurity Legislation,2020-07-16,2020-07-17,virtual,\n",
    )
    .unwrap();
    import(&apps, Kind::Trainings, sheet).await;
    assert_eq!(summary_of(&apps).await, None);
    assert_eq!(
        apps.warm
            .report(&actor(), Period::year(2020))
            .await
            .unwrap(),
        apps.cold
            .report(&actor(), Period::year(2020))
            .await
            .unwrap()
    );
}
