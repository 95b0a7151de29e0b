//! Finding commas 16 bytes at a time (SSE2 on x86_64, a plain loop elsewhere).
//!
//! The only `unsafe` code in attend is here (the crate denies it everywhere else), each block
//! with why it is sound.

/// Bit `i` is set when byte `i` of `b` (up to 64 bytes) is a comma.
#[cfg(target_arch = "x86_64")]
#[inline]
pub(super) fn comma_mask(b: &[u8]) -> u64 {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8,
    };
    if b.len() < 64 {
        let mut pad = [0u8; 64];
        pad[..b.len()].copy_from_slice(b);
        return comma_mask(&pad);
    }
    // SAFETY: SSE2 is part of every x86_64 target, so these instructions always exist; each
    // unaligned load reads the 16 bytes b[16k..16k + 16], inside the slice (at least 64 bytes).
    unsafe {
        let comma = _mm_set1_epi8(b',' as i8);
        let mut m = 0u64;
        for k in 0..4 {
            let v = _mm_loadu_si128(b.as_ptr().add(16 * k).cast::<__m128i>());
            m |= u64::from(_mm_movemask_epi8(_mm_cmpeq_epi8(v, comma)) as u16) << (16 * k);
        }
        m
    }
}

/// Bit `i` is set when byte `i` of `b` (up to 64 bytes) is a comma.
#[cfg(not(target_arch = "x86_64"))]
#[inline]
pub(super) fn comma_mask(b: &[u8]) -> u64 {
    let mut m = 0u64;
    for (i, &c) in b.iter().take(64).enumerate() {
        m |= u64::from(c == b',') << i;
    }
    m
}

/// Bit `i` is set when byte `i` of the 16 bytes is a comma.
#[cfg(target_arch = "x86_64")]
#[inline]
pub(super) fn comma_mask16(b: &[u8]) -> u32 {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8,
    };
    assert!(b.len() >= 16);
    // SAFETY: SSE2 is part of every x86_64 target; the load reads b[0..16], inside the slice.
    unsafe {
        let v = _mm_loadu_si128(b.as_ptr().cast::<__m128i>());
        _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(b',' as i8))) as u32 & 0xFFFF
    }
}

/// Bit `i` is set when byte `i` of the 16 bytes is a comma.
#[cfg(not(target_arch = "x86_64"))]
#[inline]
pub(super) fn comma_mask16(b: &[u8]) -> u32 {
    let mut m = 0u32;
    for (i, &c) in b[..16].iter().enumerate() {
        m |= u32::from(c == b',') << i;
    }
    m
}
