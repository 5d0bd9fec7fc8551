//! Copying every record of one store into another (`cadre db copy`, a backup, a restore): table
//! by table, in pages, in one transaction on the target, the audit trail appended to and never
//! replaced, and every table's rows counted on both sides before the commit.

use crate::backend::{postgres, sqlite};
use crate::{types, CopyReport, Pool, Result, Store, StoreError, Tx};

impl Store {
    /// Copies every record of this store into `target`, keeping ids, in one transaction on the
    /// target, and checks the row count of every table on both sides before committing. A
    /// target that already holds records is refused unless `replace` says to replace them.
    /// `progress` is told rows copied so far and the total.
    pub async fn copy_into(
        &self,
        target: &Store,
        replace: bool,
        progress: &mut (dyn FnMut(u64, u64) + Send),
    ) -> Result<CopyReport> {
        use types::{Value, SPECS};
        let held = target.counts().await?;
        let records =
            held.partners + held.trainings + held.sessions + held.persons + held.attendance;
        if records > 0 && !replace {
            return Err(StoreError::TargetNotEmpty(format!(
                "{} partners, {} trainings, {} persons, {} attendance records",
                held.partners, held.trainings, held.persons, held.attendance
            )));
        }
        // An audit trail is never replaced: the target's must be empty or the beginning of the
        // source's (a database this one was copied into before), and the copy only appends
        // the entries that came after it.
        let (kept_entries, kept_hash) = target.audit_head().await?;
        // The trail holds only under the key that sealed it: the target must have the
        // source's, and one whose trail is empty takes it.
        let source_key = self.audit_key()?;
        if target.audit_key().ok().as_deref() != Some(&*source_key) {
            if kept_entries > 0 {
                return Err(StoreError::AuditKey(format!(
                    "the target's audit trail is sealed with another key (fingerprint {}) than this database's ({}): copied on, it would not verify",
                    target.audit_key().map(|k| k.fingerprint()).unwrap_or_default(),
                    source_key.fingerprint()
                )));
            }
            target.take_audit_key(&source_key)?;
        }
        if kept_entries > 0 {
            let same = self
                .audit_chain(kept_entries - 1, 1)
                .await?
                .first()
                .is_some_and(|e| e.seq == kept_entries && e.hash == kept_hash);
            if !same {
                return Err(StoreError::TargetNotEmpty(format!(
                    "an audit trail of {kept_entries} entries that is not the beginning of this \
                     database's, which a copy never replaces"
                )));
            }
        }
        // Every read of the source in one snapshot: a copy taken while others write (a
        // backup of a database being served) is one consistent state of it.
        let mut source = match &self.pool {
            Pool::Sqlite(p) => Tx::Sqlite(sqlite::copy::snapshot(p).await?),
            Pool::Postgres(p) => Tx::Postgres(postgres::copy::snapshot(p).await?),
        };
        macro_rules! on_source {
            ($f:ident ( $($arg:expr),* )) => {
                match &mut source {
                    Tx::Sqlite(t) => sqlite::copy::$f(t $(, $arg)*).await,
                    Tx::Postgres(t) => postgres::copy::$f(t $(, $arg)*).await,
                }
            };
        }
        let mut source_counts = Vec::new();
        for spec in SPECS {
            source_counts.push(on_source!(count(spec.name))?);
        }
        let total: u64 = source_counts.iter().map(|&n| n as u64).sum();
        let mut done = 0u64;
        let mut tx = match &target.pool {
            Pool::Sqlite(p) => Tx::Sqlite(sqlite::copy::begin(p).await?),
            Pool::Postgres(p) => Tx::Postgres(postgres::copy::begin(p).await?),
        };
        macro_rules! on_tx {
            ($f:ident ( $($arg:expr),* )) => {
                match &mut tx {
                    Tx::Sqlite(t) => sqlite::copy::$f(t $(, $arg)*).await,
                    Tx::Postgres(t) => postgres::copy::$f(t $(, $arg)*).await,
                }
            };
        }
        on_tx!(clear())?;
        const PAGE: i64 = 20_000;
        for spec in SPECS {
            // A partner's parent may come after it: parents are set once all partners exist.
            let nulled: &[&str] = if spec.name == "partners" {
                &["parent_id"]
            } else {
                &[]
            };
            let mut parents: Vec<(i64, i64)> = Vec::new();
            let key: Vec<usize> = spec
                .page_by
                .iter()
                .filter_map(|k| spec.columns.iter().position(|(c, _)| c == k))
                .collect();
            // The trail's entries the target holds already stay; the rest are appended.
            let mut after: Option<Vec<i64>> =
                (spec.name == "audit" && kept_entries > 0).then(|| vec![kept_entries]);
            loop {
                let rows = on_source!(read_page(spec, after.as_deref(), PAGE))?;
                if rows.is_empty() {
                    break;
                }
                if spec.name == "partners" {
                    for row in &rows {
                        if let (Value::Int(Some(id)), Value::Int(Some(parent))) = (&row[0], &row[3])
                        {
                            parents.push((*id, *parent));
                        }
                    }
                }
                on_tx!(insert(spec, &rows, nulled))?;
                done += rows.len() as u64;
                progress(done, total);
                let last = rows.last().filter(|_| !key.is_empty());
                match last.map(|r| key.iter().map(|&i| r[i].as_int()).collect()) {
                    Some(Some(at)) => after = Some(at),
                    _ => break,
                }
            }
            if !parents.is_empty() {
                on_tx!(set_column("partners", "parent_id", &parents))?;
            }
        }
        let mut tables = Vec::new();
        for (spec, &source_rows) in SPECS.iter().zip(&source_counts) {
            let target_rows = on_tx!(count(spec.name))?;
            if target_rows != source_rows {
                return Err(StoreError::CopyMismatch {
                    table: spec.name,
                    source_rows,
                    target_rows,
                });
            }
            tables.push((spec.name, target_rows));
        }
        // The snapshot only read.
        match source {
            Tx::Sqlite(t) => t.rollback().await?,
            Tx::Postgres(t) => t.rollback().await?,
        }
        let now_micros = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX));
        on_tx!(new_data_version(now_micros))?;
        match tx {
            Tx::Sqlite(mut t) => {
                sqlite::after_copy(&mut t).await?;
                t.commit().await?;
            }
            Tx::Postgres(mut t) => {
                postgres::after_copy(&mut t).await?;
                t.commit().await?;
            }
        }
        target.rebuild_report_cache().await?;
        Ok(CopyReport { tables })
    }
}
