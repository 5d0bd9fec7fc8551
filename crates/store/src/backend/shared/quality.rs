//! The data-quality rules an admin changed (migration 0014), and what the duplicate-person
//! rules read of every person.

use cadre_core::quality::persons::PersonKey;
use cadre_core::quality::{Rule, RuleSetting, Settings, Severity};
use sqlx::Row;

use super::Db;
use crate::types::Stamp;
use crate::Result;

/// The rules as set; rows naming a rule this cadre does not know (a newer one wrote them) are
/// passed over.
pub(crate) async fn settings(pool: &sqlx::Pool<Db>) -> Result<Settings> {
    let rows = sqlx::query("SELECT rule, enabled, severity FROM quality_rules")
        .fetch_all(pool)
        .await?;
    let mut settings = Settings::default();
    for r in rows {
        let rule: String = r.get("rule");
        let severity: String = r.get("severity");
        if let (Some(rule), Some(severity)) = (Rule::parse(&rule), Severity::parse(&severity)) {
            let enabled: i64 = r.get("enabled");
            settings.changed.insert(
                rule,
                RuleSetting {
                    enabled: enabled != 0,
                    severity,
                },
            );
        }
    }
    Ok(settings)
}

/// Sets a rule (`None`: back to its default), in the audit trail with before and after, and
/// raising the data version so that every report shown is made again.
pub(crate) async fn set(
    pool: &sqlx::Pool<Db>,
    rule: Rule,
    setting: Option<RuleSetting>,
    stamp: Stamp<'_>,
) -> Result<()> {
    let mut tx = super::begin_write(pool).await?;
    let describe = |s: Option<RuleSetting>| match s {
        Some(s) => format!(
            "{{\"enabled\":{},\"severity\":\"{}\"}}",
            s.enabled,
            s.severity.as_str()
        ),
        None => format!(
            "{{\"enabled\":true,\"severity\":\"{}\"}}",
            rule.default_severity().as_str()
        ),
    };
    let before: Option<(i64, String)> =
        sqlx::query_as("SELECT enabled, severity FROM quality_rules WHERE rule = $1")
            .bind(rule.code())
            .fetch_optional(&mut *tx)
            .await?;
    let before = describe(before.map(|(enabled, severity)| RuleSetting {
        enabled: enabled != 0,
        severity: Severity::parse(&severity).unwrap_or(rule.default_severity()),
    }));
    match setting {
        Some(s) => {
            sqlx::query(
                "INSERT INTO quality_rules (rule, enabled, severity) VALUES ($1, $2, $3)
                 ON CONFLICT (rule) DO UPDATE SET enabled = excluded.enabled,
                 severity = excluded.severity",
            )
            .bind(rule.code())
            .bind(i64::from(s.enabled))
            .bind(s.severity.as_str())
            .execute(&mut *tx)
            .await?;
        }
        None => {
            sqlx::query("DELETE FROM quality_rules WHERE rule = $1")
                .bind(rule.code())
                .execute(&mut *tx)
                .await?;
        }
    }
    let after = describe(setting);
    super::audit::note(
        &mut tx,
        stamp.before(&before).after(&after),
        "set",
        "quality_rule",
        None,
        None,
        rule.code(),
    )
    .await?;
    super::edit::bump(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Every person as the duplicate rules read them, by id.
pub(crate) async fn person_keys(pool: &sqlx::Pool<Db>) -> Result<Vec<PersonKey>> {
    let rows = sqlx::query(
        "SELECT id, given_name, family_name, email, country_code FROM persons ORDER BY id",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| PersonKey {
            id: r.get("id"),
            given_name: r.get("given_name"),
            family_name: r.get("family_name"),
            email: r.get("email"),
            country: r.get("country_code"),
        })
        .collect())
}
