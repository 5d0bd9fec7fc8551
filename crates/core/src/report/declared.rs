//! The figures declared (published) for a period set beside what the records give, and every
//! difference explained by the rules whose findings cause it: the period's findings about the
//! declared figures themselves are made here (more trainings declared than itemised, persons
//! declared without a gender, a value declared that no training carries), then each differing
//! figure lists the rules that account for a difference in its direction.

use super::model::{Declared, Reconciliation, TrainingTotals};
use crate::money::Money;
use crate::quality::{Finding, Param, Rule};
use crate::records::Figure;

/// The rules that can make the declared figure larger than the recorded one (`more`), or
/// smaller (`less`).
fn causes(figure: Figure) -> (&'static [Rule], &'static [Rule]) {
    use Rule::*;
    match figure {
        Figure::Trainings
        | Figure::PhysicalTrainings
        | Figure::VirtualTrainings
        | Figure::HybridTrainings => (&[DeclaredNotItemised], &[PossibleDuplicate, SameSummary]),
        Figure::PersonsTrained => (
            &[CountUnknown, DeclaredNotItemised, RecordsDifferFromFigure],
            &[
                PersonsFromAggregates,
                RecordsDifferFromFigure,
                PossibleDuplicate,
                SameSummary,
            ],
        ),
        Figure::Male | Figure::Female => (
            &[
                AggregateOnly,
                GenderNotRecorded,
                CountUnknown,
                DeclaredNotItemised,
            ],
            &[PersonsFromAggregates, PossibleDuplicate, SameSummary],
        ),
        Figure::GenderNotRecorded => (
            &[DeclaredGenderNotRecorded, CountUnknown, DeclaredNotItemised],
            &[DeclaredGenderNotRecorded, AggregateOnly, GenderNotRecorded],
        ),
        Figure::CountriesReached => (
            &[CountriesNotNamed, CountUnknown, DeclaredNotItemised],
            &[ParticipantCountryNotListed],
        ),
        Figure::ValueUsd => (
            &[DeclaredValueNotItemised, ValueMissing, DeclaredNotItemised],
            &[ValuePerParticipantOutlier, PossibleDuplicate, SameSummary],
        ),
    }
}

/// How many of the findings count towards a figure's difference: a published figure without
/// a gender split is why the male and female figures fall short, one with a split is not.
fn counted(rule: Rule, figure: Figure, quality: &[Finding]) -> u64 {
    quality
        .iter()
        .filter(|f| f.rule == rule)
        .filter(|f| {
            !(rule == Rule::AggregateOnly
                && matches!(
                    figure,
                    Figure::Male | Figure::Female | Figure::GenderNotRecorded
                )
                && f.flag("gender_split"))
        })
        .count() as u64
}

/// The findings about the declared figures, added to `quality`, and each figure with its
/// explanation.
pub(super) fn explain(
    published: &[Reconciliation],
    totals: &TrainingTotals,
    value_known: u64,
    quality: &mut Vec<Finding>,
) -> Vec<Declared> {
    let declared = |figure: Figure| {
        published
            .iter()
            .find(|p| p.figure == figure)
            .map(|p| p.published)
    };
    if let Some(d) = declared(Figure::Trainings) {
        let itemised = i64::try_from(totals.total).unwrap_or(i64::MAX);
        if d > itemised {
            quality.push(
                Finding::new(Rule::DeclaredNotItemised, None)
                    .count("declared", d.unsigned_abs())
                    .count("itemised", totals.total)
                    .count("not_itemised", (d - itemised).unsigned_abs()),
            );
        }
    }
    if let (Some(persons), Some(male), Some(female)) = (
        declared(Figure::PersonsTrained),
        declared(Figure::Male),
        declared(Figure::Female),
    ) {
        let split = male.saturating_add(female);
        let finding = if split < persons {
            Some(
                Finding::new(Rule::DeclaredGenderNotRecorded, None)
                    .count("not_recorded", (persons - split).unsigned_abs()),
            )
        } else if split > persons {
            Some(
                Finding::new(Rule::DeclaredGenderExceedsTotal, None)
                    .count("excess", (split - persons).unsigned_abs()),
            )
        } else {
            None
        };
        if let Some(f) = finding {
            quality.push(
                f.count("persons", persons.unsigned_abs())
                    .count("male", male.unsigned_abs())
                    .count("female", female.unsigned_abs()),
            );
        }
    }
    if let Some(d) = declared(Figure::ValueUsd) {
        let recorded = published
            .iter()
            .find(|p| p.figure == Figure::ValueUsd)
            .and_then(|p| p.records)
            .unwrap_or(0);
        if d > recorded {
            quality.push(
                Finding::new(Rule::DeclaredValueNotItemised, None)
                    .with("declared", Param::Money(Money::from_cents(d)))
                    .with("recorded", Param::Money(Money::from_cents(recorded)))
                    .count("with_value", value_known),
            );
        }
    }

    let mut lines = Vec::with_capacity(published.len());
    let mut unexplained = Vec::new();
    for p in published {
        let Some(recorded) = p.records else {
            continue;
        };
        let difference = p.published.saturating_sub(recorded);
        let (more, less) = causes(p.figure);
        let candidates = match difference.signum() {
            1 => more,
            -1 => less,
            _ => &[],
        };
        let explained_by: Vec<(Rule, u64)> = candidates
            .iter()
            .map(|&rule| (rule, counted(rule, p.figure, quality)))
            .filter(|&(_, n)| n > 0)
            .collect();
        if difference != 0 && explained_by.is_empty() {
            unexplained.push(p.figure.as_str().to_string());
        }
        lines.push(Declared {
            figure: p.figure,
            declared: p.published,
            recorded,
            difference,
            explained_by,
        });
    }
    if !unexplained.is_empty() {
        quality.push(
            Finding::new(Rule::DeclaredUnexplained, None).with("figures", Param::List(unexplained)),
        );
    }
    lines
}
