//! The monthly step for both arms of one draw (MODEL.md sections 4 and 12).
//!
//! Counts are `f64` in both modes: integers in `stochastic` mode (exact up to
//! 2^53), expectations in `mean_field` mode, so one code path serves both.
//! The two arms advance in lockstep and read the same uniforms, each keyed
//! by its segment, month and stage name ([`crate::rng`]). Destinations,
//! segments and components are in canonical order (by name) throughout;
//! outputs go to the file's order through the layouts.
//!
//! `step` holds one segment's exits, the assignment of leavers to followed
//! stocks and the relapses of a month; `rates` their probabilities.

mod rates;
mod record;
mod step;

use crate::model::{followers, DrawModel, Effect, Follower};
use crate::outputs::{Arm, BreakEven, DetailLayout, Layout, Shared};
use crate::rng::{fill_stage_uniforms, month_key, segment_transition_key, stage_key};
use crate::scenario::Scenario;
use crate::vocabulary::CELLS;
use rates::{Rates, Relapse};
use record::Year;
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

/// Stocks of one arm: duration cells per segment, plain destination stocks
/// `[segment * n_dest + k]` (those no component follows).
#[derive(Debug, Default)]
struct ArmState {
    cells: Vec<[f64; CELLS]>,
    dest: Vec<f64>,
}

impl Clone for ArmState {
    fn clone(&self) -> Self {
        ArmState {
            cells: self.cells.clone(),
            dest: self.dest.clone(),
        }
    }

    fn clone_from(&mut self, source: &Self) {
        self.cells.clone_from(&source.cells);
        self.dest.clone_from(&source.dest);
    }
}

/// What only the intervention arm has (MODEL.md 12.2, 12.9).
#[derive(Debug, Clone)]
struct Followed {
    /// `[segment * n_dest + k]`: the persons of the plain stock of `k` that a
    /// before-and-after count claims (they left a targeted segment's
    /// benefit for job or education since the intervention began).
    claimed: Vec<f64>,
    /// Follower `f`'s stock in segment `s`, follow-up cell `i`:
    /// `stocks[offset[f] + s * cells_f + i]`.
    stocks: Vec<f64>,
    offset: Vec<usize>,
}

impl Followed {
    fn new(followers: &[Follower], n_segments: usize, n_dest: usize) -> Self {
        let mut offset = Vec::with_capacity(followers.len());
        let mut len = 0;
        for f in followers {
            offset.push(len);
            len += n_segments * f.cells;
        }
        Followed {
            claimed: vec![0.0; n_segments * n_dest],
            stocks: vec![0.0; len],
            offset,
        }
    }

    fn clear(&mut self) {
        self.claimed.fill(0.0);
        self.stocks.fill(0.0);
    }

    /// Follower `f`'s follow-up cells in segment `s`.
    fn cells(&mut self, f: usize, follower: &Follower, s: usize) -> &mut [f64] {
        let first = self.offset[f] + s * follower.cells;
        &mut self.stocks[first..first + follower.cells]
    }
}

/// The keys of a scenario's stages (MODEL.md 11.12, 12.2), hashed once per
/// run from the names of destinations and components.
#[derive(Debug, Clone)]
struct Stages {
    /// The stages of every segment-month, at the positions of
    /// [`leave_stage`], [`split_stage`] and [`relapse_stage`] after inflow.
    fixed: Vec<u64>,
    /// Per destination: which of its relapsers were claimed.
    claimed: Vec<u64>,
    /// Per follower: its share of the leavers, and each follow-up cell's relapse.
    followed: Vec<u64>,
    relapse_followed: Vec<Vec<u64>>,
    /// Per destination: the followers of it, `first..end` in the list of
    /// followers (which is by destination).
    follow_range: Vec<(usize, usize)>,
}

impl Stages {
    fn new(sc: &Scenario) -> Self {
        let dests: Vec<&str> = sc.destinations.iter().map(|d| d.name.as_str()).collect();
        let mut fixed = vec![stage_key(&["inflow"])];
        for d in 0..CELLS {
            fixed.push(stage_key(&["leave", &d.to_string()]));
        }
        fixed.extend(dests.iter().map(|k| stage_key(&["split", k])));
        fixed.extend(dests.iter().map(|k| stage_key(&["relapse", k])));
        let components: Vec<&str> = sc.intervention.as_ref().map_or(Vec::new(), |iv| {
            iv.components.iter().map(|c| c.name.as_str()).collect()
        });
        let all = followers(sc);
        let followed = all
            .iter()
            .map(|f| stage_key(&["followed", components[f.component], dests[f.dest]]))
            .collect();
        let relapse_followed = all
            .iter()
            .map(|f| {
                (0..f.cells)
                    .map(|i| {
                        let (c, k) = (components[f.component], dests[f.dest]);
                        stage_key(&["relapse_followed", c, k, &i.to_string()])
                    })
                    .collect()
            })
            .collect();
        let follow_range = (0..dests.len())
            .map(|k| {
                let first = all.iter().position(|f| f.dest == k).unwrap_or(0);
                let n = all.iter().filter(|f| f.dest == k).count();
                (first, first + n)
            })
            .collect();
        Stages {
            fixed,
            claimed: dests.iter().map(|k| stage_key(&["claimed", k])).collect(),
            followed,
            relapse_followed,
            follow_range,
        }
    }
}

/// Reusable scratch space for one worker, for one scenario.
pub struct Workspace {
    stages: Stages,
    /// `[segment][stage]` uniforms of the current month (the fixed stages).
    uniforms: Vec<f64>,
    /// `Φ⁻¹` of each uniform, computed by the first arm that needs it (NaN until then).
    deviates: Vec<f64>,
    per_segment: usize,
    /// Each segment's transition key in the current draw, and its current month's.
    segment_keys: Vec<u64>,
    month_keys: Vec<u64>,
    effect: Effect,
    /// Rates of each segment without the intervention in the current year.
    untreated: Vec<Rates>,
    /// Rates of each treated segment in the current month.
    treated: Vec<Rates>,
    relapse: Relapse,
    /// Per arm and destination, the current segment-month's arrivals, those
    /// of them that join the plain stock, and the relapses of the plain stock.
    arrivals: [Vec<f64>; 2],
    to_plain: [Vec<f64>; 2],
    relapsed: [Vec<f64>; 2],
    /// The relapses of the segment-month's followed stocks.
    followed_relapsed: f64,
    /// Per segment, the intervention arm's benefit stock after inflow.
    benefit: Vec<f64>,
    /// `[segment * n_dest + k]`: the intervention arm's followed persons
    /// (zero without followers), and zeros for the baseline arm.
    followed_total: Vec<f64>,
    no_followed: Vec<f64>,
    /// The sums of the current calendar year.
    year: Year,
    /// The arms' stocks, and whether each segment's arms have diverged
    /// (kept between draws for their allocations).
    arms: [ArmState; 2],
    diverged: Vec<bool>,
    /// Per component: the month's investment by the run's perspective.
    component_investment: Vec<f64>,
    followed: Followed,
}

impl Workspace {
    pub fn new(sc: &Scenario) -> Self {
        let (n_segments, n_dest) = (sc.segments.len(), sc.destinations.len());
        let stages = Stages::new(sc);
        let per_segment = stages.fixed.len();
        let all = followers(sc);
        let n_components = sc.intervention.as_ref().map_or(0, |iv| iv.components.len());
        let rates = |s: usize| {
            // Runs of cells are at most the ladder's steps (or one).
            let runs = sc.segments[s].duration_hr.len().clamp(1, CELLS);
            Rates::new(n_dest, runs)
        };
        Workspace {
            uniforms: vec![0.0; n_segments * per_segment],
            deviates: vec![f64::NAN; n_segments * per_segment],
            per_segment,
            segment_keys: vec![0; n_segments],
            month_keys: vec![0; n_segments],
            effect: Effect::none(n_segments, n_dest, n_components, all.len()),
            untreated: (0..n_segments).map(rates).collect(),
            treated: (0..n_segments).map(rates).collect(),
            relapse: Relapse::new(),
            arrivals: [vec![0.0; n_dest], vec![0.0; n_dest]],
            to_plain: [vec![0.0; n_dest], vec![0.0; n_dest]],
            relapsed: [vec![0.0; n_dest], vec![0.0; n_dest]],
            followed_relapsed: 0.0,
            benefit: vec![0.0; n_segments],
            followed_total: vec![0.0; n_segments * n_dest],
            no_followed: vec![0.0; n_segments * n_dest],
            year: Year::new(n_segments, n_dest, n_components),
            arms: Default::default(),
            diverged: Vec::new(),
            component_investment: vec![0.0; n_components],
            followed: Followed::new(&all, n_segments, n_dest),
            stages,
        }
    }

    /// Draws the fixed stages' uniforms of segment `s` in `month` (a burn-in
    /// month is negative) and forgets their deviates.
    fn draw_uniforms(&mut self, s: usize, month: i64) {
        self.month_keys[s] = month_key(self.segment_keys[s], month);
        let range = s * self.per_segment..(s + 1) * self.per_segment;
        fill_stage_uniforms(
            self.month_keys[s],
            &self.stages.fixed,
            &mut self.uniforms[range.clone()],
        );
        self.deviates[range].fill(f64::NAN);
    }
}

/// Position of the uniform of the count leaving duration cell `cell`.
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

/// Where a draw's outputs go: its row, its detail (per segment and
/// component) if kept, and its monthly stocks `[arm][month][state]` (states
/// in the file's order) if kept.
pub struct Sinks<'a> {
    pub row: &'a mut [f64],
    pub detail: Option<&'a mut [f64]>,
    pub paths: Option<&'a mut [f64]>,
}

/// The layouts of a run's outputs.
pub struct Layouts {
    pub row: Layout,
    pub detail: DetailLayout,
}

/// One segment-month to step: which arms, with which effect.
struct Step {
    s: usize,
    /// Calendar year of the month's rates.
    y: usize,
    /// Horizon month (None in burn-in).
    month: Option<usize>,
    /// Whether the intervention acts on the segment this month.
    treated: bool,
    /// Whether the intervention arm is stepped on its own (else it is the
    /// baseline arm's copy).
    both: bool,
    /// Whether the month's plain arrivals into job and education are claimed.
    claim: bool,
    stochastic: bool,
}

/// Simulates one draw and writes its outputs to `sinks` (see [`Layouts`]).
/// Returns `false` if `cancel` was set before the draw finished (checked
/// every month, so even a very long draw stops promptly).
pub fn simulate_draw(
    m: &DrawModel,
    mode: Mode,
    key: DrawKey,
    layouts: &Layouts,
    ws: &mut Workspace,
    sinks: Sinks,
    cancel: &AtomicBool,
) -> bool {
    let Sinks {
        row,
        mut detail,
        mut paths,
    } = sinks;
    let layout = &layouts.row;
    row.fill(0.0);
    let (k_n, n_seg, n_years) = (m.n_dest, m.n_segments, m.n_years);
    let n_states = k_n + 1;
    let stochastic = mode == Mode::Stochastic;
    // Sampled counts are whole persons in stochastic mode (MODEL.md 11.7, 12.4).
    let persons = |x: f64| if stochastic { x.round_ties_even() } else { x };
    // The arms' stocks live in the workspace between draws (no allocation).
    let mut arms = std::mem::take(&mut ws.arms);
    let base = &mut arms[0];
    base.cells.clear();
    base.cells.extend(m.sc.segments.iter().map(|s| {
        let mut c = [0.0; CELLS];
        c[s.initial_cell] = persons(s.initial);
        c
    }));
    base.dest.clear();
    for s in &m.sc.segments {
        base.dest
            .extend(s.initial_destinations.iter().map(|&x| persons(x)));
    }
    ws.relapse.refill(&m.relapse_hazard);
    for (k, seg) in ws.segment_keys.iter_mut().zip(&m.sc.segments) {
        *k = segment_transition_key(key.seed, key.draw, seg.key);
    }
    let mut year = 0;
    for (s, rates) in ws.untreated.iter_mut().enumerate() {
        let seg = &m.segments[s];
        rates.compute_exits(seg.hazard(0), None, &seg.duration, stochastic, true);
    }
    ws.followed.clear();
    ws.year.clear();

    // Burn-in (MODEL.md 12.4): the baseline with the first year's values.
    for i in 0..m.burn_in_months {
        if cancel.load(Ordering::Relaxed) {
            ws.arms = arms;
            return false;
        }
        let month = i as i64 - m.burn_in_months as i64;
        for s in 0..n_seg {
            let seg = &m.segments[s];
            let n_in = if stochastic {
                ws.draw_uniforms(s, month);
                seg.inflow[0].quantile(ws.uniforms[s * ws.per_segment])
            } else {
                seg.inflow_month[0]
            };
            arms[0].cells[s][m.sc.segments[s].inflow_cell] += n_in;
            let step = Step {
                s,
                y: 0,
                month: None,
                treated: false,
                both: false,
                claim: false,
                stochastic,
            };
            step::step_segment(m, &step, ws, &mut arms[..1]);
        }
    }
    let (baseline, intervention) = arms.split_at_mut(1);
    intervention[0].clone_from(&baseline[0]);

    // Whether a segment's intervention arm has ever been treated; until then
    // both arms of the segment are equal.
    let mut diverged = std::mem::take(&mut ws.diverged);
    diverged.clear();
    diverged.resize(n_seg, false);
    let mut break_even = BreakEven::default();
    let mut npv = 0.0;
    let mut entries = 0.0;
    let claims_from = m.first_running_month.unwrap_or(usize::MAX);
    let has_followers = !m.followers.is_empty();

    for t in 0..m.months {
        if cancel.load(Ordering::Relaxed) {
            ws.arms = arms;
            return false;
        }
        let y = m.year_of_month[t];
        if y != year {
            for (s, rates) in ws.untreated.iter_mut().enumerate() {
                let seg = &m.segments[s];
                if seg.hazard(y) != seg.hazard(year) {
                    rates.compute_exits(seg.hazard(y), None, &seg.duration, stochastic, true);
                }
            }
            year = y;
        }
        // 1. Inflow, the same draw in both arms.
        for s in 0..n_seg {
            let seg = &m.segments[s];
            let n_in = if stochastic {
                ws.draw_uniforms(s, t as i64);
                seg.inflow[y].quantile(ws.uniforms[s * ws.per_segment])
            } else {
                seg.inflow_month[y]
            };
            ws.year.inflow += n_in;
            let cell = m.sc.segments[s].inflow_cell;
            for arm in arms.iter_mut() {
                arm.cells[s][cell] += n_in;
            }
        }

        // The intervention's effect depends on the intervention arm's benefit
        // stocks after inflow.
        for (b, cells) in ws.benefit.iter_mut().zip(&arms[1].cells) {
            *b = cells.iter().sum();
        }
        m.effect(t, &ws.benefit, &mut ws.effect);
        let investment = m.investment(y, &ws.effect, &mut ws.component_investment);
        ws.year.investment += investment;
        for (c, &invested) in ws.component_investment.iter().enumerate() {
            let sums = &mut ws.year.component[3 * c..3 * c + 3];
            sums[0] += invested;
            sums[1] += ws.effect.enrolled[c];
            sums[2] += f64::from(u8::from(ws.effect.capped[c]));
        }

        // 2. Costs on the stocks as they now stand; these are also the measured stocks.
        if has_followers {
            ws.followed_total.fill(0.0);
            for (f, follower) in m.followers.iter().enumerate() {
                for s in 0..n_seg {
                    let n: f64 = ws.followed.cells(f, follower, s).iter().sum();
                    ws.followed_total[s * k_n + follower.dest] += n;
                }
            }
        }
        let mut cost = [0.0f64; 2];
        let mut municipal_benefit = [0.0f64; 2];
        for (a, st) in arms.iter().enumerate() {
            // The intervention arm's measured stocks include its followed persons.
            let followed_all = if a == 1 {
                &ws.followed_total[..]
            } else {
                &ws.no_followed[..]
            };
            let mut month_stock = paths
                .as_deref_mut()
                .map(|p| &mut p[(a * m.months + t) * n_states..(a * m.months + t + 1) * n_states]);
            if let Some(p) = month_stock.as_deref_mut() {
                p.fill(0.0);
            }
            for s in 0..n_seg {
                let cells = &st.cells[s];
                let bc = &m.benefit_cost[s * n_years + y];
                let bm = &m.benefit_municipal[s * n_years + y];
                let (mut b_cost, mut b_muni, mut b_stock) = (0.0, 0.0, 0.0);
                for d in 0..CELLS {
                    b_cost += cells[d] * bc[d];
                    b_muni += cells[d] * bm[d];
                    b_stock += cells[d];
                }
                let effort = b_stock * m.effort_cost[y];
                let dc = &m.dest_cost[(s * n_years + y) * k_n..(s * n_years + y + 1) * k_n];
                let dest = &st.dest[s * k_n..(s + 1) * k_n];
                let followed = &followed_all[s * k_n..(s + 1) * k_n];
                let (benefit, dests) = ws.year.stocks(a, s).split_at_mut(1);
                benefit[0] += b_stock;
                let mut d_cost = 0.0;
                for (((&plain, &f), &c), sum) in dest.iter().zip(followed).zip(dc).zip(dests) {
                    let n = plain + f;
                    d_cost += n * c;
                    *sum += n;
                }
                if let Some(p) = month_stock.as_deref_mut() {
                    p[0] += b_stock;
                    for k in 0..k_n {
                        p[layout.state_slot(1 + k)] += dest[k] + followed[k];
                    }
                }
                let segment_cost = b_cost + effort + d_cost;
                ws.year.segment_cost[a * n_seg + s] += segment_cost;
                let parts = &mut ws.year.cost_part[a];
                parts[0] += b_cost;
                parts[1] += effort;
                parts[2] += d_cost;
                cost[a] += segment_cost;
                municipal_benefit[a] += b_muni;
            }
        }
        ws.year.municipal_benefit += municipal_benefit[1] - municipal_benefit[0];
        if t >= claims_from {
            // What a before-and-after count claims (MODEL.md 12.9): the
            // intervention arm's claimed persons in job and education.
            for s in (0..n_seg).filter(|&s| m.segments[s].targeted) {
                let persons: f64 = m
                    .job_education_list
                    .iter()
                    .map(|&k| ws.followed.claimed[s * k_n + k] + ws.followed_total[s * k_n + k])
                    .sum();
                ws.year.claimed += persons * m.claim_value[s * n_years + y];
            }
        }
        let net = investment + cost[1] - cost[0];
        npv += net * m.discount[t];
        break_even.push(t, net);

        // 3–5. Hazards, exits, relapse, per segment, both arms on the same uniforms.
        for (s, diverged) in diverged.iter_mut().enumerate() {
            let treated = ws.effect.treated[s];
            *diverged |= treated;
            let step = Step {
                s,
                y,
                month: Some(t),
                treated,
                both: *diverged,
                claim: t >= claims_from && m.segments[s].targeted,
                stochastic,
            };
            ws.followed_relapsed = 0.0;
            if *diverged {
                step::step_segment(m, &step, ws, &mut arms);
                if has_followers {
                    step::follow(m, &step, ws, &mut arms[1]);
                }
            } else {
                // Never treated so far: same start, rates and uniforms as the
                // baseline arm, so the same step; copied instead of redone.
                step::step_segment(m, &step, ws, &mut arms[..1]);
                let (b, i) = arms.split_at_mut(1);
                i[0].cells[s] = b[0].cells[s];
                let range = s * k_n..(s + 1) * k_n;
                i[0].dest[range.clone()].copy_from_slice(&b[0].dest[range]);
            }
            for a in 0..2 {
                let stepped = if *diverged { a } else { 0 };
                let arrivals = &ws.arrivals[stepped];
                for (sum, &arrived) in ws.year.flows(a, s).iter_mut().zip(arrivals) {
                    *sum += arrived;
                }
                ws.year.relapse[a] += ws.relapsed[stepped].iter().sum::<f64>();
            }
            ws.year.relapse[1] += ws.followed_relapsed;
        }
        let last_month_of_year = t + 1 == m.months || m.year_of_month[t + 1] != y;
        if last_month_of_year {
            let flows = ws.year.write(m, layouts, y, row, detail.as_deref_mut());
            ws.year.clear();
            entries += flows[1] - flows[0];
            row[layout.shared(Shared::ExtraEntriesJobEducation, y)] = entries;
            // Persons in job and education after the year's last relapse step.
            let mut end = [0.0f64; 2];
            for (a, arm) in arms.iter().enumerate() {
                for s in 0..n_seg {
                    for k in (0..k_n).filter(|&k| m.job_education[k]) {
                        end[a] += arm.dest[s * k_n + k];
                    }
                }
            }
            for (f, follower) in m.followers.iter().enumerate() {
                if m.job_education[follower.dest] {
                    for s in 0..n_seg {
                        end[1] += ws.followed.cells(f, follower, s).iter().sum::<f64>();
                    }
                }
            }
            row[layout.shared(Shared::ExtraJobEducation, y)] = end[1] - end[0];
        }
    }
    ws.arms = arms;
    ws.diverged = diverged;
    let be = break_even.month(m.months);
    row[layout.npv()] = npv;
    row[layout.break_even()] = be;
    let mut last_month = 0;
    for y in 0..n_years {
        last_month += m.months_in_year[y] as usize;
        row[layout.shared(Shared::PaidBack, y)] =
            f64::from(u8::from(be >= 0.0 && be < last_month as f64));
    }
    let (mut benefit_savings, mut claimed) = (0.0, 0.0);
    for y in 0..n_years {
        benefit_savings += row[layout.shared(Shared::MunicipalBenefitSavings, y)];
        claimed += row[layout.shared(Shared::GrossSavings, y)];
    }
    row[layout.deadweight()] = if claimed == 0.0 {
        f64::NAN
    } else {
        1.0 - benefit_savings / claimed
    };
    true
}

/// The name of the output at column `col` of a row or detail, for messages.
pub fn describe_column(blocks: &[crate::outputs::Block], col: usize, years: &[i32]) -> String {
    let Some(b) = blocks
        .iter()
        .find(|b| (b.first..b.first + b.width).contains(&col))
    else {
        return format!("column {col}");
    };
    let arm = b
        .arm
        .map_or(String::new(), |a: Arm| format!(" ({})", a.name()));
    if b.width == 1 {
        format!("`{}`{arm}", b.name)
    } else {
        let year = years
            .get(col - b.first)
            .map_or(String::new(), |y| format!(" in {y}"));
        format!("`{}`{arm}{year}", b.name)
    }
}
