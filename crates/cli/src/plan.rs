//! `drawdown plan`: computes a withdrawal plan for the scenario (its own
//! plan ignored), writes it as a `[plan]` section (or the movement table as
//! CSV, or everything as JSON) and prints a summary with the explanation.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use drawdown_planner::{Options, Planned, plan, to_csv, to_json, to_plan_toml};

use crate::input::{ScenarioArgs, load_for_run};

#[derive(Clone, Copy, PartialEq, Eq, Debug, clap::ValueEnum)]
pub enum PlanFormat {
    /// A `[plan]` section for the scenario (`drawdown check/simulate --plan`).
    Toml,
    /// The movement table, one row per line and thing moved.
    Csv,
    /// Everything: plan, movement table, solver figures, explanation.
    Json,
}

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Write the plan to FILE (atomically); the summary then goes to standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = PlanFormat::Toml)]
    pub format: PlanFormat,
    /// Solver time limit in seconds (default: `[planner] time_limit_s`, else 30).
    #[arg(long, value_name = "SECONDS", value_parser = parse_positive)]
    pub time_limit: Option<f64>,
    /// Relative gap at which the solver stops (default: `[planner] gap`, else 0.01).
    #[arg(long, value_name = "FRACTION", value_parser = parse_gap)]
    pub gap: Option<f64>,
    /// Keep a base's closure as given instead of planning it (repeatable):
    /// `SITE=DATE`, `SITE=open` (stays open past the deadline), or `SITE`
    /// (as the scenario's own plan has it: its closure date, else open).
    #[arg(long, value_name = "SITE[=DATE|open]")]
    pub keep: Vec<String>,
    /// Print the solver's log.
    #[arg(long)]
    pub verbose: bool,
}

/// Reads the `--keep` arguments against the scenario and its own plan.
fn kept(s: &drawdown_model::Scenario, keep: &[String]) -> Result<Vec<(String, Option<drawdown_model::Date>)>, String> {
    keep.iter()
        .map(|k| {
            let (site, when) = match k.split_once('=') {
                Some((a, b)) => (a.trim(), Some(b.trim())),
                None => (k.trim(), None),
            };
            if !s.sites.iter().any(|x| x.id == site && x.kind.is_base()) {
                let bases = s.sites.iter().filter(|x| x.kind.is_base()).map(|x| x.id.as_str());
                let hint = drawdown_model::diag::did_you_mean(site, bases).unwrap_or_else(|| "give the id of a camp, temporary base, hub or hq".into());
                return Err(format!("--keep {k}: `{site}` is not a base of the scenario\n  hint: {hint}"));
            }
            let date = match when {
                Some("open") => None,
                Some(d) => Some(drawdown_model::Date::parse(d).ok_or_else(|| format!("--keep {k}: `{d}` is not a date\n  hint: SITE=YYYY-MM-DD or SITE=open"))?),
                None if s.plan.closures.is_empty() => {
                    return Err(format!("--keep {k}: the scenario has no plan to keep `{site}` from\n  hint: give --keep {site}=DATE or --keep {site}=open"));
                }
                None => s.plan.closures.iter().find(|c| c.site == site).map(|c| c.date),
            };
            if let Some(d) = date
                && d < s.scenario.start {
                    return Err(format!("--keep {k}: {d} is before the scenario starts ({})\n  hint: a date from {} on", s.scenario.start, s.scenario.start));
                }
            Ok((site.to_string(), date))
        })
        .collect()
}

fn parse_positive(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 && x <= 86_400.0 => Ok(x),
        _ => Err(format!("`{s}` is not a number of seconds between 0 and 86400")),
    }
}

fn parse_gap(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if (0.0..1.0).contains(&x) => Ok(x),
        _ => Err(format!("`{s}` is not a relative gap between 0 and 1 (e.g. 0.01 for 1 %)")),
    }
}

pub fn run(mut args: Args) -> ExitCode {
    // The scenario's own plan is replaced, so it is neither used nor checked.
    args.scenario.without_plan = true;
    let Ok((_, loaded)) = load_for_run(&args.scenario) else { return ExitCode::from(1) };
    let s = &loaded.scenario;
    let mut opts = Options::from_scenario(s);
    if let Some(t) = args.time_limit {
        opts.time_limit_s = t;
    }
    if let Some(g) = args.gap {
        opts.mip_rel_gap = g;
    }
    opts.verbose = args.verbose;
    opts.keep = match kept(s, &args.keep) {
        Ok(k) => k,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let p = match plan(s, &opts) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: cannot plan {}: {e}", s.scenario.id);
            return ExitCode::from(1);
        }
    };
    let text = match args.format {
        PlanFormat::Toml => to_plan_toml(&p),
        PlanFormat::Json => to_json(&p),
        PlanFormat::Csv => match to_csv(&p) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(1);
            }
        },
    };
    let mut summary = summary(&p);
    if let Some(out) = already_out(&args.scenario) {
        summary.insert_str(summary.find('\n').map_or(0, |i| i + 1), &out);
    }
    match &args.out {
        Some(path) => {
            if let Err(e) = crate::atomic::write_atomic(path, text.as_bytes()) {
                eprintln!("error: {e}");
                return ExitCode::from(1);
            }
            print!("{summary}");
            println!("Plan written to {}.", path.display());
        }
        None => {
            eprint!("{summary}");
            print!("{text}");
        }
    }
    ExitCode::SUCCESS
}

/// The state file's counts already out, for the totals (it was read and
/// validated when the scenario was loaded).
fn already_out(args: &ScenarioArgs) -> Option<String> {
    let src = drawdown_model::Source::read(args.state.as_ref()?).ok()?;
    let st = drawdown_model::state::parse(&src).ok()?;
    let (p, i) = (st.out.personnel.map_or(0, |c| c.value), st.out.items.map_or(0, |c| c.value));
    Some(format!(
        "Already out on {} (state file): {} personnel, {} items; the plan moves the rest.\n",
        st.as_of,
        thousands(f64::from(p)),
        thousands(f64::from(i))
    ))
}

fn thousands(x: f64) -> String {
    let s = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if x < -0.5 { format!("-{out}") } else { out }
}

/// The human summary: solver figures, closures, convoys, flights, dispositions, explanation.
pub fn summary(p: &Planned) -> String {
    let mut o = String::new();
    let s = &p.solve;
    let _ = writeln!(
        o,
        "Plan for {} ({} to {}), {} personnel.",
        p.scenario,
        p.start,
        p.deadline,
        thousands(p.personnel_total)
    );
    let _ = writeln!(
        o,
        "Solver: {} in {:.1} s (model built in {:.1} s, explained in {:.1} s): objective {} k$ equivalent, bound {}, gap {:.2} %.",
        s.status,
        s.solve_seconds,
        s.build_seconds,
        s.explain_seconds,
        thousands(s.objective),
        thousands(s.bound),
        s.gap * 100.0
    );
    let _ = writeln!(
        o,
        "Model: {} planning periods over {} days; {} columns, {} rows, {} binaries.",
        s.periods, s.days, s.columns, s.rows, s.binaries
    );
    let _ = writeln!(
        o,
        "Planned outcome (expected values, no friction): {} of {} personnel left at the deadline; {:.1} expected casualties; US$ {} of equipment disposed of or left; {:.2} expected handover failures.",
        thousands(p.personnel_left),
        thousands(p.personnel_total),
        p.expected_casualties,
        thousands(p.value_left_usd),
        p.handover_failures
    );
    if !p.bases_left_open.is_empty() {
        let _ = writeln!(o, "Bases left open at the deadline: {}.", p.bases_left_open.join(", "));
    }
    let _ = writeln!(
        o,
        "\nClosures (site, date, closing convoy to, latest possible date, people on it, load units disposed of):"
    );
    for c in &p.closures {
        let _ = writeln!(
            o,
            "  {:<18} {}  -> {:<18} latest {}  {:>6} people  {:>6} load units",
            c.site,
            c.date,
            c.to,
            c.latest.map_or("none      ".into(), |d| d.to_string()),
            thousands(c.personnel),
            thousands(c.disposed_load)
        );
    }
    let _ = writeln!(
        o,
        "\nConvoys (serial, from -> to, fleet, first and last departure, convoys x trucks, people, load units, expected casualties; escorts are not modelled):"
    );
    for l in &p.road {
        let _ = writeln!(
            o,
            "  {} {:<16} -> {:<16} {:<14} {} .. {}  {:>5.1} x {:>3}  {:>6} people  {:>6} load  {:.2}",
            l.serial,
            l.from,
            l.to,
            l.fleet,
            l.ready,
            l.until,
            l.convoys,
            l.trucks,
            thousands(l.personnel),
            thousands(l.load),
            l.casualties
        );
    }
    if !p.air.is_empty() {
        let _ = writeln!(
            o,
            "\nFlight requests (number, from -> to, fleet, first and last day, sorties requested a day, sorties expected, people, load units):"
        );
        for l in &p.air {
            let _ = writeln!(
                o,
                "  {} {:<16} -> {:<12} {:<14} {} .. {}  {:>2}/day  {:>6.0} sorties  {:>6} people  {:>5} load",
                l.serial,
                l.from,
                l.to,
                l.fleet,
                l.ready,
                l.until,
                l.sorties_per_day,
                l.sorties,
                thousands(l.personnel),
                thousands(l.load)
            );
        }
    }
    let _ = writeln!(
        o,
        "\nEquipment lots (site, class, count, value at stake US$, disposition, planned share repatriated):"
    );
    for d in &p.dispositions {
        let _ = writeln!(
            o,
            "  {:<18} {:<17} {:>6}  {:>13}  {:<10} {:>4.0} %",
            d.site,
            d.class.as_str(),
            d.count,
            thousands(d.value_usd),
            d.action,
            d.repatriated_share * 100.0
        );
    }
    let e = &p.explanation;
    if !e.binding.is_empty() || !e.closures.is_empty() {
        let _ = writeln!(o, "\nWhy this plan:");
        for b in &e.binding {
            let _ = writeln!(o, "  - {}", b.text);
        }
        for c in &e.closures {
            let _ = writeln!(o, "  - {c}");
        }
    }
    if let Some(r) = &e.relaxation {
        let _ = writeln!(
            o,
            "\nThe deadline cannot be met ({} people left). Smallest relaxations that meet it:",
            thousands(p.personnel_left)
        );
        if r.capacity_insufficient {
            let _ = writeln!(o, "  - more trucks or aircraft alone do not: closing convoys cannot arrive in time.");
        }
        for (f, n) in &r.extra_trucks {
            let _ = writeln!(o, "  - {n} more trucks in fleet {f}");
        }
        for (f, n) in &r.extra_aircraft {
            let _ = writeln!(o, "  - {n} more aircraft in fleet {f}");
        }
        match r.extra_days {
            Some(d) => {
                let _ = writeln!(o, "  - or {d} more days (deadline {})", p.deadline.plus_days(i64::from(d)));
            }
            None => {
                let _ = writeln!(o, "  - no extension of up to 224 days meets it");
            }
        }
        for set in &r.overrides {
            let _ = writeln!(o, "  try: drawdown plan ... {set}");
        }
    }
    o
}
