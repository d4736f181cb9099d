//! The monthly step for both arms of one draw (MODEL.md section 4).
//!
//! Counts are `f64` in both modes: integers in `stochastic` mode (exact up to
//! 2^53), expectations in `mean_field` mode, so one code path serves both.
//! The two arms advance in lockstep and read the same uniforms.

use crate::model::{DrawModel, Effect};
use crate::outputs::{
    BreakEven, CostPart, Layout, ARMS, EXTRA_JOB_EDUCATION, INFLOW, INVESTMENT, NET, SAVINGS,
};
use crate::rng::{fill_month_uniforms, segment_transition_key};
use crate::sampling::{self, Binomial};
use crate::vocabulary::{CELLS, LAST_CELL};
use std::sync::atomic::{AtomicBool, Ordering};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Stochastic,
    MeanField,
}

impl Mode {
    pub fn parse(s: &str) -> Option<Mode> {
        match s {
            "stochastic" => Some(Mode::Stochastic),
            "mean_field" => Some(Mode::MeanField),
            _ => None,
        }
    }
}

/// What identifies a draw's random streams.
#[derive(Debug, Clone, Copy)]
pub struct DrawKey {
    pub seed: u64,
    pub draw: u64,
}

/// Stocks of one arm: duration cells per segment, destinations per segment.
struct ArmState {
    cells: Vec<[f64; CELLS]>,
    dest: Vec<f64>,
}

/// Transition probabilities of one segment in one month for one arm.
#[derive(Debug, Clone)]
struct Rates {
    /// Probability of leaving to each destination this month.
    probs: Vec<f64>,
    /// Probability of staying on benefit: 1 − Σ probs.
    stay: f64,
    /// Whether a person leaves benefit this month.
    leave: Binomial,
    /// Conditional split of the leavers: destination k among those not yet placed.
    split: Vec<Binomial>,
    /// Monthly relapse probability per destination.
    relapse_p: Vec<f64>,
    relapse: Vec<Binomial>,
}

impl Rates {
    fn new(n_dest: usize) -> Self {
        Rates {
            probs: vec![0.0; n_dest],
            stay: 1.0,
            leave: Binomial::new(0.0),
            split: vec![Binomial::new(0.0); n_dest],
            relapse_p: vec![0.0; n_dest],
            relapse: vec![Binomial::new(0.0); n_dest],
        }
    }

    /// MODEL.md 4.3: hazards times ratios (None = 1) → exit probabilities.
    /// `reused` says whether the binomials serve every draw's month (the
    /// untreated rates) or a single month (a treated arm's).
    fn compute_exits(
        &mut self,
        hazard: &[f64],
        ratio: Option<&[f64]>,
        stochastic: bool,
        reused: bool,
    ) {
        let mut total = 0.0;
        for (k, p) in self.probs.iter_mut().enumerate() {
            *p = hazard[k] * ratio.map_or(1.0, |r| r[k]);
            total += *p;
        }
        let leave = if total.is_infinite() {
            // An unbounded hazard (a huge ratio): everyone leaves, shared
            // equally among the destinations whose hazard is unbounded.
            let n_inf = self.probs.iter().filter(|p| p.is_infinite()).count() as f64;
            for p in self.probs.iter_mut() {
                *p = if p.is_infinite() { 1.0 / n_inf } else { 0.0 };
            }
            1.0
        } else {
            let leave = -(-total).exp_m1();
            for p in self.probs.iter_mut() {
                *p = if total > 0.0 { *p / total * leave } else { 0.0 };
            }
            leave
        };
        self.stay = 1.0 - self.probs.iter().sum::<f64>();
        if !stochastic {
            return;
        }
        // The multinomial as a chain of binomials: how many leave, then how the
        // leavers split, destination by destination, among those not yet placed.
        // The leave probability serves every duration cell of the month.
        self.leave = Binomial::new(leave);
        let last = self.probs.iter().rposition(|&p| p > 0.0);
        let mut rest: f64 = self.probs.iter().sum();
        for k in 0..self.probs.len() {
            // The last possible destination takes every leaver still unplaced,
            // whatever rounding did to `rest`, so persons are conserved exactly.
            let p = if Some(k) == last {
                1.0
            } else if rest > 0.0 {
                (self.probs[k] / rest).min(1.0)
            } else {
                0.0
            };
            self.split[k] = binomial(p, reused);
            rest -= self.probs[k];
        }
    }

    /// MODEL.md 4.5: relapse hazards times ratios (None = 1) → probabilities.
    /// `known[k]` is the ratio destination `k`'s rates were last computed
    /// for (NaN: none); a destination whose ratio has not changed keeps them.
    fn compute_relapse(
        &mut self,
        relapse_hazard: &[f64],
        relapse_ratio: Option<&[f64]>,
        known: Option<&[f64]>,
        stochastic: bool,
        reused: bool,
    ) {
        for k in 0..relapse_hazard.len() {
            let ratio = relapse_ratio.map_or(1.0, |r| r[k]);
            if known.is_some_and(|known| known[k] == ratio) {
                continue;
            }
            let rate = relapse_hazard[k] * ratio;
            self.relapse_p[k] = -(-rate).exp_m1();
            if stochastic {
                self.relapse[k] = binomial(self.relapse_p[k], reused);
            }
        }
    }
}

/// A binomial with `ln q` at once if it serves many counts (`reused`), else
/// only when a count needs it. Inlined, so that it is built in place.
#[inline(always)]
fn binomial(p: f64, reused: bool) -> Binomial {
    if reused {
        Binomial::new(p)
    } else {
        Binomial::once(p)
    }
}

/// Reusable scratch space for one worker.
pub struct Workspace {
    /// `[segment][stage]` uniforms of the current month.
    uniforms: Vec<f64>,
    /// `Φ⁻¹` of each uniform, computed by the first arm that needs it (NaN until then).
    deviates: Vec<f64>,
    per_segment: usize,
    effect: Effect,
    /// Rates of each segment without the intervention: fixed for a draw.
    untreated: Vec<Rates>,
    /// Rates of each treated segment in the current month. Their relapse part
    /// is kept across months while the relapse ratios stay the same.
    treated: Vec<Rates>,
    /// The relapse ratios each segment's treated relapse rates were computed
    /// for (NaN: none yet this draw).
    treated_relapse_ratio: Vec<Vec<f64>>,
    /// Arrivals per destination and relapses per destination of the
    /// current segment-month, per arm.
    arrivals: [Vec<f64>; 2],
    relapses: [Vec<f64>; 2],
    /// Each segment's transition key in the current draw.
    segment_keys: Vec<u64>,
}

impl Workspace {
    pub fn new(n_segments: usize, n_dest: usize) -> Self {
        Workspace {
            uniforms: vec![0.0; n_segments * uniform_count(n_dest)],
            deviates: vec![f64::NAN; n_segments * uniform_count(n_dest)],
            per_segment: uniform_count(n_dest),
            effect: Effect::none(n_dest),
            untreated: vec![Rates::new(n_dest); n_segments],
            treated: vec![Rates::new(n_dest); n_segments],
            treated_relapse_ratio: vec![vec![f64::NAN; n_dest]; n_segments],
            arrivals: [vec![0.0; n_dest], vec![0.0; n_dest]],
            relapses: [vec![0.0; n_dest], vec![0.0; n_dest]],
            segment_keys: vec![0; n_segments],
        }
    }
}

/// Uniforms per segment-month, each at a fixed position: inflow; one per cell
/// for the number leaving; one per destination for splitting the month's
/// leavers; one per destination for relapse.
fn uniform_count(n_dest: usize) -> usize {
    1 + CELLS + 2 * n_dest
}

#[inline]
fn leave_stage(cell: usize) -> usize {
    1 + cell
}

/// Destination `k`'s share of the leavers not yet placed.
#[inline]
fn split_stage(k: usize) -> usize {
    1 + CELLS + k
}

#[inline]
fn relapse_stage(k: usize, n_dest: usize) -> usize {
    1 + CELLS + n_dest + k
}

/// Monthly stocks of one draw, `[arm][month][state]`, for fan charts.
pub struct PathSink<'a> {
    pub out: &'a mut [f64],
}

/// Simulates one draw and writes its row (see [`Layout`]); when `paths` is
/// given, also the measured stock of every month, state and arm. Returns
/// `false` if `cancel` was set before the draw finished (checked every month,
/// so even a very long draw stops promptly).
#[allow(clippy::too_many_arguments)]
pub fn simulate_draw(
    m: &DrawModel,
    mode: Mode,
    key: DrawKey,
    layout: &Layout,
    ws: &mut Workspace,
    row: &mut [f64],
    mut paths: Option<PathSink>,
    cancel: &AtomicBool,
) -> bool {
    row.iter_mut().for_each(|x| *x = 0.0);
    let k_n = m.n_dest;
    let n_states = k_n + 1;
    let stochastic = mode == Mode::Stochastic;
    let mut arms: Vec<ArmState> = ARMS
        .iter()
        .map(|_| ArmState {
            cells: m
                .sc
                .segments
                .iter()
                .map(|s| {
                    let mut c = [0.0; CELLS];
                    c[s.initial_cell] = if stochastic {
                        s.initial.round_ties_even()
                    } else {
                        s.initial
                    };
                    c
                })
                .collect(),
            dest: vec![0.0; m.segments.len() * k_n],
        })
        .collect();
    for (s, rates) in ws.untreated.iter_mut().enumerate() {
        rates.compute_exits(&m.segments[s].hazard, None, stochastic, true);
        rates.compute_relapse(&m.relapse_hazard, None, None, stochastic, true);
    }
    for ratio in ws.treated_relapse_ratio.iter_mut() {
        ratio.fill(f64::NAN);
    }
    for (k, seg) in ws.segment_keys.iter_mut().zip(&m.sc.segments) {
        *k = segment_transition_key(key.seed, key.draw, seg.key);
    }
    // Whether a segment's intervention arm has ever been treated; until then
    // both arms of the segment are equal.
    let mut diverged = vec![false; m.segments.len()];
    let mut break_even = BreakEven::default();
    let mut npv = 0.0;
    let mut extra_job_education = 0.0;

    for t in 0..m.months {
        if cancel.load(Ordering::Relaxed) {
            return false;
        }
        let y = m.year_of_month[t];
        // 1. Inflow, the same draw in both arms.
        let mut inflow_total = 0.0;
        for (s, seg) in m.segments.iter().enumerate() {
            let n_in = if stochastic {
                let u = &mut ws.uniforms[s * ws.per_segment..(s + 1) * ws.per_segment];
                fill_month_uniforms(ws.segment_keys[s], t as u64, u);
                ws.deviates[s * ws.per_segment..(s + 1) * ws.per_segment].fill(f64::NAN);
                seg.inflow.quantile(u[0])
            } else {
                seg.inflow_month
            };
            inflow_total += n_in;
            for arm in arms.iter_mut() {
                arm.cells[s][0] += n_in;
            }
        }
        row[layout.shared(INFLOW, y)] += inflow_total;

        // The intervention's effect depends on B_T, the intervention arm's
        // targeted benefit stock after inflow.
        let b_t: f64 = m
            .segments
            .iter()
            .enumerate()
            .filter(|(_, s)| s.targeted)
            .map(|(s, _)| arms[1].cells[s].iter().sum::<f64>())
            .sum();
        m.effect(t, b_t, &mut ws.effect);
        let investment = ws.effect.cost - m.funding_month[y];
        row[layout.shared(INVESTMENT, y)] += investment;

        // 2. Costs on the stocks as they now stand; these are also the measured stocks.
        let mut cost = [0.0f64; 2];
        for arm in ARMS {
            let st = &arms[arm as usize];
            let (mut benefit_muni, mut benefit_state, mut benefit_stock) = (0.0, 0.0, 0.0);
            for (s, cells) in st.cells.iter().enumerate() {
                let bm = &m.benefit_municipal[s * m.n_years + y];
                let bs = &m.benefit_state[s * m.n_years + y];
                for d in 0..CELLS {
                    benefit_muni += cells[d] * bm[d];
                    benefit_state += cells[d] * bs[d];
                    benefit_stock += cells[d];
                }
            }
            row[layout.stock(arm, 0, y)] += benefit_stock;
            let path_base = (arm as usize * m.months + t) * n_states;
            if let Some(p) = paths.as_mut() {
                p.out[path_base] = benefit_stock;
            }
            let (mut dest_muni, mut dest_state) = (0.0, 0.0);
            for k in 0..k_n {
                let dk: f64 = (0..m.segments.len()).map(|s| st.dest[s * k_n + k]).sum();
                dest_muni += dk * m.sc.destinations[k].cost_month;
                dest_state += dk * m.sc.destinations[k].state_month;
                row[layout.stock(arm, 1 + k, y)] += dk;
                if let Some(p) = paths.as_mut() {
                    p.out[path_base + 1 + k] = dk;
                }
            }
            // The jobcenter's effort is the municipality's.
            let parts = [
                (
                    CostPart::Benefit,
                    m.perspective_cost(benefit_muni, benefit_state),
                ),
                (
                    CostPart::Effort,
                    m.perspective_cost(benefit_stock * m.sc.indsats_month, 0.0),
                ),
                (
                    CostPart::Destinations,
                    m.perspective_cost(dest_muni, dest_state),
                ),
            ];
            for (part, value) in parts {
                row[layout.cost_part(arm, part, y)] += value;
                cost[arm as usize] += value;
            }
            row[layout.cost(arm, y)] += cost[arm as usize];
        }
        let savings = cost[1] - cost[0];
        row[layout.shared(SAVINGS, y)] += savings;
        let net = investment + savings;
        row[layout.shared(NET, y)] += net;
        npv += net * m.discount[t];
        break_even.push(t, net);

        // 3–5. Hazards, exits, relapse, per segment, both arms on the same uniforms.
        let mut gross_job_education = [0.0f64; 2];
        for (s, seg_diverged) in diverged.iter_mut().enumerate() {
            let treated_now = ws.effect.active && m.segments[s].targeted;
            *seg_diverged |= treated_now;
            step_segment(m, s, treated_now, *seg_diverged, stochastic, ws, &mut arms);
            if !*seg_diverged {
                // Never treated so far: same start, rates and uniforms as the
                // baseline arm, so the same step; copied instead of redone.
                let (base, int) = arms.split_at_mut(1);
                int[0].cells[s] = base[0].cells[s];
                let range = s * k_n..(s + 1) * k_n;
                int[0].dest[range.clone()].copy_from_slice(&base[0].dest[range]);
            }
            for arm in ARMS {
                let stepped = if *seg_diverged { arm as usize } else { 0 };
                for k in 0..k_n {
                    let arrived = ws.arrivals[stepped][k];
                    row[layout.flow(arm, k, y)] += arrived;
                    if m.job_education.contains(&k) {
                        gross_job_education[arm as usize] += arrived;
                    }
                }
                row[layout.relapse(arm, y)] += ws.relapses[stepped].iter().sum::<f64>();
            }
        }
        extra_job_education += gross_job_education[1] - gross_job_education[0];
        let last_month_of_year = t + 1 == m.months || m.year_of_month[t + 1] != y;
        if last_month_of_year {
            row[layout.shared(EXTRA_JOB_EDUCATION, y)] = extra_job_education;
        }
    }
    // Average stocks over the months of each year.
    for arm in ARMS {
        for st in 0..n_states {
            for y in 0..m.n_years {
                let c = layout.stock(arm, st, y);
                row[c] /= m.months_in_year[y];
            }
        }
    }
    row[layout.npv()] = npv;
    row[layout.break_even()] = break_even.month(m.months);
    true
}

/// Exits and relapse of one segment for one month: in the baseline arm, and
/// in the intervention arm too if `both`. Leaves each stepped arm's arrivals
/// per destination in `ws.arrivals[arm]` and relapses in `ws.relapses[arm]`.
///
/// The two arms go through each stage together: their counts are
/// independent, so the processor overlaps the one arm's walks with the
/// other's (a stochastic Ballerup draw is about 10 % faster than with one
/// arm after the other). Hence the loops over destination and arm indices.
#[allow(clippy::needless_range_loop)]
fn step_segment(
    m: &DrawModel,
    s: usize,
    treated: bool,
    both: bool,
    stochastic: bool,
    ws: &mut Workspace,
    arms: &mut [ArmState],
) {
    let Workspace {
        uniforms,
        deviates,
        per_segment,
        effect,
        untreated,
        treated: treated_all,
        treated_relapse_ratio,
        arrivals,
        relapses,
        segment_keys: _,
    } = ws;
    // Only the intervention arm is ever treated, and a treated arm is stepped.
    debug_assert!(both || !treated);
    let k_n = m.n_dest;
    let n_arms = if both { 2 } else { 1 };
    let uniforms = &uniforms[s * *per_segment..(s + 1) * *per_segment];
    let deviates = &mut deviates[s * *per_segment..(s + 1) * *per_segment];
    let treated_rates = &mut treated_all[s];
    // A treated arm whose relapse ratios are all 1 relapses as the untreated one.
    let own_relapse = treated && effect.relapse_ratio.iter().any(|&r| r != 1.0);
    if treated {
        treated_rates.compute_exits(
            &m.segments[s].hazard,
            Some(&effect.hazard_ratio),
            stochastic,
            false,
        );
    }
    if own_relapse && treated_relapse_ratio[s] != effect.relapse_ratio {
        treated_rates.compute_relapse(
            &m.relapse_hazard,
            Some(&effect.relapse_ratio),
            Some(&treated_relapse_ratio[s]),
            stochastic,
            true,
        );
        treated_relapse_ratio[s].copy_from_slice(&effect.relapse_ratio);
    }
    let untreated = &untreated[s];
    let treated_rates: &Rates = treated_rates;
    let rates = [untreated, if treated { treated_rates } else { untreated }];
    let relapse_rates = [
        untreated,
        if own_relapse {
            treated_rates
        } else {
            untreated
        },
    ];
    // 4. Exits; stayers move up one cell.
    let mut next = [[0.0; CELLS]; 2];
    let mut leaving = [0.0; 2];
    for a in 0..n_arms {
        let cells = &arms[a].cells[s];
        arrivals[a].fill(0.0);
        if stochastic {
            // How many leave each cell; the month's leavers of the segment
            // are then split among destinations at once, since the split does
            // not depend on the cell (a sum of multinomials with equal
            // probabilities is one).
            let mut out = [0.0; CELLS];
            let stages = leave_stage(0)..leave_stage(0) + CELLS;
            rates[a].leave.quantiles(
                cells,
                &uniforms[stages.clone()],
                &mut deviates[stages],
                &mut out,
            );
            for (d, (&n, &out)) in cells.iter().zip(&out).enumerate() {
                leaving[a] += out;
                next[a][(d + 1).min(LAST_CELL)] += n - out;
            }
        } else {
            // Expected flows: the exit probabilities do not depend on the cell.
            let mut total = 0.0;
            for (d, &n) in cells.iter().enumerate() {
                total += n;
                next[a][(d + 1).min(LAST_CELL)] += n * rates[a].stay;
            }
            for (arrived, &p) in arrivals[a].iter_mut().zip(&rates[a].probs) {
                *arrived = total * p;
            }
        }
    }
    if stochastic {
        if leaving[0].max(leaving[1]) >= 64.0 {
            // A large cohort: the normal deviates of the split and relapse
            // counts first, together, so that the processor overlaps them
            // (the split is a chain: each count depends on the one before).
            // Only the stages whose counts are random in some arm: the last
            // destination of the split takes the rest, and a destination
            // without relapse has none.
            for k in 0..k_n {
                let split = split_stage(k);
                if (0..n_arms).any(|a| rates[a].split[k].is_random()) {
                    sampling::prepare_deviate(uniforms[split], &mut deviates[split]);
                }
                let relapse = relapse_stage(k, k_n);
                if (0..n_arms).any(|a| relapse_rates[a].relapse[k].is_random()) {
                    sampling::prepare_deviate(uniforms[relapse], &mut deviates[relapse]);
                }
            }
        }
        for k in 0..k_n {
            let stage = split_stage(k);
            for a in 0..n_arms {
                if leaving[a] > 0.0 {
                    let x = rates[a].split[k].quantile_with(
                        leaving[a],
                        uniforms[stage],
                        &mut deviates[stage],
                    );
                    arrivals[a][k] += x;
                    leaving[a] -= x;
                }
            }
        }
    }
    // 5. Relapse from each destination stock, this month's arrivals included.
    for k in 0..k_n {
        let stage = relapse_stage(k, k_n);
        for a in 0..n_arms {
            let p = relapse_rates[a].relapse_p[k];
            let dest = &mut arms[a].dest[s * k_n + k];
            *dest += arrivals[a][k];
            let back = if p <= 0.0 || *dest <= 0.0 {
                0.0
            } else if stochastic {
                relapse_rates[a].relapse[k].quantile_with(
                    *dest,
                    uniforms[stage],
                    &mut deviates[stage],
                )
            } else {
                *dest * p
            };
            *dest -= back;
            next[a][m.sc.reentry_cell] += back;
            relapses[a][k] = back;
        }
    }
    for a in 0..n_arms {
        arms[a].cells[s] = next[a];
    }
}
