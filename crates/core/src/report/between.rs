//! The quality rules that compare the trainings of a period with one another: the same title
//! on overlapping dates, the same summary paragraph twice, and a value per participant far from
//! the period's median. Each finding points to the later training (in listing order) and names
//! the earlier one.

use std::collections::HashMap;

use super::count::Prepared;
use super::model::TrainingFacts;
use crate::quality::text::words_key;
use crate::quality::{Finding, Param, Rule};

/// How far from the period's median a value per participant must be, as a factor either way,
/// to be pointed out: a training costing four times (or a quarter of) what a participant
/// usually costs has a value or a count worth checking.
pub const OUTLIER_FACTOR: u64 = 4;

/// Fewer trainings with a value and a count than this, and the median says too little.
pub const OUTLIER_MIN_TRAININGS: usize = 5;

/// The findings between the trainings `items` (in listing order).
pub(super) fn findings(items: &[(&TrainingFacts, &Prepared)]) -> Vec<Finding> {
    let mut out = Vec::new();
    same_title_overlapping(items, &mut out);
    same_summary(items, &mut out);
    value_outliers(items, &mut out);
    out
}

/// The days a training spans, as far as its dates are known.
fn span(t: &TrainingFacts) -> Option<(crate::Date, crate::Date)> {
    let start = t.record.start?;
    let end = t.record.end.unwrap_or(start);
    Some((start.first_day(), end.last_day().max(start.first_day())))
}

fn same_title_overlapping(items: &[(&TrainingFacts, &Prepared)], out: &mut Vec<Finding>) {
    let mut by_title: HashMap<String, Vec<&TrainingFacts>> = HashMap::new();
    for (t, _) in items {
        let earlier = by_title.entry(words_key(&t.record.title)).or_default();
        let overlapping = span(t).and_then(|(a, b)| {
            earlier
                .iter()
                .find(|e| span(e).is_some_and(|(c, d)| a <= d && c <= b))
        });
        if let Some(first) = overlapping {
            out.push(
                Finding::new(Rule::PossibleDuplicate, Some(&t.record.code))
                    .with("other", Param::Text(first.record.code.clone())),
            );
        }
        earlier.push(t);
    }
}

fn same_summary(items: &[(&TrainingFacts, &Prepared)], out: &mut Vec<Finding>) {
    let mut first_with: HashMap<String, &str> = HashMap::new();
    for (t, _) in items {
        let Some(summary) = t.record.summary.as_deref() else {
            continue;
        };
        let key = words_key(summary);
        if key.is_empty() {
            continue;
        }
        match first_with.get(&key) {
            Some(first) => out.push(
                Finding::new(Rule::SameSummary, Some(&t.record.code))
                    .with("other", Param::Text(first.to_string())),
            ),
            None => {
                first_with.insert(key, &t.record.code);
            }
        }
    }
}

/// Cents per participant, rounded down: exact integers, as money is everywhere.
fn per_participant(t: &TrainingFacts, p: &Prepared) -> Option<i64> {
    let value = t.record.value?.cents();
    let n = p.counts.map(|c| c.total).filter(|&n| n > 0)?;
    Some(value / i64::try_from(n).ok()?)
}

fn value_outliers(items: &[(&TrainingFacts, &Prepared)], out: &mut Vec<Finding>) {
    let each: Vec<(&TrainingFacts, i64)> = items
        .iter()
        .filter_map(|(t, p)| per_participant(t, p).map(|v| (*t, v)))
        .collect();
    if each.len() < OUTLIER_MIN_TRAININGS {
        return;
    }
    let mut values: Vec<i64> = each.iter().map(|(_, v)| *v).collect();
    values.sort_unstable();
    let mid = values.len() / 2;
    let median = if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2
    };
    if median <= 0 {
        return;
    }
    let factor = OUTLIER_FACTOR as i64;
    for (t, v) in each {
        let (far, above) = if v >= median * factor {
            (true, true)
        } else if v * factor <= median {
            (true, false)
        } else {
            (false, false)
        };
        if !far {
            continue;
        }
        // How many times the median (above) or what fraction of it (below), in tenths.
        let tenths = if above {
            v * 10 / median
        } else {
            median * 10 / v.max(1)
        };
        out.push(
            Finding::new(Rule::ValuePerParticipantOutlier, Some(&t.record.code))
                .with("per_participant", Param::Money(crate::Money::from_cents(v)))
                .with("median", Param::Money(crate::Money::from_cents(median)))
                .with("times", Param::Tenths(tenths.unsigned_abs()))
                .with("above", Param::Flag(above)),
        );
    }
}
