//! What one replication produced: the compact record the Monte Carlo layer
//! folds into its statistics.

/// Where equipment ended up. `InCountry` is still at a site or on the road.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(usize)]
pub enum Fate {
    Repatriated = 0,
    HandedOver = 1,
    Sold = 2,
    Destroyed = 3,
    Abandoned = 4,
    Lost = 5,
    InCountry = 6,
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

/// Who took a vacated site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
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
    pub equipment: [u32; 7],
    /// Minute each site was vacated (None: still open at the horizon).
    pub site_closed: Vec<Option<u32>>,
    pub site_taken: Vec<Taker>,
    /// Rows: road lines in plan order, then closures in plan order.
    pub convoys: Vec<ConvoyStats>,
    pub clearances: Clearances,
    pub events: u64,
}
