//! The store's record of the agency's face (migration 0020).

use cadre_core::agency::Face;

use crate::backend::{postgres, sqlite};
use crate::{Pool, Result, Stamp, Store};

impl Store {
    /// The face an admin set, or `None` (the defaults) while none has.
    pub async fn agency(&self) -> Result<Option<Face>> {
        on_backend!(self, agency::get())
    }

    /// Sets the face, in the audit trail with the stamp's before and after.
    pub async fn set_agency(&self, face: &Face, stamp: Stamp<'_>) -> Result<()> {
        let key = self.audit_key()?;
        on_backend!(self, agency::set(face, stamp.keyed(&key)))
    }
}
