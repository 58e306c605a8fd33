//! The secret key behind pseudonyms, and keyed hashing with HMAC-SHA-256.

use std::fmt;
use std::path::Path;

use hmac::{KeyInit, Mac};

use crate::error::{PrivacyError, Result};

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// A secret key for [`Pseudonymiser`](crate::Pseudonymiser).
///
/// The key is never printed (`Debug` shows `Key(<redacted>, fingerprint …)`),
/// has no `Serialize`/`Display`, and its bytes are overwritten when it is
/// dropped (best effort: copies the allocator or the operating system made
/// earlier are out of reach). To tell two keys apart in a log, use
/// [`Key::fingerprint`], an HMAC of a fixed label that reveals nothing about
/// the key.
///
/// Make one with e.g. `head -c 32 /dev/urandom > shop.key` and keep it out of
/// version control and out of the directory the outputs go to.
pub struct Key {
    bytes: Vec<u8>,
}

impl Key {
    /// The fewest key bytes accepted: 32, the output size of SHA-256, as
    /// RFC 2104 §3 recommends (shorter keys weaken the MAC).
    pub const MIN_LEN: usize = 32;

    /// Reads a key from a file: its raw bytes, with one trailing `\n` or
    /// `\r\n` removed (so a key written with `echo` or as a hex line works).
    ///
    /// Errors: [`PrivacyError::MissingKey`] when the file cannot be read,
    /// [`PrivacyError::KeyTooShort`] below [`Key::MIN_LEN`] bytes.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Key> {
        let path = path.as_ref();
        let mut bytes = std::fs::read(path).map_err(|source| PrivacyError::MissingKey { path: path.to_path_buf(), source })?;
        if bytes.last() == Some(&b'\n') {
            bytes.pop();
            if bytes.last() == Some(&b'\r') {
                bytes.pop();
            }
        }
        Key::from_bytes(bytes)
    }

    /// A key from bytes already in memory; [`PrivacyError::KeyTooShort`] below
    /// [`Key::MIN_LEN`] bytes.
    pub fn from_bytes(bytes: impl Into<Vec<u8>>) -> Result<Key> {
        let mut bytes = bytes.into();
        if bytes.len() < Self::MIN_LEN {
            let len = bytes.len();
            wipe(&mut bytes);
            return Err(PrivacyError::KeyTooShort { len, min: Self::MIN_LEN });
        }
        Ok(Key { bytes })
    }

    /// 16 hex digits identifying the key (HMAC-SHA-256 of a fixed label under
    /// the key): equal for equal keys, and useless for recovering the key.
    pub fn fingerprint(&self) -> String {
        hex(&hmac_sha256(&self.bytes, &[b"shopml-privacy key fingerprint"])[..8])
    }

    /// HMAC-SHA-256 of the concatenation of `parts` under this key.
    pub(crate) fn mac(&self, parts: &[&[u8]]) -> [u8; 32] {
        hmac_sha256(&self.bytes, parts)
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Key(<redacted>, fingerprint {})", self.fingerprint())
    }
}

impl Drop for Key {
    fn drop(&mut self) {
        wipe(&mut self.bytes);
    }
}

/// Overwrites a buffer with zeros in a way the optimiser keeps.
fn wipe(bytes: &mut [u8]) {
    for b in bytes.iter_mut() {
        *b = 0;
    }
    std::hint::black_box(bytes);
}

/// HMAC-SHA-256 (RFC 2104 with SHA-256; test vectors in RFC 4231) of the
/// concatenation of `parts` under `key`, computed by the `hmac` and `sha2`
/// crates.
pub(crate) fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <HmacSha256 as KeyInit>::new_from_slice(key).expect("HMAC takes keys of any length");
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

/// Lower-case hexadecimal.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// Lower-case base32 with the RFC 4648 §6 alphabet, without padding.
pub(crate) fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
    let mut s = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let mut buffer: u32 = 0;
    let mut bits = 0u32;
    for &b in bytes {
        buffer = (buffer << 8) | b as u32;
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            s.push(ALPHABET[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        s.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    /// RFC 4231 §4.2–4.8, HMAC-SHA-256 column.
    #[test]
    fn rfc4231_test_vectors() {
        let long_key = vec![0xaa; 131];
        let cases: Vec<(Vec<u8>, Vec<u8>, &str)> = vec![
            (
                vec![0x0b; 20],
                b"Hi There".to_vec(),
                "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
            ),
            (
                b"Jefe".to_vec(),
                b"what do ya want for nothing?".to_vec(),
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            ),
            (vec![0xaa; 20], vec![0xdd; 50], "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
            (
                (1u8..=25).collect(),
                vec![0xcd; 50],
                "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
            ),
            (
                long_key.clone(),
                b"Test Using Larger Than Block-Size Key - Hash Key First".to_vec(),
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
            ),
            (
                long_key,
                b"This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.".to_vec(),
                "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
            ),
        ];
        for (i, (key, data, want)) in cases.iter().enumerate() {
            assert_eq!(hex(&hmac_sha256(key, &[data])), *want, "RFC 4231 case {}", i + 1);
            // Splitting the message must not change the MAC.
            let (a, b) = data.split_at(data.len() / 2);
            assert_eq!(hex(&hmac_sha256(key, &[a, b])), *want);
        }
        // Test case 5: output truncated to 128 bits.
        let mac = hmac_sha256(&[0x0c; 20], &[b"Test With Truncation"]);
        assert_eq!(mac[..16].to_vec(), unhex("a3b6167473100ee06e0c796c2955552b"));
    }

    /// RFC 4648 §10 test vectors (upper case there, padding dropped here).
    #[test]
    fn base32_rfc4648_vectors() {
        for (input, want) in
            [("", ""), ("f", "my"), ("fo", "mzxq"), ("foo", "mzxw6"), ("foob", "mzxw6yq"), ("fooba", "mzxw6ytb"), ("foobar", "mzxw6ytboi")]
        {
            assert_eq!(base32(input.as_bytes()), want);
        }
        assert_eq!(hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
    }

    #[test]
    fn key_length_and_debug() {
        assert!(matches!(Key::from_bytes(vec![7u8; 31]), Err(PrivacyError::KeyTooShort { len: 31, min: 32 })));
        let secret = b"correct horse battery staple, 2026".to_vec();
        let key = Key::from_bytes(secret.clone()).unwrap();
        let shown = format!("{key:?}");
        assert!(!shown.contains("horse") && shown.contains("redacted"), "{shown}");
        assert!(!shown.contains(&hex(&secret)[..16]));
        assert_eq!(key.fingerprint(), Key::from_bytes(secret).unwrap().fingerprint());
        assert_ne!(key.fingerprint(), Key::from_bytes(vec![0x43u8; 32]).unwrap().fingerprint());
    }
}
