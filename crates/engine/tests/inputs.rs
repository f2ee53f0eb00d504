//! Sampled inputs: keyed draws (same seed, same draws, whatever the thread
//! count), common random numbers across variants, and the split of the
//! variance into inputs and chance.

use drawdown_engine::compare::compare;
use drawdown_engine::inputs::{Inputs, draw_values};
use drawdown_engine::{SimResult, World, run_monte_carlo_with};
use drawdown_model::uncertain::InputSpace;
use drawdown_model::{Override, Source, load, overrides};

const TOY: &str = include_str!("fixtures/toy.toml");

fn space_of(text: &str) -> (InputSpace, World, drawdown_model::Scenario) {
    let src = Source::new("toy.toml", text);
    let s = load(&src).expect("loads").scenario;
    let w = World::compile(&s).expect("compiles");
    (InputSpace::new(&src, &s).expect("inputs"), w, s)
}

fn with_set(set: &str) -> String {
    overrides::apply(&Source::new("toy.toml", TOY), &[Override::parse(set).unwrap()]).unwrap().text
}

#[test]
fn draws_are_keyed_by_seed_draw_and_input() {
    let (space, _, _) = space_of(TOY);
    assert!(space.inputs.len() >= 4, "{}", space.inputs.len());
    assert_eq!(draw_values(&space, 7, 3), draw_values(&space, 7, 3));
    assert_ne!(draw_values(&space, 7, 3), draw_values(&space, 7, 4));
    assert_ne!(draw_values(&space, 7, 3), draw_values(&space, 8, 3));
    // Spread: over many draws each input takes many values around its point value.
    for (k, input) in space.inputs.iter().enumerate() {
        let xs: Vec<f64> = (0..400).map(|j| draw_values(&space, 1, j)[k]).collect();
        let below = xs.iter().filter(|&&x| x < input.value).count();
        assert!((100..=300).contains(&below) || input.integer, "{}: {below} of 400 below the value", input.path);
        // low and high are the 5th and 95th percentiles: about 90 % of draws fall between them.
        let inside = xs.iter().filter(|&&x| x >= input.low && x <= input.high).count() as f64 / 400.0;
        // A probability whose high end is 1 keeps its whole upper half inside.
        let expected = if input.probability && input.high >= 1.0 { 0.95 } else { 0.90 };
        assert!(input.integer || (inside - expected).abs() < 0.06, "{}: {inside} inside [low, high]", input.path);
    }
}

#[test]
fn a_variant_keeps_the_draws_of_every_input_it_does_not_change() {
    let (base, _, _) = space_of(TOY);
    // Changing one input's value moves its draws only.
    let (variant, _, _) = space_of(&with_set("threat[0].ied_per_100km=0.8"));
    let changed = base.inputs.iter().position(|i| i.path == "threat[0].ied_per_100km").expect("input");
    for j in 0..50 {
        let (a, b) = (draw_values(&base, 7, j), draw_values(&variant, 7, j));
        for k in 0..a.len() {
            if k == changed {
                // Same quantile, twice the median: twice the value (log scale).
                assert!((b[k] / a[k] - 2.0).abs() < 1e-9, "draw {j}: {} vs {}", a[k], b[k]);
            } else {
                assert_eq!(a[k], b[k], "draw {j}, input {}", base.inputs[k].path);
            }
        }
    }
}

#[test]
fn same_seed_same_sampled_result_on_one_or_two_threads() {
    let (space, w, s) = space_of(TOY);
    let run = |threads| {
        let sum = run_monte_carlo_with(Inputs::sampled(&space, &w, 4), 600, 11, threads, &|_| {}, &mut |_, _| Ok(()))
            .unwrap();
        SimResult::new(&w, &s, &sum)
    };
    let (one, two) = (run(1), run(2));
    assert_eq!(one, two);
    assert_eq!(one.inputs.draws, 150);
    assert!(!one.variance.is_empty());
    for v in &one.variance {
        let shares = if v.variance > 0.0 { 1.0 } else { 0.0 };
        assert!((0.0..=1.0).contains(&v.inputs) && (v.inputs + v.chance - shares).abs() < 1e-9, "{v:?}");
    }
}

#[test]
fn sampled_inputs_widen_the_bands_and_compare_pairs_them() {
    let (space, w, s) = space_of(TOY);
    let run = |inputs| {
        let sum = run_monte_carlo_with(inputs, 800, 3, 2, &|_| {}, &mut |_, _| Ok(())).unwrap();
        SimResult::new(&w, &s, &sum)
    };
    let point = run(Inputs::Point(&w));
    let sampled = run(Inputs::sampled(&space, &w, 4));
    let width = |r: &SimResult| r.summary.wounded.p95 - r.summary.wounded.p5;
    assert!(width(&sampled) > width(&point), "{} vs {}", width(&sampled), width(&point));
    let wounded = sampled.variance.iter().find(|v| v.metric == "wounded").unwrap();
    assert!(wounded.inputs > 0.05, "the IED rate is uncertain: {wounded:?}");
    // The scenario against itself: every pair identical at both levels.
    let d = compare(Inputs::sampled(&space, &w, 4), Inputs::sampled(&space, &w, 4), 200, 5, 2, &|_| {}).unwrap();
    assert!(d.iter().all(|x| x.mean_difference == 0.0 && x.ci95 == [0.0, 0.0]), "{d:?}");
}
