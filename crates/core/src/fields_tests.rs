//! Tests of reading records from their fields: each rule at its field, as forms and JSON give them.
use super::*;

fn lookups() -> Lookups {
    let mut l = Lookups::default();
    l.add_partner("United States Department of State", Some("US DoS"));
    l.add_department("Police");
    l.add_training("2020-01");
    l
}

fn form(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn a_training_form_reads_as_people_type_it() {
    let t = training(
        &form(&[
            ("code", " 2020-07 "),
            ("title", "Firearms examination"),
            ("start_date", "2020-07"),
            ("value_usd", "3,937,801"),
            ("partners", "us dos"),
            ("countries", "Jamaica; TT"),
            ("departments", "police"),
            ("participants_total", "29"),
            ("participants_female", "12"),
        ]),
        &lookups(),
    )
    .unwrap();
    assert_eq!(t.code, "2020-07");
    assert_eq!(t.value.unwrap().cents(), 393_780_100);
    assert_eq!(t.partners, ["United States Department of State"]);
    assert_eq!(t.countries, ["JM", "TT"]);
    assert_eq!(t.departments, ["Police"]);
    let cents = training(
        &form(&[("code", "x"), ("title", "y"), ("value_usd", "3937801.50")]),
        &lookups(),
    )
    .unwrap();
    assert_eq!(cents.value.unwrap().cents(), 393_780_150);
}

#[test]
fn every_problem_of_a_form_is_found_with_its_field_and_code() {
    let problems = training(
        &form(&[
            ("code", ""),
            ("title", "t"),
            ("start_date", "2020-13"),
            ("value_usd", "12.345"),
            ("partners", "Nobody"),
            ("participants_total", "10"),
            ("participants_male", "11"),
        ]),
        &lookups(),
    )
    .unwrap_err();
    let found: Vec<(&str, &str)> = problems.iter().map(|p| (p.field, p.code)).collect();
    assert!(found.contains(&("code", "required")), "{found:?}");
    assert!(found.contains(&("start_date", "bad-date")), "{found:?}");
    assert!(found.contains(&("value_usd", "bad-money")), "{found:?}");
    assert!(
        found.contains(&("partners", "unknown-partner")),
        "{found:?}"
    );
    assert!(
        found.iter().any(|(f, _)| f.starts_with("participants")),
        "{found:?}"
    );
}

#[test]
fn json_arrays_are_lists_and_a_form_round_trips() {
    let mut typed = Typed::default();
    typed.text.insert("code".into(), "2020-02".into());
    typed.text.insert("title".into(), "Cyber; security".into());
    typed
        .lists
        .insert("countries".into(), vec!["JM".into(), " ".into()]);
    let t = training(&typed, &lookups()).unwrap();
    assert_eq!(t.title, "Cyber; security");
    assert_eq!(t.countries, ["JM"]);
    let again = training(&training_fields(&t), &lookups()).unwrap();
    assert_eq!(again, t);
}

#[test]
fn a_session_needs_a_known_training_and_a_start() {
    let problems = session(&form(&[("training_code", "nope")]), &lookups()).unwrap_err();
    let found: Vec<(&str, &str)> = problems.iter().map(|p| (p.field, p.code)).collect();
    assert_eq!(
        found,
        [
            ("training_code", "unknown-training"),
            ("start_date", "required")
        ]
    );
    let s = session(
        &form(&[("training_code", "2020-01"), ("start_date", "2020-01-15")]),
        &lookups(),
    )
    .unwrap();
    assert_eq!(s.start.to_string(), "2020-01-15");
}

#[test]
fn a_person_needs_an_email_or_both_names() {
    assert!(person(&form(&[("given_name", "Ann")]), &lookups()).is_err());
    let p = person(
        &form(&[
            ("given_name", "Ann"),
            ("family_name", "Lee"),
            ("gender", "F"),
            ("department", "POLICE"),
        ]),
        &lookups(),
    )
    .unwrap();
    assert_eq!(p.department.as_deref(), Some("Police"));
}
