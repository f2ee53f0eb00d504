//! `drawdown plan`: computes a withdrawal plan for the scenario (its own
//! plan ignored), simulates the plan as written with the engine (paired with
//! the scenario's own plan), writes any of the `[plan]` section, the
//! movement table (CSV) and everything (JSON) from that one solve, and
//! prints a summary with the explanation and the engine's figures.
//!
//! With `--confidence P` the plan is made robust by a simulate → re-plan
//! loop: closing convoys late in more than 1 − P of the engine's runs get
//! per-site margins, and the plan is made again (at most
//! `robust::MAX_REPLANS` times); the best plan of the loop is written.
//!
//! Exit status: 0 a plan (with `--confidence`, one that reaches P); 1 bad
//! input or a failure (nothing written); 3 a plan written, but some solve
//! ran into the wall-clock safety net, so another run may give another
//! plan; 4 with `--confidence`, no plan of the loop reaches P (the best one
//! is written, with the best P reached, the margins tried and the smallest
//! relaxation).

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use drawdown_planner::{Options, Planned, Stop, plan, to_csv, to_json, to_plan_toml};

use crate::input::{InputArgs, ScenarioArgs, load_for_run};
use drawdown_model::{Loaded, Source};

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
    /// Write the `[plan]` section (TOML) to FILE; FILE.xlsx: a workbook of its
    /// sheets and the movement table, which `--plan FILE.xlsx` reads back. With any of `--out`,
    /// `--csv` and `--json` the summary goes to standard output; every file
    /// comes from the same solve and is written atomically.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Write the movement table (CSV) to FILE.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Write everything (plan, movement table, solver figures, explanation, engine check) as JSON to FILE.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// What goes to standard output when no file is given (default toml);
    /// the summary then goes to standard error.
    #[arg(long, value_enum)]
    pub format: Option<PlanFormat>,
    /// Wall-clock safety net for the whole run, seconds (default: `[planner]
    /// time_limit_s`, else 600). The solver stops on the gap or on
    /// `--max-nodes`, which give the same plan on any machine; a run stopped
    /// by this net says so and exits with status 3.
    #[arg(long, value_name = "SECONDS", value_parser = parse_positive)]
    pub time_limit: Option<f64>,
    /// Branch-and-bound nodes after which the solver stops if the gap is not
    /// reached (default 2000): a count of work, so the plan is reproducible.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100_000_000))]
    pub max_nodes: Option<u32>,
    /// Relative gap at which the solver stops (default: `[planner] gap`, else 0.01).
    #[arg(long, value_name = "FRACTION", value_parser = parse_gap)]
    pub gap: Option<f64>,
    /// Plan each trip to arrive when it has arrived with probability Q
    /// (default: `[planner] trip_quantile`, else 0.9), over the input draws
    /// the engine check runs (sampled inputs) and the friction of a run.
    #[arg(long, value_name = "Q", value_parser = parse_trip_quantile)]
    pub trip_quantile: Option<f64>,
    /// Keep a base's closure as given instead of planning it (repeatable):
    /// `SITE=DATE`, `SITE=open` (stays open past the deadline), or `SITE`
    /// (as the scenario's own plan has it: its closure date, else open).
    #[arg(long, value_name = "SITE[=DATE|open]")]
    pub keep: Vec<String>,
    /// Print the solver's log.
    #[arg(long)]
    pub verbose: bool,
    /// Replications of the engine check of the plan (0: no check).
    #[arg(long, value_name = "N", default_value_t = 1000, value_parser = clap::value_parser!(u64).range(0..=1_000_000))]
    pub check_runs: u64,
    /// Make the plan robust: re-plan with per-site margins learnt from the
    /// engine check until the simulated P(everyone out by the deadline) is at
    /// least P (exit status 4 if no plan reaches it). Needs --check-runs > 0.
    #[arg(long, value_name = "P", value_parser = parse_confidence)]
    pub confidence: Option<f64>,
    /// Seed of the engine check and of the input draws trips are timed in:
    /// the same seed gives the same plan and check on any number of threads.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Worker threads of the engine check (0: all cores); the result does not depend on it.
    #[arg(long, default_value_t = 0, value_parser = crate::input::parse_threads)]
    pub threads: usize,
    #[command(flatten)]
    pub inputs: InputArgs,
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

fn parse_confidence(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if x > 0.0 && x < 1.0 => Ok(x),
        _ => Err(format!("`{s}` is not a probability strictly between 0 and 1 (e.g. 0.95)")),
    }
}

/// A trip quantile within `planner.trip_quantile`'s bounds (`bounds.rs`).
fn parse_trip_quantile(s: &str) -> Result<f64, String> {
    let b = drawdown_model::bounds::of("planner.trip_quantile").ok_or("no bound for planner.trip_quantile")?;
    match s.parse::<f64>() {
        Ok(x) if b.contains(x) => Ok(x),
        _ => Err(format!("`{s}` is not a probability from {} to {} (e.g. 0.9)", b.min, b.max)),
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
    let Ok((src, loaded)) = load_for_run(&args.scenario) else { return ExitCode::from(1) };
    let s = &loaded.scenario;
    // Trips are timed in the worlds the engine check will run: the input
    // draws of its seed (sampled inputs), or the point world.
    let space = match args.inputs.inputs {
        crate::input::InputsFlag::Sampled => match crate::input::input_space(&src, s) {
            Ok(sp) => Some(sp),
            Err(()) => return ExitCode::from(1),
        },
        crate::input::InputsFlag::Point => None,
    };
    let mut opts = Options::from_scenario(s);
    opts.seed = args.seed;
    if let Some(q) = args.trip_quantile {
        opts.trip_quantile = q;
    }
    if let Some(t) = args.time_limit {
        opts.time_limit_s = t;
    }
    if let Some(n) = args.max_nodes {
        opts.max_nodes = n;
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
    let files = match outputs(&args) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    if args.confidence.is_some() && args.check_runs == 0 {
        eprintln!("error: --confidence needs the engine check\n  hint: drop --check-runs 0 (e.g. --check-runs 1000)");
        return ExitCode::from(1);
    }
    let p = match args.confidence {
        Some(q) => robust(&args, s, space.as_ref(), &opts, q),
        None => plan(s, space.as_ref(), &opts).map_err(|e| Some(e.to_string())).and_then(|mut p| {
            if args.check_runs > 0 {
                p.check = Some(engine_check(&args, &p, None).map_err(|()| None)?);
            }
            Ok(p)
        }),
    };
    let p = match p {
        Ok(p) => p,
        Err(Some(e)) => {
            eprintln!("error: cannot plan {}: {e}", s.scenario.id);
            return ExitCode::from(1);
        }
        Err(None) => return ExitCode::from(1),
    };
    let mut summary = summary(&p);
    if let Some(r) = &p.robust {
        summary.insert_str(summary.find('\n').map_or(0, |i| i + 1), &robust_summary(r));
    }
    if let Some(out) = already_out(&args.scenario) {
        summary.insert_str(summary.find('\n').map_or(0, |i| i + 1), &out);
    }
    if files.is_empty() {
        let text = match render(&p, args.format.unwrap_or(PlanFormat::Toml)) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(1);
            }
        };
        eprint!("{summary}");
        crate::out::out!("{text}");
    } else {
        if let Err(e) = write_all(&p, &files) {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
        crate::out::out!("{summary}");
        for (path, format) in &files {
            crate::out::outln!("{} written to {}.", format.what(), path.display());
        }
    }
    if p.solve.time_limit_hit {
        eprintln!("{}", time_net_message(&p));
        return ExitCode::from(TIME_LIMIT_EXIT);
    }
    if p.robust.as_ref().is_some_and(|r| !r.reached) {
        return ExitCode::from(NOT_ROBUST_EXIT);
    }
    ExitCode::SUCCESS
}

/// Exit status when no plan of the `--confidence` loop reaches P (the best
/// one is written).
pub const NOT_ROBUST_EXIT: u8 = 4;

/// The simulate → re-plan loop of `--confidence q`: the deterministic plan,
/// then at most `MAX_REPLANS` re-plans with per-site margins learnt from
/// the engine check (`robust::learn`). A re-plan whose programme leaves more
/// people than the deterministic plan's gives margins the sites cannot
/// take: the sites grown last are capped at their previous margin and the
/// loop goes on from the previous plan. The best plan (highest simulated
/// P, the earliest on ties) is returned. Everything is seeded and counted:
/// the same command gives the same plan.
fn robust(
    args: &Args,
    s: &drawdown_model::Scenario,
    space: Option<&drawdown_model::uncertain::InputSpace>,
    opts: &Options,
    q: f64,
) -> Result<Planned, Option<String>> {
    use drawdown_planner::robust::{MAX_REPLANS, Robust, Step, learn};
    use std::collections::BTreeMap;
    let mut opts = opts.clone();
    let mut margins: BTreeMap<String, u32> = BTreeMap::new();
    let mut capped: Vec<String> = Vec::new();
    let mut tried: Vec<Step> = Vec::new();
    let make = |opts: &Options| -> Result<Planned, Option<String>> {
        let mut p = plan(s, space, opts).map_err(|e| Some(e.to_string()))?;
        p.check = Some(engine_check(args, &p, Some(q)).map_err(|()| None)?);
        Ok(p)
    };
    let mut cur = make(&opts)?;
    let achieved = |p: &Planned| p.check.as_ref().map_or(0.0, |c| c.figures.deadline_met);
    let left0 = cur.personnel_left;
    tried.push(Step { iteration: 0, achieved: achieved(&cur), margins: margins.clone(), planned_left: left0 });
    let mut best = (cur.clone(), margins.clone());
    let mut replans = 0;
    let mut wanted: BTreeMap<String, u32> = BTreeMap::new();
    let mut time_hit = cur.solve.time_limit_hit;
    // A programme that leaves people on expected values cannot be made
    // robust by margins (they only make it harder).
    while achieved(&cur) < q && left0 < 0.5 && replans < MAX_REPLANS {
        let add = learn(&cur, cur.check.as_ref().expect("checked"), q, &capped);
        if add.is_empty() {
            wanted.clear();
            break;
        }
        wanted = add.clone();
        let mut next = margins.clone();
        for (site, d) in &add {
            *next.entry(site.clone()).or_insert(0) += d;
        }
        opts.site_margins = next.iter().map(|(k, v)| (k.clone(), *v)).collect();
        let p = make(&opts)?;
        replans += 1;
        time_hit |= p.solve.time_limit_hit;
        tried.push(Step {
            iteration: replans,
            achieved: achieved(&p),
            margins: next.clone(),
            planned_left: p.personnel_left,
        });
        if p.personnel_left > left0 + 0.5 {
            // The sites cannot take these margins: keep the previous ones.
            capped.extend(add.keys().cloned());
            capped.sort();
            continue;
        }
        margins = next;
        cur = p;
        if achieved(&cur) > achieved(&best.0) {
            best = (cur.clone(), margins.clone());
        }
    }
    let (mut out, margins) = best;
    out.solve.time_limit_hit |= time_hit;
    let reached = achieved(&out) >= q;
    let relaxation = (!reached).then(|| {
        if left0 >= 0.5 {
            let by = match out.explanation.relaxation.as_ref().and_then(|r| r.extra_days) {
                Some(d) => format!("; smallest relaxation: {d} more days (deadline {})", out.deadline.plus_days(i64::from(d))),
                None => String::new(),
            };
            return format!(
                "the programme leaves {} people at the deadline even on expected values, so no margin helps{by}",
                out.personnel_left.round()
            );
        }
        let extra = wanted.values().copied().max().unwrap_or(0).max(1);
        let sites: Vec<&str> = capped.iter().map(String::as_str).collect();
        let mut t = String::new();
        if !sites.is_empty() {
            t.push_str(&format!(
                "the margins of {} cannot grow: with more, their earliest possible closure is too late; ",
                sites.join(", ")
            ));
        }
        if wanted.is_empty() && sites.is_empty() {
            t.push_str(&format!(
                "every closing convoy with people arrives in time in at least {:.0} % of the runs: the shortfall is elsewhere (people not on closing convoys), which per-site margins do not reach; try a global margin (--set planner.margin_days=N) or a later deadline",
                q * 100.0
            ));
        } else {
            t.push_str(&format!(
                "smallest relaxation (estimated from the last margins wanted, not checked): about {extra} more days (deadline {}), e.g. --set scenario.deadline={}",
                out.deadline.plus_days(i64::from(extra)),
                out.deadline.plus_days(i64::from(extra))
            ));
        }
        t
    });
    out.robust = Some(Robust {
        confidence: q,
        achieved: achieved(&out),
        reached,
        iterations: replans,
        margins,
        tried,
        capped,
        relaxation,
    });
    Ok(out)
}

/// The headline of `--confidence`, and when P is not reached the statement.
fn robust_summary(r: &drawdown_planner::robust::Robust) -> String {
    use drawdown_planner::robust::margins_text;
    let mut o = String::new();
    if r.reached {
        let _ = writeln!(
            o,
            "Robust to {}: simulated P(deadline) = {:.1} % after {} re-plans; per-site margins: {}.",
            r.confidence,
            r.achieved * 100.0,
            r.iterations,
            margins_text(&r.margins)
        );
    } else {
        let _ = writeln!(
            o,
            "NOT robust to {}: no plan reaches it; best simulated P(deadline) = {:.1} % after {} re-plans; per-site margins: {}.",
            r.confidence,
            r.achieved * 100.0,
            r.iterations,
            margins_text(&r.margins)
        );
        for st in &r.tried {
            let _ = writeln!(
                o,
                "  tried {}: P(deadline) = {:.1} %, programme leaves {} people; margins: {}",
                st.iteration,
                st.achieved * 100.0,
                st.planned_left.round(),
                margins_text(&st.margins)
            );
        }
        if let Some(t) = &r.relaxation {
            let _ = writeln!(o, "  {t}; exit status {NOT_ROBUST_EXIT}.");
        }
    }
    o
}

/// The scenario as the command line gives it, with `plan` as its `[plan]`
/// (None: its own plan): opened like `drawdown simulate --plan FILE` opens it.
fn load_with_plan(args: &ScenarioArgs, plan: Option<&Source>) -> Result<(Source, Loaded), drawdown_model::Failure> {
    let mut req = ScenarioArgs { without_plan: false, ..args.clone() }.request()?;
    if let Some(plan) = plan {
        req.plan = drawdown_model::PlanInput::File(plan.clone());
    }
    drawdown_model::open(&req)
}

/// Simulates the plan as written, paired with the scenario's own plan.
fn engine_check(args: &Args, p: &Planned, confidence: Option<f64>) -> Result<drawdown_planner::check::Check, ()> {
    use drawdown_planner::check::{Side, bases_not_closed, check};
    let plan_src = Source::new("the plan", to_plan_toml(p));
    let (src, loaded) = load_with_plan(&args.scenario, Some(&plan_src)).map_err(|f| {
        eprintln!("error: the plan does not load for the engine check:");
        crate::diagnostics::print_diagnostics(&f.source, &f.diagnostics);
    })?;
    let world = crate::input::compile(&loaded.scenario)?;
    let space = crate::input::input_space(&src, &loaded.scenario)?;
    let own = load_with_plan(&args.scenario, None).ok().filter(|(_, l)| {
        let plan = &l.scenario.plan;
        !(plan.closures.is_empty() && plan.lines.is_empty())
    });
    let base = match &own {
        Some((bs, bl)) => match (
            drawdown_engine::World::compile(&bl.scenario),
            drawdown_model::uncertain::InputSpace::new(bs, &bl.scenario),
        ) {
            (Ok(w), Ok(sp)) => Some((w, sp)),
            _ => None,
        },
        None => None,
    };
    let plan_side = Side::new(args.inputs.of(&space, &world), &p.kept_open);
    let base_side = base.as_ref().map(|(w, sp)| Side::new(args.inputs.of(sp, w), &bases_not_closed(w)));
    let planned: Vec<(String, drawdown_model::Date)> = p.closures.iter().map(|c| (c.site.clone(), c.date)).collect();
    let mut c = check(&plan_side, base_side.as_ref(), &planned, args.check_runs, args.seed, args.threads, confidence)
        .map_err(|e| eprintln!("error: engine check: {e}"))?;
    if c.baseline.is_none() {
        c.no_baseline = Some(if own.is_none() {
            "the scenario has no plan of its own (or it does not load) to compare with".into()
        } else {
            "the scenario's own plan does not compile for the engine".into()
        });
    }
    Ok(c)
}

impl PlanFormat {
    fn what(self) -> &'static str {
        match self {
            PlanFormat::Toml => "Plan",
            PlanFormat::Csv => "Movement table",
            PlanFormat::Json => "Everything (JSON)",
        }
    }
}

/// The files asked for, checked before solving: no path twice, and no
/// `--format` beside them (it chooses what goes to standard output).
fn outputs(args: &Args) -> Result<Vec<(PathBuf, PlanFormat)>, String> {
    let files: Vec<(PathBuf, PlanFormat)> =
        [(&args.out, PlanFormat::Toml), (&args.csv, PlanFormat::Csv), (&args.json, PlanFormat::Json)]
            .into_iter()
            .filter_map(|(p, f)| p.clone().map(|p| (p, f)))
            .collect();
    if let Some(f) = args.format
        && !files.is_empty()
    {
        return Err(format!(
            "--format {} chooses what goes to standard output, but files were given\n  hint: write each format to its own file: --out plan.toml --csv lines.csv --json plan.json",
            format!("{f:?}").to_lowercase()
        ));
    }
    for (i, (a, _)) in files.iter().enumerate() {
        if files[..i].iter().any(|(b, _)| b == a) {
            return Err(format!("{} is given for two outputs\n  hint: one file per format", a.display()));
        }
    }
    Ok(files)
}

fn render(p: &Planned, format: PlanFormat) -> Result<String, String> {
    Ok(match format {
        PlanFormat::Toml => to_plan_toml(p),
        PlanFormat::Json => to_json(p).map_err(|e| format!("the plan as JSON: {e}"))?,
        PlanFormat::Csv => to_csv(p).map_err(|e| format!("the movement table as CSV: {e}"))?,
    })
}

/// The plan as a workbook: its `[plan]` as the sheets of the scenario
/// format (`plan lines`, `closures`, `dispositions`), which `--plan FILE.xlsx`
/// reads back, and the movement table beside them (not read back).
fn plan_workbook(p: &Planned) -> Result<Vec<u8>, String> {
    use drawdown_model::sheets::{self, Cell, Row, Sheet};
    let doc: toml::Table = toml::from_str(&to_plan_toml(p)).map_err(|e| format!("the plan as TOML: {e}"))?;
    let mut book = sheets::from_toml(&doc);
    let moves = drawdown_planner::movements(p);
    let header = [
        "line",
        "what",
        "quantity",
        "unit",
        "origin",
        "embarkation",
        "destination",
        "mode",
        "ready",
        "earliest_departure",
        "latest_departure",
        "serial",
    ];
    let date = |d: drawdown_model::Date| d.to_string().parse().map_or(Cell::Text(d.to_string()), Cell::Date);
    let rows = moves
        .iter()
        .enumerate()
        .map(|(i, m)| Row {
            number: i as u32 + 2,
            cells: vec![
                Cell::Int(m.line as i64),
                Cell::Text(m.what.clone()),
                Cell::Int(m.quantity as i64),
                Cell::Text(m.unit.into()),
                Cell::Text(m.origin.clone()),
                Cell::Text(m.embarkation.clone()),
                Cell::Text(m.destination.clone()),
                Cell::Text(m.mode.into()),
                date(m.ready),
                date(m.earliest_departure),
                date(m.latest_departure),
                Cell::Text(m.serial.clone()),
            ],
        })
        .collect();
    book.sheets.push(Sheet { name: sheets::MOVEMENTS.into(), columns: header.map(String::from).to_vec(), rows });
    sheets::xlsx::write(&book)
}

/// Writes every file from the one plan: all are written to temporary files
/// first and renamed into place only when all were written, so a failure
/// leaves every target as it was.
fn write_all(p: &Planned, files: &[(PathBuf, PlanFormat)]) -> Result<(), String> {
    use std::io::Write as _;
    let mut pending = Vec::new();
    for (path, format) in files {
        let is_xlsx = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
        let bytes = match format {
            PlanFormat::Toml if is_xlsx => plan_workbook(p)?,
            _ => render(p, *format)?.into_bytes(),
        };
        let mut f = crate::atomic::AtomicFile::create(path)?;
        f.writer().write_all(&bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        pending.push(f);
    }
    for f in pending {
        f.commit()?;
    }
    Ok(())
}

/// The engine's check beside the solver's figures.
fn check_summary(p: &Planned, c: &drawdown_planner::check::Check) -> String {
    use drawdown_engine::stats::Q;
    let mut o = String::new();
    let q = |x: &Q| format!("{} ({})", thousands(x.p50), thousands(x.p95));
    let pct = |x: f64| format!("{:.1} %", x * 100.0);
    let base = c.baseline.as_ref();
    let diff = |metric: &str, scale: f64, unit: &str| -> String {
        base.and_then(|b| b.differences.iter().find(|d| d.metric == metric))
            .map(|d| {
                format!(
                    "{:+.1}{unit} ({:+.1} to {:+.1})",
                    d.mean_difference * scale,
                    d.ci95[0] * scale,
                    d.ci95[1] * scale
                )
            })
            .unwrap_or_default()
    };
    let _ = writeln!(
        o,
        "\nEngine check: the plan as written simulated {} times (seed {}, {} inputs){}.",
        thousands(c.runs as f64),
        c.seed,
        c.inputs,
        if base.is_some() { ", paired with the scenario's own plan (common random numbers)" } else { "" }
    );
    let _ = writeln!(
        o,
        "  {:<40} {:>12}  {:>16}  {:>18}  {}",
        "",
        "solver",
        "engine",
        if base.is_some() { "scenario's plan" } else { "" },
        if base.is_some() { "difference, mean (95 % CI)" } else { "" }
    );
    let f = &c.figures;
    let row = |o: &mut String, name: &str, solver: String, engine: String, baseline: Option<String>, d: String| {
        let _ =
            writeln!(o, "  {:<40} {:>12}  {:>16}  {:>18}  {}", name, solver, engine, baseline.unwrap_or_default(), d);
    };
    row(
        &mut o,
        "everyone out by the deadline (P)",
        if p.personnel_left < 0.5 { "yes".into() } else { "no".into() },
        pct(f.deadline_met),
        base.map(|b| pct(b.figures.deadline_met)),
        diff("deadline_met", 100.0, " pt"),
    );
    row(
        &mut o,
        "people left, P50 (P95)",
        thousands(p.personnel_left),
        q(&f.people_left),
        base.map(|b| q(&b.figures.people_left)),
        diff("people_left", 1.0, ""),
    );
    row(
        &mut o,
        "wounded, P50 (P95)",
        String::new(),
        q(&f.wounded),
        base.map(|b| q(&b.figures.wounded)),
        diff("wounded", 1.0, ""),
    );
    row(
        &mut o,
        "killed, P50 (P95)",
        String::new(),
        q(&f.killed),
        base.map(|b| q(&b.figures.killed)),
        diff("killed", 1.0, ""),
    );
    row(
        &mut o,
        "casualties (wounded + killed), mean",
        format!("{:.1}", p.expected_casualties),
        format!("{:.1}", f.wounded.mean + f.killed.mean),
        base.map(|b| format!("{:.1}", b.figures.wounded.mean + b.figures.killed.mean)),
        String::new(),
    );
    for (i, (fate, x)) in f.equipment.iter().enumerate() {
        row(
            &mut o,
            &format!("equipment {}, P50 (P95)", fate.replace('_', " ")),
            String::new(),
            q(x),
            base.map(|b| q(&b.figures.equipment[i].1)),
            diff(&format!("equipment.{fate}"), 1.0, ""),
        );
    }
    if f.people_kept > 0 || base.is_some_and(|b| b.figures.people_kept > 0) {
        row(
            &mut o,
            "kept by decision (not counted as left)",
            thousands(p.personnel_kept),
            thousands(f64::from(f.people_kept)),
            base.map(|b| thousands(f64::from(b.figures.people_kept))),
            String::new(),
        );
    }
    if let Some(why) = &c.no_baseline {
        let _ = writeln!(o, "  No paired comparison: {why}.");
    }
    if !c.sites.is_empty() {
        let _ = writeln!(
            o,
            "  {:<18} {:<11} {:<14} {:<11} {:>9}  {:>11}  {:<12} {:<11} {:>11}",
            "site", "planned", "vacated P50", "P95", "late P50", "by deadline", "arrives P50", "P95", "in time"
        );
        for x in &c.sites {
            let d = |d: Option<drawdown_model::Date>| d.map_or("not closed".to_string(), |d| d.to_string());
            let _ = writeln!(
                o,
                "  {:<18} {:<11} {:<14} {:<11} {:>9}  {:>11}  {:<12} {:<11} {:>11}",
                x.site,
                x.planned.to_string(),
                d(x.closed_p50),
                d(x.closed_p95),
                x.late_days_p50.map_or("-".to_string(), |n| format!("{n:+} d")),
                pct(x.closed_by_deadline),
                x.arrives_p50.map_or("not arrived".to_string(), |d| d.to_string()),
                x.arrives_p95.map_or("not arrived".to_string(), |d| d.to_string()),
                pct(x.arrives_by_deadline)
            );
        }
    }
    // Where the deadline is lost: closing convoys with people that reach an
    // exit late in more than one run in ten.
    for (x, cl) in c.sites.iter().zip(&p.closures) {
        if x.arrives_by_deadline < 0.9 && cl.personnel > 0.5 && p.exits.contains(&cl.to) {
            let earlier = x.planned.plus_days(-7);
            let _ = writeln!(
                o,
                "  {}'s closing convoy ({} people) reaches {} by the deadline in {} of the runs: give it slack, e.g. --set planner.margin_days=7 or --keep {}={earlier}.",
                x.site,
                thousands(cl.personnel),
                cl.to,
                pct(x.arrives_by_deadline),
                x.site
            );
        }
    }
    if let Some(b) = base {
        if !b.worse.is_empty() {
            let _ = writeln!(
                o,
                "warning: the engine finds this plan WORSE than the scenario's own plan on: {}.",
                b.worse.join("; ")
            );
        }
        if !b.better.is_empty() {
            let _ = writeln!(o, "  Better than the scenario's own plan on: {}.", b.better.join("; "));
        }
        if b.worse.is_empty() && b.better.is_empty() {
            let _ = writeln!(o, "  No headline figure differs significantly from the scenario's own plan.");
        }
    }
    o
}

/// Exit status of a run stopped by the wall-clock safety net (the plan is
/// written, but another run may give another plan).
pub const TIME_LIMIT_EXIT: u8 = 3;

fn time_net_message(p: &Planned) -> String {
    format!(
        "warning: the solver ran into the wall-clock safety net ({}): this plan depends on the machine's speed and load, and another run may give another. Raise --time-limit, or lower --max-nodes or raise --gap so that the solver stops on work done; exit status {TIME_LIMIT_EXIT}.",
        p.solve.status
    )
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
    crate::table::group_thousands(x.round() as i64)
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
        "Stopped by: {}.",
        match s.stopped_by {
            Stop::Gap => format!("the gap target ({:.2} %)", s.gap_target * 100.0),
            Stop::NodeLimit => format!("the node limit ({} nodes; the gap target was not reached)", s.max_nodes),
            Stop::TimeLimit => "THE WALL-CLOCK SAFETY NET (not reproducible)".to_string(),
            Stop::Failed => "a solver failure (the starting plan was kept)".to_string(),
        }
    );
    let _ = writeln!(
        o,
        "Model: {} planning periods over {} days; {} columns, {} rows, {} binaries.",
        s.periods, s.days, s.columns, s.rows, s.binaries
    );
    let _ = writeln!(
        o,
        "Planned outcome (the programme's expected values): {} of {} personnel left at the deadline; {:.1} expected casualties; US$ {} of equipment disposed of or left; {:.2} expected handover failures.",
        thousands(p.personnel_left),
        thousands(p.personnel_total),
        p.expected_casualties,
        thousands(p.value_left_usd),
        p.handover_failures
    );
    if let Some(c) = &p.check {
        o.push_str(&check_summary(p, c));
    }
    if !p.kept_open.is_empty() {
        let _ = writeln!(
            o,
            "Kept open by decision: {} ({} guards and rear parties stay; not counted as left).",
            p.kept_open.join(", "),
            thousands(p.personnel_kept)
        );
    }
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
        "\nConvoys (serial, from -> to, fleet, first and last departure, whole convoys x trucks per convoy, people, load units, expected casualties; escorts are not modelled):"
    );
    for l in &p.road {
        let _ = writeln!(
            o,
            "  {} {:<16} -> {:<16} {:<14} {} .. {}  {:>3} x {:>3}  {:>6} people  {:>6} load  {:.2}",
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
                "  {} {:<16} -> {:<12} {:<14} {} .. {}  {:>2}/day  {:>6} sorties  {:>6} people  {:>5} load",
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
