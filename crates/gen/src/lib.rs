//! A deterministic generator of synthetic cadre data, written in the v1 import format.
//!
//! The same seed gives the same files, byte for byte. Everything it writes is fake and says so:
//! training codes start with `SYN-`, titles end with "(synthetic)", names are drawn from short
//! lists of common first and last names, and e-mails use the reserved `example.org` domain.
//! It mimics what real attendance sheets look like: repeat attendees, several sessions, uneven
//! countries and departments, a few percent of gender not recorded, and the spellings people
//! really type ("m", " Female ", "St. Lucia", "trinidad & tobago").

pub mod image;

use std::io::{self, Write};

/// The partners file the synthetic trainings name (the 2020 partners), for generated data sets
/// that must import into an empty database.
pub const PARTNERS_CSV: &str = include_str!("../../../data/2020/partners.csv");

/// Partners of the 2020 facts that synthetic trainings are delivered with.
pub const PARTNERS: &[&str] = &[
    "ComSec",
    "INTERPOL",
    "IOM",
    "UNODC",
    "UNODC-GPML",
    "UNODC-AIRCOP",
    "CARPHA",
    "GIZ",
    "UNHCR",
    "CoE",
    "UWI",
    "INCB",
    "WCO",
    "NCSC",
    "EU",
];

/// Departments of cadre's starting list, with how often officers come from each.
const DEPARTMENTS: &[(&str, u32)] = &[
    ("Police", 30),
    ("Customs", 14),
    ("Immigration", 12),
    ("Prosecution", 8),
    ("Defence Force", 6),
    ("Coast Guard", 6),
    ("Corrections", 5),
    ("Financial Intelligence Units", 4),
    ("Judiciary", 3),
    ("Attorney General", 3),
    ("Tax Administration", 3),
    ("Intelligence Analysis", 3),
    ("Border Security", 2),
    ("Fire Service", 1),
];

/// Member and associate states with rough weights for how many officers each sends, and the
/// spellings people type for them.
const COUNTRIES: &[(&str, u32, &[&str])] = &[
    ("JM", 18, &["Jamaica", "JM", "jamaica"]),
    (
        "TT",
        16,
        &["Trinidad and Tobago", "TT", "trinidad & tobago", "TTO"],
    ),
    ("BB", 10, &["Barbados", "BB", "barbados"]),
    ("GY", 9, &["Guyana", "GY"]),
    ("BS", 8, &["The Bahamas", "Bahamas", "BS"]),
    ("BZ", 6, &["Belize", "BZ"]),
    ("SR", 5, &["Suriname", "SR"]),
    ("HT", 5, &["Haiti", "HT"]),
    ("LC", 5, &["Saint Lucia", "St. Lucia", "LC"]),
    ("GD", 4, &["Grenada", "GD"]),
    (
        "VC",
        4,
        &[
            "Saint Vincent and the Grenadines",
            "St Vincent & the Grenadines",
            "VC",
        ],
    ),
    ("AG", 4, &["Antigua and Barbuda", "Antigua & Barbuda", "AG"]),
    ("DM", 3, &["Dominica", "DM"]),
    (
        "KN",
        3,
        &["Saint Kitts and Nevis", "St. Kitts and Nevis", "KN"],
    ),
    ("MS", 1, &["Montserrat", "MS"]),
    ("AI", 1, &["Anguilla", "AI"]),
    ("KY", 1, &["Cayman Islands", "KY"]),
    ("TC", 1, &["Turks and Caicos Islands", "TC"]),
    ("VG", 1, &["British Virgin Islands", "VG"]),
    ("BM", 1, &["Bermuda", "BM"]),
];

const GIVEN: &[&str] = &[
    "Aaliyah",
    "Andre",
    "Brian",
    "Camille",
    "Carlos",
    "Chantal",
    "Damian",
    "Deborah",
    "Devon",
    "Dwayne",
    "Elena",
    "Ferdinand",
    "Gail",
    "Garfield",
    "Hannah",
    "Ian",
    "Jada",
    "Jamal",
    "Janelle",
    "Jerome",
    "Kareem",
    "Keisha",
    "Kevin",
    "Latoya",
    "Leon",
    "Marcia",
    "Marlon",
    "Michelle",
    "Nadia",
    "Nigel",
    "Odette",
    "Omar",
    "Patrice",
    "Pedro",
    "Rachel",
    "Ravi",
    "Renee",
    "Ricardo",
    "Sasha",
    "Shane",
    "Simone",
    "Tamara",
    "Terrence",
    "Ursula",
    "Vernon",
    "Wendy",
    "Xavier",
    "Yolanda",
    "Zara",
    "Anil",
];

const FAMILY: &[&str] = &[
    "Alleyne",
    "Baptiste",
    "Bishop",
    "Boodram",
    "Brathwaite",
    "Campbell",
    "Charles",
    "Clarke",
    "Daniel",
    "Douglas",
    "Edwards",
    "Francis",
    "George",
    "Gordon",
    "Greene",
    "Henry",
    "Hinds",
    "Jackson",
    "James",
    "John",
    "Joseph",
    "King",
    "Lewis",
    "Mohammed",
    "Persaud",
    "Phillip",
    "Pierre",
    "Ramdin",
    "Richards",
    "Robinson",
    "Samuel",
    "Singh",
    "Smith",
    "Thomas",
    "Walters",
    "Williams",
    "Wilson",
    "Young",
];

const TOPICS: &[(&str, &str)] = &[
    (
        "Investigating Cybercrime",
        "Cybercrime and electronic evidence",
    ),
    ("Maritime Interdiction Operations", "Maritime security"),
    (
        "Border Management and Passenger Screening",
        "Border security",
    ),
    (
        "Financial Investigations and Asset Recovery",
        "Asset recovery",
    ),
    ("Firearms Tracing and Ballistics", "Firearms"),
    ("Countering Human Trafficking", "Migration"),
    ("Intelligence Analysis Fundamentals", "Intelligence"),
    ("Detecting Synthetic Drugs", "Drugs"),
    ("Crisis Communication for Law Enforcement", "Leadership"),
    ("Integrity and Ethics in Public Service", "Integrity"),
    ("Container Control and Risk Profiling", "Customs"),
    ("Prison Intelligence and Contraband", "Corrections"),
];

/// Every spelling of a country the generator writes, with the ISO code it means, so that other
/// tools reading the same files (the benchmark's DuckDB side) resolve countries as cadre does.
pub fn country_spellings() -> Vec<(&'static str, &'static str)> {
    COUNTRIES
        .iter()
        .flat_map(|(code, _, spellings)| spellings.iter().map(move |s| (*s, *code)))
        .collect()
}

/// How much to generate.
#[derive(Debug, Clone, Copy)]
pub struct Config {
    pub seed: u64,
    pub first_year: i32,
    pub years: u32,
    pub trainings_per_year: u32,
    /// The pool of distinct people trainings draw from.
    pub persons: u32,
    /// Mean participants per training.
    pub mean_participants: u32,
}

/// Average sessions a participant attends, given how sessions are drawn below (one, two or
/// three sessions; four in five attended, at least one): used to size a data set by its rows.
const SESSIONS_PER_PARTICIPANT: f64 = 1.68;

impl Config {
    /// A data set of `years` × `trainings_per_year` trainings and about `attendance` rows,
    /// drawn from `persons` people.
    pub fn sized(
        seed: u64,
        first_year: i32,
        years: u32,
        trainings_per_year: u32,
        persons: u32,
        attendance: u64,
    ) -> Config {
        let trainings = f64::from(years * trainings_per_year).max(1.0);
        let mean = (attendance as f64 / trainings / SESSIONS_PER_PARTICIPANT)
            .round()
            .max(2.0);
        Config {
            seed,
            first_year,
            years,
            trainings_per_year,
            persons,
            mean_participants: mean as u32,
        }
    }

    /// S: 10 years × 300 trainings, 100,000 persons, about 1,000,000 attendance rows.
    pub fn small(seed: u64) -> Config {
        Config::sized(seed, 2011, 10, 300, 100_000, 1_000_000)
    }

    /// L: 10 years × 300 trainings, 1,000,000 persons, about 10,000,000 attendance rows.
    pub fn large(seed: u64) -> Config {
        Config::sized(seed, 2011, 10, 300, 1_000_000, 10_000_000)
    }

    /// The demo's one synthetic year.
    pub fn demo_year(year: i32) -> Config {
        Config {
            seed: 2021,
            first_year: year,
            years: 1,
            trainings_per_year: 24,
            persons: 900,
            mean_participants: 45,
        }
    }
}

/// What a run wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Written {
    pub trainings: u64,
    pub sessions: u64,
    pub attendance: u64,
}

/// SplitMix64: small, fast and fully determined by its seed, which is all test data needs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next() % n
        }
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    fn weighted<'a, T>(&mut self, items: &'a [T], weight: impl Fn(&T) -> u32) -> &'a T {
        let total: u64 = items.iter().map(|i| u64::from(weight(i))).sum();
        let mut x = self.below(total);
        for item in items {
            let w = u64::from(weight(item));
            if x < w {
                return item;
            }
            x -= w;
        }
        &items[items.len() - 1]
    }
}

/// A person of the pool, fixed by their index so that they come back the same each time.
struct Person {
    given: &'static str,
    family: &'static str,
    email: Option<String>,
    gender: &'static str,
    country: usize,
    department: &'static str,
}

fn person(seed: u64, index: u32) -> Person {
    let mut r = Rng(seed ^ (u64::from(index).wrapping_mul(0xA24B_AED4_963E_E407)));
    let given = *r.pick(GIVEN);
    let family = *r.pick(FAMILY);
    let country = {
        let total: u32 = COUNTRIES.iter().map(|c| c.1).sum();
        let mut x = r.below(u64::from(total)) as u32;
        let mut found = 0;
        for (i, c) in COUNTRIES.iter().enumerate() {
            if x < c.1 {
                found = i;
                break;
            }
            x -= c.1;
        }
        found
    };
    let gender = match r.below(1000) {
        0..=549 => "M",
        550..=974 => "F",
        _ => "",
    };
    let email = (!r.chance(8)).then(|| {
        format!(
            "{}.{}{}@example.org",
            given.to_lowercase(),
            family.to_lowercase(),
            index
        )
    });
    let department = r.weighted(DEPARTMENTS, |d| d.1).0;
    Person {
        given,
        family,
        email,
        gender,
        country,
        department,
    }
}

/// Writes the v1 trainings, sessions and attendance files. Trainings name partners from
/// [`PARTNERS`], which must be imported first.
pub fn generate(
    config: &Config,
    trainings: &mut dyn Write,
    sessions: &mut dyn Write,
    attendance: &mut dyn Write,
) -> io::Result<Written> {
    let mut r = Rng(config.seed);
    let mut written = Written::default();
    writeln!(
        trainings,
        "code,title,start_date,end_date,modality,venue,platform,status,partners,funders,requested_by,value_usd,participants_total,participants_male,participants_female,countries,countries_reached,departments,theme,note"
    )?;
    writeln!(
        sessions,
        "training_code,start_date,end_date,participants_total,note"
    )?;
    writeln!(
        attendance,
        "training_code,session_date,given_name,family_name,email,gender,country,organisation,department,completed"
    )?;
    for y in 0..config.years {
        let year = config.first_year + y as i32;
        for t in 0..config.trainings_per_year {
            let code = format!("SYN-{year}-{:03}", t + 1);
            let (topic, theme) = *r.pick(TOPICS);
            let month = 1 + (t * 12 / config.trainings_per_year.max(1)) as u8;
            let day = 1 + r.below(20) as u8;
            let session_count = 1 + r.below(3) as u8;
            let modality = match r.below(10) {
                0..=2 => "physical",
                3..=8 => "virtual",
                _ => "hybrid",
            };
            let platform = if modality == "physical" {
                ""
            } else {
                "CBSI-Connect"
            };
            let venue = if modality == "virtual" {
                String::new()
            } else {
                let host = COUNTRIES[r.below(8) as usize].2[0];
                format!("\"{host}\"")
            };
            let partner = r.pick(PARTNERS);
            let value_cents = 2_000_000 + r.below(23_000_000);
            let start = cadre_core::Date { year, month, day };
            let end = start.plus_days(7 * u32::from(session_count - 1));
            writeln!(
                trainings,
                "{code},{topic} (synthetic),{start},{end},{modality},{venue},{platform},delivered,{partner},,,{}.{:02},,,,,,,{theme},Synthetic demo data made by cadre's generator: not real trainings or people",
                value_cents / 100,
                value_cents % 100
            )?;
            written.trainings += 1;
            let mut dates = Vec::new();
            if session_count > 1 {
                for s in 0..session_count {
                    let d = start.plus_days(7 * u32::from(s)).to_string();
                    writeln!(sessions, "{code},{d},{d},,")?;
                    written.sessions += 1;
                    dates.push(d);
                }
            }
            // Popular officers come back: half the seats go to the first tenth of the pool.
            let seats = (config.mean_participants / 2) as u64
                + r.below(u64::from(config.mean_participants.max(1)));
            let mut chosen = std::collections::BTreeSet::new();
            for _ in 0..seats {
                let index = if r.chance(50) {
                    r.below(u64::from(config.persons / 10).max(1))
                } else {
                    r.below(u64::from(config.persons.max(1)))
                };
                chosen.insert(index as u32);
            }
            for index in chosen {
                let p = person(config.seed, index);
                let country = *r.pick(COUNTRIES[p.country].2);
                let gender = match (p.gender, r.below(6)) {
                    ("M", 0) => "m",
                    ("M", 1) => "Male",
                    ("F", 0) => " Female ",
                    ("F", 1) => "f",
                    ("", 0) => "prefer not to say",
                    (g, _) => g,
                };
                let attended: Vec<&str> = if dates.is_empty() {
                    vec![""]
                } else {
                    let mut some: Vec<&str> = dates
                        .iter()
                        .filter(|_| r.chance(80))
                        .map(String::as_str)
                        .collect();
                    if some.is_empty() {
                        some.push(&dates[0]);
                    }
                    some
                };
                for session in attended {
                    let completed = *r.pick(&["yes", "yes", "yes", "no", "Yes", "1", ""]);
                    writeln!(
                        attendance,
                        "{code},{session},{},{},{},{gender},{country},,{},{completed}",
                        p.given,
                        p.family,
                        p.email.as_deref().unwrap_or(""),
                        p.department
                    )?;
                    written.attendance += 1;
                }
            }
        }
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(config: &Config) -> (String, String, String) {
        let (mut t, mut s, mut a) = (Vec::new(), Vec::new(), Vec::new());
        generate(config, &mut t, &mut s, &mut a).unwrap();
        let text = |v: Vec<u8>| String::from_utf8(v).unwrap();
        (text(t), text(s), text(a))
    }

    #[test]
    fn the_same_seed_gives_the_same_files() {
        let config = Config::demo_year(2021);
        assert_eq!(run(&config), run(&config));
        let other = Config { seed: 7, ..config };
        assert_ne!(run(&config).2, run(&other).2);
    }

    #[test]
    fn a_sized_set_comes_close_to_the_rows_asked_for() {
        let config = Config::sized(1, 2015, 2, 50, 20_000, 100_000);
        let (mut t, mut s, mut a) = (Vec::new(), Vec::new(), Vec::new());
        let written = generate(&config, &mut t, &mut s, &mut a).unwrap();
        assert_eq!(written.trainings, 100);
        let off = (written.attendance as f64 - 100_000.0).abs() / 100_000.0;
        assert!(off < 0.1, "{} rows for 100,000 asked", written.attendance);
    }

    #[test]
    fn every_training_is_labelled_synthetic_and_people_come_back() {
        let (trainings, _, attendance) = run(&Config::demo_year(2021));
        let rows: Vec<&str> = trainings.lines().skip(1).collect();
        assert_eq!(rows.len(), 24);
        assert!(rows
            .iter()
            .all(|r| r.starts_with("SYN-2021-") && r.contains("(synthetic)")));
        let emails: Vec<&str> = attendance
            .lines()
            .skip(1)
            .map(|l| l.split(',').nth(4).unwrap())
            .filter(|e| !e.is_empty())
            .collect();
        let distinct: std::collections::HashSet<_> = emails.iter().collect();
        assert!(
            distinct.len() < emails.len() / 2,
            "repeat attendees expected"
        );
        assert!(emails.iter().all(|e| e.ends_with("@example.org")));
    }
}
