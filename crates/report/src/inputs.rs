//! The report's table of sourced inputs (the values themselves are found by
//! `drawdown_model::sourced`).

use std::fmt::Write;

pub use drawdown_model::sourced::{SourcedValue as Input, sourced_values};

use crate::svg::esc;

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
        assert_eq!(
            labels,
            [
                "site a · lat",
                "link a–b · km",
                "link a–b · pace from 2023-07-01 · value",
                "policy · permit from 2023-07-01 · approval"
            ]
        );
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
