//! `drawdown check`: validate a scenario and summarise it.
//!
//! Exit status 0 when the scenario is valid (warnings allowed), 1 on any
//! error. `--format json` prints the same summary, or the diagnostics, as one
//! JSON object on stdout.

use std::fmt::Write as _;
use std::process::ExitCode;

use drawdown_model::{Diagnostic, EquipmentClass, Loaded, Mode, Role, Scenario, SiteKind, Source};
use serde::Serialize;
use serde_json::json;

use crate::diagnostics::location;
use drawdown_model::diag::LineIndex;

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A human-readable summary; diagnostics on stderr.
    Text,
    /// One JSON object on stdout.
    Json,
}

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub scenario: crate::input::ScenarioArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

pub fn run(args: Args) -> ExitCode {
    match args.format {
        Format::Text => match crate::input::load_scenario(&args.scenario) {
            Ok((src, loaded)) => {
                if let Some(d) = limit_diagnostic(&loaded.scenario) {
                    crate::diagnostics::print_diagnostics(&src, &[d]);
                    return ExitCode::from(1);
                }
                crate::out::out!("{}", text(&src, &Summary::of(&loaded.scenario, loaded.warnings.len())));
                ExitCode::SUCCESS
            }
            Err(()) => ExitCode::from(1),
        },
        Format::Json => {
            let (value, ok) = json_report(&args.scenario);
            crate::out::outln!("{}", serde_json::to_string_pretty(&value).unwrap_or_else(|_| "{\"ok\": false}".into()));
            if ok { ExitCode::SUCCESS } else { ExitCode::from(1) }
        }
    }
}

/// A valid scenario the engine would still refuse: the first of its
/// resource limits it exceeds (`drawdown_engine::limits`), as a diagnostic.
fn limit_diagnostic(s: &Scenario) -> Option<Diagnostic> {
    drawdown_engine::limits::check(s).err().map(|e| {
        Diagnostic::error(
            drawdown_model::Path::root(),
            format!("the scenario exceeds the engine's limit on {}: {}", e.what, e.found),
        )
        .expected(format!("at most {}", e.limit))
        .hint(format!("{} (limits: docs/scenario-format.md)", e.hint))
    })
}

/// The JSON object for `--format json`, and whether the scenario is valid.
fn json_report(args: &crate::input::ScenarioArgs) -> (serde_json::Value, bool) {
    match crate::input::load_quiet(args) {
        Ok((src, Loaded { scenario, warnings })) => {
            let lines = LineIndex::new(&src.text);
            if let Some(d) = limit_diagnostic(&scenario) {
                return (json!({ "ok": false, "file": src.name, "diagnostics": [diag_json(&src, &lines, &d)] }), false);
            }
            let summary = Summary::of(&scenario, warnings.len());
            let diags: Vec<_> = warnings.iter().map(|d| diag_json(&src, &lines, d)).collect();
            let mut v = serde_json::to_value(&summary).unwrap_or_default();
            if let Some(o) = v.as_object_mut() {
                o.insert("ok".into(), true.into());
                o.insert("file".into(), src.name.clone().into());
                o.insert("diagnostics".into(), diags.into());
            }
            (v, true)
        }
        Err(f) => {
            let lines = LineIndex::new(&f.source.text);
            let diags: Vec<_> = f.diagnostics.iter().map(|d| diag_json(&f.source, &lines, d)).collect();
            (json!({ "ok": false, "file": f.source.name, "diagnostics": diags }), false)
        }
    }
}

fn diag_json(src: &Source, lines: &LineIndex, d: &Diagnostic) -> serde_json::Value {
    let (lc, _) = location(src, lines, d);
    let mut v = json!({
        "severity": d.severity.word(),
        "message": d.message,
        "file": src.name,
        "line": lc.map(|x| x.0),
        "column": lc.map(|x| x.1),
        "field": d.field.to_string(),
        "expected": d.expected,
        "hint": d.hint,
    });
    // From a workbook or CSV folder: the sheet, row and cell as well.
    if let Some(at) = src.cells.as_ref().and_then(|c| c.find(&d.field))
        && let Some(o) = v.as_object_mut()
    {
        o.insert("sheet".into(), at.sheet.clone().into());
        o.insert("row".into(), at.row.into());
        let cell = at.column.as_ref().map(|(c, _)| format!("{}{}", drawdown_model::sheets::column_letters(*c), at.row));
        o.insert("cell".into(), cell.into());
    }
    v
}

// ---- the summary -------------------------------------------------------------

#[derive(Serialize)]
struct Summary {
    scenario: MetaSummary,
    sites: SiteSummary,
    links: LinkSummary,
    corridors: Vec<CorridorSummary>,
    personnel: PersonnelSummary,
    equipment: EquipmentSummary,
    fleets: FleetSummary,
    aircraft: AircraftSummary,
    policy: PolicySummary,
    plan: PlanSummary,
    warnings: usize,
}

#[derive(Serialize)]
struct MetaSummary {
    id: String,
    name: String,
    start: String,
    deadline: String,
    horizon: Option<String>,
    /// Days from the start to the deadline.
    days: i64,
}

#[derive(Serialize)]
struct SiteSummary {
    total: usize,
    /// Sites per kind, in the order kinds are declared.
    #[serde(serialize_with = "as_map")]
    by_kind: Vec<(&'static str, u64)>,
    airfields: usize,
    exits: usize,
    bases: usize,
    /// Bases the plan closes.
    to_close: usize,
}

#[derive(Serialize)]
struct LinkSummary {
    count: usize,
    km: f64,
}

#[derive(Serialize)]
struct CorridorSummary {
    id: String,
    name: String,
    closed: Vec<WindowSummary>,
}

#[derive(Serialize)]
struct WindowSummary {
    from: String,
    to: Option<String>,
}

#[derive(Serialize)]
struct PersonnelSummary {
    total: u64,
    #[serde(serialize_with = "as_map")]
    by_role: Vec<(&'static str, u64)>,
    by_site: Vec<SitePersonnel>,
}

#[derive(Serialize)]
struct SitePersonnel {
    site: String,
    non_essential: u64,
    essential: u64,
    guard: u64,
    rear_party: u64,
    total: u64,
}

#[derive(Serialize)]
struct EquipmentSummary {
    /// Self-moving: vehicles and armoured vehicles.
    vehicles: u64,
    containers: u64,
    other: u64,
    total: u64,
}

#[derive(Serialize)]
struct FleetSummary {
    count: usize,
    trucks: u64,
    /// Load units all trucks together carry in one trip.
    capacity: f64,
}

#[derive(Serialize)]
struct AircraftSummary {
    fleets: usize,
    aircraft: u64,
    /// Seats of all aircraft together in one sortie.
    seats: u64,
}

#[derive(Serialize)]
struct PolicySummary {
    customs_holds: usize,
    import_bans: usize,
    clearance_periods: usize,
    permit_periods: usize,
}

#[derive(Serialize)]
struct PlanSummary {
    closures: Vec<ClosureSummary>,
    lines: LineSummary,
}

#[derive(Serialize)]
struct ClosureSummary {
    site: String,
    date: String,
    to: String,
}

#[derive(Serialize)]
struct LineSummary {
    total: usize,
    road: usize,
    air: usize,
}

const KINDS: [(SiteKind, &str); 9] = [
    (SiteKind::Hq, "hq"),
    (SiteKind::Hub, "hub"),
    (SiteKind::Camp, "camp"),
    (SiteKind::TemporaryBase, "temporary_base"),
    (SiteKind::Airfield, "airfield"),
    (SiteKind::Waypoint, "waypoint"),
    (SiteKind::Seaport, "seaport"),
    (SiteKind::BorderCrossing, "border_crossing"),
    (SiteKind::Abroad, "abroad"),
];

impl Summary {
    fn of(s: &Scenario, warnings: usize) -> Summary {
        let m = &s.scenario;
        let by_kind = KINDS
            .iter()
            .map(|&(k, name)| (name, s.sites.iter().filter(|x| x.kind == k).count() as u64))
            .filter(|x| x.1 > 0)
            .collect();
        let bases: Vec<&str> = s.sites.iter().filter(|x| x.kind.is_base()).map(|x| x.id.as_str()).collect();
        let mut closed: Vec<&str> =
            s.plan.closures.iter().map(|c| c.site.as_str()).filter(|id| bases.contains(id)).collect();
        closed.sort_unstable();
        closed.dedup();

        let mut by_site: Vec<SitePersonnel> = Vec::new();
        for g in &s.personnel {
            let i = match by_site.iter().position(|x| x.site == g.site) {
                Some(i) => i,
                None => {
                    by_site.push(SitePersonnel {
                        site: g.site.clone(),
                        non_essential: 0,
                        essential: 0,
                        guard: 0,
                        rear_party: 0,
                        total: 0,
                    });
                    by_site.len() - 1
                }
            };
            let row = &mut by_site[i];
            let n = g.count.value as u64;
            match g.role {
                Role::NonEssential => row.non_essential += n,
                Role::Essential => row.essential += n,
                Role::Guard => row.guard += n,
                Role::RearParty => row.rear_party += n,
            }
            row.total += n;
        }
        let by_role = Role::ALL
            .iter()
            .map(|&r| (r.as_str(), s.personnel.iter().filter(|g| g.role == r).map(|g| g.count.value as u64).sum()))
            .collect();

        let items = |f: &dyn Fn(EquipmentClass) -> bool| -> u64 {
            s.equipment.iter().filter(|e| f(e.class)).map(|e| e.count.value as u64).sum()
        };
        let vehicles = items(&|c| c.self_moving());
        let containers = items(&|c| c == EquipmentClass::Container);
        let total_items = items(&|_| true);

        let date = |d: drawdown_model::Date| d.to_string();
        Summary {
            scenario: MetaSummary {
                id: m.id.clone(),
                name: m.name.clone(),
                start: date(m.start),
                deadline: date(m.deadline),
                horizon: m.horizon.map(date),
                days: m.deadline.days_since(m.start),
            },
            sites: SiteSummary {
                total: s.sites.len(),
                by_kind,
                airfields: s.sites.iter().filter(|x| x.airfield).count(),
                exits: s.sites.iter().filter(|x| x.kind.is_exit()).count(),
                bases: bases.len(),
                to_close: closed.len(),
            },
            // `+ 0.0` turns the empty sum's -0.0 into 0.
            links: LinkSummary { count: s.links.len(), km: s.links.iter().map(|l| l.km.value).sum::<f64>() + 0.0 },
            corridors: s
                .corridors
                .iter()
                .map(|c| CorridorSummary {
                    id: c.id.clone(),
                    name: c.name.clone(),
                    closed: c.closed.iter().map(|w| WindowSummary { from: date(w.from), to: w.to.map(date) }).collect(),
                })
                .collect(),
            personnel: PersonnelSummary { total: by_site.iter().map(|r| r.total).sum(), by_role, by_site },
            equipment: EquipmentSummary {
                vehicles,
                containers,
                other: total_items - vehicles - containers,
                total: total_items,
            },
            fleets: FleetSummary {
                count: s.fleets.len(),
                trucks: s.fleets.iter().map(|f| f.trucks.value as u64).sum(),
                capacity: s.fleets.iter().map(|f| f.trucks.value as f64 * f.capacity.value).sum::<f64>() + 0.0,
            },
            aircraft: AircraftSummary {
                fleets: s.aircraft.len(),
                aircraft: s.aircraft.iter().map(|a| a.count.value as u64).sum(),
                seats: s.aircraft.iter().map(|a| a.count.value as u64 * a.seats.value as u64).sum(),
            },
            policy: PolicySummary {
                customs_holds: s.policy.customs_hold.len(),
                import_bans: s.policy.import_ban.len(),
                clearance_periods: s.policy.clearance.len(),
                permit_periods: s.policy.permit.len(),
            },
            plan: PlanSummary {
                closures: s
                    .plan
                    .closures
                    .iter()
                    .map(|c| ClosureSummary { site: c.site.clone(), date: date(c.date), to: c.to.clone() })
                    .collect(),
                lines: LineSummary {
                    total: s.plan.lines.len(),
                    road: s.plan.lines.iter().filter(|l| l.mode == Mode::Road).count(),
                    air: s.plan.lines.iter().filter(|l| l.mode == Mode::Air).count(),
                },
            },
            warnings,
        }
    }
}

fn plural(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{} {}", th(n), if n == 1 { one } else { many })
}

/// A count as every command prints one: 13,871.
fn th(n: impl Into<u64>) -> String {
    crate::table::group_thousands(i64::try_from(n.into()).unwrap_or(i64::MAX))
}

fn kinds(list: &[(&str, u64)]) -> String {
    list.iter().map(|(k, v)| format!("{} {k}", th(*v))).collect::<Vec<_>>().join(", ")
}

/// Serialises `[(name, n)]` as a JSON object `{ name: n }`.
fn as_map<S: serde::Serializer>(list: &[(&'static str, u64)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(list.iter().map(|(k, v)| (*k, *v)))
}

/// The human-readable summary.
fn text(src: &Source, s: &Summary) -> String {
    let mut o = String::new();
    let m = &s.scenario;
    let _ = writeln!(o, "scenario   {} — {}", m.id, m.name);
    let _ = writeln!(o, "file       {}", src.name);
    let horizon = m.horizon.as_ref().map(|h| format!(", horizon {h}")).unwrap_or_default();
    let _ = writeln!(
        o,
        "period     {} → {} ({}{horizon})",
        m.start,
        m.deadline,
        plural(m.days.max(0) as u64, "day", "days")
    );
    let st = &s.sites;
    let _ = writeln!(
        o,
        "sites      {}: {} ({} to close of {}; {}, {})",
        st.total,
        kinds(&st.by_kind),
        st.to_close,
        plural(st.bases as u64, "base", "bases"),
        plural(st.airfields as u64, "airfield", "airfields"),
        plural(st.exits as u64, "exit", "exits"),
    );
    let _ = writeln!(
        o,
        "links      {}, {} km in total",
        s.links.count,
        crate::table::group_thousands(s.links.km.round() as i64)
    );
    if s.corridors.is_empty() {
        let _ = writeln!(o, "corridors  none");
    } else {
        let _ = writeln!(o, "corridors  {}", s.corridors.len());
        for c in &s.corridors {
            let closed = if c.closed.is_empty() {
                "never closed".to_string()
            } else {
                let w: Vec<String> = c
                    .closed
                    .iter()
                    .map(|w| format!("{} → {}", w.from, w.to.as_deref().unwrap_or("further notice")))
                    .collect();
                format!("closed {}", w.join(", "))
            };
            let name = if c.name.is_empty() { String::new() } else { format!(" ({})", c.name) };
            let _ = writeln!(o, "  {}{name}: {closed}", c.id);
        }
    }
    let p = &s.personnel;
    let roles: Vec<String> = p.by_role.iter().map(|(k, v)| format!("{k} {}", th(*v))).collect();
    let _ = writeln!(o, "personnel  {} ({})", th(p.total), roles.join(", "));
    if !p.by_site.is_empty() {
        let w = p.by_site.iter().map(|r| r.site.chars().count()).max().unwrap_or(4).max(4);
        let _ = writeln!(
            o,
            "  {:<w$}  {:>13}  {:>9}  {:>6}  {:>10}  {:>7}",
            "site", "non_essential", "essential", "guard", "rear_party", "total"
        );
        for r in &p.by_site {
            let _ = writeln!(
                o,
                "  {:<w$}  {:>13}  {:>9}  {:>6}  {:>10}  {:>7}",
                r.site,
                th(r.non_essential),
                th(r.essential),
                th(r.guard),
                th(r.rear_party),
                th(r.total)
            );
        }
    }
    let e = &s.equipment;
    let _ = writeln!(
        o,
        "equipment  {} vehicles, {} containers, {} other ({} items)",
        th(e.vehicles),
        th(e.containers),
        th(e.other),
        th(e.total)
    );
    let f = &s.fleets;
    let _ = writeln!(
        o,
        "fleets     {}: {}, {} load units per trip",
        plural(f.count as u64, "truck fleet", "truck fleets"),
        plural(f.trucks, "truck", "trucks"),
        crate::table::num(f.capacity)
    );
    let a = &s.aircraft;
    let _ = writeln!(
        o,
        "aircraft   {}: {}, {} seats per wave",
        plural(a.fleets as u64, "fleet", "fleets"),
        plural(a.aircraft, "aircraft", "aircraft"),
        crate::table::num(a.seats as f64)
    );
    let pol = &s.policy;
    let _ = writeln!(
        o,
        "policy     {}, {}, {}, {}",
        plural(pol.customs_holds as u64, "customs hold", "customs holds"),
        plural(pol.import_bans as u64, "import ban", "import bans"),
        plural(pol.clearance_periods as u64, "clearance period", "clearance periods"),
        plural(pol.permit_periods as u64, "permit period", "permit periods"),
    );
    let pl = &s.plan;
    let _ = writeln!(
        o,
        "plan       {}, {} ({} road, {} air)",
        plural(pl.closures.len() as u64, "closure", "closures"),
        plural(pl.lines.total as u64, "line", "lines"),
        pl.lines.road,
        pl.lines.air
    );
    for c in &pl.closures {
        let _ = writeln!(o, "  close {} on {} → {}", c.site, c.date, c.to);
    }
    let _ = writeln!(o, "warnings   {}", s.warnings);
    let _ = writeln!(o, "ok: {} is valid", src.name);
    o
}
