//! Nothing a scenario says breaks the core: numbers arrive exactly, names
//! are unique, sizes are bounded, and a run that overflows anyway says
//! which output in which draw.

use indsats::{run_simple, Mode, RunOptions, Scenario};
use rand::Rng;
use rand_xoshiro::rand_core::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// The value of segment 0's `benefit_month` and `exit.job` as read.
fn read_back(sc: &Scenario) -> (f64, f64) {
    let values = sc.params.sample(0, 0).expect("fixed values");
    let seg = &sc.segments[0];
    let job = sc.destination_index("job").expect("job");
    (
        values[seg.benefit_month.index()],
        values[seg.exit[job][0].index()],
    )
}

fn json_scenario(benefit: &str, job: &str) -> String {
    format!(
        r#"{{"start": "2020-01", "years": 1,
            "segments": [{{"initial": 10, "benefit_month": {benefit}, "exit": {{"job": {job}}}}}]}}"#
    )
}

/// A random double from its bits, within `limit` in size (subnormals and
/// zeros included), and one in [0, 1) from the same bits.
fn random_double(rng: &mut Xoshiro256PlusPlus, limit: f64) -> (f64, f64) {
    loop {
        let x = f64::from_bits(rng.next_u64());
        if x.is_finite() && x.abs() <= limit {
            let p = x.abs().fract();
            return (x, p);
        }
    }
}

#[test]
fn every_number_arrives_bit_exact() {
    // 0.9999999999999999 is the largest double below 1: a valid probability.
    let below_one = "0.9999999999999999";
    let sc = Scenario::from_json_str(&json_scenario("1", below_one)).unwrap();
    assert_eq!(read_back(&sc).1, 1.0 - f64::EPSILON / 2.0);
    assert!(read_back(&sc).1 < 1.0);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(2026);
    for i in 0..100_000 {
        let (x, p) = random_double(&mut rng, 1e9);
        // Rust's shortest round-trip form and 17 significant digits.
        let (text_x, text_p) = if i % 2 == 0 {
            (format!("{x:?}"), format!("{p:?}"))
        } else {
            (format!("{x:.16e}"), format!("{p:.16e}"))
        };
        let sc = Scenario::from_json_str(&json_scenario(&text_x, &text_p))
            .unwrap_or_else(|e| panic!("{text_x} {text_p}: {e}"));
        let (bx, bp) = read_back(&sc);
        assert_eq!(bx.to_bits(), x.to_bits(), "{text_x} became {bx:?}");
        assert_eq!(bp.to_bits(), p.to_bits(), "{text_p} became {bp:?}");
        if i % 10 == 0 {
            // The same through TOML.
            let toml = format!(
                "start = \"2020-01\"\nyears = 1\n[[segments]]\ninitial = 10\n\
                 benefit_month = {text_x}\nexit = {{ job = {text_p} }}\n"
            );
            let sc = Scenario::from_toml_str(&toml).unwrap_or_else(|e| panic!("{toml}: {e}"));
            let (bx, bp) = read_back(&sc);
            assert_eq!((bx.to_bits(), bp.to_bits()), (x.to_bits(), p.to_bits()));
        }
    }
}

fn err(text: &str) -> String {
    match Scenario::from_toml_str(text) {
        Ok(_) => panic!("expected an error for\n{text}"),
        Err(e) => e.to_string(),
    }
}

const TWO_SEGMENTS: &str = r#"
start = "2020-01"
years = 2
[[segments]]
name = "young"
initial = 10
benefit_month = 9000
[[segments]]
name = "old"
initial = 10
benefit_month = 12000
[intervention]
start = "2020-01"
end = "2021-01"
"#;

#[test]
fn names_are_unique() {
    let component = |name: &str| {
        if name.is_empty() {
            "[[intervention.components]]\ncost_month = 1\n".to_string()
        } else {
            format!("[[intervention.components]]\nname = \"{name}\"\ncost_month = 1\n")
        }
    };
    let e = err(&format!(
        "{TWO_SEGMENTS}{}{}",
        component("mentor"),
        component("mentor")
    ));
    assert!(
        e.starts_with("intervention.components[1].name:") && e.contains("duplicate"),
        "{e}"
    );
    // A nameless component is called `component <i>`: a name that collides.
    let e = err(&format!(
        "{TWO_SEGMENTS}{}{}",
        component("component 1"),
        component("")
    ));
    assert!(
        e.starts_with("intervention.components[1].name:") && e.contains("no name"),
        "{e}"
    );
    let e = err(&TWO_SEGMENTS.replace(
        "end = \"2021-01\"",
        "end = \"2021-01\"\nsegments = [\"old\", \"young\", \"old\"]",
    ));
    assert!(
        e.starts_with("intervention.segments[2]:") && e.contains("twice"),
        "{e}"
    );
    let e2 = err(&TWO_SEGMENTS.replace(
        "end = \"2021-01\"",
        "end = \"2021-01\"\ncaseload = { base = 60, target = 40, fte_cost_year = 1, \
         elasticity = 0.5, segments = [\"old\", \"old\"] }",
    ));
    assert!(
        e2.starts_with("intervention.caseload.segments[1]:") && e2.contains("twice"),
        "{e2}"
    );
    let e = err(&format!(
        "{TWO_SEGMENTS}[[intervention.components]]\nsegments = [\"young\", \"young\"]\n"
    ));
    assert!(
        e.starts_with("intervention.components[0].segments[1]:") && e.contains("twice"),
        "{e}"
    );
    let e = err(&TWO_SEGMENTS.replace(
        "end = \"2021-01\"",
        "end = \"2021-01\"\ncaseload = { base = 60, target = 40, fte_cost_year = 1, \
         elasticity = 0.5, affects = [\"job\", \"job\"] }",
    ));
    assert!(
        e.starts_with("intervention.caseload.affects[1]:") && e.contains("twice"),
        "{e}"
    );
    // A component may reach only segments the intervention targets.
    let e = err(&format!(
        "{}[[intervention.components]]\nsegments = [\"old\"]\n",
        TWO_SEGMENTS.replace(
            "end = \"2021-01\"",
            "end = \"2021-01\"\nsegments = [\"young\"]"
        )
    ));
    assert!(
        e.starts_with("intervention.components[0].segments[0]:") && e.contains("young"),
        "{e}"
    );
    let e = err(&TWO_SEGMENTS.replace("name = \"old\"", "name = \"young\""));
    assert!(
        e.starts_with("segments[1].name:") && e.contains("duplicate"),
        "{e}"
    );
    let uncertain = TWO_SEGMENTS.replace(
        "initial = 10",
        "initial = { dist = \"uniform\", low = 5, high = 15 }",
    );
    let e = err(&format!(
        "{uncertain}[[correlations]]\nname = \"a\"\npaths = [\"segments[0].initial\"]\n\
         rho = 0.5\n[[correlations]]\nname = \"a\"\npaths = [\"segments[1].initial\"]\nrho = 0.5\n"
    ));
    assert!(e.starts_with("correlations[1].name:"), "{e}");
}

#[test]
fn sizes_are_bounded_with_the_bound_in_the_message() {
    for (from, to, path, bound) in [
        (
            "benefit_month = 9000",
            "benefit_month = 1e308",
            "segments[0].benefit_month",
            "1e9",
        ),
        (
            "benefit_month = 9000",
            "benefit_month = -2e9",
            "segments[0].benefit_month",
            "1e9",
        ),
        (
            "initial = 10",
            "initial = 1e15",
            "segments[0].initial",
            "1e9",
        ),
        (
            "end = \"2021-01\"",
            "end = \"2021-01\"\nfunding = 1e300",
            "intervention.funding",
            "1e12",
        ),
        (
            "end = \"2021-01\"",
            "end = \"2021-01\"\ncaseload = { base = 60, target = 40, fte_cost_year = 1e300, \
             elasticity = 0.5 }",
            "intervention.caseload.fte_cost_year",
            "1e12",
        ),
        (
            "years = 2",
            "years = 2\ndiscount_rate = 1e3",
            "discount_rate",
            "10",
        ),
        (
            "years = 2",
            "years = 2\nprice_index = 50",
            "price_index",
            "10",
        ),
    ] {
        let text = TWO_SEGMENTS.replacen(from, to, 1);
        let e = err(&text);
        assert!(e.starts_with(&format!("{path}:")), "{e}");
        assert!(e.contains(&format!("at most {bound}")), "{e}");
    }
    // A distribution that samples beyond the bound is stopped at the draw.
    let text = TWO_SEGMENTS.replacen(
        "benefit_month = 9000",
        "benefit_month = { dist = \"normal\", mean = 9000, sd = 1e9 }",
        1,
    );
    let sc = Scenario::from_toml_str(&text).unwrap();
    let e = run_simple(&sc, &RunOptions::new(200, 1, Mode::MeanField))
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("segments[0].benefit_month:") && e.contains("at most 1e9"),
        "{e}"
    );
}

#[test]
fn a_run_that_overflows_names_the_output_and_the_draw() {
    // Within every bound, a discount rate near −1 over a century overflows
    // the discount factor, and so the NPV.
    let text = r#"
        start = "2000-01"
        years = 100
        discount_rate = -0.999999
        [[segments]]
        initial = 100
        benefit_month = 9000
        exit = { job = 0.2 }
        [intervention]
        start = "2000-01"
        end = "2100-01"
        [[intervention.components]]
        fixed_year = 1000
    "#;
    let sc = Scenario::from_toml_str(text).unwrap();
    for mode in [Mode::MeanField, Mode::Stochastic] {
        let e = run_simple(&sc, &RunOptions::new(3, 1, mode))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("draw 0: the output `npv`"), "{e}");
        assert!(e.contains("not a finite number"), "{e}");
    }
}

#[test]
fn a_key_written_twice_in_json_is_an_error_not_the_last_value() {
    let twice = r#"{"start": "2020-01", "years": 1,
        "segments": [{"initial": 10, "benefit_month": 1000,
                      "exit": {"job": 0.1, "job": 0.2}}]}"#;
    let e = Scenario::from_json_str(twice).unwrap_err().to_string();
    assert!(e.contains("duplicate key `job`"), "{e}");
    // The same text with the key once is read, with its value exact.
    let once = twice.replace(r#""job": 0.1, "#, "");
    let sc = Scenario::from_json_str(&once).expect("valid");
    assert_eq!(read_back(&sc), (1000.0, 0.2));
}
