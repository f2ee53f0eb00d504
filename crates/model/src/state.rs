//! The state of an operation in progress, and applying it to a scenario.
//!
//! A state file says what has already happened on a date: which sites are
//! closed (and where their closing convoy went), where every person and
//! item still in the country is now, which trucks are held, and how many
//! people and items are already out. Applying it yields a scenario that
//! starts on that date, so the planner, `simulate` and `check` all work
//! from it. `docs/scenario-format.md` documents the format.

use serde::{Deserialize, Serialize};
use toml_edit::Document;

use crate::diag::{Diagnostic, Path};
use crate::load::{Source, locate, path_at};
use crate::quantity::{Count, Date, Num, SourcedDate};
use crate::scenario::{Closure, CustomsHold, EquipmentLot, PersonnelGroup, Scenario, SiteKind};

/// A whole state file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct State {
    /// The date the state describes (at 00:00): the re-planned scenario starts then.
    pub as_of: Date,
    /// Already out of the country, for the totals.
    #[serde(default)]
    pub out: Out,
    #[serde(default)]
    pub closed: Vec<ClosedSite>,
    /// Where the people still in the country are now (the scenario's `[[personnel]]` schema).
    #[serde(default)]
    pub personnel: Vec<PersonnelGroup>,
    /// Where the items still in the country are now (the scenario's `[[equipment]]` schema).
    #[serde(default)]
    pub equipment: Vec<EquipmentLot>,
    /// Trucks held (e.g. at customs) from `as_of`.
    #[serde(default)]
    pub held: Vec<Held>,
}

/// `[out]`: counts already out of the country on `as_of`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Out {
    #[serde(default)]
    pub personnel: Option<Count>,
    #[serde(default)]
    pub items: Option<Count>,
}

/// `[[closed]]`: a site already closed.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClosedSite {
    pub site: String,
    pub date: Date,
    /// Where its closing convoy went (plan closures and lines aimed at the site go there instead).
    pub to: String,
}

/// `[[held]]`: trucks (and litres of fuel) held at a site from `as_of`
/// until `to` (exclusive; none: past the horizon).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Held {
    pub site: String,
    pub trucks: Count,
    /// Litres of the site's fuel held.
    #[serde(default)]
    pub litres: Option<Num>,
    #[serde(default)]
    pub to: Option<Date>,
}

/// Parses a state file; errors are located in it.
pub fn parse(src: &Source) -> Result<State, Vec<Diagnostic>> {
    let doc = match Document::parse(src.text.as_str()) {
        Ok(doc) => doc,
        Err(e) => {
            let mut d = Diagnostic::error(
                Path::root(),
                format!("invalid TOML: {}", e.message().trim().lines().next().unwrap_or("")),
            )
            .expected("TOML syntax (https://toml.io)")
            .hint("check quotes, brackets and `=` near the marked position");
            d.span = e.span();
            return Err(vec![d]);
        }
    };
    toml::from_str::<State>(&src.text).map_err(|e| {
        let span = e.span();
        let field = span.as_ref().map(|s| path_at(&doc, s.start)).unwrap_or_default();
        let mut d = Diagnostic::error(field, e.message().trim().lines().next().unwrap_or("").to_string())
            .expected("a state file: as_of, [out], [[closed]], [[personnel]], [[equipment]], [[held]]")
            .hint("docs/scenario-format.md (\"State file\") lists every field");
        d.span = span;
        vec![d]
    })
}

/// A site's state in an operation in progress: what the operations log
/// says of it (`open` until it closes; a closure by handover or seizure
/// says who took it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SiteState {
    Open,
    /// Vacated; nobody recorded as having taken it yet.
    Closed,
    HandedOver,
    Seized,
}

impl SiteState {
    /// Closed in any way (vacated, handed over or seized).
    pub fn is_closed(self) -> bool {
        self != SiteState::Open
    }
}

/// Where people and items sent to `site` are now: along the closing
/// convoys of closed sites (`closed`), to the first site that is not closed.
/// Closures never form a cycle (a site is not closed towards itself); the
/// walk stops after as many steps as there are closures regardless.
pub fn follow_closed<'a>(closed: &'a [ClosedSite], site: &'a str) -> &'a str {
    let mut at = site;
    for _ in 0..=closed.len() {
        match closed.iter().find(|c| c.site == at) {
            Some(c) => at = c.to.as_str(),
            None => break,
        }
    }
    at
}

/// Applies a state (and/or a new start date) to a scenario. `from` defaults
/// to the state's `as_of` and may not be before it. Errors are located in
/// the state file (`state_src`); nothing is applied unless every check passes.
pub fn apply(
    s: &Scenario,
    state: Option<(&State, &Source)>,
    from: Option<Date>,
) -> Result<(Scenario, Vec<Diagnostic>), Vec<Diagnostic>> {
    let as_of = state.map(|x| x.0.as_of);
    let start = from.or(as_of).unwrap_or(s.scenario.start);
    let mut errs = check_start(s, as_of, from, start);
    if let Some((st, _)) = state {
        errs.extend(check_state(s, st, start));
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    let mut t = s.clone();
    t.scenario.start = start;
    if let Some((st, _)) = state {
        apply_state(&mut t, st, start);
    }
    let warnings = start_plan_at(&mut t, start);
    Ok((t, warnings))
}

/// The new start: not before the state's date, and within the scenario.
fn check_start(s: &Scenario, as_of: Option<Date>, from: Option<Date>, start: Date) -> Vec<Diagnostic> {
    let mut errs = Vec::new();
    if let (Some(a), Some(f)) = (as_of, from)
        && f < a
    {
        errs.push(
            Diagnostic::error(Path::parse("as_of"), format!("--from {f} is before the state's date {a}"))
                .expected(format!("--from on or after {a}"))
                .hint("a state says what happened up to its date; re-plan from that date or later"),
        );
    }
    if start < s.scenario.start || start >= s.scenario.deadline {
        errs.push(
            Diagnostic::error(
                Path::parse("as_of"),
                format!(
                    "{start} is outside the scenario ({} to its deadline {})",
                    s.scenario.start, s.scenario.deadline
                ),
            )
            .expected(format!("a date from {} to the day before {}", s.scenario.start, s.scenario.deadline))
            .hint("check the year and the scenario"),
        );
    }
    errs
}

/// Everything the state names must be of the scenario: closed sites are
/// bases, closed by the state's date; nobody and nothing is at a closed
/// site; holds end after the re-plan starts.
fn check_state(s: &Scenario, st: &State, start: Date) -> Vec<Diagnostic> {
    let mut errs = Vec::new();
    let site_kind = |id: &str| s.sites.iter().find(|x| x.id == id).map(|x| x.kind);
    let unknown_site = |path: Path, id: &str| {
        let ids: Vec<&str> = s.sites.iter().map(|x| x.id.as_str()).collect();
        Diagnostic::error(path, format!("unknown site `{id}`")).expected("a site id of the scenario").hint(
            crate::diag::did_you_mean(id, ids.iter().copied())
                .unwrap_or_else(|| "use the scenario's [[site]] ids".into()),
        )
    };
    let mut closed: Vec<&str> = Vec::new();
    for (i, c) in st.closed.iter().enumerate() {
        let path = Path::parse("closed").index(i);
        match site_kind(&c.site) {
            None => errs.push(unknown_site(path.key("site"), &c.site)),
            Some(k) if !k.is_base() => errs.push(
                Diagnostic::error(path.key("site"), format!("`{}` is not a base, so it is never closed", c.site))
                    .expected("a camp, temporary base, hub or hq")
                    .hint("remove this entry"),
            ),
            Some(_) if closed.contains(&c.site.as_str()) => {
                let first = st.closed.iter().position(|o| o.site == c.site).unwrap_or(0);
                errs.push(
                    Diagnostic::error(path.key("site"), format!("`{}` is closed twice", c.site))
                        .expected("each site in [[closed]] once")
                        .hint(format!("closed[{first}] already closes it; remove one of the entries")),
                )
            }
            Some(_) => closed.push(c.site.as_str()),
        }
        if site_kind(&c.to).is_none() {
            errs.push(unknown_site(path.key("to"), &c.to));
        }
        if c.date > st.as_of {
            errs.push(
                Diagnostic::error(
                    path.key("date"),
                    format!("closed on {} but the state is as of {}", c.date, st.as_of),
                )
                .expected(format!("a date on or before {}", st.as_of))
                .hint("a closure after the state's date has not happened yet; leave it to the plan"),
            );
        }
    }
    let located = st
        .personnel
        .iter()
        .enumerate()
        .map(|(i, g)| (Path::parse("personnel").index(i), g.site.as_str(), "people"))
        .chain(
            st.equipment.iter().enumerate().map(|(i, e)| (Path::parse("equipment").index(i), e.site.as_str(), "items")),
        );
    for (path, site, what) in located {
        let kind = site_kind(site);
        if kind.is_none() {
            errs.push(unknown_site(path.key("site"), site));
        } else if what == "people" && kind.is_some_and(|k| k.is_exit()) {
            // The simulation counts people out when it sets them down at an
            // exit; placed there, they would never count. (Items may wait at
            // an exit, as the scenario's own lots at a border crossing do.)
            errs.push(
                Diagnostic::error(
                    path.key("site"),
                    format!("people at `{site}`, an exit: they are out of the country"),
                )
                .expected("a site in the country (not a seaport, border crossing or abroad)")
                .hint("count them in [out] personnel and remove the entry"),
            );
        } else if closed.contains(&site) {
            errs.push(
                Diagnostic::error(path.key("site"), format!("{what} at `{site}`, which the state says is closed"))
                    .expected("an open site")
                    .hint("move them to where the closing convoy went, or remove the [[closed]] entry"),
            );
        }
    }
    for (i, h) in st.held.iter().enumerate() {
        let path = Path::parse("held").index(i);
        if site_kind(&h.site).is_none() {
            errs.push(unknown_site(path.key("site"), &h.site));
        }
        if let Some(to) = h.to.filter(|to| *to <= start) {
            errs.push(
                Diagnostic::error(path.key("to"), format!("released on {to} before the re-plan starts ({start})"))
                    .expected(format!("a date after {start}, or no `to`"))
                    .hint("remove trucks that are no longer held"),
            );
        }
    }
    errs
}

/// Puts a checked state into the scenario: people and items where the state
/// has them, closed sites made road nodes, held trucks as customs holds, and
/// the plan's closures and lines kept off closed sites.
fn apply_state(t: &mut Scenario, st: &State, start: Date) {
    let is_closed = |id: &str| st.closed.iter().any(|c| c.site == id);
    t.personnel = st.personnel.clone();
    t.equipment = st.equipment.clone();
    // A closed site stays a road node but holds and closes nothing.
    for site in &mut t.sites {
        if is_closed(&site.id) {
            site.kind = SiteKind::Waypoint;
        }
    }
    t.presences.retain(|p| !is_closed(&p.site));
    for (i, h) in st.held.iter().enumerate() {
        t.policy.customs_hold.push(CustomsHold {
            id: format!("state-held-{}", i + 1),
            site: h.site.clone(),
            trucks: h.trucks.clone(),
            from: start,
            to: h.to,
            fleet: None,
            litres: h.litres.clone(),
            source: Some("state file".into()),
        });
    }
    // The plan: closures of closed sites go; closing convoys and lines
    // aimed at closed sites go where those sites' people went.
    t.plan.closures.retain(|c| !is_closed(&c.site));
    for c in &mut t.plan.closures {
        c.to = follow_closed(&st.closed, &c.to).to_string();
    }
    t.plan.lines.retain(|l| !is_closed(&l.from));
    for l in &mut t.plan.lines {
        l.to = follow_closed(&st.closed, &l.to).to_string();
    }
    t.plan.lines.retain(|l| l.from != l.to);
}

/// Dated plan entries before the new start move to it, or go if they are
/// over by then; a warning for each closure moved.
fn start_plan_at(t: &mut Scenario, start: Date) -> Vec<Diagnostic> {
    let mut moved: Vec<Closure> = Vec::new();
    for c in &mut t.plan.closures {
        if c.date < start {
            moved.push(c.clone());
            c.date = start;
        }
    }
    let warnings = moved
        .iter()
        .map(|c| {
            Diagnostic::warning(
                Path::parse("plan.closure").key(&c.site),
                format!("the plan closed `{}` on {}, before {start}; it now closes on {start}", c.site, c.date),
            )
        })
        .collect();
    t.plan.lines.retain(|l| l.until.unwrap_or(l.ready.value) >= start);
    for l in &mut t.plan.lines {
        // A ready date (or the part of its range) before the new start is past.
        if l.ready.value < start {
            l.ready = SourcedDate { value: start, ..l.ready.clone() };
        }
        l.ready.low = l.ready.low.map(|d| d.max(start));
        l.ready.high = l.ready.high.map(|d| d.max(start));
    }
    warnings
}

/// Locates diagnostics about a state file in its text.
pub fn locate_all(src: &Source, diags: &mut [Diagnostic]) {
    if let Ok(doc) = Document::parse(src.text.as_str()) {
        for d in diags.iter_mut() {
            if d.span.is_none() {
                d.span = locate(&doc, &d.field);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(state: &str) -> Vec<Diagnostic> {
        let s =
            crate::load(&Source::new("minusma", crate::MINUSMA_2023)).expect("the embedded scenario loads").scenario;
        let src = Source::new("state.toml", state);
        let st = parse(&src).expect("the state parses");
        match apply(&s, Some((&st, &src)), None) {
            Ok(_) => Vec::new(),
            Err(errs) => errs,
        }
    }

    const CLOSED_ONCE: &str = "as_of = 2023-10-15\n[[closed]]\nsite = \"ber\"\ndate = 2023-08-13\nto = \"timbuktu\"\n";

    #[test]
    fn a_site_closed_twice_is_refused() {
        assert!(check(CLOSED_ONCE).is_empty(), "once is fine");
        let twice = format!("{CLOSED_ONCE}[[closed]]\nsite = \"ber\"\ndate = 2023-08-20\nto = \"gao\"\n");
        let errs = check(&twice);
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(errs[0].field.to_string(), "closed[1].site");
        assert!(errs[0].message.contains("`ber` is closed twice"), "{errs:?}");
        assert!(errs[0].hint.as_deref().unwrap_or("").contains("closed[0]"), "{errs:?}");
    }

    #[test]
    fn people_at_an_exit_are_refused() {
        let people = "as_of = 2023-10-15\n[[personnel]]\nsite = \"dakar\"\ncontingent = \"senegal\"\nrole = \"essential\"\ncount = 100\n";
        let errs = check(people);
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(errs[0].field.to_string(), "personnel[0].site");
        assert!(errs[0].message.contains("people at `dakar`, an exit"), "{errs:?}");
        assert!(errs[0].hint.as_deref().unwrap_or("").contains("[out] personnel"), "{errs:?}");
        let inland = people.replace("dakar", "gao");
        assert!(check(&inland).is_empty(), "the same group inland is fine");
    }
}
