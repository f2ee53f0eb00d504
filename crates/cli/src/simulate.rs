//! `drawdown simulate`: Monte Carlo replications and their summary, as a
//! table for people or one JSON object for machines.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Instant;

use drawdown_engine::{SimResult, run_monte_carlo_with};

use crate::input::Format;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub scenario: crate::input::ScenarioArgs,
    /// Number of replications.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    pub runs: u64,
    #[command(flatten)]
    pub run: crate::input::RunArgs,
    #[command(flatten)]
    pub inputs: crate::input::InputArgs,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
    /// Also write CSV tables (daily quantiles, sites, convoys, one row per replication) into DIR.
    #[arg(long, value_name = "DIR")]
    pub csv: Option<std::path::PathBuf>,
    /// Also write the per-replication table as Parquet to FILE.
    #[arg(long, value_name = "FILE")]
    pub parquet: Option<std::path::PathBuf>,
}

pub fn run(args: Args) -> ExitCode {
    let Ok((src, loaded)) = crate::input::load_for_run(&args.scenario) else {
        return ExitCode::from(1);
    };
    let Ok(world) = crate::input::compile(&loaded.scenario) else {
        return ExitCode::from(1);
    };
    let Ok(space) = crate::input::input_space(&src, &loaded.scenario) else {
        return ExitCode::from(1);
    };
    let inputs = args.inputs.of(&space, &world);
    let mut exporter = match crate::export::Exporter::new(&world, args.csv.as_deref(), args.parquet.as_deref()) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let bar = progress_bar(args.runs, args.quiet);
    let t0 = Instant::now();
    let progress = |done| {
        if let Some(b) = &bar {
            b.set_position(done);
        }
    };
    let (runs, seed, threads) = (args.runs, args.run.seed, args.run.threads);
    let summary = match exporter.as_mut() {
        Some(x) => run_monte_carlo_with(inputs, runs, seed, threads, &progress, &mut |r, o| x.row(r, o)),
        None => run_monte_carlo_with(inputs, runs, seed, threads, &progress, &mut |_, _| Ok(())),
    };
    let wall = t0.elapsed().as_secs_f64();
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let summary = match summary {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let result = SimResult::new(&world, &loaded.scenario, &summary);
    if let Some(x) = exporter
        && let Err(e) = x.finish(&result)
    {
        eprintln!("error: {e}");
        return ExitCode::from(1);
    }
    match args.run.format {
        Format::Json => match serde_json::to_string_pretty(&result) {
            Ok(text) => crate::out::outln!("{text}"),
            Err(e) => {
                eprintln!("error: the result could not be written as JSON: {e}");
                return ExitCode::from(1);
            }
        },
        Format::Table => {
            let timing = crate::table::Timing { events: summary.events, runs: summary.runs, wall_seconds: wall };
            crate::out::out!("{}", crate::table::render(&result, Some(timing)))
        }
    }
    ExitCode::SUCCESS
}

fn progress_bar(runs: u64, quiet: bool) -> Option<indicatif::ProgressBar> {
    bar(runs, quiet, "{spinner} replications {pos}/{len} [{bar:30}] {per_sec} eta {eta}")
}

/// A progress bar on a terminal's standard error (none when `quiet` or
/// when standard error is not a terminal).
pub fn bar(len: u64, quiet: bool, template: &str) -> Option<indicatif::ProgressBar> {
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let b = indicatif::ProgressBar::new(len);
    b.set_style(
        indicatif::ProgressStyle::with_template(template)
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    Some(b)
}
