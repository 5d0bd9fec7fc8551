//! The store's published reports (migration 0012).

use crate::backend::{postgres, sqlite};
use crate::{Pool, Publication, Result, Stamp, Store};

impl Store {
    /// Keeps a publication with its files, audited in the same transaction.
    pub async fn create_publication(
        &self,
        p: &Publication,
        files: &[(String, Vec<u8>)],
        stamp: Stamp<'_>,
    ) -> Result<()> {
        let key = self.audit_key()?;
        on_backend!(self, publications::create(p, files, stamp.keyed(&key)))
    }

    /// Every publication, the newest first.
    pub async fn publications(&self) -> Result<Vec<Publication>> {
        on_backend!(self, publications::list())
    }

    pub async fn publication(&self, slug: &str) -> Result<Option<Publication>> {
        on_backend!(self, publications::find(slug))
    }

    /// The slugs taken that start with `prefix`.
    pub async fn publication_slugs(&self, prefix: &str) -> Result<Vec<String>> {
        on_backend!(self, publications::slugs_like(prefix))
    }

    pub async fn publication_file(&self, slug: &str, name: &str) -> Result<Option<Vec<u8>>> {
        on_backend!(self, publications::file(slug, name))
    }

    pub async fn publication_files(&self, slug: &str) -> Result<Vec<String>> {
        on_backend!(self, publications::files(slug))
    }
}
