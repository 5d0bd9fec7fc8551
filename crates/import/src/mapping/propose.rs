//! Proposing a mapping for a sheet from its headers' words (core's `columns`), for a person
//! to check: every guess noted, every header not recognised left to ignore with a word.

use std::collections::BTreeMap;

use cadre_core::columns::{is_full_name, propose};
use cadre_core::names::{propose_split, NameSplit};
use cadre_core::text::fold;

use super::Mapping;
use crate::Kind;

/// What a proposal found, for a person to check: the mapping, and notes on its guesses.
#[derive(Debug, Clone, Default)]
pub struct Proposal {
    pub mapping: Mapping,
    pub notes: BTreeMap<String, String>,
}

impl Proposal {
    pub fn to_toml(&self) -> String {
        self.mapping.to_toml(&self.notes)
    }
}

/// Proposes how to map a sheet's headers to the kind's columns, from their words. `samples`
/// are the first values of each column, to tell how whole names are written.
pub fn propose_columns(
    kind: Kind,
    headers: &[String],
    samples: &[Vec<String>],
    known: &'static [&'static str],
) -> Proposal {
    let mut p = Proposal::default();
    p.mapping.format = 1;
    p.mapping.kind = Some(kind.as_str().to_string());
    let mut taken: Vec<&str> = Vec::new();
    for (i, header) in headers.iter().enumerate() {
        if header.trim().is_empty() {
            continue;
        }
        let exact = known
            .iter()
            .copied()
            .find(|k| *k == fold(header).replace(' ', "_"));
        let proposed = exact.or_else(|| propose(header, known));
        match proposed {
            Some(column) if !taken.contains(&column) => {
                taken.push(column);
                p.mapping.columns.insert(header.clone(), column.to_string());
            }
            Some(column) => {
                p.notes.insert(
                    format!("columns.{header}"),
                    format!("also looks like {column}, which another header has: check"),
                );
                p.mapping
                    .columns
                    .insert(header.clone(), "ignore".to_string());
            }
            None if is_full_name(header)
                && known.contains(&"given_name")
                && !taken.contains(&"given_name") =>
            {
                let column: Vec<&str> = samples
                    .iter()
                    .filter_map(|row| row.get(i).map(String::as_str))
                    .collect();
                let rule = propose_split(&column).unwrap_or(NameSplit::GivenFamily);
                taken.extend(["given_name", "family_name"]);
                p.mapping
                    .split
                    .insert(header.clone(), rule.as_str().to_string());
            }
            None => {
                p.notes.insert(
                    format!("columns.{header}"),
                    "no cadre column recognised: ignored unless you name one".to_string(),
                );
                p.mapping
                    .columns
                    .insert(header.clone(), "ignore".to_string());
            }
        }
    }
    p
}
