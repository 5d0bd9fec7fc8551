//! What records refer to holds on PostgreSQL without declared foreign keys on attendance and
//! persons (migration 0016: statement triggers), for any writer that is not an import: a row
//! that refers to nothing is refused with foreign_key_violation (23503), a person with
//! attendance cannot be deleted, a training's or session's deletion takes its attendance with
//! it; and `db check` counts rows that refer to nothing when the triggers were bypassed.

use crate::common::{fresh_postgres, TestStore};

const FK: &str = "23503";

/// The 2020 trainings and sessions, and a person (written beside the store, so the report
/// cache does not know of them: `db check` says so, which these tests leave aside); says
/// (training, other training, session of the first, session of the other, person).
async fn setting(t: &TestStore) -> (i64, i64, i64, i64, i64) {
    t.load_2020().await;
    // Two trainings with sessions.
    let trainings = t
        .numbers_beside(
            "SELECT training_id FROM sessions GROUP BY training_id ORDER BY training_id LIMIT 2",
        )
        .await;
    let (a, b) = (trainings[0], trainings[1]);
    let sessions = "SELECT id FROM sessions WHERE training_id = ";
    let sa = t.numbers_beside(&format!("{sessions}{a}")).await;
    let sb = t.numbers_beside(&format!("{sessions}{b}")).await;
    t.execute_beside(
        "INSERT INTO persons (given_name, family_name, name_key, country_code) \
         VALUES ('Ada', 'Test', 'ada|test|tt', 'TT')",
    )
    .await;
    let person = t.numbers_beside("SELECT MAX(id) FROM persons").await[0];
    (a, b, sa[0], sb[0], person)
}

#[tokio::test]
async fn every_writer_but_an_import_is_checked_row_by_statement() {
    let t = fresh_postgres().await;
    let (a, b, sa, sb, p) = setting(&t).await;
    let insert = |training: i64, person: i64, session: i64| {
        format!(
            "INSERT INTO attendance (training_id, person_id, session_id, session_key) \
             VALUES ({training}, {person}, {session}, {session})"
        )
    };
    // Refused: no such training, no such person, a session of another training.
    assert_eq!(t.try_beside(&insert(999_999, p, sa)).await, Err(FK.into()));
    assert_eq!(t.try_beside(&insert(a, 999_999, sa)).await, Err(FK.into()));
    assert_eq!(t.try_beside(&insert(a, p, sb)).await, Err(FK.into()));
    assert_eq!(
        t.try_beside(
            "INSERT INTO persons (given_name, family_name, name_key, country_code) \
             VALUES ('No', 'Where', 'no|where|zz', 'ZZ')"
        )
        .await,
        Err(FK.into())
    );
    // Taken, and then held: the person cannot go while attended.
    t.try_beside(&insert(a, p, sa)).await.unwrap();
    t.try_beside(&insert(b, p, sb)).await.unwrap();
    assert_eq!(
        t.try_beside(&format!("DELETE FROM persons WHERE id = {p}"))
            .await,
        Err(FK.into())
    );
    // An update that would point elsewhere is checked like an insert.
    assert_eq!(
        t.try_beside(&format!(
            "UPDATE attendance SET person_id = 999999 WHERE training_id = {a}"
        ))
        .await,
        Err(FK.into())
    );
    // Deleting a session, or a training, takes its attendance along.
    t.try_beside(&format!("DELETE FROM sessions WHERE id = {sb}"))
        .await
        .unwrap();
    t.try_beside(&format!(
        "DELETE FROM training_partners WHERE training_id = {a};
         DELETE FROM training_countries WHERE training_id = {a};
         DELETE FROM training_departments WHERE training_id = {a};
         DELETE FROM report_training_persons WHERE training_id = {a};
         DELETE FROM sessions WHERE training_id = {a};
         DELETE FROM trainings WHERE id = {a}"
    ))
    .await
    .unwrap();
    assert_eq!(
        t.numbers_beside("SELECT COUNT(*) FROM attendance").await,
        vec![0]
    );
    // Now unattended, the person may go.
    t.try_beside(&format!("DELETE FROM persons WHERE id = {p}"))
        .await
        .unwrap();
    t.drop_schema().await;
}

#[tokio::test]
async fn db_check_counts_what_refers_to_nothing() {
    let t = fresh_postgres().await;
    let (a, _, sa, _, p) = setting(&t).await;
    let before = t.store.check(true).await.unwrap();
    assert!(!before.iter().any(|p| p.contains("refer")), "{before:?}");
    // Triggers switched off, as only a superuser can: the check still finds the damage.
    t.try_beside(&format!(
        "SET session_replication_role = replica;
         INSERT INTO attendance (training_id, person_id, session_id, session_key)
         VALUES ({a}, {p}, {sa}, {sa}), (999999, {p}, NULL, 0);
         INSERT INTO report_training_persons (training_id, persons) VALUES (999999, '')
         ON CONFLICT DO NOTHING"
    ))
    .await
    .unwrap();
    let problems = t.store.check(true).await.unwrap();
    assert!(
        problems
            .iter()
            .any(|p| p == "1 attendance record(s) refer to a training that is not there"),
        "{problems:?}"
    );
    t.drop_schema().await;
}
