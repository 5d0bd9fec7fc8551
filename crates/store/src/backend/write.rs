//! Writing validated records inside one transaction. Each write is an upsert by the record's
//! stable key that says whether it created, changed or left the record as it was, so that
//! importing the same file twice changes nothing and says so.

use std::collections::HashMap;

use cadre_core::department::department_key;
use cadre_core::person::{email_key, name_key, name_key_into};
use cadre_core::text::{fold, fold_into};
use cadre_core::{
    AttendanceRecord, DepartmentRecord, Gender, Modality, Money, PartialDate, PartnerKind,
    PartnerRecord, PersonRecord, PublishedRecord, SessionRecord, Status, TrainingRecord,
};
use cadre_import::Lookups;
use sqlx::{Database, Row, Transaction};

use super::roster::{Rosters, RunCounts};
use super::Db;
use crate::types::{Outcome, RemovedRecord};
use crate::Result;

pub(crate) struct Writer {
    pub(crate) tx: Transaction<'static, Db>,
    trainings: HashMap<String, i64>,
    sessions: HashMap<(i64, PartialDate), i64>,
    partners: HashMap<String, i64>,
    departments: HashMap<String, i64>,
    /// The ids of the persons new to the store in this import, in the order the reading
    /// thread numbered them.
    new_ids: Vec<i64>,
    /// Persons rows have completed in this import, as completed (see `merge_persons`).
    merged: FastMap<i64, StoredPerson>,
    /// Those of them not yet written.
    unwritten: std::collections::BTreeSet<i64>,
    /// The recorded attendance of the training being written (see `roster`).
    rosters: Rosters,
    /// What the import changed that the report cache derives from.
    touched_trainings: std::collections::BTreeSet<i64>,
    /// Report cache chunks (of persons by id) whose persons the import added or changed.
    touched_chunks: std::collections::BTreeSet<i64>,
}

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

/// One attendance record to write: training, person, session (0 for none), completed.
pub(crate) type AttendanceRow = (i64, i64, i64, Option<i64>);

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
    /// Trainings whose run of rows ended in this batch (the sheet went on to another).
    pub ended: Vec<i64>,
    /// Persons new to the store, numbered on from those of earlier batches.
    pub new_persons: Vec<NewPerson>,
    /// Persons (from the store or earlier batches) a row tells something new about, in row
    /// order.
    pub merges: Vec<(PersonRef, PersonRecord)>,
}

/// What a batch of attendance rows did.
#[derive(Debug, Default)]
pub(crate) struct BatchCounts {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub persons_created: u64,
}

/// An attendance record a roster replacement removed: (training, person, session_key).
pub(crate) type Removed = (i64, i64, i64);

fn add_run(into: &mut RunCounts, more: RunCounts) {
    into.created += more.created;
    into.updated += more.updated;
    into.unchanged += more.unchanged;
    into.touched.extend(more.touched);
}

/// A map with the fast hasher: its keys come from our own files and database, and an import
/// hashes every row.
type FastMap<K, V> = HashMap<K, V, foldhash::fast::FixedState>;
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
    run_keys: FastSet<(PersonRef, i64)>,
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
        let new = !self.had_attendance.contains(&training_id)
            && !self.ended.contains(&training_id)
            && self.run_keys.insert((who, session));
        let row = (training_id, who, session, rec.completed.map(i64::from));
        if new {
            self.batch.new_rows.push(row);
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
async fn trainings_with_attendance(tx: &mut Transaction<'static, Db>) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM trainings t WHERE EXISTS (SELECT 1 FROM attendance a WHERE a.training_id = t.id)",
    )
    .fetch_all(&mut **tx)
    .await?)
}

fn text(d: Option<PartialDate>) -> Option<String> {
    d.map(|d| d.to_string())
}

fn first_day(d: Option<PartialDate>) -> Option<String> {
    d.map(|d| d.first_day().to_string())
}

fn last_day(d: Option<PartialDate>) -> Option<String> {
    d.map(|d| d.last_day().to_string())
}

fn date(s: Option<String>) -> Option<PartialDate> {
    s.and_then(|s| PartialDate::parse(&s).ok())
}

fn count(v: Option<i64>) -> Option<u32> {
    v.and_then(|v| u32::try_from(v).ok())
}

impl Writer {
    /// Begins an import; `bulk` for one that may write millions of rows (attendance).
    pub(crate) async fn begin(pool: &sqlx::Pool<Db>, bulk: bool) -> Result<Writer> {
        let mut tx = super::begin_import(pool, bulk).await?;
        let mut partners = HashMap::new();
        for row in sqlx::query("SELECT id, name FROM partners")
            .fetch_all(&mut *tx)
            .await?
        {
            partners.insert(row.get::<String, _>("name"), row.get::<i64, _>("id"));
        }
        let mut departments = HashMap::new();
        for row in sqlx::query("SELECT id, name FROM departments")
            .fetch_all(&mut *tx)
            .await?
        {
            departments.insert(row.get::<String, _>("name"), row.get::<i64, _>("id"));
        }
        let mut trainings = HashMap::new();
        for row in sqlx::query("SELECT id, code FROM trainings")
            .fetch_all(&mut *tx)
            .await?
        {
            trainings.insert(row.get::<String, _>("code"), row.get::<i64, _>("id"));
        }
        let mut sessions = HashMap::new();
        for row in sqlx::query("SELECT id, training_id, start_date FROM sessions")
            .fetch_all(&mut *tx)
            .await?
        {
            if let Some(start) = date(row.get("start_date")) {
                sessions.insert((row.get::<i64, _>("training_id"), start), row.get("id"));
            }
        }
        Ok(Writer {
            tx,
            trainings,
            sessions,
            partners,
            departments,
            new_ids: Vec::new(),
            merged: FastMap::default(),
            unwritten: Default::default(),
            rosters: Rosters::new(Default::default(), false),
            touched_trainings: Default::default(),
            touched_chunks: Default::default(),
        })
    }

    /// What the rows of a file are checked against.
    pub(crate) async fn lookups(&mut self) -> Result<Lookups> {
        let mut l = Lookups::default();
        for row in sqlx::query("SELECT name, short_name FROM partners")
            .fetch_all(&mut *self.tx)
            .await?
        {
            let name: String = row.get("name");
            l.add_partner(&name, row.get::<Option<String>, _>("short_name").as_deref());
        }
        for row in sqlx::query(
            "SELECT a.alias, d.name FROM department_aliases a
             JOIN departments d ON d.id = a.department_id",
        )
        .fetch_all(&mut *self.tx)
        .await?
        {
            let name: String = row.get("name");
            l.add_department(&name);
            l.add_department_alias(&row.get::<String, _>("alias"), &name);
        }
        for code in self.trainings.keys() {
            l.add_training(code);
        }
        let codes: HashMap<i64, &String> = self.trainings.iter().map(|(c, id)| (*id, c)).collect();
        for (training_id, start) in self.sessions.keys() {
            if let Some(code) = codes.get(training_id) {
                l.add_session(code, *start);
            }
        }
        Ok(l)
    }

    pub(crate) async fn department(&mut self, rec: &DepartmentRecord) -> Result<Outcome> {
        let existing: Option<(i64, String)> = sqlx::query_as(
            "SELECT d.id, d.name FROM department_aliases a
             JOIN departments d ON d.id = a.department_id WHERE a.alias_key = $1",
        )
        .bind(department_key(&rec.name))
        .fetch_optional(&mut *self.tx)
        .await?;
        let (id, mut outcome) = match existing {
            Some((id, name)) if name == rec.name => (id, Outcome::Unchanged),
            Some((id, _)) => {
                // Same department, its published spelling corrected.
                sqlx::query("UPDATE departments SET name = $1 WHERE id = $2")
                    .bind(&rec.name)
                    .bind(id)
                    .execute(&mut *self.tx)
                    .await?;
                (id, Outcome::Updated)
            }
            None => {
                let id: i64 =
                    sqlx::query_scalar("INSERT INTO departments (name) VALUES ($1) RETURNING id")
                        .bind(&rec.name)
                        .fetch_one(&mut *self.tx)
                        .await?;
                (id, Outcome::Created)
            }
        };
        self.departments.insert(rec.name.clone(), id);
        for alias in std::iter::once(&rec.name).chain(&rec.aliases) {
            let added = sqlx::query(
                "INSERT INTO department_aliases (alias_key, alias, department_id) VALUES ($1, $2, $3)
                 ON CONFLICT (alias_key) DO NOTHING",
            )
            .bind(department_key(alias))
            .bind(alias)
            .bind(id)
            .execute(&mut *self.tx)
            .await?
            .rows_affected();
            if added > 0 && outcome == Outcome::Unchanged {
                outcome = Outcome::Updated;
            }
        }
        Ok(outcome)
    }

    /// Writes partners in two passes, since a programme's parent may come later in the file.
    pub(crate) async fn partners(&mut self, recs: &[PartnerRecord]) -> Result<Vec<Outcome>> {
        let mut outcomes = Vec::with_capacity(recs.len());
        for rec in recs {
            let existing: Option<(i64, String, Option<String>, Option<String>)> = sqlx::query_as(
                "SELECT id, name, short_name, kind FROM partners
                 WHERE lower(name) = lower($1) OR lower(short_name) = lower($2)",
            )
            .bind(&rec.name)
            .bind(rec.short_name.as_deref().unwrap_or(&rec.name))
            .fetch_optional(&mut *self.tx)
            .await?;
            let kind = rec.kind.map(PartnerKind::as_str);
            let outcome = match existing {
                Some((id, name, short, stored_kind))
                    if name == rec.name
                        && short == rec.short_name
                        && stored_kind.as_deref() == kind =>
                {
                    self.partners.insert(rec.name.clone(), id);
                    Outcome::Unchanged
                }
                Some((id, old_name, ..)) => {
                    sqlx::query(
                        "UPDATE partners SET name = $1, short_name = $2, kind = $3 WHERE id = $4",
                    )
                    .bind(&rec.name)
                    .bind(&rec.short_name)
                    .bind(kind)
                    .bind(id)
                    .execute(&mut *self.tx)
                    .await?;
                    self.partners.remove(&old_name);
                    self.partners.insert(rec.name.clone(), id);
                    Outcome::Updated
                }
                None => {
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO partners (name, short_name, kind) VALUES ($1, $2, $3)
                         RETURNING id",
                    )
                    .bind(&rec.name)
                    .bind(&rec.short_name)
                    .bind(kind)
                    .fetch_one(&mut *self.tx)
                    .await?;
                    self.partners.insert(rec.name.clone(), id);
                    Outcome::Created
                }
            };
            outcomes.push(outcome);
        }
        for (rec, outcome) in recs.iter().zip(outcomes.iter_mut()) {
            let id = self.partners[&rec.name];
            let parent = rec
                .parent
                .as_ref()
                .and_then(|p| self.partners.get(p))
                .copied();
            let stored: Option<i64> =
                sqlx::query_scalar("SELECT parent_id FROM partners WHERE id = $1")
                    .bind(id)
                    .fetch_one(&mut *self.tx)
                    .await?;
            if stored != parent {
                sqlx::query("UPDATE partners SET parent_id = $1 WHERE id = $2")
                    .bind(parent)
                    .bind(id)
                    .execute(&mut *self.tx)
                    .await?;
                if *outcome == Outcome::Unchanged {
                    *outcome = Outcome::Updated;
                }
            }
        }
        Ok(outcomes)
    }

    /// Brings the report cache up to date with what this import changed.
    pub(crate) async fn refresh_report_cache(&mut self) -> Result<()> {
        let trainings: Vec<i64> = self.touched_trainings.iter().copied().collect();
        super::cache::refresh_trainings(&mut self.tx, &trainings).await?;
        let chunks: Vec<i64> = self.touched_chunks.iter().copied().collect();
        super::cache::refresh_persons(&mut self.tx, &chunks).await
    }

    /// Upserts each figure of a published set, keyed by period and figure.
    pub(crate) async fn published(&mut self, rec: &PublishedRecord) -> Result<Vec<Outcome>> {
        let (from, to) = (rec.from.to_string(), rec.to.to_string());
        let mut outcomes = Vec::with_capacity(rec.figures.len());
        for f in &rec.figures {
            let stored: Option<(i64, Option<String>)> = sqlx::query_as(
                "SELECT value, note FROM published_figures
                 WHERE period_from = $1 AND period_to = $2 AND figure = $3",
            )
            .bind(&from)
            .bind(&to)
            .bind(f.figure.as_str())
            .fetch_optional(&mut *self.tx)
            .await?;
            let outcome = match stored {
                Some((value, note)) if value == f.value && note == f.note => Outcome::Unchanged,
                Some(_) => Outcome::Updated,
                None => Outcome::Created,
            };
            if outcome != Outcome::Unchanged {
                sqlx::query(
                    "INSERT INTO published_figures (period_from, period_to, figure, value, note)
                     VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT (period_from, period_to, figure)
                     DO UPDATE SET value = excluded.value, note = excluded.note",
                )
                .bind(&from)
                .bind(&to)
                .bind(f.figure.as_str())
                .bind(f.value)
                .bind(&f.note)
                .execute(&mut *self.tx)
                .await?;
            }
            outcomes.push(outcome);
        }
        Ok(outcomes)
    }

    pub(crate) async fn training(&mut self, rec: &TrainingRecord) -> Result<Outcome> {
        let existing = self.trainings.get(&rec.code).copied();
        if let Some(id) = existing {
            if read_training(&mut self.tx, id).await? == *rec {
                return Ok(Outcome::Unchanged);
            }
            // The lists are written again whole, in the row's order.
            for table in [
                "training_partners",
                "training_countries",
                "training_departments",
            ] {
                sqlx::query(&format!("DELETE FROM {table} WHERE training_id = $1"))
                    .bind(id)
                    .execute(&mut *self.tx)
                    .await?;
            }
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO trainings (code, title, start_date, start_on, end_date, end_on,
             modality, venue, platform, status, requested_by, value_cents,
             participants_total, participants_male, participants_female,
             countries_reached, theme, note)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
             $16, $17, $18)
             ON CONFLICT (code) DO UPDATE SET title = excluded.title,
             start_date = excluded.start_date, start_on = excluded.start_on,
             end_date = excluded.end_date, end_on = excluded.end_on,
             modality = excluded.modality, venue = excluded.venue,
             platform = excluded.platform, status = excluded.status,
             requested_by = excluded.requested_by, value_cents = excluded.value_cents,
             participants_total = excluded.participants_total,
             participants_male = excluded.participants_male,
             participants_female = excluded.participants_female,
             countries_reached = excluded.countries_reached, theme = excluded.theme,
             note = excluded.note
             RETURNING id",
        )
        .bind(&rec.code)
        .bind(&rec.title)
        .bind(text(rec.start))
        .bind(first_day(rec.start))
        .bind(text(rec.end))
        .bind(last_day(rec.end))
        .bind(rec.modality.map(Modality::as_str))
        .bind(&rec.venue)
        .bind(&rec.platform)
        .bind(rec.status.map(Status::as_str))
        .bind(&rec.requested_by)
        .bind(rec.value.map(Money::cents))
        .bind(rec.participants_total.map(i64::from))
        .bind(rec.participants_male.map(i64::from))
        .bind(rec.participants_female.map(i64::from))
        .bind(rec.countries_reached.map(i64::from))
        .bind(&rec.theme)
        .bind(&rec.note)
        .fetch_one(&mut *self.tx)
        .await?;
        self.trainings.insert(rec.code.clone(), id);
        self.write_training_links(id, rec).await?;
        Ok(if existing.is_some() {
            Outcome::Updated
        } else {
            Outcome::Created
        })
    }

    async fn write_training_links(&mut self, id: i64, rec: &TrainingRecord) -> Result<()> {
        for (role, names) in [("partner", &rec.partners), ("funder", &rec.funders)] {
            for (pos, name) in names.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO training_partners (training_id, partner_id, role, position)
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(id)
                .bind(self.partners.get(name).copied())
                .bind(role)
                .bind(pos as i64)
                .execute(&mut *self.tx)
                .await?;
            }
        }
        for (pos, code) in rec.countries.iter().enumerate() {
            sqlx::query(
                "INSERT INTO training_countries (training_id, country_code, position)
                 VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(code)
            .bind(pos as i64)
            .execute(&mut *self.tx)
            .await?;
        }
        for (pos, name) in rec.departments.iter().enumerate() {
            sqlx::query(
                "INSERT INTO training_departments (training_id, department_id, position)
                 VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(self.departments.get(name).copied())
            .bind(pos as i64)
            .execute(&mut *self.tx)
            .await?;
        }
        Ok(())
    }

    pub(crate) async fn session(&mut self, rec: &SessionRecord) -> Result<Outcome> {
        let training_id = self.trainings[&rec.training_code];
        if let Some(&id) = self.sessions.get(&(training_id, rec.start)) {
            let (end, total, note): (Option<String>, Option<i64>, Option<String>) = sqlx::query_as(
                "SELECT end_date, participants_total, note FROM sessions WHERE id = $1",
            )
            .bind(id)
            .fetch_one(&mut *self.tx)
            .await?;
            if date(end) == rec.end && count(total) == rec.participants_total && note == rec.note {
                return Ok(Outcome::Unchanged);
            }
            sqlx::query(
                "UPDATE sessions SET end_date = $2, end_on = $3, participants_total = $4,
                 note = $5 WHERE id = $1",
            )
            .bind(id)
            .bind(text(rec.end))
            .bind(last_day(rec.end))
            .bind(rec.participants_total.map(i64::from))
            .bind(&rec.note)
            .execute(&mut *self.tx)
            .await?;
            return Ok(Outcome::Updated);
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO sessions (training_id, start_date, start_on, end_date, end_on,
             participants_total, note) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(training_id)
        .bind(rec.start.to_string())
        .bind(rec.start.first_day().to_string())
        .bind(text(rec.end))
        .bind(last_day(rec.end))
        .bind(rec.participants_total.map(i64::from))
        .bind(&rec.note)
        .fetch_one(&mut *self.tx)
        .await?;
        self.sessions.insert((training_id, rec.start), id);
        Ok(Outcome::Created)
    }

    /// What the reading thread needs to resolve rows to ids: every person of the store (loaded
    /// here, once per import), trainings, sessions and departments.
    pub(crate) async fn resolver(&mut self, replace_roster: bool) -> Result<Resolver> {
        let had_attendance = trainings_with_attendance(&mut self.tx).await?;
        self.rosters = Rosters::new(had_attendance.iter().copied().collect(), replace_roster);
        Ok(Resolver {
            people: PersonIndex::load(&mut self.tx).await?,
            trainings: names(&self.trainings),
            sessions: self.sessions.iter().map(|(k, v)| (*k, *v)).collect(),
            departments: names(&self.departments),
            new_count: 0,
            batch: Resolved::default(),
            new_records: Vec::new(),
            last_training: None,
            last_session: None,
            buf: String::new(),
            had_attendance: had_attendance.into_iter().collect(),
            run: None,
            run_keys: FastSet::default(),
            ended: FastSet::default(),
        })
    }

    /// Records a batch of resolved attendance rows (person x session): inserts the persons
    /// new to the store, completes known ones, inserts the records sure to be new, and hands
    /// the other rows to the rosters (see `roster`), which look each up among its training's
    /// records and write only what changes.
    pub(crate) async fn attendance_batch(&mut self, batch: &Resolved) -> Result<BatchCounts> {
        let mut counts = BatchCounts {
            persons_created: batch.new_persons.len() as u64,
            ..BatchCounts::default()
        };
        let new_ids = super::insert_persons(&mut self.tx, &batch.new_persons).await?;
        self.touched_chunks
            .extend(new_ids.iter().map(|id| id / crate::cache::CHUNK));
        self.new_ids.extend(new_ids);
        let merges: Vec<(i64, &PersonRecord)> = batch
            .merges
            .iter()
            .map(|(who, p)| (self.id_of(*who), p))
            .collect();
        self.merge_persons(&merges).await?;

        let resolve = |rows: &[(i64, PersonRef, i64, Option<i64>)]| -> Vec<AttendanceRow> {
            rows.iter()
                .map(|&(training_id, who, session, completed)| {
                    let person = match who {
                        PersonRef::Stored(id) => id,
                        PersonRef::New(n) => self.new_ids[n as usize],
                    };
                    (training_id, person, session, completed)
                })
                .collect()
        };
        // The new records first: a row that may repeat one of them comes after it in the sheet.
        let mut new_rows = resolve(&batch.new_rows);
        let mut rows = resolve(&batch.rows);
        // In key order, new records go in one after another at the end of the table's tree
        // (a sheet's trainings are mostly new and numbered in order), rather than all over the
        // pages of the trainings being read: fewer, fuller pages to write.
        new_rows.sort_unstable();
        let mut run = RunCounts::default();
        // The training in hand is read again after records of its are written directly.
        if let Some(t) = self.rosters.current() {
            if new_rows.binary_search_by(|r| r.0.cmp(&t)).is_ok() {
                self.rosters.finish(&mut self.tx, &mut run).await?;
            }
        }
        super::insert_new_attendance(&mut self.tx, &new_rows).await?;
        counts.created += new_rows.len() as u64;
        self.touched_trainings
            .extend(new_rows.chunk_by(|a, b| a.0 == b.0).map(|g| g[0].0));
        let written = self.rosters.write(&mut self.tx, &mut rows).await?;
        add_run(&mut run, written);
        if let Some(t) = self.rosters.current() {
            if batch.ended.contains(&t) {
                self.rosters.finish(&mut self.tx, &mut run).await?;
            }
        }
        counts.created += run.created;
        counts.updated += run.updated;
        counts.unchanged += run.unchanged;
        self.touched_trainings.extend(run.touched);
        // The attendee lists of trainings the sheet has gone past are brought up to date now,
        // while their pages are fresh in the cache and the reading thread keeps this one
        // waiting anyway; a training listed again further down is refreshed again.
        let ended: Vec<i64> = batch
            .ended
            .iter()
            .copied()
            .filter(|t| self.touched_trainings.remove(t))
            .collect();
        super::cache::refresh_trainings(&mut self.tx, &ended).await?;
        Ok(counts)
    }

    /// Ends the attendance of an import, once every batch is in: writes the rows of the last
    /// training, and with `replace_roster` removes the records no row named.
    pub(crate) async fn finish_attendance(&mut self) -> Result<(BatchCounts, Vec<Removed>)> {
        let mut run = RunCounts::default();
        self.rosters.finish(&mut self.tx, &mut run).await?;
        let removed = self.rosters.remove_unnamed(&mut self.tx).await?;
        self.touched_trainings.extend(run.touched);
        self.touched_trainings.extend(removed.iter().map(|r| r.0));
        let counts = BatchCounts {
            created: run.created,
            updated: run.updated,
            unchanged: run.unchanged,
            persons_created: 0,
        };
        Ok((counts, removed))
    }

    /// Attendance records by training code, session date and person's name, in that order.
    pub(crate) async fn describe(&mut self, records: &[Removed]) -> Result<Vec<RemovedRecord>> {
        let codes: HashMap<i64, &String> = self.trainings.iter().map(|(c, id)| (*id, c)).collect();
        let dates: HashMap<i64, PartialDate> =
            self.sessions.iter().map(|((_, d), id)| (*id, *d)).collect();
        let mut ids: Vec<i64> = records.iter().map(|r| r.1).collect();
        ids.sort_unstable();
        ids.dedup();
        let persons = super::persons_by_id(&mut self.tx, &ids).await?;
        let mut out: Vec<RemovedRecord> = records
            .iter()
            .map(|&(t, p, s)| RemovedRecord {
                training_code: codes.get(&t).map(|c| c.to_string()).unwrap_or_default(),
                session: dates.get(&s).map(|d| d.to_string()),
                person: persons
                    .get(&p)
                    .map(|p| format!("{} {}", p.given_name, p.family_name))
                    .unwrap_or_default(),
            })
            .collect();
        out.sort_by(|a, b| {
            (&a.training_code, &a.session, &a.person).cmp(&(
                &b.training_code,
                &b.session,
                &b.person,
            ))
        });
        Ok(out)
    }

    fn id_of(&self, who: PersonRef) -> i64 {
        match who {
            PersonRef::Stored(id) => id,
            PersonRef::New(n) => self.new_ids[n as usize],
        }
    }

    /// Completes known persons with what rows say of them; `merges` in row order, so that a
    /// person named by several rows ends as the last of them leaves them. Known details are
    /// completed, never erased, by a row that leaves them blank.
    async fn merge_persons(&mut self, merges: &[(i64, &PersonRecord)]) -> Result<()> {
        if merges.is_empty() {
            return Ok(());
        }
        let mut ids: Vec<i64> = merges.iter().map(|(id, _)| *id).collect();
        ids.sort_unstable();
        ids.dedup();
        // Persons completed once tend to be completed again (a name shared by several people
        // without e-mail, whose rows disagree): they are kept as stored, within a bound.
        const KEPT: usize = 100_000;
        let mut missing: Vec<i64> = ids
            .iter()
            .copied()
            .filter(|id| !self.merged.contains_key(id))
            .collect();
        if self.merged.len() + missing.len() > KEPT {
            self.write_merged().await?;
            self.merged.clear();
            missing = ids;
        }
        let read = super::persons_by_id(&mut self.tx, &missing).await?;
        self.merged.extend(read);
        let stored = &mut self.merged;
        let mut changed = std::collections::BTreeSet::new();
        for &(id, p) in merges {
            let department_id = p
                .department
                .as_ref()
                .and_then(|d| self.departments.get(d))
                .copied();
            let Some(old) = stored.get_mut(&id) else {
                continue;
            };
            if old.complete(p, department_id) {
                changed.insert(id);
            }
        }
        self.touched_chunks
            .extend(changed.iter().map(|id| id / crate::cache::CHUNK));
        // Written once, at the end: such a person may change with every batch.
        self.unwritten.extend(changed);
        Ok(())
    }

    /// Writes the persons completed since the last call; an import of attendance calls it
    /// when all rows are in.
    pub(crate) async fn write_merged(&mut self) -> Result<()> {
        let ids = std::mem::take(&mut self.unwritten);
        let updates: Vec<(i64, &StoredPerson)> =
            ids.iter().map(|id| (*id, &self.merged[id])).collect();
        super::update_persons(&mut self.tx, &updates).await
    }
}

/// The details of a person that rows complete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StoredPerson {
    pub given_name: String,
    pub family_name: String,
    pub gender: Option<String>,
    pub country: Option<String>,
    pub organisation: Option<String>,
    pub department_id: Option<i64>,
}

impl StoredPerson {
    /// Completes the details with a row's; says whether anything changed. A name typed with
    /// other case or spacing is the same name, and the first spelling stays; a different one
    /// (a correction) replaces it.
    fn complete(&mut self, p: &PersonRecord, department_id: Option<i64>) -> bool {
        let before = self.clone();
        let keep = |new: &str, old: &mut String| {
            let new = new.trim();
            if !new.is_empty() && fold(new) != fold(old) {
                *old = new.to_string();
            }
        };
        keep(&p.given_name, &mut self.given_name);
        keep(&p.family_name, &mut self.family_name);
        if let Some(g) = p.gender {
            self.gender = Some(g.as_str().to_string());
        }
        if p.country.is_some() {
            self.country.clone_from(&p.country);
        }
        if p.organisation.is_some() {
            self.organisation.clone_from(&p.organisation);
        }
        if department_id.is_some() {
            self.department_id = department_id;
        }
        *self != before
    }

    /// The name key follows the completed name and country.
    pub(crate) fn name_key(&self) -> String {
        name_key(&self.given_name, &self.family_name, self.country.as_deref())
    }
}

/// Which trainings to read.
pub(crate) enum Which<'a> {
    Id(i64),
    /// Starting in `[from, to]` (first days, `YYYY-MM-DD`).
    StartingBetween(&'a str, &'a str),
}

impl Which<'_> {
    fn condition(&self) -> &'static str {
        match self {
            Which::Id(_) => "id = $1",
            Which::StartingBetween(..) => "start_on >= $1 AND start_on <= $2",
        }
    }

    fn bind<'q>(
        &self,
        q: sqlx::query::Query<'q, Db, <Db as Database>::Arguments<'q>>,
    ) -> sqlx::query::Query<'q, Db, <Db as Database>::Arguments<'q>> {
        match self {
            Which::Id(id) => q.bind(*id),
            Which::StartingBetween(from, to) => q.bind(from.to_string()).bind(to.to_string()),
        }
    }
}

/// Trainings as stored, in the form import produces, with their ids, ordered by start and code:
/// four queries whatever their number.
pub(crate) async fn read_trainings(
    conn: &mut <Db as Database>::Connection,
    which: Which<'_>,
) -> Result<Vec<(i64, TrainingRecord)>> {
    let cond = which.condition();
    let rows = which
        .bind(sqlx::query(&format!(
            "SELECT * FROM trainings WHERE {cond} ORDER BY start_on, code"
        )))
        .fetch_all(&mut *conn)
        .await?;
    let mut out: Vec<(i64, TrainingRecord)> = Vec::with_capacity(rows.len());
    let mut at: HashMap<i64, usize> = HashMap::with_capacity(rows.len());
    for row in rows {
        let id: i64 = row.get("id");
        at.insert(id, out.len());
        out.push((
            id,
            TrainingRecord {
                code: row.get("code"),
                title: row.get("title"),
                start: date(row.get("start_date")),
                end: date(row.get("end_date")),
                modality: row
                    .get::<Option<String>, _>("modality")
                    .and_then(|m| Modality::parse(&m).ok()),
                venue: row.get("venue"),
                platform: row.get("platform"),
                status: row
                    .get::<Option<String>, _>("status")
                    .and_then(|s| Status::parse(&s).ok()),
                partners: Vec::new(),
                funders: Vec::new(),
                requested_by: row.get("requested_by"),
                value: row
                    .get::<Option<i64>, _>("value_cents")
                    .map(Money::from_cents),
                participants_total: count(row.get("participants_total")),
                participants_male: count(row.get("participants_male")),
                participants_female: count(row.get("participants_female")),
                countries: Vec::new(),
                countries_reached: count(row.get("countries_reached")),
                departments: Vec::new(),
                theme: row.get("theme"),
                note: row.get("note"),
            },
        ));
    }
    if out.is_empty() {
        return Ok(out);
    }
    let within = format!("SELECT id FROM trainings WHERE {cond}");
    for (training_id, role, name) in which
        .bind(sqlx::query(&format!(
            "SELECT tp.training_id, tp.role, p.name FROM training_partners tp
             JOIN partners p ON p.id = tp.partner_id
             WHERE tp.training_id IN ({within}) ORDER BY tp.training_id, tp.position"
        )))
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|r| {
            (
                r.get::<i64, _>(0),
                r.get::<String, _>(1),
                r.get::<String, _>(2),
            )
        })
    {
        if let Some(&i) = at.get(&training_id) {
            let t = &mut out[i].1;
            if role == "funder" {
                t.funders.push(name)
            } else {
                t.partners.push(name)
            }
        }
    }
    for (training_id, code) in which
        .bind(sqlx::query(&format!(
            "SELECT training_id, country_code FROM training_countries
             WHERE training_id IN ({within}) ORDER BY training_id, position"
        )))
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|r| (r.get::<i64, _>(0), r.get::<String, _>(1)))
    {
        if let Some(&i) = at.get(&training_id) {
            out[i].1.countries.push(code);
        }
    }
    for (training_id, name) in which
        .bind(sqlx::query(&format!(
            "SELECT td.training_id, d.name FROM training_departments td
             JOIN departments d ON d.id = td.department_id
             WHERE td.training_id IN ({within}) ORDER BY td.training_id, td.position"
        )))
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|r| (r.get::<i64, _>(0), r.get::<String, _>(1)))
    {
        if let Some(&i) = at.get(&training_id) {
            out[i].1.departments.push(name);
        }
    }
    Ok(out)
}

/// The training as stored, in the form import produces, to tell whether a row changes it.
pub(crate) async fn read_training(
    conn: &mut <Db as Database>::Connection,
    id: i64,
) -> Result<TrainingRecord> {
    read_trainings(conn, Which::Id(id))
        .await?
        .pop()
        .map(|(_, t)| t)
        .ok_or(crate::StoreError::Database(sqlx::Error::RowNotFound))
}
