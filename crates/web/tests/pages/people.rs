//! The participants' list as coordinators use it: how many match, pages back and forth,
//! organisations, likely duplicates named, and a merged record's page saying where it went.

use super::*;

/// 120 officers at one training (some with an organisation), and one of them twice: the same
/// name and country under another e-mail.
async fn roster(site: &Site) {
    let mut sheet = String::from(
        "training_code,session_date,given_name,family_name,email,gender,country,organisation,department,completed\n",
    );
    for i in 1..=120 {
        let organisation = if i % 3 == 0 {
            "Jamaica Customs Agency"
        } else {
            ""
        };
        sheet.push_str(&format!(
            "2020-01,,Officer{i:03},Tester,officer{i:03}@example.org,F,Jamaica,{organisation},,yes\n"
        ));
    }
    sheet.push_str("2020-07,,Chantal,Persaud,chantal.p@example.org,F,Guyana,,,\n");
    sheet.push_str("2020-03,2020-05-07,Chantal,Persaud,cpersaud@example.org,F,Guyana,,,\n");
    common::import_text(&site.store, Kind::Attendance, "people.csv", &sheet).await;
}

/// The address of a link with this `rel` on the page.
fn rel(page: &str, rel: &str) -> Option<String> {
    let at = page.find(&format!("rel=\"{rel}\""))?;
    let before = &page[..at];
    let href = before.rfind("href=\"")?;
    Some(before[href + 6..].split('"').next()?.replace("&amp;", "&"))
}

#[tokio::test]
async fn the_list_counts_pages_both_ways_and_names_duplicates() {
    let site = sqlite().await;
    roster(&site).await;

    let (status, first) = site.get("/participants").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        first.contains("122 participants, 50 on this page."),
        "{first}"
    );
    assert!(first.contains("Organisation or department"));
    assert!(first.contains("Jamaica Customs Agency"));
    assert!(
        rel(&first, "prev").is_none(),
        "the first page has none before it"
    );
    let second_at = rel(&first, "next").expect("a next page");
    let (_, second) = site.get(&second_at).await;
    let third_at =
        rel(&second, "next").unwrap_or_else(|| panic!("a third page after {second_at}: {second}"));
    let (_, third) = site.get(&third_at).await;
    assert!(
        rel(&third, "next").is_none(),
        "the last page has none after it"
    );
    assert_eq!(third.matches("<tr><td data-label=\"No.\"").count(), 22);
    // Back from the third page is the second, the same 50.
    let back_at = rel(&third, "prev").expect("a previous page");
    let (_, back) = site.get(&back_at).await;
    let rows = |p: &str| -> Vec<String> {
        p.split("<td data-label=\"No.\" class=\"code\">")
            .skip(1)
            .map(|r| r.split('<').next().unwrap().to_string())
            .collect()
    };
    assert_eq!(rows(&back), rows(&second));
    assert!(rel(&back, "prev").is_some() && rel(&back, "next").is_some());

    // A search says how many match, and pages keep it.
    let (_, found) = site.get("/participants?q=Persaud%2C+Chantal").await;
    assert!(
        found.contains("2 participants match “Persaud, Chantal”."),
        "{found}"
    );

    // Likely duplicates are named on the "to fix" page and on each record's page.
    let (_, to_fix) = site.get("/quality").await;
    assert!(to_fix.contains("Persaud, Chantal (no. "), "{to_fix}");
    assert!(!to_fix.contains("Participant 1"), "no bare numbers");
    let ids = rows(&found);
    let (_, page) = site.get(&format!("/participants/{}", ids[1])).await;
    assert!(
        page.contains(&format!(
            "Same name and country as Persaud, Chantal (no. {})",
            ids[0]
        )),
        "{page}"
    );

    // Merged away, the record's page says where it went.
    let (kept, other): (i64, i64) = (ids[0].parse().unwrap(), ids[1].parse().unwrap());
    let local = Actor::local();
    let preview = site.app.merge_preview(&local, kept, other).await.unwrap();
    let fields = cadre_core::fields::person_fields(&preview.merged);
    site.app
        .merge_participants(
            &local,
            (kept, preview.kept.version),
            (other, preview.other.version),
            &fields,
        )
        .await
        .unwrap();
    // Written beside the server, not through it: seen within a poll.
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    let (status, gone) = site.get(&format!("/participants/{}", ids[1])).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        gone.contains(&format!(
            "This record was merged into participant {}",
            ids[0]
        )),
        "{gone}"
    );
    assert!(gone.contains(&format!("href=\"/participants/{}\"", ids[0])));
    let (status, _) = site.get("/participants/999999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
