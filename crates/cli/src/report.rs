//! `drawdown report`: one self-contained HTML file with charts (fan chart,
//! closure timeline, map, equipment, casualties; a paired comparison with
//! `--compare`, a tornado with `--tornado`), the inputs with their sources,
//! and with `--png DIR` every chart as a PNG for slides.
//!
//! This file only gathers the numbers (the same Monte Carlo and JSON result
//! as `simulate`, the engine's paired comparison and sensitivity analysis);
//! the `drawdown-report` crate draws them.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use drawdown_engine::{World, run_monte_carlo_with};
use drawdown_report::{Comparison, Report};

use crate::atomic::write_atomic;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub scenario: crate::input::ScenarioArgs,
    /// Output HTML file.
    #[arg(long, value_name = "FILE", default_value = "report.html")]
    pub out: PathBuf,
    /// Also write every chart as a PNG (for slides) into DIR.
    #[arg(long, value_name = "DIR")]
    pub png: Option<PathBuf>,
    /// Number of replications.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(2..=100_000_000))]
    pub runs: u64,
    /// Seed: the same seed gives the same report on any number of threads.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Worker threads (default: all cores).
    #[arg(long, default_value_t = 0, value_parser = crate::input::parse_threads)]
    pub threads: usize,
    /// Add a paired comparison with VARIANT: a variant name from the
    /// scenario, a comma-separated `PATH=VALUE` list (applied on top of this
    /// scenario), or another scenario file.
    #[arg(long, value_name = "VARIANT")]
    pub compare: Option<String>,
    /// Add a tornado chart: one-at-a-time sensitivity of METRIC (e.g.
    /// `personnel_departed_by_deadline`, `wounded`) to every uncertain input.
    #[arg(long, value_name = "METRIC")]
    pub tornado: Option<String>,
    /// Replications per tornado point (default: --runs, at most 200); the
    /// tornado runs two points per uncertain input.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    pub tornado_runs: Option<u64>,
    #[command(flatten)]
    pub inputs: crate::input::InputArgs,
    /// No progress messages.
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn run(args: Args) -> ExitCode {
    match build(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            if !msg.is_empty() {
                eprintln!("error: {msg}");
            }
            ExitCode::from(1)
        }
    }
}

/// `Err("")`: the problem was already printed (diagnostics).
fn build(args: &Args) -> Result<(), String> {
    let say = |m: &str| {
        if !args.quiet && std::io::stderr().is_terminal() {
            eprintln!("{m}");
        }
    };
    let (src, loaded) = crate::input::load_for_run(&args.scenario).map_err(|()| String::new())?;
    let world = World::compile(&loaded.scenario).map_err(|e| e.to_string())?;
    say(&format!("simulating {} replications…", args.runs));
    let space = crate::input::input_space(&src, &loaded.scenario).map_err(|()| String::new())?;
    let inputs = args.inputs.of(&space, &world);
    let summary = run_monte_carlo_with(inputs, args.runs, args.seed, args.threads, &|_| {}, &mut |_, _| Ok(()))
        .map_err(|e| e.to_string())?;
    let results = drawdown_engine::SimResult::new(&world, &loaded.scenario, &summary);

    let comparison = match &args.compare {
        Some(spec) => {
            let variant = crate::compare::side(&src, spec).map_err(|()| String::new())?;
            crate::compare::same_mission("the scenario", &world, spec, &variant.world)?;
            say(&format!("comparing with `{spec}` ({} paired replications)…", args.runs));
            let vi = args.inputs.of(&variant.space, &variant.world);
            let differences =
                drawdown_engine::compare::compare(inputs, vi, args.runs, args.seed, args.threads, &|_| {})
                    .map_err(|e| e.to_string())?;
            let site_names: HashMap<String, String> =
                world.sites.iter().filter(|s| !s.name.is_empty()).map(|s| (s.id.clone(), s.name.clone())).collect();
            Some(Comparison { variant: spec.clone(), runs: args.runs, seed: args.seed, differences, site_names })
        }
        None => None,
    };

    let tornado = match &args.tornado {
        Some(metric) => {
            let runs = args.tornado_runs.unwrap_or(args.runs.min(200));
            say(&format!("sensitivity of {metric} ({runs} replications per point)…"));
            Some(
                drawdown_engine::sensitivity::tornado(&src, metric, runs, args.seed, args.threads)
                    .map_err(|e| e.to_string())?,
            )
        }
        None => None,
    };

    let variant_note = match (&args.scenario.variant, args.scenario.set.is_empty()) {
        (None, true) => None,
        (v, _) => {
            let mut parts: Vec<String> = v.iter().map(|v| format!("variant `{v}`")).collect();
            parts.extend(args.scenario.set.iter().map(|s| format!("`--set {s}`")));
            Some(parts.join(", "))
        }
    };
    let report = Report {
        source: &src,
        scenario: &loaded.scenario,
        world: &world,
        summary: &summary,
        results: &results,
        variant_note,
        comparison,
        tornado: tornado.as_ref(),
    };
    let charts = drawdown_report::charts(&report);
    let page = drawdown_report::html::page(&report, &charts);
    write_atomic(&args.out, page.as_bytes())?;
    if let Some(dir) = &args.png {
        write_pngs(dir, &charts)?;
    }
    if !args.quiet {
        eprintln!(
            "wrote {}{}",
            args.out.display(),
            args.png.as_ref().map(|d| format!(" and {} PNGs in {}", charts.len(), d.display())).unwrap_or_default()
        );
    }
    Ok(())
}

fn write_pngs(dir: &Path, charts: &[drawdown_report::Chart]) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let renderer = drawdown_report::png::Renderer::new();
    if !renderer.has_fonts() {
        eprintln!(
            "warning: no system font found; the PNGs have no text (install one, e.g. `apt-get install fonts-dejavu-core`)"
        );
    }
    for c in charts {
        let png = renderer.chart(c)?;
        write_atomic(&dir.join(format!("{}.png", c.id)), &png)?;
    }
    Ok(())
}
