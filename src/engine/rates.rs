//! Transition probabilities of one segment in one month (MODEL.md 4.3–4.5,
//! 12.3), with the binomials that draw their counts.

use crate::model::DurationRun;
use crate::sampling::Binomial;
use crate::vocabulary::CELLS;

/// Exit probabilities of one segment in one month for one arm.
#[derive(Debug, Clone)]
pub(super) struct Rates {
    /// The share of the leavers that goes to each destination, `h_k / H`.
    pub share: Vec<f64>,
    /// Per duration cell: the probability of leaving benefit this month and
    /// of staying (MODEL.md 12.3: the cell's ratio multiplies every hazard);
    /// filled only when the cells have more than one ratio, else
    /// `leave_one` and `stay_one` hold them for every cell.
    pub leave_p: [f64; CELLS],
    pub stay: [f64; CELLS],
    pub leave_one: f64,
    pub stay_one: f64,
    /// Per duration run (cells sharing a ratio): the leave count's binomial.
    pub leave: Vec<Binomial>,
    /// Conditional split of the leavers: destination k among those not yet
    /// placed, in canonical order.
    pub split: Vec<Binomial>,
}

impl Rates {
    pub fn new(n_dest: usize, runs: usize) -> Self {
        Rates {
            share: vec![0.0; n_dest],
            leave_p: [0.0; CELLS],
            stay: [1.0; CELLS],
            leave_one: 0.0,
            stay_one: 1.0,
            leave: vec![Binomial::new(0.0); runs],
            split: vec![Binomial::new(0.0); n_dest],
        }
    }

    /// MODEL.md 4.3: hazards times ratios (None = 1) → exit probabilities, per
    /// duration run. `reused` says whether the binomials serve every month
    /// of a year (the untreated rates) or a single month (a treated arm's).
    pub fn compute_exits(
        &mut self,
        hazard: &[f64],
        ratio: Option<&[f64]>,
        runs: &[DurationRun],
        stochastic: bool,
        reused: bool,
    ) {
        let mut total = 0.0;
        for (k, h) in self.share.iter_mut().enumerate() {
            let r = ratio.map_or(1.0, |r| r[k]);
            // A zero hazard stays zero whatever the ratio (even an infinite one).
            *h = if hazard[k] == 0.0 { 0.0 } else { hazard[k] * r };
            total += *h;
        }
        if total.is_infinite() {
            // An unbounded hazard (a huge ratio): everyone leaves, shared
            // equally among the destinations whose hazard is unbounded.
            let n_inf = self.share.iter().filter(|h| h.is_infinite()).count() as f64;
            for h in self.share.iter_mut() {
                *h = if h.is_infinite() { 1.0 / n_inf } else { 0.0 };
            }
        } else {
            for h in self.share.iter_mut() {
                *h = if total > 0.0 { *h / total } else { 0.0 };
            }
        }
        for (run, leave) in runs.iter().zip(self.leave.iter_mut()) {
            let p = if run.ratio == 0.0 || total == 0.0 {
                0.0
            } else if total.is_infinite() {
                1.0
            } else {
                -(-total * run.ratio).exp_m1()
            };
            if runs.len() == 1 {
                (self.leave_one, self.stay_one) = (p, 1.0 - p);
            } else {
                self.leave_p[run.first..run.end].fill(p);
                self.stay[run.first..run.end].fill(1.0 - p);
            }
            if stochastic {
                *leave = binomial(p, reused);
            }
        }
        if !stochastic {
            return;
        }
        // The multinomial as a chain of binomials: how many leave, then how the
        // leavers split, destination by destination, among those not yet placed.
        let last = self.share.iter().rposition(|&p| p > 0.0);
        let mut rest: f64 = self.share.iter().sum();
        for k in 0..self.share.len() {
            // The last possible destination takes every leaver still unplaced,
            // whatever rounding did to `rest`, so persons are conserved exactly.
            let p = if Some(k) == last {
                1.0
            } else if rest > 0.0 {
                (self.share[k] / rest).min(1.0)
            } else {
                0.0
            };
            self.split[k] = binomial(p, reused);
            rest -= self.share[k];
        }
    }
}

/// Monthly relapse probabilities of the plain destination stocks (ratio 1,
/// MODEL.md 11.2), the same for every segment and arm of a draw.
#[derive(Debug, Clone)]
pub(super) struct Relapse {
    pub p: Vec<f64>,
    pub binomial: Vec<Binomial>,
}

impl Relapse {
    pub fn new() -> Self {
        Relapse {
            p: Vec::new(),
            binomial: Vec::new(),
        }
    }

    /// The probabilities of a draw's monthly relapse hazards, in place.
    pub fn refill(&mut self, relapse_hazard: &[f64]) {
        self.p.clear();
        self.p.extend(relapse_hazard.iter().map(|h| -(-h).exp_m1()));
        self.binomial.clear();
        self.binomial
            .extend(self.p.iter().map(|&p| Binomial::new(p)));
    }
}

/// A binomial with `ln q` at once if it serves many counts (`reused`), else
/// only when a count needs it. Inlined, so that it is built in place.
#[inline(always)]
pub(super) fn binomial(p: f64, reused: bool) -> Binomial {
    if reused {
        Binomial::new(p)
    } else {
        Binomial::once(p)
    }
}
