//! `drawdown compare [FILE] BASE VARIANT`: paired replications of two
//! variants with common random numbers; per metric the mean difference, its
//! 95 % confidence interval and the variance reduction the pairing bought.
//!
//! BASE and VARIANT are each a variant name from the scenario (`baseline` is
//! the file as written), a comma-separated list of `PATH=VALUE` overrides,
//! another scenario file, or a plan file (a `[plan]` table alone, as
//! `drawdown plan` writes), which then replaces FILE's plan.

use std::path::PathBuf;
use std::process::ExitCode;

use drawdown_engine::World;
use drawdown_engine::compare::{Difference, compare};
use drawdown_model::uncertain::InputSpace;
use drawdown_model::{PlanInput, Request, Source};
use serde_json::json;

use crate::diagnostics::print_failure;

use crate::input::Format;

#[derive(clap::Args)]
pub struct Args {
    /// [FILE] BASE VARIANT. FILE defaults to the embedded MINUSMA scenario;
    /// BASE/VARIANT: a variant name (`baseline`, `no-customs-hold`, ...), a
    /// comma-separated `PATH=VALUE` list, a scenario file, or a plan file
    /// (`drawdown plan --out P.toml`: that plan on FILE's scenario).
    #[arg(num_args = 2..=3, required = true, value_name = "ARG")]
    pub args: Vec<String>,
    /// Pairs of replications.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(2..=10_000_000))]
    pub runs: u64,
    #[command(flatten)]
    pub run: crate::input::RunArgs,
    #[command(flatten)]
    pub inputs: crate::input::InputArgs,
    /// Show every metric, not only those that differ.
    #[arg(long)]
    pub all: bool,
}

/// A plan file has a `[plan]` table and no `[scenario]`.
fn is_plan_file(src: &Source) -> bool {
    toml::from_str::<toml::Table>(&src.text).is_ok_and(|d| d.contains_key("plan") && !d.contains_key("scenario"))
}

/// One side of a comparison: its name, the scenario and its compiled world,
/// and its uncertain inputs.
pub struct Side {
    pub name: String,
    pub world: World,
    pub space: InputSpace,
}

/// Builds one side of a comparison from its description (diagnostics printed).
pub fn side(file: &Source, spec: &str) -> Result<Side, ()> {
    let path = PathBuf::from(spec);
    let mut req = Request::new(file.clone());
    if spec.ends_with(".toml") || (path.is_file() && !spec.contains('=')) {
        let other = drawdown_model::open::scenario_source(Some(&path)).map_err(|f| print_failure(&f))?;
        if is_plan_file(&other) {
            // A file holding only a [plan] (as `drawdown plan` writes): that plan on FILE's scenario.
            req.plan = PlanInput::File(other);
        } else {
            req = Request::new(other);
        }
    } else if spec.contains('=') {
        let sets: Vec<&str> = spec.split(',').collect();
        req = req.with_sets(&sets).map_err(|f| print_failure(&f))?;
    } else {
        req.variants.push(spec.to_string());
    }
    let (src, loaded) = drawdown_model::open(&req).map_err(|f| print_failure(&f))?;
    let world = crate::input::compile(&loaded.scenario)?;
    let space = crate::input::input_space(&src, &loaded.scenario)?;
    Ok(Side { name: spec.to_string(), world, space })
}

/// Paired runs compare two variants or plans of one mission: the same sites.
pub fn same_mission(a_name: &str, a: &World, b_name: &str, b: &World) -> Result<(), String> {
    if a.sites.len() != b.sites.len() || a.sites.iter().zip(&b.sites).any(|(x, y)| x.id != y.id) {
        return Err(format!(
            "`{a_name}` and `{b_name}` have different sites; compare variants or plans of one mission"
        ));
    }
    Ok(())
}

pub fn run(args: Args) -> ExitCode {
    let (file, base, variant) = match args.args.as_slice() {
        [b, v] => (None, b, v),
        [f, b, v] => (Some(PathBuf::from(f)), b, v),
        _ => unreachable!("clap enforces 2..=3 arguments"),
    };
    let Ok(src) = drawdown_model::open::scenario_source(file.as_deref()).map_err(|f| print_failure(&f)) else {
        return ExitCode::from(1);
    };
    let (Ok(b), Ok(v)) = (side(&src, base), side(&src, variant)) else {
        return ExitCode::from(1);
    };
    let (bname, bw, vname) = (&b.name, &b.world, &v.name);
    if let Err(e) = same_mission(bname, bw, vname, &v.world) {
        eprintln!("error: {e}");
        return ExitCode::from(1);
    }
    let (bi, vi) = (args.inputs.of(&b.space, bw), args.inputs.of(&v.space, &v.world));
    let diffs = match compare(bi, vi, args.runs, args.run.seed, args.run.threads, &|_| {}) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let sampled = bi.is_sampled() || vi.is_sampled();
    match args.run.format {
        Format::Json => {
            let v = json!({
                "scenario": bw.id, "base": bname, "variant": vname, "runs": args.runs, "seed": args.run.seed,
                "inputs": if sampled { "sampled" } else { "point" },
                "per_draw": if sampled { args.inputs.per_draw } else { 1 },
                "method": "paired replications with common random numbers (at both levels with sampled inputs); 95 % CI = mean ± 1.96·sd/√n",
                "differences": diffs,
            });
            crate::out::outln!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        }
        Format::Table => crate::out::out!("{}", table(&bw.id, bname, vname, args.runs, sampled, &diffs, args.all)),
    }
    ExitCode::SUCCESS
}

fn fmt(x: f64) -> String {
    if x.abs() >= 100.0 {
        format!("{x:.0}")
    } else if x.abs() >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}

fn table(id: &str, b: &str, v: &str, runs: u64, sampled: bool, diffs: &[Difference], all: bool) -> String {
    let inputs = if sampled { "sampled inputs, paired draw by draw" } else { "point inputs" };
    let mut o = format!("{id}: `{v}` versus `{b}`, {runs} paired replications (common random numbers; {inputs})\n\n");
    o += &format!(
        "{:<40} {:>10} {:>10} {:>11}  {:<24} {:>10}\n",
        "metric", "base", "variant", "difference", "95 % CI", "var. red."
    );
    let mut hidden = 0;
    for d in diffs {
        if !all && d.mean_difference == 0.0 && d.ci95 == [0.0, 0.0] {
            hidden += 1;
            continue;
        }
        let vr = d.variance_reduction.map_or("∞".to_string(), |x| format!("{x:.1}×"));
        o += &format!(
            "{:<40} {:>10} {:>10} {:>11}  {:<24} {:>10}{}\n",
            d.metric,
            fmt(d.base_mean),
            fmt(d.variant_mean),
            format!("{:+}", fmt(d.mean_difference).parse::<f64>().unwrap_or(d.mean_difference)),
            format!("[{}, {}]", fmt(d.ci95[0]), fmt(d.ci95[1])),
            vr,
            if d.significant { "  *" } else { "" }
        );
    }
    if hidden > 0 {
        o += &format!("({hidden} metrics identical in every pair not shown; --all shows them)\n");
    }
    o += "* the 95 % interval excludes zero. var. red.: variance of the difference under independent sampling ÷ under pairing.\n";
    o
}
