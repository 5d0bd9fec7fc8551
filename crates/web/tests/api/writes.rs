//! Writes through the API that must be refused or accepted whole: records of an approved period,
//! control characters in a name, and a record read, changed and put back.

use super::*;

/// A training of an approved period cannot be replaced through the API either: 409, as a
/// problem saying which period and since when.
#[tokio::test]
async fn a_training_of_an_approved_period_is_refused_as_a_problem() {
    let api = api().await;
    let year = cadre_core::report::Period::year(2020);
    api.app.submit_period(&Actor::local(), year).await.unwrap();
    api.app.approve_period(&Actor::local(), year).await.unwrap();
    let listed = api
        .call("GET", "/api/v1/trainings?limit=1", None, None)
        .await;
    let mut body = listed.json["items"][0].clone();
    let uri = format!("/api/v1/trainings/{}", body["id"]);
    body.as_object_mut().unwrap().remove("id");
    body["title"] = json!("Renamed after approval");
    let put = api.call("PUT", &uri, Some(body), None).await;
    assert_eq!(put.status, StatusCode::CONFLICT);
    assert_eq!(content_type(&put), "application/problem+json");
    assert!(
        put.json["type"]
            .as_str()
            .unwrap()
            .ends_with("period-approved"),
        "{}",
        put.json
    );
    assert!(put.json["detail"]
        .as_str()
        .unwrap()
        .contains("January – December 2020 was approved on"));
    let deleted = api.call("DELETE", &uri, None, None).await;
    assert_eq!(deleted.status, StatusCode::CONFLICT);
}

/// Nor can what stands behind its figures: a participant's gender, a participant or a
/// partner deleted with what depends on them (each 409, saying which period).
#[tokio::test]
async fn the_participants_and_partners_of_an_approved_period_are_refused_too() {
    let api = api().await;
    let dir = tempfile::tempdir().unwrap();
    let sheet = dir.path().join("attendance.csv");
    std::fs::write(
        &sheet,
        "training_code,given_name,family_name,email,gender,country\n\
         2020-02,Ana,Rivera,ana@example.org,F,Barbados\n",
    )
    .unwrap();
    let request = cadre_app::ImportRequest::new(cadre_import::Kind::Attendance, sheet);
    api.app
        .import(&Actor::local(), &request, &mut |_, _| {})
        .await
        .unwrap();
    let year = cadre_core::report::Period::year(2020);
    api.app.submit_period(&Actor::local(), year).await.unwrap();
    api.app.approve_period(&Actor::local(), year).await.unwrap();

    let found = api
        .call("GET", "/api/v1/participants?q=ana@example.org", None, None)
        .await;
    let ana = found.json["items"][0].clone();
    let uri = format!("/api/v1/participants/{}", ana["id"]);
    let put = api
        .call(
            "PUT",
            &uri,
            Some(json!({"version": ana["version"], "given_name": "Ana", "family_name": "Rivera", "email": "ana@example.org", "gender": "M", "country": "BB"})),
            None,
        )
        .await;
    assert_eq!(put.status, StatusCode::CONFLICT, "{}", put.json);
    assert!(put.json["detail"]
        .as_str()
        .unwrap()
        .contains("January – December 2020 was approved on"));
    let deleted = api
        .call("DELETE", &format!("{uri}?cascade=true"), None, None)
        .await;
    assert_eq!(deleted.status, StatusCode::CONFLICT, "{}", deleted.json);

    let partners = api
        .call("GET", "/api/v1/partners?limit=100", None, None)
        .await;
    let comsec = partners.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["short_name"] == "ComSec")
        .unwrap()
        .clone();
    let deleted = api
        .call(
            "DELETE",
            &format!("/api/v1/partners/{}?cascade=true", comsec["id"]),
            None,
            None,
        )
        .await;
    assert_eq!(deleted.status, StatusCode::CONFLICT, "{}", deleted.json);
    let report = api.app.report(&Actor::local(), year).await.unwrap();
    let approval = report.approval.expect("approved");
    assert!(approval.changes.is_empty(), "{:?}", approval.changes);
}

/// A NUL or another control character in a name is a problem of its field (422), on either
/// database, never a 500.
#[tokio::test]
async fn control_characters_in_a_name_are_a_problem_of_the_field() {
    let api = api().await;
    let p = api
        .call(
            "POST",
            "/api/v1/participants",
            Some(json!({"given_name": "Ana\u{0}", "family_name": "Rivera", "email": "ana@example.org"})),
            None,
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.json);
    assert_eq!(p.json["errors"][0]["field"], "given_name");
}

/// The natural read-modify-write of every client: GET a record, change a field, PUT the same
/// body back. Another record's id is refused; every POST says where its record is.
#[tokio::test]
async fn a_record_read_changed_and_put_back_whole_is_accepted() {
    let api = api().await;
    // A participant, a partner, a session and a training, each created (201 with Location),
    // then read, changed and put back as read.
    let creations = [
        (
            "/api/v1/participants",
            json!({"given_name": "Ann", "family_name": "Lee", "email": "ann.rw@example.org"}),
            "given_name",
            json!("Anne"),
        ),
        (
            "/api/v1/partners",
            json!({"name": "Round Trip Agency", "short_name": "RTA"}),
            "short_name",
            json!("RTAG"),
        ),
        (
            "/api/v1/sessions",
            json!({"training_code": "2020-01", "start_date": "2020-01-29"}),
            "note",
            json!("Day three"),
        ),
        (
            "/api/v1/trainings",
            json!({"code": "RT-1", "title": "Round trip"}),
            "theme",
            json!("Border security"),
        ),
    ];
    for (collection, body, field, value) in creations {
        let made = api.call("POST", collection, Some(body), None).await;
        assert_eq!(
            made.status,
            StatusCode::CREATED,
            "{collection}: {}",
            made.json
        );
        let id = made.json["id"].as_i64().unwrap();
        let location = made.headers[header::LOCATION].to_str().unwrap();
        assert_eq!(location, format!("{collection}/{id}"));
        let read = api.call("GET", location, None, None).await;
        assert_eq!(read.status, StatusCode::OK);
        let mut back = read.json.clone();
        back[field] = value.clone();
        let put = api.call("PUT", location, Some(back.clone()), None).await;
        assert_eq!(put.status, StatusCode::OK, "{collection}: {}", put.json);
        assert_eq!(put.json[field], value, "{collection}");
        // Sent to another record's address, the body is refused, and nothing changes.
        back["version"] = put.json["version"].clone();
        let other = format!("{collection}/{}", id + 1000);
        let wrong = api.call("PUT", &other, Some(back.clone()), None).await;
        assert_eq!(
            wrong.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            wrong.json
        );
        // An id given to create is refused: cadre gives it.
        let again = api.call("POST", collection, Some(back), None).await;
        assert_eq!(
            again.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            again.json
        );
    }
}
