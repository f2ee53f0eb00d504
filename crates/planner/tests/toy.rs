//! The planner on the engine's toy mission, its plan removed: the plan it
//! writes loads, validates, compiles and simulates; an infeasible deadline
//! gets a relaxation that, applied, meets it; the weights in `[planner]`
//! move the plan the way they should; the output is deterministic.

use drawdown_engine::{World, simulate};
use drawdown_model::{self as m, Source, overrides::with_plan};
use drawdown_planner::{Options, Planned, plan, to_plan_toml};

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

/// Solved to optimality (gap 0): the toy is small.
fn exact(s: &m::Scenario) -> Options {
    Options { time_limit_s: 60.0, mip_rel_gap: 0.0, ..Options::from_scenario(s) }
}

fn solve(text: &str) -> (m::Scenario, Planned) {
    let s = load(text);
    let p = plan(&s, None, &exact(&s)).expect("a plan");
    assert_eq!(p.solve.status, "Optimal", "the toy solves to optimality");
    (s, p)
}

#[test]
fn toy_plan_loads_compiles_and_gets_everyone_out() {
    let text = toy_without_plan();
    let (s, p) = solve(&text);
    assert!(s.plan.closures.is_empty() && s.plan.lines.is_empty());
    assert!(p.personnel_left < 0.5, "feasible deadline, yet {} personnel left", p.personnel_left);
    assert!(p.solve.bound <= p.solve.objective + 1e-6 * p.solve.objective.abs().max(1.0));
    assert!(p.explanation.relaxation.is_none(), "no relaxation when the deadline is met");
    assert_eq!(p.dispositions.len(), s.equipment.len(), "a disposition for every lot");

    let applied =
        with_plan(&Source::new("toy.toml", text), &Source::new("plan.toml", to_plan_toml(&p))).expect("with_plan");
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
fn infeasible_deadline_gets_a_relaxation_that_meets_it() {
    let text = toy_without_plan().replace("deadline = 2023-09-30", "deadline = 2023-07-06");
    let (s, p) = solve(&text);
    assert!(
        p.personnel_left > 0.5,
        "five days cannot get the northern guards out, yet the plan leaves {}",
        p.personnel_left
    );
    let r = p.explanation.relaxation.as_ref().expect("a relaxation when people are left");
    let days = r.extra_days.expect("some extension meets the deadline");
    assert!(days >= 1);
    assert!(r.overrides.iter().any(|o| o.contains("scenario.deadline=")), "{:?}", r.overrides);

    // Applied, the relaxation meets the deadline; one day less does not
    // (the search is a bisection on the same test).
    let longer = |extra: u32| {
        let mut t = s.clone();
        t.scenario.deadline = s.scenario.deadline.plus_days(i64::from(extra));
        plan(&t, None, &exact(&t)).expect("a plan")
    };
    assert!(longer(days).personnel_left < 0.5, "{days} more days should meet the deadline");
    if days > 1 {
        assert!(longer(days - 1).personnel_left > 0.5, "{} more days should not be enough", days - 1);
    }
    // The plan is still a valid plan section.
    let applied =
        with_plan(&Source::new("toy.toml", text), &Source::new("plan.toml", to_plan_toml(&p))).expect("with_plan");
    World::compile(&load(&applied.text)).expect("compiles");
}

#[test]
fn plan_is_deterministic_when_solved_to_optimality() {
    let text = toy_without_plan();
    let (_, a) = solve(&text);
    let (_, b) = solve(&text);
    assert_eq!(to_plan_toml(&a), to_plan_toml(&b));
}

#[test]
fn a_heavier_casualty_weight_never_raises_expected_casualties() {
    // At exact optima, raising one term's weight cannot raise that term.
    let base = toy_without_plan();
    let mut last = f64::INFINITY;
    for usd in [1.0e3, 1.0e6, 1.0e8] {
        let (_, p) = solve(&format!("{base}\n[planner]\ncasualty_usd = {usd}\n"));
        assert!(p.expected_casualties <= last + 1e-4, "casualty weight {usd}: {} > {last}", p.expected_casualties);
        assert!((p.weights.casualty - usd * 1e-3).abs() < 1e-9, "the weight is read from [planner]");
        last = p.expected_casualties;
    }
}

#[test]
fn a_kept_open_base_is_not_priced_as_left() {
    // Kept open: north's guards stay by decision. They are reported as
    // kept, not as left, and the objective does not carry their price
    // (120 × 1e5 k$), so its gap measures what the plan can change.
    let s = load(&toy_without_plan());
    let opts = Options { keep: vec![("north".into(), None)], ..exact(&s) };
    let p = plan(&s, None, &opts).expect("a plan");
    assert!((p.personnel_kept - 120.0).abs() < 0.5, "north's 120 guards stay: {}", p.personnel_kept);
    assert_eq!(p.kept_open, vec!["north".to_string()]);
    assert!(p.personnel_left < 0.5, "nobody else is left: {}", p.personnel_left);
    assert!(p.explanation.relaxation.is_none(), "kept guards are no missed deadline");
    assert!(
        p.explanation.closures.iter().any(|c| c.starts_with("north stays open past the deadline, as kept")),
        "{:?}",
        p.explanation.closures
    );
    assert!(p.solve.objective < opts.weights.person_left, "objective {} carries the guards' price", p.solve.objective);
    assert!(!p.closures.iter().any(|c| c.site == "north"));
    assert!(p.bases_left_open.is_empty(), "a kept-open base is not reported as left open by the plan");
}

/// What stops the planner is a typed error: input the scenario must change
/// for, told apart from the solver's failure.
#[test]
fn a_scenario_that_cannot_be_planned_gets_a_typed_input_error() {
    use drawdown_planner::PlanError;
    let s = load(&toy_without_plan());
    let keep = |site: &str| Options { keep: vec![(site.into(), None)], ..exact(&s) };
    let exit = s.sites.iter().find(|x| x.kind.is_exit()).expect("the toy has an exit").id.clone();
    let e = plan(&s, None, &keep(&exit)).expect_err("an exit is not a base");
    assert!(matches!(&e, PlanError::NotABase(id) if *id == exit), "{e:?}");
    assert!(e.is_input());
    assert!(e.to_string().contains("is not a base of the scenario"), "{e}");
    let mut bare = s.clone();
    bare.fleets.clear();
    bare.aircraft.clear();
    let e = plan(&bare, None, &exact(&bare)).expect_err("nothing moves");
    assert!(matches!(e, PlanError::NothingMoves) && e.is_input(), "{e:?}");
    assert!(!PlanError::Solver("no plan".into()).is_input());
}

/// A run asked to stop is stopped inside the solver, not after it: with the
/// flag set before the call, HiGHS reports an interrupt and `plan` gives
/// `Cancelled` (a solver that ignored the flag would return the plan). A
/// flag never set changes nothing.
#[test]
fn a_cancelled_run_stops_in_the_solver_and_an_unset_flag_changes_nothing() {
    use drawdown_planner::PlanError;
    use std::sync::Arc;
    use std::sync::atomic::AtomicBool;
    let s = load(&toy_without_plan());
    let flagged = |set: bool| Options { cancel: Some(Arc::new(AtomicBool::new(set))), ..exact(&s) };
    let e = plan(&s, None, &flagged(true)).expect_err("stopped");
    assert!(matches!(e, PlanError::Cancelled) && !e.is_input(), "{e:?}");
    let free = plan(&s, None, &exact(&s)).expect("a plan");
    let armed = plan(&s, None, &flagged(false)).expect("a plan");
    assert_eq!(to_plan_toml(&armed), to_plan_toml(&free));
}
