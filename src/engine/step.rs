//! One segment's month after inflow and costs (MODEL.md 4.3–4.5, 12.2,
//! 12.9): exits by duration cell, the split of the leavers among
//! destinations, their assignment to followed stocks, and relapse — of the
//! plain stocks (both arms, on the same uniforms) and of the followed ones
//! (the intervention arm), which then end as follow-up runs out.

use super::rates::Rates;
use super::{leave_stage, relapse_stage, split_stage, ArmState, Step, Workspace};
use crate::model::DrawModel;
use crate::rng::stage_uniform;
use crate::sampling::{self, hypergeometric_quantile, Binomial};
use crate::vocabulary::{CELLS, LAST_CELL};

/// Exits and the plain stocks' relapse of segment `step.s` in `arms` (the
/// baseline arm, and the intervention arm when `step.both`). Leaves each
/// stepped arm's arrivals per destination in `ws.arrivals` and the plain
/// stocks' relapses in `ws.relapsed`; assigns the intervention arm's
/// leavers to followed stocks and counts its claimed persons.
///
/// The two arms go through each stage together: their counts are
/// independent, so the processor overlaps the one arm's walks with the
/// other's. Hence the loops over destination and arm indices.
#[allow(clippy::needless_range_loop)]
pub(super) fn step_segment(m: &DrawModel, step: &Step, ws: &mut Workspace, arms: &mut [ArmState]) {
    let Workspace {
        uniforms,
        deviates,
        per_segment,
        effect,
        untreated,
        treated: treated_all,
        relapse,
        arrivals,
        to_plain,
        relapsed,
        followed,
        month_keys,
        stages,
        ..
    } = ws;
    let s = step.s;
    let stochastic = step.stochastic;
    let k_n = m.n_dest;
    let n_arms = arms.len();
    debug_assert!(n_arms == if step.both { 2 } else { 1 });
    let uniforms = &uniforms[s * *per_segment..(s + 1) * *per_segment];
    let deviates = &mut deviates[s * *per_segment..(s + 1) * *per_segment];
    let runs = &m.segments[s].duration;
    let treated_rates = &mut treated_all[s];
    if step.treated {
        treated_rates.compute_exits(
            m.segments[s].hazard(step.y),
            Some(&effect.hazard_ratio[s * k_n..(s + 1) * k_n]),
            runs,
            stochastic,
            false,
        );
    }
    let untreated = &untreated[s];
    let treated_rates: &Rates = treated_rates;
    let rates = [
        untreated,
        if step.treated {
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
        if stochastic {
            // How many leave each cell; the month's leavers of the segment
            // are then split among destinations at once, since the split does
            // not depend on the cell (a sum of multinomials with equal
            // probabilities is one).
            let mut out = [0.0; CELLS];
            if let [leave] = &rates[a].leave[..] {
                leave.quantiles(
                    cells,
                    &uniforms[1..=CELLS],
                    &mut deviates[1..=CELLS],
                    &mut out,
                );
            } else {
                for (run, leave) in runs.iter().zip(&rates[a].leave) {
                    let stages = leave_stage(run.first)..leave_stage(run.end);
                    leave.quantiles(
                        &cells[run.first..run.end],
                        &uniforms[stages.clone()],
                        &mut deviates[stages],
                        &mut out[run.first..run.end],
                    );
                }
            }
            for (d, (&n, &out)) in cells.iter().zip(&out).enumerate() {
                leaving[a] += out;
                next[a][(d + 1).min(LAST_CELL)] += n - out;
            }
            arrivals[a].fill(0.0);
        } else {
            // Expected flows: the split does not depend on the cell.
            let r = rates[a];
            if runs.len() == 1 {
                let mut total = 0.0;
                for (d, &n) in cells.iter().enumerate() {
                    total += n;
                    next[a][(d + 1).min(LAST_CELL)] += n * r.stay_one;
                }
                leaving[a] = total * r.leave_one;
            } else {
                for (d, &n) in cells.iter().enumerate() {
                    leaving[a] += n * r.leave_p[d];
                    next[a][(d + 1).min(LAST_CELL)] += n * r.stay[d];
                }
            }
            for (arrived, &share) in arrivals[a].iter_mut().zip(&rates[a].share) {
                *arrived = leaving[a] * share;
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
                let stage = relapse_stage(k, k_n);
                if relapse.binomial[k].is_random() {
                    sampling::prepare_deviate(uniforms[stage], &mut deviates[stage]);
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
    // Leavers enrolled in a component that follows their destination join
    // its followed stock (MODEL.md 12.2); the rest join the plain stock.
    let assigns = step.both && !m.followers.is_empty();
    if assigns {
        to_plain[1].copy_from_slice(&arrivals[1]);
        for k in 0..k_n {
            let (first, end) = stages.follow_range[k];
            let mut remaining = arrivals[1][k];
            let mut earlier = 0.0;
            for f in first..end {
                let share = effect.follow_share[f * m.n_segments + s];
                if share <= 0.0 || remaining <= 0.0 {
                    continue;
                }
                let left = 1.0 - earlier;
                let p = if left <= 0.0 {
                    1.0
                } else {
                    (share / left).min(1.0)
                };
                let taken = if stochastic {
                    let u = stage_uniform(month_keys[s], stages.followed[f]);
                    Binomial::once(p).quantile(remaining, u)
                } else {
                    remaining * p
                };
                followed.cells(f, &m.followers[f], s)[0] += taken;
                remaining -= taken;
                earlier += share;
            }
            to_plain[1][k] = remaining;
        }
    }
    // The arrivals that join each arm's plain stock.
    let plain_in: [&[f64]; 2] = [
        &arrivals[0],
        if assigns { &to_plain[1] } else { &arrivals[1] },
    ];
    // The intervention arm's numbers: its own, or the baseline arm's that it copies.
    let own = n_arms - 1;
    if step.claim {
        for &k in &m.job_education_list {
            followed.claimed[s * k_n + k] += plain_in[own][k];
        }
    }
    // 5. Relapse from each plain destination stock, this month's arrivals
    // included, with ratio 1 in both arms (MODEL.md 11.2).
    let reentry = m.sc.reentry_cell;
    let (first, second) = arms.split_at_mut(1);
    let mut dests = [
        Some(&mut first[0].dest[s * k_n..(s + 1) * k_n]),
        second
            .first_mut()
            .map(|arm| &mut arm.dest[s * k_n..(s + 1) * k_n]),
    ];
    for k in 0..k_n {
        let stage = relapse_stage(k, k_n);
        let p = relapse.p[k];
        for (a, dest) in dests.iter_mut().enumerate() {
            let Some(dest) = dest else { continue };
            let dest = &mut dest[k];
            *dest += plain_in[a][k];
            let back = if p <= 0.0 || *dest <= 0.0 {
                0.0
            } else if stochastic {
                relapse.binomial[k].quantile_with(*dest, uniforms[stage], &mut deviates[stage])
            } else {
                *dest * p
            };
            *dest -= back;
            next[a][reentry] += back;
            relapsed[a][k] = back;
        }
    }
    // Which of the intervention arm's relapsers were claimed: all when
    // everyone was, else a hypergeometric count on a uniform of its own.
    for &k in &m.job_education_list {
        let claimed = &mut followed.claimed[s * k_n + k];
        let back = relapsed[own][k];
        if *claimed > 0.0 && back > 0.0 {
            let before = arms[own].dest[s * k_n + k] + back;
            *claimed -= if !stochastic {
                *claimed * relapse.p[k]
            } else if *claimed >= before {
                back
            } else {
                let u = stage_uniform(month_keys[s], stages.claimed[k]);
                hypergeometric_quantile(before, *claimed, back, u)
            };
        }
    }
    for a in 0..n_arms {
        arms[a].cells[s] = next[a];
    }
}

/// The intervention arm's followed stocks of segment `step.s` after the
/// month's exits: each follow-up cell relapses with its component's ratio on
/// its own uniform; then persons whose follow-up has run out, or whose
/// component ends this month, join the plain stock (MODEL.md 12.2). Leaves
/// the relapses in `ws.followed_relapsed`.
pub(super) fn follow(m: &DrawModel, step: &Step, ws: &mut Workspace, arm: &mut ArmState) {
    ws.followed_relapsed = 0.0;
    let s = step.s;
    let k_n = m.n_dest;
    for (f, follower) in m.followers.iter().enumerate() {
        let month_key = ws.month_keys[s];
        let p = ws.effect.follow_relapse[f];
        let relapse = Binomial::once(p);
        let keys = &ws.stages.relapse_followed[f];
        let cells = ws.followed.cells(f, follower, s);
        let mut back_total = 0.0;
        for (i, n) in cells.iter_mut().enumerate() {
            if *n <= 0.0 || p <= 0.0 {
                continue;
            }
            let back = if step.stochastic {
                relapse.quantile(*n, stage_uniform(month_key, keys[i]))
            } else {
                *n * p
            };
            *n -= back;
            back_total += back;
        }
        let ends = step.month.is_some_and(|t| t as i64 == follower.end - 1);
        let leaving = if ends {
            let all: f64 = cells.iter().sum();
            cells.fill(0.0);
            all
        } else if follower.limited {
            let last = cells[cells.len() - 1];
            cells.copy_within(..cells.len() - 1, 1);
            cells[0] = 0.0;
            last
        } else {
            0.0
        };
        arm.cells[s][m.sc.reentry_cell] += back_total;
        ws.followed_relapsed += back_total;
        if leaving != 0.0 {
            let k = follower.dest;
            arm.dest[s * k_n + k] += leaving;
            if step.claim && m.job_education[k] {
                ws.followed.claimed[s * k_n + k] += leaving;
            }
        }
    }
}
