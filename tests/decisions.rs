//! Supplied parameter values (in place of sampling) and discount schedules,
//! through the public API of the core.

use indsats::model::discount_factors;
use indsats::{run_simple, Mode, RunOptions, Scenario};
use ndarray::Array2;

const SCENARIO: &str = r#"
name = "supplied"
start = "2019-07"
years = 3
discount_rate = 0.035
[destinations]
job = { relapse = 0.3 }
education = { relapse = 0.1 }
[[segments]]
name = "over 30"
initial = 250
inflow_per_year = 80
benefit_month = 11000
exit = { job = { dist = "beta", mean = 0.08, sd = 0.01 }, education = 0.03 }
[[segments]]
name = "young"
initial = 90
inflow_per_year = { dist = "uniform", low = 20, high = 60 }
benefit_month = 7000
exit = { job = 0.1, education = 0.1 }
[intervention]
start = "2019-07"
end = "2021-07"
caseload = { base = 60, target = 30, fte_cost_year = 550000, elasticity = { dist = "uniform", low = 0.2, high = 0.8 } }
"#;

fn scenario() -> Scenario {
    Scenario::from_toml_str(SCENARIO).expect("valid scenario")
}

fn paths(p: &[&str]) -> Vec<String> {
    p.iter().map(|s| s.to_string()).collect()
}

#[test]
fn supplying_the_sampled_values_gives_the_same_run() {
    let sc = scenario();
    let draws = 40;
    let names = paths(&[
        "segments[0].exit.job",
        "segments[1].inflow_per_year",
        "intervention.caseload.elasticity",
    ]);
    let ids: Vec<usize> = names.iter().map(|p| sc.params.find(p).unwrap()).collect();
    let mut values = Array2::zeros((draws, names.len()));
    for d in 0..draws {
        let all = sc.params.sample(7, d as u64).unwrap();
        for (j, &i) in ids.iter().enumerate() {
            values[[d, j]] = all[i];
        }
    }
    for mode in [Mode::Stochastic, Mode::MeanField] {
        let mut opts = RunOptions::new(draws, 7, mode);
        let sampled = run_simple(&sc, &opts).unwrap();
        opts.supplied = Some(sc.params.supplied(&names, values.clone()).unwrap());
        let supplied = run_simple(&sc, &opts).unwrap();
        assert_eq!(sampled.rows, supplied.rows, "{mode:?}");
    }
}

#[test]
fn supplied_values_replace_only_their_parameters() {
    let sc = scenario();
    let mut opts = RunOptions::new(30, 3, Mode::MeanField);
    let free = run_simple(&sc, &opts).unwrap();
    // No effect at all: elasticity 0 in every draw.
    let names = paths(&["intervention.caseload.elasticity"]);
    opts.supplied = Some(sc.params.supplied(&names, Array2::zeros((30, 1))).unwrap());
    let fixed = run_simple(&sc, &opts).unwrap();
    let layout = &fixed.layout;
    for d in 0..30 {
        for y in 0..layout.n_years {
            assert_eq!(
                fixed.rows[[d, layout.shared(indsats::outputs::Shared::Savings, y)]],
                0.0
            );
        }
        assert_ne!(free.rows[[d, layout.npv()]], fixed.rows[[d, layout.npv()]]);
    }
    // The other parameters keep their draws: the baseline arm is the same.
    assert_eq!(
        free.rows
            .column(layout.cost(indsats::outputs::Arm::Baseline, 1)),
        fixed
            .rows
            .column(layout.cost(indsats::outputs::Arm::Baseline, 1))
    );
}

#[test]
fn named_and_positional_paths_find_the_same_parameter() {
    let sc = scenario();
    let positional = sc.params.find("segments[1].inflow_per_year").unwrap();
    assert_eq!(
        sc.params.find("segments[young].inflow_per_year"),
        Some(positional)
    );
    assert_eq!(
        sc.params.find("segments[over 30].exit.job"),
        sc.params.find("segments[0].exit.job")
    );
    assert_eq!(sc.params.find("segments[old].exit.job"), None);
}

#[test]
fn bad_supplied_values_are_errors_naming_path_and_draw() {
    let sc = scenario();
    let err = |names: &[&str], values: Array2<f64>| {
        sc.params
            .supplied(&paths(names), values)
            .unwrap_err()
            .to_string()
    };
    let e = err(&["segments[0].exit.jb"], Array2::zeros((2, 1)));
    assert!(e.starts_with("segments[0].exit.jb:"), "{e}");
    assert!(e.contains("did you mean `segments[0].exit.job`"), "{e}");
    let mut v = Array2::from_elem((3, 1), 0.1);
    v[[2, 0]] = 1.0;
    let e = err(&["segments[over 30].exit.job"], v);
    assert!(e.starts_with("segments[0].exit.job:"), "{e}");
    assert!(e.contains("draw 2") && e.contains("probability"), "{e}");
    let e = err(&["segments[1].initial"], Array2::from_elem((1, 1), -3.0));
    assert!(e.contains("draw 0") && e.contains("count"), "{e}");
    let e = err(
        &["segments[0].benefit_month"],
        Array2::from_elem((1, 1), f64::NAN),
    );
    assert!(e.contains("draw 0"), "{e}");
    let e = err(
        &["segments[0].exit.job", "segments[over 30].exit.job"],
        Array2::from_elem((1, 2), 0.1),
    );
    assert!(e.contains("supplied twice"), "{e}");
    // One row per draw.
    let mut opts = RunOptions::new(5, 1, Mode::MeanField);
    opts.supplied = Some(
        sc.params
            .supplied(
                &paths(&["segments[0].exit.job"]),
                Array2::from_elem((4, 1), 0.1),
            )
            .unwrap(),
    );
    let e = run_simple(&sc, &opts).unwrap_err().to_string();
    assert!(e.contains("4 rows") && e.contains("5 draws"), "{e}");
}

#[test]
fn quantiles_follow_each_distribution() {
    let sc = scenario();
    let probs = Array2::from_shape_vec((3, 2), vec![0.05, 0.05, 0.5, 0.5, 0.95, 0.95]).unwrap();
    let q = sc
        .params
        .quantiles(
            &paths(&[
                "segments[1].inflow_per_year",
                "intervention.caseload.elasticity",
            ]),
            probs.view(),
        )
        .unwrap();
    for (row, expected) in [[22.0, 0.23], [40.0, 0.5], [58.0, 0.77]].iter().enumerate() {
        for j in 0..2 {
            assert!((q[[row, j]] - expected[j]).abs() < 1e-9, "{q}");
        }
    }
    let bad = Array2::from_elem((1, 1), 1.0);
    assert!(sc
        .params
        .quantiles(&paths(&["segments[0].exit.job"]), bad.view())
        .is_err());
}

/// A scenario whose only flow is a component's cost: 20 participants at
/// 1,000 kr. a month, so the NPV is 20,000 kr. times the sum of the monthly
/// discount factors.
fn cost_only(start: &str, years: u32, discount: &str) -> Scenario {
    Scenario::from_toml_str(&format!(
        r#"
start = "{start}"
years = {years}
discount_rate = {discount}
[[segments]]
initial = 500
benefit_month = 10000
[intervention]
start = "{start}"
end = "2200-01"
[[intervention.components]]
participants = 20
cost_month = 1000
"#
    ))
    .unwrap_or_else(|e| panic!("{discount}: {e}"))
}

fn npv(sc: &Scenario) -> f64 {
    let out = run_simple(sc, &RunOptions::new(1, 0, Mode::MeanField)).unwrap();
    out.rows[[0, out.layout.npv()]]
}

#[test]
fn a_month_is_discounted_by_the_rates_of_the_years_before_it() {
    // Start in July: six months of 2019, then 2020 and 2021.
    let rates = [0.02, 0.05, 0.10];
    let year_of_month: Vec<usize> = (0..30)
        .map(|t| if t < 6 { 0 } else { 1 + (t - 6) / 12 })
        .collect();
    let d = discount_factors(&rates, &year_of_month);
    assert_eq!(d[0], 1.0);
    let close = |a: f64, b: f64| (a - b).abs() < 1e-14;
    assert!(close(d[6], 1.02f64.powf(-0.5)));
    assert!(close(d[18], 1.02f64.powf(-0.5) * 1.05f64.powf(-1.0)));
    assert!(close(
        d[20],
        1.02f64.powf(-0.5) * 1.05f64.powf(-1.0) * 1.10f64.powf(-2.0 / 12.0)
    ));
    // One rate: (1 + r)^(−t/12).
    let one = discount_factors(&[0.035; 3], &year_of_month);
    for (t, f) in one.iter().enumerate() {
        assert!(close(*f, 1.035f64.powf(-(t as f64) / 12.0)));
    }

    let sc = cost_only("2019-07", 2, "[0.02, 0.05, 0.10]");
    let expected: f64 = discount_factors(&rates, &year_of_month[..24])
        .iter()
        .map(|f| 20_000.0 * f)
        .sum();
    assert!(
        (npv(&sc) - expected).abs() < 1e-6 * expected,
        "{} {expected}",
        npv(&sc)
    );
}

#[test]
fn discount_presets_follow_their_schedules() {
    // Within the first 30 years both presets are 3.5 %: the same NPV as the rate itself.
    for preset in ["\"fm\"", "\"greenbook\""] {
        assert_eq!(
            npv(&cost_only("2020-01", 10, preset)),
            npv(&cost_only("2020-01", 10, "0.035"))
        );
    }
    // 40 years from January: the Green Book steps down after year 30, FM after year 35.
    let months = 480;
    let year_of_month: Vec<usize> = (0..months).map(|t| t / 12).collect();
    for (preset, last_high) in [("fm", 35), ("greenbook", 30)] {
        let sc = cost_only("2020-01", 40, &format!("\"{preset}\""));
        let low = if preset == "fm" { 0.025 } else { 0.030 };
        let rates: Vec<f64> = (0..40)
            .map(|y| if y <= last_high { 0.035 } else { low })
            .collect();
        let expected: f64 = discount_factors(&rates, &year_of_month)
            .iter()
            .map(|f| 20_000.0 * f)
            .sum();
        assert!((npv(&sc) - expected).abs() < 1e-9 * expected, "{preset}");
        // The preset's years are fixed parameters named by year.
        let p = &sc.params[sc
            .params
            .find(&format!("discount_rate[{}]", last_high + 1))
            .unwrap()];
        assert_eq!(p.dist.quantile(0.5), low);
    }
    // After year 70 FM has 1.5 %.
    let sc = cost_only("2020-01", 75, "\"fm\"");
    let p = &sc.params[sc.params.find("discount_rate[71]").unwrap()];
    assert_eq!(p.dist.quantile(0.5), 0.015);
}

#[test]
fn bad_discount_rates_are_errors_naming_the_field() {
    let err = |discount: &str| {
        Scenario::from_toml_str(&format!(
            "start = \"2020-01\"\nyears = 2\ndiscount_rate = {discount}\n[[segments]]\ninitial = 5\nbenefit_month = 1\n"
        ))
        .unwrap_err()
        .to_string()
    };
    let e = err("\"fn\"");
    assert!(
        e.starts_with("discount_rate:") && e.contains("did you mean `fm`"),
        "{e}"
    );
    let e = err("[0.03, 0.04, 0.05]");
    assert!(
        e.starts_with("discount_rate:") && e.contains("one value per calendar year"),
        "{e}"
    );
    let e = err("[0.03, -1.5]");
    assert!(
        e.starts_with("discount_rate[1]:") && e.contains("above −1"),
        "{e}"
    );
}
