//! The planner on the engine's toy mission, its plan removed: the plan it
//! writes loads, validates, compiles and simulates; an infeasible deadline
//! still gets a plan (with people left) rather than a solver error.

use drawdown_engine::{World, simulate};
use drawdown_model::{self as m, Source, overrides::with_plan};
use drawdown_planner::{Options, plan, to_plan_toml};

const TOY: &str = include_str!("../../engine/tests/fixtures/toy.toml");

/// The toy's text with its plan removed (everything from the first `[[plan.`).
fn toy_without_plan() -> String {
    let cut = TOY.find("[[plan.").expect("the toy has a plan");
    TOY[..cut].to_string()
}

fn load(text: &str) -> m::Scenario {
    match m::load(&Source::new("toy.toml", text)) {
        Ok(l) => l.scenario,
        Err(d) => panic!("does not load: {d:#?}"),
    }
}

fn opts() -> Options {
    Options { time_limit_s: 30.0, ..Options::default() }
}

#[test]
fn toy_plan_loads_compiles_and_gets_everyone_out() {
    let text = toy_without_plan();
    let s = load(&text);
    assert!(s.plan.closures.is_empty() && s.plan.lines.is_empty());
    let p = plan(&s, &opts()).expect("a plan");
    let toml = to_plan_toml(&p);
    eprintln!("{toml}");
    assert!(p.personnel_left < 0.5, "feasible deadline, yet {} personnel left", p.personnel_left);
    assert!(p.gap.is_finite() && p.bound <= p.objective + 1e-6 * p.objective.abs().max(1.0));

    let applied = with_plan(&Source::new("toy.toml", text), &Source::new("plan.toml", toml)).expect("with_plan");
    let planned = load(&applied.text);
    assert!(!planned.plan.closures.is_empty(), "every base with holdings gets a closure");
    let w = World::compile(&planned).expect("compiles");
    let rear: u32 = planned.personnel.iter().filter(|g| g.role == m::Role::RearParty).map(|g| g.count.value).sum();
    let total: u32 = planned.personnel.iter().map(|g| g.count.value).sum();
    for rep in 0..8 {
        let out = simulate(&w, 7, rep);
        assert!(
            out.departed_by_deadline >= total - rear,
            "replication {rep}: {} of {total} departed by the deadline (rear parties {rear})",
            out.departed_by_deadline
        );
    }
}

#[test]
fn infeasible_deadline_still_plans_with_people_left() {
    let text = toy_without_plan().replace("deadline = 2023-09-30", "deadline = 2023-07-06");
    let s = load(&text);
    let p = plan(&s, &opts()).expect("a plan, not a solver error");
    assert!(p.personnel_left > 0.5, "five days cannot get the northern guards out, yet the plan leaves {}", p.personnel_left);
    let applied = with_plan(&Source::new("toy.toml", text), &Source::new("plan.toml", to_plan_toml(&p))).expect("with_plan");
    let planned = load(&applied.text);
    World::compile(&planned).expect("compiles");
}
