//! The store's behaviour end to end: real files imported into a real SQLite database.

mod attendance;
mod backup;
mod common;
mod concurrency;
mod copy;
mod edits;
mod facts_2020;
mod failures;
mod properties;
mod read_only;
mod references;
mod xlsx;
