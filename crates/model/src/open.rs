//! The one way a scenario is opened, by the command line and the server
//! alike: a scenario text and the changes asked of it, applied in a fixed
//! order and validated.
//!
//! 1. The plan: the scenario's own, another file's `[plan]`, or none.
//! 2. Variants (`[variants.NAME]`, in the order given), then `--set`
//!    overrides. Steps 1 and 2 edit one parsed document, written out once.
//! 3. Load: types and validation (`load::load`), diagnostics located in the
//!    edited text.
//! 4. A state (a state file, or one derived from the operations log) and/or
//!    a new start date: applied to the validated scenario (`state::apply`),
//!    which is written out and validated again, so that what runs is a
//!    scenario text like any other (its sourced values and ranges kept for
//!    the uncertain inputs) and its diagnostics point into that text.
//!
//! A failure carries the source its diagnostics refer to (the scenario, the
//! plan file or the state file), so that the caller can show the lines.

use std::str::FromStr;

use toml_edit::DocumentMut;

use crate::diag::{Diagnostic, Path, Seg};
use crate::load::{Loaded, Source, load};
use crate::overrides::{self, Override};
use crate::quantity::Date;
use crate::state::{self, State};

/// Which `[plan]` the scenario runs with.
#[derive(Debug, Clone, Default)]
pub enum PlanInput {
    /// The scenario's own plan.
    #[default]
    Own,
    /// The scenario's own plan if it is valid, else none: for commands that
    /// write a plan, which an error in the old one must not stop.
    OwnIfValid,
    /// The `[plan]` table of another file (as `drawdown plan` writes).
    File(Source),
    /// No plan at all (an empty `[plan]`).
    Empty,
}

/// Where the scenario stands when the run starts, if not at its start.
#[derive(Debug, Clone)]
pub enum StateInput {
    /// A state file, parsed here.
    File(Source),
    /// A state built by the caller (e.g. replayed from the operations log),
    /// with a name for messages about it.
    Given { state: Box<State>, name: String },
}

/// A scenario and the changes asked of it.
#[derive(Debug, Clone)]
pub struct Request {
    pub scenario: Source,
    pub plan: PlanInput,
    /// Variant names, applied in order before the overrides.
    pub variants: Vec<String>,
    pub overrides: Vec<Override>,
    pub state: Option<StateInput>,
    /// Start on this date (with a state: default its `as_of`).
    pub from: Option<Date>,
}

/// Why a scenario did not open: diagnostics and the text they refer to.
#[derive(Debug, Clone)]
pub struct Failure {
    pub source: Source,
    pub diagnostics: Vec<Diagnostic>,
}

impl Failure {
    fn new(source: &Source, diagnostics: Vec<Diagnostic>) -> Self {
        Failure { source: source.clone(), diagnostics }
    }
}

impl Request {
    /// The scenario as written: its own plan, no changes.
    pub fn new(scenario: Source) -> Self {
        Request { scenario, plan: PlanInput::Own, variants: Vec::new(), overrides: Vec::new(), state: None, from: None }
    }

    /// Adds `--set PATH=VALUE` arguments.
    pub fn with_sets<S: AsRef<str>>(mut self, sets: &[S]) -> Result<Self, Failure> {
        for s in sets {
            let o = Override::parse(s.as_ref()).map_err(|d| Failure::new(&self.scenario, vec![d]))?;
            self.overrides.push(o);
        }
        Ok(self)
    }
}

/// Opens a scenario: every step of the module's list, in order.
pub fn open(req: &Request) -> Result<(Source, Loaded), Failure> {
    let edited = edit(req)?;
    let (src, loaded) = match load(&edited) {
        Ok(loaded) => (edited, loaded),
        Err(d) if matches!(req.plan, PlanInput::OwnIfValid) && only_plan_errors(&d) => {
            // The changes asked for stay; only the plan goes.
            let mut doc = DocumentMut::from_str(&edited.text).map_err(|_| Failure::new(&edited, d.clone()))?;
            let stripped = Source::new(without_plan(&mut doc, &edited.name), doc.to_string());
            let loaded = load(&stripped).map_err(|d| Failure::new(&stripped, d))?;
            (stripped, loaded)
        }
        Err(d) => return Err(Failure::new(&edited, d)),
    };
    if req.state.is_none() && req.from.is_none() {
        return Ok((src, loaded));
    }
    with_state(req, &src, loaded)
}

/// Steps 1 and 2 on one parsed document. The source's name records what
/// was changed.
fn edit(req: &Request) -> Result<Source, Failure> {
    let base = &req.scenario;
    let unchanged = matches!(req.plan, PlanInput::Own | PlanInput::OwnIfValid)
        && req.variants.iter().all(|v| v == "baseline")
        && req.overrides.is_empty();
    if unchanged {
        return Ok(base.clone());
    }
    let mut doc = DocumentMut::from_str(&base.text).map_err(|e| {
        Failure::new(
            base,
            vec![
                Diagnostic::error(Path::root(), format!("invalid TOML in {}: {}", base.name, e.message()))
                    .hint("fix the file first: `drawdown check`"),
            ],
        )
    })?;
    let mut name = base.name.clone();
    match &req.plan {
        PlanInput::Own | PlanInput::OwnIfValid => {}
        PlanInput::File(plan) => {
            overrides::replace_plan(&mut doc, plan).map_err(|d| Failure::new(plan, d))?;
            name = format!("{name} (with the plan in {})", plan.name);
        }
        PlanInput::Empty => name = without_plan(&mut doc, &name),
    }
    let mut ovs = Vec::new();
    for v in &req.variants {
        ovs.extend(overrides::variant_in(&doc, &base.name, v).map_err(|d| Failure::new(base, vec![d]))?);
    }
    ovs.extend(req.overrides.iter().cloned());
    overrides::set_all(&mut doc, &ovs).map_err(|d| Failure::new(base, d))?;
    if !ovs.is_empty() {
        name = format!("{name} (with {})", overrides::origins(&ovs));
    }
    Ok(Source { cells: base.cells.clone(), ..Source::new(name, doc.to_string()) })
}

/// Empties the document's `[plan]`; the name that says so.
fn without_plan(doc: &mut DocumentMut, name: &str) -> String {
    doc.insert("plan", toml_edit::Item::Table(toml_edit::Table::new()));
    format!("{name} without its plan")
}

/// Only the `[plan]` is in error.
fn only_plan_errors(d: &[Diagnostic]) -> bool {
    d.iter().filter(|x| x.is_error()).all(|x| x.field.0.first().is_some_and(|s| *s == Seg::Key("plan".into())))
}

/// Step 4: the scenario as it stands on the state's day (or `from`),
/// written out and validated again.
fn with_state(req: &Request, src: &Source, loaded: Loaded) -> Result<(Source, Loaded), Failure> {
    let parsed;
    let (given, state_src): (Option<&State>, Source) = match &req.state {
        Some(StateInput::File(ss)) => {
            parsed = state::parse(ss).map_err(|d| Failure::new(ss, d))?;
            (Some(&parsed), ss.clone())
        }
        Some(StateInput::Given { state, name }) => (Some(state.as_ref()), Source::new(name.clone(), String::new())),
        None => (None, src.clone()),
    };
    let (scenario, mut warnings) =
        state::apply(&loaded.scenario, given.map(|st| (st, &state_src)), req.from).map_err(|mut d| {
            state::locate_all(&state_src, &mut d);
            Failure::new(&state_src, d)
        })?;
    let text = scenario.to_toml().map_err(|e| Failure::new(src, vec![Diagnostic::error(Path::root(), e)]))?;
    let applied = Source {
        cells: src.cells.clone(),
        ..Source::new(format!("{} as of {}", src.name, scenario.scenario.start), text)
    };
    let mut again = load(&applied).map_err(|d| Failure::new(&applied, d))?;
    warnings.append(&mut again.warnings);
    again.warnings = warnings;
    Ok((applied, again))
}

/// The scenario a command names: a file, or one of the embedded scenarios
/// by its id (`minusma-2023`, `minusma-2023-raw`) when no such file exists;
/// `None` is the embedded, calibrated MINUSMA scenario.
pub fn scenario_source(file: Option<&std::path::Path>) -> Result<Source, Failure> {
    let embedded = || Source::new(crate::MINUSMA_2023_NAME, crate::MINUSMA_2023);
    match file {
        None => Ok(embedded()),
        Some(p) if p.as_os_str() == crate::MINUSMA_2023_ID && !p.exists() => Ok(embedded()),
        Some(p) if p.as_os_str() == crate::MINUSMA_2023_RAW_ID && !p.exists() => {
            Ok(Source::new(crate::MINUSMA_2023_RAW_NAME, crate::MINUSMA_2023_RAW))
        }
        Some(p) => read(p),
    }
}

/// A file's text: a TOML file as it is, a workbook (`.xlsx`) or a folder of
/// CSV files as the TOML of their tables (`sheets`), with where each value
/// came from. A failure refers to an empty source of that name.
pub fn read(path: &std::path::Path) -> Result<Source, Failure> {
    crate::sheets::read(path).map_err(|d| Failure::new(&Source::new(path.display().to_string(), ""), d))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = include_str!("../../../tests/valid/minimal.toml");

    fn with_variant() -> Source {
        let text = format!(
            "{MINIMAL}\n[variants.late]\ndescription = \"later closure\"\nset = {{ \"plan.closure.camp.date\" = 2023-11-20 }}\n"
        );
        Source::new("minimal.toml", text)
    }

    fn closure(loaded: &Loaded) -> Date {
        loaded.scenario.plan.closures[0].date
    }

    #[test]
    fn unchanged_scenario_is_the_file_itself() {
        let src = with_variant();
        let (opened, loaded) = open(&Request::new(src.clone())).expect("opens");
        assert_eq!(opened.text, src.text);
        assert_eq!(closure(&loaded), Date::parse("2023-10-31").unwrap());
    }

    #[test]
    fn plan_then_variants_then_sets_in_order() {
        let plan = Source::new(
            "plan.toml",
            "[plan]\n[[plan.closure]]\nsite = \"camp\"\ndate = 2023-09-30\nto = \"hub\"\nfleet = \"trucks\"\n",
        );
        let base = Request { plan: PlanInput::File(plan), ..Request::new(with_variant()) };
        let (src, loaded) = open(&base).expect("the plan file's plan");
        assert_eq!(closure(&loaded), Date::parse("2023-09-30").unwrap());
        assert!(src.name.contains("plan.toml"), "{}", src.name);
        assert!(loaded.scenario.plan.lines.is_empty(), "the whole [plan] is replaced");
        // The variant applies to the replaced plan; a later --set wins over it.
        let varied = Request { variants: vec!["late".into()], ..base.clone() };
        assert_eq!(closure(&open(&varied).unwrap().1), Date::parse("2023-11-20").unwrap());
        let set = varied.with_sets(&["plan.closure.camp.date=2023-12-01"]).unwrap();
        let (src, loaded) = open(&set).unwrap();
        assert_eq!(closure(&loaded), Date::parse("2023-12-01").unwrap());
        assert!(src.name.contains("variant late") && src.name.contains("--set"), "{}", src.name);
    }

    #[test]
    fn failures_point_at_the_text_they_are_about() {
        let bad_plan = Source::new("plan.toml", "no plan here = 1\n");
        let f = open(&Request { plan: PlanInput::File(bad_plan), ..Request::new(with_variant()) }).unwrap_err();
        assert_eq!(f.source.name, "plan.toml");
        let f = open(&Request { variants: vec!["lat".into()], ..Request::new(with_variant()) }).unwrap_err();
        assert!(f.diagnostics[0].hint.as_deref().unwrap_or("").contains("late"), "did you mean: {:?}", f.diagnostics);
        let f = Request::new(with_variant()).with_sets(&["no-equals-sign"]).unwrap_err();
        assert!(f.diagnostics[0].message.contains("no `=`"));
    }

    #[test]
    fn a_broken_plan_is_dropped_only_when_asked() {
        let req = Request::new(with_variant()).with_sets(&["plan.closure.camp.to=nowhere"]).unwrap();
        assert!(open(&req).is_err(), "the scenario's own plan must be valid");
        let (src, loaded) = open(&Request { plan: PlanInput::OwnIfValid, ..req }).expect("opens without its plan");
        assert!(loaded.scenario.plan.closures.is_empty());
        assert!(src.name.ends_with("without its plan"), "{}", src.name);
    }

    #[test]
    fn a_start_date_rewrites_and_revalidates_the_scenario() {
        let from = Date::parse("2023-08-01").unwrap();
        let (src, loaded) = open(&Request { from: Some(from), ..Request::new(with_variant()) }).expect("opens");
        assert_eq!(loaded.scenario.scenario.start, from);
        assert!(src.name.contains("as of 2023-08-01"), "{}", src.name);
        // What runs is a scenario text like any other.
        assert_eq!(load(&src).unwrap().scenario.scenario.start, from);
    }
}
