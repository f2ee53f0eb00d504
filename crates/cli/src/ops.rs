//! `drawdown log` (record actual events in the operations log, validated
//! against the scenario) and `drawdown status` (plan versus actual).

// A rejected event is the model's diagnostic, large but only on the path of
// reporting bad input (as in the model and ops crates).
#![allow(clippy::result_large_err)]

use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use drawdown_model::state::SiteState;
use drawdown_model::{Date, Scenario};
use drawdown_ops::{
    EventKind, Gap, LoggedEvent, NewEvent, Recorded, Rejection, Status, Store, StoreError, format_at, short_at,
};

use crate::input::{Format, RunArgs, ScenarioArgs};

/// Where events are stored, which scenario they are about, and who records them.
#[derive(clap::Args, Clone, Debug)]
pub struct Common {
    /// The store: a SQLite file (created on first use), `sqlite:PATH`, or `postgres://USER@HOST[:PORT]/DB`.
    #[arg(long, value_name = "URL", default_value = "drawdown.db")]
    pub db: String,
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Who records the event (default: $USER or $LOGNAME).
    #[arg(long, value_name = "NAME")]
    pub by: Option<String>,
}

/// When it happened, and an optional note.
#[derive(clap::Args, Clone, Debug)]
pub struct When {
    /// When it happened: a date (2023-10-31) or a UTC date-time (2023-10-31T06:30).
    #[arg(long, value_name = "DATE")]
    pub at: String,
    /// A free-text note.
    #[arg(long)]
    pub note: Option<String>,
    /// The event's identity, yours to choose (default: its content key, from
    /// its kind, fields and time): the same event again is not logged twice.
    #[arg(long, value_name = "KEY")]
    pub key: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

#[derive(clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct LogArgs {
    #[command(subcommand)]
    kind: Option<LogCommand>,
    #[command(flatten)]
    common: Common,
    /// Record events given as JSON: one object, or an array of objects
    /// (`{"kind": "site_closed", "site": "kidal", "at": "2023-10-31"}`).
    #[arg(long, value_name = "JSON", conflicts_with_all = ["events_file", "list"])]
    json: Option<String>,
    /// Record the events of a JSON Lines file (one object a line; blank lines and `#` comments skipped).
    #[arg(long = "file", value_name = "FILE", conflicts_with = "list")]
    events_file: Option<PathBuf>,
    /// Print the log.
    #[arg(long)]
    list: bool,
    /// Output format of `--list`.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Subcommand)]
enum LogCommand {
    #[command(flatten)]
    Record(Record),
    /// Print the log (the same as `--list`).
    List {
        #[command(flatten)]
        common: Common,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

/// `drawdown log KIND --field ...`: one subcommand per kind of event, with
/// the kind's fields as options. The kinds and their fields are the ops
/// crate's `EventKind` (its clap derive); each subcommand also takes when it
/// happened and where to store it (`When`).
struct Record {
    kind: EventKind,
    when: When,
}

impl clap::FromArgMatches for Record {
    fn from_arg_matches(m: &clap::ArgMatches) -> Result<Self, clap::Error> {
        let Some((name, sub)) = m.subcommand() else {
            return Err(clap::Error::new(clap::error::ErrorKind::MissingSubcommand));
        };
        // An option both define (`--from`) is the event's: `When` reads without it.
        let mut rest = sub.clone();
        for id in shared_ids(name) {
            rest.try_clear_id(&id).map_err(|e| clap::Error::raw(clap::error::ErrorKind::ArgumentConflict, e))?;
        }
        Ok(Record { when: When::from_arg_matches(&rest)?, kind: EventKind::from_arg_matches(m)? })
    }

    fn update_from_arg_matches(&mut self, m: &clap::ArgMatches) -> Result<(), clap::Error> {
        *self = Record::from_arg_matches(m)?;
        Ok(())
    }
}

impl clap::Subcommand for Record {
    fn augment_subcommands(cmd: clap::Command) -> clap::Command {
        with_when(EventKind::augment_subcommands(cmd))
    }

    fn augment_subcommands_for_update(cmd: clap::Command) -> clap::Command {
        with_when(EventKind::augment_subcommands_for_update(cmd))
    }

    fn has_subcommand(name: &str) -> bool {
        EventKind::has_subcommand(name)
    }
}

fn arg_ids(cmd: &clap::Command) -> Vec<String> {
    cmd.get_arguments().map(|a| a.get_id().to_string()).collect()
}

/// The ids of the options an event kind's subcommand and `When` both define.
fn shared_ids(kind: &str) -> Vec<String> {
    let when = arg_ids(&When::augment_args(clap::Command::new("when")));
    let kinds = EventKind::augment_subcommands(clap::Command::new("log"));
    kinds.find_subcommand(kind).map(arg_ids).unwrap_or_default().into_iter().filter(|id| when.contains(id)).collect()
}

/// Adds `When`'s options to every event kind's subcommand, but for those the
/// kind defines itself (a convoy's `--from` is where it left, not the
/// scenario's start date), keeping the kind's own help.
fn with_when(cmd: clap::Command) -> clap::Command {
    let kinds: Vec<String> =
        cmd.get_subcommands().map(|c| c.get_name().to_string()).filter(|n| EventKind::has_subcommand(n)).collect();
    let when = When::augment_args(clap::Command::new("when"));
    kinds.iter().fold(cmd, |cmd, name| {
        cmd.mut_subcommand(name, |sub| {
            let own = arg_ids(&sub);
            // Listed after the kind's own options, in `When`'s order.
            let added: Vec<clap::Arg> = when
                .get_arguments()
                .filter(|a| !own.contains(&a.get_id().to_string()))
                .enumerate()
                .map(|(i, a)| a.clone().display_order(own.len() + i))
                .collect();
            sub.args(added)
        })
    })
}

/// Runs the store's async calls on a runtime of this thread.
fn block_on<F: Future>(f: F) -> Result<F::Output, ()> {
    match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => Ok(rt.block_on(f)),
        Err(e) => {
            eprintln!("error: cannot start the I/O runtime: {e}");
            Err(())
        }
    }
}

fn print_rejection(prefix: &str, r: &Rejection) {
    eprintln!("error: {prefix}{}: {}", r.field, r.message);
    if let Some(h) = &r.hint {
        eprintln!("  hint: {h}");
    }
}

fn print_store_error(e: &StoreError) {
    match e {
        StoreError::Invalid(r) => print_rejection("", r),
        e => eprintln!("error: {e}"),
    }
}

/// The scenario to log under: (its id, its text, the parsed model). Only
/// errors are printed: warnings are `drawdown check`'s business.
fn scenario(args: &ScenarioArgs) -> Result<(String, String, Scenario), ()> {
    match crate::input::load_quiet(args) {
        Ok((src, loaded)) => Ok((loaded.scenario.scenario.id.clone(), src.text.clone(), loaded.scenario)),
        Err(f) => {
            crate::diagnostics::print_diagnostics(&f.source, &f.diagnostics);
            Err(())
        }
    }
}

fn recorder(by: &Option<String>) -> String {
    by.clone().unwrap_or_else(|| {
        ["USER", "LOGNAME"]
            .iter()
            .find_map(|v| std::env::var(v).ok().filter(|s| !s.trim().is_empty()))
            .unwrap_or_default()
    })
}

/// Events to record, each with the label of where it came from.
type Batch = Vec<(String, Result<NewEvent, Rejection>)>;

/// For a command line that did not parse: when it is `drawdown log WORD …`
/// and WORD is no event kind (nor a file), what to say instead of clap's
/// complaint about a file argument: the kinds, and the nearest one.
pub fn misspelt_kind(argv: &[String]) -> Option<String> {
    let (cmd, word) = (argv.get(1)?, argv.get(2)?);
    if cmd != "log" || word.starts_with('-') || word.contains('.') || std::path::Path::new(word).exists() {
        return None;
    }
    let log = LogArgs::augment_args(clap::Command::new("log"));
    let commands: Vec<String> = log.get_subcommands().map(|c| c.get_name().to_string()).collect();
    if commands.iter().any(|k| k == word) {
        return None;
    }
    let kinds: Vec<&String> = commands.iter().filter(|k| !matches!(k.as_str(), "list" | "help")).collect();
    let guess = drawdown_model::diag::did_you_mean(&word.replace('_', "-"), kinds.iter().map(|k| k.as_str()))
        .map(|g| format!("; {g}"))
        .unwrap_or_default();
    Some(format!(
        "`{word}` is not an event kind{guess}\n  hint: the kinds are {} (`drawdown log KIND --help`)",
        kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ")
    ))
}

pub fn log(args: LogArgs) -> ExitCode {
    let (common, events): (Common, Batch) = match args.kind {
        Some(LogCommand::Record(Record { kind, when })) => {
            let ev =
                NewEvent { at: when.at, kind, recorded_by: recorder(&when.common.by), note: when.note, key: when.key };
            (when.common, vec![(String::new(), Ok(ev))])
        }
        Some(LogCommand::List { common, format }) => return list(&common, format),
        None if args.list => return list(&args.common, args.format),
        None => {
            let by = recorder(&args.common.by);
            let batch = match (&args.json, &args.events_file) {
                (Some(text), _) => from_json_text(text, &by),
                (None, Some(path)) => match std::fs::read_to_string(path) {
                    Ok(text) => from_lines(&text, &path.display().to_string(), &by),
                    Err(e) => {
                        eprintln!("error: cannot read {}: {e}", path.display());
                        return ExitCode::from(1);
                    }
                },
                (None, None) => {
                    eprintln!(
                        "error: say what to record: `drawdown log KIND ...`, `--json '{{...}}'`, `--file events.jsonl`, or `--list`"
                    );
                    eprintln!(
                        "  hint: kinds: {}; `drawdown log KIND --help` shows the fields",
                        EventKind::names().join(", ").replace('_', "-")
                    );
                    return ExitCode::from(2);
                }
            };
            (args.common, batch)
        }
    };
    let Ok((name, text, model)) = scenario(&common.scenario) else {
        return ExitCode::from(1);
    };
    let run = async {
        let store = Store::open(&common.db).await.inspect_err(print_store_error).map_err(|_| ())?;
        let (mut failed, mut already) = (0, 0);
        for (place, ev) in &events {
            // The scenario's text is stored (versioned) with the event, in its transaction.
            let outcome = match ev {
                Ok(ev) => store.submit(&name, &model, Some(&text), ev).await,
                Err(r) => Err(StoreError::Invalid(r.clone())),
            };
            match outcome {
                Ok(Recorded::New(e)) => crate::out::outln!(
                    "logged #{} {} {} at {} by {}",
                    e.id,
                    e.kind.name(),
                    e.kind.describe(),
                    format_at(e.at),
                    e.recorded_by
                ),
                Ok(Recorded::Already(e)) => {
                    already += 1;
                    crate::out::outln!(
                        "{place}already logged as #{} {} {} at {} (not logged again)",
                        e.id,
                        e.kind.name(),
                        e.kind.describe(),
                        format_at(e.at)
                    );
                }
                Err(StoreError::Invalid(mut r)) => {
                    if r.field.to_string() == "recorded_by" && r.hint.is_none() {
                        r.hint = Some("give --by NAME (default: $USER or $LOGNAME)".into());
                    }
                    print_rejection(place, &r);
                    failed += 1;
                }
                Err(e) => {
                    eprintln!("error: {place}{e}");
                    failed += 1;
                }
            }
        }
        store.close().await;
        if failed > 0 && events.len() > 1 {
            let others = if already > 0 {
                format!("; of the others, {already} were logged before and the rest now")
            } else {
                "; the others were logged".into()
            };
            eprintln!("{failed} of {} event(s) rejected{others}", events.len());
        }
        if failed > 0 { Err(()) } else { Ok(()) }
    };
    match block_on(run) {
        Ok(Ok(())) => ExitCode::SUCCESS,
        _ => ExitCode::from(1),
    }
}

/// Fills in `recorded_by` when the JSON leaves it out.
fn event_from_value(mut v: serde_json::Value, by: &str) -> Result<NewEvent, Rejection> {
    if let Some(o) = v.as_object_mut() {
        o.entry("recorded_by").or_insert_with(|| by.into());
    }
    NewEvent::from_json(v)
}

fn from_json_text(text: &str, by: &str) -> Vec<(String, Result<NewEvent, Rejection>)> {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Array(items)) => {
            items.into_iter().enumerate().map(|(i, v)| (format!("item {}: ", i + 1), event_from_value(v, by))).collect()
        }
        Ok(v) => vec![(String::new(), event_from_value(v, by))],
        Err(e) => vec![(String::new(), Err(Rejection::error("json", e.to_string())))],
    }
}

fn from_lines(text: &str, file: &str, by: &str) -> Vec<(String, Result<NewEvent, Rejection>)> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(|(i, l)| {
            let place = format!("{file}:{}: ", i + 1);
            let ev = serde_json::from_str::<serde_json::Value>(l)
                .map_err(|e| Rejection::error("json", e.to_string()))
                .and_then(|v| event_from_value(v, by));
            (place, ev)
        })
        .collect()
}

/// Opens the store for reading: a SQLite file must already exist.
async fn open_existing(db: &str) -> Result<Store, ()> {
    let is_file = !db.starts_with("postgres://") && !db.starts_with("postgresql://");
    let path = db.strip_prefix("sqlite://").or_else(|| db.strip_prefix("sqlite:")).unwrap_or(db);
    if is_file && !Path::new(path).exists() {
        eprintln!("error: no store at `{path}`");
        eprintln!("  hint: record events with `drawdown log` first, or give --db URL");
        return Err(());
    }
    Store::open(db).await.inspect_err(print_store_error).map_err(|_| ())
}

/// The whole log of a scenario from an existing store (errors printed).
fn read_log(db: &str, name: &str) -> Result<Vec<drawdown_ops::LoggedEvent>, ()> {
    let run = async {
        let store = open_existing(db).await?;
        let events = store.events(name, None, i64::MAX).await.inspect_err(print_store_error).map_err(|_| ())?;
        store.close().await;
        Ok::<_, ()>(events)
    };
    block_on(run).and_then(|r| r)
}

fn list(common: &Common, format: Format) -> ExitCode {
    let Ok((name, _, _)) = scenario(&common.scenario) else {
        return ExitCode::from(1);
    };
    let Ok(events) = read_log(&common.db, &name) else {
        return ExitCode::from(1);
    };
    match format {
        Format::Json => crate::out::outln!("{}", serde_json::to_string_pretty(&events).expect("events serialise")),
        Format::Table => crate::out::out!("{}", log_table(&name, &events)),
    }
    ExitCode::SUCCESS
}

/// Left-aligned columns separated by two spaces.
fn columns(rows: &[Vec<String>]) -> String {
    let n = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> =
        (0..n).map(|i| rows.iter().filter_map(|r| r.get(i)).map(|c| c.chars().count()).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for r in rows {
        let line: Vec<String> = r.iter().enumerate().map(|(i, c)| format!("{c:<w$}", w = widths[i])).collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}

fn log_table(name: &str, events: &[LoggedEvent]) -> String {
    if events.is_empty() {
        return format!("{name}: no events logged\n");
    }
    let mut rows = vec![["id", "at", "kind", "what", "recorded by", "note"].map(String::from).to_vec()];
    for e in events {
        rows.push(vec![
            e.id.to_string(),
            short_at(e.at),
            e.kind.name().into(),
            e.kind.describe(),
            e.recorded_by.clone(),
            e.note.clone().unwrap_or_default(),
        ]);
    }
    format!("{name}: {} event(s)\n\n{}", events.len(), columns(&rows))
}

#[derive(clap::Args)]
pub struct StatusArgs {
    /// The store: a SQLite file, `sqlite:PATH`, or `postgres://USER@HOST[:PORT]/DB`.
    #[arg(long, value_name = "URL", default_value = "drawdown.db")]
    db: String,
    #[command(flatten)]
    scenario: ScenarioArgs,
    /// The day to report on (default: the day of the latest logged event, else the scenario's start).
    #[arg(long, value_name = "DATE", value_parser = crate::input::parse_date)]
    today: Option<Date>,
    /// Replications of the plan behind the expected figures (0: none).
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(0..=100_000))]
    runs: u64,
    /// Also write the state at the end of `today`, derived from the log, for
    /// `drawdown plan --state FILE` (re-planning from what has happened).
    #[arg(long, value_name = "FILE")]
    state_out: Option<std::path::PathBuf>,
    #[command(flatten)]
    run: RunArgs,
}

pub fn status(args: StatusArgs) -> ExitCode {
    let Ok((name, _, model)) = scenario(&args.scenario) else {
        return ExitCode::from(1);
    };
    let Ok(events) = read_log(&args.db, &name) else {
        return ExitCode::from(1);
    };
    let today = args.today.unwrap_or_else(|| events.iter().map(LoggedEvent::day).max().unwrap_or(model.scenario.start));
    if let Err(r) = drawdown_ops::check_today(&model, today) {
        print_rejection("--", &r);
        return ExitCode::from(1);
    }
    let summary = if args.runs > 0 {
        let Ok(world) = crate::input::compile(&model) else {
            return ExitCode::from(1);
        };
        match drawdown_engine::run_monte_carlo(&world, args.runs, args.run.seed, args.run.threads, &|_| {}) {
            Ok(s) => Some(s),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(1);
            }
        }
    } else {
        None
    };
    let st = drawdown_ops::status(&model, &events, today, summary.as_ref());
    if let Some(path) = &args.state_out {
        let (state, notes) = drawdown_ops::state_from_log(&model, &events, today);
        let text = match toml::to_string(&state) {
            Ok(t) => {
                format!(
                    "# The state at the end of {today} from the operations log of `{name}`; re-plan with\n#   drawdown plan --state {}\n{}",
                    path.display(),
                    notes.iter().map(|n| format!("# note: {n}\n")).collect::<String>()
                ) + &t
            }
            Err(e) => {
                eprintln!("error: the state could not be written as TOML: {e}");
                return ExitCode::from(1);
            }
        };
        if let Err(e) = crate::atomic::write_atomic(path, text.as_bytes()) {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
        eprintln!(
            "wrote {} (the state as of {}: {} closed, {} people still in the country)",
            path.display(),
            state.as_of,
            state.closed.len(),
            state.personnel.iter().map(|g| u64::from(g.count.value)).sum::<u64>()
        );
    }
    match args.run.format {
        Format::Json => crate::out::outln!("{}", serde_json::to_string_pretty(&st).expect("status serialises")),
        Format::Table => crate::out::out!("{}", status_table(&model, &st)),
    }
    ExitCode::SUCCESS
}

fn thousands(n: u64) -> String {
    crate::table::group_thousands(i64::try_from(n).unwrap_or(i64::MAX))
}

fn status_table(model: &Scenario, st: &Status) -> String {
    let mut out = format!(
        "{} ({}): status on {} ({} days to the deadline {}), {} event(s) logged\n{}\n\n",
        model.scenario.name, st.scenario, st.today, st.days_to_deadline, st.deadline, st.events, st.verdict
    );
    let mut rows = vec![["site", "planned", "actual", "state", "gap"].map(String::from).to_vec()];
    for r in &st.sites {
        let days = r.days_late.unwrap_or(0);
        let gap = match r.flag {
            Gap::Late => format!("{days} d late"),
            Gap::Early => format!("{} d early", -days),
            Gap::Overdue => format!("OVERDUE {days} d"),
            Gap::OnTime => "on time".into(),
            Gap::Due => "due".into(),
            Gap::Unplanned => "not in the plan".into(),
        };
        let state = match r.state {
            SiteState::Open => "open",
            SiteState::Closed => "closed",
            SiteState::HandedOver => "handed over",
            SiteState::Seized => "seized",
        };
        let state = match &r.taken_by {
            Some(who) => format!("{state} ({who})"),
            None => state.to_string(),
        };
        rows.push(vec![
            r.site.clone(),
            r.planned.map_or("-".into(), |d| d.to_string()),
            r.closed_at.map_or("-".into(), |t| t.date_naive().to_string()),
            state,
            gap,
        ]);
    }
    out.push_str(&columns(&rows));
    let c = &st.closures;
    out.push_str(&format!(
        "\nClosures: {} done, {} planned by today{}\n",
        c.actual,
        c.planned,
        c.expected_median.map_or(String::new(), |m| format!(" (simulated median {m})"))
    ));
    out.push_str(&format!(
        "Convoys: {} in transit, {} arrived\n",
        st.convoys.in_transit.len(),
        st.convoys.arrived.len()
    ));
    for cv in &st.convoys.in_transit {
        out.push_str(&format!(
            "  {} {} → {}: {} trucks, {} personnel, departed {} ({} d)\n",
            cv.convoy,
            cv.from,
            cv.to,
            cv.trucks,
            cv.personnel,
            cv.departed.date_naive(),
            cv.days
        ));
    }
    let f = &st.flights;
    out.push_str(&format!(
        "Flights: {} departed, {} personnel, {} cargo\n",
        f.count,
        thousands(f.personnel),
        thousands(f.cargo)
    ));
    for fl in &f.departed {
        out.push_str(&format!(
            "  {} {} → {}: {} personnel, {} cargo, departed {}{}\n",
            fl.flight,
            fl.from,
            fl.to,
            fl.personnel,
            fl.cargo,
            fl.departed.date_naive(),
            if fl.out { " (out)" } else { "" }
        ));
    }
    let p = &st.personnel;
    out.push_str(&format!("Personnel out: {} of {}", thousands(p.out), thousands(p.total)));
    if p.out_by_air > 0 {
        out.push_str(&format!(" ({} by air)", thousands(p.out_by_air)));
    }
    if let Some(b) = p.expected {
        out.push_str(&format!(
            " (simulated by today: median {}, 10–90%: {}–{})",
            thousands(b.p50 as u64),
            thousands(b.p10 as u64),
            thousands(b.p90 as u64)
        ));
    }
    out.push_str(&format!("; {} in transit\n", thousands(p.in_transit)));
    let k = &st.casualties;
    out.push_str(&format!(
        "Casualties: {} killed, {} wounded, {} vehicles damaged in {} incident(s)",
        k.killed, k.wounded, k.vehicles_damaged, k.incidents
    ));
    if let (Some(ek), Some(ew)) = (k.expected_killed, k.expected_wounded) {
        out.push_str(&format!(" (simulated over the whole drawdown: mean {ek:.1} killed, {ew:.1} wounded)"));
    }
    out.push('\n');
    let cl = &st.clearances;
    out.push_str(&format!(
        "Clearances: {} requested, {} approved, {} denied, {} pending",
        cl.requested,
        cl.approved,
        cl.denied,
        cl.pending.len()
    ));
    if !cl.pending.is_empty() {
        out.push_str(&format!(" ({})", cl.pending.join(", ")));
    }
    out.push('\n');
    out.push_str(&format!("Trucks held now: {}", st.trucks_held_total));
    if !st.trucks_held.is_empty() {
        let at: Vec<String> = st.trucks_held.iter().map(|h| format!("{} {}", h.site, h.trucks)).collect();
        out.push_str(&format!(" ({})", at.join(", ")));
    }
    out.push('\n');
    if let Some(n) = st.simulated_runs {
        out.push_str(&format!("\nExpected figures: {n} replications of the plan (--runs).\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use clap::{Args, FromArgMatches};
    use drawdown_ops::EventKind;
    use serde_json::json;

    use super::{LogArgs, LogCommand, Record};

    /// `drawdown log ARGS...` as parsed.
    #[test]
    fn a_misspelt_kind_is_named_with_the_nearest_one() {
        let argv = |w: &str| ["drawdown", "log", w, "--convoy", "C-1"].map(String::from).to_vec();
        let msg = super::misspelt_kind(&argv("convoy-depatred")).expect("a kind's typo");
        assert!(msg.contains("did you mean `convoy-departed`?") && msg.contains("site-closed"), "{msg}");
        assert!(!msg.contains("list"), "list is not a kind: {msg}");
        let msg = super::misspelt_kind(&argv("convoy_departed")).expect("underscores are not the CLI's");
        assert!(msg.contains("did you mean `convoy-departed`?"), "{msg}");
        assert!(super::misspelt_kind(&argv("convoy-departed")).is_none(), "a kind");
        assert!(super::misspelt_kind(&argv("events.toml")).is_none(), "a file");
        assert!(super::misspelt_kind(&["drawdown", "simulate", "x"].map(String::from)).is_none());
    }

    fn parse(args: &[&str]) -> Result<LogArgs, clap::Error> {
        let cmd = LogArgs::augment_args(clap::Command::new("log"));
        let m = cmd.try_get_matches_from(std::iter::once("log").chain(args.iter().copied()))?;
        LogArgs::from_arg_matches(&m)
    }

    fn event(args: &[&str]) -> EventKind {
        match parse(args).unwrap_or_else(|e| panic!("{args:?}: {e}")).kind {
            Some(LogCommand::Record(Record { kind, when })) => {
                assert_eq!(when.at, "2023-10-01", "{args:?}");
                kind
            }
            _ => panic!("{args:?} is not an event"),
        }
    }

    #[test]
    fn every_kind_is_a_subcommand_and_reads_as_its_json() {
        let at = ["--at", "2023-10-01"];
        let cases: Vec<(Vec<&str>, serde_json::Value)> = vec![
            (vec!["site-closed", "--site", "kidal"], json!({"kind": "site_closed", "site": "kidal"})),
            (
                vec!["site-handed-over", "--site", "ber"],
                json!({"kind": "site_handed_over", "site": "ber", "to": "state"}),
            ),
            (
                vec!["site-seized", "--site", "kidal", "--by-whom", "militia"],
                json!({"kind": "site_seized", "site": "kidal", "by": "militia"}),
            ),
            (
                vec!["convoy-departed", "--convoy", "C-1", "--from", "kidal", "--to", "gao", "--trucks", "4"],
                json!({"kind": "convoy_departed", "convoy": "C-1", "from": "kidal", "to": "gao", "trucks": 4, "personnel": 0}),
            ),
            (vec!["convoy-arrived", "--convoy", "C-1"], json!({"kind": "convoy_arrived", "convoy": "C-1"})),
            (
                vec!["incident", "--site", "gao", "--what", "ambush", "--killed", "1", "--vehicles-damaged", "2"],
                json!({"kind": "incident", "site": "gao", "what": "ambush", "killed": 1, "wounded": 0, "vehicles_damaged": 2}),
            ),
            (
                vec!["clearance-requested", "--request", "R-1", "--from", "gao", "--to", "bamako"],
                json!({"kind": "clearance_requested", "request": "R-1", "from": "gao", "to": "bamako", "flights": 1}),
            ),
            (vec!["clearance-approved", "--request", "R-1"], json!({"kind": "clearance_approved", "request": "R-1"})),
            (vec!["clearance-denied", "--request", "R-1"], json!({"kind": "clearance_denied", "request": "R-1"})),
            (
                vec!["trucks-held", "--site", "gao", "--trucks", "7"],
                json!({"kind": "trucks_held", "site": "gao", "trucks": 7}),
            ),
            (
                vec!["trucks-released", "--site", "gao", "--trucks", "7"],
                json!({"kind": "trucks_released", "site": "gao", "trucks": 7}),
            ),
            (
                vec!["fuel-held", "--site", "gao", "--litres", "30000"],
                json!({"kind": "fuel_held", "site": "gao", "litres": 30000}),
            ),
            (
                vec!["fuel-released", "--site", "gao", "--litres", "30000"],
                json!({"kind": "fuel_released", "site": "gao", "litres": 30000}),
            ),
            (
                vec![
                    "flight-departed",
                    "--flight",
                    "UN-1",
                    "--from",
                    "gao",
                    "--to",
                    "abroad",
                    "--cargo",
                    "3",
                    "--request",
                    "R-1",
                ],
                json!({"kind": "flight_departed", "flight": "UN-1", "from": "gao", "to": "abroad", "personnel": 0, "cargo": 3, "request": "R-1"}),
            ),
        ];
        let mut seen = Vec::new();
        for (args, expected) in &cases {
            let args: Vec<&str> = args.iter().chain(&at).copied().collect();
            let kind = event(&args);
            assert_eq!(serde_json::to_value(&kind).unwrap(), *expected, "{args:?}");
            assert_eq!(serde_json::from_value::<EventKind>(expected.clone()).unwrap(), kind);
            assert_eq!(args[0].replace('-', "_"), kind.name(), "the subcommand is the kind, with dashes");
            seen.push(kind.name());
        }
        assert_eq!(seen, EventKind::names(), "a case for every kind");
    }

    #[test]
    fn the_options_of_a_kind_and_of_when_do_not_clash() {
        // A convoy's --from is where it left (the scenario's --from, a start date, is not offered here).
        let kind = event(&["convoy-departed", "--convoy", "C", "--from", "kidal", "--to", "gao", "--at", "2023-10-01"]);
        assert!(matches!(kind, EventKind::ConvoyDeparted { ref from, .. } if from == "kidal"), "{kind:?}");
        // The recorder's --by and a seizure's --by-whom, the event's --at and a hold's --site.
        let args = ["site-seized", "--site", "kidal", "--by", "ops1", "--at", "2023-10-01"];
        let Some(LogCommand::Record(r)) = parse(&args).unwrap().kind else { panic!("an event") };
        assert_eq!((r.when.common.by.as_deref(), r.kind.name()), (Some("ops1"), "site_seized"));
        assert!(matches!(r.kind, EventKind::SiteSeized { ref by, .. } if by == "armed_group"));
        assert!(parse(&["site-closed", "--site", "kidal"]).is_err(), "--at is required");
        assert!(parse(&["site-exploded", "--at", "2023-10-01"]).is_err());
        assert!(matches!(parse(&["list"]).unwrap().kind, Some(LogCommand::List { .. })));
    }
}
