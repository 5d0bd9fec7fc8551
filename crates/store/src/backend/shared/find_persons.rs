//! Finding persons: the participants' list (a page from a cursor either way, with a search
//! and a focal point's countries), how many a search matches, and names by id.

use super::edit_persons::{participant, SELECT};
use super::Db;
use crate::types::{Participant, PersonCursor, Versioned};
use crate::Result;

/// Persons by id after `after`, at most `limit`; with `search`, only those whose name or e-mail
/// holds it. The name key and e-mail key are folded, and so is the search, so the match is the
/// same on both databases (neither's case rules are used).
pub(crate) async fn persons(
    pool: &sqlx::Pool<Db>,
    search: Option<&str>,
    countries: Option<&[String]>,
    after: i64,
    limit: i64,
) -> Result<Vec<Versioned<Participant>>> {
    persons_from(pool, search, countries, PersonCursor::After(after), limit).await
}

/// The `WHERE` of a persons' search (after the cursor's own condition, numbered from `$2`)
/// with the values it binds, or `None` where no one can match.
fn matching(search: Option<&str>, countries: Option<&[String]>) -> Option<(String, Vec<String>)> {
    let mut sql = String::new();
    let mut binds = Vec::new();
    if let Some(s) = search {
        let folded = cadre_core::text::fold(s);
        let escaped: String = folded
            .chars()
            .flat_map(|c| match c {
                '%' | '_' | '\\' => vec!['\\', c],
                c => vec![c],
            })
            .collect();
        let pattern = format!("%{escaped}%");
        // The name key is "given|family|country"; a search for "ann lee" matches the name as
        // written "ann|lee", so spaces match the separator too.
        sql.push_str(
            " AND (p.name_key LIKE $2 ESCAPE '\\' OR p.name_key LIKE $3 ESCAPE '\\'
              OR p.email_key LIKE $2 ESCAPE '\\')",
        );
        binds.push(pattern.clone());
        binds.push(pattern.replace(' ', "_"));
    }
    if let Some(codes) = countries {
        // No country at all keeps no one (an empty IN list is not valid SQL).
        if codes.is_empty() {
            return None;
        }
        let marks: Vec<String> = (0..codes.len())
            .map(|i| format!("${}", binds.len() + 2 + i))
            .collect();
        sql.push_str(&format!(" AND p.country_code IN ({})", marks.join(", ")));
        binds.extend(codes.iter().cloned());
    }
    Some((sql, binds))
}

/// A page of persons from a cursor, in the order of their ids.
pub(crate) async fn persons_from(
    pool: &sqlx::Pool<Db>,
    search: Option<&str>,
    countries: Option<&[String]>,
    cursor: PersonCursor,
    limit: i64,
) -> Result<Vec<Versioned<Participant>>> {
    let Some((filter, binds)) = matching(search, countries) else {
        return Ok(Vec::new());
    };
    let (from, order, at) = match cursor {
        PersonCursor::After(id) => ("p.id > $1", "p.id", id),
        PersonCursor::Before(id) => ("p.id < $1", "p.id DESC", id),
    };
    let sql = format!(
        "{SELECT} WHERE {from}{filter} ORDER BY {order} LIMIT ${}",
        binds.len() + 2
    );
    let mut q = sqlx::query(&sql).bind(at);
    for b in &binds {
        q = q.bind(b.clone());
    }
    let rows = q.bind(limit).fetch_all(pool).await?;
    let mut found: Vec<_> = rows.iter().map(participant).collect();
    if matches!(cursor, PersonCursor::Before(_)) {
        found.reverse();
    }
    Ok(found)
}

/// The names of these persons, as (id, given name, family name), in batches of a bounded size
/// (a query's parameters are limited), missing ids left out.
pub(crate) async fn names(
    pool: &sqlx::Pool<Db>,
    ids: &[i64],
) -> Result<Vec<(i64, String, String)>> {
    let mut out = Vec::with_capacity(ids.len());
    for batch in ids.chunks(500) {
        let marks: Vec<String> = (1..=batch.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT id, given_name, family_name FROM persons WHERE id IN ({})",
            marks.join(", ")
        );
        let mut q = sqlx::query_as::<_, (i64, String, String)>(&sql);
        for id in batch {
            q = q.bind(*id);
        }
        out.extend(q.fetch_all(pool).await?);
    }
    Ok(out)
}

/// How many persons a search matches.
pub(crate) async fn count_persons(
    pool: &sqlx::Pool<Db>,
    search: Option<&str>,
    countries: Option<&[String]>,
) -> Result<i64> {
    let Some((filter, binds)) = matching(search, countries) else {
        return Ok(0);
    };
    let sql = format!("SELECT COUNT(*) FROM persons p WHERE p.id > $1{filter}");
    let mut q = sqlx::query_scalar::<_, i64>(&sql).bind(0i64);
    for b in &binds {
        q = q.bind(b.clone());
    }
    Ok(q.fetch_one(pool).await?)
}
