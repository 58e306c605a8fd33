//! [`IdMap`]: external ids (strings or integers) ⇄ dense indices.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Result};

/// A fast, non-cryptographic hasher (the multiply–rotate scheme of Firefox's
/// "FxHash"). Ids come from the caller's own data, so hash flooding is not a
/// concern, and this is several times faster than SipHash on short keys.
#[derive(Default, Clone, Copy)]
pub struct FastHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl Hasher for FastHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("chunk of 8")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut buf = [0u8; 8];
            buf[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(buf) ^ ((rest.len() as u64) << 56));
        }
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(i as u64);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(i as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        // A final avalanche so that low bits (used by hashbrown) depend on all input bits.
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h
    }
}

impl FastHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

/// `HashMap` with [`FastHasher`].
pub type FastHashMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

/// A stable two-way map between external ids and dense indices `0..len`.
///
/// Indices are handed out in first-seen order and never change, so a model
/// fitted with one map can be extended with new ids without renumbering.
/// Serialises as the plain list of ids in index order.
///
/// ```
/// use shopml_core::IdMap;
/// let mut users = IdMap::new();
/// assert_eq!(users.insert("17850"), 0);
/// assert_eq!(users.insert("13047"), 1);
/// assert_eq!(users.insert("17850"), 0); // already known
/// assert_eq!(users.index(&"13047").unwrap(), 1);
/// assert_eq!(users.id(0), Some(&"17850"));
/// assert!(users.index(&"99999").is_err());
/// ```
#[derive(Clone, Debug)]
pub struct IdMap<K: Hash + Eq = String> {
    ids: Vec<K>,
    index: FastHashMap<K, usize>,
    what: &'static str,
}

impl<K: Hash + Eq + Clone> Default for IdMap<K> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: Hash + Eq + Clone> PartialEq for IdMap<K> {
    fn eq(&self, other: &Self) -> bool {
        self.ids == other.ids
    }
}

impl<K: Hash + Eq + Clone> IdMap<K> {
    /// An empty map; errors will call its ids plain `id`.
    pub fn new() -> Self {
        Self::named("id")
    }

    /// An empty map whose errors name the kind of id (`"user"`, `"item"`).
    pub fn named(what: &'static str) -> Self {
        IdMap { ids: Vec::new(), index: FastHashMap::default(), what }
    }

    /// Builds a map from ids in index order; duplicates are an error.
    pub fn from_ids(what: &'static str, ids: impl IntoIterator<Item = K>) -> Result<Self>
    where
        K: std::fmt::Debug,
    {
        let mut m = Self::named(what);
        for (pos, id) in ids.into_iter().enumerate() {
            if m.index.contains_key(&id) {
                return Err(Error::InvalidValue {
                    what: format!("{what} ids"),
                    row: pos,
                    column: None,
                    value: f64::NAN,
                    reason: format!("duplicate id {id:?}"),
                });
            }
            m.insert(id);
        }
        Ok(m)
    }

    /// The index of `id`, adding it at the end when new.
    pub fn insert(&mut self, id: K) -> usize {
        if let Some(&i) = self.index.get(&id) {
            return i;
        }
        let i = self.ids.len();
        self.ids.push(id.clone());
        self.index.insert(id, i);
        i
    }

    /// The index of `id`, or [`Error::UnknownId`].
    pub fn index<Q>(&self, id: &Q) -> Result<usize>
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + std::fmt::Debug + ?Sized,
    {
        self.get(id).ok_or_else(|| Error::UnknownId { what: self.what, id: format!("{id:?}").trim_matches('"').to_string() })
    }

    /// The index of `id`, if known.
    pub fn get<Q>(&self, id: &Q) -> Option<usize>
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.index.get(id).copied()
    }

    /// The external id at `index`.
    pub fn id(&self, index: usize) -> Option<&K> {
        self.ids.get(index)
    }

    /// All ids in index order.
    pub fn ids(&self) -> &[K] {
        &self.ids
    }

    /// Number of ids.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether the map is empty.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// What the ids are called in error messages.
    pub fn kind(&self) -> &'static str {
        self.what
    }
}

#[derive(Serialize, Deserialize)]
struct IdMapRepr<K> {
    what: String,
    ids: Vec<K>,
}

impl<K: Hash + Eq + Clone + Serialize> Serialize for IdMap<K> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        IdMapRepr { what: self.what.to_string(), ids: self.ids.clone() }.serialize(s)
    }
}

impl<'de, K: Hash + Eq + Clone + Deserialize<'de> + std::fmt::Debug> Deserialize<'de> for IdMap<K> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let repr = IdMapRepr::<K>::deserialize(d)?;
        let what = intern_kind(&repr.what);
        IdMap::from_ids(what, repr.ids).map_err(serde::de::Error::custom)
    }
}

/// Maps a serialised kind name back to a `'static` label.
fn intern_kind(s: &str) -> &'static str {
    match s {
        "user" => "user",
        "item" => "item",
        "customer" => "customer",
        "product" => "product",
        "series" => "series",
        "category" => "category",
        _ => "id",
    }
}
