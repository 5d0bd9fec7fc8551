//! The API's JSON: each record by its v1 import column names (`code`, `title`, `start_date`,
//! `value_usd`, ...; lists as arrays), with `id` and `version`. Money is a decimal string
//! (`"3937801.50"`), exact; dates are partial as the agency knows them (`2020`, `2020-07`,
//! `2020-07-16`).

use cadre_app::domain::fields::Typed;
use cadre_app::domain::{Money, PartnerRecord, PersonRecord, SessionRecord, TrainingRecord};
use cadre_app::{Participant as StoredParticipant, RosterLine, Versioned};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

fn usd(m: Money) -> String {
    let c = m.cents();
    format!("{}.{:02}", c / 100, c % 100)
}

/// A training.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Training {
    pub id: i64,
    pub version: i64,
    pub code: String,
    pub title: String,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    /// `physical`, `virtual` or `hybrid`.
    pub modality: Option<String>,
    pub venue: Option<String>,
    pub platform: Option<String>,
    /// `delivered`, `planned`, `postponed` or `cancelled`.
    pub status: Option<String>,
    pub partners: Vec<String>,
    pub funders: Vec<String>,
    /// Alpha-2 code of the country that asked for it.
    pub requested_by: Option<String>,
    /// US dollars, exact, as a decimal string.
    pub value_usd: Option<String>,
    pub participants_total: Option<u32>,
    pub participants_male: Option<u32>,
    pub participants_female: Option<u32>,
    /// Alpha-2 codes.
    pub countries: Vec<String>,
    pub countries_reached: Option<u32>,
    pub departments: Vec<String>,
    pub theme: Option<String>,
    pub note: Option<String>,
    /// The paragraph a report prints about the training.
    pub summary: Option<String>,
}

impl From<Versioned<TrainingRecord>> for Training {
    fn from(v: Versioned<TrainingRecord>) -> Training {
        let r = v.record;
        Training {
            id: v.id,
            version: v.version,
            code: r.code,
            title: r.title,
            start_date: r.start.map(|d| d.to_string()),
            end_date: r.end.map(|d| d.to_string()),
            modality: r.modality.map(|m| m.as_str().to_string()),
            venue: r.venue,
            platform: r.platform,
            status: r.status.map(|s| s.as_str().to_string()),
            partners: r.partners,
            funders: r.funders,
            requested_by: r.requested_by,
            value_usd: r.value.map(usd),
            participants_total: r.participants_total,
            participants_male: r.participants_male,
            participants_female: r.participants_female,
            countries: r.countries,
            countries_reached: r.countries_reached,
            departments: r.departments,
            theme: r.theme,
            note: r.note,
            summary: r.summary,
        }
    }
}

/// A training to create, or the whole of one to replace (`PUT`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TrainingInput {
    /// The record's id as a `GET` gives it: a `PUT` may send it back (it must be the id in
    /// the path); cadre gives it when a record is created.
    #[serde(default)]
    #[schema(read_only)]
    pub id: Option<i64>,
    /// The version the change is made from (or give it as `If-Match`); ignored on create.
    #[serde(default)]
    #[schema(minimum = 1)]
    pub version: Option<i64>,
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub code: String,
    #[schema(min_length = 1, max_length = 500, pattern = r"\S")]
    pub title: String,
    #[serde(default)]
    #[schema(
        pattern = r"^(|(19[0-9]{2}|20[0-9]{2}|2100)(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?)$"
    )]
    pub start_date: Option<String>,
    #[serde(default)]
    #[schema(
        pattern = r"^(|(19[0-9]{2}|20[0-9]{2}|2100)(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?)$"
    )]
    pub end_date: Option<String>,
    #[serde(default)]
    pub modality: Option<Modality>,
    #[serde(default)]
    #[schema(max_length = 500)]
    pub venue: Option<String>,
    #[serde(default)]
    #[schema(max_length = 500)]
    pub platform: Option<String>,
    #[serde(default)]
    pub status: Option<Status>,
    /// Partner names or short names.
    #[serde(default)]
    pub partners: Vec<String>,
    #[serde(default)]
    pub funders: Vec<String>,
    /// A country's name or code.
    #[serde(default)]
    pub requested_by: Option<String>,
    /// US dollars as people write them: `3937801.50` or `3,937,801`; blank for not known.
    #[serde(default)]
    #[schema(pattern = r"^(|([0-9]{1,15}|[0-9]{1,3}(,[0-9]{3}){1,4})(\.[0-9]{1,2})?)$")]
    pub value_usd: Option<String>,
    #[serde(default, deserialize_with = "count_in")]
    #[schema(minimum = 0, maximum = 2147483647)]
    pub participants_total: Option<u32>,
    #[serde(default, deserialize_with = "count_in")]
    #[schema(minimum = 0, maximum = 2147483647)]
    pub participants_male: Option<u32>,
    #[serde(default, deserialize_with = "count_in")]
    #[schema(minimum = 0, maximum = 2147483647)]
    pub participants_female: Option<u32>,
    #[serde(default)]
    pub countries: Vec<String>,
    #[serde(default, deserialize_with = "count_in")]
    #[schema(minimum = 0, maximum = 2147483647)]
    pub countries_reached: Option<u32>,
    #[serde(default)]
    pub departments: Vec<String>,
    #[serde(default)]
    #[schema(max_length = 500)]
    pub theme: Option<String>,
    #[serde(default)]
    #[schema(max_length = 10000)]
    pub note: Option<String>,
    /// The paragraph a report prints about the training.
    #[serde(default)]
    #[schema(max_length = 20000)]
    pub summary: Option<String>,
}

/// How a training was held.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Modality {
    Physical,
    Virtual,
    Hybrid,
}

/// Where a training stands.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Status {
    Delivered,
    Planned,
    Postponed,
    Cancelled,
}

/// A count as JSON writes it: `20`, or `20.0` (the same number, as JSON Schema's `integer`
/// allows).
fn count_in<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    use serde::de::Error;
    let Some(n) = Option::<serde_json::Number>::deserialize(d)? else {
        return Ok(None);
    };
    let whole = match (n.as_u64(), n.as_f64()) {
        (Some(u), _) => Some(u),
        (None, Some(f)) if f.fract() == 0.0 && (0.0..=f64::from(i32::MAX)).contains(&f) => {
            Some(f as u64)
        }
        _ => None,
    };
    // At most 2^31 - 1, as the schema says (no training has two billion participants: a
    // larger number is a typing slip).
    whole
        .filter(|u| *u <= i32::MAX as u64)
        .and_then(|u| u32::try_from(u).ok())
        .map(Some)
        .ok_or_else(|| D::Error::custom(format!("{n} is not a count (a whole number, 0 or more)")))
}

fn put(t: &mut Typed, k: &str, v: Option<String>) {
    if let Some(v) = v {
        t.text.insert(k.to_string(), v);
    }
}

fn count(t: &mut Typed, k: &str, v: Option<u32>) {
    put(t, k, v.map(|n| n.to_string()));
}

impl TrainingInput {
    pub(crate) fn fields(self) -> Typed {
        let mut t = Typed::default();
        put(&mut t, "code", Some(self.code));
        put(&mut t, "title", Some(self.title));
        put(&mut t, "start_date", self.start_date);
        put(&mut t, "end_date", self.end_date);
        put(
            &mut t,
            "modality",
            self.modality.map(|m| format!("{m:?}").to_lowercase()),
        );
        put(&mut t, "venue", self.venue);
        put(&mut t, "platform", self.platform);
        put(
            &mut t,
            "status",
            self.status.map(|s| format!("{s:?}").to_lowercase()),
        );
        put(&mut t, "requested_by", self.requested_by);
        put(&mut t, "value_usd", self.value_usd);
        count(&mut t, "participants_total", self.participants_total);
        count(&mut t, "participants_male", self.participants_male);
        count(&mut t, "participants_female", self.participants_female);
        count(&mut t, "countries_reached", self.countries_reached);
        put(&mut t, "theme", self.theme);
        put(&mut t, "note", self.note);
        put(&mut t, "summary", self.summary);
        for (k, v) in [
            ("partners", self.partners),
            ("funders", self.funders),
            ("countries", self.countries),
            ("departments", self.departments),
        ] {
            t.lists.insert(k.to_string(), v);
        }
        t
    }
}

/// A session of a training held over several occasions.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Session {
    pub id: i64,
    pub version: i64,
    pub training_code: String,
    pub start_date: String,
    pub end_date: Option<String>,
    pub participants_total: Option<u32>,
    pub note: Option<String>,
}

impl From<Versioned<SessionRecord>> for Session {
    fn from(v: Versioned<SessionRecord>) -> Session {
        let r = v.record;
        Session {
            id: v.id,
            version: v.version,
            training_code: r.training_code,
            start_date: r.start.to_string(),
            end_date: r.end.map(|d| d.to_string()),
            participants_total: r.participants_total,
            note: r.note,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SessionInput {
    /// The record's id as a `GET` gives it: a `PUT` may send it back (it must be the id in
    /// the path); cadre gives it when a record is created.
    #[serde(default)]
    #[schema(read_only)]
    pub id: Option<i64>,
    #[serde(default)]
    #[schema(minimum = 1)]
    pub version: Option<i64>,
    #[schema(min_length = 1, pattern = r"\S")]
    pub training_code: String,
    #[schema(
        pattern = r"^(19[0-9]{2}|20[0-9]{2}|2100)(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$"
    )]
    pub start_date: String,
    #[serde(default)]
    #[schema(
        pattern = r"^(|(19[0-9]{2}|20[0-9]{2}|2100)(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?)$"
    )]
    pub end_date: Option<String>,
    #[serde(default, deserialize_with = "count_in")]
    #[schema(minimum = 0, maximum = 2147483647)]
    pub participants_total: Option<u32>,
    #[serde(default)]
    pub note: Option<String>,
}

impl SessionInput {
    pub(crate) fn fields(self) -> Typed {
        let mut t = Typed::default();
        put(&mut t, "training_code", Some(self.training_code));
        put(&mut t, "start_date", Some(self.start_date));
        put(&mut t, "end_date", self.end_date);
        count(&mut t, "participants_total", self.participants_total);
        put(&mut t, "note", self.note);
        t
    }
}

/// A partner agency, programme or funder.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Partner {
    pub id: i64,
    pub version: i64,
    pub name: String,
    pub short_name: Option<String>,
    /// The partner a programme belongs to, by name.
    pub parent: Option<String>,
    pub kind: Option<String>,
}

impl From<Versioned<PartnerRecord>> for Partner {
    fn from(v: Versioned<PartnerRecord>) -> Partner {
        let r = v.record;
        Partner {
            id: v.id,
            version: v.version,
            name: r.name,
            short_name: r.short_name,
            parent: r.parent,
            kind: r.kind.map(|k| k.as_str().to_string()),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PartnerInput {
    /// The record's id as a `GET` gives it: a `PUT` may send it back (it must be the id in
    /// the path); cadre gives it when a record is created.
    #[serde(default)]
    #[schema(read_only)]
    pub id: Option<i64>,
    #[serde(default)]
    #[schema(minimum = 1)]
    pub version: Option<i64>,
    #[schema(min_length = 1, max_length = 500, pattern = r"\S")]
    pub name: String,
    #[serde(default)]
    #[schema(max_length = 100)]
    pub short_name: Option<String>,
    #[serde(default)]
    pub parent: Option<String>,
    /// intergovernmental, un_agency, programme, regional, bilateral, government, funder,
    /// academic, ...
    #[serde(default)]
    pub kind: Option<String>,
}

impl PartnerInput {
    pub(crate) fn fields(self) -> Typed {
        let mut t = Typed::default();
        put(&mut t, "name", Some(self.name));
        put(&mut t, "short_name", self.short_name);
        put(&mut t, "parent", self.parent);
        put(&mut t, "kind", self.kind);
        t
    }
}

/// A person who attended trainings.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Participant {
    pub id: i64,
    pub version: i64,
    pub given_name: String,
    pub family_name: String,
    pub email: Option<String>,
    /// `male` or `female`; absent when not recorded.
    pub gender: Option<String>,
    /// Alpha-2 code.
    pub country: Option<String>,
    pub organisation: Option<String>,
    pub department: Option<String>,
    /// Attendance records (person x session).
    pub attendance: i64,
    /// Distinct trainings attended.
    pub trainings: i64,
}

impl From<Versioned<StoredParticipant>> for Participant {
    fn from(v: Versioned<StoredParticipant>) -> Participant {
        let p = v.record.person;
        Participant {
            id: v.id,
            version: v.version,
            given_name: p.given_name,
            family_name: p.family_name,
            email: p.email,
            gender: p.gender.map(|g| g.as_str().to_string()),
            country: p.country,
            organisation: p.organisation,
            department: p.department,
            attendance: v.record.attendance,
            trainings: v.record.trainings,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ParticipantInput {
    /// The record's id as a `GET` gives it: a `PUT` may send it back (it must be the id in
    /// the path); cadre gives it when a record is created.
    #[serde(default)]
    #[schema(read_only)]
    pub id: Option<i64>,
    #[serde(default)]
    #[schema(minimum = 1)]
    pub version: Option<i64>,
    #[serde(default)]
    pub given_name: Option<String>,
    #[serde(default)]
    pub family_name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    /// `male`, `female` (or M, F, ...); absent when not recorded.
    #[serde(default)]
    pub gender: Option<String>,
    /// A country's name or code.
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub organisation: Option<String>,
    #[serde(default)]
    pub department: Option<String>,
    /// As a `GET` gives it; not written.
    #[serde(default)]
    #[schema(read_only)]
    #[expect(
        dead_code,
        reason = "accepted so that a GET's body can be sent back; never written"
    )]
    pub attendance: Option<i64>,
    /// As a `GET` gives it; not written.
    #[serde(default)]
    #[schema(read_only)]
    #[expect(
        dead_code,
        reason = "accepted so that a GET's body can be sent back; never written"
    )]
    pub trainings: Option<i64>,
}

impl ParticipantInput {
    pub(crate) fn fields(self) -> Typed {
        let mut t = Typed::default();
        put(&mut t, "given_name", self.given_name);
        put(&mut t, "family_name", self.family_name);
        put(&mut t, "email", self.email);
        put(&mut t, "gender", self.gender);
        put(&mut t, "country", self.country);
        put(&mut t, "organisation", self.organisation);
        put(&mut t, "department", self.department);
        t
    }
}

/// A participant as a record of their own (after a create or update).
pub(crate) fn person_json(
    v: Versioned<PersonRecord>,
    attendance: i64,
    trainings: i64,
) -> Participant {
    Participant::from(Versioned {
        id: v.id,
        version: v.version,
        record: StoredParticipant {
            person: v.record,
            attendance,
            trainings,
        },
    })
}

/// One person at one session (or at the whole training).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AttendanceLine {
    pub participant_id: i64,
    pub given_name: String,
    pub family_name: String,
    pub gender: Option<String>,
    pub country: Option<String>,
    pub organisation: Option<String>,
    pub department: Option<String>,
    /// The session's first day; absent for a training held as one event.
    pub session_date: Option<String>,
    pub completed: Option<bool>,
}

impl From<RosterLine> for AttendanceLine {
    fn from(r: RosterLine) -> AttendanceLine {
        AttendanceLine {
            participant_id: r.person_id,
            given_name: r.given_name,
            family_name: r.family_name,
            gender: r.gender.map(|g| g.as_str().to_string()),
            country: r.country,
            organisation: r.organisation,
            department: r.department,
            session_date: r.session.map(|d| d.to_string()),
            completed: r.completed,
        }
    }
}

/// A training's attendance.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Attendance {
    pub training_id: i64,
    /// How many attendance records the training has.
    pub total: i64,
    pub items: Vec<AttendanceLine>,
}

macro_rules! page_of {
    ($name:ident, $item:ty) => {
        /// One page of a list; `next_cursor`, when present, asks for the next.
        #[derive(Debug, Serialize, ToSchema)]
        pub(crate) struct $name {
            pub items: Vec<$item>,
            pub next_cursor: Option<String>,
        }
    };
}

page_of!(TrainingPage, Training);
page_of!(SessionPage, Session);
page_of!(PartnerPage, Partner);
page_of!(ParticipantPage, Participant);
