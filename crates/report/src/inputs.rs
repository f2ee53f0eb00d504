//! The scenario's sourced values: every inline table with a `value` and a
//! `source` or `confidence` (`km = { value = 350, source = "S27",
//! confidence = "high" }`), found by walking the TOML document itself, so
//! the table shows exactly what the file says, in file order.

use std::fmt::Write;
use std::str::FromStr;

use toml_edit::{DocumentMut, InlineTable, Item, Table, Value};

use crate::svg::esc;

/// One sourced value.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    /// Override path, as `--set` takes it (`threat[2].ied_per_100km`).
    pub path: String,
    /// Readable name (`threat north from 2023-10-01 · ied_per_100km`).
    pub label: String,
    pub value: String,
    /// `low–high`, when given.
    pub range: Option<String>,
    pub source: Option<String>,
    pub confidence: Option<String>,
    pub note: Option<String>,
}

/// All sourced values in the document, in order. `[variants]` are skipped:
/// they are what-ifs, not inputs.
pub fn sourced_values(text: &str) -> Vec<Input> {
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
    if let Some(d) = get("from").filter(is_date) {
        l = format!("{l} from {d}");
    }
    if let Some(d) = get("date").filter(is_date) {
        l = format!("{l} on {d}");
    }
    l
}

fn walk_table(t: &Table, path: &str, label: &str, out: &mut Vec<Input>) {
    for (k, item) in t.iter() {
        if path.is_empty() && k == "variants" {
            continue;
        }
        let p = join(path, k);
        let l = if label.is_empty() { k.to_string() } else { format!("{label} · {k}") };
        match item {
            Item::Table(sub) => walk_table(sub, &p, &p, out),
            Item::ArrayOfTables(arr) => {
                for (i, sub) in arr.iter().enumerate() {
                    let name = entry_name(&p, &|f| sub.get(f).and_then(Item::as_value).map(plain));
                    walk_table(sub, &format!("{p}[{i}]"), &name, out);
                }
            }
            Item::Value(v) => walk_value(v, &p, &l, out),
            Item::None => {}
        }
    }
}

fn walk_value(v: &Value, path: &str, label: &str, out: &mut Vec<Input>) {
    match v {
        Value::InlineTable(t) => {
            if t.contains_key("value") && (t.contains_key("source") || t.contains_key("confidence")) {
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

fn input(t: &InlineTable, path: &str, label: &str) -> Input {
    let get = |k: &str| t.get(k).map(plain);
    let range = match (get("low"), get("high")) {
        (None, None) => None,
        (lo, hi) => Some(format!("{}–{}", lo.unwrap_or_default(), hi.unwrap_or_default())),
    };
    Input { path: path.to_string(), label: label.to_string(), value: get("value").unwrap_or_default(), range, source: get("source"), confidence: get("confidence"), note: get("note") }
}

/// The values as an HTML table (an explanatory line if there are none).
pub fn table(inputs: &[Input]) -> String {
    if inputs.is_empty() {
        return "<p class=\"muted\">This scenario gives no sources: no value is written as <code>{ value = …, source = \"…\", confidence = \"…\" }</code>.</p>".into();
    }
    let mut o = String::from(
        "<table class=\"inputs\"><thead><tr><th>input <span class=\"muted\">(path for <code>--set</code>)</span></th><th class=\"num\">value</th><th>range</th><th>source</th><th>confidence</th><th>note</th></tr></thead><tbody>",
    );
    for i in inputs {
        let conf = i.confidence.as_deref().unwrap_or("");
        let _ = write!(
            o,
            "<tr><td>{}<br><code>{}</code></td><td class=\"num\">{}</td><td>{}</td><td>{}</td><td><span class=\"conf conf-{}\">{}</span></td><td>{}</td></tr>",
            esc(&i.label),
            esc(&i.path),
            esc(&i.value),
            esc(i.range.as_deref().unwrap_or("")),
            esc(i.source.as_deref().unwrap_or("")),
            esc(conf),
            esc(conf),
            esc(i.note.as_deref().unwrap_or(""))
        );
    }
    o.push_str("</tbody></table>");
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"
[scenario]
id = "x"
[[site]]
id = "a"
lat = { value = 18.4, source = "GK", confidence = "medium" }
lon = 1.0
[[link]]
from = "a"
to = "b"
km = { value = 350, source = "S27", confidence = "high", low = 330, high = 400, note = "drivers' estimate" }
pace = [{ from = 2023-07-01, value = { value = 40, confidence = "low" } }, { from = 2023-08-01, value = 70 }]
[policy]
permit = [{ from = 2023-07-01, approval = { value = 0.9, source = "S1" } }]
[variants.x]
set = { "link[0].km" = { value = 1, source = "no" } }
"#;

    #[test]
    fn every_sourced_value_is_found_with_its_path() {
        let v = sourced_values(DOC);
        let paths: Vec<&str> = v.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(paths, ["site[0].lat", "link[0].km", "link[0].pace[0].value", "policy.permit[0].approval"]);
        let labels: Vec<&str> = v.iter().map(|i| i.label.as_str()).collect();
        assert_eq!(labels, ["site a · lat", "link a–b · km", "link a–b · pace from 2023-07-01 · value", "policy · permit from 2023-07-01 · approval"]);
        assert_eq!(v[1].range.as_deref(), Some("330–400"));
        assert_eq!(v[1].note.as_deref(), Some("drivers' estimate"));
        assert_eq!(v[1].source.as_deref(), Some("S27"));
        assert_eq!(v[2].confidence.as_deref(), Some("low"));
        assert!(table(&v).contains("<code>link[0].km</code>"));
    }

    #[test]
    fn a_file_without_sources_says_so() {
        assert!(sourced_values("[scenario]\nid = 1\n").is_empty());
        assert!(table(&[]).contains("no sources"));
    }
}
