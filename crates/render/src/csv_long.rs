//! CSV in long form: one row per figure, `section,key,label,participants,trainings,value_usd`,
//! for spreadsheets and statistics tools.

use cadre_core::report::Report;

use crate::RenderError;

pub fn render(r: &Report) -> Result<Vec<u8>, RenderError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "section",
        "key",
        "label",
        "participants",
        "trainings",
        "value_usd",
    ])?;
    let n = |v: u64| v.to_string();
    let money = |m: cadre_core::Money| format!("{}.{:02}", m.cents() / 100, m.cents() % 100);
    let p = &r.participants;
    let t = &r.trainings;
    for (key, label, trainings) in [
        ("total", "Trainings", t.total),
        ("physical", "Physical", t.physical),
        ("virtual", "Virtual", t.virtual_),
        ("hybrid", "Hybrid", t.hybrid),
        (
            "modality_not_recorded",
            "Mode of delivery not recorded",
            t.modality_unknown,
        ),
        (
            "without_participant_count",
            "Without a participant count",
            r.trainings_without_count(),
        ),
    ] {
        w.write_record(["trainings", key, label, "", &n(trainings), ""])?;
    }
    w.write_record([
        "value",
        "total",
        "Estimated value",
        "",
        &n(r.value_known),
        &money(r.value),
    ])?;
    for (key, label, v) in [
        ("total", "Participants", p.total),
        ("male", "Male", p.male),
        ("female", "Female", p.female),
        ("not_recorded", "Gender not recorded", p.not_recorded),
    ] {
        w.write_record(["participants", key, label, &n(v), "", ""])?;
    }
    w.write_record([
        "persons",
        "total",
        "Individual persons",
        &n(r.persons),
        "",
        "",
    ])?;
    for c in &r.countries {
        w.write_record([
            "country",
            &c.code,
            &c.name,
            &n(c.participants),
            &n(c.trainings),
            "",
        ])?;
    }
    for d in &r.departments {
        w.write_record([
            "department",
            &d.name,
            &d.name,
            &n(d.participants),
            &n(d.trainings),
            "",
        ])?;
    }
    for pa in &r.partners {
        w.write_record([
            "partner",
            &pa.short_name,
            &pa.name,
            &n(pa.participants),
            &n(pa.trainings),
            "",
        ])?;
    }
    for m in &r.months {
        let key = match m.month {
            Some(month) => format!("{}-{month:02}", m.year),
            None => m.year.to_string(),
        };
        w.write_record([
            "month",
            &key,
            &m.label,
            &n(m.participants),
            &n(m.trainings),
            "",
        ])?;
    }
    for tr in &r.listing {
        w.write_record([
            "training",
            &tr.code,
            &tr.title,
            &tr.participants.map(|c| n(c.total)).unwrap_or_default(),
            "1",
            &tr.value.map(money).unwrap_or_default(),
        ])?;
    }
    for pf in &r.published {
        let (participants, trainings, value) = match pf.figure {
            cadre_core::Figure::ValueUsd => (
                String::new(),
                String::new(),
                money(cadre_core::Money::from_cents(pf.published)),
            ),
            cadre_core::Figure::Trainings
            | cadre_core::Figure::PhysicalTrainings
            | cadre_core::Figure::VirtualTrainings
            | cadre_core::Figure::HybridTrainings
            | cadre_core::Figure::CountriesReached => {
                (String::new(), pf.published.to_string(), String::new())
            }
            _ => (pf.published.to_string(), String::new(), String::new()),
        };
        w.write_record([
            "published",
            pf.figure.as_str(),
            pf.figure.label(),
            &participants,
            &trainings,
            &value,
        ])?;
    }
    w.flush().map_err(csv::Error::from)?;
    w.into_inner()
        .map_err(|e| RenderError::Csv(csv::Error::from(e.into_error())))
}
