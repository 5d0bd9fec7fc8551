//! The store's data-quality settings and the persons the duplicate rules read (migration 0014).

use cadre_core::quality::persons::PersonKey;
use cadre_core::quality::{Rule, RuleSetting, Settings};

use crate::backend::{postgres, sqlite};
use crate::{Pool, Result, Stamp, Store};

impl Store {
    /// The rules an admin changed.
    pub async fn quality_settings(&self) -> Result<Settings> {
        on_backend!(self, quality::settings())
    }

    /// Switches a rule off or on, or gives it another severity (`None`: its default again).
    pub async fn set_quality_rule(
        &self,
        rule: Rule,
        setting: Option<RuleSetting>,
        stamp: Stamp<'_>,
    ) -> Result<()> {
        let key = self.audit_key()?;
        on_backend!(self, quality::set(rule, setting, stamp.keyed(&key)))
    }

    /// Every person's name, e-mail and country, by id, for the duplicate rules.
    pub async fn person_keys(&self) -> Result<Vec<PersonKey>> {
        on_backend!(self, quality::person_keys())
    }
}
