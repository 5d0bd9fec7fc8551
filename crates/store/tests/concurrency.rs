//! Imports from two processes at once over one database take turns: the second reads what the
//! first committed, never a state between (on SQLite the write lock does it; on PostgreSQL,
//! where several cadre nodes may serve one database, an advisory lock of the schema).

use cadre_app::{Actor, App, ImportRequest};
use cadre_import::Kind;
use cadre_store::Store;

use crate::common::{both, data, TestStore};

async fn two_imports_at_once_take_turns(t: &TestStore) {
    t.import_file(Kind::Partners, &data("2020/partners.csv"))
        .await
        .unwrap();
    // A second handle on the same database, as another process would have.
    let other = Store::open(&t.url).await.unwrap();
    let path = data("2020/trainings.csv");
    let run = |store: Store| {
        let path = path.clone();
        tokio::spawn(async move {
            let request = ImportRequest::new(Kind::Trainings, &path);
            App::new(store)
                .import(&Actor::local(), &request, &mut |_, _| {})
                .await
                .unwrap()
                .summary
                .expect("the trainings import")
        })
    };
    let (a, b) = (run(t.store.clone()), run(other.clone()));
    let (a, b) = (a.await.unwrap(), b.await.unwrap());
    let mut outcomes = [(a.created, a.unchanged), (b.created, b.unchanged)];
    outcomes.sort();
    assert_eq!(
        outcomes,
        [(0, 14), (14, 0)],
        "one created the trainings, the other found them there"
    );
    other.close().await;
}
both!(two_imports_at_once_take_turns);
