//! A checkpoint: the trail's head (the number and hash of its last entry) at a moment,
//! signed with Ed25519, kept outside the database. Whoever later rewrites the trail from an
//! entry before a checkpoint cannot make it pass through the checkpoint's hash, and cannot
//! sign a new checkpoint without the key. Anyone with the public key checks one.
//!
//! The file is six lines of text:
//!
//! ```text
//! cadre audit checkpoint v1
//! seq: 1234
//! hash: 3f2a...
//! at: 2026-12-07T20:00:00Z
//! public-key: 9c1e...
//! signature: 77ab...
//! ```
//!
//! The signature is over the first four lines, each ended by a line feed.

use ed25519_dalek::{Signature, Signer, Verifier as _, VerifyingKey};

use super::Key;

const HEAD: &str = "cadre audit checkpoint v1";

/// The trail's head at a moment, signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub seq: i64,
    pub hash: String,
    /// When it was taken, RFC 3339 in UTC.
    pub at: String,
    /// The public key that signed it, in hexadecimal.
    pub public_key: String,
    pub signature: String,
}

/// Why a checkpoint cannot be taken as one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    #[error("it is not a cadre audit checkpoint: line {line} should be {expected}")]
    Format { line: usize, expected: &'static str },
    #[error("its signature is not the one its content gives: it was altered or forged")]
    BadSignature,
    #[error("it was signed with another key than this installation's (public key {theirs}, this one's {ours})")]
    OtherKey { theirs: String, ours: String },
}

fn signed_text(seq: i64, hash: &str, at: &str) -> String {
    format!("{HEAD}\nseq: {seq}\nhash: {hash}\nat: {at}\n")
}

fn unhex<const N: usize>(s: &str) -> Option<[u8; N]> {
    if s.len() != 2 * N || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut out = [0u8; N];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

impl Checkpoint {
    /// Signs the head (`seq`, `hash`) as it stood at `at`.
    pub fn sign(key: &Key, seq: i64, hash: &str, at: &str) -> Checkpoint {
        let signature = key
            .signing_key()
            .sign(signed_text(seq, hash, at).as_bytes());
        Checkpoint {
            seq,
            hash: hash.to_string(),
            at: at.to_string(),
            public_key: key.public_key(),
            signature: super::hex(&signature.to_bytes()),
        }
    }

    /// The checkpoint as its file holds it.
    pub fn to_text(&self) -> String {
        format!(
            "{}public-key: {}\nsignature: {}\n",
            signed_text(self.seq, &self.hash, &self.at),
            self.public_key,
            self.signature
        )
    }

    /// Reads a checkpoint file's text (its signature is not checked here: see
    /// [`Checkpoint::check`]).
    pub fn parse(text: &str) -> Result<Checkpoint, CheckpointError> {
        let mut lines = text.lines().map(str::trim_end);
        let mut next = |line: usize, prefix: &'static str, expected: &'static str| {
            lines
                .next()
                .and_then(|l| l.strip_prefix(prefix))
                .map(str::to_string)
                .ok_or(CheckpointError::Format { line, expected })
        };
        next(1, HEAD, HEAD)?;
        let seq = next(2, "seq: ", "seq: and the entry's number")?
            .parse()
            .map_err(|_| CheckpointError::Format {
                line: 2,
                expected: "seq: and the entry's number",
            })?;
        let hash = next(3, "hash: ", "hash: and the entry's hash")?;
        let at = next(4, "at: ", "at: and when it was taken")?;
        let public_key = next(5, "public-key: ", "public-key: and the signer's public key")?;
        let signature = next(6, "signature: ", "signature: and the signature")?;
        Ok(Checkpoint {
            seq,
            hash,
            at,
            public_key,
            signature,
        })
    }

    /// Checks the signature against a public key (in hexadecimal): the installation's own,
    /// or one published for it.
    pub fn check_with(&self, public_key: &str) -> Result<(), CheckpointError> {
        if !self.public_key.eq_ignore_ascii_case(public_key) {
            return Err(CheckpointError::OtherKey {
                theirs: self.public_key.clone(),
                ours: public_key.to_string(),
            });
        }
        let key = unhex::<32>(public_key)
            .and_then(|b| VerifyingKey::from_bytes(&b).ok())
            .ok_or(CheckpointError::BadSignature)?;
        let signature = unhex::<64>(&self.signature)
            .map(|b| Signature::from_bytes(&b))
            .ok_or(CheckpointError::BadSignature)?;
        key.verify(
            signed_text(self.seq, &self.hash, &self.at).as_bytes(),
            &signature,
        )
        .map_err(|_| CheckpointError::BadSignature)
    }

    /// Checks the signature against this installation's key.
    pub fn check(&self, key: &Key) -> Result<(), CheckpointError> {
        let ours = super::hex(key.verifying_key().as_bytes());
        self.check_with(&ours)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checkpoint_reads_back_and_any_change_breaks_its_signature() {
        let key = Key::from_bytes([3; 32]);
        let c = Checkpoint::sign(&key, 42, &"ab".repeat(32), "2026-12-07T20:00:00Z");
        let text = c.to_text();
        assert_eq!(text.lines().count(), 6);
        let back = Checkpoint::parse(&text).unwrap();
        assert_eq!(back, c);
        assert_eq!(back.check(&key), Ok(()));
        assert_eq!(back.check_with(&key.public_key()), Ok(()));
        // Another entry number, hash or time: the signature no longer holds.
        for forged in [
            text.replace("seq: 42", "seq: 41"),
            text.replace(&"ab".repeat(32), &"cd".repeat(32)),
            text.replace("20:00:00", "21:00:00"),
        ] {
            let f = Checkpoint::parse(&forged).unwrap();
            assert_eq!(
                f.check(&key),
                Err(CheckpointError::BadSignature),
                "{forged}"
            );
        }
        // Signed by another key: named as such.
        let other = Key::from_bytes([4; 32]);
        let theirs = Checkpoint::sign(&other, 42, &"ab".repeat(32), "2026-12-07T20:00:00Z");
        assert!(matches!(
            theirs.check(&key),
            Err(CheckpointError::OtherKey { .. })
        ));
        assert!(matches!(
            Checkpoint::parse("hello\n"),
            Err(CheckpointError::Format { line: 1, .. })
        ));
    }
}
