//! The dashboard's three charts, drawn by `drawdown-report`'s live
//! variants from a simulation result (the baseline's or a what-if's) and the
//! plan-versus-actual status of the log.

use drawdown_engine::SimResult;
use drawdown_model::MilestoneMetric;
use drawdown_ops::Status;
use drawdown_report::Chart;
use drawdown_report::fan::Day;
use drawdown_report::live::{self, Movement, PlanRow};

use crate::ApiError;
use crate::scenarios::Compiled;

/// Chart names in the API, in page order.
pub const CHARTS: [&str; 3] = ["map", "gantt", "fan"];

/// Convoy movements drawn on the Gantt (the most recent ones).
const MOVEMENTS_SHOWN: usize = 12;

pub fn draw(name: &str, c: &Compiled, result: &SimResult, status: &Status) -> Result<Chart, ApiError> {
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

fn fan(c: &Compiled, result: &SimResult, status: &Status) -> Chart {
    let days = result
        .daily
        .iter()
        .map(|d| Day { p5: d.personnel_departed.p5, p50: d.personnel_departed.p50, p95: d.personnel_departed.p95 })
        .collect();
    let milestones = drawdown_report::fan::milestones(result, c.world.start, MilestoneMetric::PersonnelDeparted);
    let moved = (status.events > 0).then_some((status.today, status.personnel.out as f64));
    live::fan(&c.world, days, result.runs, milestones, moved)
}

fn gantt(result: &SimResult, status: &Status) -> Chart {
    let sites = result
        .closing_sites()
        .filter_map(|s| {
            let logged = status.sites.iter().find(|x| x.site == s.id);
            let actual = logged.and_then(|x| Some((drawdown_ops::day_of(x.closed_at?), x.state)));
            Some(PlanRow {
                name: if s.name.is_empty() { s.id.clone() } else { s.name.clone() },
                planned: s.planned_closure?,
                p5: s.closed_on.p5,
                p50: s.closed_on.p50,
                p95: s.closed_on.p95,
                actual,
            })
        })
        .collect();
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
        runs: result.runs,
    })
}
