//! `drawdown simulate`: Monte Carlo replications and their summary, as a
//! table for people or one JSON object for machines.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::Instant;

use drawdown_engine::montecarlo::Summary;
use drawdown_engine::stats::Hist;
use drawdown_engine::{Fate, World, run_monte_carlo, run_monte_carlo_with};
use serde_json::{Value, json};

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
    let Ok((_, loaded)) = crate::input::load_for_run(&args.scenario) else {
        return ExitCode::from(1);
    };
    let Ok(world) = crate::input::compile(&loaded.scenario) else {
        return ExitCode::from(1);
    };
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
    let summary = match exporter.as_mut() {
        Some(x) => {
            run_monte_carlo_with(&world, args.runs, args.run.seed, args.run.threads, &progress, &mut |r, o| x.row(r, o))
        }
        None => run_monte_carlo(&world, args.runs, args.run.seed, args.run.threads, &progress),
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
    let report = to_json(&world, &loaded.scenario, &summary, wall);
    if let Some(x) = exporter
        && let Err(e) = x.finish(&report)
    {
        eprintln!("error: {e}");
        return ExitCode::from(1);
    }
    let mut out = std::io::stdout().lock();
    let written = match args.run.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &report).map_err(std::io::Error::from).and_then(|()| writeln!(out))
        }
        Format::Table => write!(out, "{}", crate::table::render(&report)),
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write output: {e}");
            ExitCode::from(1)
        }
    }
}

fn progress_bar(runs: u64, quiet: bool) -> Option<indicatif::ProgressBar> {
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let b = indicatif::ProgressBar::new(runs);
    b.set_style(
        indicatif::ProgressStyle::with_template("{spinner} replications {pos}/{len} [{bar:30}] {per_sec} eta {eta}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    Some(b)
}

fn q(h: &Hist) -> Value {
    serde_json::to_value(h.q()).unwrap_or(Value::Null)
}

/// Hours → days; quantiles that fall on "never completed" are null.
fn q_days(h: &Hist) -> Value {
    let d = |p: f64| h.quantile(p).map(|x| round2(f64::from(x) / 24.0));
    json!({"mean": h.mean().map(|m| round2(m / 24.0)), "p5": d(0.05), "p50": d(0.5), "p95": d(0.95)})
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// A day-index histogram's quantiles as dates (null: not within the horizon).
fn date_q(w: &World, h: &Hist) -> Value {
    let d = |p: f64| h.quantile(p).map(|x| w.date_of_day(x).to_string());
    json!({"p5": d(0.05), "p50": d(0.5), "p95": d(0.95)})
}

/// The full result as one JSON object (also the source of the table).
pub fn to_json(w: &World, s: &drawdown_model::Scenario, sum: &Summary, wall: f64) -> Value {
    let daily: Vec<Value> = (0..sum.departed_daily.len())
        .map(|d| {
            json!({
                "date": w.date_of_day(d as u32).to_string(),
                "personnel_departed": q(&sum.departed_daily[d]),
                "sites_closed": q(&sum.closed_daily[d]),
            })
        })
        .collect();
    let runs = sum.runs.max(1) as f64;
    let sites: Vec<Value> = w
        .sites
        .iter()
        .enumerate()
        .filter(|(i, site)| site.kind.is_base() || w.closure_of[*i] != drawdown_engine::world::NONE)
        .map(|(i, site)| {
            let closure = w.closures.iter().find(|c| c.site as usize == i);
            json!({
                "id": site.id,
                "name": site.name,
                "planned_closure": closure.map(|c| w.date_of_day(c.day).to_string()),
                "historical_closure": closure.and_then(|c| c.historical).map(|d| d.to_string()),
                "p_closed": round4(sum.site_closed[i].fraction_some()),
                "closed_on": date_q(w, &sum.site_closed[i]),
                "handover": {
                    "state": round4(sum.site_taken[i][0] as f64 / runs),
                    "armed_group": round4(sum.site_taken[i][1] as f64 / runs),
                },
            })
        })
        .collect();
    let mut convoys = Vec::new();
    for (l, line) in w.lines.iter().enumerate() {
        if !line.air {
            convoys.push(convoy_json(w, &sum.convoys[l], &line.id, line.from, line.to));
        }
    }
    for (c, cl) in w.closures.iter().enumerate() {
        let id = format!("close-{}", w.sites[cl.site as usize].id);
        convoys.push(convoy_json(w, &sum.convoys[w.lines.len() + c], &id, cl.site, cl.to));
    }
    let mut equipment = serde_json::Map::new();
    for f in Fate::ALL {
        equipment.insert(f.as_str().to_string(), q(&sum.equipment[f as usize]));
    }
    let reqs = sum.clearances_requested;
    json!({
        "scenario": w.id,
        "name": s.scenario.name,
        "runs": sum.runs,
        "seed": sum.seed,
        "start": w.start.to_string(),
        "deadline": w.date_of_day(w.deadline_day).to_string(),
        "totals": {
            "personnel": w.total_personnel,
            "vehicles": w.vehicles,
            "containers": w.containers,
            "equipment": w.total_items,
            "sites_to_close": w.closures.len(),
        },
        "summary": {
            "personnel_departed_by_deadline": q(&sum.departed_by_deadline),
            "sites_closed_by_deadline": q(&sum.sites_closed_by_deadline),
            "p_all_sites_closed_by_deadline": round4(sum.all_closed_by_deadline as f64 / runs),
            "wounded": q(&sum.wounded),
            "killed": q(&sum.killed),
            "vehicles_damaged": q(&sum.vehicles_damaged),
            "personnel_road_kkm": q(&sum.personnel_road_kkm),
            "equipment": Value::Object(equipment),
            "flight_clearances": {
                "requested_mean": round2(reqs as f64 / runs),
                "approval_rate": if reqs > 0 { round4(sum.clearances_approved as f64 / reqs as f64) } else { 0.0 },
            },
        },
        "daily": daily,
        "sites": sites,
        "convoys": convoys,
        "milestones": milestones(w, s, sum),
        "engine": {
            "events": sum.events,
            "wall_seconds": round4(wall),
            "events_per_second": if wall > 0.0 { (sum.events as f64 / wall).round() } else { 0.0 },
            "replications_per_second": if wall > 0.0 { round2(sum.runs as f64 / wall) } else { 0.0 },
        },
    })
}

/// Each observed milestone beside the simulated quantiles on its date.
fn milestones(w: &World, s: &drawdown_model::Scenario, sum: &Summary) -> Vec<Value> {
    s.milestones
        .iter()
        .map(|m| {
            let day = m.date.days_since(w.start);
            let hist = match m.metric.as_str() {
                "personnel_departed" => Some(&sum.departed_daily),
                "sites_closed" => Some(&sum.closed_daily),
                _ => None,
            }
            .and_then(|h| usize::try_from(day).ok().and_then(|d| h.get(d)));
            json!({
                "date": m.date.to_string(),
                "metric": m.metric,
                "observed": m.value.value,
                "source": m.source.as_ref().or(m.value.prov.source.as_ref()),
                "note": m.value.prov.note,
                "simulated": hist.map(q),
            })
        })
        .collect()
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

fn convoy_json(w: &World, c: &drawdown_engine::montecarlo::ConvoySummary, id: &str, from: u16, to: u16) -> Value {
    json!({
        "id": id,
        "from": w.sites[from as usize].id,
        "to": w.sites[to as usize].id,
        "p_departed": round4(c.first_departure.fraction_some()),
        "departed": date_q(w, &c.first_departure),
        "days": q_days(&c.trip_hours),
        "incidents": q(&c.incidents),
        "wounded": q(&c.wounded),
        "killed": q(&c.killed),
        "vehicles_damaged": q(&c.damaged),
    })
}
