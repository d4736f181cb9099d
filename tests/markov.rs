//! Mean-field runs with fixed parameters equal an explicit chain of monthly
//! transition matrices built by hand from MODEL.md sections 4 and 12.
//!
//! The state vector holds, per segment, the 13 benefit duration cells, per
//! destination a plain stock split into persons a before-and-after count
//! does not and does claim (MODEL.md 12.9), and the cells of each followed
//! stock (12.2). Each month: inflow is an added vector; exits are a matrix
//! (leavers of every cell to each destination — into a followed stock, the
//! claimed or the unclaimed plain stock — and stayers one cell up); relapse
//! is a matrix (back from every destination state into `reentry_cell`, a
//! followed stock with its component's ratio); the end of following is a
//! matrix (a followed stock's last cell, or all of it when its component
//! ends, joins the plain stock; the other cells move on). The
//! intervention's ratios and enrolled shares are written out per test from
//! the scenario's numbers, from the chain's own benefit stock where they
//! depend on it. Everything the engine reports per arm and in common is
//! compared by name to 1e−9 relative: monthly stocks, flows, relapses,
//! costs, investment, savings, net, NPV, the persons and person-years in job
//! and education, gross entries, gross savings and the municipal benefit
//! savings.

use indsats::outputs::{Arm, ARMS};
use indsats::{run_simple, Mode, RunOptions, RunOutput, Scenario};
use ndarray::{s, Array1, Array2, ArrayView1};
use serde_json::{json, Value};
use std::cell::Cell;

const CELLS: usize = 13;

/// A component that follows the persons it placed in `dest` (MODEL.md
/// 12.2), as the chain sees it: `cells` months of follow-up (leaving after
/// the last when `limited`), ending in month `end` (exclusive) of the horizon.
struct Follower {
    dest: usize,
    cells: usize,
    limited: bool,
    end: usize,
}

/// The intervention's effect on one segment in one month: the hazard ratio
/// per destination, and per follower (in the order leavers are assigned)
/// the enrolled share `s_c` of the leavers to its destination and the
/// relapse ratio of its followed stock.
struct MonthEffect {
    hazard: Vec<f64>,
    follow: Vec<(f64, f64)>,
}

/// The month's effect given the month, the segment and the intervention
/// arm's benefit stock of every segment after inflow.
type Effects<'a> = dyn Fn(usize, usize, &[f64]) -> MonthEffect + 'a;

fn num(v: &Value) -> f64 {
    v.as_f64().expect("a number")
}

fn get(v: &Value, key: &str, default: f64) -> f64 {
    v.get(key).map_or(default, num)
}

/// A value per calendar year, given as one number or a list.
fn yearly(v: &Value, y: usize) -> f64 {
    match v {
        Value::Array(items) => num(&items[y]),
        other => num(other),
    }
}

/// `Π (1 + entry_j)` for `j = 1..=y` (MODEL.md 12.8) of a per-year rise.
fn growth(v: Option<&Value>, y: usize) -> f64 {
    v.map_or(1.0, |v| (1..=y).map(|j| 1.0 + yearly(v, j)).product())
}

/// The value of a ladder `[[up to month, value], …]` in duration cell `d`.
fn ladder(v: &Value, d: usize) -> f64 {
    let step = v
        .as_array()
        .expect("a ladder")
        .iter()
        .find(|step| num(&step[0]) >= (d + 1) as f64)
        .expect("a step");
    num(&step[1])
}

/// The chain's view of a scenario (a JSON value, as the engine reads it).
struct Spec<'a> {
    sc: &'a Value,
    dests: Vec<String>,
    months: usize,
    start_month: usize,
    reentry: usize,
    followers: Vec<Follower>,
}

impl<'a> Spec<'a> {
    fn new(sc: &'a Value, followers: Vec<Follower>) -> Self {
        let dests = sc["destinations"]
            .as_object()
            .expect("destinations")
            .keys()
            .cloned()
            .collect();
        let start = sc["start"].as_str().expect("start");
        let (_, month) = start.split_once('-').expect("YYYY-MM");
        Spec {
            sc,
            dests,
            months: 12 * sc["years"].as_u64().expect("years") as usize,
            start_month: month.parse().expect("month"),
            reentry: sc["benefit"]
                .get("reentry_cell")
                .map_or(12, |c| c.as_u64().expect("cell") as usize),
            followers,
        }
    }

    fn segments(&self) -> &Vec<Value> {
        self.sc["segments"].as_array().expect("segments")
    }

    fn n_seg(&self) -> usize {
        self.segments().len()
    }

    fn n_dest(&self) -> usize {
        self.dests.len()
    }

    fn dest_index(&self, name: &str) -> usize {
        self.dests
            .iter()
            .position(|d| d == name)
            .expect("a destination")
    }

    fn followed_cells(&self) -> usize {
        self.followers.iter().map(|f| f.cells).sum()
    }

    /// States per segment: cells, unclaimed and claimed plain stocks, followed cells.
    fn width(&self) -> usize {
        CELLS + 2 * self.n_dest() + self.followed_cells()
    }

    fn plain(&self, s: usize, k: usize) -> usize {
        s * self.width() + CELLS + k
    }

    fn claimed(&self, s: usize, k: usize) -> usize {
        s * self.width() + CELLS + self.n_dest() + k
    }

    fn followed(&self, s: usize, f: usize, i: usize) -> usize {
        let before: usize = self.followers[..f].iter().map(|f| f.cells).sum();
        s * self.width() + CELLS + 2 * self.n_dest() + before + i
    }

    /// The states of destination `k` in segment `s`.
    fn dest_states(&self, s: usize, k: usize) -> Vec<usize> {
        let mut out = vec![self.plain(s, k), self.claimed(s, k)];
        for (f, follower) in self.followers.iter().enumerate() {
            if follower.dest == k {
                out.extend((0..follower.cells).map(|i| self.followed(s, f, i)));
            }
        }
        out
    }

    fn year(&self, t: usize) -> usize {
        (self.start_month - 1 + t) / 12
    }

    fn n_years(&self) -> usize {
        self.year(self.months - 1) + 1
    }

    fn dest(&self, k: usize) -> &Value {
        &self.sc["destinations"][&self.dests[k]]
    }

    fn job_education(&self, k: usize) -> bool {
        matches!(self.dests[k].as_str(), "job" | "education")
    }

    /// Benefit stock per segment in a state vector.
    fn benefit(&self, x: ArrayView1<f64>) -> Vec<f64> {
        let w = self.width();
        (0..self.n_seg())
            .map(|s| x.slice(s![s * w..s * w + CELLS]).sum())
            .collect()
    }
}

/// The expected path of one arm.
struct Chain {
    /// State vectors after inflow (the measured stocks), `[month, state]`.
    measured: Array2<f64>,
    /// Arrivals into each destination, `[month, destination]`.
    arrivals: Array2<f64>,
    /// Relapses back to benefit, per month.
    relapses: Array1<f64>,
    /// Persons in each destination after the month's relapse step.
    after: Array2<f64>,
}

/// The chain of one arm: `effects` gives the intervention's effect (none in
/// the baseline arm); arrivals into job and education of the targeted
/// `segments` from month `claims_from` on are claimed.
fn explicit_chain(spec: &Spec, effects: &Effects, claims_from: Option<(usize, &[usize])>) -> Chain {
    let (n_seg, n_dest, w) = (spec.n_seg(), spec.n_dest(), spec.width());
    let size = n_seg * w;
    let default_cell = spec.sc["benefit"]
        .get("initial_cell")
        .map_or(12, |c| c.as_u64().expect("cell") as usize);
    let mut x = Array1::<f64>::zeros(size);
    for (s, seg) in spec.segments().iter().enumerate() {
        let cell = seg
            .get("initial_cell")
            .map_or(default_cell, |c| c.as_u64().expect("cell") as usize);
        x[s * w + cell] = num(&seg["initial"]);
        if let Some(start) = seg.get("initial_destinations") {
            for (name, n) in start.as_object().expect("a table") {
                x[spec.plain(s, spec.dest_index(name))] = num(n);
            }
        }
    }
    let inflow = |y: usize| {
        let mut v = Array1::<f64>::zeros(size);
        for (s, seg) in spec.segments().iter().enumerate() {
            let cell = seg.get("inflow_cell").map_or(0, |c| num(c) as usize);
            v[s * w + cell] = seg.get("inflow_per_year").map_or(0.0, |i| yearly(i, y)) / 12.0;
        }
        v
    };
    let none = |_: usize, _: usize, _: &[f64]| MonthEffect {
        hazard: vec![1.0; n_dest],
        follow: vec![(0.0, 1.0); spec.followers.len()],
    };
    // One month's step; `t` is None in burn-in (the first year's values, no effect).
    let step = |x: &Array1<f64>, t: Option<usize>| {
        let y = t.map_or(0, |t| spec.year(t));
        let claim = |s: usize, k: usize| {
            claims_from.is_some_and(|(from, targeted)| {
                t.is_some_and(|t| t >= from) && targeted.contains(&s) && spec.job_education(k)
            })
        };
        let mut exits = Array2::<f64>::eye(size);
        let mut relapse = Array2::<f64>::eye(size);
        let mut ending = Array2::<f64>::eye(size);
        let mut arrivals = vec![0.0; n_dest];
        let benefit = spec.benefit(x.view());
        for (s, seg) in spec.segments().iter().enumerate() {
            let base = s * w;
            let effect = match t {
                Some(t) => effects(t, s, &benefit),
                None => none(0, s, &benefit),
            };
            let h: Vec<f64> = (0..n_dest)
                .map(|k| {
                    let p = seg["exit"]
                        .get(&spec.dests[k])
                        .map_or(0.0, |p| yearly(p, y));
                    -(1.0 - p).ln() / 12.0 * effect.hazard[k]
                })
                .collect();
            for d in 0..CELLS {
                let ratio = seg.get("duration_hr").map_or(1.0, |l| ladder(l, d));
                let total: f64 = h.iter().sum::<f64>() * ratio;
                let leave: Vec<f64> = h
                    .iter()
                    .map(|&hk| {
                        if total > 0.0 {
                            hk * ratio / total * (1.0 - (-total).exp())
                        } else {
                            0.0
                        }
                    })
                    .collect();
                let stay = 1.0 - leave.iter().sum::<f64>();
                let cell = base + d;
                exits[[cell, cell]] = 0.0;
                for (k, &p) in leave.iter().enumerate() {
                    arrivals[k] += x[cell] * p;
                    // Sequential assignment to the followers of k (MODEL.md 12.2).
                    let (mut remaining, mut earlier) = (1.0, 0.0);
                    for (f, follower) in spec.followers.iter().enumerate() {
                        if follower.dest != k {
                            continue;
                        }
                        let share = effect.follow[f].0;
                        let q = if 1.0 - earlier <= 0.0 {
                            1.0
                        } else {
                            (share / (1.0 - earlier)).min(1.0)
                        };
                        exits[[spec.followed(s, f, 0), cell]] += p * q * remaining;
                        remaining -= q * remaining;
                        earlier += share;
                    }
                    let to = if claim(s, k) {
                        spec.claimed(s, k)
                    } else {
                        spec.plain(s, k)
                    };
                    exits[[to, cell]] += p * remaining;
                }
                exits[[base + (d + 1).min(CELLS - 1), cell]] += stay;
            }
            let back = |state: usize, q: f64, ratio: f64, m: &mut Array2<f64>| {
                let r = 1.0 - ((1.0 - q).ln() / 12.0 * ratio).exp();
                m[[state, state]] = 1.0 - r;
                m[[base + spec.reentry, state]] = r;
            };
            for k in 0..n_dest {
                let q = get(spec.dest(k), "relapse", 0.0);
                back(spec.plain(s, k), q, 1.0, &mut relapse);
                back(spec.claimed(s, k), q, 1.0, &mut relapse);
            }
            for (f, follower) in spec.followers.iter().enumerate() {
                let q = get(spec.dest(follower.dest), "relapse", 0.0);
                for i in 0..follower.cells {
                    back(spec.followed(s, f, i), q, effect.follow[f].1, &mut relapse);
                }
                // The end of following, after the relapse step.
                let to = if claim(s, follower.dest) {
                    spec.claimed(s, follower.dest)
                } else {
                    spec.plain(s, follower.dest)
                };
                let ends = t.is_some_and(|t| t + 1 == follower.end);
                for i in 0..follower.cells {
                    let from = spec.followed(s, f, i);
                    ending[[from, from]] = 0.0;
                    if ends || (follower.limited && i + 1 == follower.cells) {
                        ending[[to, from]] += 1.0;
                    } else if follower.limited {
                        ending[[spec.followed(s, f, i + 1), from]] += 1.0;
                    } else {
                        ending[[from, from]] = 1.0;
                    }
                }
            }
        }
        let exited = exits.dot(x);
        let relapsed = relapse.dot(&exited);
        let back: f64 = (&exited - &relapsed)
            .iter()
            .enumerate()
            .filter(|(i, _)| i % w >= CELLS)
            .map(|(_, v)| v)
            .sum();
        (ending.dot(&relapsed), arrivals, back)
    };
    let burn_in = 12
        * spec
            .sc
            .get("burn_in_years")
            .map_or(0, |b| b.as_u64().expect("years"));
    for _ in 0..burn_in {
        x += &inflow(0);
        x = step(&x, None).0;
    }
    let mut chain = Chain {
        measured: Array2::zeros((spec.months, size)),
        arrivals: Array2::zeros((spec.months, n_dest)),
        relapses: Array1::zeros(spec.months),
        after: Array2::zeros((spec.months, n_dest)),
    };
    for t in 0..spec.months {
        x += &inflow(spec.year(t));
        chain.measured.row_mut(t).assign(&x);
        let (next, arrivals, back) = step(&x, Some(t));
        x = next;
        for (k, &arrived) in arrivals.iter().enumerate() {
            chain.arrivals[[t, k]] = arrived;
            chain.after[[t, k]] = (0..n_seg)
                .flat_map(|s| spec.dest_states(s, k))
                .map(|i| x[i])
                .sum();
        }
        chain.relapses[t] = back;
    }
    chain
}

/// Per month and state: the perspective's cost of a person-month, the
/// municipal share of benefit, and what a before-and-after count claims.
struct Costs {
    cost: Array2<f64>,
    municipal_benefit: Array2<f64>,
    claimed: Array2<f64>,
}

fn cost_vectors(spec: &Spec, targeted: &[usize]) -> Costs {
    let sc = spec.sc;
    let benefit = &sc["benefit"];
    let default_ladder = json!([[1, 0.8], [6, 0.4], [12, 0.3], [999, 0.2]]);
    let refusion = benefit.get("refusion").unwrap_or(&default_ladder);
    let perspective = sc
        .get("perspective")
        .map_or("municipal", |p| p.as_str().expect("name"));
    let (municipal, state) = match perspective {
        "municipal" => (1.0, 0.0),
        "state" => (0.0, 1.0),
        _ => (1.0, 1.0),
    };
    let effort = get(benefit, "indsats_month", 0.0);
    let size = spec.n_seg() * spec.width();
    let mut out = Costs {
        cost: Array2::zeros((spec.months, size)),
        municipal_benefit: Array2::zeros((spec.months, size)),
        claimed: Array2::zeros((spec.months, size)),
    };
    let long_term = ladder(refusion, CELLS - 1);
    for t in 0..spec.months {
        let y = spec.year(t);
        let indexed = growth(benefit.get("indexation"), y);
        let price = growth(sc.get("price_index"), y);
        for (s, seg) in spec.segments().iter().enumerate() {
            let gross = num(&seg["benefit_month"]) * indexed;
            for d in 0..CELLS {
                let r = ladder(refusion, d);
                let i = s * spec.width() + d;
                out.cost[[t, i]] =
                    gross * (municipal * (1.0 - r) + state * r) + municipal * effort * price;
                out.municipal_benefit[[t, i]] = gross * (1.0 - r);
            }
            for k in 0..spec.n_dest() {
                let dest = spec.dest(k);
                let own = municipal * get(dest, "cost_month", 0.0)
                    + state * get(dest, "state_month", 0.0);
                let kept = get(dest, "benefit_share", 0.0)
                    * gross
                    * (municipal * (1.0 - long_term) + state * long_term);
                for i in spec.dest_states(s, k) {
                    out.cost[[t, i]] = own * indexed + kept;
                }
                if targeted.contains(&s) && spec.job_education(k) {
                    let value = gross * (1.0 - long_term);
                    out.claimed[[t, spec.claimed(s, k)]] = value;
                    for i in spec.dest_states(s, k).into_iter().skip(2) {
                        out.claimed[[t, i]] = value;
                    }
                }
            }
        }
    }
    out
}

/// `|actual − expected| ≤ 1e−9 · max(|expected|, scale)`, with `scale` the
/// largest magnitude of the series (at least 1).
fn assert_close(actual: &[f64], expected: &[f64], what: &str) {
    assert_eq!(actual.len(), expected.len(), "{what}: lengths");
    let scale = expected.iter().fold(1.0f64, |m, x| m.max(x.abs()));
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        assert!(
            (a - e).abs() <= 1e-9 * scale.max(e.abs()),
            "{what}[{i}]: {a} against {e}"
        );
    }
}

fn by_year(spec: &Spec, monthly: impl Fn(usize) -> f64) -> Vec<f64> {
    let mut out = vec![0.0; spec.n_years()];
    for t in 0..spec.months {
        out[spec.year(t)] += monthly(t);
    }
    out
}

/// The output `name` (of `arm`) of draw `draw`, by its block.
fn output(out: &RunOutput, draw: usize, name: &str, arm: Option<Arm>) -> Vec<f64> {
    let block = out
        .layout
        .blocks()
        .into_iter()
        .find(|b| b.name == name && b.arm == arm)
        .unwrap_or_else(|| panic!("no output {name}"));
    out.rows
        .slice(s![draw, block.first..block.first + block.width])
        .to_vec()
}

/// What the test gives besides the scenario: the followers (in the order
/// leavers are assigned), the targeted segments, the first month anything
/// runs, the effects and the month's investment given the intervention
/// arm's benefit stocks after inflow.
struct Intervention<'a> {
    followers: Vec<Follower>,
    targeted: Vec<usize>,
    claims_from: Option<usize>,
    effects: &'a Effects<'a>,
    investment: &'a dyn Fn(usize, &[f64]) -> f64,
}

/// Compares a mean-field run with the chain of both arms.
fn check_against_chain(sc: &Value, iv: Intervention) -> RunOutput {
    let spec = Spec::new(sc, iv.followers);
    let n_dest = spec.n_dest();
    let none = |_: usize, _: usize, _: &[f64]| MonthEffect {
        hazard: vec![1.0; n_dest],
        follow: vec![(0.0, 1.0); spec.followers.len()],
    };
    let claims = iv.claims_from.map(|t0| (t0, &iv.targeted[..]));
    let chains = [
        explicit_chain(&spec, &none, None),
        explicit_chain(&spec, iv.effects, claims),
    ];
    let scenario = Scenario::from_value(sc).expect("a valid scenario");
    let out = run_simple(&scenario, &RunOptions::new(2, 1, Mode::MeanField)).expect("runs");
    let costs = cost_vectors(&spec, &iv.targeted);
    let weigh = |c: &Array2<f64>, arm: usize, t: usize| -> f64 {
        (&c.row(t) * &chains[arm].measured.row(t)).sum()
    };
    let stocks = |arm: usize, t: usize| -> Vec<f64> {
        let x = chains[arm].measured.row(t);
        let mut states = vec![spec.benefit(x).iter().sum()];
        for k in 0..n_dest {
            let states_k = (0..spec.n_seg()).flat_map(|s| spec.dest_states(s, k));
            states.push(states_k.map(|i| x[i]).sum());
        }
        states
    };
    let benefit = |t: usize| spec.benefit(chains[1].measured.row(t));
    let invest: Vec<f64> = (0..spec.months)
        .map(|t| (iv.investment)(t, &benefit(t)))
        .collect();
    let savings_monthly: Vec<f64> = (0..spec.months)
        .map(|t| weigh(&costs.cost, 1, t) - weigh(&costs.cost, 0, t))
        .collect();
    let rate = get(sc, "discount_rate", 0.0);
    let npv: f64 = (0..spec.months)
        .map(|t| (invest[t] + savings_monthly[t]) / (1.0 + rate).powf(t as f64 / 12.0))
        .sum();
    let months_in_year = by_year(&spec, |_| 1.0);
    let je: Vec<usize> = (0..n_dest).filter(|&k| spec.job_education(k)).collect();
    let sum_je = |v: &[f64]| -> f64 { je.iter().map(|&k| v[k]).sum() };
    let mut entries = 0.0;
    let mut extra_entries = vec![0.0; spec.n_years()];
    let mut extra_end = vec![0.0; spec.n_years()];
    for t in 0..spec.months {
        let gross = |arm: usize| sum_je(&chains[arm].arrivals.row(t).to_vec());
        entries += gross(1) - gross(0);
        extra_entries[spec.year(t)] = entries;
        let end = |arm: usize| sum_je(&chains[arm].after.row(t).to_vec());
        extra_end[spec.year(t)] = end(1) - end(0);
    }

    for draw in 0..out.draws() {
        let shared = |name: &str| output(&out, draw, name, None);
        for arm in ARMS {
            let a = arm as usize;
            let name = arm.name();
            for t in 0..spec.months {
                let got = out.paths.slice(s![draw, a, t, ..]).to_vec();
                assert_close(&got, &stocks(a, t), &format!("{name} stocks in month {t}"));
            }
            let states = std::iter::once("benefit").chain(spec.dests.iter().map(|d| d.as_str()));
            for (st, state) in states.enumerate() {
                let avg: Vec<f64> = by_year(&spec, |t| stocks(a, t)[st])
                    .iter()
                    .zip(&months_in_year)
                    .map(|(s, m)| s / m)
                    .collect();
                let got = output(&out, draw, &format!("stock.{state}"), Some(arm));
                assert_close(&got, &avg, &format!("{name} average stock {state}"));
            }
            for (k, d) in spec.dests.iter().enumerate() {
                let flows = by_year(&spec, |t| chains[a].arrivals[[t, k]]);
                let got = output(&out, draw, &format!("flow.{d}"), Some(arm));
                assert_close(&got, &flows, &format!("{name} flow {d}"));
            }
            let relapses = by_year(&spec, |t| chains[a].relapses[t]);
            assert_close(
                &output(&out, draw, "relapse", Some(arm)),
                &relapses,
                &format!("{name} relapses"),
            );
            let cost = by_year(&spec, |t| weigh(&costs.cost, a, t));
            assert_close(
                &output(&out, draw, "cost", Some(arm)),
                &cost,
                &format!("{name} cost"),
            );
        }
        let inflow = by_year(&spec, |t| {
            spec.segments()
                .iter()
                .map(|seg| {
                    seg.get("inflow_per_year")
                        .map_or(0.0, |i| yearly(i, spec.year(t)))
                })
                .sum::<f64>()
                / 12.0
        });
        assert_close(&shared("inflow"), &inflow, "inflow");
        let savings = by_year(&spec, |t| savings_monthly[t]);
        let investment = by_year(&spec, |t| invest[t]);
        assert_close(&shared("savings"), &savings, "savings");
        assert_close(&shared("investment"), &investment, "investment");
        let net: Vec<f64> = savings
            .iter()
            .zip(&investment)
            .map(|(s, i)| s + i)
            .collect();
        assert_close(&shared("net"), &net, "net");
        assert_close(&shared("npv"), &[npv], "npv");
        assert_close(
            &shared("extra_entries_job_education"),
            &extra_entries,
            "gross entries into job and education",
        );
        assert_close(
            &shared("extra_job_education"),
            &extra_end,
            "persons in job and education",
        );
        let je_stock = |arm: usize, t: usize| sum_je(&stocks(arm, t)[1..]);
        let years: Vec<f64> = by_year(&spec, |t| (je_stock(1, t) - je_stock(0, t)) / 12.0);
        assert_close(
            &shared("extra_job_education_years"),
            &years,
            "person-years in job and education",
        );
        let claimed = by_year(&spec, |t| -weigh(&costs.claimed, 1, t));
        assert_close(&shared("gross_savings"), &claimed, "gross savings");
        let municipal = by_year(&spec, |t| {
            weigh(&costs.municipal_benefit, 1, t) - weigh(&costs.municipal_benefit, 0, t)
        });
        assert_close(
            &shared("municipal_benefit_savings"),
            &municipal,
            "municipal benefit savings",
        );
    }
    out
}

fn two_segments() -> Value {
    json!({
        "name": "two segments",
        "start": "2019-01",
        "years": 3,
        "benefit": {"indsats_month": 1200, "reentry_cell": 12},
        "destinations": {
            "job": {"relapse": 0.25},
            "education": {"relapse": 0.2},
            "flexjob": {"relapse": 0.03, "cost_month": 6000, "state_month": 5000},
            "pension": {"cost_month": 12000, "state_month": 8000},
            "other": {}
        },
        "segments": [
            {
                "name": "under 30",
                "initial": 180,
                "inflow_per_year": 140,
                "benefit_month": 8200,
                "initial_cell": 2,
                "exit": {"job": 0.12, "education": 0.2, "other": 0.05}
            },
            {
                "name": "over 30",
                "initial": 420,
                "inflow_per_year": 150,
                "benefit_month": 12500,
                "exit": {"job": 0.08, "education": 0.01, "flexjob": 0.03, "pension": 0.03}
            }
        ]
    })
}

/// The ratio per destination: `value(name)` for the named ones, 1 elsewhere.
fn per_destination(sc: &Value, value: impl Fn(&str) -> Option<f64>) -> Vec<f64> {
    Spec::new(sc, Vec::new())
        .dests
        .iter()
        .map(|d| value(d).unwrap_or(1.0))
        .collect()
}

fn no_effect(n_dest: usize) -> MonthEffect {
    MonthEffect {
        hazard: vec![1.0; n_dest],
        follow: Vec::new(),
    }
}

/// A changing baseline (MODEL.md 12.3–12.5): exits and inflow per year, a
/// duration ladder, an inflow cell, persons starting in destinations, a
/// destination that keeps half the benefit, two years of burn-in, and
/// indexation per year, in the state perspective.
#[test]
fn without_intervention_both_arms_are_the_baseline_chain() {
    let mut sc = two_segments();
    sc["benefit"]["reentry_cell"] = json!(5);
    sc["benefit"]["indexation"] = json!([0.0, 0.03, 0.01]);
    sc["perspective"] = json!("state");
    sc["burn_in_years"] = json!(2);
    sc["destinations"]["hours"] = json!({"relapse": 0.3, "benefit_share": 0.5, "cost_month": 400});
    sc["segments"][0]["exit"]["job"] = json!([0.12, 0.15, 0.1]);
    sc["segments"][0]["exit"]["hours"] = json!(0.05);
    sc["segments"][0]["inflow_per_year"] = json!([140, 100, 160]);
    sc["segments"][1]["duration_hr"] = json!([[3, 1.4], [12, 1.0], [24, 0.6]]);
    sc["segments"][1]["inflow_cell"] = json!(4);
    sc["segments"][1]["initial_destinations"] = json!({"job": 30, "hours": 12});
    let n_dest = Spec::new(&sc, Vec::new()).n_dest();
    let ones = move |_: usize, _: usize, _: &[f64]| no_effect(n_dest);
    let out = check_against_chain(
        &sc,
        Intervention {
            followers: Vec::new(),
            targeted: Vec::new(),
            claims_from: None,
            effects: &ones,
            investment: &|_, _| 0.0,
        },
    );
    assert_eq!(
        out.paths.slice(s![.., 0, .., ..]),
        out.paths.slice(s![.., 1, .., ..])
    );
}

/// A caseload in target mode (capped by `max_hr`) on one segment, a
/// coverage component on it with yearly hazard ratios that follows job
/// (with a yearly relapse ratio) and education for five months (its own
/// start, end and ramp), a component with participants on the other
/// segment (capped at its stock), a ramp, indexation and a price index per year, a
/// ladder of its own, a state share, funding, the public perspective and a
/// start in July.
#[test]
fn caseload_target_and_components_with_followed_stocks_ramp_and_prices() {
    let mut sc = two_segments();
    sc["start"] = json!("2019-07");
    sc["perspective"] = json!("public");
    sc["discount_rate"] = json!(0.04);
    sc["price_index"] = json!([0.0, 0.02, 0.03, 0.01]);
    sc["benefit"]["indexation"] = json!(0.02);
    sc["benefit"]["reentry_cell"] = json!(3);
    sc["benefit"]["refusion"] = json!([[3, 0.9], [9, 0.5], [999, 0.25]]);
    sc["segments"][1]["initial_cell"] = json!(7);
    sc["intervention"] = json!({
        "start": "2019-09",
        "end": "2022-03",
        "segments": ["over 30", "under 30"],
        "ramp_months": 4,
        "caseload": {
            "segments": ["over 30"],
            "base": 70, "target": 45, "fte_cost_year": 600000, "elasticity": 0.5, "max_hr": 1.2
        },
        "components": [
            {
                "name": "job broker",
                "segments": ["over 30"],
                "start": "2019-10",
                "end": "2021-07",
                "ramp_months": 2,
                "coverage": [0.2, 0.3, 0.3, 0.1],
                "cost_month": 1800,
                "fixed_year": 120000,
                "one_off": 50000,
                "state_share": [0.5, 0.5, 0.0, 0.0],
                "hr": {"job": [1.6, 1.4, 1.2, 1.1], "flexjob": 1.3},
                "relapse_hr": {"job": [0.9, 0.6, 0.6, 0.6], "education": 0.5},
                "follow_up_months": 5
            },
            {
                "name": "internship",
                "segments": ["under 30"],
                "participants": [200, 600, 300, 100],
                "cost_month": 900,
                "hr": {"education": 1.25}
            }
        ],
        "funding": [0, 100000, 100000, 0]
    });
    let n_dest = 5;
    let (job, education) = (0, 1);
    let (start, end) = (2usize, 32usize);
    let (broker_start, broker_end) = (3usize, 24usize);
    assert!((70.0f64 / 45.0).powf(0.5) > 1.2, "the cap binds");
    let caseload = per_destination(&sc, |d| matches!(d, "job" | "education").then_some(1.2));
    let coverage: [f64; 4] = [0.2, 0.3, 0.3, 0.1];
    let participants: [f64; 4] = [200.0, 600.0, 300.0, 100.0];
    let price = [1.0, 1.02, 1.02 * 1.03, 1.02 * 1.03 * 1.01];
    let rho = |t: usize, first: usize, months: f64| ((t + 1 - first) as f64 / months).min(1.0);
    let year = |t: usize| (6 + t) / 12;
    let effects = |t: usize, s: usize, benefit: &[f64]| {
        let mut e = MonthEffect {
            hazard: vec![1.0; n_dest],
            follow: vec![(0.0, 1.0); 2],
        };
        if !(start..end).contains(&t) {
            return e;
        }
        let y = year(t);
        if s == 1 {
            for (h, c) in e.hazard.iter_mut().zip(&caseload) {
                *h *= c.powf(rho(t, start, 4.0));
            }
        }
        if s == 0 {
            let intern = participants[y].min(benefit[0]) / benefit[0];
            e.hazard[education] *= (1.0 + intern * 0.25).powf(rho(t, start, 4.0));
        }
        if s == 1 && (broker_start..broker_end).contains(&t) {
            let r = rho(t, broker_start, 2.0);
            let phi = coverage[y];
            let broker_hr = per_destination(&sc, |d| match d {
                "job" => Some([1.6, 1.4, 1.2, 1.1][y]),
                "flexjob" => Some(1.3),
                _ => None,
            });
            for (h, hr) in e.hazard.iter_mut().zip(&broker_hr) {
                *h *= (1.0 + phi * (hr - 1.0)).powf(r);
            }
            // s_c = 1 − (1 − φ)/A, with A the ramped average ratio.
            let a_job = (1.0 + phi * (broker_hr[job] - 1.0)).powf(r);
            let relapse_job = [0.9f64, 0.6, 0.6, 0.6][y].powf(r);
            // Followers in the order leavers are assigned: job, then education.
            e.follow[0] = (1.0 - (1.0 - phi) / a_job, relapse_job);
            e.follow[1] = (phi, 0.5f64.powf(r));
        }
        e
    };
    let funding: [f64; 4] = [0.0, 100_000.0, 100_000.0, 0.0];
    let months_in_year = [6.0, 12.0, 12.0, 6.0];
    let capped = Cell::new(0);
    let investment = |t: usize, benefit: &[f64]| {
        let y = year(t);
        let mut cost = 0.0;
        if (start..end).contains(&t) {
            capped.set(capped.get() + usize::from(participants[y] > benefit[0]));
            cost += benefit[1] * (1.0 / 45.0 - 1.0 / 70.0) * 600_000.0 / 12.0 * price[y];
            cost += participants[y].min(benefit[0]) * 900.0 * price[y];
        }
        if (broker_start..broker_end).contains(&t) {
            let one_off = if t == broker_start { 50_000.0 } else { 0.0 };
            cost += (coverage[y] * benefit[1] * 1800.0 + 120_000.0 / 12.0 + one_off) * price[y];
        }
        // Public perspective: the state's share is part of the investment,
        // funding a transfer.
        let _ = funding[y] / months_in_year[y];
        cost
    };
    let out = check_against_chain(
        &sc,
        Intervention {
            followers: vec![
                Follower {
                    dest: job,
                    cells: 5,
                    limited: true,
                    end: broker_end,
                },
                Follower {
                    dest: education,
                    cells: 5,
                    limited: true,
                    end: broker_end,
                },
            ],
            targeted: vec![0, 1],
            claims_from: Some(start),
            effects: &effects,
            investment: &investment,
        },
    );
    // Some months have more participants than the targeted stock, some not.
    assert!(
        (1..30).contains(&capped.get()),
        "capped in {} months",
        capped.get()
    );
    // Persons were followed: with them gone the outputs change.
    let mut without = sc.clone();
    without["intervention"]["components"][0]
        .as_object_mut()
        .unwrap()
        .remove("relapse_hr");
    let scenario = Scenario::from_value(&without).unwrap();
    let plain = run_simple(&scenario, &RunOptions::new(1, 1, Mode::MeanField)).unwrap();
    let relapses = |o: &RunOutput| -> f64 {
        output(o, 0, "relapse", Some(Arm::Intervention))
            .iter()
            .sum()
    };
    assert!(relapses(&out) < relapses(&plain));
}

/// Extra caseworkers per year: the caseload, and so the ratio, follows the
/// targeted stock month by month (capped by `max_hr` where it would exceed
/// it); the municipal perspective nets the funding out of the investment.
#[test]
fn caseload_extra_fte_follows_the_targeted_stock() {
    let mut sc = two_segments();
    sc["intervention"] = json!({
        "start": "2019-01",
        "end": "2022-01",
        "funding": 60000,
        "caseload": {
            "base": 60, "extra_fte": [2.0, 6.0, 1.0], "fte_cost_year": 500000,
            "elasticity": 0.9, "max_hr": 1.4, "affects": ["job", "flexjob"]
        }
    });
    let extra_fte: [f64; 3] = [2.0, 6.0, 1.0];
    let capped = Cell::new(0);
    let effects = |t: usize, _: usize, benefit: &[f64]| {
        let y = t / 12;
        let b: f64 = benefit.iter().sum();
        let caseload = b / (b / 60.0 + extra_fte[y]);
        let uncapped = (60.0 / caseload).powf(0.9);
        capped.set(capped.get() + usize::from(uncapped > 1.4));
        let ratio = uncapped.min(1.4);
        let hazard = per_destination(&sc, |d| matches!(d, "job" | "flexjob").then_some(ratio));
        MonthEffect {
            hazard,
            follow: Vec::new(),
        }
    };
    let investment = |t: usize, _: &[f64]| extra_fte[t / 12] * 500_000.0 / 12.0 - 5000.0;
    check_against_chain(
        &sc,
        Intervention {
            followers: Vec::new(),
            targeted: vec![0, 1],
            claims_from: Some(0),
            effects: &effects,
            investment: &investment,
        },
    );
    // The cap binds in some months (of each segment's ratio), not in all.
    assert!(
        (1..72).contains(&capped.get()),
        "capped {} times",
        capped.get()
    );
}
