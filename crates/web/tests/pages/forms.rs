//! Forms as editors use them: a refusal keeps what was typed at its field, two editors meet a
//! conflict (or a three-way merge) and never a silent overwrite, and the report follows an edit.

use super::*;

async fn a_form_refuses_with_its_fields_and_keeps_what_was_typed(site: &Site) {
    let (status, _, body) = site
        .post(
            "/trainings",
            &[
                ("code", "WEB-1"),
                ("title", "Typed with care"),
                ("start_date", "2020-13-40"),
                ("value_usd", "3,937,801"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains("id=\"e-start_date\""),
        "the error is at its field"
    );
    assert!(body.contains("aria-invalid=\"true\""));
    assert!(
        body.contains("value=\"Typed with care\""),
        "what was typed stays"
    );
    assert!(body.contains("value=\"3,937,801\""));
    assert!(body.contains("role=\"alert\""));

    let (status, headers, _) = site
        .post(
            "/trainings",
            &[
                ("code", "WEB-1"),
                ("title", "Typed with care"),
                ("start_date", "2020-07"),
                ("value_usd", "3,937,801"),
                ("participants_total", "20"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let id = created_id(&headers);
    let (status, page) = site.get(&format!("/trainings/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Typed with care"));
    assert!(page.contains("USD 3,937,801"));
}

async fn two_editors_meet_a_conflict_not_a_silent_overwrite(site: &Site) {
    let (_, headers, _) = site
        .post(
            "/trainings",
            &[
                ("code", "WEB-2"),
                ("title", "Original"),
                ("start_date", "2020-05"),
            ],
        )
        .await;
    let id = created_id(&headers);
    let uri = format!("/trainings/{id}");
    let first = site
        .post(
            &uri,
            &[
                ("version", "1"),
                ("code", "WEB-2"),
                ("title", "First editor's title"),
                ("start_date", "2020-05"),
            ],
        )
        .await;
    assert_eq!(first.0, StatusCode::SEE_OTHER);
    let (status, _, body) = site
        .post(
            &uri,
            &[
                ("version", "1"),
                ("code", "WEB-2"),
                ("title", "Second editor's title"),
                ("start_date", "2020-05"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        body.contains("Second editor&#39;s title") || body.contains("Second editor&#x27;s title")
    );
    assert!(
        body.contains("First editor&#39;s title") || body.contains("First editor&#x27;s title")
    );
    assert!(
        body.contains("name=\"version\" value=\"2\""),
        "re-applying mine names theirs"
    );
    let (_, page) = site.get(&uri).await;
    assert!(page.contains("First editor"), "nothing was overwritten");
    // Saving again from the version shown applies the second editor's values knowingly.
    let (status, _, _) = site
        .post(
            &uri,
            &[
                ("version", "2"),
                ("code", "WEB-2"),
                ("title", "Second editor's title"),
                ("start_date", "2020-05"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

async fn the_report_follows_an_edit(site: &Site) {
    let before = site
        .get("/report/download/json?kind=year&year=2020")
        .await
        .1;
    let (_, headers, _) = site
        .post(
            "/trainings",
            &[
                ("code", "WEB-3"),
                ("title", "Counted"),
                ("start_date", "2020-11-02"),
                ("participants_total", "17"),
                ("participants_female", "9"),
            ],
        )
        .await;
    assert!(created_id(&headers) > 0);
    let after = site
        .get("/report/download/json?kind=year&year=2020")
        .await
        .1;
    let total = |json: &str| -> i64 {
        let v: serde_json::Value = serde_json::from_str(json).unwrap();
        v["trainings"]["total"].as_i64().unwrap()
    };
    assert_eq!(total(&after), total(&before) + 1);
}

/// A partner's and a participant's forms, saved by two editors from the same version, each
/// changing another field: the second save keeps the first's change (the form sends the
/// version it was filled from), and a field both changed is offered to choose.
async fn other_forms_merge_three_ways(site: &Site) {
    let local = Actor::local();
    let fields = |pairs: &[(&str, &str)]| -> std::collections::BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    let partner = site
        .app
        .create_partner(
            &local,
            &fields(&[("name", "Merge Agency"), ("kind", "ngo")]),
        )
        .await
        .unwrap();
    let uri = format!("/partners/{}", partner.id);
    let base = [
        ("version", "1"),
        ("base.name", "Merge Agency"),
        ("base.short_name", ""),
        ("base.parent", ""),
        ("base.kind", "ngo"),
    ];
    let with = |changes: &[(&'static str, &'static str)]| {
        let mut form: Vec<(&str, &str)> = base.to_vec();
        let mut values = vec![
            ("name", "Merge Agency"),
            ("short_name", ""),
            ("parent", ""),
            ("kind", "ngo"),
        ];
        for (k, v) in changes {
            values.retain(|(n, _)| n != k);
            values.push((k, v));
        }
        form.extend(values);
        form
    };
    let first = site.post(&uri, &with(&[("short_name", "MA")])).await;
    assert_eq!(first.0, StatusCode::SEE_OTHER);
    let second = site.post(&uri, &with(&[("kind", "government")])).await;
    assert_eq!(
        second.0,
        StatusCode::SEE_OTHER,
        "merged: no field changed by both"
    );
    let now = site.app.partner(&local, partner.id).await.unwrap();
    assert_eq!(
        now.record.short_name.as_deref(),
        Some("MA"),
        "the first's change"
    );
    assert_eq!(now.record.kind.map(|k| k.as_str()), Some("government"));
    // Both change the name: the second is shown both, to choose.
    let (status, _, page) = site
        .post(&uri, &with(&[("name", "Merge Agency One")]))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, page2) = site
        .post(&uri, &with(&[("name", "Merge Agency Two")]))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{page}");
    assert!(page2.contains("name=\"keep.name\""), "{page2}");
    assert!(page2.contains("Merge Agency One") && page2.contains("Merge Agency Two"));

    let person = site
        .app
        .create_participant(
            &local,
            &fields(&[
                ("given_name", "Ann"),
                ("family_name", "Lee"),
                ("country", "JM"),
            ]),
        )
        .await
        .unwrap();
    let uri = format!("/participants/{}", person.id);
    let person_form = |changes: &[(&'static str, &'static str)]| {
        let mut form: Vec<(&str, &str)> = vec![("version", "1")];
        let values = [
            ("given_name", "Ann"),
            ("family_name", "Lee"),
            ("email", ""),
            ("gender", ""),
            ("country", "JM"),
            ("organisation", ""),
            ("department", ""),
        ];
        for (k, v) in values {
            form.push((["base.", k].concat().leak(), v));
            let v = changes.iter().find(|(n, _)| *n == k).map_or(v, |(_, v)| *v);
            form.push((k, v));
        }
        form
    };
    let first = site.post(&uri, &person_form(&[("gender", "F")])).await;
    assert_eq!(first.0, StatusCode::SEE_OTHER);
    let second = site
        .post(&uri, &person_form(&[("organisation", "JCF")]))
        .await;
    assert_eq!(second.0, StatusCode::SEE_OTHER, "{}", second.2);
    let now = site.app.participant(&local, person.id).await.unwrap();
    assert_eq!(now.record.person.organisation.as_deref(), Some("JCF"));
    assert_eq!(
        now.record.person.gender.map(|g| g.as_str()),
        Some("female"),
        "the first's change is not reverted"
    );
}

#[tokio::test]
async fn forms_on_sqlite() {
    let site = sqlite().await;
    a_form_refuses_with_its_fields_and_keeps_what_was_typed(&site).await;
    two_editors_meet_a_conflict_not_a_silent_overwrite(&site).await;
    the_report_follows_an_edit(&site).await;
    other_forms_merge_three_ways(&site).await;
}

#[tokio::test]
async fn forms_on_postgres() {
    let site = postgres().await;
    a_form_refuses_with_its_fields_and_keeps_what_was_typed(&site).await;
    two_editors_meet_a_conflict_not_a_silent_overwrite(&site).await;
    the_report_follows_an_edit(&site).await;
    site.drop_schema().await;
}

/// A date typed day/month first is read as the import reads one, and one that reads both ways
/// is refused naming the two days; the summary of a refused form names each field, and a save
/// says so on the page it leads to.
#[tokio::test]
async fn a_form_reads_dates_as_people_type_them_and_says_what_it_did() {
    let site = sqlite().await;
    let (status, _, page) = site
        .post(
            "/trainings",
            &[
                ("code", "WEB-D1"),
                ("title", "Typed dates"),
                ("start_date", "08/03/2021"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("8 March 2021") && page.contains("3 August 2021"),
        "{page}"
    );
    assert!(
        page.contains("First day: "),
        "the summary names the field: {page}"
    );
    assert!(page.contains("autofocus"), "the summary takes the focus");
    let (status, headers, _) = site
        .post(
            "/trainings",
            &[
                ("code", "WEB-D1"),
                ("title", "Typed dates"),
                ("start_date", "25/12/2021"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let to = headers[header::LOCATION].to_str().unwrap().to_string();
    assert!(to.ends_with("?notice=added"), "{to}");
    let (_, page) = site.get(&to).await;
    assert!(page.contains("role=\"status\" id=\"notice\""), "{page}");
    assert!(page.contains("25 December 2021"), "{page}");
}

/// A session with attendance is not deleted without its box ticked, and the page says so of
/// the session by its dates, never by an internal number.
#[tokio::test]
async fn a_session_with_attendance_is_refused_by_its_dates() {
    let site = sqlite().await;
    let training = site.id_of("2020-03").await;
    let sessions = site
        .app
        .sessions_of(&Actor::local(), training)
        .await
        .unwrap();
    let first = &sessions[0];
    let rows = format!(
        "training_code,session_date,given_name,family_name,email,gender,country,organisation,department,completed\n\
         2020-03,{},Ann,Lee,ann.lee@example.org,F,Jamaica,,,yes\n",
        first.record.start
    );
    common::import_text(&site.store, Kind::Attendance, "people.csv", &rows).await;
    let (status, _, page) = site
        .post(&format!("/sessions/{}/delete", first.id), &[])
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        page.contains("Nothing was deleted: the session of "),
        "{page}"
    );
    assert!(page.contains("1 attendance record"), "{page}");
    assert!(!page.contains(&format!("session {}", first.id)), "{page}");
}
