//! The same store code compiled once per database. Each file of `shared/` is written against
//! a type `Db` and included in both `sqlite/` and `postgres/` through `#[path]`, so SQLite and
//! PostgreSQL share every query; what belongs to one database (connecting, migrations, listing
//! content, bulk writes, following other nodes' writes) lives in that database's folder. The SQL in the shared files is the common dialect: `$N` placeholders,
//! `ON CONFLICT`, `RETURNING`, and no comparison the two spell differently.

/// Binds a training's nineteen stored fields, in the order of the columns `code, title,
/// start_date, start_on, end_date, end_on, modality, venue, platform, status, requested_by,
/// value_cents, participants_total, participants_male, participants_female,
/// countries_reached, theme, note, summary`: the one list an import's upsert and an edit's insert and
/// update share, so that a column is never written by one and forgotten by another.
macro_rules! bind_training {
    ($q:expr, $rec:expr) => {{
        let rec: &cadre_core::TrainingRecord = $rec;
        $q.bind(&rec.code)
            .bind(&rec.title)
            .bind(rec.start.map(|d| d.to_string()))
            .bind(rec.start.map(|d| d.first_day().to_string()))
            .bind(rec.end.map(|d| d.to_string()))
            .bind(rec.end.map(|d| d.last_day().to_string()))
            .bind(rec.modality.map(cadre_core::Modality::as_str))
            .bind(&rec.venue)
            .bind(&rec.platform)
            .bind(rec.status.map(cadre_core::Status::as_str))
            .bind(&rec.requested_by)
            .bind(rec.value.map(cadre_core::Money::cents))
            .bind(rec.participants_total.map(i64::from))
            .bind(rec.participants_male.map(i64::from))
            .bind(rec.participants_female.map(i64::from))
            .bind(rec.countries_reached.map(i64::from))
            .bind(&rec.theme)
            .bind(&rec.note)
            .bind(&rec.summary)
    }};
}
pub(crate) use bind_training;

// The shared files are meant to be compiled twice, once per database.
#[expect(
    clippy::duplicate_mod,
    reason = "one set of queries, compiled for each database"
)]
pub(crate) mod postgres;
pub(crate) mod sqlite;
