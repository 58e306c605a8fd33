//! Run-time selection of an AVX2 build of the training loops.
//!
//! The default build targets baseline x86-64 (SSE2: four `f32` lanes). The
//! SGD, BPR and ALS inner loops are written so the compiler vectorises them;
//! built a second time with AVX2 and FMA enabled they use eight lanes. Which
//! build runs is decided once per call from the CPU's feature flags. SGD and
//! BPR perform the same floating-point operations in the same order in both
//! builds (no contraction, no reassociation), so their results are
//! bit-identical either way. The ALS conjugate-gradient solver fuses its
//! multiply-adds in the AVX2 + FMA build (one rounding instead of two), so
//! ALS factors differ in the last bits between CPUs with and without FMA; on
//! any one machine a fit stays deterministic for its seed.
//!
//! Code reached from the AVX2 build must be inlined into it to get the
//! features: hence `#[inline(always)]` bodies, and no closures on the hot
//! path (a closure the compiler leaves un-inlined runs without them).

/// Whether the running CPU has AVX2 and FMA (std caches the detection).
#[inline]
pub(crate) fn has_avx2() -> bool {
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
pub(crate) fn prefetch<T>(v: &[T], i: usize) {
    #[cfg(target_arch = "x86_64")]
    if let Some(x) = v.get(i) {
        // SAFETY: a prefetch is a hint with no architectural effect — it
        // cannot fault, reads nothing into the program and writes nothing —
        // and the address comes from a live reference.
        #[allow(unsafe_code)]
        unsafe {
            std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>((x as *const T).cast());
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (v, i);
}

/// Defines `$name` dispatching to a body built either with AVX2 + FMA (when
/// the CPU has them) or for the baseline target. Bodies must be
/// `#[inline(always)]` so each instance gets its own code. With
/// `=> fma: $fast, base: $body` the two builds call different instances (a
/// `const FMA: bool` parameter); with `=> $body` both call the same one.
macro_rules! avx2_dispatch {
    ($(#[$meta:meta])* $vis:vis fn $name:ident $(<$($lt:lifetime),*>)? ($($arg:ident : $ty:ty),* $(,)?) $(-> $ret:ty)? => $body:path) => {
        $crate::simd::avx2_dispatch!($(#[$meta])* $vis fn $name $(<$($lt),*>)? ($($arg: $ty),*) $(-> $ret)? => fma: $body, base: $body);
    };
    ($(#[$meta:meta])* $vis:vis fn $name:ident $(<$($lt:lifetime),*>)? ($($arg:ident : $ty:ty),* $(,)?) $(-> $ret:ty)?
        => fma: $fast:path, base: $body:path) => {
        $(#[$meta])*
        $vis fn $name $(<$($lt),*>)? ($($arg: $ty),*) $(-> $ret)? {
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx2,fma")]
                fn with_avx2 $(<$($lt),*>)? ($($arg: $ty),*) $(-> $ret)? {
                    $fast($($arg),*)
                }
                if $crate::simd::has_avx2() {
                    // SAFETY: `with_avx2` only requires AVX2 and FMA, which
                    // `has_avx2()` has just found on this CPU.
                    #[allow(unsafe_code)]
                    return unsafe { with_avx2($($arg),*) };
                }
            }
            $body($($arg),*)
        }
    };
}
pub(crate) use avx2_dispatch;
