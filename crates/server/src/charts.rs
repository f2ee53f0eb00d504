//! The dashboard's three charts, drawn by `drawdown-report`'s live
//! variants from a simulation result (`whatif::result_json`, the baseline's
//! or a what-if's) and the plan-versus-actual status of the log.

use drawdown_model::Date;
use drawdown_ops::Status;
use drawdown_report::Chart;
use drawdown_report::fan::{Day, Milestone};
use drawdown_report::live::{self, Movement, PlanRow};
use serde_json::Value;

use crate::ApiError;
use crate::scenarios::Compiled;

/// Chart names in the API, in page order.
pub const CHARTS: [&str; 3] = ["map", "gantt", "fan"];

/// Convoy movements drawn on the Gantt (the most recent ones).
const MOVEMENTS_SHOWN: usize = 12;

pub fn draw(name: &str, c: &Compiled, result: &Value, status: &Status) -> Result<Chart, ApiError> {
    match name {
        "map" => Ok(map(c, status)),
        "gantt" => Ok(gantt(result, status)),
        "fan" => Ok(fan(c, result, status)),
        other => {
            Err(ApiError::not_found("chart", format!("no chart `{other}`"))
                .hint(format!("charts: {}", CHARTS.join(", "))))
        }
    }
}

fn map(c: &Compiled, status: &Status) -> Chart {
    let state_of = |id: &str| status.sites.iter().find(|s| s.site == id).map(|s| s.state);
    let in_transit: Vec<(String, String, String)> =
        status.convoys.in_transit.iter().map(|cv| (cv.convoy.clone(), cv.from.clone(), cv.to.clone())).collect();
    live::map(&c.world, &state_of, &in_transit)
}

fn fan(c: &Compiled, result: &Value, status: &Status) -> Chart {
    let days = result["daily_personnel_departed"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|d| {
                    let g = |i: usize| d[i].as_f64().unwrap_or(0.0);
                    Day { p5: g(0), p50: g(1), p95: g(2) }
                })
                .collect()
        })
        .unwrap_or_default();
    let milestones = c
        .scenario
        .milestones
        .iter()
        .filter(|m| m.metric == "personnel_departed")
        .map(|m| Milestone {
            day: m.date.days_since(c.world.start) as f64,
            value: m.value.value,
            source: m.source.clone(),
        })
        .collect();
    let moved = (status.events > 0).then_some((status.today, status.personnel.out as f64));
    live::fan(&c.world, days, result["runs"].as_u64().unwrap_or(0), milestones, moved)
}

fn date(v: &Value) -> Option<Date> {
    v.as_str().and_then(|s| Date::parse(s.get(..10).unwrap_or(s)))
}

fn gantt(result: &Value, status: &Status) -> Chart {
    let sites = result["sites"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| {
                    let id = s["id"].as_str()?;
                    let logged = status.sites.iter().find(|x| x.site == id);
                    let actual = logged.and_then(|x| Some((drawdown_ops::day_of(x.closed_at?), x.state)));
                    Some(PlanRow {
                        name: s["name"].as_str().filter(|n| !n.is_empty()).unwrap_or(id).to_string(),
                        planned: date(&s["planned"])?,
                        p5: date(&s["closed_on"]["p5"]),
                        p50: date(&s["closed_on"]["p50"]),
                        p95: date(&s["closed_on"]["p95"]),
                        actual,
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let mut moves: Vec<Movement> = status
        .convoys
        .arrived
        .iter()
        .chain(&status.convoys.in_transit)
        .map(|cv| Movement {
            label: format!("{} {}→{}", cv.convoy, cv.from, cv.to),
            departed: drawdown_ops::day_of(cv.departed),
            arrived: cv.arrived.map(drawdown_ops::day_of),
        })
        .collect();
    moves.sort_by_key(|m| m.departed);
    let more = moves.len().saturating_sub(MOVEMENTS_SHOWN);
    let movements = moves.split_off(more);
    live::gantt(&live::Gantt {
        start: status.start,
        deadline: status.deadline,
        today: status.today,
        sites,
        movements,
        more_movements: more,
        runs: result["runs"].as_u64().unwrap_or(0),
    })
}
