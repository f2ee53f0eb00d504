//! Values that carry their provenance: every number in a scenario may be
//! written bare (`km = 350`) or with its source and confidence
//! (`km = { value = 350, source = "S27", confidence = "high", low = 330, high = 400 }`).
//!
//! The visitors are written by hand (rather than `#[serde(untagged)]`) so that
//! a wrong value gets a precise message at its own span: untagged enums buffer
//! their input and lose both.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    High,
    Medium,
    Low,
}

impl Confidence {
    /// Relative half-width of the default sensitivity range for a value of
    /// this confidence when no explicit `low`/`high` is given.
    pub fn default_swing(self) -> f64 {
        match self {
            Confidence::High => 0.10,
            Confidence::Medium => 0.25,
            Confidence::Low => 0.50,
        }
    }

    /// Half-width in days of the default range of a date of this
    /// confidence when no explicit `low`/`high` is given.
    pub fn default_swing_days(self) -> i64 {
        match self {
            Confidence::High => 3,
            Confidence::Medium => 7,
            Confidence::Low => 14,
        }
    }
}

/// Provenance shared by every sourced value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence: Option<Confidence>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub low: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub high: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Provenance {
    fn is_empty(&self) -> bool {
        *self == Provenance::default()
    }
}

/// A real number with optional provenance.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Num {
    pub value: f64,
    pub prov: Provenance,
}

/// A non-negative whole number with optional provenance.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Count {
    pub value: u32,
    pub prov: Provenance,
}

impl Num {
    pub fn new(value: f64) -> Self {
        Num { value, prov: Provenance::default() }
    }
}
impl Count {
    pub fn new(value: u32) -> Self {
        Count { value, prov: Provenance::default() }
    }
}

/// Reads `{ value = .., source = .., confidence = .., low = .., high = .., note = .. }`.
fn read_sourced_map<'de, A: MapAccess<'de>, T: Deserialize<'de>>(mut map: A) -> Result<(T, Provenance), A::Error> {
    let mut value: Option<T> = None;
    let mut prov = Provenance::default();
    while let Some(key) = map.next_key::<String>()? {
        match key.as_str() {
            "value" => value = Some(map.next_value()?),
            "source" => prov.source = Some(map.next_value()?),
            "confidence" => prov.confidence = Some(map.next_value()?),
            "low" => prov.low = Some(map.next_value()?),
            "high" => prov.high = Some(map.next_value()?),
            "note" => prov.note = Some(map.next_value()?),
            other => {
                return Err(de::Error::unknown_field(other, &["value", "source", "confidence", "low", "high", "note"]));
            }
        }
    }
    let value = value.ok_or_else(|| de::Error::missing_field("value"))?;
    Ok((value, prov))
}

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Num;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a number, or a table { value = <number>, source = \"..\", confidence = \"high|medium|low\" }",
                )
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Num, E> {
                Ok(Num::new(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Num, E> {
                Ok(Num::new(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Num, E> {
                if v.is_finite() {
                    Ok(Num::new(v))
                } else {
                    Err(E::invalid_value(de::Unexpected::Float(v), &"a finite number"))
                }
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Num, A::Error> {
                let (value, prov): (Num, Provenance) = read_sourced_map(map)?;
                Ok(Num { value: value.value, prov })
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Count;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a whole number >= 0, or a table { value = <whole number>, source = \"..\" }")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Count, E> {
                u32::try_from(v)
                    .map(Count::new)
                    .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &"a whole number >= 0"))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Count, E> {
                u32::try_from(v)
                    .map(Count::new)
                    .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &"a whole number below 4294967296"))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Count, E> {
                Err(E::invalid_value(de::Unexpected::Float(v), &"a whole number >= 0"))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Count, A::Error> {
                let (value, prov): (Count, Provenance) = read_sourced_map(map)?;
                Ok(Count { value: value.value, prov })
            }
        }
        d.deserialize_any(V)
    }
}

fn serialize_sourced<S: Serializer, T: Serialize>(s: S, value: &T, prov: &Provenance) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    if prov.is_empty() {
        return value.serialize(s);
    }
    let mut m = s.serialize_map(None)?;
    m.serialize_entry("value", value)?;
    if let Some(x) = &prov.source {
        m.serialize_entry("source", x)?;
    }
    if let Some(x) = &prov.confidence {
        m.serialize_entry("confidence", x)?;
    }
    if let Some(x) = &prov.low {
        m.serialize_entry("low", x)?;
    }
    if let Some(x) = &prov.high {
        m.serialize_entry("high", x)?;
    }
    if let Some(x) = &prov.note {
        m.serialize_entry("note", x)?;
    }
    m.end()
}

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serialize_sourced(s, &self.value, &self.prov)
    }
}
impl Serialize for Count {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serialize_sourced(s, &self.value, &self.prov)
    }
}

/// A calendar day. Written as a TOML date (`2023-10-31`) or a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub NaiveDate);

impl Date {
    pub fn ymd(y: i32, m: u32, d: u32) -> Option<Date> {
        NaiveDate::from_ymd_opt(y, m, d).map(Date)
    }
    /// Whole days from `origin` to `self` (negative if before).
    pub fn days_since(self, origin: Date) -> i64 {
        (self.0 - origin.0).num_days()
    }
    pub fn plus_days(self, days: i64) -> Date {
        Date(self.0 + chrono::Duration::days(days))
    }
    pub fn parse(s: &str) -> Option<Date> {
        NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok().map(Date)
    }
    /// Days since 1970-01-01: the number a date input is drawn as.
    pub fn epoch_days(self) -> i64 {
        self.days_since(EPOCH)
    }
    /// The date `days` after 1970-01-01.
    pub fn from_epoch_days(days: i64) -> Date {
        EPOCH.plus_days(days)
    }
}

const EPOCH: Date = Date(NaiveDate::from_ymd_opt(1970, 1, 1).unwrap());

/// A date with optional provenance and range:
/// `ready = 2023-11-19` or
/// `ready = { value = 2023-11-19, low = 2023-11-09, high = 2023-12-03, source = "..", confidence = "low" }`.
/// With a range or a confidence it is an uncertain input (`uncertain.rs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourcedDate {
    pub value: Date,
    pub low: Option<Date>,
    pub high: Option<Date>,
    pub confidence: Option<Confidence>,
    pub source: Option<String>,
    pub note: Option<String>,
}

impl SourcedDate {
    pub fn new(value: Date) -> SourcedDate {
        SourcedDate { value, low: None, high: None, confidence: None, source: None, note: None }
    }
}

impl From<Date> for SourcedDate {
    fn from(value: Date) -> SourcedDate {
        SourcedDate::new(value)
    }
}

/// The key under which the `toml` crate hands a TOML date to a visitor as
/// a one-entry map (`toml_datetime`'s private field name).
const TOML_DATETIME_KEY: &str = "$__toml_private_datetime";

impl<'de> Deserialize<'de> for SourcedDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        const EXPECTED: &str =
            "a date like 2023-10-31, or a table { value = <date>, low = <date>, high = <date>, source = \"..\" }";
        const KEYS: &[&str] = &["value", "low", "high", "source", "confidence", "note"];
        impl<'de> Visitor<'de> for V {
            type Value = SourcedDate;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(EXPECTED)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<SourcedDate, E> {
                Date::parse(v).map(SourcedDate::new).ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &EXPECTED))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SourcedDate, A::Error> {
                let mut out: Option<Date> = None;
                let (mut low, mut high, mut confidence, mut source, mut note) = (None, None, None, None, None);
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        // A bare TOML date: its text is the whole value.
                        TOML_DATETIME_KEY => {
                            let text: String = map.next_value()?;
                            return Date::parse(&text).map(SourcedDate::new).ok_or_else(|| {
                                de::Error::custom(format!(
                                    "expected a date like 2023-10-31 with no time of day, found `{text}`"
                                ))
                            });
                        }
                        "value" => out = Some(map.next_value()?),
                        "low" => low = Some(map.next_value()?),
                        "high" => high = Some(map.next_value()?),
                        "confidence" => confidence = Some(map.next_value()?),
                        "source" => source = Some(map.next_value()?),
                        "note" => note = Some(map.next_value()?),
                        other => return Err(de::Error::unknown_field(other, KEYS)),
                    }
                }
                let value = out.ok_or_else(|| de::Error::missing_field("value"))?;
                Ok(SourcedDate { value, low, high, confidence, source, note })
            }
        }
        d.deserialize_any(V)
    }
}

impl Serialize for SourcedDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        if self.low.is_none()
            && self.high.is_none()
            && self.confidence.is_none()
            && self.source.is_none()
            && self.note.is_none()
        {
            return self.value.serialize(s);
        }
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("value", &self.value)?;
        if let Some(x) = &self.source {
            m.serialize_entry("source", x)?;
        }
        if let Some(x) = &self.low {
            m.serialize_entry("low", x)?;
        }
        if let Some(x) = &self.high {
            m.serialize_entry("high", x)?;
        }
        if let Some(x) = &self.confidence {
            m.serialize_entry("confidence", x)?;
        }
        if let Some(x) = &self.note {
            m.serialize_entry("note", x)?;
        }
        m.end()
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.0.year(), self.0.month(), self.0.day())
    }
}

impl schemars::JsonSchema for Date {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "format": "date", "description": "A calendar day, YYYY-MM-DD" })
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        const EXPECTED: &str = "a date like 2023-10-31";
        impl<'de> Visitor<'de> for V {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(EXPECTED)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Date, E> {
                Date::parse(v).ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &EXPECTED))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Date, A::Error> {
                // A TOML datetime arrives as a one-entry map; let the toml
                // crate's own type read it, then insist on a plain date.
                let dt = toml::value::Datetime::deserialize(de::value::MapAccessDeserializer::new(map))?;
                match (dt.date, dt.time, dt.offset) {
                    (Some(d), None, None) => Date::ymd(d.year as i32, d.month as u32, d.day as u32)
                        .ok_or_else(|| de::Error::custom(format!("{dt} is not a calendar date"))),
                    _ => Err(de::Error::custom(format!("expected {EXPECTED} with no time of day, found `{dt}`"))),
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// A probability distribution for a duration or count.
#[derive(Debug, Clone, PartialEq)]
pub enum DistKind {
    Fixed(f64),
    /// Exponential with this mean.
    Exponential(f64),
    Uniform(f64, f64),
    /// Triangular(min, mode, max).
    Triangular(f64, f64, f64),
    /// Log-normal with this median and log-space standard deviation.
    LogNormal(f64, f64),
}

/// A distribution with provenance. Written as a bare number (fixed) or one of
/// `{ fixed = x }`, `{ exponential = mean }`, `{ uniform = [a, b] }`,
/// `{ triangular = [min, mode, max] }`, `{ lognormal = [median, sigma] }`,
/// optionally with `source` and `confidence`.
#[derive(Debug, Clone, PartialEq)]
pub struct Dist {
    pub kind: DistKind,
    pub prov: Provenance,
}

impl Dist {
    pub fn fixed(x: f64) -> Dist {
        Dist { kind: DistKind::Fixed(x), prov: Provenance::default() }
    }
    /// The distribution's mean.
    pub fn mean(&self) -> f64 {
        match self.kind {
            DistKind::Fixed(x) | DistKind::Exponential(x) => x,
            DistKind::Uniform(a, b) => (a + b) / 2.0,
            DistKind::Triangular(a, m, b) => (a + m + b) / 3.0,
            DistKind::LogNormal(med, s) => med * (s * s / 2.0).exp(),
        }
    }
    /// Parameters in the order they are written, for range checks.
    pub fn params(&self) -> Vec<f64> {
        match self.kind {
            DistKind::Fixed(x) | DistKind::Exponential(x) => vec![x],
            DistKind::Uniform(a, b) | DistKind::LogNormal(a, b) => vec![a, b],
            DistKind::Triangular(a, m, b) => vec![a, m, b],
        }
    }
}

impl<'de> Deserialize<'de> for Dist {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        const KINDS: &[&str] =
            &["fixed", "exponential", "uniform", "triangular", "lognormal", "source", "confidence", "note"];
        impl<'de> Visitor<'de> for V {
            type Value = Dist;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number or one of { fixed = x }, { exponential = mean }, { uniform = [a, b] }, { triangular = [min, mode, max] }, { lognormal = [median, sigma] }")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Dist, E> {
                Ok(Dist::fixed(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Dist, E> {
                Ok(Dist::fixed(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Dist, E> {
                Ok(Dist::fixed(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Dist, A::Error> {
                let mut kind = None;
                let mut prov = Provenance::default();
                while let Some(key) = map.next_key::<String>()? {
                    let k = match key.as_str() {
                        "fixed" => DistKind::Fixed(map.next_value()?),
                        "exponential" => DistKind::Exponential(map.next_value()?),
                        "uniform" => {
                            let [a, b]: [f64; 2] = map.next_value()?;
                            DistKind::Uniform(a, b)
                        }
                        "triangular" => {
                            let [a, m, b]: [f64; 3] = map.next_value()?;
                            DistKind::Triangular(a, m, b)
                        }
                        "lognormal" => {
                            let [m, s]: [f64; 2] = map.next_value()?;
                            DistKind::LogNormal(m, s)
                        }
                        "source" => {
                            prov.source = Some(map.next_value()?);
                            continue;
                        }
                        "confidence" => {
                            prov.confidence = Some(map.next_value()?);
                            continue;
                        }
                        "note" => {
                            prov.note = Some(map.next_value()?);
                            continue;
                        }
                        other => return Err(de::Error::unknown_field(other, KINDS)),
                    };
                    if kind.replace(k).is_some() {
                        return Err(de::Error::custom(
                            "a distribution has exactly one kind (fixed, exponential, uniform, triangular or lognormal)",
                        ));
                    }
                }
                let kind = kind.ok_or_else(|| {
                    de::Error::custom(
                        "missing the distribution: add one of fixed, exponential, uniform, triangular, lognormal",
                    )
                })?;
                Ok(Dist { kind, prov })
            }
        }
        d.deserialize_any(V)
    }
}

impl Serialize for Dist {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        match self.kind {
            DistKind::Fixed(x) => m.serialize_entry("fixed", &x)?,
            DistKind::Exponential(x) => m.serialize_entry("exponential", &x)?,
            DistKind::Uniform(a, b) => m.serialize_entry("uniform", &[a, b])?,
            DistKind::Triangular(a, b, c) => m.serialize_entry("triangular", &[a, b, c])?,
            DistKind::LogNormal(a, b) => m.serialize_entry("lognormal", &[a, b])?,
        }
        if let Some(x) = &self.prov.source {
            m.serialize_entry("source", x)?;
        }
        if let Some(x) = &self.prov.confidence {
            m.serialize_entry("confidence", x)?;
        }
        if let Some(x) = &self.prov.note {
            m.serialize_entry("note", x)?;
        }
        m.end()
    }
}

/// One step of a time-dependent value: `value` applies from `from` on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub from: Date,
    pub value: Num,
}

/// A value that is constant (`pace = 60`) or changes by period
/// (`pace = [{ from = 2023-07-01, value = 30 }, { from = 2023-10-01, value = 65 }]`).
/// Before the first step, the first step's value applies.
#[derive(Debug, Clone, PartialEq)]
pub enum Schedule {
    Constant(Num),
    Steps(Vec<Step>),
}

impl Schedule {
    /// All values, for range checks.
    pub fn values(&self) -> Vec<&Num> {
        match self {
            Schedule::Constant(n) => vec![n],
            Schedule::Steps(s) => s.iter().map(|s| &s.value).collect(),
        }
    }
}

impl<'de> Deserialize<'de> for Schedule {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Schedule;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number, or a list of steps like [{ from = 2023-07-01, value = 40 }]")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Schedule, E> {
                Ok(Schedule::Constant(Num::new(v as f64)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Schedule, E> {
                Ok(Schedule::Constant(Num::new(v as f64)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Schedule, E> {
                Ok(Schedule::Constant(Num::new(v)))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Schedule, A::Error> {
                let (value, prov): (Num, Provenance) = read_sourced_map(map)?;
                Ok(Schedule::Constant(Num { value: value.value, prov }))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Schedule, A::Error> {
                let mut steps = Vec::new();
                while let Some(step) = seq.next_element::<Step>()? {
                    steps.push(step);
                }
                if steps.is_empty() {
                    return Err(de::Error::invalid_length(0, &"at least one step"));
                }
                Ok(Schedule::Steps(steps))
            }
        }
        d.deserialize_any(V)
    }
}

impl Serialize for Schedule {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Schedule::Constant(n) => n.serialize(s),
            Schedule::Steps(steps) => steps.serialize(s),
        }
    }
}
