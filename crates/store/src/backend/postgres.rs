//! The store on PostgreSQL: the shared queries, and how to open and list a PostgreSQL database.

pub(crate) type Db = sqlx::Postgres;

/// Which database the shared files are compiled for, where a statement must differ.
pub(crate) const IS_POSTGRES: bool = true;

#[path = "accounts.rs"]
pub(crate) mod accounts;
#[path = "approvals.rs"]
pub(crate) mod approvals;
#[path = "audit.rs"]
pub(crate) mod audit;
#[path = "cache.rs"]
pub(crate) mod cache;
#[path = "check.rs"]
pub(crate) mod check;
#[path = "copy.rs"]
pub(crate) mod copy;
#[path = "corrections.rs"]
pub(crate) mod corrections;
#[path = "dump.rs"]
pub(crate) mod dump;
#[path = "edit.rs"]
pub(crate) mod edit;
#[path = "edit_partners.rs"]
pub(crate) mod edit_partners;
#[path = "edit_persons.rs"]
pub(crate) mod edit_persons;
#[path = "edit_sessions.rs"]
pub(crate) mod edit_sessions;
#[path = "history.rs"]
pub(crate) mod history;
#[path = "publications.rs"]
pub(crate) mod publications;
#[path = "quality.rs"]
pub(crate) mod quality;
#[path = "read.rs"]
pub(crate) mod read;
#[path = "report.rs"]
pub(crate) mod report;
#[path = "resolve.rs"]
pub(crate) mod resolve;
#[path = "roster.rs"]
pub(crate) mod roster;
#[path = "seed.rs"]
pub(crate) mod seed;
#[path = "sign_ins.rs"]
pub(crate) mod sign_ins;
#[path = "write.rs"]
pub(crate) mod write;
#[path = "write_attendance.rs"]
pub(crate) mod write_attendance;

use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use crate::Result;

/// Connects, with the records in `schema` (created if needed) when one is named, so that
/// several stores (or tests) can share one database.
pub(crate) async fn open(url: &str, schema: Option<&str>) -> Result<sqlx::Pool<Db>> {
    let mut options = PgConnectOptions::from_str(url)?;
    if let Some(schema) = schema {
        // Created before the pool exists: search_path names it for every connection.
        let mut conn: sqlx::PgConnection = sqlx::Connection::connect_with(&options).await?;
        sqlx::query(&format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\""))
            .execute(&mut conn)
            .await?;
        sqlx::Connection::close(conn).await?;
        options = options.options([("search_path", schema)]);
    }
    let pool = PgPoolOptions::new()
        .max_connections(4)
        .connect_with(options)
        .await?;
    // sqlx holds an advisory lock while it migrates: two commands opening at once take turns.
    sqlx::migrate!("./migrations/postgres").run(&pool).await?;
    let mut tx = begin_write(&pool).await?;
    seed::countries(&mut tx).await?;
    tx.commit().await?;
    Ok(pool)
}

/// Connects for reading only (see `Store::open_read_only`): every transaction of the session
/// is read-only (`default_transaction_read_only`), so the server refuses any write, and
/// nothing is migrated or created, not even the schema.
pub(crate) async fn open_read_only(url: &str, schema: Option<&str>) -> Result<sqlx::Pool<Db>> {
    let mut settings = vec![("default_transaction_read_only", "on")];
    if let Some(schema) = schema {
        settings.push(("search_path", schema));
    }
    let options = PgConnectOptions::from_str(url)?.options(settings);
    let pool = PgPoolOptions::new()
        .max_connections(4)
        .connect_with(options)
        .await?;
    // `to_regclass` looks the table up along the search path, as the queries will.
    let present: bool = sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
        .fetch_one(&pool)
        .await?;
    let applied = if present {
        Some(
            sqlx::query_scalar(
                "SELECT version FROM _sqlx_migrations WHERE success ORDER BY version",
            )
            .fetch_all(&pool)
            .await?,
        )
    } else {
        None
    };
    crate::schema::check(applied, &sqlx::migrate!("./migrations/postgres"))?;
    Ok(pool)
}

/// Begins a transaction that will write. PostgreSQL locks rows, not the database: writers
/// wait for each other where they meet, and a plain `BEGIN` is enough.
pub(crate) async fn begin_write(pool: &sqlx::Pool<Db>) -> Result<sqlx::Transaction<'static, Db>> {
    Ok(pool.begin().await?)
}

/// Every row of every record table, quoted as SQLite would, so both list alike.
pub(crate) async fn content(pool: &sqlx::Pool<Db>) -> Result<String> {
    let mut out = String::new();
    for table in crate::types::SPECS[..crate::types::RECORD_TABLES]
        .iter()
        .map(|s| s.name)
    {
        let columns: Vec<(String, String)> = sqlx::query_as(
            "SELECT column_name::text, data_type::text FROM information_schema.columns
             WHERE table_name = $1 AND table_schema = current_schema()
             ORDER BY ordinal_position",
        )
        .bind(table)
        .fetch_all(pool)
        .await?;
        let quoted: Vec<String> = columns
            .iter()
            .map(|(c, ty)| {
                if ty == "text" {
                    format!("COALESCE('''' || replace({c}, '''', '''''') || '''', 'NULL')")
                } else {
                    format!("COALESCE({c}::text, 'NULL')")
                }
            })
            .collect();
        let lines: Vec<String> = sqlx::query_scalar(&format!(
            "SELECT {} FROM {table} ORDER BY 1",
            quoted.join(" || ',' || ")
        ))
        .fetch_all(pool)
        .await?;
        let names: Vec<String> = columns.into_iter().map(|(c, _)| c).collect();
        crate::types::list_table(&mut out, table, &names, lines);
    }
    Ok(out)
}

/// Rows copied with their ids leave the identity columns behind: move each past the largest id.
pub(crate) async fn after_copy(tx: &mut sqlx::Transaction<'static, Db>) -> Result<()> {
    for spec in crate::types::SPECS.iter().filter(|s| s.has_id) {
        let t = spec.name;
        sqlx::query(&format!(
            "SELECT setval(pg_get_serial_sequence('{t}', 'id'), COALESCE((SELECT MAX(id) FROM {t}), 0) + 1, false)"
        ))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Begins an import's transaction. An import starts on tables whose statistics may say "empty"
/// and then fills them, so a plan made at the start (and kept with its prepared statement)
/// could scan whole tables for every batch: every lookup of an import has an index, and the
/// planner is told to use them. That makes every cost look huge, which would have PostgreSQL
/// compile each statement to machine code (JIT, 0.3 s a batch of 2,000 rows): JIT is off for
/// the import. Plans are left cached: the foreign key checks run a prepared lookup per row,
/// and planning it again each time would triple their cost.
pub(crate) async fn begin_import(
    pool: &sqlx::Pool<Db>,
    _bulk: bool,
) -> Result<sqlx::Transaction<'static, Db>> {
    let mut tx = pool.begin().await?;
    // Imports take turns, whichever cadre process runs them (several serve one database):
    // the second waits here until the first commits or rolls back, then reads what it left.
    // The lock is the schema's, so imports into other schemas (tests side by side) go on.
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext('cadre import ' || current_schema()))")
        .execute(&mut *tx)
        .await?;
    for setting in ["SET LOCAL enable_seqscan = off", "SET LOCAL jit = off"] {
        sqlx::query(setting).execute(&mut *tx).await?;
    }
    Ok(tx)
}

/// Begins a single-record write.
pub(crate) async fn begin_edit(pool: &sqlx::Pool<Db>) -> Result<sqlx::Transaction<'static, Db>> {
    Ok(pool.begin().await?)
}

/// After an import, fresh statistics: the planner of every later query (reports included)
/// then knows how large the tables have grown.
pub(crate) async fn after_import(tx: &mut sqlx::Transaction<'static, Db>) -> Result<()> {
    sqlx::query("ANALYZE attendance, persons, sessions, trainings, report_training_persons")
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A row of `n` parameters, numbered from `first`, for a generated multi-row statement.
pub(crate) fn params(first: usize, n: usize) -> String {
    let numbered: Vec<String> = (first..first + n).map(|i| format!("${i}")).collect();
    format!("({})", numbered.join(", "))
}

/// Inserts new persons, returning their ids in order: one statement for the whole batch,
/// its columns sent as arrays.
pub(crate) async fn insert_persons(
    tx: &mut sqlx::Transaction<'static, Db>,
    rows: &[write::NewPerson],
) -> Result<Vec<i64>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let col = |f: &dyn Fn(&write::NewPerson) -> Option<String>| -> Vec<Option<String>> {
        rows.iter().map(f).collect()
    };
    let ids: Vec<(i64,)> = sqlx::query_as(
        "INSERT INTO persons (given_name, family_name, email, email_key, name_key, gender, \
         country_code, organisation, department_id) \
         SELECT g, f, e, ek, nk, gd, c, o, d FROM unnest($1::text[], $2::text[], $3::text[], \
         $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::int8[]) \
         WITH ORDINALITY AS r(g, f, e, ek, nk, gd, c, o, d, n) ORDER BY n RETURNING id",
    )
    .bind(col(&|p| Some(p.given_name.to_string())))
    .bind(col(&|p| Some(p.family_name.to_string())))
    .bind(col(&|p| p.email.clone()))
    .bind(col(&|p| p.email_key.clone()))
    .bind(col(&|p| Some(p.name_key.clone())))
    .bind(col(&|p| p.gender.map(str::to_string)))
    .bind(col(&|p| p.country.clone()))
    .bind(col(&|p| p.organisation.clone()))
    .bind(rows.iter().map(|p| p.department_id).collect::<Vec<_>>())
    .fetch_all(&mut **tx)
    .await?;
    // Ids come back in the order the rows were inserted, which ORDER BY n fixes.
    Ok(ids.into_iter().map(|(id,)| id).collect())
}

/// Inserts attendance records known to be new. A record that exists after all fails the
/// import.
pub(crate) async fn insert_new_attendance(
    tx: &mut sqlx::Transaction<'static, Db>,
    rows: &[write::AttendanceRow],
) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO attendance (training_id, person_id, session_id, session_key, completed) \
         SELECT t, p, NULLIF(s, 0), s, c \
         FROM unnest($1::int8[], $2::int8[], $3::int8[], $4::int8[]) AS r(t, p, s, c)",
    )
    .bind(rows.iter().map(|r| r.0).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.1).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.2).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.3).collect::<Vec<_>>())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The attendance records of a training, (person, session_key, completed), in key order.
pub(crate) async fn training_roster(
    tx: &mut sqlx::Transaction<'static, Db>,
    training: i64,
) -> Result<Vec<roster::Recorded>> {
    Ok(sqlx::query_as(
        "SELECT person_id, session_key, completed FROM attendance WHERE training_id = $1 \
         ORDER BY person_id, session_key",
    )
    .bind(training)
    .fetch_all(&mut **tx)
    .await?)
}

/// Sets `completed` of recorded attendance records, in one statement.
pub(crate) async fn update_completion(
    tx: &mut sqlx::Transaction<'static, Db>,
    rows: &[write::AttendanceRow],
) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "UPDATE attendance a SET completed = r.c \
         FROM unnest($1::int8[], $2::int8[], $3::int8[], $4::int8[]) AS r(t, p, s, c) \
         WHERE a.training_id = r.t AND a.person_id = r.p AND a.session_key = r.s",
    )
    .bind(rows.iter().map(|r| r.0).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.1).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.2).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.3).collect::<Vec<_>>())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Removes attendance records, by (training, person, session_key), in one statement.
pub(crate) async fn delete_attendance(
    tx: &mut sqlx::Transaction<'static, Db>,
    keys: &[(i64, i64, i64)],
) -> Result<()> {
    if keys.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "DELETE FROM attendance a \
         USING unnest($1::int8[], $2::int8[], $3::int8[]) AS r(t, p, s) \
         WHERE a.training_id = r.t AND a.person_id = r.p AND a.session_key = r.s",
    )
    .bind(keys.iter().map(|k| k.0).collect::<Vec<_>>())
    .bind(keys.iter().map(|k| k.1).collect::<Vec<_>>())
    .bind(keys.iter().map(|k| k.2).collect::<Vec<_>>())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The persons who attended each of these trainings (a person once per session attended),
/// every training listed, with or without attendance.
pub(crate) async fn training_persons(
    conn: &mut sqlx::PgConnection,
    trainings: &[i64],
) -> Result<Vec<(i64, Vec<i64>)>> {
    let rows: Vec<(i64, i64)> =
        sqlx::query_as("SELECT training_id, person_id FROM attendance WHERE training_id = ANY($1)")
            .bind(trainings)
            .fetch_all(&mut *conn)
            .await?;
    let mut persons: std::collections::HashMap<i64, Vec<i64>> =
        trainings.iter().map(|&t| (t, Vec::new())).collect();
    for (t, p) in rows {
        persons.entry(t).or_default().push(p);
    }
    Ok(persons.into_iter().collect())
}

/// The report cache's facts of one chunk of persons, read from the persons table.
pub(crate) async fn person_facts(conn: &mut sqlx::PgConnection, chunk: i64) -> Result<Vec<u8>> {
    use crate::cache::{encode_fact, CHUNK, FACT_BYTES};
    use sqlx::Row;
    let mut facts = vec![0u8; CHUNK as usize * FACT_BYTES];
    for row in sqlx::query(
        "SELECT id, gender, country_code, department_id FROM persons WHERE id >= $1 AND id < $2",
    )
    .bind(chunk * CHUNK)
    .bind((chunk + 1) * CHUNK)
    .fetch_all(&mut *conn)
    .await?
    {
        let at = (row.get::<i64, _>(0) - chunk * CHUNK) as usize * FACT_BYTES;
        encode_fact(
            &mut facts[at..at + FACT_BYTES],
            row.get::<Option<String>, _>(1).as_deref(),
            row.get::<Option<String>, _>(2).as_deref(),
            row.get(3),
        );
    }
    Ok(facts)
}

/// Writes completed details of known persons.
pub(crate) async fn update_persons(
    tx: &mut sqlx::Transaction<'static, Db>,
    updates: &[(i64, &write::StoredPerson)],
) -> Result<()> {
    for (id, p) in updates {
        sqlx::query(
            "UPDATE persons SET given_name = $2, family_name = $3, gender = $4, \
             country_code = $5, organisation = $6, department_id = $7, name_key = $8, \
             version = version + 1 WHERE id = $1",
        )
        .bind(id)
        .bind(&p.given_name)
        .bind(&p.family_name)
        .bind(&p.gender)
        .bind(&p.country)
        .bind(&p.organisation)
        .bind(p.department_id)
        .bind(p.name_key())
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// The details of these persons that rows complete, by id.
pub(crate) async fn persons_by_id(
    tx: &mut sqlx::Transaction<'static, Db>,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, write::StoredPerson>> {
    type Row = (
        i64,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<i64>,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, given_name, family_name, gender, country_code, organisation, department_id \
         FROM persons WHERE id = ANY($1)",
    )
    .bind(ids)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, given_name, family_name, gender, country, organisation, department_id)| {
                let person = write::StoredPerson {
                    given_name,
                    family_name,
                    gender,
                    country,
                    organisation,
                    department_id,
                };
                (id, person)
            },
        )
        .collect())
}
