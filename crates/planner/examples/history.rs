//! The executed MINUSMA plan against the planner's, under the same
//! restrictions, with paired replications (common random numbers):
//! `cargo run --release -p drawdown-planner --example history -- [--runs N] [--margin DAYS] [--time-limit S] [--out PLAN]`
//! Base: the scenario's own `[plan]` (the executed plan). Variant: the
//! planner's plan for the same scenario. Prints mean difference (variant −
//! base) with its 95 % confidence interval per metric.

use drawdown_engine::{World, compare::compare};
use drawdown_model::{self as m, Source, overrides::with_plan};
use drawdown_planner::{Options, plan, to_plan_toml};

fn main() -> Result<(), String> {
    let (mut runs, mut margin, mut time_limit, mut out) = (1000u64, None, None, None);
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut num = || args.next().and_then(|x| x.parse::<f64>().ok()).ok_or(format!("{a} needs a number"));
        match a.as_str() {
            "--runs" => runs = num()? as u64,
            "--margin" => margin = Some(num()? as u32),
            "--time-limit" => time_limit = Some(num()?),
            "--out" => out = args.next(),
            _ => return Err(format!("unknown argument {a}")),
        }
    }
    let src = Source::new(m::MINUSMA_2023_NAME, m::MINUSMA_2023);
    let base = m::load(&src).map_err(|d| format!("{d:?}"))?.scenario;
    let mut o = Options::from_scenario(&base);
    o.margin_days = margin.unwrap_or(o.margin_days);
    o.time_limit_s = time_limit.unwrap_or(o.time_limit_s);
    o.explain = false;
    let p = plan(&base, &o)?;
    let toml = to_plan_toml(&p);
    if let Some(path) = &out {
        std::fs::write(path, &toml).map_err(|e| e.to_string())?;
    }
    eprintln!(
        "planned with margin {} days: {} in {:.1} s, gap {:.2} %, {:.0} people left in the deterministic model",
        o.margin_days,
        p.solve.status,
        p.solve.solve_seconds,
        p.solve.gap * 100.0,
        p.personnel_left
    );
    let planned = m::load(&with_plan(&src, &Source::new("planned", toml)).map_err(|d| format!("{d:?}"))?).map_err(|d| format!("{d:?}"))?.scenario;
    let (wb, wv) = (World::compile(&base).map_err(|e| e.to_string())?, World::compile(&planned).map_err(|e| e.to_string())?);
    let diffs = compare(&wb, &wv, runs, 7, 0, &|_| {})?;
    println!("| metric | executed plan | planner's plan | difference | 95 % CI |");
    println!("|---|---|---|---|---|");
    let seized = |w: &str| diffs.iter().filter(|d| d.metric.ends_with(".seized_by_armed_group")).map(|d| if w == "b" { d.base_mean } else { d.variant_mean }).sum::<f64>();
    for d in diffs.iter().filter(|d| !d.metric.starts_with("site.")) {
        println!("| {} | {:.1} | {:.1} | {:+.1} | [{:+.1}, {:+.1}] |", d.metric, d.base_mean, d.variant_mean, d.mean_difference, d.ci95[0], d.ci95[1]);
    }
    println!("| sites seized by an armed group (sum of means, executed plan's sites) | {:.2} | {:.2} | {:+.2} | |", seized("b"), seized("v"), seized("v") - seized("b"));
    Ok(())
}
