//! The trainings list and a training's page as operations: the countries a training reaches
//! are those it lists and those its attendance shows, filters find both, a partner named by
//! its short name brings its programmes, a filter not understood lists nothing and says why,
//! and all of it the same with or without a warm engine.

use cadre_app::{Actor, TrainingFilter};

use super::{app, attendance};

#[tokio::test]
async fn a_training_reaches_the_countries_its_attendance_shows_and_filters_find_them() {
    let (cold, _dir) = app().await;
    attendance(&cold).await;
    let mut warm = cold.clone();
    warm.warm_up().await.unwrap();
    let admin = Actor::local();
    // Ann Lee of Jamaica attended 2020-02 (which lists only Barbados) and 2020-07 (which
    // lists no country).
    let jamaica = TrainingFilter {
        country: Some("jm".into()),
        year: Some("2020".into()),
        ..Default::default()
    };
    for app in [&cold, &warm] {
        let listed = app.list_trainings(&admin, &jamaica, 25).await.unwrap();
        let codes: Vec<&str> = listed
            .trainings
            .iter()
            .map(|t| t.record.code.as_str())
            .collect();
        // Those that list Jamaica, and those its attendance shows, cold and warm alike.
        for code in ["2020-02", "2020-07"] {
            assert!(codes.contains(&code), "{code} in {codes:?}");
        }
        assert!(listed
            .trainings
            .iter()
            .filter(|t| ["2020-02", "2020-07"].contains(&t.record.code.as_str()))
            .all(|t| !t.record.countries.contains(&"JM".to_string())));
        assert!(listed.countries.contains(&"JM".to_string()));
        assert!(listed.problem.is_none());
    }
    let id = warm.training_ids(&admin).await.unwrap()["2020-02"];
    let view = warm.training_view(&admin, id).await.unwrap();
    assert_eq!(view.training.record.countries, ["BB"], "what it lists");
    let mut attended = view.countries_attended();
    attended.sort();
    assert_eq!(
        attended,
        [("BB".to_string(), 1), ("JM".to_string(), 1)],
        "what its attendance shows, with its participants"
    );

    // A partner by its short name: it, and its programmes' trainings.
    let unodc = TrainingFilter {
        partner: Some("unodc".into()),
        ..Default::default()
    };
    let listed = warm.list_trainings(&admin, &unodc, 100).await.unwrap();
    assert_eq!(
        listed.partner.as_deref(),
        Some("United Nations Office on Drugs and Crime")
    );
    let codes: Vec<&str> = listed
        .trainings
        .iter()
        .map(|t| t.record.code.as_str())
        .collect();
    assert!(codes.contains(&"2020-02"), "{codes:?}");
    let programmes = warm
        .list_trainings(
            &admin,
            &TrainingFilter {
                partner: Some("UNODC-AIRCOP".into()),
                ..Default::default()
            },
            100,
        )
        .await
        .unwrap();
    for t in &programmes.trainings {
        assert!(codes.contains(&t.record.code.as_str()), "{}", t.record.code);
    }

    // A filter not understood lists nothing, and says what is wrong.
    let bad = TrainingFilter {
        from: Some("2021-13-45".into()),
        ..Default::default()
    };
    let listed = cold.list_trainings(&admin, &bad, 25).await.unwrap();
    assert!(listed.trainings.is_empty() && listed.total == 0);
    assert!(listed.problem.unwrap().contains("2021-13-45"));
}

#[tokio::test]
async fn participants_are_found_as_the_list_writes_them() {
    let (app, _dir) = app().await;
    attendance(&app).await;
    let admin = Actor::local();
    for typed in ["Lee, Ann", "ann lee", "lee"] {
        let found = app.participants(&admin, Some(typed), 0, 10).await.unwrap();
        assert_eq!(found.len(), 1, "{typed}");
        assert_eq!(found[0].record.person.family_name, "Lee");
    }
    assert!(app
        .participants(&admin, Some("Ray, Ann"), 0, 10)
        .await
        .unwrap()
        .is_empty());
}
