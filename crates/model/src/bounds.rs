//! The physical bounds of every number in a scenario: one table, read by
//! validation (`validate.rs`: a value, its `low` and its `high` must lie in
//! the field's bounds), by the uncertain inputs (`uncertain.rs`: a drawn or
//! swung value is clamped to them) and by the documentation
//! (`docs/scenario-format.md` shows [`markdown_table`] verbatim; a test keeps
//! the two equal).
//!
//! The bounds are generous: they reject values no real withdrawal has
//! (a road of 1e-20 km, 1e12 wounded per incident, a clearance lead time of
//! four billion days), which would otherwise make the engine loop for ever
//! or allocate without limit. Within them the engine's own resource limits
//! (`drawdown_engine::limits`) still apply to the scenario as a whole.

use crate::diag::{Path, Seg};

/// The closed range `[min, max]` of one field.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bound {
    /// The field as a path without indices: `link.km`, `plan.line.every_days`.
    pub field: &'static str,
    pub min: f64,
    pub max: f64,
    /// Unit of the value, for messages and the docs.
    pub unit: &'static str,
    /// Why the range is what it is: the hint of a refusal.
    pub why: &'static str,
}

const fn b(field: &'static str, min: f64, max: f64, unit: &'static str, why: &'static str) -> Bound {
    Bound { field, min, max, unit, why }
}

const PROBABILITY: &str = "a probability is a fraction: write 0.85 for 85 %";
const DAYS_YEAR: &str = "more than a year is almost certainly a typo";
const CASUALTIES: &str = "a mean per incident; the people killed or wounded are also capped by who is aboard";
const RATE_100KM: &str = "100 per 100 km is one event every kilometre; check the unit (per 100 km, not per km)";

/// Every bounded number of the format, in the order of `docs/scenario-format.md`.
pub const BOUNDS: &[Bound] = &[
    b("site.lat", -90.0, 90.0, "degrees", "latitude in decimal degrees, north positive"),
    b("site.lon", -180.0, 180.0, "degrees", "longitude in decimal degrees, east positive"),
    b("site.vehicle_serviceability", 0.0, 1.0, "fraction", PROBABILITY),
    b("site.fuel_litres", 0.0, 1e9, "litres", "a million cubic metres is more than any camp holds"),
    b("site.fuel_import_litres_per_day", 0.0, 1e8, "litres/day", "check the unit (litres per day)"),
    b("link.km", 0.1, 10_000.0, "km", "a road link is at least 100 m and at most 10,000 km; merge or split links"),
    b("link.pace", 1.0, 2_000.0, "km/day", "km per 24 h of travel, halts included (2,000 km/day is 83 km/h non-stop)"),
    b("air_leg.hours", 0.1, 48.0, "hours", "flying time of one leg"),
    b("personnel.count", 0.0, 10_000_000.0, "people", "check the count for extra digits"),
    b("equipment.count", 0.0, 10_000_000.0, "items", "check the count for extra digits"),
    b("equipment.value_usd", 0.0, 1e10, "US$", "the value of one item"),
    b("equipment.load", 0.01, 1_000.0, "load units", "truck load units per item (a container is 1)"),
    b("equipment.seats", 0.0, 100.0, "seats", "passenger seats per vehicle"),
    b("fleet.trucks", 0.0, 100_000.0, "trucks", "check the count for extra digits"),
    b("fleet.capacity", 0.01, 1_000.0, "load units", "load units one truck carries (a container is 1)"),
    b("fleet.seats", 0.0, 100.0, "seats", "passenger seats per truck or bus"),
    b("fleet.tank_litres", 1.0, 100_000.0, "litres", "litres one tanker carries"),
    b("fuel.truck_litres_per_100km", 0.0, 10_000.0, "litres/100 km", "check the unit (litres per 100 km)"),
    b("fuel.vehicle_litres_per_100km", 0.0, 10_000.0, "litres/100 km", "check the unit (litres per 100 km)"),
    b("fuel.armoured_vehicle_litres_per_100km", 0.0, 10_000.0, "litres/100 km", "check the unit (litres per 100 km)"),
    b("fuel.generator_litres_per_day", 0.0, 1_000_000.0, "litres/day", "check the unit (litres per day)"),
    b("aircraft.count", 0.0, 1_000.0, "aircraft", "check the count for extra digits"),
    b("aircraft.seats", 1.0, 1_000.0, "seats", "people per sortie"),
    b("aircraft.payload", 0.0, 1_000.0, "load units", "cargo load units per sortie"),
    b("aircraft.serviceability", 0.0, 1.0, "fraction", PROBABILITY),
    b("aircraft.sorties_per_day", 1.0, 24.0, "sorties", "sorties one aircraft flies in a day"),
    b("aircraft.cruise_kmh", 50.0, 3_000.0, "km/h", "cruise speed"),
    b("march.pace_variability", 0.0, 5.0, "ratio", "a coefficient of variation; 0.25 is a lot"),
    b("march.breakdowns_per_100km", 0.0, 100.0, "per 100 km", RATE_100KM),
    b("march.breakdown_delay_hours", 0.0, 240.0, "hours", "hours one breakdown holds the column"),
    b("threat.ied_per_100km", 0.0, 100.0, "per 100 km", RATE_100KM),
    b("threat.ambush_per_100km", 0.0, 100.0, "per 100 km", RATE_100KM),
    b("threat.wounded_per_incident", 0.0, 1_000.0, "people", CASUALTIES),
    b("threat.killed_per_incident", 0.0, 1_000.0, "people", CASUALTIES),
    b("threat.vehicles_damaged_per_incident", 0.0, 1_000.0, "vehicles", "a mean per incident"),
    b("threat.vehicles_destroyed_per_incident", 0.0, 1_000.0, "vehicles", "a mean per incident"),
    b("threat.delay_hours_per_incident", 0.0, 240.0, "hours", "hours one incident holds the column"),
    b("threat.casualty_dispersion", 0.01, 1_000.0, "shape", "Gamma shape k; 0.7 already allows mass-casualty strikes"),
    b("situation.closing_contested", 0.01, 100.0, "factor", "a factor on the incident rate; 1 is no effect"),
    b("situation.without_air_cover", 0.01, 100.0, "factor", "a factor on the incident rate; 1 is no effect"),
    b("situation.routine", 0.01, 100.0, "factor", "a factor on the incident rate; 1 is no effect"),
    b("situation.medevac_saves", 0.0, 1.0, "fraction", PROBABILITY),
    b("policy.clearance.approval", 0.0, 1.0, "fraction", PROBABILITY),
    b("policy.clearance.lead_days", 0.0, 365.0, "days", DAYS_YEAR),
    b("policy.permit.approval", 0.0, 1.0, "fraction", PROBABILITY),
    b("policy.customs_hold.trucks", 0.0, 100_000.0, "trucks", "check the count for extra digits"),
    b("policy.customs_hold.litres", 0.0, 1e9, "litres", "check the unit (litres)"),
    b("policy.import_ban.grounded", 0.0, 1_000.0, "aircraft", "check the count for extra digits"),
    b("attack.per_week", 0.0, 100.0, "per week", "attacks per week at full garrison"),
    b("attack.garrison_factor", 0.0, 100.0, "factor", "how the rate rises as the garrison thins; 0 is no effect"),
    b(
        "attack.wounded_per_attack",
        0.0,
        1_000.0,
        "people",
        "a mean per attack; the killed are also capped by who is there",
    ),
    b(
        "attack.killed_per_attack",
        0.0,
        1_000.0,
        "people",
        "a mean per attack; the killed are also capped by who is there",
    ),
    b("attack.aircraft_hit", 0.0, 1.0, "fraction", PROBABILITY),
    b("attack.airfield_closure", 0.0, 1.0, "fraction", PROBABILITY),
    b("attack.airfield_closed_days", 0.0, 365.0, "days", DAYS_YEAR),
    b("presence.state_days", 0.0, 3_660.0, "days", "a duration within the longest simulated period"),
    b("presence.armed_group", 0.0, 1.0, "fraction", PROBABILITY),
    b("presence.armed_group_days", 0.0, 3_660.0, "days", "a duration within the longest simulated period"),
    b(
        "presence.lognormal_sigma",
        0.0,
        5.0,
        "log-space sd",
        "the log-space standard deviation of a log-normal; 1 is already wide",
    ),
    b("plan.closure.trucks", 1.0, 100_000.0, "trucks", "trucks sent to lift the remaining cargo"),
    b("plan.closure.leave_early.attacks", 1.0, 1_000.0, "attacks", "attacks within the window that call the closure"),
    b("plan.closure.leave_early.days", 1.0, 365.0, "days", DAYS_YEAR),
    b("plan.line.trucks", 1.0, 100_000.0, "trucks", "trucks per convoy; leave it out to use all available trucks"),
    b("plan.line.personnel_max", 0.0, 10_000_000.0, "people", "leave it out for no limit"),
    b("plan.line.vehicles_max", 0.0, 10_000_000.0, "vehicles", "leave it out for no limit"),
    b("plan.line.every_days", 1.0, 365.0, "days", "days between departures; 1 means daily"),
    b("plan.line.sorties_per_day", 1.0, 48.0, "sorties", "one take-off every 30 minutes from 08:00"),
    b("milestone.value", 0.0, 1e9, "metric units", "an observed count, or days"),
    b("milestone.error", 1e-6, 1e9, "metric units", "the standard deviation of the observation, > 0"),
    b("planner.person_left_usd", 1e-6, 1e15, "US$", "cost of one person left after the deadline, > 0"),
    b("planner.casualty_usd", 0.0, 1e15, "US$", "cost of one expected casualty"),
    b("planner.equipment_weight", 0.0, 1e6, "US$/US$", "weight on each dollar of equipment"),
    b("planner.handover_failure_usd", 0.0, 1e15, "US$", "cost of one expected handover failure"),
    b("planner.open_base_usd", 0.0, 1e15, "US$", "cost of one base still open at the deadline"),
    b("planner.time_limit_s", 0.1, 86_400.0, "seconds", "solver time limit"),
    b("planner.gap", 0.0, 0.99, "fraction", "relative optimality gap at which the solver stops"),
    b("planner.trip_quantile", 0.5, 0.999, "probability", "quantile of each trip's arrival the plan is made at"),
    b(
        "planner.bucket_days",
        1.0,
        14.0,
        "days",
        "longer periods make the plan coarse; omit it for the automatic choice",
    ),
];

/// The bound of a field (`link.km`), if it has one.
pub fn of(field: &str) -> Option<&'static Bound> {
    BOUNDS.iter().find(|b| b.field == field)
}

/// The table key of a document path: indices dropped, and the `value` of a
/// sourced number or schedule step too (`link[3].pace[0].value` → `link.pace`).
pub fn key_of(path: &Path) -> String {
    let mut keys: Vec<&str> = path
        .0
        .iter()
        .filter_map(|s| match s {
            Seg::Key(k) => Some(k.as_str()),
            Seg::Index(_) => None,
        })
        .collect();
    while keys.len() > 2 && matches!(keys.last(), Some(&("value" | "low" | "high"))) {
        keys.pop();
    }
    keys.join(".")
}

/// The bound of the field at a document path (`threat[2].killed_per_incident`).
pub fn of_path(path: &Path) -> Option<&'static Bound> {
    of(&key_of(path))
}

impl Bound {
    pub fn contains(&self, x: f64) -> bool {
        x.is_finite() && self.min <= x && x <= self.max
    }

    /// `x` moved into the bound (NaN goes to `min`).
    pub fn clamp(&self, x: f64) -> f64 {
        if x.is_nan() { self.min } else { x.clamp(self.min, self.max) }
    }

    /// "must be between 0.1 and 10,000 km".
    pub fn must(&self) -> String {
        if self.unit == "fraction" && self.min == 0.0 && self.max == 1.0 {
            "must be a probability between 0 and 1".to_string()
        } else {
            format!("must be between {} and {} {}", fmt(self.min), fmt(self.max), self.unit)
        }
    }

    /// "a number between 0.1 and 10,000 (km)".
    pub fn describe(&self) -> String {
        format!("a number between {} and {} ({})", fmt(self.min), fmt(self.max), self.unit)
    }
}

/// A bound as written in messages and the docs: whole numbers with
/// thousands separators, tiny and huge ones in exponent form.
pub fn fmt(x: f64) -> String {
    if !x.is_finite() {
        return format!("{x}");
    }
    if x != 0.0 && (x.abs() >= 1e7 || x.abs() < 1e-3) {
        let e = x.abs().log10().floor() as i32;
        let m = x / 10f64.powi(e);
        let m3 = (m * 1e3).round() / 1e3;
        // Whole numbers with many digits read better in full (4,294,967,295).
        let long_whole = x.fract() == 0.0 && x.abs() < 1e15 && (m3 - m).abs() > 1e-12;
        if !long_whole {
            return format!("{m3}e{e}");
        }
    }
    if x.fract() == 0.0 {
        let s = format!("{}", x.abs() as u64);
        let mut out = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        if x < 0.0 { format!("-{out}") } else { out }
    } else {
        format!("{x}")
    }
}

/// The bounds as the Markdown table of `docs/scenario-format.md`.
pub fn markdown_table() -> String {
    let mut s = String::from("| Field | Min | Max | Unit |\n|---|---|---|---|\n");
    for b in BOUNDS {
        s.push_str(&format!("| `{}` | {} | {} | {} |\n", b.field, fmt(b.min), fmt(b.max), b.unit));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_drop_indices_and_value() {
        assert_eq!(key_of(&Path::parse("link[3].pace[0].value")), "link.pace");
        assert_eq!(key_of(&Path::parse("plan.line[2].every_days")), "plan.line.every_days");
        assert_eq!(key_of(&Path::parse("threat[0].killed_per_incident.low")), "threat.killed_per_incident");
        assert_eq!(of_path(&Path::parse("link[0].km")).map(|b| b.min), Some(0.1));
        // A field named `value` is its own key.
        assert_eq!(key_of(&Path::parse("milestone[2].value")), "milestone.value");
        assert_eq!(key_of(&Path::parse("milestone[2].value.low")), "milestone.value");
        assert!(of("link.nothing").is_none());
    }

    #[test]
    fn every_field_once_and_ranges_ordered() {
        let mut seen = std::collections::HashSet::new();
        for b in BOUNDS {
            assert!(seen.insert(b.field), "{} twice", b.field);
            assert!(b.min < b.max && b.min.is_finite() && b.max.is_finite(), "{}", b.field);
        }
    }

    #[test]
    fn contains_refuses_nan_and_infinity() {
        let km = of("link.km").unwrap();
        assert!(km.contains(0.1) && km.contains(10_000.0));
        assert!(!km.contains(1e-20) && !km.contains(f64::NAN) && !km.contains(f64::INFINITY) && !km.contains(-1.0));
        assert_eq!(km.clamp(f64::NAN), 0.1);
        assert_eq!(km.clamp(1e300), 10_000.0);
    }

    #[test]
    fn numbers_print_for_people() {
        assert_eq!(fmt(10_000.0), "10,000");
        assert_eq!(fmt(0.1), "0.1");
        assert_eq!(fmt(1e9), "1e9");
        assert_eq!(fmt(1e-6), "1e-6");
        assert_eq!(fmt(-180.0), "-180");
        assert_eq!(fmt(3_660.0), "3,660");
        assert_eq!(fmt(4_294_967_295.0), "4,294,967,295");
        assert_eq!(fmt(1.5e-20), "1.5e-20");
        assert_eq!(fmt(1e300), "1e300");
        assert_eq!(fmt(f64::NAN), "NaN");
    }

    #[test]
    fn the_docs_show_the_table() {
        let docs = include_str!("../../../docs/scenario-format.md");
        assert!(
            docs.contains(&markdown_table()),
            "docs/scenario-format.md must contain bounds::markdown_table() verbatim:\n{}",
            markdown_table()
        );
    }
}
