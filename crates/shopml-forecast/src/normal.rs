//! The standard normal distribution: density, CDF, quantile and the standard
//! normal loss function used by fill-rate safety stocks.
//!
//! The quantile is Wichura's algorithm AS 241 (`PPND16`, Applied Statistics
//! 37(3), 1988), accurate to about 1e-16 in relative terms. The CDF uses the
//! complementary error function from W. J. Cody's rational Chebyshev
//! approximations (Math. Comp. 23, 1969), accurate to about 1e-15.

// The published coefficients are kept digit for digit as printed.
#![allow(clippy::excessive_precision)]

use shopml_core::Error;

const SQRT_2: f64 = std::f64::consts::SQRT_2;

/// Standard normal density φ(z).
pub fn pdf(z: f64) -> f64 {
    (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

/// Standard normal cumulative distribution Φ(z).
pub fn cdf(z: f64) -> f64 {
    0.5 * erfc(-z / SQRT_2)
}

/// Complementary error function (Cody 1969), relative error below ~1e-15.
pub fn erfc(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    let ax = x.abs();
    let r = if ax < 0.5 {
        // erf by a rational function in x².
        const A: [f64; 5] =
            [3.161_123_743_870_565_6, 113.864_154_151_050_16, 377.485_237_685_302_1, 3_209.377_589_138_469_4, 0.185_777_706_184_603_15];
        const B: [f64; 4] = [23.601_290_952_344_122, 244.024_637_934_444_17, 1_282.616_526_077_372_3, 2_844.236_833_439_170_6];
        let z = x * x;
        let mut num = A[4] * z;
        let mut den = z;
        for i in 0..3 {
            num = (num + A[i]) * z;
            den = (den + B[i]) * z;
        }
        let erf = x * (num + A[3]) / (den + B[3]);
        return 1.0 - erf;
    } else if ax < 4.0 {
        const C: [f64; 9] = [
            0.564_188_496_988_670_1,
            8.883_149_794_388_376,
            66.119_190_637_141_63,
            298.635_138_197_400_1,
            881.952_221_241_769,
            1_712.047_612_634_070_7,
            2_051.078_377_826_071_6,
            1_230.339_354_797_997_2,
            2.153_115_354_744_038_3e-8,
        ];
        const D: [f64; 8] = [
            15.744_926_110_709_835,
            117.693_950_891_312_5,
            537.181_101_862_009_9,
            1_621.389_574_566_690_3,
            3_290.799_235_733_459_7,
            4_362.619_090_143_247,
            3_439.367_674_143_721_6,
            1_230.339_354_803_749_5,
        ];
        let mut num = C[8] * ax;
        let mut den = ax;
        for i in 0..7 {
            num = (num + C[i]) * ax;
            den = (den + D[i]) * ax;
        }
        let r = (num + C[7]) / (den + D[7]);
        gauss_tail(ax) * r
    } else {
        const P: [f64; 6] = [
            0.305_326_634_961_232_36,
            0.360_344_899_949_804_45,
            0.125_781_726_111_229_25,
            0.016_083_785_148_742_275,
            6.587_491_615_298_378e-4,
            0.016_315_387_137_302_097,
        ];
        const Q: [f64; 5] = [
            2.568_520_192_289_822,
            1.872_952_849_923_460_4,
            0.527_905_102_951_428_4,
            0.060_518_341_312_441_32,
            0.002_335_204_976_268_691_8,
        ];
        if ax >= 26.6 {
            0.0
        } else {
            let z = 1.0 / (ax * ax);
            let mut num = P[5] * z;
            let mut den = z;
            for i in 0..4 {
                num = (num + P[i]) * z;
                den = (den + Q[i]) * z;
            }
            let r = z * (num + P[4]) / (den + Q[4]);
            let r = (1.0 / std::f64::consts::PI.sqrt() - r) / ax;
            gauss_tail(ax) * r
        }
    };
    if x < 0.0 { 2.0 - r } else { r }
}

/// exp(−x²) computed in two parts to limit cancellation, as Cody recommends.
fn gauss_tail(ax: f64) -> f64 {
    let ysq = (ax * 16.0).trunc() / 16.0;
    let del = (ax - ysq) * (ax + ysq);
    (-ysq * ysq).exp() * (-del).exp()
}

/// Standard normal quantile Φ⁻¹(p) for `p` in `(0, 1)` (Wichura's AS 241).
pub fn quantile(p: f64) -> Result<f64, Error> {
    if !(p > 0.0 && p < 1.0) {
        return Err(Error::param("probability", format!("must lie in (0, 1), got {p}")));
    }
    Ok(ppnd16(p))
}

fn poly(c: &[f64], x: f64) -> f64 {
    c.iter().rev().fold(0.0, |acc, &v| acc * x + v)
}

fn ppnd16(p: f64) -> f64 {
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180625 - q * q;
        const A: [f64; 8] = [
            3.387_132_872_796_366_5,
            133.141_667_891_784_38,
            1_971.590_950_306_551_3,
            13_731.693_765_509_461,
            45_921.953_931_549_87,
            67_265.770_927_008_7,
            33_430.575_583_588_13,
            2_509.080_928_730_122_7,
        ];
        const B: [f64; 8] = [
            1.0,
            42.313_330_701_600_91,
            687.187_007_492_057_9,
            5_394.196_021_424_751,
            21_213.794_301_586_597,
            39_307.895_800_092_71,
            28_729.085_735_721_943,
            5_226.495_278_852_545,
        ];
        return q * poly(&A, r) / poly(&B, r);
    }
    let r = if q < 0.0 { p } else { 1.0 - p };
    let r = (-r.ln()).sqrt();
    let val = if r <= 5.0 {
        let r = r - 1.6;
        const C: [f64; 8] = [
            1.423_437_110_749_683_5,
            4.630_337_846_156_546,
            5.769_497_221_460_691,
            3.647_848_324_763_204_5,
            1.270_458_252_452_368_4,
            0.241_780_725_177_450_6,
            0.022_723_844_989_269_184,
            7.745_450_142_783_414e-4,
        ];
        const D: [f64; 8] = [
            1.0,
            2.053_191_626_637_759,
            1.676_384_830_183_803_8,
            0.689_767_334_985_1,
            0.148_103_976_427_480_08,
            0.015_198_666_563_616_457,
            5.475_938_084_995_345e-4,
            1.050_750_071_644_416_9e-9,
        ];
        poly(&C, r) / poly(&D, r)
    } else {
        let r = r - 5.0;
        const E: [f64; 8] = [
            6.657_904_643_501_103,
            5.463_784_911_164_114,
            1.784_826_539_917_291_3,
            0.296_560_571_828_504_87,
            0.026_532_189_526_576_124,
            0.001_242_660_947_388_078_4,
            2.711_555_568_743_487_6e-5,
            2.010_334_399_292_288_1e-7,
        ];
        const F: [f64; 8] = [
            1.0,
            0.599_832_206_555_888,
            0.136_929_880_922_735_8,
            0.014_875_361_290_850_615,
            7.868_691_311_456_133e-4,
            1.846_318_317_510_054_8e-5,
            1.421_511_758_316_446e-7,
            2.043_263_468_024_201e-15,
        ];
        poly(&E, r) / poly(&F, r)
    };
    if q < 0.0 { -val } else { val }
}

/// Standard normal loss function `G(z) = E[(Z − z)⁺] = φ(z) − z (1 − Φ(z))`:
/// the expected shortage per unit standard deviation when the buffer is `z`.
pub fn loss(z: f64) -> f64 {
    // 1 − Φ(z) = erfc(z/√2)/2 directly, to keep precision in the upper tail.
    pdf(z) - z * 0.5 * erfc(z / SQRT_2)
}

/// Inverse of the loss function: the `z` with `G(z) = g`, for `g > 0`
/// (Newton steps on the monotone, convex `G`, since `G'(z) = Φ(z) − 1`).
pub fn loss_inverse(g: f64) -> Result<f64, Error> {
    if !(g > 0.0 && g.is_finite()) {
        return Err(Error::param("expected_shortage", format!("must be a finite number > 0, got {g}")));
    }
    // Bracket then bisect-safeguarded Newton.
    let (mut lo, mut hi) = (-40.0_f64, 40.0_f64);
    let mut z = if g >= loss(0.0) { -g } else { 0.0 };
    for _ in 0..200 {
        let f = loss(z) - g;
        if f > 0.0 {
            lo = z;
        } else {
            hi = z;
        }
        let d = -0.5 * erfc(z / SQRT_2);
        let mut next = if d.abs() > 1e-300 { z - f / d } else { 0.5 * (lo + hi) };
        if !(next > lo && next < hi) {
            next = 0.5 * (lo + hi);
        }
        if (next - z).abs() < 1e-13 * (1.0 + z.abs()) {
            return Ok(next);
        }
        z = next;
    }
    Ok(z)
}
