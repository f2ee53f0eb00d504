//! Writing a plan: as a `[plan]` section (TOML, with the movement table in
//! comments), as the movement table (CSV) or as everything (JSON).

use std::fmt::Write as _;

use drawdown_model as m;
use serde::Serialize;

use crate::Planned;

/// One row of the movement table (TPFDD-style): what moves, from where,
/// through which port of embarkation, to where, by which mode and when.
#[derive(Debug, Clone, Serialize)]
pub struct Movement {
    pub line: usize,
    pub what: String,
    pub quantity: u64,
    pub unit: &'static str,
    pub origin: String,
    /// Port, airfield or border crossing where the movement leaves the country (empty: within the country).
    pub embarkation: String,
    pub destination: String,
    pub mode: &'static str,
    pub ready: m::Date,
    pub earliest_departure: m::Date,
    pub latest_departure: m::Date,
    /// Convoy serial or flight number.
    pub serial: String,
}

/// The movement table of a plan, one row per thing moved per line.
pub fn movements(p: &Planned) -> Vec<Movement> {
    let exits = |id: &str| p.exits.iter().any(|x| x == id);
    let mut out = Vec::new();
    let mut push = |what: &str,
                    quantity: f64,
                    unit,
                    origin: &str,
                    embarkation: String,
                    to: &str,
                    mode,
                    ready,
                    latest,
                    serial: &str| {
        if quantity > 0.5 {
            out.push(Movement {
                line: out.len() + 1,
                what: what.to_string(),
                quantity: quantity.round() as u64,
                unit,
                origin: origin.to_string(),
                embarkation,
                destination: to.to_string(),
                mode,
                ready,
                earliest_departure: ready,
                latest_departure: latest,
                serial: serial.to_string(),
            });
        }
    };
    for l in &p.road {
        let emb = if exits(&l.to) { l.to.clone() } else { String::new() };
        push(
            "personnel (non-essential, essential)",
            l.personnel,
            "people",
            &l.from,
            emb.clone(),
            &l.to,
            "road",
            l.ready,
            l.until,
            &l.serial,
        );
        push("cargo", l.load, "load units", &l.from, emb, &l.to, "road", l.ready, l.until, &l.serial);
    }
    for l in &p.air {
        push(
            "personnel (non-essential, essential)",
            l.personnel,
            "people",
            &l.from,
            l.from.clone(),
            &l.to,
            "air",
            l.ready,
            l.until,
            &l.serial,
        );
        push("cargo", l.load, "load units", &l.from, l.from.clone(), &l.to, "air", l.ready, l.until, &l.serial);
    }
    for (i, c) in p.closures.iter().enumerate() {
        let emb = if exits(&c.to) { c.to.clone() } else { String::new() };
        let serial = format!("X-{:03}", i + 1);
        push(
            "closing convoy: guard force and remaining personnel",
            c.personnel,
            "people",
            &c.site,
            emb,
            &c.to,
            "road",
            c.date,
            c.date,
            &serial,
        );
    }
    out
}

/// The plan as a `[plan]` section in the scenario format, the movement table in comments.
pub fn to_plan_toml(p: &Planned) -> String {
    let mut out = String::new();
    let s = &p.solve;
    let _ = writeln!(out, "# Written by `drawdown plan` for {} ({} to {}).", p.scenario, p.start, p.deadline);
    let _ = writeln!(
        out,
        "# Objective {:.1} k$ equivalent, solver bound {:.1}, gap {:.2} % ({}).",
        s.objective,
        s.bound,
        s.gap * 100.0,
        s.status
    );
    let _ = writeln!(
        out,
        "# Deterministic plan: {:.0} of {:.0} personnel left at the deadline, {:.2} expected casualties, US$ {:.0} of equipment left, {:.2} expected handover failures.",
        p.personnel_left, p.personnel_total, p.expected_casualties, p.value_left_usd, p.handover_failures
    );
    if !p.kept_open.is_empty() {
        let _ = writeln!(
            out,
            "# Kept open by decision: {} ({:.0} guards and rear parties stay; not counted as left).",
            p.kept_open.join(", "),
            p.personnel_kept
        );
    }
    let _ = writeln!(
        out,
        "# Whole convoys and sorties: each planning period's convoys and sorties rounded up; a line's trucks carry its largest convoy load."
    );
    if let Some(c) = &p.check {
        let f = &c.figures;
        let _ = writeln!(
            out,
            "# Engine check ({} runs, seed {}, {} inputs): P(everyone not kept out by the deadline) {:.1} %; people left P50 {:.0}, P95 {:.0}; wounded mean {:.1}, killed mean {:.1}.",
            c.runs,
            c.seed,
            c.inputs,
            f.deadline_met * 100.0,
            f.people_left.p50,
            f.people_left.p95,
            f.wounded.mean,
            f.killed.mean
        );
        if let Some(b) = &c.baseline {
            if !b.worse.is_empty() {
                let _ = writeln!(out, "# WORSE than the scenario's own plan on: {}.", b.worse.join("; "));
            }
            if !b.better.is_empty() {
                let _ = writeln!(out, "# Better than the scenario's own plan on: {}.", b.better.join("; "));
            }
        }
    }
    out.push_str("#\n# Movement table (line | what | quantity | origin | embarkation | destination | mode | ready | latest departure | serial):\n");
    for mv in movements(p) {
        let _ = writeln!(
            out,
            "# {:>3} | {} | {} {} | {} | {} | {} | {} | {} | {} | {}",
            mv.line,
            mv.what,
            mv.quantity,
            mv.unit,
            mv.origin,
            if mv.embarkation.is_empty() { "-" } else { &mv.embarkation },
            mv.destination,
            mv.mode,
            mv.ready,
            mv.latest_departure,
            mv.serial
        );
    }
    out.push_str("\n[plan]\npriority = [\"non_essential\", \"essential\"]\n");
    if !p.kept_open.is_empty() {
        let sites: Vec<String> = p.kept_open.iter().map(|s| format!("{s:?}")).collect();
        let _ = writeln!(out, "keep_open = [{}]", sites.join(", "));
    }
    for c in &p.closures {
        let _ = write!(
            out,
            "\n# {:.0} people on the closing convoy; {:.0} load units disposed of; latest possible closure {}.\n[[plan.closure]]\nsite = {:?}\ndate = {}\nto = {:?}\n",
            c.personnel,
            c.disposed_load,
            c.latest.map_or("none".to_string(), |d| d.to_string()),
            c.site,
            c.date,
            c.to
        );
    }
    for l in &p.road {
        let _ = write!(
            out,
            "\n# Convoy serial {}: {} convoys of up to {} trucks, {:.0} people, {:.0} load units, {:.2} expected casualties.\n[[plan.line]]\nid = {:?}\nmode = \"road\"\nfrom = {:?}\nto = {:?}\nfleet = {:?}\nready = {}\nuntil = {}\ntrucks = {}\n",
            l.serial,
            l.convoys,
            l.trucks,
            l.personnel,
            l.load,
            l.casualties,
            l.id,
            l.from,
            l.to,
            l.fleet,
            l.ready,
            l.until,
            l.trucks
        );
    }
    for l in &p.air {
        let _ = write!(
            out,
            "\n# Flight number {}: {} sorties expected, {:.0} people, {:.0} load units.\n[[plan.line]]\nid = {:?}\nmode = \"air\"\nfrom = {:?}\nto = {:?}\nfleet = {:?}\ncarry = {:?}\nready = {}\nuntil = {}\nsorties_per_day = {}\n",
            l.serial,
            l.sorties,
            l.personnel,
            l.load,
            l.id,
            l.from,
            l.to,
            l.fleet,
            if l.cargo { "all" } else { "personnel" },
            l.ready,
            l.until,
            l.sorties_per_day
        );
    }
    out.push_str("\n# Items left at a closure are handed over; sensitive items are destroyed whatever the rule.\n[[plan.disposition]]\naction = \"hand_over\"\n");
    out
}

/// The movement table as CSV.
pub fn to_csv(p: &Planned) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for mv in movements(p) {
        w.serialize(&mv)?;
    }
    let bytes = w.into_inner().map_err(|e| csv::Error::from(e.into_error()))?;
    // The writer is given only Rust strings and numbers: its bytes are UTF-8.
    String::from_utf8(bytes).map_err(|e| csv::Error::from(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))
}

/// Everything: the plan, its movement table, the solver's figures and the explanation.
pub fn to_json(p: &Planned) -> Result<String, serde_json::Error> {
    #[derive(Serialize)]
    struct All<'a> {
        #[serde(flatten)]
        plan: &'a Planned,
        movements: Vec<Movement>,
    }
    serde_json::to_string_pretty(&All { plan: p, movements: movements(p) })
}
