//! `drawdown bench`: engine throughput on a scenario, measured against a
//! baseline in the same run (this machine is shared and noisy, so ratios
//! are more telling than absolute figures).
//!
//! Three measurements:
//! - a bare binary-heap event loop (push/pop of `(time, seq)` keys, no model):
//!   the ceiling for any event-driven engine on this core;
//! - the engine on one thread: events per second per core;
//! - the Monte Carlo layer on all threads: replications per second, wall.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::hint::black_box;
use std::process::ExitCode;
use std::time::Instant;

use drawdown_engine::{run_monte_carlo, simulate};
use serde_json::json;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub scenario: crate::input::ScenarioArgs,
    /// Replications for the multi-threaded measurement.
    #[arg(long, default_value_t = 10_000)]
    pub runs: u64,
    /// Worker threads for the multi-threaded measurement (default: all cores).
    #[arg(long, default_value_t = 0, value_parser = crate::input::parse_threads)]
    pub threads: usize,
    /// Repetitions of each measurement; the median is reported.
    #[arg(long, default_value_t = 3)]
    pub repeat: usize,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

/// A plain heap loop processing `n` events, each scheduling a successor at a
/// pseudo-random later time while a population of ~`live` events stays queued.
fn heap_baseline(n: u64, live: u64) -> f64 {
    let t0 = Instant::now();
    let mut heap = BinaryHeap::with_capacity(live as usize * 2);
    let mut seq: u64 = 0;
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    for i in 0..live {
        seq += 1;
        heap.push(Reverse(((i << 32) | seq, i as u32)));
    }
    let mut done = 0;
    while let Some(Reverse((key, ev))) = heap.pop() {
        done += 1;
        if done >= n {
            black_box((key, ev));
            break;
        }
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        seq += 1;
        let t = (key >> 32) + 1 + (x % 1440);
        heap.push(Reverse(((t << 32) | (seq & 0xffff_ffff), ev)));
    }
    done as f64 / t0.elapsed().as_secs_f64()
}

pub fn run(args: Args) -> ExitCode {
    let Ok((_, loaded)) = crate::input::load_for_run(&args.scenario) else {
        return ExitCode::from(1);
    };
    let Ok(world) = crate::input::compile(&loaded.scenario) else {
        return ExitCode::from(1);
    };
    let single_runs = (args.runs / 4).max(200);
    let repeat = args.repeat.max(1);
    let mut engine_eps = Vec::new();
    let mut baseline_eps = Vec::new();
    let mut mc_wall = Vec::new();
    let mut mc_eps = Vec::new();
    let mut events_per_rep = 0.0;
    for _ in 0..repeat {
        // Engine on this thread.
        let t0 = Instant::now();
        let mut events = 0;
        for r in 0..single_runs {
            events += simulate(&world, 1, r).events;
        }
        let secs = t0.elapsed().as_secs_f64();
        engine_eps.push(events as f64 / secs);
        events_per_rep = events as f64 / single_runs as f64;
        // Baseline with the same number of events and a comparable queue.
        baseline_eps.push(heap_baseline(events, 64));
        // Monte Carlo, all threads.
        let t0 = Instant::now();
        let s = match run_monte_carlo(&world, args.runs, 7, args.threads, &|_| {}) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(1);
            }
        };
        let wall = t0.elapsed().as_secs_f64();
        mc_wall.push(wall);
        mc_eps.push(s.events as f64 / wall);
    }
    let threads =
        if args.threads == 0 { std::thread::available_parallelism().map_or(1, |n| n.get()) } else { args.threads };
    let (e, b, w, m) = (median(engine_eps), median(baseline_eps), median(mc_wall), median(mc_eps));
    let report = json!({
        "scenario": world.id,
        "events_per_replication": events_per_rep.round(),
        "engine_events_per_second_one_core": e.round(),
        "heap_baseline_events_per_second_one_core": b.round(),
        "engine_vs_baseline": (e / b * 1000.0).round() / 1000.0,
        "monte_carlo": {
            "runs": args.runs,
            "threads": threads,
            "wall_seconds": (w * 1000.0).round() / 1000.0,
            "replications_per_second": (args.runs as f64 / w).round(),
            "events_per_second": m.round(),
        },
        "repeat": repeat,
    });
    if args.json {
        crate::out::outln!("{}", serde_json::to_string_pretty(&report).unwrap_or_default());
    } else {
        crate::out::outln!("scenario {}: {:.0} events per replication", world.id, events_per_rep);
        crate::out::outln!("engine, 1 thread:        {:>12.0} events/s", e);
        crate::out::outln!("bare heap loop, 1 thread:{:>12.0} events/s   (engine = {:.2} × baseline)", b, e / b);
        crate::out::outln!(
            "monte carlo, {} threads: {} replications in {:.3} s = {:.0} replications/s ({:.0} events/s)",
            threads,
            args.runs,
            w,
            args.runs as f64 / w,
            m
        );
        crate::out::outln!("(median of {repeat} repetitions)");
    }
    ExitCode::SUCCESS
}
