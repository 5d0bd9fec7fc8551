//! Opening a database for reading only: it reads, refuses writes, and never migrates.

use cadre_import::Kind;
use cadre_store::{Store, StoreError};

use crate::common::{both, TestStore};

async fn a_read_only_store_reads_and_refuses_writes(t: &TestStore) {
    t.load_2020().await;
    let store = Store::open_read_only(&t.url).await.unwrap();
    assert_eq!(
        store.counts().await.unwrap(),
        t.store.counts().await.unwrap()
    );
    let period = cadre_core::report::Period::year(2020);
    assert_eq!(
        store.report_input(period).await.unwrap().trainings.len(),
        14
    );
    let text = "name,short_name,parent,kind\nNew Agency,NA,,ngo\n";
    let file = t.dir.path().join("p.csv");
    std::fs::write(&file, text).unwrap();
    let refused = cadre_app::App::new(store.clone())
        .import(
            &cadre_app::Actor::local(),
            &cadre_app::ImportRequest::new(Kind::Partners, &file),
            &mut |_, _| {},
        )
        .await;
    assert!(
        matches!(
            refused,
            Err(cadre_app::AppError::Store(
                StoreError::Database(_) | StoreError::Sqlite(_)
            ))
        ),
        "{refused:?}"
    );
    store.close().await;
}
both!(a_read_only_store_reads_and_refuses_writes);

/// A database whose schema is older than the binary's is not migrated by a read-only open,
/// which says what to run instead.
async fn an_older_schema_is_refused_with_the_way_out(t: &TestStore) {
    let latest: i64 = 7;
    match &t.url {
        url if url.starts_with("sqlite:") => {
            let path = url.trim_start_matches("sqlite:");
            let conn = rusqlite::Connection::open(path).unwrap();
            conn.execute("DELETE FROM _sqlx_migrations WHERE version = ?", [latest])
                .unwrap();
        }
        _ => {
            sqlx::query("DELETE FROM _sqlx_migrations WHERE version = $1")
                .bind(latest)
                .execute(&pool_of(t).await)
                .await
                .unwrap();
        }
    }
    let err = Store::open_read_only(&t.url).await.unwrap_err();
    assert!(matches!(err, StoreError::SchemaOutdated(7)), "{err:?}");
    assert!(
        err.to_string().contains("run a command that writes once"),
        "{err}"
    );
}

/// A pool on the PostgreSQL test schema, to change it behind the store's back.
async fn pool_of(t: &TestStore) -> sqlx::PgPool {
    let (base, schema) = t.url.split_once("?schema=").unwrap();
    let options: sqlx::postgres::PgConnectOptions = base.parse().unwrap();
    sqlx::PgPool::connect_with(options.options([("search_path", schema)]))
        .await
        .unwrap()
}

both!(an_older_schema_is_refused_with_the_way_out);

#[tokio::test]
async fn no_file_is_no_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("none.db");
    let err = Store::open_read_only(&format!("sqlite:{}", path.display()))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NoDatabase(_)), "{err:?}");
    assert!(!path.exists());
}
