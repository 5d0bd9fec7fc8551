//! Participants: shown by name only to those who may see them (a focal point, their own
//! country's), the shared writes, a delete that takes their attendance, and merging two
//! records of one person.

use std::collections::BTreeMap;

use cadre_core::access::{Action, Sight};
use cadre_core::fields::{self, Fields};
use cadre_core::PersonRecord;
use cadre_store::{Dependents, Participant, PersonAttendance, PersonCursor, Versioned};

use super::{found, from_store, json, Kind};
use crate::{clock, Actor, App, AppError};

pub(crate) struct Participants;

impl Kind for Participants {
    type Record = PersonRecord;

    fn fields(r: &PersonRecord) -> BTreeMap<String, String> {
        fields::person_fields(r)
    }

    async fn read(app: &App, actor: &Actor, id: i64) -> Result<PersonRecord, AppError> {
        Ok(app.participant(actor, id).await?.record.person)
    }

    async fn check(app: &App, f: &(impl Fields + Sync)) -> Result<PersonRecord, AppError> {
        app.check_participant(f).await
    }

    super::store_writes!(PersonRecord, create_person, update_person, delete_person);

    /// What a participant is counted as (gender, country, department) is in the figures of
    /// every training they attended; their name and e-mail are in none.
    async fn counted_in(
        app: &App,
        id: i64,
        before: &PersonRecord,
        after: Option<&PersonRecord>,
    ) -> Result<Vec<Option<cadre_core::PartialDate>>, AppError> {
        let counted = |p: &PersonRecord| (p.gender, p.country.clone(), p.department.clone());
        if after.is_some_and(|a| counted(a) == counted(before)) {
            return Ok(Vec::new());
        }
        app.attended_starts(id).await
    }

    async fn follow(
        app: &App,
        id: i64,
        _: Option<&PersonRecord>,
        _: Option<&PersonRecord>,
    ) -> Result<(), AppError> {
        app.refresh_person(id).await
    }
}

impl App {
    /// One participant, to those who see them by name (a focal point: of their own country).
    pub async fn participant(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<Versioned<Participant>, AppError> {
        actor.must(Action::ReadReports)?;
        if !actor.sees_names() {
            return Err(AppError::Forbidden(
                "participants are shown by name only to coordinators, admins and focal points",
            ));
        }
        let p = found("participant", id, self.store.person_by_id(id).await?)?;
        if actor.sight(p.record.person.country.as_deref()) != Sight::Named {
            // Another country's participant is answered as one that does not exist: a refusal
            // would tell a focal point which ids are taken.
            return Err(AppError::NotFound {
                kind: "participant",
                id,
            });
        }
        self.note_personal_read(actor, Some(id), "the participant's record")
            .await?;
        Ok(p)
    }

    /// Participants in id order after `after`; with `search`, those whose name or e-mail holds
    /// it; of a focal point, only their own country's.
    pub async fn participants(
        &self,
        actor: &Actor,
        search: Option<&str>,
        after: i64,
        limit: i64,
    ) -> Result<Vec<Versioned<Participant>>, AppError> {
        let (search, countries) = self.participant_search(actor, search)?;
        let found = self
            .store
            .persons_after(search.as_deref(), countries.as_deref(), after, limit)
            .await?;
        self.note_listed(actor, &found).await?;
        Ok(found)
    }

    /// A page of participants for the list: from a cursor (after an id, or before one), with
    /// how many match in all and where the pages before and after it start.
    pub async fn participant_page(
        &self,
        actor: &Actor,
        search: Option<&str>,
        cursor: PersonCursor,
        per_page: i64,
    ) -> Result<ParticipantPage, AppError> {
        let (search, countries) = self.participant_search(actor, search)?;
        let (search, countries) = (search.as_deref(), countries.as_deref());
        let mut people = self
            .store
            .persons_from(search, countries, cursor, per_page + 1)
            .await?;
        // One more than a page says whether there is another in the direction read; the other
        // direction is asked for one record.
        let more = people.len() as i64 > per_page;
        if more {
            match cursor {
                PersonCursor::After(_) => people.truncate(per_page as usize),
                PersonCursor::Before(_) => {
                    people.remove(0);
                }
            }
        }
        let (first, last) = match (people.first(), people.last()) {
            (Some(f), Some(l)) => (f.id, l.id),
            _ => {
                return Ok(ParticipantPage {
                    total: self.store.count_persons(search, countries).await?,
                    people,
                    before: None,
                    after: None,
                })
            }
        };
        let (before, after) = match cursor {
            PersonCursor::After(_) => {
                let earlier = !self
                    .store
                    .persons_from(search, countries, PersonCursor::Before(first), 1)
                    .await?
                    .is_empty();
                (earlier.then_some(first), more.then_some(last))
            }
            PersonCursor::Before(_) => {
                let later = !self
                    .store
                    .persons_from(search, countries, PersonCursor::After(last), 1)
                    .await?
                    .is_empty();
                (more.then_some(first), later.then_some(last))
            }
        };
        let total = self.store.count_persons(search, countries).await?;
        self.note_listed(actor, &people).await?;
        Ok(ParticipantPage {
            people,
            total,
            before,
            after,
        })
    }

    /// Where a participant's record went when it was merged into another: the record it lives
    /// on in now (following later merges) and when the first merge was made. `None` for a
    /// record never merged (or whose trail was erased with the person).
    pub async fn merged_into(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<Option<(i64, String)>, AppError> {
        actor.must(Action::ReadReports)?;
        if !actor.sees_names() {
            return Ok(None);
        }
        let mut at = None;
        let mut now = id;
        // A chain of merges is short; the bound keeps a damaged trail from looping.
        for _ in 0..16 {
            let filter = cadre_store::AuditFilter {
                kind: Some("participant".into()),
                record_id: Some(now),
                action: Some("merged".into()),
                ..Default::default()
            };
            let went = self
                .store
                .audit_entries(&filter, None, 20)
                .await?
                .into_iter()
                .find_map(|e| {
                    let into = e.detail.strip_prefix("into participant ")?.parse().ok()?;
                    Some((into, e.at))
                });
            match went {
                Some((into, when)) if into != now => {
                    at.get_or_insert(when);
                    now = into;
                }
                _ => break,
            }
        }
        Ok(at.map(|when| (now, when)))
    }

    /// Who may list participants, the search as the store reads it, and a focal point's
    /// countries.
    fn participant_search(
        &self,
        actor: &Actor,
        search: Option<&str>,
    ) -> Result<(Option<String>, Option<Vec<String>>), AppError> {
        actor.must(Action::ReadReports)?;
        if !actor.sees_names() {
            return Err(AppError::Forbidden(
                "participants are shown by name only to coordinators, admins and focal points",
            ));
        }
        // The list shows "Family, Given": a search typed that way finds the name as written.
        let search = search.map(|s| {
            let s = cadre_core::listing::search_text(s);
            match s.split_once(',') {
                Some((family, given)) if !given.trim().is_empty() && !given.contains(',') => {
                    format!("{} {}", given.trim(), family.trim())
                }
                _ => s.to_string(),
            }
        });
        Ok((search, actor.named_countries()))
    }

    /// Reads of names are audited where they are personal data read through a token.
    async fn note_listed(
        &self,
        actor: &Actor,
        found: &[Versioned<Participant>],
    ) -> Result<(), AppError> {
        if !found.is_empty() {
            let ids: Vec<String> = found.iter().map(|p| p.id.to_string()).collect();
            self.note_personal_read(actor, None, &format!("participants {}", ids.join(", ")))
                .await?;
        }
        Ok(())
    }

    pub async fn attended(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<Vec<PersonAttendance>, AppError> {
        self.participant(actor, id).await?;
        Ok(self.store.attended(id).await?)
    }

    pub async fn check_participant(
        &self,
        fields: &(impl Fields + Sync),
    ) -> Result<PersonRecord, AppError> {
        let lookups = self.lookups().await?;
        fields::person(fields, &lookups).map_err(AppError::Fields)
    }

    pub async fn create_participant(
        &self,
        actor: &Actor,
        fields: &(impl Fields + Sync),
    ) -> Result<Versioned<PersonRecord>, AppError> {
        self.create::<Participants>(actor, fields).await
    }

    pub async fn update_participant(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        fields: &(impl Fields + Sync),
    ) -> Result<Versioned<PersonRecord>, AppError> {
        self.update::<Participants>(actor, id, version, fields)
            .await
    }

    /// Deletes a participant; the trainings they attended are counted again without them.
    pub async fn delete_participant(
        &self,
        actor: &Actor,
        id: i64,
        version: Option<i64>,
        cascade: bool,
    ) -> Result<Dependents, AppError> {
        actor.must(Action::EditRecords)?;
        let trainings = self.store.attended(id).await?;
        let gone = self
            .delete::<Participants>(actor, id, version, cascade)
            .await?;
        for t in trainings {
            self.refresh_training(t.training_id).await?;
        }
        Ok(gone)
    }

    /// The start dates of the trainings the participant attended.
    async fn attended_starts(
        &self,
        id: i64,
    ) -> Result<Vec<Option<cadre_core::PartialDate>>, AppError> {
        Ok(self
            .store
            .attended(id)
            .await?
            .into_iter()
            .map(|t| t.start)
            .collect())
    }

    /// What merging `other` into `kept` would give, for a person to confirm or correct.
    pub async fn merge_preview(
        &self,
        actor: &Actor,
        kept: i64,
        other: i64,
    ) -> Result<MergePreview, AppError> {
        actor.must(Action::Merge)?;
        let kept = self.participant(actor, kept).await?;
        let other = self.participant(actor, other).await?;
        let merged = cadre_core::person::merge(&kept.record.person, &other.record.person);
        Ok(MergePreview {
            kept,
            other,
            merged,
        })
    }

    /// Merges `other` into `kept` (each at the version the preview showed); `kept` becomes what
    /// the fields say.
    pub async fn merge_participants(
        &self,
        actor: &Actor,
        kept: (i64, i64),
        other: (i64, i64),
        fields: &(impl Fields + Sync),
    ) -> Result<Versioned<PersonRecord>, AppError> {
        actor.must(Action::Merge)?;
        let (a, b) = (
            self.participant(actor, kept.0).await?,
            self.participant(actor, other.0).await?,
        );
        let rec = self.check_participant(fields).await?;
        // One person where there were two changes the counts of every training either
        // attended.
        let mut starts = self.attended_starts(kept.0).await?;
        starts.extend(self.attended_starts(other.0).await?);
        self.must_be_open(&starts).await?;
        let at = clock::now();
        let was = format!(
            "[{},{}]",
            json(&fields::person_fields(&a.record.person)),
            json(&fields::person_fields(&b.record.person))
        );
        let after = json(&fields::person_fields(&rec));
        let version = self
            .store
            .merge_persons(kept, other, &rec, actor.stamp(&at).change(&was, &after))
            .await
            .map_err(from_store)?;
        self.wrote();
        self.refresh_person(other.0).await?;
        self.refresh_person(kept.0).await?;
        for t in self.store.attended(kept.0).await? {
            self.refresh_training(t.training_id).await?;
        }
        Ok(Versioned {
            id: kept.0,
            version,
            record: rec,
        })
    }
}

/// A page of the participants' list.
#[derive(Debug, Clone)]
pub struct ParticipantPage {
    pub people: Vec<Versioned<Participant>>,
    /// How many participants the search matches in all.
    pub total: i64,
    /// The page before starts before this id; none on the first.
    pub before: Option<i64>,
    /// The page after starts after this id; none on the last.
    pub after: Option<i64>,
}

/// Two records of one person and the record they would become.
#[derive(Debug, Clone)]
pub struct MergePreview {
    pub kept: Versioned<Participant>,
    pub other: Versioned<Participant>,
    pub merged: PersonRecord,
}
