//! `drawdown calibrate` and `drawdown backtest`: fit a scenario's uncertain
//! inputs to its milestones (ABC-SMC, `drawdown_engine::calibrate`), write
//! the posterior into a scenario file, and check the fit; or fit on the
//! milestones up to a date and score the predictions of the later ones.

use std::path::PathBuf;
use std::process::ExitCode;

use drawdown_engine::calibrate::{Posterior, Settings, Target, calibrate, targets};
use drawdown_engine::predict::{Prediction, predict};
use drawdown_engine::{Inputs, World};
use drawdown_model::calibration::{Fitted, write};
use drawdown_model::uncertain::InputSpace;
use drawdown_model::{Date, Loaded, Source, load};
use serde_json::json;

use crate::diagnostics::print_diagnostics;
use crate::input::{Format, ScenarioArgs};

/// How hard to fit.
#[derive(clap::Args, Clone, Debug)]
pub struct FitArgs {
    /// Particles per generation of the sampler.
    #[arg(long, default_value_t = Settings::default().particles as u64,
          value_parser = clap::value_parser!(u64).range(20..=100_000))]
    pub particles: u64,
    /// Most simulations in all (the sampler stops early at the error model's exact posterior).
    #[arg(long, default_value_t = Settings::default().budget,
          value_parser = clap::value_parser!(u64).range(100..=100_000_000))]
    pub budget: u64,
    /// Fit this input (a path as --set takes it; repeatable). Default: `[calibration] fit`, else every uncertain input.
    #[arg(long = "fit", value_name = "PATH")]
    pub fit: Vec<String>,
    /// Stop after a generation that accepted less than this share of its candidates.
    #[arg(long, default_value_t = Settings::default().min_acceptance)]
    pub min_acceptance: f64,
    /// Replications of the posterior predictive check.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(10..=10_000_000))]
    pub check_runs: u64,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(clap::Args)]
pub struct CalibrateArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Write the calibrated scenario to FILE (atomically).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Fit only the milestones dated up to DATE.
    #[arg(long, value_name = "DATE", value_parser = crate::input::parse_date)]
    pub as_of: Option<Date>,
    #[command(flatten)]
    pub fit: FitArgs,
    #[command(flatten)]
    pub run: crate::input::RunArgs,
}

#[derive(clap::Args)]
pub struct BacktestArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Fit on the milestones up to DATE, predict the later ones (repeatable: a rolling origin).
    #[arg(long, value_name = "DATE", required = true, value_parser = crate::input::parse_date)]
    pub as_of: Vec<Date>,
    #[command(flatten)]
    pub fit: FitArgs,
    #[command(flatten)]
    pub run: crate::input::RunArgs,
}

/// A finished fit: the posterior and the calibrated scenario.
struct Fit {
    posterior: Posterior,
    /// The raw scenario's inputs (`posterior.fitted` indexes them).
    space: InputSpace,
    targets: Vec<Target>,
    source: Source,
    loaded: Loaded,
}

/// The inputs to fit: `--fit` paths, else the scenario's list, else all.
fn fitted(space: &InputSpace, loaded: &Loaded, paths: &[String], src: &Source) -> Result<Vec<usize>, ()> {
    if paths.is_empty() {
        return space.fitted(&loaded.scenario).map_err(|d| print_diagnostics(src, &[d]));
    }
    paths
        .iter()
        .map(|p| {
            space.inputs.iter().position(|i| &i.path == p).ok_or_else(|| {
                let hint = drawdown_model::diag::did_you_mean(p, space.inputs.iter().map(|i| i.path.as_str()))
                    .unwrap_or_else(|| "`drawdown sensitivity` lists the uncertain inputs".into());
                eprintln!("error: --fit {p}: not an uncertain input of the scenario\n  hint: {hint}");
            })
        })
        .collect()
}

/// Fits the scenario to its milestones dated up to `as_of`.
fn fit(
    src: &Source,
    loaded: &Loaded,
    as_of: Option<Date>,
    args: &FitArgs,
    seed: u64,
    threads: usize,
) -> Result<Fit, ()> {
    if loaded.scenario.calibration.as_ref().is_some_and(|c| !c.samples.is_empty()) {
        eprintln!(
            "error: {} is already calibrated (it has a [calibration] posterior); fitting it again would count the milestones twice\n  hint: calibrate the uncalibrated scenario (for MINUSMA: minusma-2023-raw, the default of this command)",
            src.name
        );
        return Err(());
    }
    let space = crate::input::input_space(src, &loaded.scenario)?;
    let idx = fitted(&space, loaded, &args.fit, src)?;
    let targets = targets(&loaded.scenario, as_of);
    if args.min_acceptance.is_nan() || args.min_acceptance <= 0.0 || args.min_acceptance >= 1.0 {
        eprintln!(
            "error: --min-acceptance {}: expected a share between 0 and 1 (exclusive)\n  hint: 0.01 stops when fewer than 1 % of candidates are accepted",
            args.min_acceptance
        );
        return Err(());
    }
    let settings = Settings {
        particles: args.particles as usize,
        budget: args.budget,
        min_acceptance: args.min_acceptance,
        ..Settings::default()
    };
    let b =
        crate::simulate::bar(args.budget, args.quiet, "{spinner} {msg} [{bar:30}] {pos}/{len} simulations, {per_sec}");
    let progress = |g: usize, tau: f64, acc: usize, sims: u64| {
        if let Some(b) = &b {
            b.set_message(format!("generation {g} (τ {}) {acc}/{} accepted", tau_text(tau), settings.particles));
            b.set_position(sims);
        }
    };
    let posterior =
        calibrate(&space, &idx, &targets, settings, seed, threads, &progress).map_err(|e| eprintln!("error: {e}"))?;
    if let Some(b) = b {
        b.finish_and_clear();
    }
    let summaries: Vec<Fitted> = idx
        .iter()
        .enumerate()
        .map(|(k, &i)| {
            let [p5, median, p95] = band(&posterior, k);
            Fitted { input: &space.inputs[i], median, p5, p95 }
        })
        .collect();
    let note = format!(
        "drawdown calibrate, seed {seed}: {} particles, {} generations, {} simulations, final τ {}{}; fitted milestones: {} ({})",
        posterior.rows.len(),
        posterior.generations.len(),
        posterior.simulations,
        tau_text(posterior.tau),
        if posterior.tau > 1.0 {
            " (each milestone's error taken as τ times the stated one: wider than the error model's posterior)"
        } else {
            ""
        },
        targets.len(),
        as_of.map_or("all dates".to_string(), |d| format!("dated up to {d}")),
    );
    let written = write(src, &summaries, &posterior.rows, &note).map_err(|d| print_diagnostics(src, &d))?;
    let source = Source::new(format!("{} (calibrated)", src.name), written.text);
    let loaded = load(&source).map_err(|d| print_diagnostics(&source, &d))?;
    Ok(Fit { posterior, space, targets, source, loaded })
}

/// P5, P50 and P95 of the posterior's column `k` (nearest rank).
fn band(post: &Posterior, k: usize) -> [f64; 3] {
    let mut xs: Vec<f64> = post.rows.iter().map(|r| r[k]).collect();
    xs.sort_by(f64::total_cmp);
    [0.05, 0.5, 0.95].map(|q| xs[((q * xs.len() as f64).ceil() as usize).clamp(1, xs.len()) - 1])
}

/// Three significant digits, for reading (the file keeps six).
fn sig3(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(2 - x.abs().log10().floor() as i32);
    (x * scale).round() / scale
}

fn tau_text(tau: f64) -> String {
    if tau.is_finite() { format!("{tau:.2}") } else { "∞".into() }
}

/// The calibrated scenario's predictions of `milestones` (sampled inputs, posterior).
fn check(
    fit: &Fit,
    args: &FitArgs,
    seed: u64,
    threads: usize,
    milestones: &[drawdown_model::Milestone],
) -> Result<Vec<Option<Prediction>>, ()> {
    let world = World::compile(&fit.loaded.scenario).map_err(|e| eprintln!("error: {e}"))?;
    let space = crate::input::input_space(&fit.source, &fit.loaded.scenario)?;
    let inputs = Inputs::sampled(&space, &world, drawdown_engine::inputs::PER_DRAW);
    predict(inputs, milestones, args.check_runs, seed, threads, &|_| {}).map_err(|e| eprintln!("error: {e}"))
}

fn prediction_rows(o: &mut String, preds: &[Option<Prediction>], with_scores: bool) {
    use std::fmt::Write;
    let width = preds.iter().flatten().map(|p| p.milestone.label().chars().count()).max().unwrap_or(9).max(9);
    let _ = writeln!(
        o,
        "  {:<10} {:<width$} {:>9}   {:<28} {:>6} {:>6}{}",
        "date",
        "milestone",
        "observed",
        "simulated P50 (P5–P95)",
        "in 50%",
        "in 90%",
        if with_scores { "   error   interval score     CRPS" } else { "" }
    );
    for p in preds.iter().flatten() {
        let yes = |b: bool| if b { "yes" } else { "no" };
        let _ = write!(
            o,
            "  {:<10} {:<width$} {:>9}   {:<28} {:>6} {:>6}",
            p.milestone.date.to_string(),
            p.milestone.label(),
            crate::table::num(p.observed),
            format!(
                "{} ({}–{})",
                crate::table::num(round1(p.p50)),
                crate::table::num(round1(p.p5)),
                crate::table::num(round1(p.p95))
            ),
            yes(p.inside50),
            yes(p.inside90),
        );
        if with_scores {
            let _ = write!(
                o,
                " {:>8} {:>16} {:>8}",
                crate::table::num(round1(p.error)),
                format!("{:.1}", p.interval_score),
                format!("{:.2}", p.crps)
            );
        }
        let _ = writeln!(o);
    }
}

/// One decimal for small figures (days, incidents), none from 100 up.
fn round1(x: f64) -> f64 {
    if x.abs() >= 100.0 { x.round() } else { (x * 10.0).round() / 10.0 }
}

/// The uncalibrated MINUSMA scenario when no file is named.
fn raw_by_default(args: &ScenarioArgs) -> ScenarioArgs {
    let mut a = args.clone();
    if a.file.is_none() {
        a.file = Some(PathBuf::from(drawdown_model::MINUSMA_2023_RAW_ID));
    }
    a
}

pub fn run_calibrate(args: CalibrateArgs) -> ExitCode {
    let Ok((src, loaded)) = crate::input::load_for_run(&raw_by_default(&args.scenario)) else {
        return ExitCode::from(1);
    };
    let (seed, threads) = (args.run.seed, args.run.threads);
    let Ok(fit) = fit(&src, &loaded, args.as_of, &args.fit, seed, threads) else { return ExitCode::from(1) };
    let ms: Vec<_> = loaded.scenario.milestones.clone();
    let Ok(preds) = check(&fit, &args.fit, seed, threads, &ms) else { return ExitCode::from(1) };
    if let Some(out) = &args.out
        && let Err(e) = crate::atomic::write_atomic(out, fit.source.text.as_bytes())
    {
        eprintln!("error: {e}");
        return ExitCode::from(1);
    }
    let post = &fit.posterior;
    let fitted = || post.fitted.iter().map(|&i| &fit.space.inputs[i]).enumerate();
    match args.run.format {
        Format::Json => {
            let inputs: Vec<_> = fitted()
                .map(|(k, i)| {
                    let [p5, p50, p95] = band(post, k);
                    json!({"path": i.path, "label": i.label, "prior": {"value": i.value, "low": i.low, "high": i.high},
                           "posterior": {"p5": p5, "p50": p50, "p95": p95}})
                })
                .collect();
            let v = json!({
                "scenario": loaded.scenario.scenario.id, "seed": seed, "method": "abc-smc",
                "tau": post.tau, "simulations": post.simulations, "generations": post.generations,
                "particles": post.rows.len(), "inputs": inputs,
                "check": preds.iter().flatten().collect::<Vec<_>>(),
                "out": args.out.as_ref().map(|p| p.display().to_string()),
            });
            crate::out::outln!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        }
        Format::Table => {
            use std::fmt::Write;
            let mut o = String::new();
            let _ = writeln!(
                o,
                "{}: {} inputs fitted to {} milestones{} by ABC-SMC, seed {seed}",
                loaded.scenario.scenario.name,
                post.fitted.len(),
                fit.targets.len(),
                args.as_of.map_or(String::new(), |d| format!(" (dated up to {d})"))
            );
            let _ = writeln!(o, "generations (τ: 1 is the error model's exact posterior):");
            for (g, gen_) in post.generations.iter().enumerate() {
                let _ = writeln!(
                    o,
                    "  {g:>2}  τ {:>6}  {} accepted of {} simulated",
                    tau_text(gen_.tau),
                    gen_.accepted,
                    gen_.attempts
                );
            }
            if let Some(g) = &post.abandoned {
                let _ = writeln!(
                    o,
                    "  {:>2}  τ {:>6}  given up: {} accepted of {} simulated",
                    post.generations.len(),
                    tau_text(g.tau),
                    g.accepted,
                    g.attempts
                );
            }
            if post.tau > 1.0 {
                let _ = writeln!(
                    o,
                    "  stopped at τ {}: the posterior treats each milestone's error as {} times the stated one, so it is wider than the\n  error model's (conservative); a larger --budget or a smaller --min-acceptance tightens it",
                    tau_text(post.tau),
                    tau_text(post.tau)
                );
            }
            let _ = writeln!(
                o,
                "\nInput                                                   prior P50 (P5–P95)        posterior P50 (P5–P95)"
            );
            for (k, i) in fitted() {
                let [p5, p50, p95] = band(post, k);
                let f = |x: f64| if i.integer { format!("{}", x.round()) } else { format!("{}", sig3(x)) };
                let prior = format!("{} ({}–{})", f(i.value), f(i.low), f(i.high));
                let _ = writeln!(o, "  {:<54} {prior:<25} {} ({}–{})", truncate(&i.label, 54), f(p50), f(p5), f(p95));
            }
            let _ = writeln!(o, "\nPosterior predictive check ({} replications, sampled inputs):", args.fit.check_runs);
            prediction_rows(&mut o, &preds, false);
            let inside = preds.iter().flatten().filter(|p| p.inside90).count();
            let _ = writeln!(o, "  {inside} of {} milestones inside P5–P95", preds.iter().flatten().count());
            if let Some(out) = &args.out {
                let _ = writeln!(o, "\nwrote {} (use it as FILE with any command)", out.display());
            }
            crate::out::out!("{o}");
        }
    }
    ExitCode::SUCCESS
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_string() } else { s.chars().take(n - 1).collect::<String>() + "…" }
}

pub fn run_backtest(args: BacktestArgs) -> ExitCode {
    let Ok((src, loaded)) = crate::input::load_for_run(&raw_by_default(&args.scenario)) else {
        return ExitCode::from(1);
    };
    let (seed, threads) = (args.run.seed, args.run.threads);
    let mut origins = Vec::new();
    for &as_of in &args.as_of {
        let later: Vec<_> = loaded.scenario.milestones.iter().filter(|m| m.date > as_of).cloned().collect();
        if later.is_empty() {
            eprintln!(
                "error: --as-of {as_of}: no milestone is dated after it, so there is nothing to predict\n  hint: an earlier date"
            );
            return ExitCode::from(1);
        }
        let Ok(fit) = fit(&src, &loaded, Some(as_of), &args.fit, seed, threads) else { return ExitCode::from(1) };
        let Ok(preds) = check(&fit, &args.fit, seed, threads, &later) else { return ExitCode::from(1) };
        origins.push((as_of, fit, preds));
    }
    let all: Vec<&Prediction> = origins.iter().flat_map(|(_, _, p)| p.iter().flatten()).collect();
    let share = |f: &dyn Fn(&Prediction) -> bool| {
        if all.is_empty() { 0.0 } else { all.iter().filter(|p| f(p)).count() as f64 / all.len() as f64 }
    };
    let (cov90, cov50) = (share(&|p| p.inside90), share(&|p| p.inside50));
    match args.run.format {
        Format::Json => {
            let v = json!({
                "scenario": loaded.scenario.scenario.id, "seed": seed,
                "origins": origins.iter().map(|(d, fit, preds)| json!({
                    "as_of": d.to_string(), "fitted_milestones": fit.targets.len(), "tau": fit.posterior.tau,
                    "simulations": fit.posterior.simulations, "predictions": preds.iter().flatten().collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
                "coverage": {"p5_p95": cov90, "p25_p75": cov50, "predictions": all.len()},
                "mean_interval_score": all.iter().map(|p| p.interval_score).sum::<f64>() / all.len().max(1) as f64,
                "mean_crps": all.iter().map(|p| p.crps).sum::<f64>() / all.len().max(1) as f64,
            });
            crate::out::outln!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        }
        Format::Table => {
            use std::fmt::Write;
            let mut o = String::new();
            let _ = writeln!(o, "{}: backtest, seed {seed}", loaded.scenario.scenario.name);
            for (d, fit, preds) in &origins {
                let _ = writeln!(
                    o,
                    "\nfitted on {} milestones up to {d} (τ {}, {} simulations); predicting {}:",
                    fit.targets.len(),
                    tau_text(fit.posterior.tau),
                    fit.posterior.simulations,
                    preds.iter().flatten().count()
                );
                prediction_rows(&mut o, preds, true);
            }
            let _ = writeln!(
                o,
                "\ncoverage over {} predictions: {:.0} % inside P5–P95 (nominal 90 %), {:.0} % inside P25–P75 (nominal 50 %)",
                all.len(),
                cov90 * 100.0,
                cov50 * 100.0
            );
            let mut metrics: Vec<drawdown_model::MilestoneMetric> = all.iter().map(|p| p.milestone.metric).collect();
            metrics.sort_by_key(|m| m.name());
            metrics.dedup();
            for m in metrics {
                let of: Vec<&&Prediction> = all.iter().filter(|p| p.milestone.metric == m).collect();
                let share =
                    |f: fn(&Prediction) -> bool| of.iter().filter(|p| f(p)).count() as f64 / of.len() as f64 * 100.0;
                let _ = writeln!(
                    o,
                    "  {:<20} {:>3} predictions: {:>3.0} % inside P5–P95, {:>3.0} % inside P25–P75, mean CRPS {:.2}",
                    m.name(),
                    of.len(),
                    share(|p| p.inside90),
                    share(|p| p.inside50),
                    of.iter().map(|p| p.crps).sum::<f64>() / of.len() as f64
                );
            }
            crate::out::out!("{o}");
        }
    }
    ExitCode::SUCCESS
}
