//! The audit trail's secret: 32 random bytes kept outside the database (a file beside an
//! SQLite database, or named by the environment), with which every digest and link of the
//! trail is keyed, and from which the key that signs its checkpoints is derived. Never shown:
//! what can be shown is its fingerprint and the checkpoints' public key.

use ed25519_dalek::{SigningKey, VerifyingKey};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// How a key file begins: a file of anything else is not a key.
const FILE_HEAD: &str = "cadre-audit-key-v1 ";

/// The secret the trail is keyed with.
#[derive(Clone, PartialEq, Eq)]
pub struct Key([u8; 32]);

/// Why a key file's text is not a key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("it is not a cadre audit key (a key file is one line: cadre-audit-key-v1 and 64 hexadecimal digits)")]
    NotAKey,
}

impl Key {
    /// A key of these bytes (the operating system's randomness, when one is made).
    pub fn from_bytes(bytes: [u8; 32]) -> Key {
        Key(bytes)
    }

    /// The key as its file holds it.
    pub fn to_file_text(&self) -> String {
        format!("{FILE_HEAD}{}\n", super::hex(&self.0))
    }

    /// Reads a key file's text, or a key given as 64 hexadecimal digits alone (from the
    /// environment).
    pub fn parse(text: &str) -> Result<Key, KeyError> {
        let text = text.trim();
        let digits = text.strip_prefix(FILE_HEAD).unwrap_or(text).trim();
        if digits.len() != 64 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(KeyError::NotAKey);
        }
        let mut bytes = [0u8; 32];
        for (i, b) in bytes.iter_mut().enumerate() {
            *b =
                u8::from_str_radix(&digits[2 * i..2 * i + 2], 16).map_err(|_| KeyError::NotAKey)?;
        }
        Ok(Key(bytes))
    }

    /// What names the key without revealing it: the first 16 hexadecimal digits of a hash of
    /// it (two installations' keys told apart, a key file matched to its database).
    pub fn fingerprint(&self) -> String {
        let mut h = Sha256::new();
        h.update(b"cadre audit key fingerprint\n");
        h.update(self.0);
        super::hex(&h.finalize()[..8])
    }

    pub(crate) fn mac(&self) -> Hmac<Sha256> {
        // HMAC takes a key of any length: this cannot fail.
        <Hmac<Sha256> as Mac>::new_from_slice(&self.0).unwrap_or_else(|_| unreachable!())
    }

    /// The Ed25519 key checkpoints are signed with: derived from the secret, so that one file
    /// holds everything that must be kept from others.
    pub(crate) fn signing_key(&self) -> SigningKey {
        let mut h = Sha256::new();
        h.update(b"cadre audit checkpoint signing key\n");
        h.update(self.0);
        SigningKey::from_bytes(&h.finalize().into())
    }

    /// The public key that checks this installation's checkpoints, in hexadecimal: safe to
    /// publish, and to give to whoever will check a checkpoint.
    pub fn public_key(&self) -> String {
        super::hex(self.signing_key().verifying_key().as_bytes())
    }

    pub(crate) fn verifying_key(&self) -> VerifyingKey {
        self.signing_key().verifying_key()
    }
}

impl std::fmt::Debug for Key {
    /// Never the key itself: a debug print may reach a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Key({})", self.fingerprint())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_reads_back_from_its_file_and_is_never_printed() {
        let key = Key::from_bytes([7; 32]);
        let text = key.to_file_text();
        assert!(text.starts_with("cadre-audit-key-v1 0707"), "{text}");
        assert_eq!(Key::parse(&text), Ok(key.clone()));
        assert_eq!(Key::parse(&"07".repeat(32)), Ok(key.clone()));
        assert!(!format!("{key:?}").contains("0707"));
        for bad in ["", "cadre-audit-key-v1 07", &"zz".repeat(32), "hello"] {
            assert_eq!(Key::parse(bad), Err(KeyError::NotAKey), "{bad}");
        }
        assert_ne!(key.public_key(), Key::from_bytes([8; 32]).public_key());
        assert_eq!(key.public_key().len(), 64);
    }
}
