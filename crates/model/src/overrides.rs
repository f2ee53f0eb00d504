//! Variants without copying files: `--set PATH=VALUE` and named
//! `[variants.NAME]` tables change fields of the scenario document before it
//! is parsed, so a variant is validated exactly like the file itself.
//!
//! A path walks the document: table keys (`policy.permit`), entries of an
//! array of tables by index (`link[3]` or `link.3`) or by the value of their
//! `id`, `site`, `zone` or `group` field (`fleet.gao-trucks`,
//! `plan.closure.kidal`), then keys inside inline tables. Plural table names
//! are accepted (`sites.kidal.lat`), `start`/`end` stand for `from`/`to`, and
//! `site.ID.closure` is short for `plan.closure.ID.date`. Setting a sourced
//! number (`{ value = .., source = .. }`) replaces its value and keeps its
//! provenance.

use std::str::FromStr;

use toml_edit::{DocumentMut, Item, Value};

use crate::diag::{Diagnostic, Path, did_you_mean};
use crate::load::Source;

/// One change to a scenario document.
#[derive(Debug, Clone)]
pub struct Override {
    pub path: String,
    pub value: Value,
    /// Where it came from, for messages: `--set PATH=VALUE` or `variant NAME`.
    pub origin: String,
}

impl Override {
    /// Parses `PATH=VALUE`; VALUE is a TOML value (number, date, string,
    /// boolean, array, inline table), or else taken as a plain string.
    pub fn parse(arg: &str) -> Result<Override, Diagnostic> {
        let Some((path, value)) = arg.split_once('=') else {
            return Err(Diagnostic::error(Path::root(), format!("`--set {arg}` has no `=`"))
                .expected("--set PATH=VALUE, e.g. --set plan.closure.kidal.date=2023-11-20")
                .hint("docs/scenario-format.md lists the fields; paths use ids: site.kidal.lat"));
        };
        let (path, raw) = (path.trim(), value.trim());
        if path.is_empty() {
            return Err(
                Diagnostic::error(Path::root(), format!("`--set {arg}` has an empty path")).expected("PATH=VALUE")
            );
        }
        let value = Value::from_str(raw).unwrap_or_else(|_| Value::from(raw));
        Ok(Override { path: path.to_string(), value, origin: format!("--set {path}={raw}") })
    }
}

/// Names and descriptions of the variants a scenario defines.
pub fn variant_names(src: &Source) -> Vec<(String, String)> {
    let Ok(doc) = DocumentMut::from_str(&src.text) else {
        return Vec::new();
    };
    let Some(vars) = doc.get("variants").and_then(Item::as_table_like) else {
        return Vec::new();
    };
    vars.iter()
        .map(|(k, v)| {
            let desc = v.get("description").and_then(Item::as_str).unwrap_or("").to_string();
            (k.to_string(), desc)
        })
        .collect()
}

/// The overrides of the named variant of a parsed document (`baseline` is
/// the empty variant; `doc_name` is the document's name in messages).
pub fn variant_in(doc: &DocumentMut, doc_name: &str, name: &str) -> Result<Vec<Override>, Diagnostic> {
    if name == "baseline" {
        return Ok(Vec::new());
    }
    let Some(var) = doc.get("variants").and_then(|v| v.get(name)) else {
        let names = doc
            .get("variants")
            .and_then(Item::as_table_like)
            .map(|t| t.iter().map(|(k, _)| k.to_string()).collect::<Vec<_>>())
            .unwrap_or_default();
        let known: Vec<&str> = names.iter().map(String::as_str).collect();
        return Err(Diagnostic::error(Path::parse("variants"), format!("{doc_name} has no variant `{name}`"))
            .expected(if known.is_empty() {
                "a [variants.NAME] table in the scenario".to_string()
            } else {
                format!("baseline or one of: {}", known.join(", "))
            })
            .hint(
                did_you_mean(name, known.iter().copied())
                    .unwrap_or_else(|| "define it as [variants.NAME] with set = { \"PATH\" = VALUE }".into()),
            ));
    };
    let Some(set) = var.get("set").and_then(Item::as_table_like) else {
        return Ok(Vec::new());
    };
    Ok(set
        .iter()
        .filter_map(|(k, v)| {
            v.as_value().map(|v| Override { path: k.to_string(), value: v.clone(), origin: format!("variant {name}") })
        })
        .collect())
}

/// Applies overrides to a scenario's text; the result is a new source to
/// load and validate. The source name records the variant.
pub fn apply(src: &Source, overrides: &[Override]) -> Result<Source, Vec<Diagnostic>> {
    if overrides.is_empty() {
        return Ok(src.clone());
    }
    let mut doc = DocumentMut::from_str(&src.text).map_err(|e| {
        vec![
            Diagnostic::error(Path::root(), format!("invalid TOML: {}", e.message()))
                .hint("fix the file first: `drawdown check`"),
        ]
    })?;
    set_all(&mut doc, overrides)?;
    Ok(Source::new(format!("{} (with {})", src.name, origins(overrides)), doc.to_string()))
}

/// Applies overrides to a parsed document, in order; every failing one is
/// reported.
pub fn set_all(doc: &mut DocumentMut, overrides: &[Override]) -> Result<(), Vec<Diagnostic>> {
    let errors: Vec<Diagnostic> = overrides.iter().filter_map(|o| set(doc, o).err()).collect();
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

/// Where a set of overrides came from, for a source's name: each origin once.
pub fn origins(overrides: &[Override]) -> String {
    let set: std::collections::BTreeSet<&str> = overrides.iter().map(|o| o.origin.as_str()).collect();
    set.into_iter().collect::<Vec<_>>().join(", ")
}

/// Replaces the scenario's `[plan]` with the one in `plan` (a file holding a
/// `[plan]` table, as `drawdown plan` writes), so a plan can be evaluated
/// against the scenario it was made for.
pub fn with_plan(src: &Source, plan: &Source) -> Result<Source, Vec<Diagnostic>> {
    let mut doc = DocumentMut::from_str(&src.text)
        .map_err(|e| plan_error(format!("invalid TOML in {}: {}", src.name, e.message())))?;
    replace_plan(&mut doc, plan)?;
    Ok(Source::new(format!("{} (with the plan in {})", src.name, plan.name), doc.to_string()))
}

/// `with_plan` on a parsed document.
pub fn replace_plan(doc: &mut DocumentMut, plan: &Source) -> Result<(), Vec<Diagnostic>> {
    let plan_doc = DocumentMut::from_str(&plan.text)
        .map_err(|e| plan_error(format!("invalid TOML in {}: {}", plan.name, e.message())))?;
    let Some(table) = plan_doc.get("plan") else {
        return Err(plan_error(format!("{} has no [plan] table", plan.name)));
    };
    doc.insert("plan", table.clone());
    Ok(())
}

fn plan_error(msg: String) -> Vec<Diagnostic> {
    vec![
        Diagnostic::error(Path::parse("plan"), msg)
            .expected("a TOML file with a [plan] table ([[plan.closure]], [[plan.line]], ...)")
            .hint("`drawdown plan --out FILE` writes one"),
    ]
}

fn canonical(path: &str) -> String {
    let segs: Vec<&str> = path.split('.').collect();
    if segs.len() == 3 && (segs[0] == "site" || segs[0] == "sites") && segs[2] == "closure" {
        return format!("plan.closure.{}.date", segs[1]);
    }
    path.to_string()
}

/// Splits `a.b[3].c` into `a`, `b`, `3`, `c`.
fn segments(path: &str) -> Vec<String> {
    path.split('.')
        .flat_map(|p| {
            let mut out = Vec::new();
            let mut rest = p;
            if let Some(i) = rest.find('[') {
                out.push(rest[..i].to_string());
                rest = &rest[i..];
                while let Some(s) = rest.strip_prefix('[') {
                    let end = s.find(']').unwrap_or(s.len());
                    out.push(s[..end].to_string());
                    rest = s.get(end + 1..).unwrap_or("");
                }
            } else {
                out.push(rest.to_string());
            }
            out
        })
        .filter(|s| !s.is_empty())
        .collect()
}

/// Top-level tables of the scenario that may be absent (all their fields have defaults).
const OPTIONAL_TABLES: [&str; 6] = ["march", "policy", "plan", "planner", "situation", "calibration"];

fn set(doc: &mut DocumentMut, o: &Override) -> Result<(), Diagnostic> {
    let path = canonical(&o.path);
    let segs = segments(&path);
    let err = |msg: String, expected: String, hint: Option<String>| {
        let d = Diagnostic::error(Path::parse(&o.path), format!("{}: {msg}", o.origin)).expected(expected);
        match hint {
            Some(h) => d.hint(h),
            None => d.hint(
                "paths use table names and ids, e.g. plan.closure.kidal.date, fleet.gao-trucks.trucks, link[3].km",
            ),
        }
    };
    let mut item: &mut Item = doc.as_item_mut();
    for (i, seg) in segs.iter().enumerate() {
        let last = i + 1 == segs.len();
        item = match item {
            Item::Table(t) => {
                // An optional top-level table the file leaves out is created
                // when a path reaches into it (validation checks its fields).
                if i == 0 && !last && OPTIONAL_TABLES.contains(&seg.as_str()) && !t.contains_key(seg) {
                    t.insert(seg, Item::Table(toml_edit::Table::new()));
                }
                let key = resolve_key(seg, t.iter().map(|(k, _)| k.to_string()).collect(), last);
                match key {
                    Ok(k) => {
                        if last && !t.contains_key(&k) {
                            t.insert(&k, Item::Value(o.value.clone()));
                            return Ok(());
                        }
                        t.get_mut(&k).expect("key resolved")
                    }
                    Err(known) => {
                        return Err(err(
                            format!("no field `{seg}` here"),
                            format!("one of: {}", known.join(", ")),
                            did_you_mean(seg, known.iter().map(String::as_str)),
                        ));
                    }
                }
            }
            Item::ArrayOfTables(arr) => {
                let n = arr.len();
                let pos = select(
                    seg,
                    arr.iter()
                        .map(|t| [field(t, "id"), field(t, "site"), field(t, "zone"), field(t, "group")])
                        .collect(),
                );
                match pos {
                    Ok(p) => {
                        let t = arr.get_mut(p).expect("selected entry exists");
                        // Continue into the table as an item.
                        return set_in_table(t, &segs[i + 1..], o, &err);
                    }
                    Err(e) => return Err(err(e, format!("an index below {n} or the id of an entry"), None)),
                }
            }
            Item::Value(v) => return set_in_value(v, &segs[i..], o, &err),
            Item::None => return Err(err(format!("`{seg}` does not exist"), "an existing field".into(), None)),
        };
        if last {
            return assign(item, &o.value);
        }
    }
    Err(err("the path is empty".into(), "a field path".into(), None))
}

type ErrFn<'a> = dyn Fn(String, String, Option<String>) -> Diagnostic + 'a;

fn set_in_table(t: &mut toml_edit::Table, segs: &[String], o: &Override, err: &ErrFn) -> Result<(), Diagnostic> {
    let Some((seg, rest)) = segs.split_first() else {
        return Err(err("the path ends at a whole table".into(), "a field of that entry, e.g. ….km".into(), None));
    };
    let key = resolve_key(seg, t.iter().map(|(k, _)| k.to_string()).collect(), rest.is_empty());
    let k = key.map_err(|known| {
        err(
            format!("no field `{seg}` here"),
            format!("one of: {}", known.join(", ")),
            did_you_mean(seg, known.iter().map(String::as_str)),
        )
    })?;
    if rest.is_empty() {
        match t.get_mut(&k) {
            Some(item) => assign(item, &o.value),
            None => {
                t.insert(&k, Item::Value(o.value.clone()));
                Ok(())
            }
        }
    } else {
        match t.get_mut(&k) {
            Some(Item::Value(v)) => set_in_value(v, rest, o, err),
            Some(Item::Table(sub)) => set_in_table(sub, rest, o, err),
            _ => Err(err(format!("`{seg}` has no fields"), "a table or inline table".into(), None)),
        }
    }
}

fn set_in_value(v: &mut Value, segs: &[String], o: &Override, err: &ErrFn) -> Result<(), Diagnostic> {
    let Some((seg, rest)) = segs.split_first() else {
        *v = keep_decor(v, merge_sourced(v, &o.value));
        return Ok(());
    };
    let child: &mut Value = match v {
        Value::InlineTable(t) => {
            let key = resolve_key(seg, t.iter().map(|(k, _)| k.to_string()).collect(), rest.is_empty());
            let k = key.map_err(|known| {
                err(format!("no field `{seg}` here"), format!("one of: {}", known.join(", ")), None)
            })?;
            if rest.is_empty() && !t.contains_key(&k) {
                t.insert(&k, o.value.clone());
                return Ok(());
            }
            t.get_mut(&k).expect("key resolved")
        }
        Value::Array(a) => {
            let n = a.len();
            let pos = select(
                seg,
                a.iter()
                    .map(|x| {
                        x.as_inline_table().map_or([None, None, None, None], |t| {
                            [ifield(t, "id"), ifield(t, "site"), ifield(t, "zone"), ifield(t, "group")]
                        })
                    })
                    .collect(),
            );
            let p = pos.map_err(|e| err(e, format!("an index below {n}"), None))?;
            a.get_mut(p).expect("selected")
        }
        _ => return Err(err(format!("`{seg}`: this value has no fields"), "a table".into(), None)),
    };
    set_in_value(child, rest, o, err)
}

fn field(t: &toml_edit::Table, k: &str) -> Option<String> {
    t.get(k).and_then(Item::as_str).map(str::to_string)
}

fn ifield(t: &toml_edit::InlineTable, k: &str) -> Option<String> {
    t.get(k).and_then(Value::as_str).map(str::to_string)
}

/// The key to use for `seg` among `keys`: itself, its singular, or an alias.
fn resolve_key(seg: &str, keys: Vec<String>, last: bool) -> Result<String, Vec<String>> {
    let alias = match seg {
        "start" if !keys.iter().any(|k| k == "start") => "from",
        "end" => "to",
        s => s,
    };
    for cand in [alias.to_string(), alias.strip_suffix('s').unwrap_or(alias).to_string()] {
        if keys.contains(&cand) {
            return Ok(cand);
        }
    }
    // A missing optional leaf field may be added (validation checks it).
    if last {
        return Ok(alias.to_string());
    }
    Err(keys)
}

/// The entry an index or selector names.
fn select(seg: &str, fields: Vec<[Option<String>; 4]>) -> Result<usize, String> {
    if let Ok(i) = seg.parse::<usize>() {
        return if i < fields.len() {
            Ok(i)
        } else {
            Err(format!("index {i} is out of range ({} entries)", fields.len()))
        };
    }
    for f in 0..4 {
        let hits: Vec<usize> =
            fields.iter().enumerate().filter(|(_, x)| x[f].as_deref() == Some(seg)).map(|(i, _)| i).collect();
        match hits.len() {
            0 => continue,
            1 => return Ok(hits[0]),
            n => {
                return Err(format!(
                    "`{seg}` matches {n} entries (indices {hits:?}); use an index such as [{}]",
                    hits[0]
                ));
            }
        }
    }
    let known = fields.iter().flatten().flatten().map(String::as_str);
    let guess = crate::diag::did_you_mean(seg, known).map(|g| format!("; {g}")).unwrap_or_default();
    Err(format!("no entry with id, site, zone or group `{seg}`{guess}"))
}

/// Sets an item, keeping the provenance of a sourced number.
fn assign(item: &mut Item, value: &Value) -> Result<(), Diagnostic> {
    match item {
        Item::Value(v) => {
            *v = keep_decor(v, merge_sourced(v, value));
        }
        other => *other = Item::Value(value.clone()),
    }
    Ok(())
}

fn merge_sourced(old: &Value, new: &Value) -> Value {
    if let (Value::InlineTable(t), false) = (old, new.is_inline_table())
        && t.contains_key("value")
    {
        let mut t = t.clone();
        t.insert("value", new.clone());
        return Value::InlineTable(t);
    }
    new.clone()
}

fn keep_decor(old: &Value, mut new: Value) -> Value {
    *new.decor_mut() = old.decor().clone();
    new
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"
[scenario]
id = "x"
[[site]]
id = "kidal"
lat = { value = 18.4, source = "GK" }
[[policy.customs_hold]]
id = "gao-trucks"
site = "gao"
trucks = 200
from = 2023-09-24
[[plan.closure]]
site = "kidal"
date = 2023-10-31
[variants.late-kidal]
description = "Kidal as planned"
set = { "site.kidal.closure" = 2023-11-20 }
"#;

    fn applied(sets: &[&str]) -> String {
        let src = Source::new("t.toml", DOC);
        let ovs: Vec<Override> = sets.iter().map(|s| Override::parse(s).unwrap()).collect();
        apply(&src, &ovs).map_err(|e| format!("{e:?}")).unwrap().text
    }

    #[test]
    fn ids_plurals_and_aliases_resolve() {
        let t = applied(&["policy.customs_holds.gao.end=2023-09-25", "sites.kidal.closure=2023-11-20"]);
        assert!(t.contains("to = 2023-09-25"), "{t}");
        assert!(t.contains("date = 2023-11-20"), "{t}");
    }

    #[test]
    fn a_sourced_number_keeps_its_source() {
        let t = applied(&["site.kidal.lat=18.5"]);
        assert!(t.contains("lat = { value = 18.5, source = \"GK\" }"), "{t}");
    }

    #[test]
    fn variants_are_read_from_the_file() {
        let src = Source::new("t.toml", DOC);
        assert_eq!(variant_names(&src), vec![("late-kidal".to_string(), "Kidal as planned".to_string())]);
        let doc = DocumentMut::from_str(&src.text).unwrap();
        let variant = |name: &str| variant_in(&doc, &src.name, name);
        let ovs = variant("late-kidal").unwrap();
        assert!(apply(&src, &ovs).unwrap().text.contains("date = 2023-11-20"));
        assert!(variant("baseline").unwrap().is_empty());
        let e = variant("late-kidel").unwrap_err();
        assert!(e.hint.unwrap().contains("late-kidal"));
    }

    #[test]
    fn an_absent_optional_table_is_created_but_not_an_unknown_one() {
        let t = applied(&["planner.gap=0.05", "march.pace_kmh=30"]);
        assert!(t.contains("[planner]\ngap = 0.05"), "{t}");
        assert!(t.contains("[march]\npace_kmh = 30"), "{t}");
        let src = Source::new("t.toml", DOC);
        let e = apply(&src, &[Override::parse("planer.gap=0.05").unwrap()]).unwrap_err();
        assert!(e[0].message.contains("no field `planer`"), "{}", e[0].message);
    }

    #[test]
    fn bad_paths_are_errors_naming_the_override() {
        let src = Source::new("t.toml", DOC);
        for bad in [
            "fleet.nothing.trucks=3",
            "plan.closure.timbuktu.date=2023-12-01",
            "scenario.id.x=1",
            "policy.customs_hold[9].trucks=1",
        ] {
            let e = apply(&src, &[Override::parse(bad).unwrap()]).unwrap_err();
            assert!(e[0].message.contains("--set"), "{bad}: {}", e[0].message);
        }
        assert!(Override::parse("no-equals-sign").is_err());
    }

    #[test]
    fn a_misspelt_id_gets_a_did_you_mean() {
        let src = Source::new("t.toml", DOC);
        let e = apply(&src, &[Override::parse("site.kidall.closure=2023-11-20").unwrap()]).unwrap_err();
        assert!(e[0].message.contains("did you mean `kidal`?"), "{}", e[0].message);
        let e = apply(&src, &[Override::parse("site.xyzzy.lat=1").unwrap()]).unwrap_err();
        assert!(!e[0].message.contains("did you mean"), "nothing close: {}", e[0].message);
    }
}
