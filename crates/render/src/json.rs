//! The JSON contract of docs/report-json.md. Keys are only ever added, never renamed.

use cadre_core::report::Report;
use cadre_core::words::ENGLISH;
use serde_json::{json, Value};

fn money(m: cadre_core::Money) -> String {
    let cents = m.cents();
    format!("{}.{:02}", cents / 100, (cents % 100).abs())
}

pub fn report(r: &Report) -> Value {
    let p = &r.participants;
    json!({
        "format": "cadre.report.v1",
        "period": {
            "from": r.period.from.to_string(),
            "to": r.period.to.to_string(),
            "label": r.period.label(),
        },
        "title": crate::view::title(r),
        "headline": crate::view::headline(r),
        "trainings": {
            "total": r.trainings.total,
            "physical": r.trainings.physical,
            "virtual": r.trainings.virtual_,
            "hybrid": r.trainings.hybrid,
            "modality_not_recorded": r.trainings.modality_unknown,
            "without_participant_count": r.trainings_without_count(),
        },
        "value_usd": money(r.value),
        "value_words": ENGLISH.money(r.value),
        "value_trainings_with_value": r.value_known,
        "participants": {
            "total": p.total,
            "male": p.male,
            "female": p.female,
            "not_recorded": p.not_recorded,
        },
        "persons": { "total": r.persons },
        "countries_reached": r.countries.len(),
        "countries": r.countries.iter().map(|c| json!({
            "code": c.code,
            "name": c.name,
            "participants": c.participants,
            "trainings": c.trainings,
        })).collect::<Vec<_>>(),
        "departments": r.departments.iter().map(|d| json!({
            "name": d.name,
            "participants": d.participants,
            "trainings": d.trainings,
        })).collect::<Vec<_>>(),
        "partners": r.partners.iter().map(|p| json!({
            "short_name": p.short_name,
            "name": p.name,
            "roles": p.roles,
            "trainings": p.trainings,
            "participants": p.participants,
        })).collect::<Vec<_>>(),
        "months": r.months.iter().map(|m| json!({
            "year": m.year,
            "month": m.month,
            "label": m.label,
            "trainings": m.trainings,
            "participants": m.participants,
        })).collect::<Vec<_>>(),
        "trainings_list": r.listing.iter().map(|t| json!({
            "code": t.code,
            "title": t.title,
            "start_date": t.start.map(|d| d.to_string()),
            "end_date": t.end.map(|d| d.to_string()),
            "dates": crate::view::date_range(t.start, t.end),
            "modality": t.modality.map(|m| m.as_str()),
            "venue": t.venue,
            "platform": t.platform,
            "partners": t.partners,
            "funders": t.funders,
            "departments": t.departments,
            "countries": t.countries,
            "countries_reached": t.countries_reached,
            "participants": t.participants.map(|c| c.total),
            "male": t.participants.map(|c| c.male),
            "female": t.participants.map(|c| c.female),
            "not_recorded": t.participants.map(|c| c.not_recorded),
            "participants_source": t.source.as_str(),
            "value_usd": t.value.map(money),
        })).collect::<Vec<_>>(),
        "published": r.published.iter().map(|p| {
            let shown = |v: i64| if p.figure == cadre_core::Figure::ValueUsd {
                json!(money(cadre_core::Money::from_cents(v)))
            } else {
                json!(v)
            };
            json!({
                "figure": p.figure.as_str(),
                "label": p.figure.label(),
                "published": shown(p.published),
                "records": p.records.map(shown),
                "differs": p.differs(),
                "note": p.note,
            })
        }).collect::<Vec<_>>(),
        "quality": r.quality.iter().map(|q| json!({
            "rule": q.rule,
            "training": q.training,
            "message": q.message,
        })).collect::<Vec<_>>(),
    })
}
