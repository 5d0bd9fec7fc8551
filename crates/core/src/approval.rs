//! Approval of a period's figures, and the lock it puts on them: a coordinator submits a
//! period, an admin approves it; from then on the trainings of the period (those its report
//! counts: starting in it) cannot be created, changed, imported into or deleted, until an
//! admin reopens it with a reason. What was approved is kept, and a report made after a
//! reopening says what changed since. All pure: the store keeps the approvals, the
//! application layer asks these rules before every write.

use crate::date::PartialDate;
use crate::report::{Period, Report};

/// Where a period stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Submitted by a coordinator, waiting for an admin.
    Submitted,
    /// Approved: its trainings are locked.
    Approved,
    /// Approved once, then reopened by an admin: open to corrections, which the report shows
    /// against what was approved.
    Reopened,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Submitted => "submitted",
            Status::Approved => "approved",
            Status::Reopened => "reopened",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        [Status::Submitted, Status::Approved, Status::Reopened]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

/// One period's approval as kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    pub id: i64,
    pub period: Period,
    pub status: Status,
    pub submitted_by: String,
    pub submitted_at: String,
    pub approved_by: Option<String>,
    pub approved_at: Option<String>,
    pub reopened_by: Option<String>,
    pub reopened_at: Option<String>,
    /// Why it was reopened.
    pub reason: String,
    /// The headline figures as approved (see [`figures`]), by key.
    pub approved_figures: Vec<(String, i64)>,
}

impl Approval {
    /// The day (UTC) it was approved, from its RFC 3339 time.
    pub fn approved_on(&self) -> &str {
        self.approved_at
            .as_deref()
            .map_or("", |t| t.get(..10).unwrap_or(t))
    }
}

/// What may be done next to a period, given what is kept of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Submit,
    Approve,
    Reopen,
}

/// Whether the step may be taken now; the refusal in words.
pub fn check(step: Step, kept: Option<&Approval>) -> Result<(), String> {
    let status = kept.map(|a| a.status);
    match (step, status) {
        (Step::Submit, None | Some(Status::Reopened)) => Ok(()),
        (Step::Submit, Some(Status::Submitted)) => {
            Err("the period is already submitted, waiting for an admin's approval".into())
        }
        (Step::Submit | Step::Approve, Some(Status::Approved)) => Err(format!(
            "the period is already approved (on {} by {})",
            kept.map_or("", Approval::approved_on),
            kept.and_then(|a| a.approved_by.as_deref()).unwrap_or("")
        )),
        (Step::Approve, Some(Status::Submitted)) => Ok(()),
        (Step::Approve, None | Some(Status::Reopened)) => {
            Err("a coordinator submits the period first; an admin then approves it".into())
        }
        (Step::Reopen, Some(Status::Approved)) => Ok(()),
        (Step::Reopen, _) => Err("only an approved period can be reopened".into()),
    }
}

/// The approved period that holds a training starting on `start`, if any: such a training is
/// locked. (A training with no start date is in no period's report, and in no lock.)
pub fn lock_on(approvals: &[Approval], start: Option<PartialDate>) -> Option<&Approval> {
    let start = start?;
    approvals
        .iter()
        .find(|a| a.status == Status::Approved && a.period.contains(&start))
}

/// Why a write is refused: which period, approved on which day and by whom, and what to do.
pub fn locked_message(a: &Approval) -> String {
    format!(
        "the period {} was approved on {} by {}: its trainings cannot be changed until an admin reopens it",
        a.period.label(),
        a.approved_on(),
        a.approved_by.as_deref().unwrap_or("an admin")
    )
}

/// The headline figures of a report that an approval keeps, by stable key (money in cents).
pub fn figures(r: &Report) -> Vec<(&'static str, i64)> {
    let n = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    vec![
        ("trainings", n(r.trainings.total)),
        ("participants", n(r.participants.total)),
        ("male", n(r.participants.male)),
        ("female", n(r.participants.female)),
        ("gender_not_recorded", n(r.participants.not_recorded)),
        ("persons", n(r.persons)),
        ("countries_reached", r.countries.len() as i64),
        ("value_cents", r.value.cents()),
        ("trainings_without_count", n(r.trainings_without_count())),
    ]
}

/// The figures as the store keeps them: `key=value` joined by `;`.
pub fn write_figures(figures: &[(&'static str, i64)]) -> String {
    figures
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(";")
}

/// The figures from what the store keeps; a part that does not read is passed over.
pub fn read_figures(kept: &str) -> Vec<(String, i64)> {
    kept.split(';')
        .filter_map(|part| {
            let (k, v) = part.split_once('=')?;
            Some((k.trim().to_string(), v.trim().parse().ok()?))
        })
        .collect()
}

/// A headline figure that is not what was approved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub figure: String,
    pub approved: i64,
    pub now: i64,
}

/// An edit made after the approval to a training of the period, as the audit trail keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditSince {
    /// RFC 3339, UTC.
    pub at: String,
    /// `created`, `updated`, `deleted`, `imported`, ...
    pub action: String,
    /// `training`, `session`, `import`, ...
    pub kind: String,
    /// What it was done to, as the trail says it (a training's code, a file).
    pub detail: String,
}

/// The approval as a report of the same period shows it: when, and what changed since.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SinceApproval {
    pub status: Status,
    /// The day it was approved.
    pub approved_on: String,
    /// The day it was reopened, and why.
    pub reopened_on: Option<String>,
    pub reason: String,
    pub changes: Vec<Change>,
    pub edits: Vec<EditSince>,
}

/// The figures that differ between what was approved and `now`, in the order `now` lists them.
pub fn changes(approved: &[(String, i64)], now: &[(&'static str, i64)]) -> Vec<Change> {
    now.iter()
        .filter_map(|(figure, value)| {
            let was = approved
                .iter()
                .find(|(f, _)| f == figure)
                .map(|(_, v)| *v)?;
            (was != *value).then(|| Change {
                figure: figure.to_string(),
                approved: was,
                now: *value,
            })
        })
        .collect()
}

/// The day of an RFC 3339 time.
pub fn day_of(at: &str) -> String {
    at.get(..10).unwrap_or(at).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::Date;

    fn approval(status: Status, from: &str, to: &str) -> Approval {
        Approval {
            id: 1,
            period: Period::new(Date::parse(from).unwrap(), Date::parse(to).unwrap()).unwrap(),
            status,
            submitted_by: "coordinator@agency.example".into(),
            submitted_at: "2021-01-10T09:00:00Z".into(),
            approved_by: Some("director@agency.example".into()),
            approved_at: Some("2021-01-12T15:30:00Z".into()),
            reopened_by: None,
            reopened_at: None,
            reason: String::new(),
            approved_figures: Vec::new(),
        }
    }

    #[test]
    fn the_steps_go_submit_approve_reopen_and_submit_again() {
        assert_eq!(check(Step::Submit, None), Ok(()));
        assert!(check(Step::Approve, None).is_err(), "submitted first");
        assert!(check(Step::Reopen, None).is_err());
        let submitted = approval(Status::Submitted, "2020-01-01", "2020-12-31");
        assert!(check(Step::Submit, Some(&submitted)).is_err());
        assert_eq!(check(Step::Approve, Some(&submitted)), Ok(()));
        assert!(check(Step::Reopen, Some(&submitted)).is_err());
        let approved = approval(Status::Approved, "2020-01-01", "2020-12-31");
        let refused = check(Step::Approve, Some(&approved)).unwrap_err();
        assert_eq!(
            refused,
            "the period is already approved (on 2021-01-12 by director@agency.example)"
        );
        assert_eq!(check(Step::Reopen, Some(&approved)), Ok(()));
        let reopened = approval(Status::Reopened, "2020-01-01", "2020-12-31");
        assert_eq!(check(Step::Submit, Some(&reopened)), Ok(()));
        assert!(check(Step::Approve, Some(&reopened)).is_err());
    }

    #[test]
    fn a_training_is_locked_when_an_approved_period_counts_it() {
        let d = |s: &str| Some(PartialDate::parse(s).unwrap());
        let kept = [
            approval(Status::Approved, "2020-01-01", "2020-09-30"),
            approval(Status::Submitted, "2021-01-01", "2021-12-31"),
        ];
        assert!(lock_on(&kept, d("2020-09-30")).is_some(), "its last day");
        assert!(lock_on(&kept, d("2020-01-01")).is_some());
        assert!(
            lock_on(&kept, d("2020")).is_some(),
            "a year counted from 1 January"
        );
        assert!(lock_on(&kept, d("2020-10-01")).is_none());
        assert!(
            lock_on(&kept, d("2021-03-01")).is_none(),
            "only submitted: not locked"
        );
        assert!(lock_on(&kept, None).is_none());
        assert_eq!(
            locked_message(&kept[0]),
            "the period January – September 2020 was approved on 2021-01-12 by director@agency.example: its trainings cannot be changed until an admin reopens it"
        );
    }

    #[test]
    fn figures_are_kept_as_text_and_read_back() {
        let kept = write_figures(&[("trainings", 14), ("value_cents", -5)]);
        assert_eq!(kept, "trainings=14;value_cents=-5");
        assert_eq!(
            read_figures(&kept),
            [
                ("trainings".to_string(), 14),
                ("value_cents".to_string(), -5)
            ]
        );
        assert_eq!(read_figures(""), []);
        assert_eq!(
            read_figures("x;persons=;trainings=2"),
            [("trainings".to_string(), 2)]
        );
    }

    #[test]
    fn changes_are_the_figures_that_moved() {
        let approved = vec![("trainings".to_string(), 14), ("persons".to_string(), 1612)];
        let now = [("trainings", 14), ("persons", 1650), ("male", 3)];
        assert_eq!(
            changes(&approved, &now),
            [Change {
                figure: "persons".into(),
                approved: 1612,
                now: 1650
            }],
            "a figure not kept at approval is not compared"
        );
    }
}
