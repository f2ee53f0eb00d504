//! A run split into parts (ranges of input groups), run separately and
//! merged, gives the one-piece run's summary exactly, whatever the split,
//! the merge order and the thread count; and a summary survives a trip
//! through its serialised form unchanged (how parts travel between the
//! processes of a cluster).

use drawdown_engine::inputs::Inputs;
use drawdown_engine::montecarlo::{groups, run_monte_carlo_part};
use drawdown_engine::{SimResult, Summary, World, run_monte_carlo_with};
use drawdown_model::uncertain::InputSpace;
use drawdown_model::{Source, load};
use proptest::prelude::*;

const TOY: &str = include_str!("fixtures/toy.toml");

fn toy() -> (InputSpace, World, drawdown_model::Scenario) {
    let src = Source::new("toy.toml", TOY);
    let s = load(&src).expect("loads").scenario;
    let w = World::compile(&s).expect("compiles");
    (InputSpace::new(&src, &s).expect("inputs"), w, s)
}

fn whole(inputs: Inputs, runs: u64, seed: u64) -> Summary {
    run_monte_carlo_with(inputs, runs, seed, 1, &|_| {}, &mut |_, _| Ok(())).unwrap()
}

/// The run's groups cut at `cuts` (sorted, deduplicated), each part run on
/// `threads`, merged in reverse order (the last part first).
fn in_parts(inputs: Inputs, runs: u64, seed: u64, cuts: &[u64], threads: usize) -> Summary {
    let n = groups(inputs, runs);
    let mut bounds: Vec<u64> = cuts.iter().map(|c| c % (n + 1)).collect();
    bounds.extend([0, n]);
    bounds.sort_unstable();
    bounds.dedup();
    let parts: Vec<Summary> = bounds
        .windows(2)
        .map(|b| run_monte_carlo_part(inputs, runs, seed, b[0]..b[1], threads, &|_| {}, &mut |_, _| Ok(())).unwrap())
        .collect();
    let mut merged = parts.last().unwrap().clone();
    for p in parts.iter().rev().skip(1) {
        merged.merge(p).unwrap();
    }
    merged
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    #[test]
    fn parts_merge_into_the_whole_run(
        runs in 5u64..90,
        seed in 0u64..1000,
        per_draw in 1u32..6,
        cuts in proptest::collection::vec(0u64..100, 0..5),
        threads in 1usize..3,
    ) {
        let (space, w, s) = toy();
        let inputs = Inputs::sampled(&space, &w, per_draw);
        let one = whole(inputs, runs, seed);
        let merged = in_parts(inputs, runs, seed, &cuts, threads);
        prop_assert_eq!(&merged, &one);
        prop_assert_eq!(SimResult::new(&w, &s, &merged), SimResult::new(&w, &s, &one));
    }
}

#[test]
fn point_inputs_split_by_replication() {
    let (_, w, s) = toy();
    let one = whole(Inputs::Point(&w), 40, 3);
    let merged = in_parts(Inputs::Point(&w), 40, 3, &[7, 8, 30], 2);
    assert_eq!(merged, one);
    assert_eq!(SimResult::new(&w, &s, &merged), SimResult::new(&w, &s, &one));
}

#[test]
fn a_part_sees_only_its_replications() {
    let (space, w, _) = toy();
    let inputs = Inputs::sampled(&space, &w, 4);
    let mut seen = Vec::new();
    let part = run_monte_carlo_part(inputs, 30, 1, 2..5, 1, &|_| {}, &mut |r, _| {
        seen.push(r);
        Ok(())
    })
    .unwrap();
    assert_eq!(seen, (8..20).collect::<Vec<u64>>());
    assert_eq!(part.runs, 12);
    // A range past the run's groups holds nothing.
    let empty = run_monte_carlo_part(inputs, 30, 1, 8..12, 1, &|_| {}, &mut |_, _| Ok(())).unwrap();
    assert_eq!(empty.runs, 0);
}

#[test]
fn parts_of_different_runs_do_not_merge() {
    let (space, w, _) = toy();
    let mut a = whole(Inputs::sampled(&space, &w, 4), 8, 1);
    let b = whole(Inputs::sampled(&space, &w, 4), 8, 2);
    assert!(a.merge(&b).is_err(), "another seed is another run");
    let c = whole(Inputs::Point(&w), 8, 1);
    assert!(a.merge(&c).is_err(), "point and sampled inputs are different runs");
}

#[test]
fn a_summary_round_trips_through_its_serialised_form() {
    let (space, w, _) = toy();
    let sum = whole(Inputs::sampled(&space, &w, 3), 50, 9);
    let text = serde_json::to_string(&sum).unwrap();
    let back: Summary = serde_json::from_str(&text).unwrap();
    assert_eq!(back, sum);
    // Sparse: a histogram is written as the values it saw, not its whole range.
    assert!(text.len() < 200_000, "{} bytes", text.len());
}
