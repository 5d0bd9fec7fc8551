//! The audit trail's chain: what an entry holds, the digest over its content and the hash that
//! links it to its predecessor, and the check that walks the chain and names the first entry
//! that was altered, removed or put in. Pure: the store keeps the entries, this says whether
//! they hold together.

use sha2::{Digest, Sha256};

/// One entry of the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Entry {
    /// Its place in the chain, from 1 with no gap.
    pub seq: i64,
    /// When, RFC 3339 in UTC.
    pub at: String,
    /// Who: an account's e-mail, or the login name of whoever ran cadre on the machine.
    pub actor: String,
    /// Where the request came from, when one did.
    pub address: String,
    /// What was done: `created`, `updated`, `deleted`, `merged`, `imported`, `signed-in`, ...
    pub action: String,
    /// What it was done to: `training`, `session`, `partner`, `participant`, `account`, ...
    pub kind: String,
    pub record_id: Option<i64>,
    /// The version the record was left at.
    pub version: Option<i64>,
    pub detail: String,
    /// The record before and after, as JSON (empty when there was none).
    pub before: String,
    pub after: String,
    /// Its detail, before and after were erased with a person's identity; their digest is the
    /// original's.
    pub redacted: bool,
    pub content_digest: String,
    pub digest: String,
    pub hash: String,
}

/// The SHA-256 of what an entry says of the record (detail, before, after), in hex: what erasing
/// a person's identity removes, so it is hashed apart and its digest kept.
pub fn content_digest(e: &Entry) -> String {
    let mut h = Sha256::new();
    for s in [&e.detail, &e.before, &e.after] {
        put(&mut h, s);
    }
    hex(&h.finalize())
}

/// The SHA-256 of the whole entry, in hex: its facts and its content's digest.
pub fn digest(e: &Entry) -> String {
    let mut h = Sha256::new();
    for s in [
        &e.seq.to_string(),
        &e.at,
        &e.actor,
        &e.address,
        &e.action,
        &e.kind,
        &e.record_id.map(|n| n.to_string()).unwrap_or_default(),
        &e.version.map(|n| n.to_string()).unwrap_or_default(),
        &e.content_digest,
    ] {
        put(&mut h, s);
    }
    hex(&h.finalize())
}

/// Each field is written with its length first, so no two different entries give the same
/// bytes (a field cannot end early inside the next).
fn put(h: &mut Sha256, s: &str) {
    h.update((s.len() as u64).to_be_bytes());
    h.update(s.as_bytes());
}

/// The hash that links an entry (by its digest) to its predecessor's hash (empty for the first).
pub fn link(previous: &str, digest: &str) -> String {
    let mut h = Sha256::new();
    h.update(previous.as_bytes());
    h.update(b"\n");
    h.update(digest.as_bytes());
    hex(&h.finalize())
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Sets an entry's digest and hash, as the store does when it appends it after `previous`.
pub fn seal(e: &mut Entry, previous: &str) {
    e.content_digest = content_digest(e);
    e.digest = digest(e);
    e.hash = link(previous, &e.digest);
}

/// Why the chain does not hold, at the first entry where it breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Broken {
    #[error("entry {seq} was altered: its content does not give the digest it carries")]
    Altered { seq: i64 },
    #[error("entry {seq} does not follow the one before it: an entry before it was altered, removed or put in")]
    Unlinked { seq: i64 },
    #[error("entry {expected} is missing: the next entry kept is {found}")]
    Removed { expected: i64, found: i64 },
    #[error(
        "the trail ends at entry {last}, but {head} entries were written: the last were removed"
    )]
    Truncated { last: i64, head: i64 },
    #[error("the trail's last hash is not the one recorded when entry {head} was written")]
    HeadMismatch { head: i64 },
}

/// Walks the chain one entry at a time, in order, and stops at the first fault.
#[derive(Debug, Default)]
pub struct Verifier {
    last_seq: i64,
    last_hash: String,
    checked: u64,
}

impl Verifier {
    pub fn new() -> Verifier {
        Verifier::default()
    }

    /// Checks the next entry.
    pub fn check(&mut self, e: &Entry) -> Result<(), Broken> {
        let expected = self.last_seq + 1;
        if e.seq != expected {
            return Err(Broken::Removed {
                expected,
                found: e.seq,
            });
        }
        // A redacted entry's content is gone; its digest stands for it, and the rest of the
        // entry is still checked against the digest first written.
        if (!e.redacted && content_digest(e) != e.content_digest) || digest(e) != e.digest {
            return Err(Broken::Altered { seq: e.seq });
        }
        if link(&self.last_hash, &e.digest) != e.hash {
            return Err(Broken::Unlinked { seq: e.seq });
        }
        self.last_seq = e.seq;
        self.last_hash = e.hash.clone();
        self.checked += 1;
        Ok(())
    }

    /// Checks that the walk ended where the trail's head says the last append did.
    pub fn finish(&self, head_seq: i64, head_hash: &str) -> Result<u64, Broken> {
        if self.last_seq < head_seq {
            return Err(Broken::Truncated {
                last: self.last_seq,
                head: head_seq,
            });
        }
        if self.last_seq > 0 && self.last_hash != head_hash {
            return Err(Broken::HeadMismatch { head: head_seq });
        }
        Ok(self.checked)
    }

    /// The hash of the last entry checked.
    pub fn last_hash(&self) -> &str {
        &self.last_hash
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<Entry> {
        let mut out: Vec<Entry> = Vec::new();
        for seq in 1..=n {
            let mut e = Entry {
                seq,
                at: format!("2026-12-01T10:00:{seq:02}Z"),
                actor: "coordinator@example.org".into(),
                action: "updated".into(),
                kind: "training".into(),
                record_id: Some(seq * 10),
                version: Some(2),
                before: r#"{"title":"Old"}"#.into(),
                after: r#"{"title":"New"}"#.into(),
                ..Entry::default()
            };
            let previous = out.last().map(|p| p.hash.clone()).unwrap_or_default();
            seal(&mut e, &previous);
            out.push(e);
        }
        out
    }

    fn verify(entries: &[Entry], head: (i64, &str)) -> Result<u64, Broken> {
        let mut v = Verifier::new();
        for e in entries {
            v.check(e)?;
        }
        v.finish(head.0, head.1)
    }

    #[test]
    fn an_untouched_chain_verifies() {
        let c = chain(5);
        assert_eq!(verify(&c, (5, &c[4].hash)), Ok(5));
        assert_eq!(verify(&[], (0, "")), Ok(0));
    }

    #[test]
    fn an_edited_entry_is_named() {
        let mut c = chain(5);
        c[2].after = r#"{"title":"Forged"}"#.into();
        assert_eq!(
            verify(&c, (5, &c[4].hash.clone())),
            Err(Broken::Altered { seq: 3 })
        );
        // Rewriting its digest too breaks the link instead.
        let mut c = chain(5);
        c[2].actor = "someone-else".into();
        c[2].content_digest = content_digest(&c[2]);
        c[2].digest = digest(&c[2]);
        assert_eq!(
            verify(&c, (5, &c[4].hash.clone())),
            Err(Broken::Unlinked { seq: 3 })
        );
    }

    #[test]
    fn a_removed_entry_is_named() {
        let mut c = chain(5);
        c.remove(1);
        assert_eq!(
            verify(&c, (5, &c[3].hash.clone())),
            Err(Broken::Removed {
                expected: 2,
                found: 3
            })
        );
        let c = chain(5);
        assert_eq!(
            verify(&c[..3], (5, &c[4].hash)),
            Err(Broken::Truncated { last: 3, head: 5 })
        );
    }

    #[test]
    fn a_chain_rebuilt_after_removal_does_not_match_the_head() {
        let c = chain(5);
        let head = c[4].hash.clone();
        // Removing entry 5 and claiming the head is entry 4 still leaves the recorded hash.
        assert_eq!(
            verify(&c[..4], (4, &head)),
            Err(Broken::HeadMismatch { head: 4 })
        );
    }

    #[test]
    fn a_redacted_entry_still_verifies_but_not_a_forged_one() {
        let mut c = chain(3);
        c[1].before.clear();
        c[1].after.clear();
        c[1].redacted = true;
        assert_eq!(verify(&c, (3, &c[2].hash.clone())), Ok(3));
        // Marking an entry redacted does not let its actor be changed.
        c[1].actor = "forged".into();
        assert_eq!(
            verify(&c, (3, &c[2].hash.clone())),
            Err(Broken::Altered { seq: 2 })
        );
    }

    #[test]
    fn fields_cannot_run_into_each_other() {
        let a = Entry {
            actor: "ab".into(),
            address: "c".into(),
            before: "x".into(),
            ..Entry::default()
        };
        let b = Entry {
            actor: "a".into(),
            address: "bc".into(),
            after: "x".into(),
            ..Entry::default()
        };
        assert_ne!(digest(&a), digest(&b));
        assert_ne!(content_digest(&a), content_digest(&b));
    }
}
