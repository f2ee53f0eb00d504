//! Semantic checks on a parsed scenario: ids that resolve, counts and rates in
//! range, dates in order, every person with a path to an exit.
//!
//! The serde types already reject what the type system can (unknown fields,
//! negative counts, malformed dates); everything else is checked here. Each
//! problem names its field as a path into the TOML document (`plan.line[4].fleet`,
//! array indices counted from 0 in file order) so that `load` can point at its
//! line and column. Checks never stop at the first problem: `drawdown check`
//! reports them all.

use std::collections::{HashMap, HashSet, VecDeque};

mod supply;

use crate::bounds;
use crate::diag::{Diagnostic, Path, did_you_mean};
use crate::quantity::{Count, Date, Dist, DistKind, Num, Provenance, Schedule};
use crate::scenario::*;

/// Longest simulated period, in days. The engine tabulates inputs per day and
/// counts time in minutes; a longer period is almost certainly a typo in a year.
pub const MAX_DAYS: i64 = 3660;
/// The engine indexes sites, links, personnel groups, lots, corridors, threat
/// zones, closures and lines with 16 bits.
pub const MAX_ENTITIES: usize = u16::MAX as usize - 1;
/// Largest total of people or items (sums must fit in 32 bits with room to spare).
pub const MAX_TOTAL: u64 = 100_000_000;
/// Closure windows of all corridors together; each can start a new state
/// epoch of the road network and the engine keeps at most 256 of them.
pub const MAX_CORRIDOR_WINDOWS: usize = 100;

/// All problems found; an empty list means the scenario is valid.
pub fn validate(s: &Scenario) -> Vec<Diagnostic> {
    let mut v = Validator::new(s);
    v.meta();
    v.sites();
    v.corridors();
    v.links();
    v.air_legs();
    v.personnel();
    v.equipment();
    v.fleets();
    v.aircraft();
    v.march();
    v.threats();
    v.policy();
    v.presences();
    v.closures();
    v.lines();
    v.priority();
    v.dispositions();
    v.milestones();
    v.situation();
    v.supply();
    v.calibration();
    v.planner();
    v.limits();
    v.connectivity();
    v.out
}

/// Whether `id` is a valid id: non-empty, lower-case letters, digits, `_`, `-`.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

/// The kinds of entity a string id can refer to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Site,
    Corridor,
    Fleet,
    Aircraft,
}

impl Kind {
    fn noun(self) -> &'static str {
        match self {
            Kind::Site => "site",
            Kind::Corridor => "corridor",
            Kind::Fleet => "truck fleet",
            Kind::Aircraft => "aircraft fleet",
        }
    }
    fn table(self) -> &'static str {
        match self {
            Kind::Site => "[[site]]",
            Kind::Corridor => "[[corridor]]",
            Kind::Fleet => "[[fleet]]",
            Kind::Aircraft => "[[aircraft]]",
        }
    }
}

struct Validator<'a> {
    s: &'a Scenario,
    out: Vec<Diagnostic>,
    sites: HashMap<&'a str, usize>,
    corridors: HashMap<&'a str, usize>,
    fleets: HashMap<&'a str, usize>,
    aircraft: HashMap<&'a str, usize>,
    /// Last simulated day: the horizon, or the deadline.
    end: Date,
}

fn p(s: &str) -> Path {
    Path::parse(s)
}

/// The last key of a path, for messages (`km` for `link[3].km`).
fn last_key(path: &Path) -> String {
    path.0
        .iter()
        .rev()
        .find_map(|s| match s {
            crate::diag::Seg::Key(k) => Some(k.clone()),
            crate::diag::Seg::Index(_) => None,
        })
        .unwrap_or_default()
}

fn first_index<'a>(ids: impl Iterator<Item = &'a str>) -> HashMap<&'a str, usize> {
    let mut m = HashMap::new();
    for (i, id) in ids.enumerate() {
        m.entry(id).or_insert(i);
    }
    m
}

/// Up to eight known ids, for "expected" texts.
fn some_ids<'a>(ids: impl Iterator<Item = &'a str>) -> String {
    let mut v: Vec<&str> = ids.collect();
    v.sort_unstable();
    v.dedup();
    let n = v.len();
    let mut s = v.iter().take(8).map(|x| format!("`{x}`")).collect::<Vec<_>>().join(", ");
    if n > 8 {
        s.push_str(&format!(" (and {} more)", n - 8));
    }
    s
}

impl<'a> Validator<'a> {
    fn new(s: &'a Scenario) -> Self {
        let end = s.scenario.horizon.unwrap_or(s.scenario.deadline).max(s.scenario.deadline);
        Validator {
            s,
            out: Vec::new(),
            sites: first_index(s.sites.iter().map(|x| x.id.as_str())),
            corridors: first_index(s.corridors.iter().map(|x| x.id.as_str())),
            fleets: first_index(s.fleets.iter().map(|x| x.id.as_str())),
            aircraft: first_index(s.aircraft.iter().map(|x| x.id.as_str())),
            end,
        }
    }

    fn push(&mut self, d: Diagnostic) {
        self.out.push(d);
    }

    fn site(&self, id: &str) -> Option<&'a Site> {
        self.sites.get(id).map(|&i| &self.s.sites[i])
    }

    fn ids_of(&self, kind: Kind) -> Vec<&'a str> {
        let s = self.s;
        match kind {
            Kind::Site => s.sites.iter().map(|x| x.id.as_str()).collect(),
            Kind::Corridor => s.corridors.iter().map(|x| x.id.as_str()).collect(),
            Kind::Fleet => s.fleets.iter().map(|x| x.id.as_str()).collect(),
            Kind::Aircraft => s.aircraft.iter().map(|x| x.id.as_str()).collect(),
        }
    }

    /// Resolves a reference, reporting an unknown id with a did-you-mean hint.
    fn reference(&mut self, path: Path, id: &str, kind: Kind) -> Option<usize> {
        let map = match kind {
            Kind::Site => &self.sites,
            Kind::Corridor => &self.corridors,
            Kind::Fleet => &self.fleets,
            Kind::Aircraft => &self.aircraft,
        };
        if let Some(&i) = map.get(id) {
            return Some(i);
        }
        let known = self.ids_of(kind);
        let expected = if known.is_empty() {
            format!("the id of a {} (there are none in this file)", kind.table())
        } else {
            format!("the id of a {}: {}", kind.table(), some_ids(known.iter().copied()))
        };
        let other = match kind {
            Kind::Fleet if self.aircraft.contains_key(id) => {
                Some(format!("`{id}` is an [[aircraft]] fleet; road lines and closures use a [[fleet]] of trucks"))
            }
            Kind::Aircraft if self.fleets.contains_key(id) => {
                Some(format!("`{id}` is a [[fleet]] of trucks; air lines use an [[aircraft]] fleet"))
            }
            _ => None,
        };
        let hint = other
            .or_else(|| did_you_mean(id, known.iter().copied()))
            .unwrap_or_else(|| format!("define it in a {} table or fix the id", kind.table()));
        self.push(Diagnostic::error(path, format!("unknown {} `{id}`", kind.noun())).expected(expected).hint(hint));
        None
    }

    /// Checks an id's spelling and that no earlier entry has the same id.
    fn ids<'b>(&mut self, table: &str, what: &str, ids: impl Iterator<Item = &'b str>) {
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (i, id) in ids.enumerate() {
            let path = Path::parse(table).index(i).key("id");
            if !is_valid_id(id) {
                let fixed: String = id
                    .trim()
                    .to_lowercase()
                    .chars()
                    .map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '_' })
                    .collect();
                let hint = if is_valid_id(&fixed) {
                    format!("write `{fixed}`")
                } else {
                    "use a short lower-case name such as `gao`".into()
                };
                self.push(
                    Diagnostic::error(path.clone(), format!("{what} id `{id}` is not a valid id"))
                        .expected("lower-case letters, digits, `_` and `-` (e.g. `ber`, `camp_1`)")
                        .hint(hint),
                );
            }
            if let Some(first) = seen.get(id) {
                self.push(
                    Diagnostic::error(path, format!("duplicate {what} id `{id}`"))
                        .expected(format!("a {what} id not used by another {table} entry"))
                        .hint(format!("{table}[{first}] already has this id; rename one of them")),
                );
            } else {
                seen.insert(id, i);
            }
        }
    }

    /// A number within its field's bounds (`bounds::BOUNDS`), and its
    /// provenance (`low` and `high` within the same bounds).
    fn num(&mut self, path: Path, n: &Num) {
        self.bounded(&path, n.value);
        self.provenance(path, n.value, &n.prov);
    }

    fn opt_num(&mut self, path: Path, n: &Option<Num>) {
        if let Some(n) = n {
            self.num(path, n);
        }
    }

    /// A whole number within its field's bounds.
    fn count(&mut self, path: Path, c: &Count) {
        self.bounded(&path, f64::from(c.value));
        self.provenance(path, f64::from(c.value), &c.prov);
    }

    fn opt_count(&mut self, path: Path, c: &Option<Count>) {
        if let Some(c) = c {
            self.count(path, c);
        }
    }

    /// Reports `x` at `path` unless it is a finite number within the bounds
    /// of the field; true if it is.
    fn bounded(&mut self, path: &Path, x: f64) -> bool {
        self.bounded_as(path, &bounds::key_of(path), x)
    }

    /// `bounded` with the bounds of `key`, for values whose path is not
    /// their field (a distribution's parameters).
    fn bounded_as(&mut self, path: &Path, key: &str, x: f64) -> bool {
        let field = last_key(path);
        let Some(b) = bounds::of(key) else {
            debug_assert!(false, "no bound for `{key}` in bounds::BOUNDS");
            if !x.is_finite() {
                self.push(
                    Diagnostic::error(path.clone(), format!("`{field}` must be a finite number, found {x}"))
                        .expected("a finite number")
                        .hint("see docs/scenario-format.md for this field"),
                );
            }
            return x.is_finite();
        };
        if b.contains(x) {
            return true;
        }
        self.push(
            Diagnostic::error(path.clone(), format!("`{field}` {}, found {}", b.must(), bounds::fmt(x)))
                .expected(b.describe())
                .hint(format!("{} (bounds: docs/scenario-format.md)", b.why)),
        );
        false
    }

    fn provenance(&mut self, path: Path, value: f64, prov: &Provenance) {
        for (key, bound) in [("low", prov.low), ("high", prov.high)] {
            if let Some(b) = bound
                && !b.is_finite()
            {
                self.push(
                    Diagnostic::error(path.key(key), format!("`{key}` must be a finite number, found {b}"))
                        .expected("a finite number")
                        .hint("`low` and `high` bound the plausible range of the value"),
                );
            }
        }
        // The plausible range is drawn from (sampled inputs, sensitivity):
        // it stays within the field's bounds too.
        if let Some(b) = bounds::of_path(&path) {
            for (key, x) in [("low", prov.low), ("high", prov.high)] {
                if let Some(x) = x.filter(|x| x.is_finite() && !b.contains(*x)) {
                    self.push(
                        Diagnostic::error(path.key(key), format!("`{key}` {}, found {}", b.must(), bounds::fmt(x)))
                            .expected(b.describe())
                            .hint(format!("`{key}` bounds the plausible range of the value; {}", b.why)),
                    );
                }
            }
        }
        if let Some(low) = prov.low.filter(|x| x.is_finite())
            && low > value
        {
            self.push(
                Diagnostic::error(path.key("low"), format!("`low` ({low}) is above the value ({value})"))
                    .expected("low <= value <= high")
                    .hint("`low` is the lowest plausible value; swap or correct the numbers"),
            );
        }
        if let Some(high) = prov.high.filter(|x| x.is_finite())
            && high < value
        {
            self.push(
                Diagnostic::error(path.key("high"), format!("`high` ({high}) is below the value ({value})"))
                    .expected("low <= value <= high")
                    .hint("`high` is the highest plausible value; swap or correct the numbers"),
            );
        }
    }

    /// A duration in days drawn from a distribution.
    fn dist(&mut self, path: Path, d: &Dist) {
        let field = last_key(&path);
        let params = d.params();
        if let Some(bad) = params.iter().find(|x| !x.is_finite() || **x < 0.0) {
            self.push(
                Diagnostic::error(path, format!("`{field}` has a parameter {bad}; durations must be finite and >= 0"))
                    .expected("distribution parameters that are finite numbers >= 0 (days)")
                    .hint("durations in days cannot be negative"),
            );
            return;
        }
        // Durations within the field's bounds; a log-normal's sigma within its own.
        let (days, sigma): (Vec<f64>, Option<f64>) = match d.kind {
            DistKind::LogNormal(med, sigma) => (vec![med], Some(sigma)),
            _ => (params, None),
        };
        let key = bounds::key_of(&path);
        for x in days {
            if !self.bounded_as(&path, &key, x) {
                return;
            }
        }
        if let Some(sigma) = sigma
            && !self.bounded_as(&path.key("lognormal"), "presence.lognormal_sigma", sigma)
        {
            return;
        }
        match d.kind {
            DistKind::Fixed(_) | DistKind::Exponential(_) => {}
            DistKind::Uniform(a, b) => {
                if a > b {
                    self.push(
                        Diagnostic::error(path.key("uniform"), format!("uniform distribution with a > b ({a} > {b})"))
                            .expected("uniform = [a, b] with a <= b")
                            .hint(format!("write uniform = [{b}, {a}]")),
                    );
                }
            }
            DistKind::Triangular(a, m, b) => {
                if !(a <= m && m <= b) {
                    let mut sorted = [a, m, b];
                    sorted.sort_by(f64::total_cmp);
                    self.push(
                        Diagnostic::error(
                            path.key("triangular"),
                            format!("triangular distribution needs min <= mode <= max, found [{a}, {m}, {b}]"),
                        )
                        .expected("triangular = [min, mode, max] with min <= mode <= max")
                        .hint(format!("perhaps triangular = [{}, {}, {}]", sorted[0], sorted[1], sorted[2])),
                    );
                }
            }
            DistKind::LogNormal(med, _) => {
                if med <= 0.0 {
                    self.push(
                        Diagnostic::error(path.key("lognormal"), format!("log-normal median must be > 0, found {med}"))
                            .expected("lognormal = [median, sigma] with median > 0 and sigma >= 0")
                            .hint("use { fixed = 0 } for a duration that is always zero"),
                    );
                }
            }
        }
    }

    fn schedule(&mut self, path: Path, s: &Schedule) {
        match s {
            Schedule::Constant(n) => self.num(path, n),
            Schedule::Steps(steps) => {
                let field = last_key(&path);
                for (j, st) in steps.iter().enumerate() {
                    self.num(path.index(j).key("value"), &st.value);
                    if j > 0 && st.from <= steps[j - 1].from {
                        self.push(
                            Diagnostic::error(
                                path.index(j).key("from"),
                                format!(
                                    "`{field}` steps out of order: {} is not after the previous step's {}",
                                    st.from,
                                    steps[j - 1].from
                                ),
                            )
                            .expected("steps in strictly increasing `from` order")
                            .hint("sort the steps by date; each step applies until the next one"),
                        );
                    }
                }
            }
        }
    }

    /// A period `[from, to)`: `to` must be after `from`.
    fn window(&mut self, path: Path, from: Date, to: Option<Date>) {
        if let Some(to) = to
            && to <= from
        {
            self.push(
                Diagnostic::error(path.key("to"), format!("period ends ({to}) on or before it starts ({from})"))
                    .expected(format!("a `to` date after {from} (the end is exclusive)"))
                    .hint("swap the dates, or remove `to` for an open-ended period"),
            );
        }
    }

    /// Periods keyed by group (zone, clearance group) must come in date order.
    fn periods_in_order<'b>(&mut self, table: &str, what: &str, items: impl Iterator<Item = (&'b str, Date)>) {
        let mut last: HashMap<&str, Date> = HashMap::new();
        for (i, (group, from)) in items.enumerate() {
            if let Some(prev) = last.get(group)
                && from <= *prev
            {
                let whose = if group.is_empty() { String::new() } else { format!(" for {what} `{group}`") };
                self.push(
                    Diagnostic::error(
                        Path::parse(table).index(i).key("from"),
                        format!(
                            "{table} periods{whose} out of order: {from} is not after the previous period's {prev}"
                        ),
                    )
                    .expected("periods in strictly increasing `from` order")
                    .hint("sort the entries by date; each applies until the next one"),
                );
            }
            last.insert(group, from);
        }
    }

    // ---- tables ------------------------------------------------------------

    fn meta(&mut self) {
        let m = &self.s.scenario;
        if !is_valid_id(&m.id) {
            self.push(
                Diagnostic::error(p("scenario.id"), format!("scenario id `{}` is not a valid id", m.id))
                    .expected("lower-case letters, digits, `_` and `-` (e.g. `minusma-2023`)")
                    .hint("the id names output files; keep it short"),
            );
        }
        if m.start >= m.deadline {
            self.push(
                Diagnostic::error(
                    p("scenario.deadline"),
                    format!("the deadline ({}) is not after the start ({})", m.deadline, m.start),
                )
                .expected(format!("a deadline after {}", m.start))
                .hint("check the years; `start` is the first simulated day"),
            );
        }
        if let Some(h) = m.horizon
            && h < m.deadline
        {
            self.push(
                Diagnostic::error(
                    p("scenario.horizon"),
                    format!("the horizon ({h}) is before the deadline ({})", m.deadline),
                )
                .expected(format!("a date on or after {}", m.deadline))
                .hint("the horizon is the last simulated day; remove it to stop at the deadline"),
            );
        }
        let days = self.end.days_since(m.start);
        if days > MAX_DAYS {
            let field =
                if m.horizon.is_some_and(|h| h > m.deadline) { "scenario.horizon" } else { "scenario.deadline" };
            self.push(
                Diagnostic::error(p(field), format!("the simulated period is {days} days long, more than {MAX_DAYS}"))
                    .expected(format!("at most {MAX_DAYS} days from the start ({})", m.start))
                    .hint("check the year of the date"),
            );
        }
    }

    fn sites(&mut self) {
        let s = self.s;
        self.ids("site", "site", s.sites.iter().map(|x| x.id.as_str()));
        for (i, x) in s.sites.iter().enumerate() {
            let path = p("site").index(i);
            self.num(path.key("lat"), &x.lat);
            self.num(path.key("lon"), &x.lon);
            self.opt_num(path.key("vehicle_serviceability"), &x.vehicle_serviceability);
            if x.kind == SiteKind::Airfield && !x.airfield {
                self.push(
                    Diagnostic::warning(
                        path.key("kind"),
                        format!("site `{}` is of kind airfield but has no `airfield = true`", x.id),
                    )
                    .expected("`airfield = true` for a site with a runway")
                    .hint("aircraft can only use sites with `airfield = true`"),
                );
            }
        }
    }

    fn corridors(&mut self) {
        let s = self.s;
        self.ids("corridor", "corridor", s.corridors.iter().map(|x| x.id.as_str()));
        for (i, c) in s.corridors.iter().enumerate() {
            let path = p("corridor").index(i);
            for (j, w) in c.closed.iter().enumerate() {
                self.window(path.key("closed").index(j), w.from, w.to);
            }
            if !s.links.iter().any(|l| l.corridor.as_deref() == Some(c.id.as_str())) {
                self.push(
                    Diagnostic::warning(path.key("id"), format!("corridor `{}` is not used by any link", c.id))
                        .expected("a [[link]] with `corridor = \"..\"` naming it")
                        .hint("set `corridor` on the links of this route, or remove the corridor"),
                );
            }
        }
    }

    fn links(&mut self) {
        let s = self.s;
        let zones: HashSet<&str> = s.threats.iter().map(|t| t.zone.as_str()).collect();
        let mut pairs: HashMap<(usize, usize, bool), usize> = HashMap::new();
        for (i, l) in s.links.iter().enumerate() {
            let path = p("link").index(i);
            let a = self.reference(path.key("from"), &l.from, Kind::Site);
            let b = self.reference(path.key("to"), &l.to, Kind::Site);
            if l.from == l.to {
                self.push(
                    Diagnostic::error(path.key("to"), format!("link from `{}` to itself", l.from))
                        .expected("two different sites")
                        .hint("a link joins two sites; fix `from` or `to`"),
                );
            } else if let (Some(a), Some(b)) = (a, b) {
                let key = (a.min(b), a.max(b), l.mode == LinkMode::River);
                if let Some(first) = pairs.get(&key) {
                    self.push(
                        Diagnostic::warning(path.clone(), format!("second link between `{}` and `{}`", l.from, l.to))
                            .expected("one link per pair of sites and mode")
                            .hint(format!("link[{first}] joins the same sites; convoys take the shortest")),
                    );
                } else {
                    pairs.insert(key, i);
                }
            }
            self.num(path.key("km"), &l.km);
            self.schedule(path.key("pace"), &l.pace);
            if let Some(c) = &l.corridor {
                self.reference(path.key("corridor"), c, Kind::Corridor);
            }
            if let Some(z) = &l.zone
                && !zones.contains(z.as_str())
            {
                let hint = did_you_mean(z, zones.iter().copied()).unwrap_or_else(|| {
                    format!("add a [[threat]] with zone = \"{z}\", or remove `zone` if the link carries no risk")
                });
                self.push(
                    Diagnostic::warning(
                        path.key("zone"),
                        format!("threat zone `{z}` has no [[threat]] entry, so this link carries no risk"),
                    )
                    .expected("a zone named by some [[threat]]")
                    .hint(hint),
                );
            }
        }
    }

    /// Whether aircraft can land at (or, for `to`, fly out to) this site.
    fn air_endpoint(&mut self, path: Path, id: &str, what: &str, allow_exit: bool) {
        let Some(site) = self.site(id) else { return };
        if site.airfield || (allow_exit && site.kind.is_exit()) {
            return;
        }
        let expected = if allow_exit {
            "a site with `airfield = true`, or an exit site (seaport, border_crossing, abroad)"
        } else {
            "a site with `airfield = true`"
        };
        let airfields: Vec<&str> = self.s.sites.iter().filter(|x| x.airfield).map(|x| x.id.as_str()).collect();
        let hint = if airfields.is_empty() {
            format!("set `airfield = true` on [[site]] `{id}` if it has a runway")
        } else {
            format!(
                "set `airfield = true` on `{id}` if it has a runway, or use one of: {}",
                some_ids(airfields.into_iter())
            )
        };
        self.push(
            Diagnostic::error(path, format!("{what} `{id}`, which has no airfield")).expected(expected).hint(hint),
        );
    }

    fn air_legs(&mut self) {
        let s = self.s;
        for (i, a) in s.air_legs.iter().enumerate() {
            let path = p("air_leg").index(i);
            if self.reference(path.key("from"), &a.from, Kind::Site).is_some() {
                self.air_endpoint(path.key("from"), &a.from, "air leg from", false);
            }
            if self.reference(path.key("to"), &a.to, Kind::Site).is_some() {
                self.air_endpoint(path.key("to"), &a.to, "air leg to", true);
            }
            self.num(path.key("hours"), &a.hours);
        }
    }

    fn zero_count_warning(&mut self, path: Path, what: &str) {
        self.push(
            Diagnostic::warning(path, format!("{what} with count 0"))
                .expected("a count >= 1")
                .hint("remove the entry, or give the real count"),
        );
    }

    fn personnel(&mut self) {
        let s = self.s;
        let mut total: u64 = 0;
        for (i, g) in s.personnel.iter().enumerate() {
            let path = p("personnel").index(i);
            self.reference(path.key("site"), &g.site, Kind::Site);
            self.count(path.key("count"), &g.count);
            if g.count.value == 0 {
                self.zero_count_warning(path.key("count"), "personnel group");
            }
            total += g.count.value as u64;
            if g.role.stays_until_closure()
                && g.count.value > 0
                && self.sites.contains_key(g.site.as_str())
                && !s.plan.closures.iter().any(|c| c.site == g.site)
                && !s.plan.keep_open.contains(&g.site)
            {
                self.push(
                    Diagnostic::warning(
                        path.key("role"),
                        format!(
                            "{} personnel at `{}` only leave when the site closes, but the plan never closes it",
                            g.role.as_str(),
                            g.site
                        ),
                    )
                    .expected(format!("a [[plan.closure]] for site `{}`", g.site))
                    .hint("add a closure, or give these people another role"),
                );
            }
        }
        if total == 0 {
            let path = if s.personnel.is_empty() { Path::root() } else { p("personnel") };
            self.push(
                Diagnostic::error(path, "the scenario has no personnel to withdraw")
                    .expected("at least one [[personnel]] group with count > 0")
                    .hint("add [[personnel]] tables: site, contingent, role, count"),
            );
        } else if total > MAX_TOTAL {
            self.push(
                Diagnostic::error(p("personnel"), format!("{total} personnel in total, more than {MAX_TOTAL}"))
                    .expected(format!("at most {MAX_TOTAL} people"))
                    .hint("check the counts for extra digits"),
            );
        }
    }

    fn equipment(&mut self) {
        let s = self.s;
        let mut total: u64 = 0;
        for (i, e) in s.equipment.iter().enumerate() {
            let path = p("equipment").index(i);
            self.reference(path.key("site"), &e.site, Kind::Site);
            self.count(path.key("count"), &e.count);
            if e.count.value == 0 {
                self.zero_count_warning(path.key("count"), "equipment lot");
            }
            total += e.count.value as u64;
            self.opt_num(path.key("value_usd"), &e.value_usd);
            self.opt_count(path.key("seats"), &e.seats);
            if let Some(load) = &e.load {
                if e.class.self_moving() {
                    self.push(
                        Diagnostic::warning(
                            path.key("load"),
                            format!("`load` is ignored for self-moving class `{}`", e.class.as_str()),
                        )
                        .expected("no `load` for vehicles (they drive themselves)")
                        .hint("remove `load`, or change the class"),
                    );
                    self.provenance(path.key("load"), load.value, &load.prov);
                } else {
                    self.num(path.key("load"), load);
                }
            }
        }
        if total > MAX_TOTAL {
            self.push(
                Diagnostic::error(p("equipment"), format!("{total} equipment items in total, more than {MAX_TOTAL}"))
                    .expected(format!("at most {MAX_TOTAL} items"))
                    .hint("check the counts for extra digits"),
            );
        }
    }

    fn fleets(&mut self) {
        let s = self.s;
        self.ids("fleet", "fleet", s.fleets.iter().map(|x| x.id.as_str()));
        for (i, f) in s.fleets.iter().enumerate() {
            let path = p("fleet").index(i);
            self.reference(path.key("home"), &f.home, Kind::Site);
            self.count(path.key("trucks"), &f.trucks);
            if f.trucks.value == 0 {
                self.push(
                    Diagnostic::warning(path.key("trucks"), format!("fleet `{}` has no trucks", f.id))
                        .expected("trucks >= 1")
                        .hint("remove the fleet, or give its size"),
                );
            }
            self.num(path.key("capacity"), &f.capacity);
            self.opt_count(path.key("seats"), &f.seats);
        }
    }

    fn aircraft(&mut self) {
        let s = self.s;
        self.ids("aircraft", "aircraft", s.aircraft.iter().map(|x| x.id.as_str()));
        let groups: HashSet<&str> = s.policy.clearance.iter().map(|c| c.group.as_str()).collect();
        for (i, a) in s.aircraft.iter().enumerate() {
            let path = p("aircraft").index(i);
            if self.reference(path.key("base"), &a.base, Kind::Site).is_some() {
                self.air_endpoint(path.key("base"), &a.base, "aircraft based at", false);
            }
            self.count(path.key("count"), &a.count);
            if a.count.value == 0 {
                self.zero_count_warning(path.key("count"), "aircraft fleet");
            }
            self.count(path.key("seats"), &a.seats);
            self.opt_num(path.key("payload"), &a.payload);
            self.num(path.key("serviceability"), &a.serviceability);
            if let Some(c) = &a.sorties_per_day {
                self.count(path.key("sorties_per_day"), c);
            }
            self.opt_num(path.key("cruise_kmh"), &a.cruise_kmh);
            if !is_valid_id(&a.clearance) {
                self.push(
                    Diagnostic::error(
                        path.key("clearance"),
                        format!("clearance group `{}` is not a valid id", a.clearance),
                    )
                    .expected("lower-case letters, digits, `_` and `-`")
                    .hint("name the host-state policy group, e.g. `un_flights`"),
                );
            }
            if !groups.contains(a.clearance.as_str()) {
                let hint = did_you_mean(&a.clearance, groups.iter().copied()).unwrap_or_else(|| {
                    format!(
                        "add a [[policy.clearance]] with group = \"{}\", a from date, approval and lead_days",
                        a.clearance
                    )
                });
                self.push(
                    Diagnostic::error(
                        path.key("clearance"),
                        format!("clearance group `{}` has no [[policy.clearance]] period", a.clearance),
                    )
                    .expected("a group named by at least one [[policy.clearance]]")
                    .hint(hint),
                );
            }
        }
    }

    fn march(&mut self) {
        let m = &self.s.march;
        self.opt_num(p("march.pace_variability"), &m.pace_variability);
        self.opt_num(p("march.breakdowns_per_100km"), &m.breakdowns_per_100km);
        self.opt_num(p("march.breakdown_delay_hours"), &m.breakdown_delay_hours);
    }

    fn threats(&mut self) {
        let s = self.s;
        let zones: HashSet<&str> = s.links.iter().filter_map(|l| l.zone.as_deref()).collect();
        let mut warned = HashSet::new();
        for (i, t) in s.threats.iter().enumerate() {
            let path = p("threat").index(i);
            if !zones.contains(t.zone.as_str()) && warned.insert(t.zone.as_str()) {
                let hint = did_you_mean(&t.zone, zones.iter().copied())
                    .unwrap_or_else(|| format!("set zone = \"{}\" on the [[link]]s it covers", t.zone));
                self.push(
                    Diagnostic::warning(path.key("zone"), format!("threat zone `{}` is not used by any link", t.zone))
                        .expected("a zone named by some [[link]]")
                        .hint(hint),
                );
            }
            self.num(path.key("ied_per_100km"), &t.ied_per_100km);
            self.num(path.key("ambush_per_100km"), &t.ambush_per_100km);
            self.num(path.key("wounded_per_incident"), &t.wounded_per_incident);
            self.num(path.key("killed_per_incident"), &t.killed_per_incident);
            self.opt_num(path.key("vehicles_damaged_per_incident"), &t.vehicles_damaged_per_incident);
            self.opt_num(path.key("vehicles_destroyed_per_incident"), &t.vehicles_destroyed_per_incident);
            self.num(path.key("delay_hours_per_incident"), &t.delay_hours_per_incident);
            self.opt_num(path.key("casualty_dispersion"), &t.casualty_dispersion);
        }
        self.periods_in_order("threat", "zone", s.threats.iter().map(|t| (t.zone.as_str(), t.from)));
    }

    fn policy(&mut self) {
        let s = self.s;
        let used: HashSet<&str> =
            s.aircraft.iter().map(|a| a.clearance.as_str()).chain(s.situation.air_cover_group.as_deref()).collect();
        for (i, c) in s.policy.clearance.iter().enumerate() {
            let path = p("policy.clearance").index(i);
            if !used.contains(c.group.as_str()) {
                let hint = did_you_mean(&c.group, used.iter().copied()).unwrap_or_else(|| {
                    "set `clearance` on the [[aircraft]] this policy applies to, or remove the entry".into()
                });
                let expected = if used.is_empty() {
                    "a group named by some [[aircraft]] `clearance` (there are no aircraft)".to_string()
                } else {
                    format!("a group named by some [[aircraft]] `clearance`: {}", some_ids(used.iter().copied()))
                };
                self.push(
                    Diagnostic::error(
                        path.key("group"),
                        format!("clearance group `{}` is not used by any aircraft", c.group),
                    )
                    .expected(expected)
                    .hint(hint),
                );
            }
            self.num(path.key("approval"), &c.approval);
            self.count(path.key("lead_days"), &c.lead_days);
        }
        self.periods_in_order(
            "policy.clearance",
            "group",
            s.policy.clearance.iter().map(|c| (c.group.as_str(), c.from)),
        );

        for (i, pp) in s.policy.permit.iter().enumerate() {
            self.num(p("policy.permit").index(i).key("approval"), &pp.approval);
        }
        self.periods_in_order("policy.permit", "", s.policy.permit.iter().map(|x| ("", x.from)));

        self.ids("policy.customs_hold", "customs hold", s.policy.customs_hold.iter().map(|x| x.id.as_str()));
        for (i, h) in s.policy.customs_hold.iter().enumerate() {
            let path = p("policy.customs_hold").index(i);
            self.reference(path.key("site"), &h.site, Kind::Site);
            self.count(path.key("trucks"), &h.trucks);
            if h.trucks.value == 0 && h.litres.is_none() {
                self.push(
                    Diagnostic::warning(path.key("trucks"), format!("customs hold `{}` holds no trucks", h.id))
                        .expected("trucks >= 1")
                        .hint("remove the entry, or give the number of trucks held"),
                );
            }
            self.window(path, h.from, h.to);
        }

        self.ids("policy.import_ban", "import ban", s.policy.import_ban.iter().map(|x| x.id.as_str()));
        for (i, b) in s.policy.import_ban.iter().enumerate() {
            let path = p("policy.import_ban").index(i);
            if let Some(a) = self.reference(path.key("aircraft"), &b.aircraft, Kind::Aircraft) {
                let n = s.aircraft[a].count.value;
                if b.grounded.value > n {
                    self.push(
                        Diagnostic::warning(
                            path.key("grounded"),
                            format!(
                                "import ban `{}` grounds {} aircraft but fleet `{}` has {n}",
                                b.id, b.grounded.value, b.aircraft
                            ),
                        )
                        .expected(format!("grounded <= {n}"))
                        .hint("the whole fleet is grounded either way; check the numbers"),
                    );
                }
            }
            self.count(path.key("grounded"), &b.grounded);
            self.window(path, b.from, b.to);
        }
    }

    fn presences(&mut self) {
        let s = self.s;
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (i, x) in s.presences.iter().enumerate() {
            let path = p("presence").index(i);
            self.reference(path.key("site"), &x.site, Kind::Site);
            if let Some(first) = seen.get(x.site.as_str()) {
                self.push(
                    Diagnostic::error(path.key("site"), format!("second [[presence]] for site `{}`", x.site))
                        .expected("at most one [[presence]] per site")
                        .hint(format!("presence[{first}] already describes this site; merge them")),
                );
            } else {
                seen.insert(&x.site, i);
            }
            self.dist(path.key("state_days"), &x.state_days);
            self.num(path.key("armed_group"), &x.armed_group);
            self.dist(path.key("armed_group_days"), &x.armed_group_days);
        }
    }

    fn closures(&mut self) {
        let s = self.s;
        for (i, site) in s.plan.keep_open.iter().enumerate() {
            let path = p("plan.keep_open").index(i);
            if self.reference(path.clone(), site, Kind::Site).is_some()
                && s.plan.closures.iter().any(|c| c.site == *site)
            {
                self.push(
                    Diagnostic::error(path, format!("site `{site}` is both closed and kept open by the plan"))
                        .expected("a site the plan does not close")
                        .hint("remove its [[plan.closure]] or take it out of keep_open"),
                );
            }
        }
        let (start, deadline, end) = (s.scenario.start, s.scenario.deadline, self.end);
        let mut closed: HashMap<&str, usize> = HashMap::new();
        let close_date: HashMap<&str, Date> = s.plan.closures.iter().rev().map(|c| (c.site.as_str(), c.date)).collect();
        for (i, c) in s.plan.closures.iter().enumerate() {
            let path = p("plan.closure").index(i);
            if self.reference(path.key("site"), &c.site, Kind::Site).is_some() {
                let kind = self.site(&c.site).map(|x| x.kind);
                if let Some(kind) = kind.filter(|k| !k.is_base()) {
                    self.push(
                        Diagnostic::error(
                            path.key("site"),
                            format!("closure of a non-base site: `{}` is a {}", c.site, kind_name(kind)),
                        )
                        .expected("a site of kind camp, temporary_base, hub or hq")
                        .hint("only bases are closed and handed over; remove this closure or fix the site's kind"),
                    );
                }
            }
            if let Some(first) = closed.get(c.site.as_str()) {
                self.push(
                    Diagnostic::error(path.key("site"), format!("site `{}` is closed twice", c.site))
                        .expected("one [[plan.closure]] per site")
                        .hint(format!("plan.closure[{first}] already closes it; remove one")),
                );
            } else {
                closed.insert(&c.site, i);
            }
            if c.date < start {
                self.push(
                    Diagnostic::error(
                        path.key("date"),
                        format!("closure of `{}` on {} is before the start ({start})", c.site, c.date),
                    )
                    .expected(format!("a date from {start} to {end}"))
                    .hint("sites closed before the start should not be in the scenario"),
                );
            } else if c.date > end {
                self.push(
                    Diagnostic::error(
                        path.key("date"),
                        format!(
                            "closure of `{}` on {} is after the end of the simulated period ({end})",
                            c.site, c.date
                        ),
                    )
                    .expected(format!("a date from {start} to {end}"))
                    .hint(format!(
                        "set scenario.horizon to {} or later to simulate a closure after the deadline",
                        c.date
                    )),
                );
            } else if c.date > deadline {
                self.push(
                    Diagnostic::warning(
                        path.key("date"),
                        format!(
                            "closure after the deadline: `{}` closes on {}, the deadline is {deadline}",
                            c.site, c.date
                        ),
                    )
                    .expected(format!("a date on or before {deadline}"))
                    .hint("fine for a liquidation team staying on; otherwise close earlier"),
                );
            }
            if let Some(b) = self.reference(path.key("to"), &c.to, Kind::Site) {
                if c.to == c.site {
                    self.push(
                        Diagnostic::error(
                            path.key("to"),
                            format!("closing convoy of `{}` goes to the site itself", c.site),
                        )
                        .expected("another site")
                        .hint("`to` is where the closing convoy goes"),
                    );
                } else if let Some(&a) = self.sites.get(c.site.as_str())
                    && !self.road_path(a, b)
                {
                    self.push(
                        Diagnostic::error(
                            path.key("to"),
                            format!("no road from `{}` to `{}` for the closing convoy", c.site, c.to),
                        )
                        .expected("a destination connected to the site by [[link]]s")
                        .hint("add the missing [[link]], or choose another destination"),
                    );
                }
                if let Some(d) = close_date.get(c.to.as_str()).filter(|d| **d < c.date) {
                    self.push(
                        Diagnostic::warning(
                            path.key("to"),
                            format!("closing convoy of `{}` goes to `{}`, which closes earlier ({d})", c.site, c.to),
                        )
                        .expected("a destination that is still open on the closure date")
                        .hint("send the closing convoy to a site that stays open, or to an exit"),
                    );
                }
            }
            if let Some(f) = &c.fleet {
                self.reference(path.key("fleet"), f, Kind::Fleet);
            }
            if let Some(t) = &c.trucks {
                self.count(path.key("trucks"), t);
                if c.fleet.is_none() {
                    self.push(
                        Diagnostic::warning(path.key("trucks"), "`trucks` without `fleet` is ignored")
                            .expected("`fleet = \"..\"` naming the [[fleet]] the trucks come from")
                            .hint("add `fleet`, or remove `trucks`"),
                    );
                }
            }
        }
    }

    fn lines(&mut self) {
        let s = self.s;
        let start = s.scenario.start;
        self.ids("plan.line", "line", s.plan.lines.iter().map(|x| x.id.as_str()));
        for (i, l) in s.plan.lines.iter().enumerate() {
            let path = p("plan.line").index(i);
            let a = self.reference(path.key("from"), &l.from, Kind::Site);
            let b = self.reference(path.key("to"), &l.to, Kind::Site);
            if l.from == l.to {
                self.push(
                    Diagnostic::error(path.key("to"), format!("line `{}` goes from `{}` to itself", l.id, l.from))
                        .expected("a destination other than the origin")
                        .hint("fix `from` or `to`"),
                );
            }
            match l.mode {
                Mode::Road => {
                    let fleet = l.fleet.as_ref().and_then(|f| self.reference(path.key("fleet"), f, Kind::Fleet));
                    if let (Some(a), Some(b)) = (a, b)
                        && a != b
                        && !self.road_path(a, b)
                    {
                        self.push(
                            Diagnostic::error(
                                path.key("to"),
                                format!("no road from `{}` to `{}` for road line `{}`", l.from, l.to, l.id),
                            )
                            .expected("a destination connected to the origin by [[link]]s")
                            .hint("add the missing [[link]], or make it an air line"),
                        );
                    }
                    if let Some(t) = &l.trucks {
                        self.count(path.key("trucks"), t);
                        if let Some(f) = fleet {
                            let n = s.fleets[f].trucks.value;
                            if t.value > n {
                                self.push(
                                    Diagnostic::warning(
                                        path.key("trucks"),
                                        format!(
                                            "line `{}` asks for {} trucks per convoy but fleet `{}` has {n}",
                                            l.id, t.value, s.fleets[f].id
                                        ),
                                    )
                                    .expected(format!("trucks <= {n}"))
                                    .hint("convoys leave with the trucks available"),
                                );
                            }
                        }
                    }
                    if let Some(e) = &l.every_days {
                        self.count(path.key("every_days"), e);
                    }
                    for (key, given) in [("sorties_per_day", l.sorties_per_day.is_some())] {
                        if given {
                            self.push(
                                Diagnostic::warning(path.key(key), format!("`{key}` is ignored for a road line"))
                                    .expected("no `sorties_per_day` on a road line")
                                    .hint("remove it, or set mode = \"air\""),
                            );
                        }
                    }
                    if l.carry == Carry::Equipment && l.fleet.is_none() {
                        let cargo: u64 = s
                            .equipment
                            .iter()
                            .filter(|e| e.site == l.from && !e.class.self_moving())
                            .map(|e| e.count.value as u64)
                            .sum();
                        if cargo > 0 {
                            self.push(
                                Diagnostic::warning(
                                    path.clone(),
                                    format!("road line `{}` has no fleet, so it can only move vehicles, but `{}` holds {cargo} items of cargo", l.id, l.from),
                                )
                                .expected("`fleet = \"..\"` naming a [[fleet]] of trucks for the cargo")
                                .hint("add a fleet; without trucks only self-moving vehicles leave"),
                            );
                        }
                    }
                }
                Mode::Air => {
                    match &l.fleet {
                        None => {
                            let hint = match s.aircraft.first() {
                                Some(a) => format!("add fleet = \"{}\"", a.id),
                                None => "define an [[aircraft]] fleet and name it in `fleet`".into(),
                            };
                            self.push(
                                Diagnostic::error(path.key("fleet"), format!("air line `{}` has no fleet", l.id))
                                    .expected("`fleet` naming an [[aircraft]] fleet")
                                    .hint(hint),
                            );
                        }
                        Some(f) => {
                            self.reference(path.key("fleet"), f, Kind::Aircraft);
                        }
                    }
                    if a.is_some() {
                        self.air_endpoint(path.key("from"), &l.from, "air line from", false);
                    }
                    if b.is_some() {
                        self.air_endpoint(path.key("to"), &l.to, "air line to", true);
                    }
                    match &l.sorties_per_day {
                        None => self.push(
                            Diagnostic::error(
                                path.key("sorties_per_day"),
                                format!("air line `{}` has no `sorties_per_day`", l.id),
                            )
                            .expected("sorties_per_day >= 1")
                            .hint("add sorties_per_day = 1 (sorties planned per day)"),
                        ),
                        Some(c) => self.count(path.key("sorties_per_day"), c),
                    }
                    for (key, given) in [
                        ("trucks", l.trucks.is_some()),
                        ("personnel_max", l.personnel_max.is_some()),
                        ("vehicles_max", l.vehicles_max.is_some()),
                        ("every_days", l.every_days.is_some()),
                    ] {
                        if given {
                            self.push(
                                Diagnostic::warning(path.key(key), format!("`{key}` is ignored for an air line"))
                                    .expected(format!("no `{key}` on an air line"))
                                    .hint("remove it, or set mode = \"road\""),
                            );
                        }
                    }
                }
            }
            for key in ["personnel_max", "vehicles_max"] {
                let c = if key == "personnel_max" { &l.personnel_max } else { &l.vehicles_max };
                if let Some(c) = c {
                    self.count(path.key(key), c);
                }
            }
            let ready = l.ready.value;
            let (low, high) = (l.ready.low.unwrap_or(ready), l.ready.high.unwrap_or(ready));
            if low > ready || high < ready {
                self.push(
                    Diagnostic::error(
                        path.key("ready"),
                        format!("line `{}`: the ready date {ready} is outside its own range {low} to {high}", l.id),
                    )
                    .expected("low <= value <= high")
                    .hint("the range is where the date may fall; it must hold the value"),
                );
            }
            if low < start {
                self.push(
                    Diagnostic::error(
                        path.key("ready"),
                        format!("line `{}` is ready on {low}, before the start ({start})", l.id),
                    )
                    .expected(format!("a date on or after {start}"))
                    .hint("movements before the start are not simulated; use the start date"),
                );
            } else if ready > self.end {
                self.push(
                    Diagnostic::warning(
                        path.key("ready"),
                        format!("line `{}` is ready on {ready}, after the simulated period ends ({})", l.id, self.end),
                    )
                    .expected(format!("a date on or before {}", self.end))
                    .hint("the line never runs; move it earlier or remove it"),
                );
            }
            if let Some(u) = l.until
                && u < high
            {
                self.push(
                    Diagnostic::error(
                        path.key("until"),
                        if high > ready {
                            format!("line `{}` runs until {u}, before the latest date it may be ready ({high})", l.id)
                        } else {
                            format!("line `{}` runs until {u}, before it is ready ({ready})", l.id)
                        },
                    )
                    .expected(format!("a date on or after {high}"))
                    .hint("`until` is the latest departure; swap the dates, or narrow the ready date's range"),
                );
            }
            if let Some(roles) = &l.roles {
                if roles.is_empty() && l.carry.personnel() {
                    self.push(
                        Diagnostic::warning(
                            path.key("roles"),
                            format!("line `{}` carries personnel but lists no roles", l.id),
                        )
                        .expected("roles such as [\"non_essential\", \"essential\"]")
                        .hint("remove `roles` to use the plan's priority, or set carry = \"equipment\""),
                    );
                }
                if let Some(r) = roles.iter().find(|r| r.stays_until_closure()) {
                    self.push(
                        Diagnostic::warning(
                            path.key("roles"),
                            format!("line `{}` lists `{}`, who only leave when their site closes", l.id, r.as_str()),
                        )
                        .expected("roles non_essential and essential")
                        .hint("guards and rear parties leave with the closing convoy; remove the role"),
                    );
                }
            }
        }
    }

    fn priority(&mut self) {
        let Some(roles) = &self.s.plan.priority else { return };
        if roles.is_empty() {
            self.push(
                Diagnostic::error(p("plan.priority"), "plan.priority is empty, so no line would carry anyone")
                    .expected("[\"non_essential\", \"essential\"] or a reordering of it")
                    .hint("remove `priority` to use the default order"),
            );
        }
        let mut seen = HashSet::new();
        for (i, r) in roles.iter().enumerate() {
            if r.stays_until_closure() {
                self.push(
                    Diagnostic::error(
                        p("plan.priority").index(i),
                        format!("plan.priority contains `{}`, who only leave when their site closes", r.as_str()),
                    )
                    .expected("only the roles non_essential and essential")
                    .hint("guards and rear parties leave with the closing convoy; remove the role"),
                );
            }
            if !seen.insert(*r) {
                self.push(
                    Diagnostic::warning(
                        p("plan.priority").index(i),
                        format!("role `{}` appears twice in plan.priority", r.as_str()),
                    )
                    .expected("each role once")
                    .hint("remove the repeated role"),
                );
            }
        }
    }

    fn dispositions(&mut self) {
        let rules = &self.s.plan.dispositions;
        if let Some(catch_all) = rules.iter().position(|r| r.class.is_none() && r.ownership.is_none())
            && catch_all + 1 < rules.len()
        {
            self.push(
                Diagnostic::warning(
                    p("plan.disposition").index(catch_all + 1),
                    format!("this rule never applies: plan.disposition[{catch_all}] matches every item"),
                )
                .expected("specific rules before the catch-all rule")
                .hint("move the rule without `class` and `ownership` to the end"),
            );
        }
    }

    /// Milestones: a convoy metric names a convoy row (a road line, or
    /// `close-<site>` of a closure); the others name none.
    fn milestones(&mut self) {
        let s = self.s;
        let rows = s.convoy_rows();
        for (i, m) in s.milestones.iter().enumerate() {
            let path = p("milestone").index(i);
            match (m.convoy.as_slice(), m.metric.of_convoy()) {
                ([], true) => self.push(
                    Diagnostic::error(path.key("metric"), format!("a `{}` milestone needs a convoy", m.metric))
                        .expected("`convoy = \"<row>\"`: a road line's id, or close-<site> for a closing convoy")
                        .hint(format!("convoy rows: {}", some_ids(rows.iter().map(String::as_str)))),
                ),
                (cs, true) => {
                    for (k, c) in cs.iter().enumerate().filter(|(_, c)| !rows.contains(c)) {
                        let hint = did_you_mean(c, rows.iter().map(String::as_str))
                            .unwrap_or_else(|| format!("convoy rows: {}", some_ids(rows.iter().map(String::as_str))));
                        let at = if cs.len() > 1 { path.key("convoy").index(k) } else { path.key("convoy") };
                        // A warning, not an error: a plan from `--plan` or
                        // `drawdown plan` may not have the record's convoys.
                        self.push(
                            Diagnostic::warning(
                                at,
                                format!("no convoy row `{c}` in the plan: the milestone is not compared"),
                            )
                            .expected("a road line's id, or close-<site> for a closing convoy")
                            .hint(hint),
                        );
                    }
                }
                ([_, ..], false) => self.push(
                    Diagnostic::error(path.key("convoy"), format!("a `{}` milestone is not about a convoy", m.metric))
                        .expected("no `convoy` field for this metric")
                        .hint("remove `convoy`, or use convoy_days, convoy_incidents or convoy_wounded"),
                ),
                _ => {}
            }
            self.num(path.key("value"), &m.value);
            self.opt_num(path.key("error"), &m.error);
        }
    }

    /// `[situation]`: factors > 0; the air-cover group has clearance periods.
    fn situation(&mut self) {
        let s = self.s;
        let sit = &s.situation;
        self.opt_num(p("situation.closing_contested"), &sit.closing_contested);
        self.opt_num(p("situation.without_air_cover"), &sit.without_air_cover);
        self.opt_num(p("situation.routine"), &sit.routine);
        self.opt_num(p("situation.medevac_saves"), &sit.medevac_saves);
        if let Some(g) = &sit.air_cover_group
            && !s.policy.clearance.iter().any(|c| &c.group == g)
        {
            let groups: Vec<&str> = s.policy.clearance.iter().map(|c| c.group.as_str()).collect();
            let hint = did_you_mean(g, groups.iter().copied())
                .unwrap_or_else(|| format!("add a [[policy.clearance]] with group = \"{g}\""));
            self.push(
                Diagnostic::error(p("situation.air_cover_group"), format!("clearance group `{g}` has no periods"))
                    .expected("a group named by some [[policy.clearance]]")
                    .hint(hint),
            );
        }
    }

    /// `[calibration]`: every posterior row has one finite value per column.
    fn calibration(&mut self) {
        let Some(c) = &self.s.calibration else { return };
        for (i, row) in c.samples.iter().enumerate() {
            let path = p("calibration.samples").index(i);
            if row.len() != c.inputs.len() {
                self.push(
                    Diagnostic::error(
                        path,
                        format!("posterior row {i} has {} values for {} inputs", row.len(), c.inputs.len()),
                    )
                    .expected("one value per entry of `calibration.inputs`")
                    .hint("rewrite the posterior with `drawdown calibrate`"),
                );
            } else if row.iter().any(|x| !x.is_finite()) {
                self.push(
                    Diagnostic::error(path, format!("posterior row {i} has a value that is not a finite number"))
                        .expected("finite numbers")
                        .hint("rewrite the posterior with `drawdown calibrate`"),
                );
            }
        }
    }

    /// `[planner]`: weights finite and >= 0, solver settings in range.
    fn planner(&mut self) {
        let Some(pl) = &self.s.planner else { return };
        let base = p("planner");
        for (key, value) in [
            ("person_left_usd", pl.person_left_usd),
            ("casualty_usd", pl.casualty_usd),
            ("equipment_weight", pl.equipment_weight),
            ("handover_failure_usd", pl.handover_failure_usd),
            ("open_base_usd", pl.open_base_usd),
            ("time_limit_s", pl.time_limit_s),
            ("gap", pl.gap),
            ("trip_quantile", pl.trip_quantile),
            ("bucket_days", pl.bucket_days.map(f64::from)),
        ] {
            if let Some(x) = value {
                self.bounded(&base.key(key), x);
            }
        }
        let days = self.s.scenario.deadline.days_since(self.s.scenario.start);
        if let Some(mg) = pl.margin_days
            && i64::from(mg) >= days.max(1)
        {
            self.push(
                Diagnostic::error(
                    base.key("margin_days"),
                    format!("`margin_days` ({mg}) leaves no day to plan: the deadline is {days} days after the start"),
                )
                .expected(format!("fewer than {days} days"))
                .hint("the margin plans against an earlier deadline; use a few days"),
            );
        }
        if let (Some(left), Some(cas)) = (pl.person_left_usd, pl.casualty_usd)
            && left.is_finite()
            && cas.is_finite()
            && left < cas
        {
            self.push(
                Diagnostic::warning(
                    base.key("person_left_usd"),
                    format!("a person left behind ({left}) costs less than an expected casualty ({cas})"),
                )
                .hint("the planner may then leave people behind to avoid convoy risk; that is rarely the intent"),
            );
        }
    }

    /// Sizes the engine's dense indices can hold.
    fn limits(&mut self) {
        let s = self.s;
        for (table, n) in [
            ("site", s.sites.len()),
            ("link", s.links.len()),
            ("personnel", s.personnel.len()),
            ("corridor", s.corridors.len()),
            ("threat", s.threats.len()),
            ("equipment", s.equipment.len()),
            ("plan.closure", s.plan.closures.len()),
            ("plan.line", s.plan.lines.len()),
            ("fleet", s.fleets.len()),
            ("aircraft", s.aircraft.len()),
        ] {
            if n > MAX_ENTITIES {
                self.push(
                    Diagnostic::error(
                        p(table).index(MAX_ENTITIES),
                        format!("{n} [[{table}]] entries, more than {MAX_ENTITIES}"),
                    )
                    .expected(format!("at most {MAX_ENTITIES} entries"))
                    .hint("merge entries (e.g. lots of the same class at one site)"),
                );
            }
        }
        let windows: usize = s.corridors.iter().map(|c| c.closed.len()).sum();
        if windows > MAX_CORRIDOR_WINDOWS {
            self.push(
                Diagnostic::error(
                    p("corridor"),
                    format!("{windows} corridor closure periods in total, more than {MAX_CORRIDOR_WINDOWS}"),
                )
                .expected(format!("at most {MAX_CORRIDOR_WINDOWS} periods"))
                .hint("merge adjacent or overlapping closure periods"),
            );
        }
    }

    // ---- graph -------------------------------------------------------------

    /// Undirected road adjacency: (neighbour, link index).
    fn road_graph(&self) -> Vec<Vec<(usize, usize)>> {
        let mut adj = vec![Vec::new(); self.s.sites.len()];
        for (i, l) in self.s.links.iter().enumerate() {
            if let (Some(&a), Some(&b)) = (self.sites.get(l.from.as_str()), self.sites.get(l.to.as_str())) {
                adj[a].push((b, i));
                adj[b].push((a, i));
            }
        }
        adj
    }

    /// Whether `b` can be reached from `a` by links (corridor closures ignored).
    fn road_path(&self, a: usize, b: usize) -> bool {
        let adj = self.road_graph();
        let mut seen = vec![false; adj.len()];
        let mut queue = VecDeque::from([a]);
        seen[a] = true;
        while let Some(x) = queue.pop_front() {
            if x == b {
                return true;
            }
            for &(y, _) in &adj[x] {
                if !seen[y] {
                    seen[y] = true;
                    queue.push_back(y);
                }
            }
        }
        false
    }

    /// Every site holding personnel must reach an exit by road, or by road to
    /// an airfield from which a planned air line flies on.
    fn connectivity(&mut self) {
        let s = self.s;
        let n = s.sites.len();
        if n == 0 {
            if !s.personnel.is_empty() {
                self.push(
                    Diagnostic::error(Path::root(), "the scenario has no sites")
                        .expected("[[site]] tables for the bases, hubs and exits")
                        .hint("add [[site]] tables: id, kind, lat, lon"),
                );
            }
            return;
        }
        if !s.sites.iter().any(|x| x.kind.is_exit()) {
            self.push(
                Diagnostic::error(p("site"), "no site is an exit, so nobody can leave")
                    .expected("at least one site of kind seaport, border_crossing or abroad")
                    .hint("add the port, border crossing or destination abroad the withdrawal leads to"),
            );
            return;
        }
        // An unknown site in a link or line is already an error; the missing
        // connection it causes would only repeat it.
        let unresolved = s.links.iter().map(|l| [&l.from, &l.to]).chain(s.plan.lines.iter().map(|l| [&l.from, &l.to]));
        if unresolved.flatten().any(|id| !self.sites.contains_key(id.as_str())) {
            return;
        }
        let road = self.road_graph();
        let mut air: Vec<Vec<usize>> = vec![Vec::new(); n];
        for l in s.plan.lines.iter().filter(|l| l.mode == Mode::Air) {
            if let (Some(&a), Some(&b)) = (self.sites.get(l.from.as_str()), self.sites.get(l.to.as_str())) {
                air[a].push(b);
            }
        }
        let start = s.scenario.start;
        let closed_at_start: HashSet<&str> = s
            .corridors
            .iter()
            .filter(|c| c.closed.iter().any(|w| w.from <= start && w.to.is_none_or(|t| t > start)))
            .map(|c| c.id.as_str())
            .collect();
        let reaches_exit = |from: usize, open: &dyn Fn(usize) -> bool| -> bool {
            let mut seen = vec![false; n];
            let mut queue = VecDeque::from([from]);
            seen[from] = true;
            while let Some(x) = queue.pop_front() {
                if s.sites[x].kind.is_exit() {
                    return true;
                }
                let next = road
                    .get(x)
                    .into_iter()
                    .flatten()
                    .filter(|(_, li)| open(*li))
                    .map(|(y, _)| *y)
                    .chain(air[x].iter().copied());
                for y in next {
                    if !seen[y] {
                        seen[y] = true;
                        queue.push_back(y);
                    }
                }
            }
            false
        };
        let all = |_: usize| true;
        let open_at_start = |li: usize| s.links[li].corridor.as_deref().is_none_or(|c| !closed_at_start.contains(c));
        let mut done = HashSet::new();
        for (i, g) in s.personnel.iter().enumerate() {
            let Some(&site) = self.sites.get(g.site.as_str()) else { continue };
            let total: u64 = s.personnel.iter().filter(|x| x.site == g.site).map(|x| x.count.value as u64).sum();
            if total == 0 || !done.insert(site) {
                continue;
            }
            let path = p("personnel").index(i).key("site");
            if !reaches_exit(site, &all) {
                self.push(
                    Diagnostic::error(path, format!("personnel at `{}` have no path to an exit", g.site))
                        .expected("[[link]]s from the site to a seaport, border crossing or abroad site, or a planned air line from an airfield reachable from it")
                        .hint(format!("add a [[link]] from `{}` towards an exit, or a [[plan.line]] with mode = \"air\"", g.site)),
                );
            } else if !closed_at_start.is_empty() && !reaches_exit(site, &open_at_start) {
                let mut names: Vec<&str> = closed_at_start.iter().copied().collect();
                names.sort_unstable();
                self.push(
                    Diagnostic::warning(
                        path,
                        format!("personnel at `{}` can only reach an exit through corridors closed at the start: {}", g.site, names.join(", ")),
                    )
                    .expected("a road or air route to an exit that is open at the start")
                    .hint("nobody leaves until a corridor reopens; check the corridor's closed periods or add an air line"),
                );
            }
        }
    }
}

fn kind_name(k: SiteKind) -> &'static str {
    match k {
        SiteKind::Camp => "camp",
        SiteKind::TemporaryBase => "temporary_base",
        SiteKind::Hub => "hub",
        SiteKind::Hq => "hq",
        SiteKind::Airfield => "airfield",
        SiteKind::Seaport => "seaport",
        SiteKind::BorderCrossing => "border_crossing",
        SiteKind::Waypoint => "waypoint",
        SiteKind::Abroad => "abroad",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = r#"
[scenario]
id = "t"
name = "t"
start = 2023-07-01
deadline = 2023-12-31

[[site]]
id = "camp"
kind = "camp"
lat = 18.4
lon = 1.4

[[site]]
id = "hub"
kind = "hub"
lat = 16.3
lon = -0.04
airfield = true

[[site]]
id = "abroad"
kind = "abroad"
lat = 14.7
lon = -17.4

[[link]]
from = "camp"
to = "hub"
km = 350
pace = 60

[[personnel]]
site = "camp"
contingent = "chad"
role = "essential"
count = 100
"#;

    const AIRLIFT: &str = r#"
[[aircraft]]
id = "c130"
base = "hub"
count = 2
seats = 90
serviceability = 0.8
clearance = "un"

[[policy.clearance]]
group = "un"
from = 2023-07-01
approval = 0.9
lead_days = 2

[[plan.line]]
id = "airlift"
mode = "air"
from = "hub"
to = "abroad"
fleet = "c130"
ready = 2023-07-05
sorties_per_day = 1
"#;

    fn diags(text: &str) -> Vec<Diagnostic> {
        validate(&toml::from_str(text).expect("parses"))
    }

    fn messages(text: &str) -> Vec<String> {
        diags(text).into_iter().map(|d| format!("{:?}: {} @ {}", d.severity, d.message, d.field)).collect()
    }

    #[test]
    fn road_to_an_airfield_with_an_air_line_out_is_a_path_to_an_exit() {
        assert_eq!(messages(&format!("{BASE}{AIRLIFT}")), Vec::<String>::new());
    }

    /// A ready date may be written bare or as a sourced table with a range;
    /// the range must hold the value, start on or after the start and end
    /// by the line's `until`.
    #[test]
    fn a_ready_date_takes_a_range_that_must_fit_its_line() {
        let ranged = |r: &str| {
            format!("{BASE}{AIRLIFT}").replace("ready = 2023-07-05", &format!("ready = {r}\nuntil = 2023-07-20"))
        };
        let ok =
            ranged(r#"{ value = 2023-07-05, low = 2023-07-02, high = 2023-07-12, source = "assumption", note = "n" }"#);
        assert_eq!(messages(&ok), Vec::<String>::new());
        let s: crate::Scenario = toml::from_str(&ok).expect("parses");
        let r = &s.plan.lines[0].ready;
        assert_eq!(
            (r.value.to_string(), r.low.map(|d| d.to_string())),
            ("2023-07-05".into(), Some("2023-07-02".into()))
        );
        assert_eq!(r.source.as_deref(), Some("assumption"));
        let m = messages(&ranged("{ value = 2023-07-05, low = 2023-07-06 }"));
        assert!(m.iter().any(|x| x.contains("outside its own range") && x.ends_with("@ plan.line[0].ready")), "{m:?}");
        let m = messages(&ranged("{ value = 2023-07-05, low = 2023-06-20 }"));
        assert!(m.iter().any(|x| x.contains("before the start") && x.ends_with("@ plan.line[0].ready")), "{m:?}");
        let m = messages(&ranged("{ value = 2023-07-05, high = 2023-07-25 }"));
        assert!(m.iter().any(|x| x.contains("before the latest date it may be ready (2023-07-25)")), "{m:?}");
        let e = toml::from_str::<crate::Scenario>(&ranged("{ value = 2023-07-05, lo = 2023-07-02 }")).unwrap_err();
        assert!(e.to_string().contains("unknown field `lo`"), "{e}");
        let e = toml::from_str::<crate::Scenario>(&ranged("{ low = 2023-07-02 }")).unwrap_err();
        assert!(e.to_string().contains("missing field `value`"), "{e}");
    }

    #[test]
    fn no_road_and_no_air_line_is_no_path() {
        let m = messages(BASE);
        assert_eq!(m, vec!["Error: personnel at `camp` have no path to an exit @ personnel[0].site".to_string()]);
    }

    #[test]
    fn only_road_through_a_corridor_closed_at_the_start_warns() {
        let text = format!(
            "{BASE}
[[link]]
from = \"hub\"
to = \"abroad\"
km = 900
pace = 100
corridor = \"north\"

             [[corridor]]
id = \"north\"
closed = [{{ from = 2023-06-01 }}]
"
        );
        let d = diags(&text);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(!d[0].is_error());
        assert!(d[0].message.contains("corridors closed at the start: north"), "{}", d[0].message);
    }

    #[test]
    fn air_line_needs_an_aircraft_fleet_not_trucks() {
        let text = format!(
            "{BASE}{AIRLIFT}
[[fleet]]
id = \"trucks\"
home = \"hub\"
trucks = 5
capacity = 2
"
        )
        .replace("fleet = \"c130\"", "fleet = \"trucks\"");
        let d = diags(&text);
        let e = d.iter().find(|d| d.field.to_string() == "plan.line[0].fleet").expect("fleet error");
        assert_eq!(e.message, "unknown aircraft fleet `trucks`");
        assert!(e.hint.as_deref().unwrap().contains("is a [[fleet]] of trucks"));
    }

    #[test]
    fn every_number_problem_names_its_field() {
        let text = format!("{BASE}{AIRLIFT}")
            .replace("serviceability = 0.8", "serviceability = 1.2")
            .replace("km = 350", "km = { value = 350, low = 400 }")
            .replace("approval = 0.9", "approval = -0.1");
        let fields: Vec<String> = diags(&text).iter().map(|d| d.field.to_string()).collect();
        assert_eq!(fields, ["link[0].km.low", "aircraft[0].serviceability", "policy.clearance[0].approval"]);
    }

    #[test]
    fn ids() {
        assert!(is_valid_id("gao"));
        assert!(is_valid_id("camp_1-b"));
        assert!(!is_valid_id("Gao"));
        assert!(!is_valid_id(""));
        assert!(!is_valid_id("a b"));
    }
}
