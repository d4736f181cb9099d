//! The one home of randomness.
//!
//! Every random number in a run comes from a stream derived from a *key*, never
//! from thread identity or from the order in which work is done, so a result is
//! bit-identical for a given seed whatever the number of threads or the chunking.
//!
//! * Parameter draws: key `(seed, draw, parameter path)`; two scenarios that
//!   share a parameter path share its draws.
//! * Transitions: key `(seed, draw, segment name, month)`; inside that stream
//!   each `(cell, stage)` has a fixed position, so both arms read the same
//!   uniform for the same binomial count (common random numbers).
//!
//! * Simulated study data (a pilot's outcomes, for the value of sample
//!   information): key `(seed, draw, study tag)`.
//!
//! Segments and components are keyed by name, not position, so scenarios that
//! order them differently still share their random numbers.

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// SplitMix64 finaliser: a bijective 64-bit mixer with good avalanche.
#[inline]
fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Stable 64-bit FNV-1a hash of a parameter path. It must never change between
/// versions or machines, which rules out `std::hash`.
pub fn path_hash(path: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in path.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    h
}

/// Domain tags keep the parameter and transition key spaces apart.
const DOMAIN_PARAMETER: u64 = 0x5041_5241_4D00_0001;
const DOMAIN_TRANSITION: u64 = 0x5452_414E_5300_0002;
const DOMAIN_STUDY: u64 = 0x5354_5544_5900_0003;

fn key(parts: &[u64]) -> u64 {
    parts.iter().fold(0u64, |h, &p| mix64(h ^ p))
}

/// A uniform in the open interval (0, 1), from the top 52 bits (so that the
/// largest value, 1 − 2⁻⁵³, is still below 1 after rounding).
#[inline]
pub fn open_unit(x: u64) -> f64 {
    ((x >> 12) as f64 + 0.5) * (1.0 / (1u64 << 52) as f64)
}

/// The uniform that decides a parameter's value in one draw.
pub fn parameter_uniform(seed: u64, draw: u64, path_hash: u64) -> f64 {
    let mut rng =
        Xoshiro256PlusPlus::seed_from_u64(key(&[DOMAIN_PARAMETER, seed, draw, path_hash]));
    open_unit(rng.next_u64())
}

/// Fills `out` with the uniforms of one segment-month of one draw. Position `i`
/// of `out` always belongs to the same `(cell, stage)`, whatever the arm.
pub fn fill_transition_uniforms(seed: u64, draw: u64, segment: u64, month: u64, out: &mut [f64]) {
    fill_month_uniforms(segment_transition_key(seed, draw, segment), month, out);
}

/// The part of a transition key shared by every month of one segment in one
/// draw, computed once per draw.
pub fn segment_transition_key(seed: u64, draw: u64, segment: u64) -> u64 {
    key(&[DOMAIN_TRANSITION, seed, draw, segment])
}

/// [`fill_transition_uniforms`] from the segment's key of
/// [`segment_transition_key`]: the same uniforms.
#[inline]
pub fn fill_month_uniforms(segment_key: u64, month: u64, out: &mut [f64]) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(mix64(segment_key ^ month));
    for u in out.iter_mut() {
        *u = open_unit(rng.next_u64());
    }
}

/// The random stream of one draw's simulated study data, keyed by the seed,
/// the draw and the study's tag (a hash of its name).
pub fn study_stream(seed: u64, draw: u64, tag: u64) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(key(&[DOMAIN_STUDY, seed, draw, tag]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_hash_is_stable() {
        // FNV-1a reference values; a change here would reshuffle every user's draws.
        assert_eq!(path_hash(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(path_hash("a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn uniforms_are_open_and_keyed() {
        let a = parameter_uniform(1, 2, path_hash("x"));
        let b = parameter_uniform(1, 2, path_hash("x"));
        let c = parameter_uniform(1, 3, path_hash("x"));
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert!(open_unit(0) > 0.0 && open_unit(u64::MAX) < 1.0);
        let mut u1 = [0.0; 8];
        let mut u2 = [0.0; 8];
        fill_transition_uniforms(7, 1, 0, 5, &mut u1);
        fill_transition_uniforms(7, 1, 0, 5, &mut u2);
        assert_eq!(u1, u2);
        fill_transition_uniforms(7, 1, 1, 5, &mut u2);
        assert_ne!(u1, u2);
        // The split key gives the stream of the whole key.
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(key(&[DOMAIN_TRANSITION, 7, 1, 0, 5]));
        assert!(u1.iter().all(|&u| u == open_unit(rng.next_u64())));
    }
}
