//! Whether a database's schema is the one this binary writes, for opening it without migrating.

use sqlx::migrate::Migrator;

use crate::{Result, StoreError};

/// Compares the migrations a database has applied (`None`: it has no table of them) with the
/// binary's. A read-only open cannot migrate, and reading an older schema with this binary's
/// queries would fail at some query or, worse, read wrongly, so it is refused with the way out.
pub(crate) fn check(applied: Option<Vec<i64>>, migrator: &Migrator) -> Result<()> {
    let applied = applied.unwrap_or_default();
    let known: Vec<i64> = migrator
        .iter()
        .filter(|m| m.migration_type.is_up_migration())
        .map(|m| m.version)
        .collect();
    if let Some(&unknown) = applied.iter().find(|v| !known.contains(v)) {
        return Err(StoreError::SchemaNewer(unknown));
    }
    match known.iter().find(|v| !applied.contains(v)) {
        Some(&missing) => Err(StoreError::SchemaOutdated(missing)),
        None => Ok(()),
    }
}
