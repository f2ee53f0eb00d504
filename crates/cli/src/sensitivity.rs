//! `drawdown sensitivity`: one-at-a-time swings of every input that carries a
//! `confidence`, ranked by their effect on one metric (a tornado).

use std::io::IsTerminal;
use std::process::ExitCode;

use drawdown_engine::sensitivity::{Tornado, tornado_with};
use serde_json::json;

use crate::input::Format;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub scenario: crate::input::ScenarioArgs,
    /// Metric to rank by: personnel_departed_by_deadline, wounded, killed,
    /// equipment.destroyed, sites_closed_by_deadline, site.kidal.seized_by_armed_group, ...
    #[arg(long, default_value = "personnel_departed_by_deadline")]
    pub metric: String,
    /// Replications per swing (each input costs two runs of this size).
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(2..=1_000_000))]
    pub runs: u64,
    #[command(flatten)]
    pub run: crate::input::RunArgs,
    /// Show only the K inputs with the largest effect (table output).
    #[arg(long, default_value_t = 20)]
    pub top: usize,
    /// Also draw the tornado chart as a standalone SVG file.
    #[arg(long, value_name = "FILE")]
    pub svg: Option<std::path::PathBuf>,
    /// Also draw the tornado chart as a PNG file (for slides).
    #[arg(long, value_name = "FILE")]
    pub png: Option<std::path::PathBuf>,
}

pub fn run(args: Args) -> ExitCode {
    let Ok((src, _)) = crate::input::load_for_run(&args.scenario) else {
        return ExitCode::from(1);
    };
    let show = std::io::stderr().is_terminal();
    let result = tornado_with(&src, &args.metric, args.runs, args.run.seed, args.run.threads, &|done, total| {
        if show {
            eprint!("\rswinging inputs: {done}/{total}");
        }
    });
    if show {
        eprintln!();
    }
    let t = match result {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    if let Err(e) = draw(&t, args.svg.as_deref(), args.png.as_deref()) {
        eprintln!("error: {e}");
        return ExitCode::from(1);
    }
    match args.run.format {
        Format::Json => crate::out::outln!(
            "{}",
            serde_json::to_string_pretty(&json!({"scenario": src.name, "seed": args.run.seed, "tornado": t}))
                .unwrap_or_default()
        ),
        Format::Table => crate::out::out!("{}", table(&t, args.top)),
    }
    ExitCode::SUCCESS
}

/// Writes the tornado chart where asked, atomically.
fn draw(t: &Tornado, svg: Option<&std::path::Path>, png: Option<&std::path::Path>) -> Result<(), String> {
    if svg.is_none() && png.is_none() {
        return Ok(());
    }
    let chart = drawdown_report::tornado::chart(t, &drawdown_report::tornado::unit_of(&t.metric));
    if let Some(path) = svg {
        crate::atomic::write_atomic(path, chart.standalone().as_bytes())?;
    }
    if let Some(path) = png {
        let bytes = drawdown_report::png::Renderer::new().chart(&chart)?;
        crate::atomic::write_atomic(path, &bytes)?;
    }
    Ok(())
}

fn table(t: &Tornado, top: usize) -> String {
    let mut o = format!(
        "Sensitivity of {} (baseline mean {:.2}; {} paired replications per swing)\n\n",
        t.metric, t.base, t.runs
    );
    if t.swings.is_empty() {
        o += "No input carries a `confidence` (or `low`/`high`): nothing to swing.\n";
        return o;
    }
    let width = t.swings.iter().map(|s| s.range()).fold(0.0, f64::max).max(1e-12);
    o += &format!(
        "{:<58} {:>9} {:>9}  {:>10} {:>10}  {}\n",
        "input (confidence)", "low", "high", "at low", "at high", "effect"
    );
    for s in t.swings.iter().take(top) {
        let bar = "█".repeat(((s.range() / width) * 20.0).round() as usize);
        let label = format!("{} ({})", s.label, s.confidence.as_deref().unwrap_or("bounds"));
        o += &format!(
            "{:<58} {:>9} {:>9}  {:>+10.2} {:>+10.2}  {}\n",
            truncate(&label, 58),
            short(s.low_value),
            short(s.high_value),
            s.metric_at_low - t.base,
            s.metric_at_high - t.base,
            bar
        );
    }
    if t.swings.len() > top {
        o += &format!(
            "({} more inputs with smaller effects; --top {} shows all)\n",
            t.swings.len() - top,
            t.swings.len()
        );
    }
    o += "at low / at high: change of the metric's mean when the input is at its low / high bound.\n";
    o
}

fn short(x: f64) -> String {
    if x.fract() == 0.0 { format!("{x:.0}") } else { format!("{x:.3}") }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_string() } else { format!("{}…", s.chars().take(n - 1).collect::<String>()) }
}
