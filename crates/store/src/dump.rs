//! Looking at what the store holds: counts for people, and a full content listing that tests
//! use to prove a failed import changed nothing.

use sqlx::Row;

use crate::{Result, Store};

/// How many records of each kind the store holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub countries: i64,
    pub departments: i64,
    pub partners: i64,
    pub trainings: i64,
    pub sessions: i64,
    pub persons: i64,
    pub attendance: i64,
}

/// The tables holding records, in an order that respects their references.
pub const TABLES: &[&str] = &[
    "countries",
    "country_groups",
    "departments",
    "department_aliases",
    "partners",
    "trainings",
    "training_partners",
    "training_countries",
    "training_departments",
    "sessions",
    "persons",
    "attendance",
    "published_figures",
];

impl Store {
    pub async fn counts(&self) -> Result<Counts> {
        let n = |table: &str| format!("(SELECT COUNT(*) FROM {table})");
        let row = sqlx::query(&format!(
            "SELECT {} AS countries, {} AS departments, {} AS partners, {} AS trainings,
             {} AS sessions, {} AS persons, {} AS attendance",
            n("countries"),
            n("departments"),
            n("partners"),
            n("trainings"),
            n("sessions"),
            n("persons"),
            n("attendance")
        ))
        .fetch_one(&self.pool)
        .await?;
        Ok(Counts {
            countries: row.get("countries"),
            departments: row.get("departments"),
            partners: row.get("partners"),
            trainings: row.get("trainings"),
            sessions: row.get("sessions"),
            persons: row.get("persons"),
            attendance: row.get("attendance"),
        })
    }

    /// Every row of every record table as text, in a stable order: two stores hold the same
    /// records exactly when their listings are equal.
    pub async fn content(&self) -> Result<String> {
        let mut out = String::new();
        for table in TABLES {
            let columns: Vec<String> =
                sqlx::query_scalar(&format!("SELECT name FROM pragma_table_info('{table}')"))
                    .fetch_all(&self.pool)
                    .await?;
            let quoted: Vec<String> = columns.iter().map(|c| format!("quote({c})")).collect();
            let lines: Vec<String> = sqlx::query_scalar(&format!(
                "SELECT {} FROM {table} ORDER BY 1",
                quoted.join(" || ',' || ")
            ))
            .fetch_all(&self.pool)
            .await?;
            out.push_str(&format!("# {table} ({})\n", columns.join(",")));
            for line in lines {
                out.push_str(&line);
                out.push('\n');
            }
        }
        Ok(out)
    }
}
