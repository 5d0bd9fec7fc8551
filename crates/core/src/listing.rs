//! The trainings list as coordinators search it: filters (period, partner, country, modality,
//! theme, status), a text search, a sort and a page, over the trainings a warm report engine
//! holds. Pure: the same query gives the same page whatever front end asks.

use std::cmp::Ordering;

use crate::report::{Period, TrainingFacts};
use crate::text::{fold, search_key};
use crate::{Modality, Status};

/// How the list is sorted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sort {
    /// Newest first (by first day, then code).
    #[default]
    Newest,
    Oldest,
    Title,
    Code,
    /// Most participants first.
    Participants,
    /// Highest value first.
    Value,
}

impl Sort {
    pub const ALL: [Sort; 6] = [
        Sort::Newest,
        Sort::Oldest,
        Sort::Title,
        Sort::Code,
        Sort::Participants,
        Sort::Value,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Newest => "newest",
            Sort::Oldest => "oldest",
            Sort::Title => "title",
            Sort::Code => "code",
            Sort::Participants => "participants",
            Sort::Value => "value",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sort::Newest => "Newest first",
            Sort::Oldest => "Oldest first",
            Sort::Title => "Title",
            Sort::Code => "Code",
            Sort::Participants => "Most participants",
            Sort::Value => "Highest value",
        }
    }

    pub fn parse(s: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// What the list is narrowed to. Every filter left `None` (or blank) keeps every training.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pub period: Option<Period>,
    /// A partner as typed (its name or short name), as partner or funder.
    pub partner: Option<String>,
    /// That partner resolved: it and its programmes, by the names trainings carry (set by the
    /// application layer from `partner` and the partners on record; without it, `partner` is
    /// compared as a canonical name).
    pub partners: Option<crate::access::PartnerScope>,
    /// Alpha-2 code: requested by it, listed as taking part, or in its attendance records.
    pub country: Option<String>,
    /// The trainings (by id) whose attendance shows participants from `country` (set by the
    /// application layer from the records; without it, only the countries a training lists
    /// are compared).
    pub attended: Option<std::collections::HashSet<i64>>,
    pub modality: Option<Modality>,
    /// Compared without case.
    pub theme: Option<String>,
    pub status: Option<Status>,
    /// Words that must all be in the code, title, venue, theme or note (case and accents
    /// aside).
    pub text: Option<String>,
    pub sort: Sort,
    /// Only the trainings of these partners (a partner account's: set by the application
    /// layer from who is asking, never from the request).
    pub scope: Option<crate::access::PartnerScope>,
    /// 1-based.
    pub page: usize,
    pub per_page: usize,
}

/// One page of the list.
#[derive(Debug)]
pub struct Page<'a> {
    pub trainings: Vec<&'a TrainingFacts>,
    /// How many trainings match, on every page.
    pub total: usize,
    pub page: usize,
    pub pages: usize,
}

/// The participants a list shows for a training: its distinct persons from records, else
/// the published total.
pub fn participants(t: &TrainingFacts) -> Option<u64> {
    if !t.participants.is_empty() {
        return Some(t.participants.len() as u64);
    }
    t.record.participants_total.map(u64::from)
}

fn matches(t: &TrainingFacts, q: &Query, words: &[String]) -> bool {
    let r = &t.record;
    if let Some(scope) = &q.scope {
        if !scope.covers(r.partners.iter().chain(&r.funders)) {
            return false;
        }
    }
    if let Some(p) = &q.period {
        if !r.start.is_some_and(|s| p.contains(&s)) {
            return false;
        }
    }
    match (&q.partners, &q.partner) {
        (Some(scope), _) => {
            if !scope.covers(r.partners.iter().chain(&r.funders)) {
                return false;
            }
        }
        (None, Some(partner)) => {
            if !r.partners.iter().chain(&r.funders).any(|n| n == partner) {
                return false;
            }
        }
        (None, None) => {}
    }
    if let Some(c) = &q.country {
        let attended = q.attended.as_ref().is_some_and(|ids| ids.contains(&t.id));
        if r.requested_by.as_deref() != Some(c.as_str()) && !r.countries.contains(c) && !attended {
            return false;
        }
    }
    if q.modality.is_some() && r.modality != q.modality {
        return false;
    }
    if q.status.is_some() && r.status != q.status {
        return false;
    }
    if let Some(theme) = &q.theme {
        if r.theme.as_deref().is_none_or(|t| fold(t) != fold(theme)) {
            return false;
        }
    }
    if !words.is_empty() {
        let mut hay = search_key(&r.code);
        for part in [&Some(r.title.clone()), &r.venue, &r.theme, &r.note]
            .into_iter()
            .flatten()
        {
            hay.push(' ');
            hay.push_str(&search_key(part));
        }
        if !words.iter().all(|w| hay.contains(w.as_str())) {
            return false;
        }
    }
    true
}

fn first_day(t: &TrainingFacts) -> Option<crate::Date> {
    t.record.start.map(|s| s.first_day())
}

fn compare(a: &TrainingFacts, b: &TrainingFacts, sort: Sort) -> Ordering {
    let by_code = || a.record.code.cmp(&b.record.code);
    match sort {
        // A training without a date goes last either way.
        Sort::Newest => match (first_day(a), first_day(b)) {
            (Some(x), Some(y)) => y.cmp(&x).then_with(by_code),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => by_code(),
        },
        Sort::Oldest => match (first_day(a), first_day(b)) {
            (Some(x), Some(y)) => x.cmp(&y).then_with(by_code),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => by_code(),
        },
        Sort::Title => fold(&a.record.title)
            .cmp(&fold(&b.record.title))
            .then_with(by_code),
        Sort::Code => by_code(),
        Sort::Participants => participants(b).cmp(&participants(a)).then_with(by_code),
        Sort::Value => b.record.value.cmp(&a.record.value).then_with(by_code),
    }
}

/// The longest search read, in characters, and the most words of it matched: every word is
/// looked for in every training, so an address of thousands of words would be work for
/// nothing.
pub const MAX_SEARCH: usize = 200;
const MAX_WORDS: usize = 20;

/// A search as it is read: at most [`MAX_SEARCH`] characters.
pub fn search_text(typed: &str) -> &str {
    match typed.char_indices().nth(MAX_SEARCH) {
        Some((end, _)) => &typed[..end],
        None => typed,
    }
}

fn words_of(q: &Query) -> Vec<String> {
    q.text
        .as_deref()
        .map(|t| {
            search_key(search_text(t))
                .split(' ')
                .filter(|w| !w.is_empty())
                .take(MAX_WORDS)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// Every training the query's filters keep, in the order given (its sort and page aside): for
/// a list paged by id, as the API's is.
pub fn filter<'a>(trainings: &'a [TrainingFacts], q: &Query) -> Vec<&'a TrainingFacts> {
    let words = words_of(q);
    trainings.iter().filter(|t| matches(t, q, &words)).collect()
}

/// The page of trainings the query asks for.
pub fn select<'a>(trainings: &'a [TrainingFacts], q: &Query) -> Page<'a> {
    let words = words_of(q);
    let mut hits: Vec<&TrainingFacts> =
        trainings.iter().filter(|t| matches(t, q, &words)).collect();
    let per_page = q.per_page.clamp(1, 500);
    let total = hits.len();
    let pages = total.div_ceil(per_page).max(1);
    let page = q.page.clamp(1, pages);
    let start = (page - 1) * per_page;
    // Only what the page needs is put in order: the whole list is sorted when it is short, and
    // selected around the page when it is long.
    let end = (start + per_page).min(total);
    if start < total {
        if end < total {
            hits.select_nth_unstable_by(end, |a, b| compare(a, b, q.sort));
            hits.truncate(end);
        }
        hits.sort_by(|a, b| compare(a, b, q.sort));
    }
    let trainings = hits.into_iter().skip(start).take(per_page).collect();
    Page {
        trainings,
        total,
        page,
        pages,
    }
}

/// The themes the trainings have, each once, in order (for a filter's choices).
pub fn themes(trainings: &[TrainingFacts]) -> Vec<String> {
    let mut themes: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for t in trainings {
        if let Some(theme) = &t.record.theme {
            if seen.insert(fold(theme)) {
                themes.push(theme.clone());
            }
        }
    }
    themes.sort_by_key(|t| fold(t));
    themes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Money, PartialDate, TrainingRecord};

    fn t(code: &str, title: &str, start: Option<&str>, value: Option<i64>) -> TrainingFacts {
        TrainingFacts {
            record: TrainingRecord {
                code: code.into(),
                title: title.into(),
                start: start.map(|s| PartialDate::parse(s).unwrap()),
                value: value.map(Money::from_cents),
                ..Default::default()
            },
            ..Default::default()
        }
    }

    fn codes(p: &Page) -> Vec<String> {
        p.trainings.iter().map(|t| t.record.code.clone()).collect()
    }

    fn sample() -> Vec<TrainingFacts> {
        let mut list = vec![
            t("A", "Firearms examination", Some("2020-07-16"), Some(500)),
            t("B", "Cyber security for police", Some("2020-03"), None),
            t("C", "Maritime interdiction", Some("2021"), Some(900)),
            t("D", "Undated course", None, Some(100)),
            t("E", "Sécurité des frontières", Some("2020-11-02"), None),
        ];
        list[0].record.partners = vec!["US DoS".into()];
        list[1].record.countries = vec!["JM".into()];
        list[2].record.requested_by = Some("JM".into());
        list[4].record.theme = Some("Border".into());
        list
    }

    fn query() -> Query {
        Query {
            per_page: 2,
            page: 1,
            ..Default::default()
        }
    }

    #[test]
    fn newest_first_with_undated_last_and_pages() {
        let list = sample();
        let p = select(&list, &query());
        assert_eq!(
            (codes(&p), p.total, p.pages),
            (vec!["C".into(), "E".into()], 5, 3)
        );
        let p = select(&list, &Query { page: 3, ..query() });
        assert_eq!(codes(&p), ["D"]);
        // A page beyond the last shows the last.
        let p = select(&list, &Query { page: 9, ..query() });
        assert_eq!((codes(&p), p.page), (vec!["D".into()], 3));
    }

    #[test]
    fn a_search_is_read_to_its_bound() {
        let long = "security ".repeat(1000);
        assert_eq!(search_text(&long).chars().count(), MAX_SEARCH);
        assert_eq!(search_text("Port sécurité"), "Port sécurité");
        let q = Query {
            text: Some(long),
            ..Query::default()
        };
        assert!(words_of(&q).len() <= 20);
    }

    #[test]
    fn filters_and_search_narrow_the_list() {
        let list = sample();
        let all = |q: Query| codes(&select(&list, &Query { per_page: 50, ..q }));
        assert_eq!(
            all(Query {
                period: Some(Period::year(2020)),
                sort: Sort::Oldest,
                ..query()
            }),
            ["B", "A", "E"]
        );
        assert_eq!(
            all(Query {
                country: Some("JM".into()),
                ..query()
            }),
            ["C", "B"]
        );
        assert_eq!(
            all(Query {
                partner: Some("US DoS".into()),
                ..query()
            }),
            ["A"]
        );
        assert_eq!(
            all(Query {
                text: Some("SECURITE  frontieres".into()),
                ..query()
            }),
            ["E"],
            "case and accents aside, every word"
        );
        assert_eq!(
            all(Query {
                theme: Some("border".into()),
                ..query()
            }),
            ["E"]
        );
        assert_eq!(
            all(Query {
                sort: Sort::Value,
                ..query()
            }),
            ["C", "A", "D", "B", "E"]
        );
    }
}
