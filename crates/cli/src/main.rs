//! `drawdown`: plan, simulate and track the withdrawal of a peacekeeping mission.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod atomic;
mod bench;
mod calibrate;
mod check;
mod compare;
mod convert;
mod diagnostics;
mod export;
mod generate;
mod input;
mod ops;
mod out;
mod plan;
mod report;
mod sensitivity;
mod serve;
mod simulate;
mod table;

#[derive(Parser)]
#[command(name = "drawdown", version, about = "Plan, simulate and track the withdrawal of a peacekeeping mission")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate a scenario and print a summary of it.
    Check(check::Args),
    /// Run Monte Carlo replications of a scenario and summarise the outcomes.
    Simulate(simulate::Args),
    /// Compare two variants with paired replications (common random numbers).
    Compare(compare::Args),
    /// Rank uncertain inputs by their effect on a metric (tornado).
    Sensitivity(sensitivity::Args),
    /// Write a self-contained HTML report with charts (and PNGs for slides).
    Report(report::Args),
    /// Convert a scenario between TOML, an Excel workbook (.xlsx) and a folder of CSV files.
    Convert(convert::Args),
    /// Write the workbook (or CSV folder) a new mission starts from: every sheet, notes, drop-downs, an example row.
    Template(convert::TemplateArgs),
    /// Write a synthetic mission scenario of N sites.
    Generate(generate::Args),
    /// Serve the operations-centre dashboard and its JSON API.
    Serve(serve::Args),
    /// Compute an optimised, explained withdrawal plan (a [plan] section) with the HiGHS solver.
    Plan(plan::Args),
    /// Record an actual event in the operations log (validated against the scenario).
    Log(Box<ops::LogArgs>),
    /// Plan versus actual: what should have happened by today, what did, the gap.
    Status(ops::StatusArgs),
    /// Fit the uncertain inputs to the milestones (ABC-SMC) and write the posterior into a scenario.
    Calibrate(calibrate::CalibrateArgs),
    /// Fit on the milestones up to a date, predict the later ones, and score the predictions.
    Backtest(calibrate::BacktestArgs),
    /// Measure engine throughput (events/s per core, replications/s).
    Bench(bench::Args),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // `drawdown log convoy-depatred …` would otherwise read as a file name.
            let argv: Vec<String> = std::env::args().collect();
            if let Some(msg) = ops::misspelt_kind(&argv) {
                eprintln!("error: {msg}");
                return ExitCode::from(2);
            }
            e.exit()
        }
    };
    let code = match cli.command {
        Command::Check(a) => check::run(a),
        Command::Simulate(a) => simulate::run(a),
        Command::Bench(a) => bench::run(a),
        Command::Calibrate(a) => calibrate::run_calibrate(a),
        Command::Backtest(a) => calibrate::run_backtest(a),
        Command::Compare(a) => compare::run(a),
        Command::Generate(a) => generate::run(a),
        Command::Convert(a) => convert::run(a),
        Command::Template(a) => convert::template(a),
        Command::Sensitivity(a) => sensitivity::run(a),
        Command::Report(a) => report::run(a),
        Command::Plan(a) => plan::run(a),
        Command::Serve(a) => serve::run(a),
        Command::Log(a) => ops::log(*a),
        Command::Status(a) => ops::status(a),
    };
    // A closed output pipe ends the run quietly; other write errors are reported.
    out::finish(code)
}
