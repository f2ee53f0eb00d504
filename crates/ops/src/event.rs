//! Operations-log events: what people record, as JSON and on the command line.
//!
//! `EventKind` is the one place where the kinds of event and their fields
//! are spelled. Its serde form is the JSON (`"kind": "convoy_departed"`,
//! stored as the event's body), its clap form the `drawdown log KIND
//! --field ...` subcommands, and its OpenAPI schema (utoipa) the API's
//! description of an event, from which the server builds the dashboard's
//! form. The kind tags are read back from the serde derive (`names`), never
//! written out again.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};
use drawdown_model::{Date, Path};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::Rejection;

/// A moment in the log: UTC, to the second. JSON and the store write it as
/// RFC 3339 (`2023-10-31T06:30:00Z`).
pub type At = DateTime<Utc>;

/// What an incident was (`what`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum IncidentKind {
    Ied,
    Ambush,
    IndirectFire,
    Other,
}

impl IncidentKind {
    /// Every `what` tag (`ied`, ...), from the serde derive.
    pub fn names() -> &'static [&'static str] {
        crate::names::variants::<IncidentKind>()
    }
}

/// An event to record, as a person or a client gives it. `at` is the time
/// as written: a date (`2023-10-15`, read as 00:00 UTC) or a date-time
/// (`2023-10-15T06:30`, UTC unless an offset is given). Validation reads it
/// (`parse_at`), refusing it with a hint if it does not parse; the logged
/// event holds the time itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NewEvent {
    /// When it happened: `2023-10-15` (00:00 UTC) or `2023-10-15T06:30` (UTC unless an offset is given).
    #[schema(example = "2023-10-15T06:30")]
    pub at: String,
    #[serde(flatten)]
    pub kind: EventKind,
    /// Who records it.
    pub recorded_by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The event's identity, yours to choose (e.g. a message number; at
    /// most 128 characters). Without it, the identity is the event's content
    /// key (`content_key`: its kind, fields and time). The same key again is
    /// the same event, reported as already logged and not stored twice; a
    /// different event under a key already used is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "MOVCON-2023-0142")]
    pub key: Option<String>,
}

/// The identity of an event without a key of its own: `sha256:` and the
/// SHA-256 (hex) of its canonical form, the JSON of its kind and fields
/// with its normalised time `at` (RFC 3339 UTC), keys sorted, no spaces.
/// Who recorded it and the note are not part of what happened, so they are
/// left out: the same event re-sent by someone else is still the same.
pub fn content_key(kind: &EventKind, at: At) -> String {
    use sha2::{Digest, Sha256};
    let mut v = serde_json::to_value(kind).expect("an event serialises");
    if let Some(o) = v.as_object_mut() {
        o.insert("at".into(), format_at(at).into());
    }
    let digest = Sha256::digest(canonical(&v).as_bytes());
    format!("sha256:{}", digest.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

/// JSON with object keys sorted at every level, without spaces.
fn canonical(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Object(o) => {
            let mut keys: Vec<&String> = o.keys().collect();
            keys.sort();
            let fields: Vec<String> = keys
                .into_iter()
                .map(|k| format!("{}:{}", serde_json::Value::String(k.clone()), canonical(&o[k])))
                .collect();
            format!("{{{}}}", fields.join(","))
        }
        serde_json::Value::Array(a) => format!("[{}]", a.iter().map(canonical).collect::<Vec<_>>().join(",")),
        other => other.to_string(),
    }
}

fn one() -> u32 {
    1
}

/// The kinds of event, tagged by `kind` in JSON (`"kind": "convoy_departed"`)
/// and written with dashes on the command line (`drawdown log convoy-departed`).
///
/// The doc comment of a kind is its help on the command line and its
/// description in the API; the doc comment of a field is its help and the
/// form's label. `x-sites` tells which sites a site field takes (`base`,
/// `any`, `airfield`, `airfield_or_exit`), as validation checks them.
/// For `trucks_held`/`trucks_released` the site is written `site` in JSON and
/// on the command line (the event's own `at` is its time); the Rust field
/// keeps the name `at`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, clap::Subcommand)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum EventKind {
    /// The last troops left a base.
    SiteClosed {
        /// Site
        #[arg(long)]
        #[schema(extensions(("x-sites" = json!("base"))))]
        site: String,
    },
    /// A base was handed over (e.g. `--to state`); implies it is closed.
    SiteHandedOver {
        /// Site
        #[arg(long)]
        #[schema(extensions(("x-sites" = json!("base"))))]
        site: String,
        /// Handed over to
        #[arg(long, default_value = "state")]
        #[schema(example = "state")]
        to: String,
    },
    /// A base was seized (e.g. `--by-whom armed_group`); implies it is closed.
    SiteSeized {
        /// Site
        #[arg(long)]
        #[schema(extensions(("x-sites" = json!("base"))))]
        site: String,
        /// Seized by
        #[arg(long = "by-whom", id = "by_whom", value_name = "WHO", default_value = "armed_group")]
        #[schema(example = "armed_group")]
        by: String,
    },
    /// A convoy left; its serial (`--convoy C-014`) is yours to choose.
    ConvoyDeparted {
        /// Convoy serial
        #[arg(long)]
        convoy: String,
        /// From
        #[arg(long)]
        #[schema(extensions(("x-sites" = json!("any"))))]
        from: String,
        /// To
        #[arg(long)]
        #[schema(extensions(("x-sites" = json!("any"))))]
        to: String,
        /// Trucks
        #[serde(default)]
        #[arg(long, default_value_t = 0)]
        trucks: u32,
        /// Personnel
        #[serde(default)]
        #[arg(long, default_value_t = 0)]
        personnel: u32,
    },
    /// A convoy arrived at its destination.
    ConvoyArrived {
        /// Convoy serial
        #[arg(long)]
        convoy: String,
    },
    /// An attack or accident, on a convoy (`--convoy`) or at a site (`--site`).
    Incident {
        /// Convoy serial (if on the road)
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[arg(long)]
        convoy: Option<String>,
        /// Site (if at a site)
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[arg(long)]
        #[schema(extensions(("x-sites" = json!("base"))))]
        site: Option<String>,
        /// What: ied, ambush, indirect_fire or other
        #[arg(long)]
        #[schema(schema_with = incident_what)]
        what: String,
        /// Killed
        #[serde(default)]
        #[arg(long, default_value_t = 0)]
        killed: u32,
        /// Wounded
        #[serde(default)]
        #[arg(long, default_value_t = 0)]
        wounded: u32,
        /// Vehicles damaged
        #[serde(default)]
        #[arg(long, default_value_t = 0)]
        vehicles_damaged: u32,
    },
    /// A flight clearance was requested (`--request` is its reference).
    ClearanceRequested {
        /// Request id
        #[arg(long)]
        request: String,
        /// From
        #[arg(long)]
        #[schema(extensions(("x-sites" = json!("any"))))]
        from: String,
        /// To
        #[arg(long)]
        #[schema(extensions(("x-sites" = json!("any"))))]
        to: String,
        /// Flights
        #[serde(default = "one")]
        #[arg(long, default_value_t = 1)]
        #[schema(default = 1)]
        flights: u32,
    },
    /// A flight clearance was approved.
    ClearanceApproved {
        /// Request id
        #[arg(long)]
        request: String,
    },
    /// A flight clearance was denied.
    ClearanceDenied {
        /// Request id
        #[arg(long)]
        request: String,
    },
    /// Trucks were held (e.g. by customs) at a site.
    TrucksHeld {
        /// Site
        #[serde(rename = "site")]
        #[arg(long = "site", id = "site")]
        #[schema(extensions(("x-sites" = json!("any"))))]
        at: String,
        /// Trucks
        #[arg(long)]
        trucks: u32,
    },
    /// Held trucks were released.
    TrucksReleased {
        /// Site
        #[serde(rename = "site")]
        #[arg(long = "site", id = "site")]
        #[schema(extensions(("x-sites" = json!("any"))))]
        at: String,
        /// Trucks
        #[arg(long)]
        trucks: u32,
    },
    /// Fuel was held (e.g. by customs: litres in stock or in held tankers) at a site.
    FuelHeld {
        /// Site
        #[arg(long)]
        #[schema(extensions(("x-sites" = json!("any"))))]
        site: String,
        /// Litres
        #[arg(long)]
        litres: u64,
    },
    /// Held fuel was released.
    FuelReleased {
        /// Site
        #[arg(long)]
        #[schema(extensions(("x-sites" = json!("any"))))]
        site: String,
        /// Litres
        #[arg(long)]
        litres: u64,
    },
    /// An aircraft left; its number (`--flight UN-2231`) is yours to choose.
    FlightDeparted {
        /// Flight number
        #[arg(long)]
        flight: String,
        /// From (an airfield)
        #[arg(long)]
        #[schema(extensions(("x-sites" = json!("airfield"))))]
        from: String,
        /// To (an airfield, or an exit such as `abroad`)
        #[arg(long)]
        #[schema(extensions(("x-sites" = json!("airfield_or_exit"))))]
        to: String,
        /// Personnel
        #[serde(default)]
        #[arg(long, default_value_t = 0)]
        personnel: u32,
        /// Cargo (truck load units)
        #[serde(default)]
        #[arg(long, default_value_t = 0)]
        cargo: u32,
        /// Clearance request it flew under (if any; it must be approved)
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[arg(long)]
        request: Option<String>,
    },
}

/// The schema of an incident's `what`: a string, one of `IncidentKind`'s
/// names (the field stays a string so that validation, not parsing, refuses
/// an unknown one, naming the field and listing the kinds).
fn incident_what() -> utoipa::openapi::Object {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    ObjectBuilder::new().schema_type(Type::String).enum_values(Some(IncidentKind::names().iter().copied())).build()
}

impl EventKind {
    /// Every kind tag (`site_closed`, ...), in declaration order, from the
    /// serde derive.
    pub fn names() -> &'static [&'static str] {
        crate::names::variants::<EventKind>()
    }

    /// The `kind` tag (`site_closed`, ...), as serde writes it.
    pub fn name(&self) -> &'static str {
        let value = serde_json::to_value(self).expect("an event serialises");
        let tag = value.get("kind").and_then(|k| k.as_str()).unwrap_or_default();
        EventKind::names().iter().copied().find(|n| *n == tag).expect("serde writes one of its own kind tags")
    }

    /// A short description for logs and tables: `C-014 kidal → gao, 40 trucks, 150 personnel`.
    pub fn describe(&self) -> String {
        match self {
            EventKind::SiteClosed { site } => site.clone(),
            EventKind::SiteHandedOver { site, to } => format!("{site} to {to}"),
            EventKind::SiteSeized { site, by } => format!("{site} by {by}"),
            EventKind::ConvoyDeparted { convoy, from, to, trucks, personnel } => {
                format!("{convoy} {from} → {to}, {trucks} trucks, {personnel} personnel")
            }
            EventKind::ConvoyArrived { convoy } => convoy.clone(),
            EventKind::Incident { convoy, site, what, killed, wounded, vehicles_damaged } => {
                let place = convoy.as_deref().or(site.as_deref()).unwrap_or("?");
                format!("{what} on {place}: {killed} killed, {wounded} wounded, {vehicles_damaged} vehicles damaged")
            }
            EventKind::ClearanceRequested { request, from, to, flights } => {
                format!("{request} {from} → {to}, {flights} flight(s)")
            }
            EventKind::ClearanceApproved { request } | EventKind::ClearanceDenied { request } => request.clone(),
            EventKind::TrucksHeld { at, trucks } | EventKind::TrucksReleased { at, trucks } => {
                format!("{trucks} trucks at {at}")
            }
            EventKind::FuelHeld { site, litres } | EventKind::FuelReleased { site, litres } => {
                format!("{litres} litres at {site}")
            }
            EventKind::FlightDeparted { flight, from, to, personnel, cargo, request } => {
                let under = request.as_ref().map_or(String::new(), |r| format!(" under {r}"));
                format!("{flight} {from} → {to}, {personnel} personnel, {cargo} cargo{under}")
            }
        }
    }

    /// The change the event makes to what its hold subject holds: trucks
    /// (`trucks_held` +, `trucks_released` −) or litres (`fuel_held` +,
    /// `fuel_released` −); 0 for other events.
    pub fn hold_change(&self) -> i128 {
        match *self {
            EventKind::TrucksHeld { trucks, .. } => i128::from(trucks),
            EventKind::TrucksReleased { trucks, .. } => -i128::from(trucks),
            EventKind::FuelHeld { litres, .. } => i128::from(litres),
            EventKind::FuelReleased { litres, .. } => -i128::from(litres),
            _ => 0,
        }
    }

    /// What the event is about (`site:kidal`, `convoy:C-014`, `clearance:R-7`,
    /// `hold:gao`, `fuel:gao`, `flight:UN-2231`): events of one subject must be logged in time order. An
    /// incident is about its convoy if it names one, else about its site.
    pub fn subject(&self) -> String {
        match self {
            EventKind::SiteClosed { site }
            | EventKind::SiteHandedOver { site, .. }
            | EventKind::SiteSeized { site, .. } => {
                format!("site:{site}")
            }
            EventKind::ConvoyDeparted { convoy, .. } | EventKind::ConvoyArrived { convoy } => {
                format!("convoy:{convoy}")
            }
            EventKind::Incident { convoy: Some(c), .. } => format!("convoy:{c}"),
            EventKind::Incident { site, .. } => format!("site:{}", site.as_deref().unwrap_or("")),
            EventKind::ClearanceRequested { request, .. }
            | EventKind::ClearanceApproved { request }
            | EventKind::ClearanceDenied { request } => format!("clearance:{request}"),
            EventKind::TrucksHeld { at, .. } | EventKind::TrucksReleased { at, .. } => format!("hold:{at}"),
            EventKind::FuelHeld { site, .. } | EventKind::FuelReleased { site, .. } => format!("fuel:{site}"),
            EventKind::FlightDeparted { flight, .. } => format!("flight:{flight}"),
        }
    }

    /// The subjects whose events the rules for this event read: its own
    /// and, for a flight under a clearance, the request's.
    pub fn subjects_read(&self) -> Vec<String> {
        let mut subjects = vec![self.subject()];
        if let EventKind::FlightDeparted { request: Some(r), .. } = self {
            subjects.push(format!("clearance:{r}"));
        }
        subjects
    }
}

impl NewEvent {
    /// Reads an event from JSON, naming the offending field on failure
    /// (`missing field`, `unknown field`, an unknown `kind`, a wrong type).
    pub fn from_json(v: serde_json::Value) -> Result<NewEvent, Rejection> {
        let kinds = || format!("one of {}", EventKind::names().join(", "));
        if !v.is_object() {
            return Err(Rejection::error("event", "is not a JSON object")
                .hint("write {\"kind\": \"site_closed\", \"site\": ..., \"at\": ..., ...}"));
        }
        if v.get("kind").is_none() {
            return Err(Rejection::error("kind", "is missing").hint(kinds()));
        }
        serde_json::from_value(v).map_err(|e| {
            let msg = e.to_string();
            let quoted = msg.split('`').nth(1).unwrap_or("event").to_string();
            if msg.starts_with("unknown variant") {
                Rejection::error("kind", format!("`{quoted}` is not a kind of event")).hint(kinds())
            } else if msg.starts_with("missing field") || msg.starts_with("unknown field") {
                Rejection::error(Path::verbatim(&quoted), msg)
            } else {
                Rejection::error("event", msg)
            }
        })
    }
}

/// An event as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct LoggedEvent {
    /// Increases in the order events were recorded.
    pub id: i64,
    /// Its identity: the key it was given, else its content key
    /// (`sha256:…`, see `content_key`). Unique within a scenario's log.
    pub key: String,
    /// The scenario's name (its `[scenario] id`).
    pub scenario: String,
    /// When it happened (RFC 3339 UTC).
    #[schema(value_type = String, format = DateTime, example = "2023-10-15T06:30:00Z")]
    pub at: At,
    #[serde(flatten)]
    pub kind: EventKind,
    pub recorded_by: String,
    /// When it was recorded (RFC 3339 UTC).
    #[schema(value_type = String, format = DateTime)]
    pub recorded_at: At,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl LoggedEvent {
    /// The day it happened (UTC).
    pub fn day(&self) -> Date {
        day_of(self.at)
    }
}

/// The day (UTC) of a moment.
pub fn day_of(t: At) -> Date {
    Date(t.date_naive())
}

/// 00:00 UTC of a day.
pub fn start_of(d: Date) -> At {
    d.0.and_time(NaiveTime::MIN).and_utc()
}

/// Reads an event time: `2023-10-15`, `2023-10-15T06:30`, `2023-10-15 06:30:00`,
/// optionally with `Z` or an offset (converted to UTC). Fractions of a
/// second are dropped: the log keeps whole seconds.
pub fn parse_at(s: &str) -> Result<At, Rejection> {
    let t = s.trim();
    let naive = if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        Some(d.and_time(NaiveTime::MIN))
    } else if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        Some(dt.with_timezone(&Utc).naive_utc())
    } else {
        let bare = t.strip_suffix('Z').unwrap_or(t).replacen(' ', "T", 1);
        ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"].iter().find_map(|f| NaiveDateTime::parse_from_str(&bare, f).ok())
    };
    match naive.and_then(|n| n.with_nanosecond(0)) {
        Some(n) => Ok(n.and_utc()),
        None => Err(Rejection::error("at", format!("`{s}` is not a date or a date-time"))
            .hint("write a date like 2023-10-15 or a UTC date-time like 2023-10-15T06:30")),
    }
}

/// RFC 3339 UTC to the second (`2023-10-31T06:30:00Z`): the stored and
/// printed form of every time, the same as its JSON.
pub fn format_at(t: At) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The shortest unambiguous form for tables: `2023-10-31` at midnight,
/// `2023-11-01T09:15` on the minute, else the full form.
pub fn short_at(t: At) -> String {
    if t.time() == NaiveTime::MIN {
        t.format("%Y-%m-%d").to_string()
    } else if t.second() == 0 {
        t.format("%Y-%m-%dT%H:%M").to_string()
    } else {
        format_at(t)
    }
}
