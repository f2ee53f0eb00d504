//! Morris screening: the same indices however the trajectories are split
//! across runs, and effects with the sign and size the model gives them.

use drawdown_engine::global::{OUTPUTS, indices, morris, run_trajectories};
use drawdown_model::uncertain::InputSpace;
use drawdown_model::{Source, load};

const TOY: &str = include_str!("fixtures/toy.toml");

fn space() -> InputSpace {
    let src = Source::new("toy.toml", TOY);
    let s = load(&src).expect("loads").scenario;
    InputSpace::new(&src, &s).expect("inputs")
}

#[test]
fn trajectories_split_across_runs_give_the_one_piece_indices() {
    let space = space();
    let whole = morris(&space, 5, 6, 4, 2, &|_| {}).unwrap();
    let mut parts = run_trajectories(&space, 5, 6, 2..4, 1, &|_| {}).unwrap();
    parts.extend(run_trajectories(&space, 5, 6, 0..1, 1, &|_| {}).unwrap());
    parts.extend(run_trajectories(&space, 5, 6, 1..2, 2, &|_| {}).unwrap());
    assert_eq!(indices(&space, 5, 6, &parts).unwrap(), whole);
    assert_eq!(whole.worlds, 4 * (space.inputs.len() as u64 + 1));
    assert_eq!(whole.replications, whole.worlds * 6);
    // A missing trajectory is refused, not averaged over.
    assert!(indices(&space, 5, 6, &parts[1..]).is_err());
}

#[test]
fn the_ied_rate_drives_the_wounded_up() {
    let space = space();
    let m = morris(&space, 1, 20, 6, 0, &|_| {}).unwrap();
    let wounded = OUTPUTS.iter().position(|(n, _)| *n == "wounded").unwrap();
    let ied = m.factors.iter().find(|f| f.path == "threat[0].ied_per_100km").expect("the IED rate is an input");
    assert!(ied.mu[wounded] > 0.0, "more IEDs, more wounded: {ied:?}");
    assert!(ied.mu_star[wounded] >= ied.mu[wounded].abs() - 1e-12, "μ* ≥ |μ|");
    assert!(ied.low < ied.high);
    // It is among the strongest inputs on the wounded.
    let mut by_wounded: Vec<f64> = m.factors.iter().map(|f| f.mu_star[wounded]).collect();
    by_wounded.sort_by(|a, b| b.total_cmp(a));
    assert!(ied.mu_star[wounded] >= by_wounded[by_wounded.len().min(3) - 1], "{by_wounded:?}");
}
