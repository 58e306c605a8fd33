//! One run-time dispatch to AVX2 + FMA builds of hot loops, shared by the
//! crates that have them (segment's distance kernel, recommend's SGD, BPR and
//! ALS loops).
//!
//! The default build targets baseline x86-64 (SSE2). A hot loop written so
//! the compiler vectorises it is compiled a second time with AVX2 and FMA
//! enabled, and [`avx2_dispatch!`](crate::avx2_dispatch) picks the build once
//! per call from [`has_avx2_fma`] (std caches the CPUID answer). Code reached
//! from the AVX2 build must be inlined into it to get the features: bodies are
//! `#[inline(always)]` and the hot path has no closures (a closure the
//! compiler leaves un-inlined runs without the features).
//!
//! Whether the AVX2 build rounds like the baseline one is the body's choice:
//! with `=> fma: a, base: b` the two builds call different instances (e.g. a
//! `const FMA: bool` parameter that fuses multiply-adds only in `a`), with
//! `=> body` both call the same instance and, without contraction or
//! reassociation, give bit-identical results.

/// Whether the running CPU has AVX2 and FMA (always `false` off x86-64).
#[inline]
pub fn has_avx2_fma() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Asks the CPU to start loading the cache line that holds `v[i]` (nothing
/// happens when `i` is out of range). Only a hint: results never depend on it.
#[inline(always)]
pub fn prefetch<T>(v: &[T], i: usize) {
    #[cfg(target_arch = "x86_64")]
    if let Some(x) = v.get(i) {
        // SAFETY: a prefetch is a hint with no architectural effect — it
        // cannot fault, reads nothing into the program and writes nothing —
        // and the address comes from a live reference. SSE (which provides
        // `_mm_prefetch`) is part of the x86-64 baseline.
        #[allow(unsafe_code)]
        unsafe {
            std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>((x as *const T).cast());
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (v, i);
}

/// Defines `fn $name` that runs `$body` built with AVX2 + FMA enabled when
/// [`has_avx2_fma`](crate::simd::has_avx2_fma) finds them, and built for the
/// baseline target otherwise.
///
/// Forms (generics are lifetimes, then type parameters with one bound each):
///
/// ```text
/// avx2_dispatch!(fn name<'a, F: Bound>(x: T, ..) -> R => body);
/// avx2_dispatch!(fn name(x: T, ..) -> R => fma: fast_body, base: base_body);
/// ```
///
/// `body`, `fast_body` and `base_body` are expressions naming functions
/// (turbofish allowed, e.g. `kernel::<F, true>`); they must be
/// `#[inline(always)]` so the AVX2 instance gets its own code.
///
/// ```
/// #[inline(always)]
/// fn sum_body(v: &[f32]) -> f32 {
///     v.iter().sum()
/// }
/// shopml_core::avx2_dispatch!(fn sum(v: &[f32]) -> f32 => sum_body);
/// assert_eq!(sum(&[1.0, 2.0, 3.0]), 6.0);
/// ```
#[macro_export]
macro_rules! avx2_dispatch {
    ($(#[$meta:meta])* $vis:vis fn $name:ident $(<$($lt:lifetime),* $(,)? $($ty:ident : $bound:path),*>)? ($($arg:ident : $argty:ty),* $(,)?) $(-> $ret:ty)? => $body:expr) => {
        $crate::avx2_dispatch!($(#[$meta])* $vis fn $name $(<$($lt),* , $($ty : $bound),*>)? ($($arg: $argty),*) $(-> $ret)? => fma: $body, base: $body);
    };
    ($(#[$meta:meta])* $vis:vis fn $name:ident $(<$($lt:lifetime),* $(,)? $($ty:ident : $bound:path),*>)? ($($arg:ident : $argty:ty),* $(,)?) $(-> $ret:ty)?
        => fma: $fast:expr, base: $base:expr) => {
        $(#[$meta])*
        $vis fn $name $(<$($lt,)* $($ty: $bound),*>)? ($($arg: $argty),*) $(-> $ret)? {
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx2,fma")]
                fn with_avx2 $(<$($lt,)* $($ty: $bound),*>)? ($($arg: $argty),*) $(-> $ret)? {
                    ($fast)($($arg),*)
                }
                if $crate::simd::has_avx2_fma() {
                    // SAFETY: `with_avx2` requires only AVX2 and FMA, which
                    // `has_avx2_fma()` has just found on the running CPU.
                    #[allow(unsafe_code)]
                    return unsafe { with_avx2($($arg),*) };
                }
            }
            ($base)($($arg),*)
        }
    };
}

#[cfg(test)]
mod tests {
    #[inline(always)]
    fn dot_body<const FMA: bool>(a: &[f64], b: &[f64]) -> f64 {
        a.iter().zip(b).fold(0.0, |s, (x, y)| if FMA { x.mul_add(*y, s) } else { x * y + s })
    }
    trait Scalar: Copy + std::ops::Mul<Output = Self> {}
    impl Scalar for i64 {}
    #[inline(always)]
    #[allow(clippy::needless_lifetimes)] // the macro's lifetime form is what is tested
    fn scale_body<'a, T: Scalar>(v: &'a mut [T], k: T) -> &'a [T] {
        for x in v.iter_mut() {
            *x = *x * k;
        }
        v
    }
    crate::avx2_dispatch!(fn dot(a: &[f64], b: &[f64]) -> f64 => fma: dot_body::<true>, base: dot_body::<false>);
    crate::avx2_dispatch!(fn scale<'a, T: Scalar>(v: &'a mut [T], k: T) -> &'a [T] => scale_body);

    #[test]
    fn both_builds_compute_the_same_exact_sums() {
        // Small integers: exact with or without fused multiply-adds.
        assert_eq!(dot(&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0]), 32.0);
        let mut v = [1i64, -2, 3];
        assert_eq!(scale(&mut v, 3), &[3, -6, 9]);
        super::prefetch(&v, 99);
        super::prefetch(&v, 0);
    }
}
