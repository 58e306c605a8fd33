//! Choosing the number of segments: fit k-means for every `k` in a range and
//! score each fit four ways, then recommend one `k` and say why.

use std::ops::RangeInclusive;

use ndarray::ArrayView2;
use serde::{Deserialize, Serialize};
use shopml_core::Params;

use crate::error::{Result, SegmentError};
use crate::params::KMeansParams;
use crate::quality;

/// The scores of one `k`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KScore {
    /// Number of clusters.
    pub k: usize,
    /// Inertia of the best of `n_init` runs (lower is better, always falls with `k`).
    #[serde(with = "shopml_core::serde_float")]
    pub inertia: f64,
    /// Mean silhouette (higher is better, in `[-1, 1]`).
    #[serde(with = "shopml_core::serde_float")]
    pub silhouette: f64,
    /// Whether the silhouette was computed on a sample of rows.
    pub silhouette_sampled: bool,
    /// Calinski–Harabasz index (higher is better).
    #[serde(with = "shopml_core::serde_float")]
    pub calinski_harabasz: f64,
    /// Davies–Bouldin index (lower is better).
    #[serde(with = "shopml_core::serde_float")]
    pub davies_bouldin: f64,
}

/// The outcome of [`choose_k`]. Loading from JSON checks that the
/// recommended `k` is one of the scored ones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "KChoiceRaw")]
pub struct KChoice {
    /// One score row per `k`, ascending.
    pub scores: Vec<KScore>,
    /// The recommended number of clusters.
    pub recommended: usize,
    /// Why: each criterion's pick and how the vote went.
    pub reasons: Vec<String>,
}

#[derive(Deserialize)]
struct KChoiceRaw {
    scores: Vec<KScore>,
    recommended: usize,
    reasons: Vec<String>,
}

impl TryFrom<KChoiceRaw> for KChoice {
    type Error = SegmentError;
    fn try_from(r: KChoiceRaw) -> Result<Self> {
        if !r.scores.iter().any(|s| s.k == r.recommended) {
            return Err(shopml_core::Error::param("recommended", format!("k = {} is not among the scored k", r.recommended)).into());
        }
        Ok(KChoice { scores: r.scores, recommended: r.recommended, reasons: r.reasons })
    }
}

/// The elbow of a decreasing curve: the point farthest below the straight
/// line from the first to the last point, both axes scaled to `[0, 1]`
/// (the "kneedle" idea of Satopää et al., 2011, "Finding a 'Kneedle' in a
/// haystack", ICDCS workshops).
///
/// Errors: no points ([`shopml_core::Error::EmptyInput`]), `ks` and
/// `inertia` of different lengths, `ks` not strictly increasing, or a
/// non-finite inertia.
pub fn elbow(ks: &[usize], inertia: &[f64]) -> Result<usize> {
    let m = ks.len();
    if m == 0 {
        return Err(shopml_core::Error::empty("ks").into());
    }
    if inertia.len() != m {
        return Err(shopml_core::Error::shape("inertia vs ks", format!("{m} values"), format!("{} values", inertia.len())).into());
    }
    if let Some(i) = ks.windows(2).position(|w| w[1] <= w[0]) {
        return Err(shopml_core::Error::param("ks", format!("must be strictly increasing; k = {} follows k = {}", ks[i + 1], ks[i])).into());
    }
    shopml_core::validate::finite_slice("inertia", inertia)?;
    if m < 3 {
        return Ok(ks[0]);
    }
    let (k0, k1) = (ks[0] as f64, ks[m - 1] as f64);
    let (lo, hi) = inertia.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| (a.min(v), b.max(v)));
    if hi <= lo {
        return Ok(ks[0]);
    }
    let mut best = (0usize, f64::NEG_INFINITY);
    for i in 0..m {
        let x = (ks[i] as f64 - k0) / (k1 - k0);
        let y = (inertia[i] - lo) / (hi - lo);
        let chord = ((inertia[0] - lo) / (hi - lo)) * (1.0 - x) + ((inertia[m - 1] - lo) / (hi - lo)) * x;
        let gap = chord - y;
        if gap > best.1 {
            best = (i, gap);
        }
    }
    Ok(ks[best.0])
}

/// Fits `params` (with `n_clusters` replaced) for every `k` in `ks` and
/// scores each fit by inertia, silhouette, Calinski–Harabasz and
/// Davies–Bouldin. The silhouette is exact when the data has at most
/// `silhouette_sample_size` rows, otherwise computed on that many sampled rows.
///
/// The recommendation is a vote of four picks — highest silhouette, highest
/// Calinski–Harabasz, lowest Davies–Bouldin, and the inertia elbow ([`elbow`]) —
/// with ties broken by the higher silhouette.
///
/// Errors: `ks` must start at 2 or more and be non-empty (parameter `k_range`);
/// `silhouette_sample_size` must be at least 2; the largest `k` must be below
/// the number of rows; plus every error of [`KMeansParams::fit_detailed`].
pub fn choose_k(
    params: &KMeansParams,
    x: ArrayView2<'_, f64>,
    ks: RangeInclusive<usize>,
    silhouette_sample_size: usize,
) -> Result<KChoice> {
    let (k_lo, k_hi) = (*ks.start(), *ks.end());
    if k_lo < 2 || k_hi < k_lo {
        return Err(shopml_core::Error::param("k_range", format!("need 2 ≤ start ≤ end, got {k_lo}..={k_hi}")).into());
    }
    shopml_core::validate::param::at_least("silhouette_sample_size", silhouette_sample_size, 2)?;
    params.clone().n_clusters(k_lo).check()?;
    crate::float::check_records("records", x)?;
    if k_hi >= x.nrows() {
        return Err(SegmentError::TooManyClusters { n_clusters: k_hi, n_samples: x.nrows() });
    }
    let mut scores = Vec::new();
    for k in ks {
        let fit = params.clone().n_clusters(k).fit_detailed(&x, None)?;
        let labels = fit.labels.to_vec();
        let sampled = x.nrows() > silhouette_sample_size;
        let sil = if sampled {
            quality::silhouette_sampled(x, &labels, silhouette_sample_size, params.seed ^ k as u64)?
        } else {
            quality::silhouette(x, &labels)?
        };
        scores.push(KScore {
            k,
            inertia: fit.model.inertia(),
            silhouette: sil,
            silhouette_sampled: sampled,
            calinski_harabasz: quality::calinski_harabasz(x, &labels)?,
            davies_bouldin: quality::davies_bouldin(x, &labels)?,
        });
    }
    recommend(scores)
}

fn pick(scores: &[KScore], key: impl Fn(&KScore) -> f64, higher: bool) -> usize {
    let mut best = &scores[0];
    for s in &scores[1..] {
        let better = if higher { key(s) > key(best) } else { key(s) < key(best) };
        if better {
            best = s;
        }
    }
    best.k
}

/// Turns score rows into a recommendation with reasons.
///
/// Errors: no rows ([`shopml_core::Error::EmptyInput`]) and every error of
/// [`elbow`] (rows not in increasing `k`, a non-finite inertia).
pub fn recommend(scores: Vec<KScore>) -> Result<KChoice> {
    if scores.is_empty() {
        return Err(shopml_core::Error::empty("scores").into());
    }
    let ks: Vec<usize> = scores.iter().map(|s| s.k).collect();
    let inertia: Vec<f64> = scores.iter().map(|s| s.inertia).collect();
    let by_sil = pick(&scores, |s| s.silhouette, true);
    let by_ch = pick(&scores, |s| s.calinski_harabasz, true);
    let by_db = pick(&scores, |s| s.davies_bouldin, false);
    let by_elbow = elbow(&ks, &inertia)?;
    let sil_of = |k: usize| scores.iter().find(|s| s.k == k).map_or(f64::NEG_INFINITY, |s| s.silhouette);
    let picks = [by_sil, by_ch, by_db, by_elbow];
    let mut best = (by_sil, 0usize);
    for &k in &picks {
        let votes = picks.iter().filter(|&&p| p == k).count();
        if votes > best.1 || (votes == best.1 && sil_of(k) > sil_of(best.0)) {
            best = (k, votes);
        }
    }
    let get = |k: usize| scores.iter().find(|s| s.k == k).expect("picked k is scored");
    let reasons = vec![
        format!("silhouette is highest at k = {by_sil} ({:.4})", get(by_sil).silhouette),
        format!("Calinski–Harabasz is highest at k = {by_ch} ({:.1})", get(by_ch).calinski_harabasz),
        format!("Davies–Bouldin is lowest at k = {by_db} ({:.4})", get(by_db).davies_bouldin),
        format!("the inertia curve bends most (elbow) at k = {by_elbow}"),
        format!(
            "k = {} has {} of 4 votes{}",
            best.0,
            best.1,
            if best.1 < 2 { "; no agreement, so the best silhouette among the picks decides" } else { "" }
        ),
    ];
    Ok(KChoice { scores, recommended: best.0, reasons })
}
