//! Re-planning MINUSMA from a mid-October state: the closed sites are not
//! planned again, the plan moves exactly the people the state says are
//! still in the country, and it applies to the scenario as of that date.

use drawdown_engine::World;
use drawdown_model::{self as m, Source, overrides::with_plan, state};
use drawdown_planner::{Options, plan, to_plan_toml};

const STATE: &str = include_str!("fixtures/minusma-2023-10-15.state.toml");

#[test]
fn minusma_replans_from_a_mid_october_state() {
    let base = m::load(&Source::new("minusma.toml", m::MINUSMA_2023)).expect("MINUSMA loads").scenario;
    let src = Source::new("state.toml", STATE);
    let st = state::parse(&src).expect("the state parses");
    let (s, _) = state::apply(&base, Some((&st, &src)), None).expect("the state applies");
    assert_eq!(s.scenario.start, st.as_of);
    // The applied scenario is itself valid (written out and loaded again).
    let text = s.to_toml().expect("writes");
    let s = m::load(&Source::new("as-of.toml", text.as_str())).expect("valid as of the state's date").scenario;

    let p = plan(&s, None, &Options { time_limit_s: 20.0, mip_rel_gap: 0.02, ..Options::from_scenario(&s) })
        .expect("a plan");
    let in_country: u32 = st.personnel.iter().map(|g| g.count.value).sum();
    assert_eq!(p.personnel_total, f64::from(in_country), "plans exactly the people still in the country");
    assert_eq!(p.start, st.as_of);
    for c in &st.closed {
        assert!(p.closures.iter().all(|x| x.site != c.site), "{} is closed already, yet planned again", c.site);
        assert!(
            p.road.iter().chain([]).all(|l| l.from != c.site && l.to != c.site),
            "a line touches closed {}",
            c.site
        );
    }
    assert!(p.closures.iter().all(|c| c.date >= st.as_of), "no closure before the state's date");
    assert!(p.road.iter().all(|l| l.ready >= st.as_of) && p.air.iter().all(|l| l.ready >= st.as_of));

    let applied =
        with_plan(&Source::new("as-of.toml", text), &Source::new("plan.toml", to_plan_toml(&p))).expect("with_plan");
    let planned = m::load(&applied).expect("the plan is valid for the scenario as of the state's date").scenario;
    World::compile(&planned).expect("compiles");
}

#[test]
fn bad_state_files_get_located_errors() {
    let base = m::load(&Source::new("minusma.toml", m::MINUSMA_2023)).expect("MINUSMA loads").scenario;
    // A typo in a field name: located by the parser.
    let typo = Source::new(
        "typo.toml",
        "as_of = 2023-10-15\n[[closed]]\nsite = \"ber\"\ndat = 2023-08-13\nto = \"timbuktu\"\n",
    );
    let d = state::parse(&typo).expect_err("unknown field");
    assert!(d[0].message.contains("dat"), "{:?}", d[0]);
    assert_eq!(m::diag::line_col(&typo.text, d[0].span.clone().expect("located").start).0, 4);
    // An unknown site: located by path.
    let bad = Source::new(
        "bad.toml",
        "as_of = 2023-10-15\n\n[[closed]]\nsite = \"berr\"\ndate = 2023-08-13\nto = \"timbuktu\"\n",
    );
    let st = state::parse(&bad).expect("parses");
    let mut d = state::apply(&base, Some((&st, &bad)), None).expect_err("unknown site");
    state::locate_all(&bad, &mut d);
    assert!(d[0].message.contains("unknown site `berr`"), "{:?}", d[0]);
    assert_eq!(d[0].hint.as_deref(), Some("did you mean `ber`?"));
    assert_eq!(m::diag::line_col(&bad.text, d[0].span.clone().expect("located").start).0, 4);
    // A date outside the scenario.
    let late = Source::new("late.toml", "as_of = 2024-03-01\n");
    let st = state::parse(&late).expect("parses");
    assert!(state::apply(&base, Some((&st, &late)), None).is_err());
}
