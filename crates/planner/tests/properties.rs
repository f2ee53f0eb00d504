//! Invariants of any plan, over random deadlines and weights on the toy:
//! people are accounted for, dates fall in the planning window, the plan is
//! a valid `[plan]` section, and people left always come with a relaxation.

use drawdown_engine::World;
use drawdown_model::{self as m, Source, overrides::with_plan};
use drawdown_planner::{Options, plan, to_plan_toml};
use proptest::prelude::*;

const TOY: &str = include_str!("../../engine/tests/fixtures/toy.toml");

fn toy_without_plan() -> String {
    TOY[..TOY.find("[[plan.").expect("the toy has a plan")].to_string()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]
    #[test]
    fn any_plan_is_valid_and_accounts_for_everyone(days in 3i64..92, casualty in 0.0f64..1.0e7, equipment in 0.0f64..3.0, margin in 0u32..3) {
        let start = m::Date::parse("2023-07-01").expect("date");
        let deadline = start.plus_days(days);
        let text = toy_without_plan().replace("deadline = 2023-09-30", &format!("deadline = {deadline}"))
            + &format!("\n[planner]\ncasualty_usd = {casualty}\nequipment_weight = {equipment}\nmargin_days = {margin}\n");
        let src = Source::new("toy.toml", text.as_str());
        let s = m::load(&src).expect("valid").scenario;
        let p = plan(&s, None, &Options { time_limit_s: 20.0, ..Options::from_scenario(&s) }).expect("always a plan");
        let total: u32 = s.personnel.iter().map(|g| g.count.value).sum();
        prop_assert_eq!(p.personnel_total, f64::from(total));
        prop_assert!(p.personnel_left > -1e-6 && p.personnel_left <= f64::from(total) + 1e-6);
        let last = deadline.plus_days(-i64::from(margin));
        prop_assert_eq!(p.deadline, last);
        for c in &p.closures {
            prop_assert!(c.date >= start && c.date <= last, "closure {} on {}", c.site, c.date);
            // A closure after its latest date is allowed (when the deadline
            // cannot be met, nothing gains by closing earlier), but the
            // people on its late convoy are then counted as left.
            prop_assert!(
                c.latest.is_none_or(|l| c.date <= l) || p.personnel_left + 1e-6 >= c.personnel,
                "{} closes after its latest date with {} aboard but {} counted left", c.site, c.personnel, p.personnel_left
            );
        }
        for (ready, until) in p.road.iter().map(|l| (l.ready, l.until)).chain(p.air.iter().map(|l| (l.ready, l.until))) {
            prop_assert!(start <= ready && ready <= until && until <= last);
        }
        prop_assert!(p.solve.bound <= p.solve.objective * (1.0 + 1e-6) + 1e-6);
        prop_assert_eq!(p.explanation.relaxation.is_some(), p.personnel_left > 0.5);
        let applied = with_plan(&src, &Source::new("plan.toml", to_plan_toml(&p))).expect("with_plan");
        let planned = m::load(&applied).map_err(|d| TestCaseError::fail(format!("{:?}", d.iter().map(|x| &x.message).collect::<Vec<_>>())))?.scenario;
        prop_assert!(World::compile(&planned).is_ok());
    }
}
