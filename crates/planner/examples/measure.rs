//! Solve time, objective, bound and gap on scenario files:
//! `cargo run --release --example measure -- [--time-limit S] [--gap G] [--out DIR] FILE...`
//! (`minusma` stands for the embedded MINUSMA scenario). Each file's own plan is ignored.

use drawdown_engine::{World, simulate};
use drawdown_model as m;
use drawdown_planner::{Options, plan, to_plan_toml};

fn main() {
    let mut opts = Options::default();
    let mut out_dir: Option<String> = None;
    let mut sim_reps = 20u64;
    let mut files = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--time-limit" => opts.time_limit_s = args.next().and_then(|x| x.parse().ok()).expect("seconds"),
            "--gap" => opts.mip_rel_gap = args.next().and_then(|x| x.parse().ok()).expect("relative gap"),
            "--margin" => opts.margin_days = args.next().and_then(|x| x.parse().ok()).expect("days"),
            "--verbose" => opts.verbose = true,
            "--sim" => sim_reps = args.next().and_then(|x| x.parse().ok()).expect("replications"),
            "--cold" => opts.warm_start = false,
            "--heuristics" => opts.heuristic_effort = args.next().and_then(|x| x.parse().ok()).expect("effort"),
            "--out" => out_dir = args.next(),
            _ => files.push(a),
        }
    }
    println!("| scenario | sites | personnel | days | cols | rows | binaries | build s | solve s | start obj | status | objective | bound | gap | left | casualties | value left US$ |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for f in files {
        let (name, text): (String, String) = if f == "minusma" {
            (m::MINUSMA_2023_NAME.to_string(), m::MINUSMA_2023.to_string())
        } else {
            (f.clone(), std::fs::read_to_string(&f).expect("readable"))
        };
        let s = match m::load(&m::Source::new(name.clone(), text.clone())) {
            Ok(l) => l.scenario,
            Err(d) => {
                eprintln!("{name}: does not load: {d:?}");
                continue;
            }
        };
        let personnel: u32 = s.personnel.iter().map(|g| g.count.value).sum();
        let days = s.scenario.deadline.days_since(s.scenario.start) + 1;
        match plan(&s, &opts) {
            Ok(p) => {
                println!(
                    "| {} | {} | {} | {} | {} | {} | {} | {:.2} | {:.2} | {} | {} | {:.1} | {:.1} | {:.2} % | {:.0} | {:.2} | {:.0} |",
                    name, s.sites.len(), personnel, days, p.columns, p.rows, p.binaries, p.build_seconds, p.solve_seconds, p.start_objective.map_or("-".into(), |x| format!("{x:.1}")),
                    p.status, p.objective, p.bound, p.gap * 100.0, p.personnel_left, p.expected_casualties, p.value_left_usd
                );
                if let Some(dir) = &out_dir {
                    let base = std::path::Path::new(&name).file_stem().unwrap().to_string_lossy().to_string();
                    std::fs::write(format!("{dir}/{base}.plan.toml"), to_plan_toml(&p)).expect("writable");
                }
                // Apply the plan to the file, validate, compile and simulate.
                let check = (|| -> Result<String, String> {
                    let applied = m::overrides::with_plan(&m::Source::new(name.clone(), text.clone()), &m::Source::new("plan", to_plan_toml(&p)))
                        .map_err(|d| format!("{d:?}"))?;
                    let loaded = m::load(&applied).map_err(|d| format!("invalid: {:?}", d.iter().map(|x| format!("{}: {}", x.field, x.message)).collect::<Vec<_>>()))?;
                    let w = World::compile(&loaded.scenario).map_err(|e| e.to_string())?;
                    let rear: u32 = loaded.scenario.personnel.iter().filter(|g| g.role == m::Role::RearParty).map(|g| g.count.value).sum();
                    let reps = sim_reps;
                    if reps == 0 {
                        return Ok(format!("{name}: the plan validates and compiles (not simulated)"));
                    }
                    let (mut dep, mut min, mut wounded) = (0u64, u32::MAX, 0u64);
                    for r in 0..reps {
                        let o = simulate(&w, 1, r);
                        dep += u64::from(o.departed_by_deadline);
                        min = min.min(o.departed_by_deadline);
                        wounded += u64::from(o.wounded + o.killed);
                    }
                    Ok(format!(
                        "{name}: simulated {reps} replications: departed by deadline mean {:.0}, min {min} of {personnel} (rear parties {rear}); casualties mean {:.1}",
                        dep as f64 / reps as f64,
                        wounded as f64 / reps as f64
                    ))
                })();
                match check {
                    Ok(x) => eprintln!("{x}"),
                    Err(e) => eprintln!("{name}: the plan does not check: {e}"),
                }
            }
            Err(e) => println!("| {name} | {} | {personnel} | {days} | | | | | | error: {e} | | | | | | |", s.sites.len()),
        }
    }
}
