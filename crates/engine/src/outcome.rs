//! What one replication produced: the compact record the Monte Carlo layer
//! folds into its statistics.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Where equipment ended up. `InCountry` is still at a site or on the road.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Fate {
    Repatriated,
    HandedOver,
    Sold,
    Destroyed,
    Abandoned,
    Lost,
    InCountry,
}

impl Fate {
    pub const ALL: [Fate; 7] = [
        Fate::Repatriated,
        Fate::HandedOver,
        Fate::Sold,
        Fate::Destroyed,
        Fate::Abandoned,
        Fate::Lost,
        Fate::InCountry,
    ];
    /// The fate's name in files and output (its serde name).
    pub fn as_str(self) -> &'static str {
        match self {
            Fate::Repatriated => "repatriated",
            Fate::HandedOver => "handed_over",
            Fate::Sold => "sold",
            Fate::Destroyed => "destroyed",
            Fate::Abandoned => "abandoned",
            Fate::Lost => "lost",
            Fate::InCountry => "in_country",
        }
    }
}

/// One value per equipment fate, addressed by `Fate` (never by a bare
/// index). Serialised as an object keyed by the fates' names.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ByFate<T> {
    pub repatriated: T,
    pub handed_over: T,
    pub sold: T,
    pub destroyed: T,
    pub abandoned: T,
    pub lost: T,
    pub in_country: T,
}

impl<T> ByFate<T> {
    /// Each fate with its value, in `Fate::ALL` order.
    pub fn iter(&self) -> impl Iterator<Item = (Fate, &T)> {
        Fate::ALL.into_iter().map(move |f| (f, &self[f]))
    }
    /// The values, in `Fate::ALL` order.
    pub fn values(&self) -> impl Iterator<Item = &T> {
        Fate::ALL.into_iter().map(move |f| &self[f])
    }
    pub fn map<U>(&self, mut f: impl FnMut(&T) -> U) -> ByFate<U> {
        ByFate {
            repatriated: f(&self.repatriated),
            handed_over: f(&self.handed_over),
            sold: f(&self.sold),
            destroyed: f(&self.destroyed),
            abandoned: f(&self.abandoned),
            lost: f(&self.lost),
            in_country: f(&self.in_country),
        }
    }
}

impl<T> std::ops::Index<Fate> for ByFate<T> {
    type Output = T;
    fn index(&self, f: Fate) -> &T {
        match f {
            Fate::Repatriated => &self.repatriated,
            Fate::HandedOver => &self.handed_over,
            Fate::Sold => &self.sold,
            Fate::Destroyed => &self.destroyed,
            Fate::Abandoned => &self.abandoned,
            Fate::Lost => &self.lost,
            Fate::InCountry => &self.in_country,
        }
    }
}

impl<T> std::ops::IndexMut<Fate> for ByFate<T> {
    fn index_mut(&mut self, f: Fate) -> &mut T {
        match f {
            Fate::Repatriated => &mut self.repatriated,
            Fate::HandedOver => &mut self.handed_over,
            Fate::Sold => &mut self.sold,
            Fate::Destroyed => &mut self.destroyed,
            Fate::Abandoned => &mut self.abandoned,
            Fate::Lost => &mut self.lost,
            Fate::InCountry => &mut self.in_country,
        }
    }
}

/// Who took a vacated site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Taker {
    #[default]
    Open,
    State,
    ArmedGroup,
}

/// Per movement row (a road line or a closure): what its convoys did.
#[derive(Debug, Clone, Default)]
pub struct ConvoyStats {
    /// Minute of the first loaded departure.
    pub first_departure: Option<u32>,
    /// Loaded trips completed.
    pub trips: u32,
    /// Total minutes of completed loaded trips.
    pub trip_minutes: u64,
    pub incidents: u32,
    pub wounded: u32,
    pub killed: u32,
    /// Vehicles damaged (they continue).
    pub damaged: u32,
}

impl ConvoyStats {
    /// Mean loaded-trip duration in whole hours.
    pub fn mean_trip_hours(&self) -> Option<u32> {
        (self.trips > 0).then(|| (self.trip_minutes as f64 / self.trips as f64 / 60.0).round() as u32)
    }
}

/// Flight clearance requests.
#[derive(Debug, Clone, Copy, Default)]
pub struct Clearances {
    pub requested: u32,
    pub approved: u32,
}

/// One replication's outcome.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Personnel departed by the end of each day, start..=deadline.
    pub departed_daily: Vec<u32>,
    /// Sites closed by the end of each day, start..=deadline.
    pub closed_daily: Vec<u32>,
    pub departed_by_deadline: u32,
    pub sites_closed_by_deadline: u32,
    /// Every closure in the plan done by the deadline.
    pub all_closed_by_deadline: bool,
    pub wounded: u32,
    pub killed: u32,
    pub vehicles_damaged: u32,
    /// Thousands of person-km travelled by road (exposure of personnel).
    pub personnel_road_kkm: u32,
    /// Equipment items by fate at the end of the deadline day.
    pub equipment: ByFate<u32>,
    /// Minute each site was vacated (None: still open at the horizon).
    pub site_closed: Vec<Option<u32>>,
    pub site_taken: Vec<Taker>,
    /// Rows: road lines in plan order, then closures in plan order.
    pub convoys: Vec<ConvoyStats>,
    pub clearances: Clearances,
    /// Convoy-days a convoy did not leave for want of fuel.
    pub fuel_waits: u32,
    /// Site-days a site's generators lacked fuel.
    pub fuel_dry_days: u32,
    /// Thousands of litres of fuel left at closed sites by the deadline.
    pub fuel_left_kl: u32,
    /// Convoy-days a closing convoy waited for seats for everyone.
    pub seat_waits: u32,
    /// Attacks on camps and airfields, their wounded and killed (killed
    /// at the site), aircraft hit.
    pub attacks: u32,
    pub attack_wounded: u32,
    pub attack_killed: u32,
    pub aircraft_hit: u32,
    /// Closures brought forward by their leave-early rule.
    pub closures_early: u32,
    pub events: u64,
}
