//! The 2020 facts of the published page, imported and read back.

use cadre_core::{Modality, Money, PartialDate, Precision, Status};
use cadre_import::Kind;

use crate::common::{both, data, TestStore};

async fn the_2020_files_import_with_every_fact_kept(t: &TestStore) {
    let partners = t
        .import_file(Kind::Partners, &data("2020/partners.csv"))
        .await
        .unwrap();
    assert_eq!((partners.rows, partners.created), (17, 17));
    let trainings = t
        .import_file(Kind::Trainings, &data("2020/trainings.csv"))
        .await
        .unwrap();
    assert_eq!((trainings.rows, trainings.created), (14, 14));
    let sessions = t
        .import_file(Kind::Sessions, &data("2020/sessions.csv"))
        .await
        .unwrap();
    assert_eq!((sessions.rows, sessions.created), (11, 11));

    let c = t.store.counts().await.unwrap();
    assert_eq!(
        (c.partners, c.trainings, c.sessions, c.persons),
        (17, 14, 11, 0)
    );
    assert_eq!(c.countries, 249);

    // A training requested by a state, with three partners and six target departments.
    let bb = t.store.training("2020-02").await.unwrap().unwrap();
    assert_eq!(
        bb.title,
        "Country-specific Training for Criminal Justice Officers"
    );
    assert_eq!(
        bb.partners,
        [
            "International Criminal Police Organization",
            "International Organization for Migration",
            "United Nations Office on Drugs and Crime"
        ]
    );
    assert_eq!(bb.requested_by.as_deref(), Some("BB"));
    assert_eq!(bb.participants_total, Some(33));
    assert_eq!(bb.countries, ["BB"]);
    assert_eq!(bb.modality, Some(Modality::Physical));
    assert_eq!(bb.status, Some(Status::Delivered));
    assert_eq!(
        bb.departments,
        [
            "Attorney General",
            "Immigration",
            "Customs",
            "Police",
            "Defence Force",
            "Prosecution"
        ]
    );

    // Dates keep the precision they were published with.
    let year_only = t.store.training("2020-05").await.unwrap().unwrap();
    assert_eq!(year_only.start.unwrap().precision(), Precision::Year);
    assert_eq!(year_only.start.unwrap().to_string(), "2020");
    let months = t.store.training("2020-04").await.unwrap().unwrap();
    assert_eq!(months.start, Some(PartialDate::parse("2020-06").unwrap()));
    assert_eq!(months.end, Some(PartialDate::parse("2020-09").unwrap()));
    assert_eq!(months.countries_reached, Some(9));
    assert_eq!(
        months.participants_total, None,
        "count not published stays unknown"
    );

    // A funder is not a delivery partner.
    let eu = t.store.training("2020-06").await.unwrap().unwrap();
    assert!(eu.partners.is_empty());
    assert_eq!(eu.funders, ["European Union"]);
    assert_eq!(
        eu.countries,
        ["BS", "BB", "BZ", "GY", "HT", "JM", "SR", "TT"]
    );

    let maritime = t.store.training("2020-13").await.unwrap().unwrap();
    assert_eq!(maritime.countries.len(), 13);
    assert!(maritime.countries.contains(&"DO".to_string()));

    // Sessions, with the figures the page gives for each.
    let incb = t.store.sessions("2020-09").await.unwrap();
    assert_eq!(incb.len(), 2);
    assert_eq!(incb[0].participants_total, Some(37));
    assert_eq!(incb[1].participants_total, Some(288));
    assert_eq!(incb[1].end.unwrap().to_string(), "2020-08-07");
    let asset = t.store.sessions("2020-06").await.unwrap();
    assert_eq!(asset[0].start.precision(), Precision::Month);

    // A programme points at its agency.
    let partners = t.store.partners().await.unwrap();
    let gpml = partners
        .iter()
        .find(|p| p.short_name.as_deref() == Some("UNODC-GPML"))
        .unwrap();
    assert_eq!(
        gpml.parent.as_deref(),
        Some("United Nations Office on Drugs and Crime")
    );
}
both!(the_2020_files_import_with_every_fact_kept);

async fn importing_the_same_files_again_changes_nothing(t: &TestStore) {
    t.load_2020().await;
    let before = t.store.content().await.unwrap();
    for (kind, file) in [
        (Kind::Partners, "partners.csv"),
        (Kind::Trainings, "trainings.csv"),
        (Kind::Sessions, "sessions.csv"),
    ] {
        let s = t
            .import_file(kind, &data(&format!("2020/{file}")))
            .await
            .unwrap();
        assert_eq!((s.created, s.updated), (0, 0), "{file}");
        assert_eq!(s.unchanged, s.rows, "{file}");
    }
    assert_eq!(t.store.content().await.unwrap(), before);
}
both!(importing_the_same_files_again_changes_nothing);

async fn a_changed_row_updates_its_training_and_nothing_else(t: &TestStore) {
    t.load_2020().await;
    let text = std::fs::read_to_string(data("2020/trainings.csv")).unwrap();
    let changed = text
        .replace(
            "Reception and Reintegration,",
            "Reception and Reintegration of Returnees,",
        )
        .replace(
            ",2020-07-16,2020-07-17,virtual,,,delivered,CoE,,,,263,,,",
            ",2020-07-16,2020-07-17,virtual,,,delivered,CoE,,,\"12,500.50\",263,140,120,",
        );
    let s = t
        .import_text(Kind::Trainings, "trainings.csv", &changed)
        .await
        .unwrap();
    assert_eq!((s.created, s.updated, s.unchanged), (0, 2, 12));
    let cyber = t.store.training("2020-07").await.unwrap().unwrap();
    assert_eq!(cyber.value, Some(Money::from_cents(1_250_050)));
    assert_eq!(
        (cyber.participants_male, cyber.participants_female),
        (Some(140), Some(120))
    );
    assert_eq!(
        cyber.partners,
        ["Council of Europe"],
        "links survive an update"
    );
}
both!(a_changed_row_updates_its_training_and_nothing_else);
