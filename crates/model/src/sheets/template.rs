//! What a workbook tells a person about its columns, and the empty-mission
//! workbook of `drawdown template`.
//!
//! A column's note comes from the format's own tables: the unit, the bounds
//! and the reason for them (`bounds::BOUNDS`, the table validation uses), the
//! words a field takes (checked against the scenario types by a test), and
//! one line per provenance column. The example rows come from
//! `scenarios/template.toml`, a small mission with one row of every table.

use super::{Book, Cell, Row, SETTINGS, Sheet, VARIANTS};
use crate::bounds::BOUNDS;

/// The example mission of the template.
pub const EXAMPLE: &str = include_str!("../../../../scenarios/template.toml");

/// The words a field takes: (array of tables, field, words).
pub const CHOICES: &[(&str, &str, &[&str])] = &[
    (
        "site",
        "kind",
        &["camp", "temporary_base", "hub", "hq", "airfield", "seaport", "border_crossing", "waypoint", "abroad"],
    ),
    ("link", "mode", &["road", "river"]),
    ("personnel", "role", &["non_essential", "essential", "guard", "rear_party"]),
    ("equipment", "class", CLASSES),
    ("equipment", "ownership", &["contingent", "un"]),
    ("plan.line", "mode", &["road", "air"]),
    ("plan.line", "carry", &["all", "personnel", "equipment", "fuel"]),
    ("plan.disposition", "class", CLASSES),
    ("plan.disposition", "ownership", &["contingent", "un"]),
    ("plan.disposition", "action", &["hand_over", "sell", "destroy", "abandon"]),
    (
        "milestone",
        "metric",
        &["personnel_departed", "sites_closed", "convoy_days", "convoy_incidents", "convoy_wounded"],
    ),
];

const CLASSES: &[&str] = &["vehicle", "armoured_vehicle", "container", "generator", "ammunition", "other", "fuel"];
const CONFIDENCE: &[&str] = &["high", "medium", "low"];

/// What the provenance columns beside a value hold.
const PROVENANCE: &[(&str, &str)] = &[
    ("source", "Where the value comes from: a key of the scenario's reference list (R4, S11) or a short citation."),
    (
        "confidence",
        "How sure the value is: high, medium or low. Without low/high it sets the range of sensitivity runs.",
    ),
    ("low", "Lowest plausible value: uncertain runs draw between low and high."),
    ("high", "Highest plausible value: uncertain runs draw between low and high."),
    ("note", "Free text kept with the value."),
];

/// Notes on the columns every table shares.
const COMMON: &[(&str, &str)] = &[
    ("id", "A short unique id (lower case, digits, - or _), used by the other sheets."),
    ("site", "The id of a site on the `sites` sheet."),
    ("fleet", "The id of a truck fleet (`fleets`) or, for an air line, an aircraft type (`aircraft`)."),
    ("source", "Where the row comes from: a key of the scenario's reference list or a short citation."),
    ("confidence", "How sure the row is: high, medium or low."),
];

/// The array of tables a sheet holds (`sites` → `site`).
fn table(sheet: &str) -> String {
    super::sheet_path(sheet)
}

/// The words a column of a sheet takes, if it takes one of a few.
pub fn choices(sheet: &str, column: &str) -> Option<Vec<&'static str>> {
    if column == "confidence" || column.ends_with(".confidence") {
        return Some(CONFIDENCE.to_vec());
    }
    let t = table(sheet);
    CHOICES.iter().find(|(p, f, _)| *p == t && *f == column).map(|(_, _, w)| w.to_vec())
}

/// What a column of a sheet holds, for the note on its header.
pub fn note(sheet: &str, column: &str) -> Option<String> {
    if sheet == SETTINGS {
        return match column {
            "key" => Some("The setting, as a dotted key: scenario.deadline, march.pace_variability …".into()),
            "value" => Some("Its value: a number, a date, text, TRUE/FALSE, or a list like [2, 5].".into()),
            other => PROVENANCE.iter().find(|(k, _)| *k == other).map(|(_, n)| n.to_string()),
        };
    }
    if sheet == VARIANTS {
        return Some(
            match column {
                "variant" => "The variant's name (`--variant NAME`), on every row of it.",
                "description" => "What the variant changes, once per variant.",
                "set" => "A field the variant changes, as for --set: plan.closure.kidal.date, fleet.hub.trucks …",
                "value" => "The field's value in the variant.",
                _ => return None,
            }
            .into(),
        );
    }
    let t = table(sheet);
    if let Some((field, prov)) = column.rsplit_once('.')
        && let Some((_, n)) = PROVENANCE.iter().find(|(k, _)| *k == prov)
    {
        return Some(format!("`{field}`: {n}"));
    }
    let bounded = format!("{t}.{column}");
    if let Some(b) = BOUNDS.iter().find(|b| b.field == bounded) {
        return Some(format!("{}, from {} to {}: {}.", b.unit, number(b.min), number(b.max), b.why));
    }
    if let Some(words) = choices(sheet, column) {
        return Some(format!("One of: {}.", words.join(", ")));
    }
    COMMON.iter().find(|(k, _)| *k == column).map(|(_, n)| n.to_string())
}

fn number(x: f64) -> String {
    if x.abs() >= 1e6 { format!("{x:e}") } else { format!("{x}") }
}

/// The template: the example mission's tables, and an `about` sheet that
/// says how to fill them in (reading skips it).
pub fn book() -> Book {
    let doc: toml::Table = toml::from_str(EXAMPLE).unwrap_or_default();
    let mut book = super::from_toml(&doc);
    let lines = [
        "A drawdown mission as a workbook: one sheet per table of the scenario format (docs/scenario-format.md).",
        "Each row of a sheet is one entry: a site, a link, a personnel group, a plan line …",
        "Row 1 names the fields; the note on each header says what it holds, its unit and bounds.",
        "A value with a source: the column `km`, with `km.source`, `km.confidence`, `km.low`, `km.high` beside it.",
        "Settings (the scenario's id, dates, march and fuel figures) are rows of the `settings` sheet.",
        "Lists are written as [a, b]; text that starts with [ or looks like a date takes a leading apostrophe.",
        "The example rows describe a made-up mission: replace them with yours, then run `drawdown check mission.xlsx`.",
        "This sheet is not read.",
    ];
    book.sheets.insert(
        0,
        Sheet {
            name: super::ABOUT.into(),
            columns: vec!["about".into()],
            rows: lines
                .iter()
                .enumerate()
                .map(|(i, l)| Row { number: i as u32 + 2, cells: vec![Cell::Text(l.to_string())] })
                .collect(),
        },
    );
    book
}
