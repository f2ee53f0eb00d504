//! Reading a scenario file: TOML syntax, then types, then validation, with
//! every problem located in the source.
//!
//! Spans come from a second, lossless parse with `toml_edit`: typed values
//! stay plain (no `Spanned<T>` everywhere) and any diagnostic that names a
//! field path can be pointed at its line and column.

use std::ops::Range;

use toml_edit::{Document, Item, Table, Value};

use crate::diag::{Diagnostic, Path, Seg};
use crate::scenario::Scenario;
use crate::validate::validate;

/// A scenario's text and the name to show for it in messages.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub text: String,
    /// For a scenario read from a workbook or CSV folder (whose `text` is
    /// the TOML made from its tables): where each value is in the tables.
    pub cells: Option<std::sync::Arc<crate::sheets::Cells>>,
}

impl Source {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        Source { name: name.into(), text: text.into(), cells: None }
    }
    /// Reads a file; an unreadable file is a diagnostic, not a panic.
    // Reading happens once per run; boxing the diagnostic would buy nothing.
    #[allow(clippy::result_large_err)]
    pub fn read(path: &std::path::Path) -> Result<Source, Diagnostic> {
        let name = path.display().to_string();
        match std::fs::read(path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => Ok(Source { name, text, cells: None }),
                Err(e) => {
                    let at = e.utf8_error().valid_up_to();
                    let line = e.as_bytes()[..at].iter().filter(|b| **b == b'\n').count() + 1;
                    Err(Diagnostic::error(
                        Path::root(),
                        format!("{name} is not valid UTF-8 text (line {line}, byte {at})"),
                    )
                    .expected("a UTF-8 encoded TOML scenario file")
                    .hint("save the file as UTF-8"))
                }
            },
            Err(e) => Err(Diagnostic::error(Path::root(), format!("cannot read {name}: {e}"))
                .expected("a readable scenario file (TOML)")
                .hint("check the path; `drawdown check` with no file checks the embedded MINUSMA scenario")),
        }
    }
}

/// A scenario that passed validation, with its warnings.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub scenario: Scenario,
    pub warnings: Vec<Diagnostic>,
}

/// Parses and validates. `Err` holds at least one error (and any warnings).
pub fn load(src: &Source) -> Result<Loaded, Vec<Diagnostic>> {
    let doc = match Document::parse(src.text.as_str()) {
        Ok(doc) => doc,
        Err(e) => {
            let mut d = Diagnostic::error(Path::root(), format!("invalid TOML: {}", first_line(e.message())))
                .expected("TOML syntax (https://toml.io)")
                .hint("check quotes, brackets and `=` near the marked position");
            d.span = e.span();
            return Err(vec![d]);
        }
    };
    if doc.as_table().is_empty() {
        return Err(vec![Diagnostic::error(Path::root(), "the scenario file is empty")
            .expected("a [scenario] table (id, name, start, deadline), then [[site]], [[link]], [[personnel]] and a [plan]")
            .hint("start from tests/valid/minimal.toml or scenarios/minusma-2023.toml")]);
    }
    let scenario: Scenario = match toml::from_str(&src.text) {
        Ok(s) => s,
        Err(e) => return Err(vec![type_error(&doc, &e)]),
    };
    let mut diags = validate(&scenario);
    for d in &mut diags {
        if d.span.is_none() {
            d.span = locate(&doc, &d.field);
        }
    }
    diags.sort_by_key(|d| (std::cmp::Reverse(d.severity), d.span.as_ref().map_or(usize::MAX, |s| s.start)));
    if diags.iter().any(Diagnostic::is_error) { Err(diags) } else { Ok(Loaded { scenario, warnings: diags }) }
}

fn first_line(s: &str) -> &str {
    s.trim().lines().next().unwrap_or("")
}

/// Turns a serde error into a diagnostic with a field path and a hint.
fn type_error(doc: &Document<&str>, e: &toml::de::Error) -> Diagnostic {
    let span = e.span();
    let field = span.as_ref().map(|s| path_at(doc, s.start)).unwrap_or_default();
    let msg = first_line(e.message()).to_string();
    let mut d = Diagnostic::error(field.clone(), msg.clone());
    d.span = span;
    let name = field
        .0
        .iter()
        .rev()
        .find_map(|s| match s {
            Seg::Key(k) if k != "value" => Some(k.as_str()),
            _ => None,
        })
        .unwrap_or("value");
    let whole = msg.contains("expected a whole number");
    let found = msg.split('`').nth(1).unwrap_or("");
    if whole && msg.starts_with("invalid value: integer `") {
        let big = found.parse::<i64>().is_ok_and(|v| v > u32::MAX as i64);
        if big {
            d.message = format!("`{name}` is too large: {found}");
            d.expected = Some("a whole number from 0 to 4294967295".into());
            d.hint = Some("check for extra digits".into());
        } else {
            d.message = format!("`{name}` must be a whole number >= 0, found {found}");
            d.expected = Some("a whole number >= 0".into());
            d.hint = Some("counts cannot be negative; use 0, or remove the entry, if there are none".into());
        }
    } else if whole && msg.starts_with("invalid value: floating point `") {
        d.message = format!("`{name}` must be a whole number, found {found}");
        d.expected = Some("a whole number >= 0 (no decimal point)".into());
        d.hint = Some("counts are whole numbers; round the value".into());
    } else if let Some(rest) = msg.strip_prefix("unknown field `") {
        let name = rest.split('`').next().unwrap_or("");
        let known: Vec<&str> =
            msg.split("expected ").nth(1).map(|s| s.split('`').skip(1).step_by(2).collect()).unwrap_or_default();
        d.expected = Some(if known.is_empty() {
            "no other fields here".into()
        } else {
            format!("one of: {}", known.join(", "))
        });
        d.hint =
            crate::diag::did_you_mean(name, known.iter().copied()).or(Some("remove the field or fix its name".into()));
    } else if let Some(rest) = msg.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or("");
        d.expected = Some(format!("a `{name}` field in this table"));
        d.hint = Some(if field.0.is_empty() && matches!(name, "scenario" | "plan" | "policy" | "march") {
            format!("add a [{name}] table; docs/scenario-format.md lists every field")
        } else {
            format!("add `{name} = ...`; docs/scenario-format.md lists every field")
        });
    } else if msg.starts_with("unknown variant") {
        let wrong = msg.split('`').nth(1).unwrap_or("");
        let known: Vec<&str> =
            msg.split("expected ").nth(1).map(|s| s.split('`').skip(1).step_by(2).collect()).unwrap_or_default();
        d.expected = Some(format!("one of: {}", known.join(", ")));
        d.hint =
            crate::diag::did_you_mean(wrong, known.iter().copied()).or(Some("use one of the listed values".into()));
    } else if let Some(exp) = msg.split(", expected ").nth(1) {
        d.expected = Some(exp.to_string());
        d.hint = Some("see docs/scenario-format.md for this field".into());
    } else {
        d.hint = Some("see docs/scenario-format.md for this field".into());
    }
    d
}

/// The byte span of the value at `path`, or of the closest enclosing item
/// that exists (a missing field points at its table).
pub fn locate(doc: &Document<&str>, path: &Path) -> Option<Range<usize>> {
    enum Node<'a> {
        Table(&'a Table),
        Item(&'a Item),
        Value(&'a Value),
    }
    let mut node = Node::Table(doc.as_table());
    let mut best = None;
    for seg in &path.0 {
        if let Node::Item(Item::Table(t)) = node {
            node = Node::Table(t);
        } else if let Node::Item(Item::Value(v)) = node {
            node = Node::Value(v);
        }
        node = match (seg, node) {
            (Seg::Key(k), Node::Table(t)) => match t.get_key_value(k) {
                Some((key, item)) => {
                    best = item.span().or_else(|| key.span()).or(best);
                    Node::Item(item)
                }
                None => break,
            },
            (Seg::Index(i), Node::Item(Item::ArrayOfTables(a))) => match a.get(*i) {
                Some(t) => {
                    best = t.span().or(best);
                    Node::Table(t)
                }
                None => break,
            },
            (Seg::Key(k), Node::Value(Value::InlineTable(t))) => match t.get(k) {
                Some(v) => {
                    best = v.span().or(best);
                    Node::Value(v)
                }
                None => break,
            },
            (Seg::Index(i), Node::Value(Value::Array(a))) => match a.get(*i) {
                Some(v) => {
                    best = v.span().or(best);
                    Node::Value(v)
                }
                None => break,
            },
            _ => break,
        };
    }
    best
}

/// The deepest field path whose span contains `offset`.
pub fn path_at(doc: &Document<&str>, offset: usize) -> Path {
    let mut path = Path::root();
    walk_table(doc.as_table(), offset, &mut path);
    path
}

fn contains(span: Option<Range<usize>>, offset: usize) -> bool {
    span.is_some_and(|s| s.start <= offset && offset <= s.end)
}

fn walk_table(t: &Table, offset: usize, path: &mut Path) -> bool {
    for (k, item) in t.iter() {
        let key_hit = t.key(k).is_some_and(|key| contains(key.span(), offset));
        match item {
            Item::Table(sub) => {
                path.0.push(Seg::Key(k.to_string()));
                if walk_table(sub, offset, path) || key_hit {
                    return true;
                }
                path.0.pop();
            }
            Item::ArrayOfTables(arr) => {
                for (i, sub) in arr.iter().enumerate() {
                    path.0.push(Seg::Key(k.to_string()));
                    path.0.push(Seg::Index(i));
                    if walk_table(sub, offset, path) || contains(sub.span(), offset) {
                        return true;
                    }
                    path.0.truncate(path.0.len() - 2);
                }
            }
            Item::Value(v) => {
                if key_hit || contains(v.span(), offset) {
                    path.0.push(Seg::Key(k.to_string()));
                    walk_value(v, offset, path);
                    return true;
                }
            }
            Item::None => {}
        }
    }
    false
}

fn walk_value(v: &Value, offset: usize, path: &mut Path) {
    match v {
        Value::InlineTable(t) => {
            for (k, sub) in t.iter() {
                let key_hit = t.key(k).is_some_and(|key| contains(key.span(), offset));
                if key_hit || contains(sub.span(), offset) {
                    path.0.push(Seg::Key(k.to_string()));
                    walk_value(sub, offset, path);
                    return;
                }
            }
        }
        Value::Array(a) => {
            for (i, sub) in a.iter().enumerate() {
                if contains(sub.span(), offset) {
                    path.0.push(Seg::Index(i));
                    walk_value(sub, offset, path);
                    return;
                }
            }
        }
        _ => {}
    }
}
