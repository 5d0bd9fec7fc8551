//! The store's audit trail: entries appended with what they record, read back by filter or in
//! chain order (migration 0011).

use cadre_core::audit::{Broken, Checkpoint, Entry, Verifier};

use crate::backend::{postgres, sqlite};
use crate::{AuditFilter, Pool, Result, Store};

impl Store {
    /// Appends an entry that goes with no other change (a sign-in, an export); says it as kept.
    pub async fn audit_record(&self, entry: Entry) -> Result<Entry> {
        let key = self.audit_key()?;
        on_backend!(self, audit::record(entry, &key))
    }

    /// Seals the trail again with this database's key (see `backend/shared/audit.rs`): once, when
    /// the database is first given a key. Says how many entries were sealed.
    pub(crate) async fn reseal_audit(&self) -> Result<u64> {
        let key = self.audit_key()?;
        on_backend!(self, audit::reseal(&key))
    }

    /// Entries kept past the head, `(first, last, head)`: put in, never appended.
    pub async fn audit_past_head(&self) -> Result<Option<(i64, i64, i64)>> {
        on_backend!(self, audit::past_head())
    }

    /// The audit trail's key, for the application layer's verification and checkpoints.
    pub fn audit_trail_key(&self) -> Result<std::sync::Arc<cadre_core::audit::Key>> {
        self.audit_key()
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

    /// Walks the whole trail with this database's key and names the first fault: an entry
    /// altered, removed, put in or unsealed, a redaction without its erasure, entries past the
    /// head, or a checkpoint the trail does not pass through (each given with the file it
    /// came from, its signature checked by the caller). Says how many entries held and the
    /// last one's hash.
    pub async fn verify_trail(
        &self,
        checkpoints: &[(Checkpoint, String)],
    ) -> Result<std::result::Result<(u64, String), Broken>> {
        /// Entries read at a time: memory stays bounded whatever the trail's length.
        const PAGE: i64 = 5_000;
        let key = self.audit_key()?;
        // The head is read first: entries appended while the walk goes on are after it.
        let (head_seq, head_hash) = self.audit_head().await?;
        let mut v = Verifier::new(&key);
        for (c, file) in checkpoints {
            v.expect(c, file);
        }
        let mut after = 0;
        while after < head_seq {
            let page = self.audit_chain(after, PAGE).await?;
            let Some(last) = page.last() else { break };
            after = last.seq;
            for e in page.iter().take_while(|e| e.seq <= head_seq) {
                if let Err(b) = v.check(e) {
                    return Ok(Err(b));
                }
            }
        }
        let checked = match v.finish(head_seq, &head_hash) {
            Ok(n) => n,
            Err(b) => return Ok(Err(b)),
        };
        // Entries past the head (as it stands now) were put in, not appended: an append
        // moves the head in its own transaction.
        if let Some((first, last, head)) = self.audit_past_head().await? {
            return Ok(Err(Broken::PastHead { first, last, head }));
        }
        Ok(Ok((checked, v.last_hash().to_string())))
    }
}
