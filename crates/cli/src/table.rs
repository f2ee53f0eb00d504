//! The human-readable summary of a simulation, rendered from the same typed
//! result that `--format json` prints (one source of truth for both).

use std::fmt::Write;

use drawdown_engine::SimResult;
use drawdown_engine::result::{DateBand, InputMode, InputsUsed, MaybeQ};
use drawdown_engine::stats::Q;
use drawdown_model::Date;

/// How long the run took: shown under the table, never part of the result.
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    pub events: u64,
    pub runs: u64,
    pub wall_seconds: f64,
}

/// A count or a mean: whole numbers with thousands separators, others with one decimal.
pub fn num(x: f64) -> String {
    if x.fract() == 0.0 { group_thousands(x as i64) } else { format!("{x:.1}") }
}

fn opt_num(x: Option<f64>) -> String {
    x.map_or("-".into(), num)
}

pub fn group_thousands(n: i64) -> String {
    let s = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// "P50 (P5–P95)".
fn q(v: &Q) -> String {
    format!("{} ({}–{})", num(v.p50), num(v.p5), num(v.p95))
}

fn maybe_q(v: &MaybeQ) -> String {
    format!("{} ({}–{})", opt_num(v.p50), opt_num(v.p5), opt_num(v.p95))
}

fn date(d: Option<Date>) -> String {
    d.map_or("-".into(), |d| d.to_string())
}

/// What the bands include.
fn inputs_line(i: &InputsUsed) -> String {
    match i.mode {
        InputMode::Point => {
            "inputs: every input at its value (--inputs point): the bands are chance within one world only".to_string()
        }
        InputMode::Sampled => format!(
            "inputs: {} uncertain input{} sampled{} ({} draws × {} replications): the bands include input uncertainty",
            i.uncertain,
            if i.uncertain == 1 { "" } else { "s" },
            if i.calibrated { ", calibrated ones from the posterior" } else { "" },
            num(i.draws as f64),
            i.per_draw
        ),
    }
}

pub fn render(r: &SimResult, timing: Option<Timing>) -> String {
    let mut o = String::new();
    let sm = &r.summary;
    let t = &r.totals;
    let _ = writeln!(o, "{} — {} replications, seed {}", r.name, num(r.runs as f64), r.seed);
    let _ = writeln!(o, "{} → deadline {}", r.start, r.deadline);
    let _ = writeln!(o, "{}", inputs_line(&r.inputs));
    let _ = writeln!(
        o,
        "holdings: {} personnel, {} vehicles, {} containers; {} sites to close\n",
        num(f64::from(t.personnel)),
        num(f64::from(t.vehicles)),
        num(f64::from(t.containers)),
        t.sites_to_close
    );
    let _ = writeln!(o, "By the deadline                  P50 (P5–P95)");
    let _ = writeln!(o, "  personnel departed             {}", q(&sm.personnel_departed_by_deadline));
    let _ = writeln!(o, "  sites closed                   {}", q(&sm.sites_closed_by_deadline));
    let _ = writeln!(o, "  P(all planned closures done)   {:.1} %", sm.p_all_sites_closed_by_deadline * 100.0);
    let _ = writeln!(o, "  wounded                        {}", q(&sm.wounded));
    let _ = writeln!(o, "  killed                         {}", q(&sm.killed));
    let _ = writeln!(o, "  vehicles damaged               {}", q(&sm.vehicles_damaged));
    let _ = writeln!(o, "  personnel road exposure        {} thousand person-km", q(&sm.personnel_road_kkm));
    let _ = writeln!(
        o,
        "  flight clearance approval      {:.1} % of {} requests/run",
        sm.flight_clearances.approval_rate * 100.0,
        num(sm.flight_clearances.requested_mean)
    );
    let _ = writeln!(o, "Equipment (vehicles + containers + other items)");
    for (fate, v) in sm.equipment.iter() {
        let _ = writeln!(o, "  {:<30} {}", fate.as_str().replace('_', " "), q(v));
    }
    if !r.variance.is_empty() {
        let _ = writeln!(o, "Where the spread comes from      inputs   chance");
        for v in &r.variance {
            if v.variance == 0.0 {
                let _ = writeln!(o, "  {:<30} no spread", v.metric.replace('_', " "));
                continue;
            }
            let _ = writeln!(
                o,
                "  {:<30} {:>4.0} %   {:>4.0} %",
                v.metric.replace('_', " "),
                v.inputs * 100.0,
                v.chance * 100.0
            );
        }
    }
    let _ = writeln!(o, "\nSites            planned     closed P50  (P5 – P95)                 state  armed group");
    for site in &r.sites {
        let Some(planned) = site.planned_closure else {
            let _ = writeln!(o, "  {:<14} {:<11} stays open (no planned closure)", site.id, "-");
            continue;
        };
        let c: &DateBand = &site.closed_on;
        let _ = writeln!(
            o,
            "  {:<14} {:<11} {:<11} ({} – {})  {:>5.0} %  {:>5.0} %",
            site.id,
            planned.to_string(),
            date(c.p50),
            date(c.p5),
            date(c.p95),
            site.handover.state * 100.0,
            site.handover.armed_group * 100.0,
        );
    }
    let _ = writeln!(
        o,
        "\nConvoys                      route                 departed P50  days P50 (P5–P95)   incidents   wounded"
    );
    for c in &r.convoys {
        let _ = writeln!(
            o,
            "  {:<26} {:<21} {:<13} {:<19} {:<11} {}",
            c.id,
            format!("{}→{}", c.from, c.to),
            date(c.departed.p50),
            maybe_q(&c.days),
            q(&c.incidents),
            q(&c.wounded),
        );
    }
    let _ = writeln!(o, "\nPersonnel departed (cumulative)       P50 (P5–P95)        sites closed");
    for (i, d) in r.daily.iter().enumerate() {
        if i % 14 == 0 || i + 1 == r.daily.len() {
            let _ = writeln!(
                o,
                "  {}                      {:<22}  {}",
                d.date,
                q(&d.personnel_departed),
                num(d.sites_closed.p50)
            );
        }
    }
    let ms: Vec<_> = r.milestones.iter().filter_map(|m| m.simulated.as_ref().map(|s| (m, s))).collect();
    if !ms.is_empty() {
        let width = ms.iter().map(|(m, _)| m.label.chars().count()).max().unwrap_or(0).max(32);
        let _ = writeln!(o, "\n{:<w$} observed   simulated P50 (P5–P95)", "Observed milestones", w = width + 14);
        for (m, sim) in ms {
            let what = &m.label;
            let _ = writeln!(o, "  {} {what:<width$} {:>9}   {}", m.date, num(m.observed), q(sim));
        }
    }
    if let Some(t) = timing {
        let rate = |n: f64| if t.wall_seconds > 0.0 { n / t.wall_seconds } else { 0.0 };
        let _ = writeln!(
            o,
            "\nengine: {} events in {:.2} s ({} events/s, {:.1} replications/s)",
            num(t.events as f64),
            t.wall_seconds,
            num(rate(t.events as f64).round()),
            rate(t.runs as f64)
        );
    }
    o
}
