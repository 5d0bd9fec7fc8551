//! Reference data kept in step with cadre's own lists on every open: the countries and their
//! groups. An upsert that changes nothing writes nothing, so this is cheap and idempotent.

use cadre_core::Countries;

use super::Db;
use crate::Result;

/// Upserts the countries and their groups, in the caller's transaction.
pub(crate) async fn countries(tx: &mut sqlx::Transaction<'static, Db>) -> Result<()> {
    for c in Countries::get().all() {
        sqlx::query(
            "INSERT INTO countries (code, alpha3, name) VALUES ($1, $2, $3)
             ON CONFLICT (code) DO UPDATE SET alpha3 = excluded.alpha3, name = excluded.name
             WHERE countries.alpha3 <> excluded.alpha3 OR countries.name <> excluded.name",
        )
        .bind(&c.code)
        .bind(&c.alpha3)
        .bind(&c.name)
        .execute(&mut **tx)
        .await?;
        for group in &c.groups {
            sqlx::query(
                "INSERT INTO country_groups (country_code, group_code) VALUES ($1, $2)
                 ON CONFLICT DO NOTHING",
            )
            .bind(&c.code)
            .bind(group)
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}
