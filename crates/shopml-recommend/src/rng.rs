//! A small, fast, seedable generator for the training loops' sampling and
//! shuffling (SplitMix64; Steele, Lea & Flood 2014), where drawing millions of
//! indices per epoch through a cryptographic generator showed up in profiles.

/// SplitMix64: a tiny, fast, seedable generator for the sampling loops.
pub(crate) struct Mix(u64);

impl Mix {
    pub(crate) fn new(parts: &[u64]) -> Self {
        let mut m = Mix(0x853C_49E6_748F_EA9B);
        for &p in parts {
            m.0 ^= p;
            m.next();
        }
        m
    }
    #[inline]
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0), by Lemire's multiply-shift.
    #[inline]
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (((self.next() >> 32) * n as u64) >> 32) as usize
    }
    pub(crate) fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i + 1);
            v.swap(i, j);
        }
    }
}
