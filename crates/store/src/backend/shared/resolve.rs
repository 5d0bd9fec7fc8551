//! Resolving attendance rows to ids on the thread that reads the sheet: trainings and sessions
//! from maps, and each row's person against an in-memory index of every person of the store
//! (and those new in the import), so that the writer is handed ids and the rows' text is freed
//! where it was read.

use std::collections::HashMap;

use cadre_core::person::{email_key, name_key, name_key_into};
use cadre_core::text::{fold, fold_into};
use cadre_core::{AttendanceRecord, Gender, PartialDate, PersonRecord};
use sqlx::{Row, Transaction};

use super::Db;
use crate::Result;

/// A person new to the store, as the bulk insert writes them.
pub(crate) struct NewPerson {
    pub given_name: String,
    pub family_name: String,
    pub email: Option<String>,
    pub email_key: Option<String>,
    pub name_key: String,
    pub gender: Option<&'static str>,
    pub country: Option<String>,
    pub organisation: Option<String>,
    pub department_id: Option<i64>,
}

impl NewPerson {
    fn of(p: PersonRecord, departments: &Names) -> NewPerson {
        let trimmed = |s: String| match s.trim() {
            t if t.len() == s.len() => s,
            t => t.to_string(),
        };
        NewPerson {
            email_key: p.email.as_deref().and_then(email_key),
            name_key: name_key(&p.given_name, &p.family_name, p.country.as_deref()),
            department_id: p
                .department
                .as_ref()
                .and_then(|d| departments.get(d))
                .copied(),
            given_name: trimmed(p.given_name),
            family_name: trimmed(p.family_name),
            email: p.email.map(trimmed),
            gender: p.gender.map(Gender::as_str),
            country: p.country,
            organisation: p.organisation,
        }
    }
}

/// Who a row's person is, as the reading thread knows them: a person the store holds, or the
/// n-th person new to it in this import (whose id the writer learns when it inserts them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum PersonRef {
    Stored(i64),
    New(u32),
}

/// A batch of attendance rows with every name resolved to a training, session and person:
/// what the writer needs and no more, so that the rows' text is freed where it was read.
#[derive(Default)]
pub(crate) struct Resolved {
    /// Records no earlier import or row can have made (training, person, session (0 for
    /// none), completed): they are simply inserted.
    pub new_rows: Vec<(i64, PersonRef, i64, Option<i64>)>,
    /// The other records, in row order: each is inserted unless recorded already.
    pub rows: Vec<(i64, PersonRef, i64, Option<i64>)>,
    /// Rows repeating a record an earlier row of the same run made, for a training that held
    /// no attendance before: unchanged, as the rosters would count them, without reading the
    /// training's records back to know it.
    pub repeated: u64,
    /// Of those, the ones that set the record's completion to another value, in row order.
    pub completions: Vec<(i64, PersonRef, i64, Option<i64>)>,
    /// Trainings whose run of rows ended in this batch (the sheet went on to another).
    pub ended: Vec<i64>,
    /// Persons new to the store, numbered on from those of earlier batches.
    pub new_persons: Vec<NewPerson>,
    /// Persons (from the store or earlier batches) a row tells something new about, in row
    /// order.
    pub merges: Vec<(PersonRef, PersonRecord)>,
}

/// A map with the fast hasher: its keys come from our own files and database, and an import
/// hashes every row.
pub(crate) type FastMap<K, V> = HashMap<K, V, foldhash::fast::FixedState>;
type FastSet<K> = std::collections::HashSet<K, foldhash::fast::FixedState>;

/// What the writer matches a row's person by, worked out from the row alone, so that the
/// thread reading the file does it rather than the one writing.
pub(crate) struct PersonKey {
    /// A 128-bit hash of the e-mail (`e:...`); for a row without one, of name and country
    /// (`n:...`), which match only persons who have no e-mail either. Hashed, not kept as
    /// text: the writer holds one for every person in the store (a million at size L), and
    /// two different keys share a hash with odds of about one in 10^26 at that size.
    identity: u128,
    given: u64,
    family: u64,
    organisation: Option<u64>,
}

impl PersonKey {
    /// `buf` is scratch space, reused from row to row.
    pub(crate) fn of(p: &PersonRecord, buf: &mut String) -> PersonKey {
        buf.clear();
        // As `email_key` and `name_key` write them, without allocating.
        match p.email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
            Some(e) => {
                buf.push_str("e:");
                if e.is_ascii() {
                    buf.extend(e.bytes().map(|b| char::from(b.to_ascii_lowercase())));
                } else {
                    buf.push_str(&e.to_lowercase());
                }
            }
            None => {
                buf.push_str("n:");
                name_key_into(buf, &p.given_name, &p.family_name, p.country.as_deref());
            }
        }
        let identity = identity_hash(buf);
        PersonKey {
            identity,
            given: fingerprint(&p.given_name, buf),
            family: fingerprint(&p.family_name, buf),
            organisation: p.organisation.as_deref().map(|o| fingerprint(o, buf)),
        }
    }
}

fn identity_hash(key: &str) -> u128 {
    use std::hash::{BuildHasher, Hasher};
    let half = |seed: u64| {
        let mut h = foldhash::quality::FixedState::with_seed(seed).build_hasher();
        h.write(key.as_bytes());
        h.finish()
    };
    (u128::from(half(0x5eed_0001)) << 64) | u128::from(half(0x5eed_0002))
}

/// A hash of the text as `fold` writes it (lower case, single spaces); `buf` is scratch space.
fn fingerprint(s: &str, buf: &mut String) -> u64 {
    use std::hash::BuildHasher;
    buf.clear();
    fold_into(buf, s);
    foldhash::quality::FixedState::with_seed(0x00ca_d8e0).hash_one(buf.as_bytes())
}

/// A later row of the same sheet completes a person not yet written.
fn merge_record(into: &mut PersonRecord, p: &PersonRecord) {
    let keep = |old: &mut String, new: &str| {
        if !new.trim().is_empty() && fold(new) != fold(old) {
            *old = new.trim().to_string();
        }
    };
    keep(&mut into.given_name, &p.given_name);
    keep(&mut into.family_name, &p.family_name);
    if p.email.is_some() && into.email.is_none() {
        into.email.clone_from(&p.email);
    }
    into.gender = p.gender.or(into.gender);
    if p.country.is_some() {
        into.country.clone_from(&p.country);
    }
    if p.organisation.is_some() {
        into.organisation.clone_from(&p.organisation);
    }
    if p.department.is_some() {
        into.department.clone_from(&p.department);
    }
}

/// What the store knows of a person, kept small: an import of millions of rows holds every
/// person in memory.
struct PersonEntry {
    /// A stored person's id, or for the n-th person new in this import, -1 - n.
    id: i64,
    given: u64,
    family: u64,
    organisation: Option<std::num::NonZeroU64>,
    department_id: Option<std::num::NonZeroU32>,
    gender: Option<Gender>,
    country: Option<[u8; 2]>,
}

/// A department id as a person entry keeps it (ids are small positive numbers).
fn department_slot(id: Option<i64>) -> Option<std::num::NonZeroU32> {
    id.and_then(|id| u32::try_from(id).ok())
        .and_then(std::num::NonZeroU32::new)
}

/// An organisation fingerprint as a person entry keeps it (0, one hash in 2^64, becomes 1).
fn organisation_slot(fp: Option<u64>) -> Option<std::num::NonZeroU64> {
    fp.map(|f| std::num::NonZeroU64::new(f).unwrap_or(std::num::NonZeroU64::MIN))
}

fn country_code(c: Option<&str>) -> Option<[u8; 2]> {
    c.and_then(|c| c.as_bytes().try_into().ok())
}

impl PersonEntry {
    fn new(who: PersonRef, p: &PersonRecord, key: &PersonKey, departments: &Names) -> PersonEntry {
        PersonEntry {
            id: match who {
                PersonRef::Stored(id) => id,
                PersonRef::New(n) => -1 - i64::from(n),
            },
            gender: p.gender,
            country: country_code(p.country.as_deref()),
            department_id: department_slot(
                p.department
                    .as_ref()
                    .and_then(|d| departments.get(d))
                    .copied(),
            ),
            given: key.given,
            family: key.family,
            organisation: organisation_slot(key.organisation),
        }
    }

    fn who(&self) -> PersonRef {
        match u32::try_from(-1 - self.id) {
            Ok(n) if self.id < 0 => PersonRef::New(n),
            _ => PersonRef::Stored(self.id),
        }
    }

    /// Whether the row says something about the person that the store does not know yet.
    fn completed_by(&self, p: &PersonRecord, key: &PersonKey, departments: &Names) -> bool {
        let differs = |new: &str, new_fp: u64, old: u64| !new.trim().is_empty() && new_fp != old;
        differs(&p.given_name, key.given, self.given)
            || differs(&p.family_name, key.family, self.family)
            || p.gender.is_some_and(|g| Some(g) != self.gender)
            || p.country.is_some() && country_code(p.country.as_deref()) != self.country
            || key.organisation.is_some()
                && organisation_slot(key.organisation) != self.organisation
            || p.department
                .as_ref()
                .and_then(|d| departments.get(d))
                .is_some_and(|d| department_slot(Some(*d)) != self.department_id)
    }

    fn merge(&mut self, p: &PersonRecord, key: &PersonKey, departments: &Names) {
        if !p.given_name.trim().is_empty() {
            self.given = key.given;
        }
        if !p.family_name.trim().is_empty() {
            self.family = key.family;
        }
        self.gender = p.gender.or(self.gender);
        if p.country.is_some() {
            self.country = country_code(p.country.as_deref());
        }
        if key.organisation.is_some() {
            self.organisation = organisation_slot(key.organisation);
        }
        if let Some(d) = p.department.as_ref().and_then(|d| departments.get(d)) {
            self.department_id = department_slot(Some(*d));
        }
    }
}

/// Every person the import may meet, by identity hash.
struct PersonIndex {
    by_key: FastMap<u128, PersonEntry>,
}

impl PersonIndex {
    /// Every person, those without an e-mail first, so that a name is found as the single-row
    /// path finds it (a person without e-mail, else the lowest id).
    async fn load(tx: &mut Transaction<'static, Db>) -> Result<PersonIndex> {
        let mut by_key = FastMap::default();
        let mut buf = String::new();
        for with_email in [false, true] {
            let mut after = 0i64;
            loop {
                let rows = sqlx::query(&format!(
                    "SELECT id, email_key, name_key, gender, country_code, department_id, \
                     given_name, family_name, organisation FROM persons \
                     WHERE email_key IS {} NULL AND id > $1 ORDER BY id LIMIT 50000",
                    if with_email { "NOT" } else { "" }
                ))
                .bind(after)
                .fetch_all(&mut **tx)
                .await?;
                let Some(last) = rows.last() else { break };
                after = last.get("id");
                for row in rows {
                    // A person with an e-mail is found by it alone: a row without one is
                    // never them, however alike the names.
                    let key = match row.get::<Option<String>, _>("email_key") {
                        Some(e) => format!("e:{e}"),
                        None => format!("n:{}", row.get::<String, _>("name_key")),
                    };
                    let entry = PersonEntry {
                        id: row.get("id"),
                        gender: row
                            .get::<Option<String>, _>("gender")
                            .and_then(|g| Gender::from_stored(&g)),
                        country: country_code(
                            row.get::<Option<String>, _>("country_code").as_deref(),
                        ),
                        department_id: department_slot(row.get("department_id")),
                        given: fingerprint(&row.get::<String, _>("given_name"), &mut buf),
                        family: fingerprint(&row.get::<String, _>("family_name"), &mut buf),
                        organisation: organisation_slot(
                            row.get::<Option<String>, _>("organisation")
                                .map(|o| fingerprint(&o, &mut buf)),
                        ),
                    };
                    by_key.entry(identity_hash(&key)).or_insert(entry);
                }
            }
        }
        Ok(PersonIndex { by_key })
    }
}

/// What the resolver looks up by name: the fast hasher, as for persons.
type Names = FastMap<String, i64>;

fn names(map: &HashMap<String, i64>) -> Names {
    map.iter().map(|(k, v)| (k.clone(), *v)).collect()
}

/// Resolves attendance rows to ids on the thread that reads them: which training and
/// session, and who the person is (in memory, against every person of the store and those
/// new in this import). Rows are gathered into batches for the writer; a row's text is
/// dropped here unless it names a new person or tells something new about a known one.
pub(crate) struct Resolver {
    people: PersonIndex,
    trainings: Names,
    sessions: FastMap<(i64, PartialDate), i64>,
    departments: Names,
    /// Persons new to the store so far in this import, this batch's included.
    new_count: u32,
    batch: Resolved,
    /// This batch's new persons as their rows describe them (completed by later rows of the
    /// batch); they become `NewPerson`s when the batch is taken.
    new_records: Vec<PersonRecord>,
    /// A sheet lists a training's attendance together, often a session at a time: the last
    /// training and session found are tried first.
    last_training: Option<(String, i64)>,
    last_session: Option<((i64, PartialDate), i64)>,
    /// Scratch space for the keys of each row.
    buf: String,
    /// Trainings that had attendance before this import.
    had_attendance: FastSet<i64>,
    /// The training whose rows are being read, and the (person, session) of each so far: while
    /// a training that had no attendance is read in one run, a row not seen in the run is sure
    /// to be a new record.
    run: Option<i64>,
    run_keys: FastMap<(PersonRef, i64), Option<i64>>,
    /// Trainings whose run of rows ended: rows of theirs further down may repeat earlier ones.
    ended: FastSet<i64>,
}

impl Resolver {
    /// Rows in the batch being gathered.
    pub(crate) fn rows(&self) -> usize {
        self.batch.rows.len() + self.batch.new_rows.len()
    }

    /// Adds a checked row to the batch. The row's training and session exist: the parser
    /// checked them against the same store.
    /// Adds a group of checked rows to the batch, in order. Their persons are looked up
    /// together first: each lookup in an index of a million persons waits on memory, and
    /// independent lookups made one after another wait at the same time.
    pub(crate) fn add_all(&mut self, recs: &[AttendanceRecord]) {
        let keys: Vec<PersonKey> = recs
            .iter()
            .map(|r| PersonKey::of(&r.person, &mut self.buf))
            .collect();
        let known = keys
            .iter()
            .filter(|k| self.people.by_key.contains_key(&k.identity))
            .count();
        std::hint::black_box(known);
        for (rec, key) in recs.iter().zip(keys) {
            self.add(rec, key);
        }
    }

    fn add(&mut self, rec: &AttendanceRecord, key: PersonKey) {
        let training_id = match &self.last_training {
            Some((code, id)) if *code == rec.training_code => *id,
            _ => {
                let id = self.trainings[&rec.training_code];
                self.last_training = Some((rec.training_code.clone(), id));
                id
            }
        };
        let session = match rec.session {
            None => 0,
            Some(start) => match self.last_session {
                Some((at, id)) if at == (training_id, start) => id,
                _ => {
                    let id = self.sessions[&(training_id, start)];
                    self.last_session = Some(((training_id, start), id));
                    id
                }
            },
        };
        let first_of_batch = self.new_count - self.new_records.len() as u32;
        let who = match self.people.by_key.entry(key.identity) {
            std::collections::hash_map::Entry::Occupied(mut known) => {
                let known = known.get_mut();
                let who = known.who();
                if known.completed_by(&rec.person, &key, &self.departments) {
                    known.merge(&rec.person, &key, &self.departments);
                    match who {
                        PersonRef::New(n) if n >= first_of_batch => merge_record(
                            &mut self.new_records[(n - first_of_batch) as usize],
                            &rec.person,
                        ),
                        _ => self.batch.merges.push((who, rec.person.clone())),
                    }
                }
                who
            }
            std::collections::hash_map::Entry::Vacant(slot) => {
                let who = PersonRef::New(self.new_count);
                self.new_count += 1;
                slot.insert(PersonEntry::new(who, &rec.person, &key, &self.departments));
                self.new_records.push(rec.person.clone());
                who
            }
        };
        if self.run != Some(training_id) {
            if let Some(ended) = self.run.replace(training_id) {
                self.ended.insert(ended);
                self.batch.ended.push(ended);
            }
            self.run_keys.clear();
        }
        let completed = rec.completed.map(i64::from);
        let row = (training_id, who, session, completed);
        // A training new to the store, in its first run of rows: what it holds is what this
        // run wrote, which the run's keys say without asking the database.
        if !self.had_attendance.contains(&training_id) && !self.ended.contains(&training_id) {
            match self.run_keys.entry((who, session)) {
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(completed);
                    self.batch.new_rows.push(row);
                }
                std::collections::hash_map::Entry::Occupied(mut slot) => {
                    self.batch.repeated += 1;
                    // A blank completed cell does not erase what is recorded.
                    if completed.is_some() && *slot.get() != completed {
                        slot.insert(completed);
                        self.batch.completions.push(row);
                    }
                }
            }
        } else {
            self.batch.rows.push(row);
        }
    }

    /// The batch gathered so far, ready for the writer.
    pub(crate) fn take(&mut self) -> Resolved {
        let mut batch = std::mem::take(&mut self.batch);
        batch.new_persons = self
            .new_records
            .drain(..)
            .map(|p| NewPerson::of(p, &self.departments))
            .collect();
        batch
    }
}

/// The trainings with any attendance recorded (one probe of the key per training).
pub(crate) async fn trainings_with_attendance(
    tx: &mut Transaction<'static, Db>,
) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM trainings t WHERE EXISTS (SELECT 1 FROM attendance a WHERE a.training_id = t.id)",
    )
    .fetch_all(&mut **tx)
    .await?)
}

impl Resolver {
    /// The resolver of an import: every person of the store (loaded here, once per import),
    /// the trainings, sessions and departments, and the trainings that held attendance before.
    pub(crate) async fn load(
        tx: &mut Transaction<'static, Db>,
        trainings: &HashMap<String, i64>,
        sessions: &HashMap<(i64, PartialDate), i64>,
        departments: &HashMap<String, i64>,
        had_attendance: Vec<i64>,
    ) -> Result<Resolver> {
        Ok(Resolver {
            people: PersonIndex::load(tx).await?,
            trainings: names(trainings),
            sessions: sessions.iter().map(|(k, v)| (*k, *v)).collect(),
            departments: names(departments),
            new_count: 0,
            batch: Resolved::default(),
            new_records: Vec::new(),
            last_training: None,
            last_session: None,
            buf: String::new(),
            had_attendance: had_attendance.into_iter().collect(),
            run: None,
            run_keys: FastMap::default(),
            ended: FastSet::default(),
        })
    }
}
