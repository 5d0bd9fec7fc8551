//! Reads through the API: the report for any period the pages offer, answers holding personal data
//! never stored, and the trainings list's filters as the pages read them.

use super::*;

/// The report is asked for as the pages ask: a year, a quarter or a month of it, or a range;
/// what is not understood is said in the API's words, never a deserializer's.
#[tokio::test]
async fn the_report_takes_a_year_a_quarter_a_month_or_a_range() {
    let api = api().await;
    let total = |a: &Answer| a.json["trainings"]["total"].as_i64();
    let year = api
        .call("GET", "/api/v1/report?year=2020", None, None)
        .await;
    assert_eq!(year.status, StatusCode::OK);
    let range = api
        .call(
            "GET",
            "/api/v1/report?from=2020-01-01&to=2020-12-31",
            None,
            None,
        )
        .await;
    assert_eq!(total(&year), total(&range));
    let q3 = api
        .call("GET", "/api/v1/report?year=2020&quarter=3", None, None)
        .await;
    assert_eq!(q3.status, StatusCode::OK);
    assert_eq!(q3.json["period"]["from"], "2020-07-01");
    let march = api
        .call("GET", "/api/v1/report?year=2020&month=3", None, None)
        .await;
    assert_eq!(march.json["period"]["to"], "2020-03-31");
    for (uri, status) in [
        ("/api/v1/report", StatusCode::UNPROCESSABLE_ENTITY),
        ("/api/v1/report?quarter=2", StatusCode::UNPROCESSABLE_ENTITY),
        ("/api/v1/report?year=2101", StatusCode::UNPROCESSABLE_ENTITY),
        (
            "/api/v1/report?year=2020&quarter=5",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "/api/v1/report?from=2020-01-01",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "/api/v1/report?year=2020&quarter=2&month=4",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        ("/api/v1/report?year=twenty", StatusCode::BAD_REQUEST),
        ("/api/v1/trainings?limit=many", StatusCode::BAD_REQUEST),
    ] {
        let a = api.call("GET", uri, None, None).await;
        assert_eq!(a.status, status, "{uri}: {}", a.json);
        let detail = a.json["detail"].as_str().unwrap_or_default();
        assert!(!detail.contains("Failed to deserialize"), "{uri}: {detail}");
    }
    let bad = api
        .call("POST", "/api/v1/partners", Some(json!({"nam": "x"})), None)
        .await;
    let detail = bad.json["detail"].as_str().unwrap();
    assert!(
        !detail.contains("Failed to deserialize") && detail.contains("nam"),
        "{detail}"
    );
}

/// Answers holding personal data are never kept by anyone's cache.
#[tokio::test]
async fn answers_with_personal_data_are_not_stored() {
    let api = api().await;
    let made = api
        .call(
            "POST",
            "/api/v1/participants",
            Some(json!({"given_name": "Ann", "family_name": "Lee", "email": "ann.ns@example.org"})),
            None,
        )
        .await;
    let id = made.json["id"].as_i64().unwrap();
    for uri in [
        "/api/v1/participants".to_string(),
        format!("/api/v1/participants/{id}"),
        "/api/v1/trainings/1/attendance".to_string(),
    ] {
        let a = api.call("GET", &uri, None, None).await;
        assert_eq!(a.status, StatusCode::OK, "{uri}");
        assert_eq!(a.headers[header::CACHE_CONTROL], "no-store", "{uri}");
    }
    let trainings = api.call("GET", "/api/v1/trainings", None, None).await;
    assert_ne!(trainings.headers[header::CACHE_CONTROL], "no-store");
}

/// A partner filter takes the short name and finds the partner's programmes' trainings too,
/// as the partner's own account sees them.
#[tokio::test]
async fn a_partner_filter_takes_the_short_name_and_the_programmes() {
    let api = api().await;
    let codes = |a: &Answer| -> Vec<String> {
        a.json["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["code"].as_str().unwrap().to_string())
            .collect()
    };
    let by_short = api
        .call(
            "GET",
            "/api/v1/trainings?partner=UNODC&limit=500",
            None,
            None,
        )
        .await;
    let by_name = api
        .call(
            "GET",
            "/api/v1/trainings?partner=United%20Nations%20Office%20on%20Drugs%20and%20Crime&limit=500",
            None,
            None,
        )
        .await;
    assert_eq!(codes(&by_short), codes(&by_name));
    assert!(
        codes(&by_short).contains(&"2020-04".to_string()),
        "UNODC-GPML's"
    );
    assert!(
        codes(&by_short).contains(&"2020-02".to_string()),
        "UNODC's own"
    );
    assert!(!codes(&by_short).contains(&"2020-01".to_string()));
}
