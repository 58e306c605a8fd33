//! Keyed pseudonyms for id columns.

use std::collections::HashMap;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use shopml_core::Error;

use crate::error::Result;
use crate::key::{Key, base32, hex};

/// How a pseudonym's bytes are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum PseudonymEncoding {
    /// Lower-case hexadecimal: two characters per byte.
    #[default]
    Hex,
    /// Lower-case RFC 4648 base32 without padding: eight characters per five bytes.
    Base32,
}

/// Settings of a [`Pseudonymiser`]. The key is not among them: it is passed
/// to [`Pseudonymiser::new`] separately and never stored with the settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "PseudonymiserParamsRaw")]
pub struct PseudonymiserParams {
    /// Bytes of the HMAC-SHA-256 output kept, 8..=32 (default 10 = 80 bits).
    pub length: usize,
    /// How the kept bytes are written (default hex).
    pub encoding: PseudonymEncoding,
    /// Domain label mixed into the MAC so the same raw value gets unrelated
    /// pseudonyms in different columns (`customer`, `product`, …). Default `id`.
    pub domain: String,
    /// Keep an in-memory map from pseudonym back to raw id (default off).
    pub reverse_map: bool,
}

#[derive(Deserialize)]
struct PseudonymiserParamsRaw {
    length: usize,
    encoding: PseudonymEncoding,
    domain: String,
    reverse_map: bool,
}

impl TryFrom<PseudonymiserParamsRaw> for PseudonymiserParams {
    type Error = Error;
    fn try_from(r: PseudonymiserParamsRaw) -> std::result::Result<Self, Error> {
        let p = PseudonymiserParams { length: r.length, encoding: r.encoding, domain: r.domain, reverse_map: r.reverse_map };
        p.check()?;
        Ok(p)
    }
}

impl Default for PseudonymiserParams {
    fn default() -> Self {
        PseudonymiserParams { length: 10, encoding: PseudonymEncoding::Hex, domain: "id".into(), reverse_map: false }
    }
}

impl PseudonymiserParams {
    /// Bytes of the MAC kept (8..=32).
    pub fn length(mut self, length: usize) -> Self {
        self.length = length;
        self
    }
    /// Output encoding.
    pub fn encoding(mut self, encoding: PseudonymEncoding) -> Self {
        self.encoding = encoding;
        self
    }
    /// Domain label (non-empty, no NUL byte).
    pub fn domain(mut self, domain: impl Into<String>) -> Self {
        self.domain = domain.into();
        self
    }
    /// Keep a reverse map in memory.
    pub fn reverse_map(mut self, reverse_map: bool) -> Self {
        self.reverse_map = reverse_map;
        self
    }

    /// Names the first bad setting.
    pub fn check(&self) -> std::result::Result<(), Error> {
        if !(8..=32).contains(&self.length) {
            return Err(Error::param("length", format!("{} bytes; must be 8..=32 (64 to 256 bits)", self.length)));
        }
        if self.domain.is_empty() || self.domain.contains('\0') {
            return Err(Error::param("domain", "must be non-empty and contain no NUL byte"));
        }
        Ok(())
    }
}

/// Replaces ids with keyed pseudonyms: the first [`length`](PseudonymiserParams::length)
/// bytes of HMAC-SHA-256(key, domain ‖ 0x00 ‖ id) (Bellare, Canetti & Krawczyk
/// 1996; RFC 2104), hex or base32.
///
/// Equal ids give equal pseudonyms under the same key and domain, on every run
/// and thread, so joins across tables still work; a different key gives
/// unrelated pseudonyms. Without the key the map cannot be recomputed, which is
/// what makes it safe for guessable ids (customer numbers run from 12346 to
/// 18287 in Online Retail: an unkeyed hash of each is a lookup table away, so
/// none is offered). Two distinct ids collide with probability 2^(−8·length)
/// per pair; with the default 80 bits, a million ids collide with probability
/// about 4·10⁻¹³.
///
/// With [`reverse_map`](PseudonymiserParams::reverse_map) on, every id seen is
/// kept in memory (never written anywhere by this crate) so that
/// [`Pseudonymiser::reverse`] can undo the map for the key holder.
///
/// ```
/// use shopml_privacy::{Key, Pseudonymiser, PseudonymiserParams};
/// let key = Key::from_bytes(*b"an example key of thirty-two b..").unwrap();
/// let p = Pseudonymiser::new(key, PseudonymiserParams::default().domain("customer")).unwrap();
/// let a = p.pseudonymise("17850");
/// assert_eq!(a.len(), 20);
/// assert_eq!(a, p.pseudonymise("17850"));
/// assert_ne!(a, p.pseudonymise("17851"));
/// ```
pub struct Pseudonymiser {
    key: Key,
    params: PseudonymiserParams,
    reverse: Option<Mutex<HashMap<String, String>>>,
}

impl std::fmt::Debug for Pseudonymiser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pseudonymiser").field("key", &self.key).field("params", &self.params).finish_non_exhaustive()
    }
}

impl Pseudonymiser {
    /// Checks the settings and takes ownership of the key.
    pub fn new(key: Key, params: PseudonymiserParams) -> Result<Pseudonymiser> {
        params.check()?;
        let reverse = params.reverse_map.then(|| Mutex::new(HashMap::new()));
        Ok(Pseudonymiser { key, params, reverse })
    }

    /// The settings.
    pub fn params(&self) -> &PseudonymiserParams {
        &self.params
    }

    /// The key's fingerprint (see [`Key::fingerprint`]), for run logs.
    pub fn key_fingerprint(&self) -> String {
        self.key.fingerprint()
    }

    /// The pseudonym of `id`. Records it in the reverse map when that is on.
    pub fn pseudonymise(&self, id: &str) -> String {
        let mac = self.key.mac(&[self.params.domain.as_bytes(), &[0], id.as_bytes()]);
        let kept = &mac[..self.params.length];
        let out = match self.params.encoding {
            PseudonymEncoding::Hex => hex(kept),
            PseudonymEncoding::Base32 => base32(kept),
        };
        if let Some(map) = &self.reverse {
            let mut map = map.lock().unwrap_or_else(|e| e.into_inner());
            map.entry(out.clone()).or_insert_with(|| id.to_owned());
        }
        out
    }

    /// The pseudonym of an optional id (`None` stays `None`: guest orders).
    pub fn pseudonymise_opt(&self, id: Option<&str>) -> Option<String> {
        id.map(|s| self.pseudonymise(s))
    }

    /// The raw id behind a pseudonym this pseudonymiser produced; `None` when
    /// the reverse map is off or the pseudonym was never produced.
    pub fn reverse(&self, pseudonym: &str) -> Option<String> {
        let map = self.reverse.as_ref()?;
        let map = map.lock().unwrap_or_else(|e| e.into_inner());
        map.get(pseudonym).cloned()
    }

    /// Number of distinct ids in the reverse map (0 when it is off).
    pub fn n_mapped(&self) -> usize {
        self.reverse.as_ref().map_or(0, |m| m.lock().unwrap_or_else(|e| e.into_inner()).len())
    }

    /// Length in characters of every pseudonym this produces.
    pub fn output_len(&self) -> usize {
        match self.params.encoding {
            PseudonymEncoding::Hex => 2 * self.params.length,
            PseudonymEncoding::Base32 => (8 * self.params.length).div_ceil(5),
        }
    }
}
