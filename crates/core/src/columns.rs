//! Proposals for reading a sheet whose header is not in cadre's v1 column names: which v1 column
//! a header means, in English, Spanish, French or Dutch, and which names are closest when none.
//!
//! The v1 columns of each kind belong to the import; every function here takes the kind's list,
//! and proposes only a column in it. That is also how words that mean different columns are
//! kept apart: "Date" is `session_date` in attendance and `start_date` in trainings, "Nom" is
//! the name of a partner but the family name of a person.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// The v1 columns of each kind of file, as the import format names them (docs/import-format.md).
/// The import's parsers read these; the proposals below map other words onto them.
pub const DEPARTMENTS: &[&str] = &["name", "aliases"];
pub const PARTNERS: &[&str] = &["name", "short_name", "parent", "kind"];
pub const TRAININGS: &[&str] = &[
    "code",
    "title",
    "start_date",
    "end_date",
    "modality",
    "venue",
    "platform",
    "status",
    "partners",
    "funders",
    "requested_by",
    "value_usd",
    "participants_total",
    "participants_male",
    "participants_female",
    "countries",
    "countries_reached",
    "departments",
    "theme",
    "note",
    "summary",
];
pub const SESSIONS: &[&str] = &[
    "training_code",
    "start_date",
    "end_date",
    "participants_total",
    "note",
];
pub const ATTENDANCE: &[&str] = &[
    "training_code",
    "session_date",
    "given_name",
    "family_name",
    "email",
    "gender",
    "country",
    "organisation",
    "department",
    "completed",
];
pub const PUBLISHED: &[&str] = &["figure", "value", "note"];

/// Each v1 column with the headers that mean it, separated by commas and written as
/// [`header_key`] writes them (a test checks). Where a
/// phrase is listed for two columns, they never occur in one kind, or the first listed wins
/// ("session date" is `session_date` in attendance, the `start_date` of a session).
const SYNONYMS: &[(&str, &str)] = &[
    // departments, partners
    (
        "name",
        "nom, nombre, naam, full name, partner, partner name, name of partner, organisation, \
         organization, organisation name, organization name, department, department name, \
         departamento, departement, afdeling, socio, nombre del socio, partenaire, \
         nom du partenaire",
    ),
    (
        "aliases",
        "alias, also known as, aka, other names, alternative names, synonyms, otros nombres, \
         autres noms, andere namen",
    ),
    (
        "short_name",
        "short name, acronym, abbreviation, nombre corto, sigla, siglas, acronimo, abreviatura, \
         nom court, sigle, acronyme, abreviation, korte naam, afkorting, acroniem",
    ),
    (
        "parent",
        "parent organisation, parent organization, parent agency, belongs to, part of, \
         organizacion matriz, matriz, depende de, organisation mere, organisme parent, \
         moederorganisatie, hoort bij",
    ),
    (
        "kind",
        "type, partner type, type of partner, category, tipo, tipo de socio, categoria, \
         type de partenaire, categorie, soort, soort partner",
    ),
    // trainings, sessions, attendance
    (
        "training_code",
        "training code, course code, event code, training id, course id, codigo del curso, \
         codigo de la capacitacion, codigo del evento, code de la formation, code du cours, \
         cursuscode, trainingscode, code training, training, course, event, workshop, curso, \
         capacitacion, formacion, taller, evento, cours, formation, atelier, stage, cursus, \
         opleiding, workshop naam, evenement",
    ),
    (
        "code",
        "training code, course code, event code, training id, course id, id, reference, ref, \
         codigo, codigo del curso, codigo de la capacitacion, codigo del evento, referencia, \
         code de la formation, code du cours, cursuscode, trainingscode, code training, \
         referentie",
    ),
    (
        "title",
        "course title, training title, course name, training name, event name, course, \
         training, event, titulo, nombre del curso, curso, capacitacion, titre, intitule, \
         nom de la formation, nom du cours, formation, titel, cursusnaam, naam training, cursus",
    ),
    (
        "session_date",
        "date, session date, session, date of session, attendance date, fecha, \
         fecha de la sesion, sesion, date de la session, datum, sessiedatum, datum sessie, \
         sessie",
    ),
    (
        "start_date",
        "date, start, from, start date, begin date, starting date, date from, session date, \
         fecha, fecha de inicio, fecha inicio, inicio, desde, date de debut, debut, du, \
         date de la session, datum, startdatum, begindatum, van, sessiedatum",
    ),
    (
        "end_date",
        "end, to, until, end date, finish date, ending date, date to, fecha de fin, fecha fin, \
         fecha final, fecha de finalizacion, fecha de termino, fin, hasta, date de fin, au, \
         einddatum, tot",
    ),
    (
        "modality",
        "mode, delivery, delivery mode, mode of delivery, format, modalidad, formato, modalite, \
         mode de formation, vorm, werkvorm, modaliteit",
    ),
    (
        "venue",
        "venue, location, place, lugar, sede, ubicacion, lieu, locatie, plaats",
    ),
    ("platform", "online platform, plataforma, plateforme"),
    ("status", "estado, situacion, statut, etat"),
    (
        "partners",
        "partner, implementing partners, implementing partner, delivered with, socios, socio, \
         socios implementadores, partenaires, partenaire",
    ),
    (
        "funders",
        "funder, funded by, donor, donors, funding, financiador, financiadores, donante, \
         donantes, financiado por, bailleur, bailleurs, bailleurs de fonds, financeur, \
         financeurs, finance par, financier, financiers, donateur, donateurs, gefinancierd door",
    ),
    (
        "requested_by",
        "requested by, requesting country, requester, requestor, solicitado por, \
         pais solicitante, solicitante, demande par, pays demandeur, aangevraagd door, aanvrager",
    ),
    (
        "value_usd",
        "value, value usd, usd, cost, cost usd, total cost, budget, amount, amount usd, valor, \
         valor usd, costo, coste, monto, presupuesto, valeur, valeur usd, cout, montant, \
         waarde, kosten, bedrag",
    ),
    (
        "participants_total",
        "participants, total participants, number of participants, no of participants, \
         participants total, total, participantes, total de participantes, \
         numero de participantes, no de participantes, n de participantes, total participantes, \
         nombre de participants, total des participants, nb de participants, nb participants, \
         deelnemers, aantal deelnemers, totaal, totaal deelnemers",
    ),
    (
        "participants_male",
        "male, males, men, male participants, number of males, men participants, hombres, \
         varones, masculino, participantes hombres, hommes, homme, participants hommes, mannen, \
         man, mannelijke deelnemers",
    ),
    (
        "participants_female",
        "female, females, women, female participants, number of females, women participants, \
         mujeres, femenino, participantes mujeres, femmes, femme, participants femmes, vrouwen, \
         vrouw, vrouwelijke deelnemers",
    ),
    (
        "countries",
        "participating countries, countries participating, paises, paises participantes, pays, \
         pays participants, landen, deelnemende landen",
    ),
    (
        "countries_reached",
        "number of countries, no of countries, countries reached count, paises alcanzados, \
         numero de paises, pays atteints, nombre de pays, bereikte landen, aantal landen",
    ),
    (
        "departments",
        "target departments, departments targeted, departamentos, departements, \
         services cibles, afdelingen, doelgroep afdelingen",
    ),
    (
        "theme",
        "topic, subject, thematic area, tema, area tematica, thematique, sujet, thema, onderwerp",
    ),
    (
        "note",
        "notes, comment, comments, remark, remarks, observations, source, nota, notas, \
         comentario, comentarios, observaciones, fuente, remarque, remarques, commentaire, \
         commentaires, opmerking, opmerkingen, notitie, notities, bron",
    ),
    (
        "summary",
        "description, abstract, paragraph, report text, narrative, resumen, descripcion, \
         resume, texte, samenvatting, beschrijving, omschrijving",
    ),
    // attendance
    (
        "given_name",
        "first name, given name, given names, forename, forenames, first names, christian name, \
         nombre, nombres, primer nombre, prenom, prenoms, voornaam, voornamen, roepnaam",
    ),
    (
        "family_name",
        "surname, surnames, last name, last names, family name, apellido, apellidos, \
         primer apellido, nom, nom de famille, achternaam, familienaam",
    ),
    (
        "email",
        "e mail, email address, e mail address, mail, correo, correo electronico, \
         email del participante, courriel, adresse e mail, adresse email, adresse courriel, \
         adresse electronique, e mailadres, emailadres, mailadres",
    ),
    (
        "gender",
        "sex, m f, f m, sexo, genero, sexe, genre, h f, geslacht, m v, sex m f, gender m f, \
         sexo m f, sexo h m, sexe h f, sexe f h, geslacht m v",
    ),
    (
        "country",
        "member state, nationality, country of origin, country of residence, country territory, \
         pais, estado miembro, nacionalidad, pais de origen, pays, etat membre, nationalite, \
         pays d origine, land, lidstaat, nationaliteit, land van herkomst",
    ),
    (
        "organisation",
        "organization, agency, ministry, institution, employer, organisation name, \
         organization name, ministry agency, agency ministry, organizacion, institucion, \
         nombre de la organizacion, nom de l organisation, naam van de organisatie, \
         ministerio, agencia, entidad, organisme, ministere, agence, organisatie, instelling, \
         ministerie, werkgever",
    ),
    (
        "department",
        "unit, division, section, service, departamento, unidad, departement, afdeling, dienst, \
         eenheid",
    ),
    (
        "completed",
        "complete, completion, certificate, certified, passed, completado, completo, \
         certificado, aprobado, termine, certificat, reussi, voltooid, certificaat, geslaagd, \
         afgerond",
    ),
    // published
    (
        "figure",
        "indicator, metric, measure, item, cifra, indicador, chiffre, indicateur, cijfer, \
         kengetal",
    ),
    (
        "value",
        "amount, number, count, valor, cantidad, valeur, montant, waarde, aantal",
    ),
];

/// Headers that hold a whole name, to be split with a [`crate::names::NameSplit`].
const FULL_NAMES: &str = "name, names, full name, participant, participant name, \
    name of participant, attendee, attendee name, participante, nombre completo, nombre y apellido, nombre y apellidos, \
    nombres y apellidos, apellidos y nombres, apellido y nombre, nombre del participante, \
    nom complet, nom et prenom, nom et prenoms, nom prenom, prenom et nom, prenom nom, \
    nom du participant, volledige naam, naam, naam en voornaam, voornaam en achternaam, \
    voor en achternaam, naam deelnemer, deelnemer";

/// Words that join a header's meaningful words and change nothing ("Date of the session",
/// "Date de la session", "Participant's name"): left out on both sides of a comparison.
const GLUE: &str = "of the s de del el la le les los las du des d l van het";

/// Words that say whose or how required a value is ("Participant email", "Country
/// (required)"): left out of the header when nothing matched with them.
const QUALIFIERS: &str = "participant participante attendee trainee student learner deelnemer \
    stagiaire alumno estudiante your su votre uw required optional mandatory obligatorio opcional obligatoire \
    facultatif verplicht optioneel";

/// The form in which headers are compared: lower case, accents folded away, anything but
/// letters and digits read as one space, trimmed. "E-mail Address:" is "e mail address".
pub fn header_key(header: &str) -> String {
    let mut out = String::with_capacity(header.len());
    let mut space = false;
    let mut push = |c: char| {
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.extend(c.to_lowercase().flat_map(unligature));
        } else {
            space = true;
        }
    };
    if header.is_ascii() {
        header.chars().for_each(&mut push);
        return out;
    }
    // Compatibility decomposition also reads "Nº" as "No" and full-width letters as letters;
    // the marks it splits off are the accents.
    header
        .nfkd()
        .filter(|&c| !is_combining_mark(c))
        .for_each(&mut push);
    // What NFKD split into parts that are not marks (Hangul syllables, say) is put back.
    out.nfc().collect()
}

/// Latin letters that no decomposition takes apart.
fn unligature(c: char) -> impl Iterator<Item = char> {
    let pair: (char, Option<char>) = match c {
        'æ' => ('a', Some('e')),
        'œ' => ('o', Some('e')),
        'ß' => ('s', Some('s')),
        'ø' => ('o', None),
        'ł' => ('l', None),
        'đ' => ('d', None),
        'ı' => ('i', None),
        other => (other, None),
    };
    std::iter::once(pair.0).chain(pair.1)
}

/// The phrases of a list of [`SYNONYMS`] or [`FULL_NAMES`].
fn phrases(list: &'static str) -> impl Iterator<Item = &'static str> {
    list.split(',').map(str::trim)
}

fn is_one_of(word: &str, words: &str) -> bool {
    words.split(' ').any(|w| w == word)
}

fn without<'a>(key: &'a str, dropped: &str) -> Vec<&'a str> {
    key.split(' ').filter(|w| !is_one_of(w, dropped)).collect()
}

/// The header's words without glue, and without qualifiers as well (empty when no qualifier was
/// there to drop, or nothing else was).
fn loose_forms(key: &str) -> (String, String) {
    let bare = without(key, GLUE);
    let plain: Vec<&str> = bare
        .iter()
        .copied()
        .filter(|w| !is_one_of(w, QUALIFIERS))
        .collect();
    let plain = if plain.len() < bare.len() {
        plain.join(" ")
    } else {
        String::new()
    };
    (bare.join(" "), plain)
}

fn glue_free(phrase: &str) -> String {
    without(phrase, GLUE).join(" ")
}

/// Whether a header holds a whole name ("Name", "Nom complet", "Naam"), which the import splits
/// into given and family names.
pub fn is_full_name(header: &str) -> bool {
    let key = header_key(header);
    let (bare, plain) = loose_forms(&key);
    phrases(FULL_NAMES).any(|p| {
        let p_bare = glue_free(p);
        p == key || (!bare.is_empty() && p_bare == bare) || (!plain.is_empty() && p_bare == plain)
    })
}

/// The v1 column of `columns` a header means, if its words say so clearly: its own name in any
/// case and spacing, then a phrase of the column's table as typed, then without the words that
/// join ("of", "de la") and without those that only qualify ("participant", "required").
pub fn propose(header: &str, columns: &[&'static str]) -> Option<&'static str> {
    let key = header_key(header);
    if key.is_empty() {
        return None;
    }
    let (bare, plain) = loose_forms(&key);
    let own_name = |form: &str| {
        columns
            .iter()
            .copied()
            .find(|c| !form.is_empty() && c.replace('_', " ") == form)
    };
    if let Some(c) = own_name(&key).or_else(|| own_name(&bare)) {
        return Some(c);
    }
    // A whole name is none of a person's name columns ("Name", "Naam"), but may be the name of a
    // partner or department.
    let names_people = columns
        .iter()
        .any(|c| matches!(*c, "given_name" | "family_name"));
    if names_people && is_full_name(header) {
        return None;
    }
    let in_columns = |column: &str| columns.iter().copied().find(|c| *c == column);
    let table = synonym_table();
    let by_phrase = |matches: &dyn Fn(&(&str, String)) -> bool| {
        table
            .iter()
            .filter(|(_, list)| list.iter().any(matches))
            .find_map(|(column, _)| in_columns(column))
    };
    by_phrase(&|(p, _)| *p == key)
        .or_else(|| by_phrase(&|(_, free)| !bare.is_empty() && *free == bare))
        .or_else(|| own_name(&plain))
        .or_else(|| by_phrase(&|(_, free)| !plain.is_empty() && *free == plain))
}

/// Each column's phrases as typed and without glue, worked out once: every unknown header of
/// every file is compared with all of them.
type SynonymTable = Vec<(&'static str, Vec<(&'static str, String)>)>;

fn synonym_table() -> &'static SynonymTable {
    static TABLE: std::sync::OnceLock<SynonymTable> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        SYNONYMS
            .iter()
            .map(|(column, list)| (*column, phrases(list).map(|p| (p, glue_free(p))).collect()))
            .collect()
    })
}

/// Up to three v1 names of `columns` closest to the header in spelling, closest first (the
/// kind's order among equals), for "no column like ...: closest are ...". A name with nothing
/// in common with the header is not offered.
pub fn closest(header: &str, columns: &[&'static str]) -> Vec<&'static str> {
    let key: Vec<char> = header_key(header).chars().collect();
    let mut ranked: Vec<(usize, &'static str)> = columns
        .iter()
        .map(|&c| {
            let name: Vec<char> = c.replace('_', " ").chars().collect();
            (levenshtein(&key, &name), c, key.len().max(name.len()))
        })
        .filter(|&(distance, _, longest)| distance < longest)
        .map(|(distance, c, _)| (distance, c))
        .collect();
    ranked.sort_by_key(|&(distance, _)| distance);
    ranked.into_iter().take(3).map(|(_, c)| c).collect()
}

/// Edits (insert, delete, substitute one character) from `a` to `b`, one row at a time.
fn levenshtein(a: &[char], b: &[char]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, &ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitute = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
#[path = "columns_tests.rs"]
mod tests;
