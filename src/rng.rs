//! The one home of randomness.
//!
//! Every random number in a run comes from a stream derived from a *key*, never
//! from thread identity or from the order in which work is done, so a result is
//! bit-identical for a given seed whatever the number of threads or the chunking.
//!
//! * Parameter draws: key `(seed, draw, parameter path)`; two scenarios that
//!   share a parameter path share its draws.
//! * Transitions: key `(seed, draw, segment name, month, stage)`, a stage
//!   being named (`leave:<cell>`, `split:<destination>`,
//!   `relapse:<destination>`, `followed:<component>:<destination>`, …,
//!   MODEL.md 11.12, 12.2): each uniform is a counter-based hash of its key,
//!   so both arms read the same uniform for the same count (common random
//!   numbers), a stage that is not needed costs nothing, and a stage of a
//!   destination or component is the same whatever the order of the others.
//!   Burn-in month `t < 0` is keyed as `t + 2^32` (MODEL.md 12.4).
//!
//! * Simulated study data (a pilot's outcomes, for the value of sample
//!   information): key `(seed, draw, study tag)`.
//!
//! Segments, components and destinations are keyed by name, not position, so
//! scenarios that order them differently still share their random numbers.

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
const DOMAIN_STAGE: u64 = 0x5354_4147_4500_0003;

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

/// The part of a transition key shared by every month of one segment in one
/// draw, computed once per draw.
pub fn segment_transition_key(seed: u64, draw: u64, segment: u64) -> u64 {
    key(&[DOMAIN_TRANSITION, seed, draw, segment])
}

/// The key of one segment-month, from the segment's key of
/// [`segment_transition_key`]. Horizon months are `0, 1, …`; burn-in month
/// `t < 0` is `t + 2^32`.
#[inline]
pub fn month_key(segment_key: u64, month: i64) -> u64 {
    let month = if month < 0 { month + (1 << 32) } else { month };
    mix64(segment_key ^ month as u64)
}

/// The key of a stage, from the parts of its name (`["split", "job"]`):
/// computed once per scenario. Hashing the parts one by one keeps names
/// that contain the separator apart (`a:b` + `c` is not `a` + `b:c`).
pub fn stage_key(parts: &[&str]) -> u64 {
    parts
        .iter()
        .fold(DOMAIN_STAGE, |h, part| mix64(h ^ path_hash(part)))
}

/// The uniform of one stage of one segment-month.
#[inline]
pub fn stage_uniform(month_key: u64, stage_key: u64) -> f64 {
    open_unit(mix64(month_key ^ stage_key))
}

/// Fills `out[i]` with the uniform of stage `stages[i]` of a segment-month.
#[inline]
pub fn fill_stage_uniforms(month_key: u64, stages: &[u64], out: &mut [f64]) {
    for (u, &stage) in out.iter_mut().zip(stages) {
        *u = stage_uniform(month_key, stage);
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
        let stages = [stage_key(&["inflow"]), stage_key(&["split", "job"])];
        let month = month_key(segment_transition_key(7, 1, 0), 5);
        let mut u1 = [0.0; 2];
        let mut u2 = [0.0; 2];
        fill_stage_uniforms(month, &stages, &mut u1);
        fill_stage_uniforms(month, &stages, &mut u2);
        assert_eq!(u1, u2);
        assert_ne!(u1[0], u1[1]);
        assert_eq!(u1[1], stage_uniform(month, stages[1]));
        let other_segment = month_key(segment_transition_key(7, 1, 1), 5);
        fill_stage_uniforms(other_segment, &stages, &mut u2);
        assert_ne!(u1, u2);
    }

    #[test]
    fn months_and_stages_are_keyed_apart() {
        let segment = segment_transition_key(3, 4, path_hash("over 30"));
        // Burn-in month −1 is 2^32 − 1, apart from every horizon month.
        let keys: Vec<u64> = (-24..24).map(|t| month_key(segment, t)).collect();
        let mut unique = keys.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), keys.len());
        assert_eq!(month_key(segment, -1), mix64(segment ^ ((1u64 << 32) - 1)));
        assert_eq!(month_key(segment, 7), mix64(segment ^ 7));
        // A separator inside a name does not merge two stages.
        assert_ne!(
            stage_key(&["followed", "a:b", "c"]),
            stage_key(&["followed", "a", "b:c"])
        );
        assert_ne!(stage_key(&["split", "job"]), stage_key(&["relapse", "job"]));
    }
}
