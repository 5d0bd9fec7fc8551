//! The store's audit trail: entries appended with what they record, read back by filter or in
//! chain order (migration 0011).

use cadre_core::audit::Entry;

use crate::backend::{postgres, sqlite};
use crate::{AuditFilter, Pool, Result, Store};

impl Store {
    /// Appends an entry that goes with no other change (a sign-in, an export); says it as kept.
    pub async fn audit_record(&self, entry: Entry) -> Result<Entry> {
        on_backend!(self, audit::record(entry))
    }

    /// Entries matching the filter, newest first, older than the `before` cursor.
    pub async fn audit_entries(
        &self,
        filter: &AuditFilter,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<Entry>> {
        on_backend!(self, audit::entries(filter, before, limit))
    }

    /// Entries in chain order after `after`: the pages a verification walks.
    pub async fn audit_chain(&self, after: i64, limit: i64) -> Result<Vec<Entry>> {
        on_backend!(self, audit::chain(after, limit))
    }

    /// The number and hash of the last entry appended, as recorded when it was.
    pub async fn audit_head(&self) -> Result<(i64, String)> {
        on_backend!(self, audit::head())
    }
}
