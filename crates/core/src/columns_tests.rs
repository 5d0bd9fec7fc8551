//! Tests of the header proposals, against the v1 column lists.

use super::*;

const KINDS: &[&[&str]] = &[
    DEPARTMENTS,
    PARTNERS,
    TRAININGS,
    SESSIONS,
    ATTENDANCE,
    PUBLISHED,
];

fn assert_proposes(columns: &[&'static str], column: &str, headers: &[&str]) {
    for header in headers {
        assert_eq!(propose(header, columns), Some(column), "{header:?}");
    }
}

#[test]
fn header_keys() {
    assert_eq!(header_key("E-mail Address:"), "e mail address");
    assert_eq!(header_key("  Family_Name  "), "family name");
    assert_eq!(header_key("Género"), "genero");
    assert_eq!(header_key("Ge\u{301}nero"), "genero", "decomposed");
    assert_eq!(header_key("Prénom / Nom"), "prenom nom");
    assert_eq!(header_key("Correo electrónico (*)"), "correo electronico");
    assert_eq!(header_key("Nº de participantes"), "no de participantes");
    assert_eq!(header_key("Año"), "ano");
    assert_eq!(header_key("Straße"), "strasse");
    assert_eq!(header_key("Value (USD)"), "value usd");
    assert_eq!(header_key("---"), "");
}

/// Every column of every kind has phrases, and every phrase is written as a header key would
/// be (otherwise it could never match).
#[test]
fn the_table_covers_every_column_in_header_key_form() {
    for kind in KINDS {
        for column in *kind {
            let entry = SYNONYMS.iter().find(|(c, _)| c == column);
            assert!(entry.is_some(), "{column} has no phrases");
        }
    }
    let lists = SYNONYMS.iter().map(|(_, l)| *l).chain([FULL_NAMES]);
    for list in lists {
        for phrase in phrases(list) {
            assert_eq!(header_key(phrase), phrase, "{list}");
        }
    }
    for (column, _) in SYNONYMS {
        assert!(
            KINDS.iter().any(|k| k.contains(column)),
            "{column} is no v1 column"
        );
    }
}

/// Within one kind no phrase means two columns or a whole name (the table's order would
/// silently pick one), once the joining words are left out.
#[test]
fn no_phrase_is_ambiguous_within_a_kind() {
    let full: Vec<String> = phrases(FULL_NAMES).map(glue_free).collect();
    for kind in KINDS {
        let mut seen: Vec<(String, &str)> = Vec::new();
        for (column, list) in SYNONYMS.iter().filter(|(c, _)| kind.contains(c)) {
            for phrase in phrases(list) {
                let bare = glue_free(phrase);
                if bare.is_empty() {
                    continue; // "du", "van": matched only as typed
                }
                if let Some((_, other)) = seen.iter().find(|(p, _)| *p == bare) {
                    assert_eq!(other, column, "{phrase:?} in {kind:?}");
                    continue; // "fecha de inicio" and "fecha inicio"
                }
                let names_people = kind.contains(&"family_name");
                assert!(
                    !names_people || !full.contains(&bare),
                    "{phrase:?} is a whole name"
                );
                seen.push((bare, column));
            }
        }
    }
}

#[test]
fn v1_names_map_to_themselves() {
    for kind in KINDS {
        for &column in *kind {
            assert_eq!(propose(column, kind), Some(column));
            let spaced = column.replace('_', " ").to_uppercase();
            assert_eq!(propose(&spaced, kind), Some(column), "{spaced}");
        }
    }
    assert_eq!(propose("Family Name", ATTENDANCE), Some("family_name"));
    assert_eq!(
        propose("Family name (required)", ATTENDANCE),
        Some("family_name")
    );
}

#[test]
fn person_headers_in_four_languages() {
    let a = ATTENDANCE;
    #[rustfmt::skip]
    assert_proposes(a, "family_name", &[
        "Surname", "Last name", "Family name", "Apellido", "Apellidos", "Apellido(s)", "Nom",
        "Nom de famille", "Achternaam", "NOM",
    ]);
    #[rustfmt::skip]
    assert_proposes(a, "given_name", &[
        "First name", "Given name", "Forename", "Nombre", "Prénom", "Pre\u{301}nom", "Voornaam",
        "First Name(s)",
    ]);
    #[rustfmt::skip]
    assert_proposes(a, "gender", &[
        "Sex", "Gender", "Sexo", "Género", "Sexe", "Genre", "Geslacht", "M/F",
        "Participant's gender", "Sexe (H/F)",
    ]);
    #[rustfmt::skip]
    assert_proposes(a, "email", &[
        "Email", "E-mail", "E-mail address", "Correo electrónico", "Courriel", "Adresse e-mail",
        "E-mailadres", "Email of the participant",
    ]);
    #[rustfmt::skip]
    assert_proposes(a, "country", &[
        "Country", "Member State", "País", "Pays", "Land", "Country (required)",
    ]);
    #[rustfmt::skip]
    assert_proposes(a, "organisation", &[
        "Organisation", "Organization", "Agency", "Ministry", "Organización", "Organisme",
        "Organisatie", "Nom de l'organisation",
    ]);
    #[rustfmt::skip]
    assert_proposes(a, "department", &[
        "Department", "Departamento", "Département", "Afdeling", "Service",
    ]);
    #[rustfmt::skip]
    assert_proposes(a, "completed", &[
        "Completed", "Certificate", "Completado", "Terminé", "Voltooid",
    ]);
    #[rustfmt::skip]
    assert_proposes(a, "training_code", &["Training code", "Course code", "Event code"]);
    #[rustfmt::skip]
    assert_proposes(a, "session_date", &[
        "Date", "Session date", "Fecha", "Date de la session", "Datum", "Date of session",
    ]);
}

#[test]
fn training_headers_in_four_languages() {
    let t = TRAININGS;
    #[rustfmt::skip]
    assert_proposes(t, "code", &["Training code", "Course code", "Event code", "Code", "Código"]);
    assert_proposes(
        t,
        "title",
        &["Title", "Course title", "Título", "Titre", "Titel"],
    );
    #[rustfmt::skip]
    assert_proposes(t, "start_date", &[
        "Date", "Start date", "Fecha de inicio", "Date de début", "Startdatum", "Fecha",
        "Datum",
    ]);
    #[rustfmt::skip]
    assert_proposes(t, "end_date", &[
        "End date", "Fecha de fin", "Date de fin", "Einddatum",
    ]);
    #[rustfmt::skip]
    assert_proposes(t, "value_usd", &[
        "Value (USD)", "Value", "Cost", "Valor", "Valeur", "Waarde",
    ]);
    #[rustfmt::skip]
    assert_proposes(t, "participants_total", &[
        "Total participants", "Participants", "Number of participants",
        "Nº de participantes", "Deelnemers",
    ]);
    #[rustfmt::skip]
    assert_proposes(t, "participants_male", &[
        "Males", "Male", "Hombres", "Hommes", "Mannen", "Male participants",
    ]);
    #[rustfmt::skip]
    assert_proposes(t, "participants_female", &[
        "Females", "Female", "Mujeres", "Femmes", "Vrouwen",
    ]);
    #[rustfmt::skip]
    assert_proposes(t, "modality", &[
        "Mode", "Modality", "Delivery", "Modalidad", "Modalité", "Vorm",
    ]);
    assert_proposes(t, "countries", &["Countries", "Pays", "Países"]);
    assert_proposes(t, "note", &["Notes", "Comments", "Observaciones"]);
}

#[test]
fn the_kind_decides_what_a_word_means() {
    assert_eq!(propose("Session date", SESSIONS), Some("start_date"));
    assert_eq!(propose("Training code", SESSIONS), Some("training_code"));
    assert_eq!(propose("Nom", PARTNERS), Some("name"));
    assert_eq!(propose("Naam", DEPARTMENTS), Some("name"));
    assert_eq!(propose("Department", DEPARTMENTS), Some("name"));
    assert_eq!(propose("Acronym", PARTNERS), Some("short_name"));
    assert_eq!(propose("Value", PUBLISHED), Some("value"));
    assert_eq!(propose("Pays", ATTENDANCE), Some("country"));
    assert_eq!(propose("Male", SESSIONS), None);
}

#[test]
fn headers_that_mean_no_column_propose_none() {
    for header in [
        "Notes",
        "Name",
        "Full name",
        "Participant",
        "Title",
        "Participants",
        "Code",
        "Participant code",
        "Date of birth",
        "Phone",
        "",
        "   ",
        "Nombre del participante",
    ] {
        assert_eq!(propose(header, ATTENDANCE), None, "{header:?}");
    }
    assert_eq!(propose("Country", TRAININGS), None);
    assert_eq!(propose("Gender", TRAININGS), None);
}

#[test]
fn whole_names() {
    for header in [
        "Name",
        "Full name",
        "Participant",
        "Participant name",
        "Participant's name",
        "Name of the participant",
        "Nombre completo",
        "Nombre y apellidos",
        "Nom complet",
        "Nom et prénom",
        "Volledige naam",
        "Naam",
    ] {
        assert!(is_full_name(header), "{header:?}");
    }
    for header in [
        "Nombre",
        "Nom",
        "First name",
        "Surname",
        "Email",
        "Names list",
    ] {
        assert!(!is_full_name(header), "{header:?}");
    }
}

#[test]
fn closest_names_for_the_error_message() {
    assert_eq!(
        closest("famly nam", ATTENDANCE),
        ["family_name", "given_name", "email"]
    );
    assert_eq!(closest("E-mial", ATTENDANCE)[0], "email");
    assert_eq!(closest("Start", TRAININGS)[0], "status");
    assert_eq!(closest("figures", PUBLISHED), ["figure", "value", "note"]);
    assert!(closest("zzz", PUBLISHED).is_empty(), "nothing in common");
    assert!(closest("anything", &[]).is_empty());
    assert!(closest("nam", DEPARTMENTS).len() <= 2);
}

#[test]
fn edit_distances() {
    let d = |a: &str, b: &str| {
        let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        levenshtein(&a, &b)
    };
    assert_eq!(d("kitten", "sitting"), 3);
    assert_eq!(d("", "abc"), 3);
    assert_eq!(d("abc", ""), 3);
    assert_eq!(d("email", "email"), 0);
    assert_eq!(d("género", "genero"), 1);
    assert_eq!(d("flaw", "lawn"), 2);
}

#[test]
fn the_training_of_an_attendance_sheet_in_the_agencys_languages() {
    for header in [
        "Curso",
        "Cours",
        "Cursus",
        "Formation",
        "Taller",
        "Capacitación",
        "Formación",
        "Atelier",
        "Opleiding",
        "Training",
        "Course",
        "Evento",
    ] {
        assert_eq!(
            propose(header, ATTENDANCE),
            Some("training_code"),
            "{header}"
        );
        assert_eq!(propose(header, SESSIONS), Some("training_code"), "{header}");
    }
    // In a trainings sheet the same words are the training's title.
    assert_eq!(propose("Curso", TRAININGS), Some("title"));
    assert_eq!(propose("Formation", TRAININGS), Some("title"));
    // The participant's columns, in each language.
    for (header, column) in [
        ("Nombre", "given_name"),
        ("Apellido", "family_name"),
        ("Prénom", "given_name"),
        ("Nom de famille", "family_name"),
        ("Voornaam", "given_name"),
        ("Achternaam", "family_name"),
        ("Sexo", "gender"),
        ("Sexe", "gender"),
        ("Geslacht", "gender"),
        ("País", "country"),
        ("Pays", "country"),
        ("Land", "country"),
        ("Sesión", "session_date"),
        ("Fecha", "session_date"),
        ("Datum", "session_date"),
    ] {
        assert_eq!(propose(header, ATTENDANCE), Some(column), "{header}");
    }
}
