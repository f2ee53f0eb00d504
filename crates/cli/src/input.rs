//! The scenario named on the command line (or the embedded one), with any
//! variant and `--set` overrides applied before validation.

use std::path::PathBuf;

use drawdown_engine::Inputs;
use drawdown_model::uncertain::InputSpace;
use drawdown_model::{Failure, Loaded, PlanInput, Request, Source, StateInput};

use crate::diagnostics::print_diagnostics;

/// Output format of the commands that print results.
#[derive(Clone, Copy, PartialEq, Eq, Debug, clap::ValueEnum)]
pub enum Format {
    /// A table for people.
    Table,
    /// One JSON object for machines.
    Json,
}

/// Seed, threads and output format, shared by the commands that run replications.
#[derive(clap::Args, Clone, Debug)]
pub struct RunArgs {
    /// Seed: the same seed gives the same result on any number of threads.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Worker threads (0: all cores); the result does not depend on it.
    #[arg(long, default_value_t = 0, value_parser = parse_threads)]
    pub threads: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Where replications take their inputs from.
#[derive(Clone, Copy, PartialEq, Eq, Debug, clap::ValueEnum)]
pub enum InputsFlag {
    /// Draw every uncertain input (a value with a confidence or a low/high
    /// range, or a calibration posterior) once per group of replications.
    Sampled,
    /// Every input at its value in every replication (chance only).
    Point,
}

/// `--inputs` and `--per-draw`, shared by the commands that simulate.
#[derive(clap::Args, Clone, Debug)]
pub struct InputArgs {
    /// Inputs: `sampled` (input uncertainty and chance) or `point` (chance only).
    #[arg(long, value_enum, default_value_t = InputsFlag::Sampled)]
    pub inputs: InputsFlag,
    /// Replications per input draw, with sampled inputs (the variance split needs 2 or more).
    #[arg(long, value_name = "N", default_value_t = drawdown_engine::inputs::PER_DRAW,
          value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub per_draw: u32,
}

/// A scenario's uncertain inputs, or the error printed.
pub fn input_space(src: &Source, scenario: &drawdown_model::Scenario) -> Result<InputSpace, ()> {
    InputSpace::new(src, scenario).map_err(|d| print_diagnostics(src, &[d]))
}

impl InputArgs {
    /// The inputs of a run: sampled from `space`, or the point world.
    pub fn of<'a>(&self, space: &'a InputSpace, world: &'a drawdown_engine::World) -> Inputs<'a> {
        match self.inputs {
            InputsFlag::Sampled => Inputs::sampled(space, world, self.per_draw),
            InputsFlag::Point => Inputs::Point(world),
        }
    }
}

/// Compiles a validated scenario for the engine, reporting a failure.
pub fn compile(scenario: &drawdown_model::Scenario) -> Result<drawdown_engine::World, ()> {
    drawdown_engine::World::compile(scenario).map_err(|e| eprintln!("error: {e}"))
}

/// Arguments every scenario-reading command takes.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct ScenarioArgs {
    /// Scenario file (TOML). Default: the embedded MINUSMA 2023 scenario.
    pub file: Option<PathBuf>,
    /// Apply a named variant defined in the scenario (`[variants.NAME]`).
    #[arg(long, value_name = "NAME")]
    pub variant: Option<String>,
    /// Override one field, e.g. `--set plan.closure.kidal.date=2023-11-20` (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
    /// Replace the scenario's [plan] with the one in FILE (e.g. written by `drawdown plan`).
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,
    /// Start on DATE instead of the scenario's start (with `--state`: default its `as_of`).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub from: Option<drawdown_model::Date>,
    /// Start from what already happened: a state file (sites closed, where everyone and everything is, trucks held).
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Load without the scenario's own `[plan]` (set by commands that write a plan).
    #[arg(skip)]
    pub without_plan: bool,
}

/// A command-line date, e.g. `2023-10-31`.
pub fn parse_date(s: &str) -> Result<drawdown_model::Date, String> {
    drawdown_model::Date::parse(s).ok_or_else(|| format!("`{s}` is not a date like 2023-10-31 (YYYY-MM-DD)"))
}

impl ScenarioArgs {
    /// What to open: the scenario and the changes these arguments ask for.
    pub fn request(&self) -> Result<Request, Failure> {
        let plan = match &self.plan {
            Some(p) => PlanInput::File(drawdown_model::open::read(p)?),
            None if self.without_plan => PlanInput::OwnIfValid,
            None => PlanInput::Own,
        };
        let state = self.state.as_deref().map(drawdown_model::open::read).transpose()?.map(StateInput::File);
        Request {
            plan,
            variants: self.variant.iter().cloned().collect(),
            state,
            from: self.from,
            ..source(self.file.as_deref())?
        }
        .with_sets(&self.set)
    }
}

/// The scenario named on the command line, unchanged.
pub fn source(file: Option<&std::path::Path>) -> Result<Request, Failure> {
    drawdown_model::open::scenario_source(file).map(Request::new)
}

/// Loads and validates without printing; errors come with the source they refer to.
pub fn load_quiet(args: &ScenarioArgs) -> Result<(Source, Loaded), Failure> {
    drawdown_model::open(&args.request()?)
}

/// Loads and validates, printing every error and every warning; `Err`
/// means "exit 1".
pub fn load_scenario(args: &ScenarioArgs) -> Result<(Source, Loaded), ()> {
    load_reporting(args, true)
}

/// Like `load_scenario`, but warnings are only counted (for commands whose
/// output is not about the scenario itself).
pub fn load_for_run(args: &ScenarioArgs) -> Result<(Source, Loaded), ()> {
    load_reporting(args, false)
}

fn load_reporting(args: &ScenarioArgs, all_warnings: bool) -> Result<(Source, Loaded), ()> {
    match load_quiet(args) {
        Ok((src, loaded)) => {
            if all_warnings {
                print_diagnostics(&src, &loaded.warnings);
            } else if !loaded.warnings.is_empty() {
                eprintln!("{}: {} warning(s); `drawdown check` shows them", src.name, loaded.warnings.len());
            }
            Ok((src, loaded))
        }
        Err(f) => {
            print_diagnostics(&f.source, &f.diagnostics);
            Err(())
        }
    }
}

/// `--threads N`: 0 means all cores; more than 256 is refused rather than
/// left to fail when the operating system runs out of threads.
pub fn parse_threads(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if n <= 256 => Ok(n),
        Ok(n) => Err(format!("{n} threads is too many; use 0 (all cores) up to 256")),
        Err(_) => Err(format!("`{s}` is not a number of threads (0 = all cores)")),
    }
}
