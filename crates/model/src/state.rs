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
use crate::quantity::{Count, Date};
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

/// `[[held]]`: trucks held at a site from `as_of` until `to` (exclusive; none: past the horizon).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Held {
    pub site: String,
    pub trucks: Count,
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

/// Applies a state (and/or a new start date) to a scenario. `from` defaults
/// to the state's `as_of` and may not be before it. Errors are located in
/// the state file (`state_src`).
pub fn apply(
    s: &Scenario,
    state: Option<(&State, &Source)>,
    from: Option<Date>,
) -> Result<(Scenario, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut errs = Vec::new();
    let mut warnings = Vec::new();
    let as_of = state.map(|x| x.0.as_of);
    let start = from.or(as_of).unwrap_or(s.scenario.start);
    let mut t = s.clone();
    let site_kind = |id: &str| s.sites.iter().find(|x| x.id == id).map(|x| x.kind);
    let unknown_site = |path: Path, id: &str| {
        let ids: Vec<&str> = s.sites.iter().map(|x| x.id.as_str()).collect();
        Diagnostic::error(path, format!("unknown site `{id}`")).expected("a site id of the scenario").hint(
            crate::diag::did_you_mean(id, ids.iter().copied())
                .unwrap_or_else(|| "use the scenario's [[site]] ids".into()),
        )
    };
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
    t.scenario.start = start;
    if let Some((st, _)) = state {
        let mut closed: Vec<(&str, &str)> = Vec::new();
        for (i, c) in st.closed.iter().enumerate() {
            let path = Path::parse("closed").index(i);
            match site_kind(&c.site) {
                None => errs.push(unknown_site(path.key("site"), &c.site)),
                Some(k) if !k.is_base() => errs.push(
                    Diagnostic::error(path.key("site"), format!("`{}` is not a base, so it is never closed", c.site))
                        .expected("a camp, temporary base, hub or hq")
                        .hint("remove this entry"),
                ),
                Some(_) => closed.push((c.site.as_str(), c.to.as_str())),
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
        let is_closed = |id: &str| closed.iter().any(|c| c.0 == id);
        // Follow closed sites to where their people went.
        let redirect = |id: &str| -> String {
            let mut at = id;
            for _ in 0..closed.len() + 1 {
                match closed.iter().find(|c| c.0 == at) {
                    Some(c) => at = c.1,
                    None => break,
                }
            }
            at.to_string()
        };
        for (i, g) in st.personnel.iter().enumerate() {
            let path = Path::parse("personnel").index(i);
            if site_kind(&g.site).is_none() {
                errs.push(unknown_site(path.key("site"), &g.site));
            } else if is_closed(&g.site) {
                errs.push(
                    Diagnostic::error(
                        path.key("site"),
                        format!("people at `{}`, which the state says is closed", g.site),
                    )
                    .expected("an open site")
                    .hint("move them to where the closing convoy went, or remove the [[closed]] entry"),
                );
            }
        }
        for (i, e) in st.equipment.iter().enumerate() {
            let path = Path::parse("equipment").index(i);
            if site_kind(&e.site).is_none() {
                errs.push(unknown_site(path.key("site"), &e.site));
            } else if is_closed(&e.site) {
                errs.push(
                    Diagnostic::error(
                        path.key("site"),
                        format!("items at `{}`, which the state says is closed", e.site),
                    )
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
            if h.to.is_some_and(|to| to <= start) {
                errs.push(
                    Diagnostic::error(
                        path.key("to"),
                        format!("released on {} before the re-plan starts ({start})", h.to.expect("checked")),
                    )
                    .expected(format!("a date after {start}, or no `to`"))
                    .hint("remove trucks that are no longer held"),
                );
            }
        }
        if !errs.is_empty() {
            return Err(errs);
        }
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
                source: Some("state file".into()),
            });
        }
        // The plan: closures of closed sites go; closing convoys and lines
        // aimed at closed sites go where those sites' people went.
        t.plan.closures.retain(|c| !is_closed(&c.site));
        for c in &mut t.plan.closures {
            c.to = redirect(&c.to);
        }
        t.plan.lines.retain(|l| !is_closed(&l.from));
        for l in &mut t.plan.lines {
            l.to = redirect(&l.to);
        }
        t.plan.lines.retain(|l| l.from != l.to);
    } else if !errs.is_empty() {
        return Err(errs);
    }
    // Dated plan entries before the new start move to it, or go if over.
    let mut moved: Vec<Closure> = Vec::new();
    for c in &mut t.plan.closures {
        if c.date < start {
            moved.push(c.clone());
            c.date = start;
        }
    }
    for c in &moved {
        warnings.push(Diagnostic::warning(
            Path::parse("plan.closure").key(&c.site),
            format!("the plan closed `{}` on {}, before {start}; it now closes on {start}", c.site, c.date),
        ));
    }
    t.plan.lines.retain(|l| l.until.unwrap_or(l.ready) >= start);
    for l in &mut t.plan.lines {
        if l.ready < start {
            l.ready = start;
        }
    }
    Ok((t, warnings))
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
