//! `drawdown`: plan, simulate and track the withdrawal of a peacekeeping mission.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod atomic;
mod bench;
mod check;
mod compare;
mod diagnostics;
mod export;
mod generate;
mod input;
mod sensitivity;
mod simulate;
mod report;
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
    /// Write a synthetic mission scenario of N sites.
    Generate(generate::Args),
    /// Measure engine throughput (events/s per core, replications/s).
    Bench(bench::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(a) => check::run(a),
        Command::Simulate(a) => simulate::run(a),
        Command::Bench(a) => bench::run(a),
        Command::Compare(a) => compare::run(a),
        Command::Generate(a) => generate::run(a),
        Command::Sensitivity(a) => sensitivity::run(a),
        Command::Report(a) => report::run(a),
    }
}
