//! Solve time, objective, bound and gap on scenario files, as a Markdown table:
//! `cargo run --release -p drawdown-planner --example measure -- [--time-limit S] [--gap G] [--bucket D] [--max-nodes N] [--threads T] FILE...`
//! (`minusma` stands for the embedded MINUSMA scenario). Each file's own plan
//! is ignored; each file's `[planner]` table applies, then the flags; trips are
//! timed in the point world (no input draws).

use drawdown_model as m;
use drawdown_planner::{Options, plan};

fn main() {
    let (mut time_limit, mut gap, mut bucket, mut files) = (None, None, None, Vec::new());
    let (mut max_nodes, mut threads) = (None, None);
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--time-limit" => time_limit = args.next().and_then(|x| x.parse().ok()),
            "--gap" => gap = args.next().and_then(|x| x.parse().ok()),
            "--bucket" => bucket = args.next().and_then(|x| x.parse().ok()),
            "--max-nodes" => max_nodes = args.next().and_then(|x| x.parse().ok()),
            "--threads" => threads = args.next().and_then(|x| x.parse().ok()),
            _ => files.push(a),
        }
    }
    println!(
        "| scenario | bases | personnel | days | periods | cols | rows | binaries | limit s | threads | solve s | status | stopped by | objective | bound | gap | left |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for f in files {
        let (name, text) = if f == "minusma" {
            (m::MINUSMA_2023_NAME.to_string(), m::MINUSMA_2023.to_string())
        } else {
            match std::fs::read_to_string(&f) {
                Ok(t) => (f.clone(), t),
                Err(e) => {
                    eprintln!("{f}: {e}");
                    continue;
                }
            }
        };
        let s = match m::load(&m::Source::new(name.clone(), text)) {
            Ok(l) => l.scenario,
            Err(d) => {
                eprintln!("{name}: does not load: {:?}", d.iter().map(|x| &x.message).collect::<Vec<_>>());
                continue;
            }
        };
        let mut o = Options::from_scenario(&s);
        o.explain = false;
        o.time_limit_s = time_limit.unwrap_or(o.time_limit_s);
        o.mip_rel_gap = gap.unwrap_or(o.mip_rel_gap);
        o.bucket_days = bucket.or(o.bucket_days);
        o.max_nodes = max_nodes.unwrap_or(o.max_nodes);
        o.threads = threads.unwrap_or(o.threads);
        let bases = s.sites.iter().filter(|x| x.kind.is_base()).count();
        let personnel: u32 = s.personnel.iter().map(|g| g.count.value).sum();
        match plan(&s, None, &o) {
            Ok(p) => {
                let v = &p.solve;
                println!(
                    "| {name} | {bases} | {personnel} | {} | {} | {} | {} | {} | {} | {} | {:.1} | {} | {:?} | {:.1} | {:.1} | {:.2} % | {:.0} |",
                    v.days,
                    v.periods,
                    v.columns,
                    v.rows,
                    v.binaries,
                    o.time_limit_s,
                    o.threads,
                    v.solve_seconds,
                    v.status,
                    v.stopped_by,
                    v.objective,
                    v.bound,
                    v.gap * 100.0,
                    p.personnel_left
                );
            }
            Err(e) => println!("| {name} | {bases} | {personnel} | error: {e} |"),
        }
    }
}
