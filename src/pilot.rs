//! Simulated pilot data for the expected value of sample information: in each
//! draw, how many of a pilot's participants and of its comparison group leave
//! benefit for the destination under study within the pilot. The two groups
//! are different persons, so their counts are drawn independently (no common
//! random numbers between them), with `rand_distr`'s binomial sampler on the
//! draw's own stream (`rng::study_stream`), so a draw's pilot does not depend
//! on the others or on the thread count.

use crate::error::Error;
use crate::rng::{path_hash, study_stream};
use rand_distr::{Binomial, Distribution};

/// Events per draw in the two groups of a pilot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PilotCounts {
    pub treated: Vec<u64>,
    pub control: Vec<u64>,
}

/// For each draw `i`: events among `n_treated` participants, each with
/// probability `p_treated[i]`, and among `n_control` persons of the comparison
/// group, each with probability `p_control[i]`. `study` names the pilot; two
/// pilots with the same name and seed see the same chance.
pub fn pilot_counts(
    seed: u64,
    study: &str,
    n_treated: u64,
    n_control: u64,
    p_treated: &[f64],
    p_control: &[f64],
) -> Result<PilotCounts, Error> {
    if p_treated.len() != p_control.len() {
        return Err(Error::Options(format!(
            "pilot: {} treated probabilities for {} control probabilities",
            p_treated.len(),
            p_control.len()
        )));
    }
    let tag = path_hash(study);
    let mut out = PilotCounts {
        treated: Vec::with_capacity(p_treated.len()),
        control: Vec::with_capacity(p_control.len()),
    };
    for (draw, (&pt, &pc)) in p_treated.iter().zip(p_control).enumerate() {
        let mut rng = study_stream(seed, draw as u64, tag);
        for (n, p, counts, group) in [
            (n_treated, pt, &mut out.treated, "treated"),
            (n_control, pc, &mut out.control, "control"),
        ] {
            let law = Binomial::new(n, p).map_err(|_| {
                Error::Options(format!(
                    "pilot: the {group} probability of draw {draw} must lie in [0, 1]; got {p}"
                ))
            })?;
            counts.push(law.sample(&mut rng));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_keyed_by_draw_and_follow_their_probabilities() {
        let draws = 4000;
        let (pt, pc) = (vec![0.3; draws], vec![0.1; draws]);
        let a = pilot_counts(1, "pilot", 200, 100, &pt, &pc).unwrap();
        let b = pilot_counts(1, "pilot", 200, 100, &pt[..10], &pc[..10]).unwrap();
        assert_eq!(a.treated[..10], b.treated[..]);
        assert_eq!(a.control[..10], b.control[..]);
        let other = pilot_counts(2, "pilot", 200, 100, &pt, &pc).unwrap();
        assert_ne!(a, other);
        let mean = |v: &[u64]| v.iter().sum::<u64>() as f64 / v.len() as f64;
        // Means within four standard errors of n·p.
        assert!((mean(&a.treated) - 60.0).abs() < 4.0 * (200.0 * 0.3 * 0.7 / 4000.0f64).sqrt());
        assert!((mean(&a.control) - 10.0).abs() < 4.0 * (100.0 * 0.1 * 0.9 / 4000.0f64).sqrt());
        let certain = pilot_counts(1, "pilot", 7, 5, &[1.0], &[0.0]).unwrap();
        assert_eq!((certain.treated[0], certain.control[0]), (7, 0));
    }

    #[test]
    fn bad_probabilities_are_errors() {
        let e = pilot_counts(1, "pilot", 10, 10, &[0.2, 1.5], &[0.1, 0.1]).unwrap_err();
        assert!(e.to_string().contains("draw 1"), "{e}");
        assert!(pilot_counts(1, "pilot", 10, 10, &[0.2], &[]).is_err());
    }
}
