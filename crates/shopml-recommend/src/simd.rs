//! Run-time selection of an AVX2 build of the training loops.
//!
//! The default build targets baseline x86-64 (SSE2: four `f32` lanes). The
//! SGD, BPR and ALS inner loops are written so the compiler vectorises them;
//! built a second time with AVX2 enabled they use eight lanes. Which build
//! runs is decided once per call from the CPU's feature flags. Both builds
//! perform the same floating-point operations in the same order (no FMA
//! contraction, no reassociation), so results are bit-identical either way.

/// Whether the running CPU has AVX2 (std caches the detection).
#[inline]
pub(crate) fn has_avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::is_x86_feature_detected!("avx2")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Defines `$name` dispatching to `$body` built either with AVX2 (when the
/// CPU has it) or for the baseline target. `$body` must be
/// `#[inline(always)]` so each instance gets its own code.
macro_rules! avx2_dispatch {
    ($(#[$meta:meta])* $vis:vis fn $name:ident $(<$($lt:lifetime),*>)? ($($arg:ident : $ty:ty),* $(,)?) $(-> $ret:ty)? => $body:path) => {
        $(#[$meta])*
        #[allow(clippy::too_many_arguments)]
        $vis fn $name $(<$($lt),*>)? ($($arg: $ty),*) $(-> $ret)? {
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx2")]
                #[allow(clippy::too_many_arguments)]
                fn with_avx2 $(<$($lt),*>)? ($($arg: $ty),*) $(-> $ret)? {
                    $body($($arg),*)
                }
                if $crate::simd::has_avx2() {
                    // SAFETY: `with_avx2` only requires AVX2, which `has_avx2()`
                    // has just found on this CPU.
                    #[allow(unsafe_code)]
                    return unsafe { with_avx2($($arg),*) };
                }
            }
            $body($($arg),*)
        }
    };
}
pub(crate) use avx2_dispatch;
