//! The same store code compiled once per database. Each file below is written against a type
//! `Db` and included in both modules through `#[path]`, so SQLite and PostgreSQL share every
//! query; what differs between them (connecting, migrations, listing content) is written out
//! in each module. The SQL in the shared files is the common dialect: `$N` placeholders,
//! `ON CONFLICT`, `RETURNING`, and no comparison the two spell differently.

// The shared files are meant to be compiled twice, once per database.
#[expect(
    clippy::duplicate_mod,
    reason = "one set of queries, compiled for each database"
)]
pub(crate) mod postgres;
pub(crate) mod sqlite;
