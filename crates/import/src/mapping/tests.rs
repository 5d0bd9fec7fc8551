//! Mappings: proposed from a sheet's words, written and read back, and applied to rows.

use super::*;
use crate::sheet::Sheet;

fn headers(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

const ATTENDANCE: &[&str] = crate::AttendanceParser::COLUMNS;

#[test]
fn headers_in_four_languages_are_proposed() {
    let sheet = headers(&[
        "Apellido",
        "Nombre",
        "Sexo",
        "País",
        "Correo electrónico",
        "Notas",
    ]);
    let p = propose_columns(Kind::Attendance, &sheet, &[], ATTENDANCE);
    let m = &p.mapping;
    assert_eq!(m.columns["Apellido"], "family_name");
    assert_eq!(m.columns["Nombre"], "given_name");
    assert_eq!(m.columns["Sexo"], "gender");
    assert_eq!(m.columns["País"], "country");
    assert_eq!(m.columns["Correo electrónico"], "email");
    assert_eq!(m.columns["Notas"], "ignore");
    let french = headers(&["Nom", "Prénom", "Sexe", "Pays"]);
    let m = propose_columns(Kind::Attendance, &french, &[], ATTENDANCE).mapping;
    assert_eq!(m.columns["Nom"], "family_name");
    assert_eq!(m.columns["Prénom"], "given_name");
    let dutch = headers(&["Achternaam", "Voornaam", "Geslacht"]);
    let m = propose_columns(Kind::Attendance, &dutch, &[], ATTENDANCE).mapping;
    assert_eq!(m.columns["Achternaam"], "family_name");
    let english = headers(&["Surname", "First Name", "Sex", "Member State", "Full name"]);
    let p = propose_columns(Kind::Attendance, &english, &[], ATTENDANCE);
    assert_eq!(p.mapping.columns["Surname"], "family_name");
    // The whole-name column is not split when the names come apart already.
    assert!(p.mapping.split.is_empty());
}

#[test]
fn a_full_name_column_is_split_by_the_rule_its_values_suggest() {
    let sheet = headers(&["Participant", "Country"]);
    let samples = vec![
        vec!["Lee, Ann".to_string(), "Belize".to_string()],
        vec!["Brown, Tom".to_string(), "Guyana".to_string()],
    ];
    let p = propose_columns(Kind::Attendance, &sheet, &samples, ATTENDANCE);
    assert_eq!(p.mapping.split["Participant"], "family, given");
}

#[test]
fn a_proposal_reads_back_as_the_same_mapping() {
    let mut m = Mapping {
        format: 1,
        kind: Some("attendance".into()),
        sheet: Some("Participants \"2021\"".into()),
        header_row: Some(3),
        date_order: Some("dmy".into()),
        ..Mapping::default()
    };
    m.columns.insert("Surname".into(), "family_name".into());
    m.columns.insert("Notes".into(), "ignore".into());
    m.split.insert("Full name".into(), "given family".into());
    m.fixed.insert("training_code".into(), "T-01".into());
    m.values
        .entry("country".into())
        .or_default()
        .insert("St Kitts".into(), "KN".into());
    m.aliases.insert("RPF".into(), "Police".into());
    let mut notes = BTreeMap::new();
    notes.insert("columns.Notes".to_string(), "not recognised".to_string());
    let text = m.to_toml(&notes);
    assert!(
        text.contains("# not recognised\n\"Notes\" = \"ignore\""),
        "{text}"
    );
    assert_eq!(Mapping::parse(&text).unwrap(), m);
    assert!(Mapping::parse("format = 2").is_err());
    assert!(
        Mapping::parse("colums = {}").is_err(),
        "unknown keys are refused"
    );
}

fn sheet_of(text: &'static str) -> Sheet {
    Sheet::from_csv("s.csv", text.as_bytes(), text.len() as u64).unwrap()
}

#[test]
fn a_plan_rebuilds_rows_in_cadres_columns() {
    let mut sheet = sheet_of(
        "Full name;Sex;Country;Dept;Date;Notes\nAnn Marie Lee;F;St Kitts;RPF;05/07/2021;x\n",
    );
    let text = r#"
format = 1
date_order = "dmy"
[columns]
Sex = "gender"
Country = "country"
Dept = "department"
Date = "session_date"
Notes = "ignore"
[split]
"Full name" = "given family"
[fixed]
training_code = "T-01"
[values.country]
"st kitts" = "Saint Kitts and Nevis"
[aliases]
RPF = "Police"
"#;
    let mapping = Mapping::parse(text).unwrap();
    let plan = Plan::new(&mapping, sheet.sheet_headers(), ATTENDANCE).unwrap();
    assert_eq!(plan.aliases, [("RPF".to_string(), "Police".to_string())]);
    sheet.apply(plan);
    let h = sheet.headers().to_vec();
    let row = sheet.next().unwrap().unwrap();
    let cell = |name: &str| row.cells[h.iter().position(|x| x == name).unwrap()].to_string();
    assert_eq!(cell("given_name"), "Ann Marie");
    assert_eq!(cell("family_name"), "Lee");
    assert_eq!(cell("country"), "Saint Kitts and Nevis");
    assert_eq!(cell("department"), "Police");
    assert_eq!(cell("session_date"), "2021-07-05");
    assert_eq!(cell("training_code"), "T-01");
    // A problem names the sheet's own column and header.
    let gender = h.iter().position(|x| x == "gender").unwrap();
    assert_eq!(
        sheet.column_source(gender),
        (Some(2), Some("Sex".to_string()))
    );
}

#[test]
fn a_mapping_that_does_not_fit_the_sheet_says_why() {
    let sheet = headers(&["Surname", "Mystery"]);
    let mut m = Mapping::default();
    m.columns.insert("Surname".into(), "family_name".into());
    let e = Plan::new(&m, &sheet, ATTENDANCE).unwrap_err();
    assert!(e.0.contains("\"Mystery\" is not in the mapping"), "{e}");
    m.columns.insert("Mystery".into(), "shoe_size".into());
    let e = Plan::new(&m, &sheet, ATTENDANCE).unwrap_err();
    assert!(e.0.contains("not a column of this kind"), "{e}");
    m.columns.insert("Mystery".into(), "family_name".into());
    assert!(
        Plan::new(&m, &sheet, ATTENDANCE).is_err(),
        "two sources for one column"
    );
}

#[test]
fn header_signatures_ignore_case_and_spacing_only() {
    let a = header_signature(Kind::Attendance, &headers(&["Surname", "First Name"]));
    let b = header_signature(Kind::Attendance, &headers(&[" surname", "first  name "]));
    let c = header_signature(Kind::Attendance, &headers(&["First Name", "Surname"]));
    let d = header_signature(Kind::Trainings, &headers(&["Surname", "First Name"]));
    assert_eq!(a, b);
    assert_ne!(a, c);
    assert_ne!(a, d);
    assert_eq!(a.len(), 32);
}

#[test]
fn each_date_column_keeps_its_own_order() {
    let text = "Code,Title,From,To\nT-1,One,13/07/2021,07/14/2021\n";
    let mut sheet = sheet_of(Box::leak(text.to_string().into_boxed_str()));
    let mapping = Mapping::parse(
        "format = 1\ndate_order = \"dmy\"\n[date_orders]\nend_date = \"mdy\"\n[columns]\nCode = \"code\"\nTitle = \"title\"\nFrom = \"start_date\"\nTo = \"end_date\"\n",
    )
    .unwrap();
    let plan = Plan::new(
        &mapping,
        sheet.sheet_headers(),
        crate::TrainingParser::COLUMNS,
    )
    .unwrap();
    sheet.apply(plan);
    let h = sheet.headers().to_vec();
    let row = sheet.next().unwrap().unwrap();
    let cell = |name: &str| row.cells[h.iter().position(|x| x == name).unwrap()].to_string();
    assert_eq!(cell("start_date"), "2021-07-13");
    assert_eq!(cell("end_date"), "2021-07-14");
    let bad = Mapping::parse("format = 1\n[date_orders]\ntitle = \"dmy\"\n").unwrap();
    assert!(Plan::new(&bad, &headers(&["title"]), crate::TrainingParser::COLUMNS).is_err());
}
