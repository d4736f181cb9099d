//! Mean-field runs with fixed parameters equal an explicit chain of monthly
//! transition matrices built by hand from MODEL.md section 4.
//!
//! The state vector holds, per segment, the 13 benefit duration cells and the
//! destinations. Each month: inflow is an added vector; exits are a matrix
//! (leavers of every cell to each destination, stayers one cell up); relapse
//! is a matrix (back from each destination into `reentry_cell`). The
//! intervention's hazard and relapse ratios (MODEL.md 5) are written out per
//! test from the scenario's numbers, from the chain's own targeted benefit
//! stock where they depend on it. Everything the engine reports is compared
//! to 1e−9 relative: monthly stocks, flows, relapses, costs, investment,
//! savings, net, NPV and extra persons into job and education.

use indsats::outputs::{Layout, ARMS, EXTRA_JOB_EDUCATION, INFLOW, INVESTMENT, NET, SAVINGS};
use indsats::{run_simple, Mode, RunOptions, RunOutput, Scenario};
use ndarray::{s, Array1, Array2, ArrayView1};
use serde_json::{json, Value};
use std::cell::Cell;

const CELLS: usize = 13;

/// The month's ratios of one segment in the intervention arm: hazard and
/// relapse ratio per destination, given the month and the arm's targeted
/// benefit stock after inflow.
type Ratios<'a> = dyn Fn(usize, usize, f64) -> (Vec<f64>, Vec<f64>) + 'a;

fn num(v: &Value) -> f64 {
    v.as_f64().expect("a number")
}

fn get(v: &Value, key: &str, default: f64) -> f64 {
    v.get(key).map_or(default, num)
}

/// The chain's view of a scenario (a JSON value, as the engine reads it).
struct Spec<'a> {
    sc: &'a Value,
    dests: Vec<String>,
    months: usize,
    start_month: usize,
    reentry: usize,
}

impl<'a> Spec<'a> {
    fn new(sc: &'a Value) -> Self {
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

    fn width(&self) -> usize {
        CELLS + self.n_dest()
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

    /// Benefit stock of the given segments in a state vector.
    fn benefit_of(&self, x: ArrayView1<f64>, segments: &[usize]) -> f64 {
        let w = self.width();
        segments
            .iter()
            .map(|&s| x.slice(s![s * w..s * w + CELLS]).sum())
            .sum()
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
}

fn explicit_chain(spec: &Spec, targeted: &[usize], ratios: &Ratios) -> Chain {
    let (n_seg, n_dest, w) = (spec.n_seg(), spec.n_dest(), spec.width());
    let size = n_seg * w;
    let default_cell = spec.sc["benefit"]
        .get("initial_cell")
        .map_or(12, |c| c.as_u64().expect("cell") as usize);
    let mut x = Array1::<f64>::zeros(size);
    let mut inflow = Array1::<f64>::zeros(size);
    for (s, seg) in spec.segments().iter().enumerate() {
        let cell = seg
            .get("initial_cell")
            .map_or(default_cell, |c| c.as_u64().expect("cell") as usize);
        x[s * w + cell] = num(&seg["initial"]);
        inflow[s * w] = get(seg, "inflow_per_year", 0.0) / 12.0;
    }
    let mut chain = Chain {
        measured: Array2::zeros((spec.months, size)),
        arrivals: Array2::zeros((spec.months, n_dest)),
        relapses: Array1::zeros(spec.months),
    };
    for t in 0..spec.months {
        x += &inflow;
        chain.measured.row_mut(t).assign(&x);
        let b_t = spec.benefit_of(x.view(), targeted);
        let mut exits = Array2::<f64>::zeros((size, size));
        let mut relapse = Array2::<f64>::eye(size);
        for (s, seg) in spec.segments().iter().enumerate() {
            let base = s * w;
            let (hr, rhr) = ratios(t, s, b_t);
            let h: Vec<f64> = (0..n_dest)
                .map(|k| -(1.0 - get(&seg["exit"], &spec.dests[k], 0.0)).ln() / 12.0 * hr[k])
                .collect();
            let total: f64 = h.iter().sum();
            let leave: Vec<f64> = h
                .iter()
                .map(|&hk| {
                    if total > 0.0 {
                        hk / total * (1.0 - (-total).exp())
                    } else {
                        0.0
                    }
                })
                .collect();
            let stay = 1.0 - leave.iter().sum::<f64>();
            for d in 0..CELLS {
                for (k, &p) in leave.iter().enumerate() {
                    exits[[base + CELLS + k, base + d]] = p;
                }
                exits[[base + (d + 1).min(CELLS - 1), base + d]] += stay;
            }
            for (k, &ratio) in rhr.iter().enumerate() {
                let j = base + CELLS + k;
                exits[[j, j]] = 1.0;
                let q = get(spec.dest(k), "relapse", 0.0);
                let r = 1.0 - ((1.0 - q).ln() / 12.0 * ratio).exp();
                relapse[[j, j]] = 1.0 - r;
                relapse[[base + spec.reentry, j]] = r;
            }
        }
        let after = exits.dot(&x);
        let relapsed = &after - &relapse.dot(&after);
        for s in 0..n_seg {
            for k in 0..n_dest {
                let j = s * w + CELLS + k;
                chain.arrivals[[t, k]] += after[j] - x[j];
                chain.relapses[t] += relapsed[j];
            }
        }
        x = relapse.dot(&after);
    }
    chain
}

/// Cost of a person-month in each state, per month, under the perspective.
fn cost_vectors(spec: &Spec) -> Array2<f64> {
    let sc = spec.sc;
    let benefit = &sc["benefit"];
    let default_ladder = json!([[1, 0.8], [6, 0.4], [12, 0.3], [999, 0.2]]);
    let ladder = benefit
        .get("refusion")
        .unwrap_or(&default_ladder)
        .as_array()
        .expect("ladder");
    let refund = |d: usize| {
        let step = ladder
            .iter()
            .find(|step| num(&step[0]) >= (d + 1) as f64)
            .expect("a step");
        num(&step[1])
    };
    let perspective = sc
        .get("perspective")
        .map_or("municipal", |p| p.as_str().expect("name"));
    let (municipal, state) = match perspective {
        "municipal" => (1.0, 0.0),
        "state" => (0.0, 1.0),
        _ => (1.0, 1.0),
    };
    let indexation = get(benefit, "indexation", 0.0);
    let effort = get(benefit, "indsats_month", 0.0);
    let w = spec.width();
    let mut out = Array2::zeros((spec.months, spec.n_seg() * w));
    for t in 0..spec.months {
        for (s, seg) in spec.segments().iter().enumerate() {
            let gross = num(&seg["benefit_month"]) * (1.0 + indexation).powi(spec.year(t) as i32);
            for d in 0..CELLS {
                out[[t, s * w + d]] =
                    municipal * (gross * (1.0 - refund(d)) + effort) + state * gross * refund(d);
            }
            for k in 0..spec.n_dest() {
                let dest = spec.dest(k);
                out[[t, s * w + CELLS + k]] = municipal * get(dest, "cost_month", 0.0)
                    + state * get(dest, "state_month", 0.0);
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

fn column(out: &RunOutput, draw: usize, col: impl Fn(usize) -> usize, n: usize) -> Vec<f64> {
    (0..n).map(|y| out.rows[[draw, col(y)]]).collect()
}

/// Compares a mean-field run with the chain of both arms. `investment` is
/// the month's investment given the month and the intervention arm's
/// targeted benefit stock after inflow.
fn check_against_chain(
    sc: &Value,
    targeted: &[usize],
    ratios: &Ratios,
    investment: &dyn Fn(usize, f64) -> f64,
) -> RunOutput {
    let spec = Spec::new(sc);
    let (n_dest, n_years) = (spec.n_dest(), spec.n_years());
    let untreated = |_: usize, _: usize, _: f64| (vec![1.0; n_dest], vec![1.0; n_dest]);
    let chains = [
        explicit_chain(&spec, targeted, &untreated),
        explicit_chain(&spec, targeted, ratios),
    ];
    let scenario = Scenario::from_value(sc).expect("a valid scenario");
    let out = run_simple(&scenario, &RunOptions::new(2, 1, Mode::MeanField)).expect("runs");
    let layout = Layout::new(n_years, n_dest);
    assert_eq!(out.layout.width(), layout.width());
    let costs = cost_vectors(&spec);
    let w = spec.width();
    let month_cost =
        |arm: usize, t: usize| -> f64 { (&costs.row(t) * &chains[arm].measured.row(t)).sum() };
    let stocks = |arm: usize, t: usize| -> Vec<f64> {
        let x = chains[arm].measured.row(t);
        let all: Vec<usize> = (0..spec.n_seg()).collect();
        let mut states = vec![spec.benefit_of(x, &all)];
        for k in 0..n_dest {
            states.push((0..spec.n_seg()).map(|s| x[s * w + CELLS + k]).sum());
        }
        states
    };
    let b_t = |t: usize| spec.benefit_of(chains[1].measured.row(t), targeted);
    let invest: Vec<f64> = (0..spec.months).map(|t| investment(t, b_t(t))).collect();
    let savings_monthly: Vec<f64> = (0..spec.months)
        .map(|t| month_cost(1, t) - month_cost(0, t))
        .collect();
    let rate = get(sc, "discount_rate", 0.0);
    let npv: f64 = (0..spec.months)
        .map(|t| (invest[t] + savings_monthly[t]) / (1.0 + rate).powf(t as f64 / 12.0))
        .sum();
    let months_in_year = by_year(&spec, |_| 1.0);
    let job_education: Vec<usize> = ["job", "education"]
        .iter()
        .filter_map(|d| spec.dests.iter().position(|x| x == d))
        .collect();
    let gross = |arm: usize, t: usize| -> f64 {
        job_education
            .iter()
            .map(|&k| chains[arm].arrivals[[t, k]])
            .sum()
    };
    let mut extra = 0.0;
    let mut extra_by_year = vec![0.0; n_years];
    for t in 0..spec.months {
        extra += gross(1, t) - gross(0, t);
        extra_by_year[spec.year(t)] = extra;
    }

    for draw in 0..out.draws() {
        for (arm, name) in ARMS.iter().zip(["baseline", "intervention"]) {
            let a = *arm as usize;
            for t in 0..spec.months {
                let got = out.paths.slice(s![draw, a, t, ..]).to_vec();
                assert_close(&got, &stocks(a, t), &format!("{name} stocks in month {t}"));
            }
            for st in 0..=n_dest {
                let avg = by_year(&spec, |t| stocks(a, t)[st]);
                let avg: Vec<f64> = avg
                    .iter()
                    .zip(&months_in_year)
                    .map(|(s, m)| s / m)
                    .collect();
                let got = column(&out, draw, |y| layout.stock(*arm, st, y), n_years);
                assert_close(&got, &avg, &format!("{name} average stock {st}"));
            }
            for k in 0..n_dest {
                let flows = by_year(&spec, |t| chains[a].arrivals[[t, k]]);
                let got = column(&out, draw, |y| layout.flow(*arm, k, y), n_years);
                assert_close(&got, &flows, &format!("{name} flow {}", spec.dests[k]));
            }
            let relapses = by_year(&spec, |t| chains[a].relapses[t]);
            let got = column(&out, draw, |y| layout.relapse(*arm, y), n_years);
            assert_close(&got, &relapses, &format!("{name} relapses"));
            let cost = by_year(&spec, |t| month_cost(a, t));
            let got = column(&out, draw, |y| layout.cost(*arm, y), n_years);
            assert_close(&got, &cost, &format!("{name} cost"));
        }
        let shared = |block: usize| column(&out, draw, |y| layout.shared(block, y), n_years);
        let inflow: f64 = spec
            .segments()
            .iter()
            .map(|seg| get(seg, "inflow_per_year", 0.0) / 12.0)
            .sum();
        assert_close(&shared(INFLOW), &by_year(&spec, |_| inflow), "inflow");
        let savings = by_year(&spec, |t| savings_monthly[t]);
        let investment = by_year(&spec, |t| invest[t]);
        assert_close(&shared(SAVINGS), &savings, "savings");
        assert_close(&shared(INVESTMENT), &investment, "investment");
        let net: Vec<f64> = savings
            .iter()
            .zip(&investment)
            .map(|(s, i)| s + i)
            .collect();
        assert_close(&shared(NET), &net, "net");
        assert_close(
            &shared(EXTRA_JOB_EDUCATION),
            &extra_by_year,
            "extra job and education",
        );
        assert_close(&[out.rows[[draw, layout.npv()]]], &[npv], "npv");
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
    Spec::new(sc)
        .dests
        .iter()
        .map(|d| value(d).unwrap_or(1.0))
        .collect()
}

#[test]
fn without_intervention_both_arms_are_the_baseline_chain() {
    let mut sc = two_segments();
    sc["benefit"]["reentry_cell"] = json!(5);
    sc["benefit"]["indexation"] = json!(0.03);
    sc["perspective"] = json!("state");
    let n_dest = Spec::new(&sc).n_dest();
    let ones = |_: usize, _: usize, _: f64| (vec![1.0; n_dest], vec![1.0; n_dest]);
    let out = check_against_chain(&sc, &[0, 1], &ones, &|_, _| 0.0);
    assert_eq!(
        out.paths.slice(s![.., 0, .., ..]),
        out.paths.slice(s![.., 1, .., ..])
    );
}

/// A caseload in target mode (capped by `max_hr`) on one segment, a
/// coverage component with yearly hazard and relapse ratios, a component
/// with participants (capped at the targeted stock), a ramp, indexation, a
/// ladder of its own, funding, the public perspective and a start in July.
#[test]
fn caseload_target_and_components_with_relapse_ratio_ramp_and_indexation() {
    let mut sc = two_segments();
    sc["start"] = json!("2019-07");
    sc["perspective"] = json!("public");
    sc["discount_rate"] = json!(0.04);
    sc["benefit"]["indexation"] = json!(0.02);
    sc["benefit"]["reentry_cell"] = json!(3);
    sc["benefit"]["refusion"] = json!([[3, 0.9], [9, 0.5], [999, 0.25]]);
    sc["segments"][1]["initial_cell"] = json!(7);
    sc["intervention"] = json!({
        "start": "2019-09",
        "end": "2022-03",
        "segments": ["over 30"],
        "ramp_months": 4,
        "caseload": {
            "base": 70, "target": 45, "fte_cost_year": 600000, "elasticity": 0.5, "max_hr": 1.2
        },
        "components": [
            {
                "name": "job broker",
                "coverage": [0.2, 0.3, 0.3, 0.1],
                "cost_month": 1800,
                "fixed_year": 120000,
                "one_off": 50000,
                "hr": {"job": [1.6, 1.4, 1.2, 1.1], "flexjob": 1.3},
                "relapse_hr": {"job": [0.9, 0.8, 0.8, 0.8], "education": 0.85}
            },
            {
                "name": "internship",
                "participants": [200, 600, 300, 100],
                "cost_month": 900,
                "hr": {"education": 1.25}
            }
        ],
        "funding": [0, 100000, 100000, 0]
    });
    let spec = Spec::new(&sc);
    let (start, end) = (2, 32);
    let targeted = [1];
    assert!((70.0f64 / 45.0).powf(0.5) > 1.2, "the cap binds");
    let caseload = per_destination(&sc, |d| matches!(d, "job" | "education").then_some(1.2));
    let coverage: [f64; 4] = [0.2, 0.3, 0.3, 0.1];
    let participants: [f64; 4] = [200.0, 600.0, 300.0, 100.0];
    let rho = |t: usize| ((t - start + 1) as f64 / 4.0).min(1.0);
    let ratios = |t: usize, s: usize, b_t: f64| {
        let n_dest = spec.n_dest();
        if !(start..end).contains(&t) || s != 1 {
            return (vec![1.0; n_dest], vec![1.0; n_dest]);
        }
        let y = spec.year(t);
        let broker_hr = per_destination(&sc, |d| match d {
            "job" => Some([1.6, 1.4, 1.2, 1.1][y]),
            "flexjob" => Some(1.3),
            _ => None,
        });
        let intern_hr = per_destination(&sc, |d| (d == "education").then_some(1.25));
        let share = participants[y].min(b_t) / b_t;
        let retention = per_destination(&sc, |d| match d {
            "job" => Some([0.9, 0.8, 0.8, 0.8][y]),
            "education" => Some(0.85),
            _ => None,
        });
        let hazard = (0..n_dest)
            .map(|k| {
                let r = caseload[k]
                    * (1.0 + coverage[y] * (broker_hr[k] - 1.0))
                    * (1.0 + share * (intern_hr[k] - 1.0));
                r.powf(rho(t))
            })
            .collect();
        (hazard, retention.iter().map(|r| r.powf(rho(t))).collect())
    };
    let funding: [f64; 4] = [0.0, 100_000.0, 100_000.0, 0.0];
    let months_in_year = by_year(&spec, |_| 1.0);
    assert_eq!(months_in_year, [6.0, 12.0, 12.0, 6.0]);
    let capped = Cell::new(0);
    let investment = |t: usize, b_t: f64| {
        let y = spec.year(t);
        let mut cost = 0.0;
        if (start..end).contains(&t) {
            capped.set(capped.get() + usize::from(participants[y] > b_t));
            cost += b_t * (1.0 / 45.0 - 1.0 / 70.0) * 600_000.0 / 12.0;
            cost += coverage[y] * b_t * 1800.0 + 120_000.0 / 12.0;
            cost += participants[y].min(b_t) * 900.0;
            if t == start {
                cost += 50_000.0;
            }
        }
        cost - funding[y] / months_in_year[y]
    };
    check_against_chain(&sc, &targeted, &ratios, &investment);
    // Some months have more participants than the targeted stock, some not.
    assert!(
        (1..30).contains(&capped.get()),
        "capped in {} months",
        capped.get()
    );
}

/// Extra caseworkers per year: the caseload, and so the ratio, follows the
/// targeted stock month by month (capped by `max_hr` where it would exceed it).
#[test]
fn caseload_extra_fte_follows_the_targeted_stock() {
    let mut sc = two_segments();
    sc["intervention"] = json!({
        "start": "2019-01",
        "end": "2022-01",
        "caseload": {
            "base": 60, "extra_fte": [2.0, 6.0, 1.0], "fte_cost_year": 500000,
            "elasticity": 0.9, "max_hr": 1.4, "affects": ["job", "flexjob"]
        }
    });
    let spec = Spec::new(&sc);
    let extra_fte: [f64; 3] = [2.0, 6.0, 1.0];
    let capped = Cell::new(0);
    let ratios = |t: usize, _: usize, b_t: f64| {
        let y = spec.year(t);
        let caseload = b_t / (b_t / 60.0 + extra_fte[y]);
        let uncapped = (60.0 / caseload).powf(0.9);
        capped.set(capped.get() + usize::from(uncapped > 1.4));
        let ratio = uncapped.min(1.4);
        let hazard = per_destination(&sc, |d| matches!(d, "job" | "flexjob").then_some(ratio));
        (hazard, vec![1.0; spec.n_dest()])
    };
    let investment = |t: usize, _: f64| extra_fte[spec.year(t)] * 500_000.0 / 12.0;
    check_against_chain(&sc, &[0, 1], &ratios, &investment);
    // The cap binds in some months (of each segment's ratio), not in all.
    assert!(
        (1..72).contains(&capped.get()),
        "capped {} times",
        capped.get()
    );
}
