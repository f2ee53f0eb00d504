//! Operations-log events: what people record, as JSON and on the command line.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::Rejection;

/// What an incident was (`what`).
pub const INCIDENT_KINDS: [&str; 4] = ["ied", "ambush", "indirect_fire", "other"];

/// An event to record. `at` is a date (`2023-10-15`, read as 00:00 UTC) or a
/// date-time (`2023-10-15T06:30`, UTC unless an offset is given); it is
/// stored normalised as RFC 3339 UTC (`2023-10-15T06:30:00Z`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewEvent {
    pub at: String,
    #[serde(flatten)]
    pub kind: EventKind,
    pub recorded_by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

fn one() -> u32 {
    1
}

/// The kinds of event, tagged by `kind` in JSON (`"kind": "convoy_departed"`).
///
/// For `trucks_held`/`trucks_released` the site is written `site` in JSON
/// (the event's own `at` is its time); the Rust field keeps the name `at`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum EventKind {
    /// The last troops left the site.
    SiteClosed {
        site: String,
    },
    /// The site was handed over (e.g. `to = "state"`); implies it is closed.
    SiteHandedOver {
        site: String,
        to: String,
    },
    /// The site was taken (e.g. `by = "armed_group"`); implies it is closed.
    SiteSeized {
        site: String,
        by: String,
    },
    /// A convoy left `from` for `to`; `convoy` is a serial chosen by the user.
    ConvoyDeparted {
        convoy: String,
        from: String,
        to: String,
        #[serde(default)]
        trucks: u32,
        #[serde(default)]
        personnel: u32,
    },
    ConvoyArrived {
        convoy: String,
    },
    /// An attack or accident, on a convoy (en route) or at a site.
    Incident {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        convoy: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        site: Option<String>,
        /// One of `INCIDENT_KINDS`.
        what: String,
        #[serde(default)]
        killed: u32,
        #[serde(default)]
        wounded: u32,
        #[serde(default)]
        vehicles_damaged: u32,
    },
    /// A request for flight clearance, identified by `request`.
    ClearanceRequested {
        request: String,
        from: String,
        to: String,
        #[serde(default = "one")]
        flights: u32,
    },
    ClearanceApproved {
        request: String,
    },
    ClearanceDenied {
        request: String,
    },
    /// Trucks held (e.g. by customs) at a site.
    TrucksHeld {
        #[serde(rename = "site")]
        at: String,
        trucks: u32,
    },
    TrucksReleased {
        #[serde(rename = "site")]
        at: String,
        trucks: u32,
    },
    /// An aircraft left `from` for `to`; `flight` is its number (`UN-2231`),
    /// `cargo` in truck load units, `request` the clearance it flew under.
    FlightDeparted {
        flight: String,
        from: String,
        to: String,
        #[serde(default)]
        personnel: u32,
        #[serde(default)]
        cargo: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        request: Option<String>,
    },
}

impl EventKind {
    /// The `kind` tag (`site_closed`, ...).
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::SiteClosed { .. } => "site_closed",
            EventKind::SiteHandedOver { .. } => "site_handed_over",
            EventKind::SiteSeized { .. } => "site_seized",
            EventKind::ConvoyDeparted { .. } => "convoy_departed",
            EventKind::ConvoyArrived { .. } => "convoy_arrived",
            EventKind::Incident { .. } => "incident",
            EventKind::ClearanceRequested { .. } => "clearance_requested",
            EventKind::ClearanceApproved { .. } => "clearance_approved",
            EventKind::ClearanceDenied { .. } => "clearance_denied",
            EventKind::TrucksHeld { .. } => "trucks_held",
            EventKind::TrucksReleased { .. } => "trucks_released",
            EventKind::FlightDeparted { .. } => "flight_departed",
        }
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
            EventKind::FlightDeparted { flight, from, to, personnel, cargo, request } => {
                let under = request.as_ref().map_or(String::new(), |r| format!(" under {r}"));
                format!("{flight} {from} → {to}, {personnel} personnel, {cargo} cargo{under}")
            }
        }
    }

    /// Every kind tag, for hints and forms.
    pub const NAMES: [&'static str; 12] = [
        "site_closed",
        "site_handed_over",
        "site_seized",
        "convoy_departed",
        "convoy_arrived",
        "incident",
        "clearance_requested",
        "clearance_approved",
        "clearance_denied",
        "trucks_held",
        "trucks_released",
        "flight_departed",
    ];

    /// What the event is about (`site:kidal`, `convoy:C-014`, `clearance:R-7`,
    /// `hold:gao`, `flight:UN-2231`): events of one subject must be logged in time order. An
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
        if !v.is_object() {
            return Err(Rejection::new("event", "is not a JSON object")
                .hint("write {\"kind\": \"site_closed\", \"site\": ..., \"at\": ..., ...}"));
        }
        if v.get("kind").is_none() {
            return Err(Rejection::new("kind", "is missing").hint(format!("one of {}", EventKind::NAMES.join(", "))));
        }
        serde_json::from_value(v).map_err(|e| {
            let msg = e.to_string();
            let quoted = msg.split('`').nth(1).unwrap_or("event").to_string();
            if msg.starts_with("unknown variant") {
                Rejection::new("kind", format!("`{quoted}` is not a kind of event"))
                    .hint(format!("one of {}", EventKind::NAMES.join(", ")))
            } else if msg.starts_with("missing field") || msg.starts_with("unknown field") {
                Rejection::new(quoted, msg)
            } else {
                Rejection::new("event", msg)
            }
        })
    }
}

/// An event as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoggedEvent {
    /// Increases in the order events were recorded.
    pub id: i64,
    /// The scenario's name (its `[scenario] id`).
    pub scenario: String,
    /// When it happened, RFC 3339 UTC.
    pub at: String,
    #[serde(flatten)]
    pub kind: EventKind,
    pub recorded_by: String,
    /// When it was recorded, RFC 3339 UTC.
    pub recorded_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl LoggedEvent {
    /// The time it happened (stored normalised, so this cannot fail on a
    /// store this crate wrote; a foreign value reads as the earliest time).
    pub fn time(&self) -> NaiveDateTime {
        parse_at(&self.at).unwrap_or(NaiveDateTime::MIN)
    }
}

/// Reads an event time: `2023-10-15`, `2023-10-15T06:30`, `2023-10-15 06:30:00`,
/// optionally with `Z` or an offset (converted to UTC).
pub fn parse_at(s: &str) -> Result<NaiveDateTime, Rejection> {
    let t = s.trim();
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return Ok(d.and_time(NaiveTime::MIN));
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Ok(dt.with_timezone(&Utc).naive_utc());
    }
    let bare = t.strip_suffix('Z').unwrap_or(t).replacen(' ', "T", 1);
    for f in ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(&bare, f) {
            return Ok(dt);
        }
    }
    Err(Rejection::new("at", format!("`{s}` is not a date or a date-time"))
        .hint("write a date like 2023-10-15 or a UTC date-time like 2023-10-15T06:30"))
}

/// RFC 3339 UTC to the second: the stored form of every time.
pub(crate) fn format_at(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}
