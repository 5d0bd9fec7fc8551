//! The tables `cadre db copy` carries between databases, their columns in migration order, and
//! the cells it moves: one list, read by the copy, the content listing and the identity
//! columns' repair after a copy.

/// The kind of a column, as far as copying needs to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Col {
    Int,
    Text,
    /// Bytes (a published report's files).
    Blob,
}

/// A table's columns, in the order of its migration, for copying between databases.
pub(crate) struct TableSpec {
    pub name: &'static str,
    pub columns: &'static [(&'static str, Col)],
    /// Whether rows have an `id` (an identity column on PostgreSQL).
    pub has_id: bool,
    /// The integer columns that order the rows and page through them (the key); none for
    /// small tables read whole.
    pub page_by: &'static [&'static str],
}

use Col::{Blob, Int, Text};

/// How many of [`SPECS`] are record tables (listed by `db dump` and compared between the two
/// databases); the rest are accounts, the audit trail, corrections and publications, copied
/// as they are.
pub(crate) const RECORD_TABLES: usize = 13;

/// Every table `cadre db copy` carries, parents before children: the record tables, then the
/// rest. Sign-ins are left behind (everyone signs in again on the new database).
pub(crate) const SPECS: &[TableSpec] = &[
    TableSpec {
        name: "countries",
        has_id: false,
        page_by: &[],
        columns: &[("code", Text), ("alpha3", Text), ("name", Text)],
    },
    TableSpec {
        name: "country_groups",
        has_id: false,
        page_by: &[],
        columns: &[("country_code", Text), ("group_code", Text)],
    },
    TableSpec {
        name: "departments",
        has_id: true,
        page_by: &["id"],
        columns: &[("id", Int), ("name", Text)],
    },
    TableSpec {
        name: "department_aliases",
        has_id: false,
        page_by: &[],
        columns: &[("alias_key", Text), ("alias", Text), ("department_id", Int)],
    },
    TableSpec {
        name: "partners",
        has_id: true,
        page_by: &["id"],
        columns: &[
            ("id", Int),
            ("name", Text),
            ("short_name", Text),
            ("parent_id", Int),
            ("kind", Text),
            ("version", Int),
        ],
    },
    TableSpec {
        name: "trainings",
        has_id: true,
        page_by: &["id"],
        columns: &[
            ("id", Int),
            ("code", Text),
            ("title", Text),
            ("start_date", Text),
            ("start_on", Text),
            ("end_date", Text),
            ("end_on", Text),
            ("modality", Text),
            ("venue", Text),
            ("platform", Text),
            ("status", Text),
            ("requested_by", Text),
            ("value_cents", Int),
            ("participants_total", Int),
            ("participants_male", Int),
            ("participants_female", Int),
            ("countries_reached", Int),
            ("theme", Text),
            ("note", Text),
            ("summary", Text),
            ("version", Int),
        ],
    },
    TableSpec {
        name: "training_partners",
        has_id: false,
        page_by: &[],
        columns: &[
            ("training_id", Int),
            ("partner_id", Int),
            ("role", Text),
            ("position", Int),
        ],
    },
    TableSpec {
        name: "training_countries",
        has_id: false,
        page_by: &[],
        columns: &[
            ("training_id", Int),
            ("country_code", Text),
            ("position", Int),
        ],
    },
    TableSpec {
        name: "training_departments",
        has_id: false,
        page_by: &[],
        columns: &[
            ("training_id", Int),
            ("department_id", Int),
            ("position", Int),
        ],
    },
    TableSpec {
        name: "sessions",
        has_id: true,
        page_by: &["id"],
        columns: &[
            ("id", Int),
            ("training_id", Int),
            ("start_date", Text),
            ("start_on", Text),
            ("end_date", Text),
            ("end_on", Text),
            ("participants_total", Int),
            ("note", Text),
            ("version", Int),
        ],
    },
    TableSpec {
        name: "persons",
        has_id: true,
        page_by: &["id"],
        columns: &[
            ("id", Int),
            ("given_name", Text),
            ("family_name", Text),
            ("email", Text),
            ("email_key", Text),
            ("name_key", Text),
            ("gender", Text),
            ("country_code", Text),
            ("organisation", Text),
            ("department_id", Int),
            ("version", Int),
        ],
    },
    TableSpec {
        name: "attendance",
        has_id: false,
        page_by: &["training_id", "person_id", "session_key"],
        columns: &[
            ("training_id", Int),
            ("person_id", Int),
            ("session_id", Int),
            ("session_key", Int),
            ("completed", Int),
        ],
    },
    TableSpec {
        name: "published_figures",
        has_id: false,
        page_by: &[],
        columns: &[
            ("period_from", Text),
            ("period_to", Text),
            ("figure", Text),
            ("value", Int),
            ("note", Text),
        ],
    },
    TableSpec {
        name: "accounts",
        has_id: true,
        page_by: &["id"],
        columns: &[
            ("id", Int),
            ("email", Text),
            ("email_key", Text),
            ("role", Text),
            ("password_hash", Text),
            ("disabled", Int),
            ("created_at", Text),
            ("version", Int),
        ],
    },
    TableSpec {
        name: "account_scopes",
        has_id: false,
        page_by: &[],
        columns: &[("account_id", Int), ("kind", Text), ("value", Text)],
    },
    TableSpec {
        name: "api_tokens",
        has_id: true,
        page_by: &["id"],
        columns: &[
            ("id", Int),
            ("account_id", Int),
            ("token_hash", Text),
            ("label", Text),
            ("read_only", Int),
            ("created_at", Int),
            ("expires_at", Int),
            ("revoked_at", Int),
        ],
    },
    TableSpec {
        name: "audit",
        has_id: false,
        page_by: &["seq"],
        columns: &[
            ("seq", Int),
            ("at", Text),
            ("actor", Text),
            ("address", Text),
            ("action", Text),
            ("kind", Text),
            ("record_id", Int),
            ("version", Int),
            ("detail", Text),
            ("before", Text),
            ("after", Text),
            ("redacted", Int),
            ("content", Text),
            ("digest", Text),
            ("hash", Text),
        ],
    },
    TableSpec {
        name: "audit_head",
        has_id: false,
        page_by: &[],
        columns: &[("id", Int), ("seq", Int), ("hash", Text), ("sealed", Int)],
    },
    TableSpec {
        name: "corrections",
        has_id: true,
        page_by: &["id"],
        columns: &[
            ("id", Int),
            ("training_id", Int),
            ("training_version", Int),
            ("proposed_by", Text),
            ("proposed_at", Text),
            ("fields", Text),
            ("note", Text),
            ("status", Text),
            ("reviewed_by", Text),
            ("reviewed_at", Text),
            ("reason", Text),
        ],
    },
    TableSpec {
        name: "publications",
        has_id: false,
        page_by: &[],
        columns: &[
            ("slug", Text),
            ("period_from", Text),
            ("period_to", Text),
            ("title", Text),
            ("published_at", Text),
            ("published_by", Text),
            ("approved", Int),
        ],
    },
    TableSpec {
        name: "publication_files",
        has_id: false,
        page_by: &[],
        columns: &[("slug", Text), ("name", Text), ("content", Blob)],
    },
    TableSpec {
        name: "quality_rules",
        has_id: false,
        page_by: &[],
        columns: &[("rule", Text), ("enabled", Int), ("severity", Text)],
    },
    TableSpec {
        name: "period_approvals",
        has_id: true,
        page_by: &[],
        columns: &[
            ("id", Int),
            ("period_from", Text),
            ("period_to", Text),
            ("status", Text),
            ("submitted_by", Text),
            ("submitted_at", Text),
            ("approved_by", Text),
            ("approved_at", Text),
            ("reopened_by", Text),
            ("reopened_at", Text),
            ("reason", Text),
            ("approved_figures", Text),
            ("approved_report", Text),
        ],
    },
    TableSpec {
        name: "agency",
        has_id: false,
        page_by: &[],
        columns: &[
            ("id", Int),
            ("name", Text),
            ("short_name", Text),
            ("colour", Text),
            ("accent", Text),
            ("time_zone", Text),
            ("date_style", Text),
            ("logo_type", Text),
            ("logo_width", Int),
            ("logo_height", Int),
            ("logo", Blob),
        ],
    },
];

/// One cell being copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value {
    Int(Option<i64>),
    Text(Option<String>),
    Blob(Option<Vec<u8>>),
}

impl Value {
    /// The value of a key column (never NULL).
    pub(crate) fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(v) => *v,
            Value::Text(_) | Value::Blob(_) => None,
        }
    }
}
