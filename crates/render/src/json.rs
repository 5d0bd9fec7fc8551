//! The JSON contract of docs/report-json.md. Keys are only ever added, never renamed.
//!
//! The document is written straight from typed structs rather than built as a tree of values
//! first: at ten years of trainings that tree cost a tenth of the whole report. Each struct's
//! fields are declared in the alphabetical order the keys have always been written in (a
//! JSON object's keys sorted, as `serde_json::Value` sorts them), so the bytes are unchanged.

use cadre_core::report::{Report, TrainingLine};
use cadre_core::words::ENGLISH;
use serde::Serialize;

fn money(m: cadre_core::Money) -> String {
    let cents = m.cents();
    let sign = if cents < 0 { "-" } else { "" };
    format!(
        "{sign}{}.{:02}",
        (cents / 100).unsigned_abs(),
        (cents % 100).unsigned_abs()
    )
}

#[derive(Serialize)]
pub struct ReportJson<'a> {
    /// Null unless the period was approved.
    approval: Option<ApprovalJson<'a>>,
    countries: Vec<Country<'a>>,
    /// Participants of trainings known by their figures alone that name several countries.
    countries_not_split: u64,
    countries_reached: usize,
    declared: Vec<DeclaredJson>,
    departments: Vec<Department<'a>>,
    departments_not_split: u64,
    format: &'static str,
    headline: String,
    months: Vec<Month<'a>>,
    participants: Participants,
    partners: Vec<Partner<'a>>,
    period: PeriodJson,
    persons: Persons,
    published: Vec<Published>,
    quality: Vec<Quality<'a>>,
    title: String,
    trainings: Trainings,
    trainings_list: Vec<Training<'a>>,
    value_trainings_with_value: u64,
    /// Null where no training of the period has a recorded value (not 0: it is not known).
    value_usd: Option<String>,
    /// The value in words; null with `value_usd`.
    value_words: Option<String>,
}

#[derive(Serialize)]
struct PeriodJson {
    from: String,
    label: String,
    to: String,
}

#[derive(Serialize)]
struct Trainings {
    hybrid: u64,
    modality_not_recorded: u64,
    physical: u64,
    total: u64,
    #[serde(rename = "virtual")]
    virtual_: u64,
    without_participant_count: u64,
}

#[derive(Serialize)]
struct Participants {
    /// Null where no gender is recorded for the period's participants.
    female: Option<u64>,
    male: Option<u64>,
    not_recorded: u64,
    total: u64,
}

#[derive(Serialize)]
struct Persons {
    from_aggregates: u64,
    from_records: u64,
    total: u64,
}

#[derive(Serialize)]
struct Country<'a> {
    code: &'a str,
    name: &'a str,
    participants: u64,
    /// Participants of trainings known by their figures alone that name this country only.
    participants_from_figures: u64,
    trainings: u64,
}

#[derive(Serialize)]
struct Department<'a> {
    name: &'a str,
    participants: u64,
    participants_from_figures: u64,
    trainings: u64,
}

#[derive(Serialize)]
struct Partner<'a> {
    name: &'a str,
    /// Null when none of its trainings has a known count.
    participants: Option<u64>,
    roles: &'a [&'static str],
    short_name: &'a str,
    trainings: u64,
}

#[derive(Serialize)]
struct Month<'a> {
    label: &'a str,
    month: Option<u8>,
    participants: u64,
    trainings: u64,
    year: i32,
}

#[derive(Serialize)]
struct Training<'a> {
    code: &'a str,
    countries: &'a [String],
    countries_reached: Option<u32>,
    dates: String,
    departments: &'a [String],
    end_date: Option<String>,
    female: Option<u64>,
    funders: &'a [String],
    male: Option<u64>,
    modality: Option<&'static str>,
    not_recorded: Option<u64>,
    participants: Option<u64>,
    participants_source: &'static str,
    partners: &'a [String],
    platform: Option<&'a str>,
    start_date: Option<String>,
    summary: Option<&'a str>,
    title: &'a str,
    value_usd: Option<String>,
    venue: Option<&'a str>,
}

/// A published figure as written: money as a string of dollars and cents, counts as numbers.
#[derive(Serialize)]
#[serde(untagged)]
enum Shown {
    Money(String),
    Count(i64),
}

#[derive(Serialize)]
struct Published {
    differs: bool,
    figure: &'static str,
    label: &'static str,
    note: Option<String>,
    published: Shown,
    records: Option<Shown>,
}

#[derive(Serialize)]
struct Quality<'a> {
    message: String,
    /// The rule's parameters by name (sorted, as every object here).
    parameters: std::collections::BTreeMap<&'static str, Param<'a>>,
    rule: &'static str,
    severity: &'static str,
    training: Option<&'a str>,
}

/// A finding's parameter: counts and ratios as numbers, money as a string of dollars and
/// cents, dates as written, lists as arrays.
#[derive(Serialize)]
#[serde(untagged)]
enum Param<'a> {
    Count(u64),
    Ratio(f64),
    Text(String),
    List(&'a [String]),
    Flag(bool),
}

fn param(p: &cadre_core::quality::Param) -> Param<'_> {
    use cadre_core::quality::Param as P;
    match p {
        P::Count(n) => Param::Count(*n),
        // Tenths: exactly representable to one decimal, which is all it claims.
        P::Tenths(n) => Param::Ratio(*n as f64 / 10.0),
        P::Money(m) => Param::Text(money(*m)),
        P::Date(d) => Param::Text(d.to_string()),
        P::Text(t) => Param::Text(t.clone()),
        P::List(l) => Param::List(l),
        P::Flag(b) => Param::Flag(*b),
    }
}

#[derive(Serialize)]
struct ApprovalJson<'a> {
    approved_on: &'a str,
    changed_since_approval: Vec<ChangeJson<'a>>,
    edits_since_approval: Vec<EditJson<'a>>,
    reason: &'a str,
    reopened_on: Option<&'a str>,
    status: &'static str,
}

/// A headline figure that moved since approval: the value in cents as a money string.
#[derive(Serialize)]
struct ChangeJson<'a> {
    approved: Shown,
    figure: &'a str,
    now: Shown,
}

#[derive(Serialize)]
struct EditJson<'a> {
    action: &'a str,
    at: &'a str,
    detail: &'a str,
    kind: &'a str,
}

#[derive(Serialize)]
struct DeclaredJson {
    declared: Shown,
    difference: Shown,
    explained_by: Vec<Explanation>,
    /// The whole explanation as a sentence.
    explanation: String,
    figure: &'static str,
    label: &'static str,
    recorded: Shown,
}

#[derive(Serialize)]
struct Explanation {
    findings: u64,
    message: String,
    rule: &'static str,
}

fn training(t: &TrainingLine) -> Training<'_> {
    Training {
        code: &t.code,
        countries: &t.countries,
        countries_reached: t.countries_reached,
        dates: crate::view::date_range(t.start, t.end),
        departments: &t.departments,
        end_date: t.end.map(|d| d.to_string()),
        female: t.participants.map(|c| c.female),
        funders: &t.funders,
        male: t.participants.map(|c| c.male),
        modality: t.modality.map(|m| m.as_str()),
        not_recorded: t.participants.map(|c| c.not_recorded),
        participants: t.participants.map(|c| c.total),
        participants_source: t.source.as_str(),
        partners: &t.partners,
        platform: t.platform.as_deref(),
        start_date: t.start.map(|d| d.to_string()),
        summary: t.summary.as_deref(),
        title: &t.title,
        value_usd: t.value.map(money),
        venue: t.venue.as_deref(),
    }
}

pub fn report(r: &Report) -> ReportJson<'_> {
    let p = &r.participants;
    ReportJson {
        approval: r.approval.as_ref().map(|a| ApprovalJson {
            approved_on: &a.approved_on,
            changed_since_approval: a
                .changes
                .iter()
                .map(|c| {
                    let shown = |v: i64| {
                        if c.figure == "value_cents" {
                            Shown::Money(money(cadre_core::Money::from_cents(v)))
                        } else {
                            Shown::Count(v)
                        }
                    };
                    ChangeJson {
                        approved: shown(c.approved),
                        figure: if c.figure == "value_cents" {
                            "value_usd"
                        } else {
                            &c.figure
                        },
                        now: shown(c.now),
                    }
                })
                .collect(),
            edits_since_approval: a
                .edits
                .iter()
                .map(|e| EditJson {
                    action: &e.action,
                    at: &e.at,
                    detail: &e.detail,
                    kind: &e.kind,
                })
                .collect(),
            reason: &a.reason,
            reopened_on: a.reopened_on.as_deref(),
            status: a.status.as_str(),
        }),
        countries: r
            .countries
            .iter()
            .map(|c| Country {
                code: &c.code,
                name: &c.name,
                participants: c.participants,
                participants_from_figures: c.from_figures,
                trainings: c.trainings,
            })
            .collect(),
        countries_not_split: r.countries_not_split,
        countries_reached: r.countries.len(),
        declared: r
            .declared
            .iter()
            .map(|d| {
                let shown = |v: i64| {
                    if d.figure == cadre_core::Figure::ValueUsd {
                        Shown::Money(money(cadre_core::Money::from_cents(v)))
                    } else {
                        Shown::Count(v)
                    }
                };
                DeclaredJson {
                    declared: shown(d.declared),
                    difference: shown(d.difference),
                    explained_by: d
                        .explained_by
                        .iter()
                        .map(|&(rule, n)| Explanation {
                            findings: n,
                            message: crate::quality::explanation(rule, n, d.figure, &r.quality),
                            rule: rule.code(),
                        })
                        .collect(),
                    explanation: crate::quality::explained(d, &r.quality),
                    figure: d.figure.as_str(),
                    label: d.figure.label(),
                    recorded: shown(d.recorded),
                }
            })
            .collect(),
        departments: r
            .departments
            .iter()
            .map(|d| Department {
                name: &d.name,
                participants: d.participants,
                participants_from_figures: d.from_figures,
                trainings: d.trainings,
            })
            .collect(),
        departments_not_split: r.departments_not_split,
        format: "cadre.report.v1",
        headline: crate::view::headline(r),
        months: r
            .months
            .iter()
            .map(|m| Month {
                label: &m.label,
                month: m.month,
                participants: m.participants,
                trainings: m.trainings,
                year: m.year,
            })
            .collect(),
        participants: Participants {
            female: (p.male + p.female > 0).then_some(p.female),
            male: (p.male + p.female > 0).then_some(p.male),
            not_recorded: p.not_recorded,
            total: p.total,
        },
        partners: r
            .partners
            .iter()
            .map(|p| Partner {
                name: &p.name,
                participants: (p.counted > 0).then_some(p.participants),
                roles: &p.roles,
                short_name: &p.short_name,
                trainings: p.trainings,
            })
            .collect(),
        period: PeriodJson {
            from: r.period.from.to_string(),
            label: r.period.label(),
            to: r.period.to.to_string(),
        },
        persons: Persons {
            from_aggregates: r.persons_from_aggregates,
            from_records: r.persons_from_records,
            total: r.persons,
        },
        published: r
            .published
            .iter()
            .map(|p| {
                let shown = |v: i64| {
                    if p.figure == cadre_core::Figure::ValueUsd {
                        Shown::Money(money(cadre_core::Money::from_cents(v)))
                    } else {
                        Shown::Count(v)
                    }
                };
                Published {
                    differs: p.differs(),
                    figure: p.figure.as_str(),
                    label: p.figure.label(),
                    note: p.note.clone(),
                    published: shown(p.published),
                    records: p.records.map(shown),
                }
            })
            .collect(),
        quality: r
            .quality
            .iter()
            .map(|q| Quality {
                message: crate::quality::message(q),
                parameters: q.params.iter().map(|(n, v)| (*n, param(v))).collect(),
                rule: q.rule.code(),
                severity: q.severity.as_str(),
                training: q.training.as_deref(),
            })
            .collect(),
        title: crate::view::title(r),
        trainings: Trainings {
            hybrid: r.trainings.hybrid,
            modality_not_recorded: r.trainings.modality_unknown,
            physical: r.trainings.physical,
            total: r.trainings.total,
            virtual_: r.trainings.virtual_,
            without_participant_count: r.trainings_without_count(),
        },
        trainings_list: r.listing.iter().map(training).collect(),
        value_trainings_with_value: r.value_known,
        value_usd: (r.value_known > 0).then(|| money(r.value)),
        value_words: (r.value_known > 0).then(|| ENGLISH.money(r.value)),
    }
}
