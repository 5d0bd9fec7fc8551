//! The audit trail's chain: what an entry holds, the digest over its content and the hash that
//! links it to its predecessor, and the check that walks the chain and names the first entry
//! that was altered, removed or put in. Digests and links are keyed with a secret kept outside
//! the database ([`Key`]): whoever can edit the database but not read the key cannot
//! recompute them. Checkpoints of the chain's head, signed, are kept outside it too
//! ([`Checkpoint`]). Pure: the store keeps the entries, this says whether they hold together.

mod checkpoint;
mod key;

use std::collections::{BTreeMap, HashMap};

use hmac::Mac;
use sha2::{Digest, Sha256};

pub use checkpoint::{Checkpoint, CheckpointError};
pub use key::{Key, KeyError};

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

/// The whole entry's digest, in hex: its facts and its content's digest, keyed with the
/// trail's secret (HMAC-SHA-256).
pub fn digest(e: &Entry, key: &Key) -> String {
    let mut h = key.mac();
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
        h.update(&(s.len() as u64).to_be_bytes());
        h.update(s.as_bytes());
    }
    hex(&h.finalize().into_bytes())
}

/// Each field is written with its length first, so no two different entries give the same
/// bytes (a field cannot end early inside the next).
fn put(h: &mut Sha256, s: &str) {
    h.update((s.len() as u64).to_be_bytes());
    h.update(s.as_bytes());
}

/// The hash that links an entry (by its digest) to its predecessor's hash (empty for the
/// first), keyed with the trail's secret.
pub fn link(previous: &str, digest: &str, key: &Key) -> String {
    let mut h = key.mac();
    h.update(previous.as_bytes());
    h.update(b"\n");
    h.update(digest.as_bytes());
    hex(&h.finalize().into_bytes())
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Sets an entry's digest and hash, as the store does when it appends it after `previous`.
pub fn seal(e: &mut Entry, previous: &str, key: &Key) {
    e.content_digest = content_digest(e);
    e.digest = digest(e, key);
    e.hash = link(previous, &e.digest, key);
}

/// The chain as cadre sealed it before its digests were keyed (plain SHA-256): a trail kept
/// then is checked this way once, when its database is first given a key, and sealed again
/// with the key (see the store's `reseal`).
pub mod unkeyed {
    use sha2::{Digest, Sha256};

    use super::{content_digest, hex, put, Entry};

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

    pub fn link(previous: &str, digest: &str) -> String {
        let mut h = Sha256::new();
        h.update(previous.as_bytes());
        h.update(b"\n");
        h.update(digest.as_bytes());
        hex(&h.finalize())
    }

    /// Whether an entry sealed the old way holds with `previous`; entries carried over from
    /// before the trail (never sealed, hash empty) hold as they are.
    pub fn holds(e: &Entry, previous: &str) -> bool {
        if e.hash.is_empty() {
            return true;
        }
        (e.redacted || content_digest(e) == e.content_digest)
            && digest(e) == e.digest
            && link(previous, &e.digest) == e.hash
    }
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
    #[error("entry {seq} is unsealed: it was put in without the trail's digest and link")]
    Unsealed { seq: i64 },
    #[error(
        "entries {first} to {last} come after entry {head}, the last one written: they were put in"
    )]
    PastHead { first: i64, last: i64, head: i64 },
    #[error(
        "entry {seq} was emptied as a redaction, but no erasure of its participant follows it"
    )]
    Unexplained { seq: i64 },
    #[error("the trail does not extend the checkpoint of entry {seq} ({file}): entry {seq} is not the one the checkpoint signed")]
    Checkpoint { seq: i64, file: String },
    #[error("the checkpoint of entry {seq} ({file}) is past the trail's end at entry {last}: entries were removed")]
    CheckpointPastEnd { seq: i64, last: i64, file: String },
}

/// How an erasure's entry begins its list of the other records it redacted.
pub const ERASED_PREFIX: &str = "redacted participants ";

/// Walks the chain one entry at a time, in order, and stops at the first fault.
#[derive(Debug)]
pub struct Verifier {
    key: Key,
    last_seq: i64,
    last_hash: String,
    checked: u64,
    /// Checkpoints to meet: the hash signed for each entry number, and the file it came from.
    checkpoints: BTreeMap<i64, (String, String)>,
    /// Redacted entries (the first of each participant's), to be explained by an erasure.
    redacted: BTreeMap<i64, i64>,
    /// Participants erased (and the records merged into them), and the entry that says so.
    erased: HashMap<i64, i64>,
}

impl Verifier {
    pub fn new(key: &Key) -> Verifier {
        Verifier {
            key: key.clone(),
            last_seq: 0,
            last_hash: String::new(),
            checked: 0,
            checkpoints: BTreeMap::new(),
            redacted: BTreeMap::new(),
            erased: HashMap::new(),
        }
    }

    /// The walk must pass through this checkpoint (already checked for its signature),
    /// read from `file`.
    pub fn expect(&mut self, checkpoint: &Checkpoint, file: &str) {
        self.checkpoints
            .insert(checkpoint.seq, (checkpoint.hash.clone(), file.to_string()));
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
        if e.hash.is_empty() || e.digest.is_empty() {
            return Err(Broken::Unsealed { seq: e.seq });
        }
        // A redacted entry's content is gone; its digest stands for it, and the rest of the
        // entry is still checked against the digest first written.
        if (!e.redacted && content_digest(e) != e.content_digest)
            || digest(e, &self.key) != e.digest
        {
            return Err(Broken::Altered { seq: e.seq });
        }
        if link(&self.last_hash, &e.digest, &self.key) != e.hash {
            return Err(Broken::Unlinked { seq: e.seq });
        }
        if let Some((hash, file)) = self.checkpoints.get(&e.seq) {
            if *hash != e.hash {
                return Err(Broken::Checkpoint {
                    seq: e.seq,
                    file: file.clone(),
                });
            }
        }
        if e.kind == "participant" {
            if let Some(id) = e.record_id {
                if e.redacted {
                    self.redacted.entry(id).or_insert(e.seq);
                }
                if e.action == "erased" {
                    // The erasure names the records of the person it redacted besides their
                    // own (those merged into them): `redacted participants 12, 40`.
                    self.erased.insert(id, e.seq);
                    let listed = e.detail.strip_prefix(ERASED_PREFIX).unwrap_or("");
                    for other in listed.split(", ").filter_map(|n| n.parse().ok()) {
                        self.erased.insert(other, e.seq);
                    }
                }
            }
        } else if e.redacted {
            // Only what is said of participants is ever redacted.
            return Err(Broken::Unexplained { seq: e.seq });
        }
        self.last_seq = e.seq;
        self.last_hash = e.hash.clone();
        self.checked += 1;
        Ok(())
    }

    /// Checks that the walk ended where the trail's head says the last append did, that
    /// every checkpoint was met, and that every redaction is explained by an erasure after it.
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
        if let Some((&seq, (_, file))) = self.checkpoints.range(self.last_seq + 1..).next() {
            return Err(Broken::CheckpointPastEnd {
                seq,
                last: self.last_seq,
                file: file.clone(),
            });
        }
        for (&person, &seq) in &self.redacted {
            if self.erased.get(&person).is_none_or(|&e| e <= seq) {
                return Err(Broken::Unexplained { seq });
            }
        }
        Ok(self.checked)
    }

    /// The hash of the last entry checked.
    pub fn last_hash(&self) -> &str {
        &self.last_hash
    }

    /// The number of the last entry checked.
    pub fn last_seq(&self) -> i64 {
        self.last_seq
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
            seal(&mut e, &previous, &key());
            out.push(e);
        }
        out
    }

    fn key() -> Key {
        Key::from_bytes([9; 32])
    }

    fn verify(entries: &[Entry], head: (i64, &str)) -> Result<u64, Broken> {
        let mut v = Verifier::new(&key());
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
        c[2].digest = digest(&c[2], &key());
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
        // Its digest still holds; what is missing is the erasure that explains it (a
        // training's entry is never redacted).
        assert_eq!(
            verify(&c, (3, &c[2].hash.clone())),
            Err(Broken::Unexplained { seq: 2 })
        );
        // Marking an entry redacted does not let its actor be changed.
        c[1].actor = "forged".into();
        assert_eq!(
            verify(&c, (3, &c[2].hash.clone())),
            Err(Broken::Altered { seq: 2 })
        );
    }

    #[test]
    fn a_chain_rebuilt_without_the_key_is_named() {
        // An attacker with the database but not the key: digests and links recomputed with
        // another key (or none) after changing an actor.
        let mut c = chain(4);
        let theirs = Key::from_bytes([1; 32]);
        c[1].actor = "someone-else".into();
        let mut previous = c[0].hash.clone();
        for e in &mut c[1..] {
            seal(e, &previous, &theirs);
            previous = e.hash.clone();
        }
        assert_eq!(verify(&c, (4, &previous)), Err(Broken::Altered { seq: 2 }));
        let mut c = chain(4);
        c[2].actor = "someone-else".into();
        c[2].content_digest = content_digest(&c[2]);
        c[2].digest = unkeyed::digest(&c[2]);
        c[2].hash = unkeyed::link(&c[1].hash, &c[2].digest);
        assert_eq!(
            verify(&c, (4, &c[3].hash.clone())),
            Err(Broken::Altered { seq: 3 })
        );
    }

    #[test]
    fn unsealed_entries_redactions_without_erasure_and_checkpoints_are_named() {
        let mut c = chain(3);
        c[2].hash.clear();
        c[2].digest.clear();
        assert_eq!(verify(&c, (3, "")), Err(Broken::Unsealed { seq: 3 }));

        // Entry 2 (about participant 20) emptied as if erased, with no erasure after it.
        let mut c = chain(3);
        c[1].kind = "participant".into();
        seal_from(&mut c, 1);
        c[1].before.clear();
        c[1].after.clear();
        c[1].detail.clear();
        c[1].redacted = true;
        let head = c[2].hash.clone();
        assert_eq!(verify(&c, (3, &head)), Err(Broken::Unexplained { seq: 2 }));
        // With the erasure of participant 20 after it, it holds.
        let mut erased = Entry {
            seq: 4,
            action: "erased".into(),
            kind: "participant".into(),
            record_id: Some(20),
            ..Entry::default()
        };
        seal(&mut erased, &head, &key());
        c.push(erased);
        let head = c[3].hash.clone();
        assert_eq!(verify(&c, (4, &head)), Ok(4));

        // A checkpoint met, one whose hash differs, one past the end.
        let c = chain(3);
        let at = |seq: i64, hash: &str| {
            let mut v = Verifier::new(&key());
            v.expect(
                &Checkpoint::sign(&key(), seq, hash, "2026-12-07T20:00:00Z"),
                "cp",
            );
            for e in &c {
                v.check(e)?;
            }
            v.finish(3, &c[2].hash)
        };
        assert_eq!(at(2, &c[1].hash.clone()), Ok(3));
        assert_eq!(
            at(2, &"00".repeat(32)),
            Err(Broken::Checkpoint {
                seq: 2,
                file: "cp".into()
            })
        );
        assert_eq!(
            at(7, &"00".repeat(32)),
            Err(Broken::CheckpointPastEnd {
                seq: 7,
                last: 3,
                file: "cp".into()
            })
        );
    }

    /// Seals the chain again from entry `from` (0-based), as the store would have.
    fn seal_from(c: &mut [Entry], from: usize) {
        let mut previous = if from == 0 {
            String::new()
        } else {
            c[from - 1].hash.clone()
        };
        for e in &mut c[from..] {
            seal(e, &previous, &key());
            previous = e.hash.clone();
        }
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
        assert_ne!(digest(&a, &key()), digest(&b, &key()));
        assert_ne!(content_digest(&a), content_digest(&b));
    }
}
