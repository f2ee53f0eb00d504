//! The scenario's sourced values: every table (inline or not) with a `value` and any
//! of `source`, `confidence`, `low`, `high`, `note`
//! (`km = { value = 350, source = "S27", confidence = "high" }`), found by
//! walking the TOML document itself, so reports show exactly what the file
//! says, in file order, with the path `--set` takes to change it. The
//! inputs table of the report and the sensitivity analysis both read this.

use std::str::FromStr;

use toml_edit::{DocumentMut, InlineTable, Item, Table, Value};

/// A number, or a date as its days since 1970-01-01 (`Date::epoch_days`).
fn num(t: &InlineTable, k: &str) -> Option<f64> {
    t.get(k).and_then(|v| v.as_float().or_else(|| v.as_integer().map(|i| i as f64)).or_else(|| date(v)))
}

/// A TOML date (no time of day) as its days since 1970-01-01.
fn date(v: &Value) -> Option<f64> {
    let d = v.as_datetime()?;
    match (d.date, d.time, d.offset) {
        (Some(d), None, None) => {
            crate::Date::ymd(i32::from(d.year), u32::from(d.month), u32::from(d.day)).map(|x| x.epoch_days() as f64)
        }
        _ => None,
    }
}

/// One sourced value.
#[derive(Debug, Clone, PartialEq)]
pub struct SourcedValue {
    /// Override path, as `--set` takes it (`threat[2].ied_per_100km`).
    pub path: String,
    /// Readable name (`threat north from 2023-10-01 · ied_per_100km`).
    pub label: String,
    pub value: String,
    /// `low–high` as written, when given.
    pub range: Option<String>,
    /// The field's own name (`ied_per_100km`).
    pub key: String,
    /// The value as a number, when it is one.
    pub number: Option<f64>,
    /// The value is written as a whole number (a date is one: its days
    /// since 1970-01-01).
    pub integer: bool,
    /// The value is a date; `number`, `low` and `high` are then its days
    /// since 1970-01-01.
    pub date: bool,
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub source: Option<String>,
    pub confidence: Option<String>,
    pub note: Option<String>,
}

/// All sourced values in the document, in order. `[variants]` are skipped:
/// they are what-ifs, not inputs.
pub fn sourced_values(text: &str) -> Vec<SourcedValue> {
    let Ok(doc) = DocumentMut::from_str(text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    walk_table(doc.as_table(), "", "", &mut out);
    out
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_string() } else { format!("{path}.{key}") }
}

/// What names an entry of an array of tables: its id, site, zone or group,
/// its ends for a link, and its start date for a period.
fn entry_name(table: &str, get: &dyn Fn(&str) -> Option<String>) -> String {
    let is_date = |v: &String| v.starts_with(char::is_numeric);
    let mut l = table.to_string();
    if let (Some(a), Some(b)) = (get("from").filter(|f| !is_date(f)), get("to").filter(|t| !is_date(t))) {
        l = format!("{l} {a}–{b}");
    } else if let Some(n) = ["id", "site", "zone", "group", "metric"].iter().find_map(|k| get(k)) {
        l = format!("{l} {n}");
    }
    // What tells apart the entries of one site: a personnel group's
    // contingent and role, an equipment lot's contingent and class.
    let which: Vec<String> =
        ["contingent", "role", "class"].iter().filter_map(|k| get(k)).map(|v| v.replace('_', " ")).collect();
    if !which.is_empty() {
        l = format!("{l} ({})", which.join(", "));
    }
    if let Some(d) = get("from").filter(is_date) {
        l = format!("{l} from {d}");
    }
    if let Some(d) = get("date").filter(is_date) {
        l = format!("{l} on {d}");
    }
    l
}

fn walk_table(t: &Table, path: &str, label: &str, out: &mut Vec<SourcedValue>) {
    for (k, item) in t.iter() {
        if path.is_empty() && k == "variants" {
            continue;
        }
        let p = join(path, k);
        let l = if label.is_empty() { k.to_string() } else { format!("{label} · {k}") };
        match item {
            // A sourced value written as a sub-table (`[aircraft.count]`, as
            // a serialiser writes it) is the same value as its inline form.
            Item::Table(sub) if is_sourced(&|k| sub.contains_key(k)) => {
                out.push(input(&sub.clone().into_inline_table(), &p, &l))
            }
            // Labelled as the inline forms are (`link ber–timbuktu · pace`),
            // however the file writes its tables.
            Item::Table(sub) => walk_table(sub, &p, &l, out),
            Item::ArrayOfTables(arr) => {
                for (i, sub) in arr.iter().enumerate() {
                    let name = entry_name(&l, &|f| sub.get(f).and_then(Item::as_value).map(plain));
                    walk_table(sub, &format!("{p}[{i}]"), &name, out);
                }
            }
            Item::Value(v) => walk_value(v, &p, &l, out),
            Item::None => {}
        }
    }
}

/// A table with a `value` and any of the provenance keys.
fn is_sourced(has: &dyn Fn(&str) -> bool) -> bool {
    has("value") && ["source", "confidence", "low", "high", "note"].iter().any(|k| has(k))
}

fn walk_value(v: &Value, path: &str, label: &str, out: &mut Vec<SourcedValue>) {
    match v {
        Value::InlineTable(t) => {
            if is_sourced(&|k| t.contains_key(k)) {
                out.push(input(t, path, label));
            } else {
                for (k, v) in t.iter() {
                    walk_value(v, &join(path, k), &format!("{label} · {k}"), out);
                }
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                let l = match v {
                    Value::InlineTable(t) => entry_name(label, &|f| t.get(f).map(plain)),
                    _ => format!("{label}[{i}]"),
                };
                walk_value(v, &format!("{path}[{i}]"), &l, out);
            }
        }
        _ => {}
    }
}

/// A value as written, without TOML quotes for strings.
fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.value().clone(),
        other => other.to_string().trim().to_string(),
    }
}

fn input(t: &InlineTable, path: &str, label: &str) -> SourcedValue {
    let get = |k: &str| t.get(k).map(plain);
    let range = match (get("low"), get("high")) {
        (None, None) => None,
        (lo, hi) => Some(format!("{}–{}", lo.unwrap_or_default(), hi.unwrap_or_default())),
    };
    SourcedValue {
        key: path.rsplit(['.', '[']).next().unwrap_or(path).trim_end_matches(']').to_string(),
        number: num(t, "value"),
        integer: t.get("value").is_some_and(|v| v.is_integer() || date(v).is_some()),
        date: t.get("value").and_then(date).is_some(),
        low: num(t, "low"),
        high: num(t, "high"),
        path: path.to_string(),
        label: label.to_string(),
        value: get("value").unwrap_or_default(),
        range,
        source: get("source"),
        confidence: get("confidence"),
        note: get("note"),
    }
}

#[cfg(test)]
mod tests {
    use super::sourced_values;

    #[test]
    fn a_sourced_value_reads_the_same_inline_or_as_a_sub_table() {
        let inline = sourced_values(
            "[[aircraft]]\nid = \"a\"\ncount = { value = 4, low = 2, high = 8, confidence = \"low\" }\n",
        );
        let sub = sourced_values(
            "[[aircraft]]\nid = \"a\"\n\n[aircraft.count]\nvalue = 4\nlow = 2\nhigh = 8\nconfidence = \"low\"\n",
        );
        assert_eq!(inline.len(), 1);
        assert_eq!(inline, sub);
        assert_eq!(sub[0].path, "aircraft[0].count");
        assert_eq!((sub[0].number, sub[0].low, sub[0].high), (Some(4.0), Some(2.0), Some(8.0)));
    }

    /// Entries of one site are told apart in their labels (sensitivity
    /// charts list many personnel groups of one site).
    #[test]
    fn labels_tell_the_groups_of_a_site_apart() {
        let v = sourced_values(concat!(
            "[[personnel]]\nsite = \"gao\"\ncontingent = \"other_military\"\nrole = \"essential\"\n",
            "count = { value = 4, low = 2, high = 8 }\n",
            "[[personnel]]\nsite = \"gao\"\ncontingent = \"civilian\"\nrole = \"rear_party\"\n",
            "count = { value = 4, low = 2, high = 8 }\n",
        ));
        let labels: Vec<&str> = v.iter().map(|x| x.label.as_str()).collect();
        assert_eq!(
            labels,
            ["personnel gao (other military, essential) · count", "personnel gao (civilian, rear party) · count"]
        );
    }
}
