//! The scenario as written in TOML: plain serde types, one per table.
//!
//! These types *are* the file format: `docs/scenario-format.md` documents them
//! field by field. They hold user input verbatim (string ids, calendar dates);
//! `validate` checks cross-references and ranges, and the engine compiles a
//! validated scenario into dense indices. Every struct denies unknown fields so
//! a typo is an error, not a silently ignored value.

use serde::{Deserialize, Serialize};

use crate::quantity::{Count, Date, Dist, Num, Schedule, SourcedDate};

/// A whole scenario file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub scenario: Meta,
    #[serde(default, rename = "site")]
    pub sites: Vec<Site>,
    #[serde(default, rename = "link")]
    pub links: Vec<Link>,
    #[serde(default, rename = "air_leg")]
    pub air_legs: Vec<AirLeg>,
    #[serde(default, rename = "corridor")]
    pub corridors: Vec<Corridor>,
    #[serde(default)]
    pub personnel: Vec<PersonnelGroup>,
    #[serde(default)]
    pub equipment: Vec<EquipmentLot>,
    #[serde(default, rename = "fleet")]
    pub fleets: Vec<TruckFleet>,
    #[serde(default)]
    pub aircraft: Vec<AircraftFleet>,
    #[serde(default)]
    pub march: March,
    /// `[fuel]`: consumption rates (absent: fuel is not consumed).
    #[serde(default)]
    pub fuel: Fuel,
    #[serde(default, rename = "threat")]
    pub threats: Vec<ThreatPeriod>,
    #[serde(default)]
    pub policy: Policy,
    #[serde(default, rename = "presence")]
    pub presences: Vec<Presence>,
    /// `[[attack]]`: attacks on camps and airfields, per site and period.
    #[serde(default, rename = "attack")]
    pub attacks: Vec<AttackPeriod>,
    #[serde(default)]
    pub situation: Situation,
    #[serde(default)]
    pub plan: Plan,
    /// `[planner]`: objective weights and solver settings of `drawdown plan`
    /// (every field optional; absent: the documented defaults).
    #[serde(default)]
    pub planner: Option<PlannerSettings>,
    /// Dated observations from the record, drawn on charts and used in the
    /// calibration table. They never influence the simulation.
    #[serde(default, rename = "milestone")]
    pub milestones: Vec<Milestone>,
    #[serde(default)]
    pub calibration: Option<Calibration>,
    /// Named what-ifs: `[variants.NAME]` with `set = { "PATH" = VALUE }`
    /// (see `overrides.rs`). They change nothing unless asked for.
    #[serde(default)]
    pub variants: std::collections::BTreeMap<String, Variant>,
}

impl Scenario {
    /// The scenario as TOML text (sourced values as sub-tables, which
    /// loading reads like inline ones).
    pub fn to_toml(&self) -> Result<String, String> {
        toml::to_string(self).map_err(|e| format!("cannot write the scenario as TOML: {e}"))
    }

    /// The convoy rows a convoy milestone may name, as the result's
    /// `convoys` lists them: road lines' ids in plan order, then
    /// `close-<site>` for each closure.
    pub fn convoy_rows(&self) -> Vec<String> {
        self.plan
            .lines
            .iter()
            .filter(|l| l.mode == Mode::Road)
            .map(|l| l.id.clone())
            .chain(self.plan.closures.iter().map(|c| format!("close-{}", c.site)))
            .collect()
    }
}

/// `[variants.NAME]`: a named set of overrides.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub set: toml::Table,
}

/// `[scenario]`: identity and the time window.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    /// Short lower-case id, e.g. `minusma-2023`.
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// First simulated day (time 0 is 00:00 on this day).
    pub start: Date,
    /// Everything should be out by the end of this day.
    pub deadline: Date,
    /// Last simulated day (inclusive); defaults to the deadline.
    #[serde(default)]
    pub horizon: Option<Date>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SiteKind {
    Camp,
    TemporaryBase,
    Hub,
    Hq,
    Airfield,
    Seaport,
    BorderCrossing,
    Waypoint,
    /// Outside the theatre (a home country, a foreign capital): a generic
    /// destination for strategic airlift.
    Abroad,
}

impl SiteKind {
    /// Reaching a site of this kind means leaving the country.
    pub fn is_exit(self) -> bool {
        matches!(self, SiteKind::Seaport | SiteKind::BorderCrossing | SiteKind::Abroad)
    }
    /// Sites of these kinds are closed and handed over during a drawdown.
    pub fn is_base(self) -> bool {
        matches!(self, SiteKind::Camp | SiteKind::TemporaryBase | SiteKind::Hub | SiteKind::Hq)
    }
}

/// `[[site]]`: a place in the theatre.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Site {
    pub id: String,
    #[serde(default)]
    pub name: String,
    pub kind: SiteKind,
    pub lat: Num,
    pub lon: Num,
    /// Has a runway that fixed-wing aircraft can use.
    #[serde(default)]
    pub airfield: bool,
    /// Fraction of vehicles at this site that are serviceable (can drive
    /// away) when the site closes; the rest are disposed of. Default 1.
    #[serde(default)]
    pub vehicle_serviceability: Option<Num>,
    /// Fuel stock at the start, in litres. Absent: the site's fuel is not
    /// counted (convoys leaving it always find fuel).
    #[serde(default)]
    pub fuel_litres: Option<Num>,
    /// Fuel reaching the site from outside the theatre each day (litres),
    /// unless a `[[policy.fuel_ban]]` is in force. Needs `fuel_litres`.
    #[serde(default)]
    pub fuel_import_litres_per_day: Option<Num>,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub confidence: Option<crate::quantity::Confidence>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum LinkMode {
    #[default]
    Road,
    River,
}

/// `[[link]]`: a road (or river) link, usable in both directions.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Link {
    pub from: String,
    pub to: String,
    pub km: Num,
    /// Convoy pace in km per day of travel (halts included), constant or by period.
    pub pace: Schedule,
    /// Threat zone id; links with no zone carry no incident risk.
    #[serde(default)]
    pub zone: Option<String>,
    /// Exit corridor this link belongs to; the link is unusable while the
    /// corridor is closed.
    #[serde(default)]
    pub corridor: Option<String>,
    #[serde(default)]
    pub mode: LinkMode,
}

/// `[[air_leg]]`: flying time between two airfields (overrides the
/// great-circle estimate).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AirLeg {
    pub from: String,
    pub to: String,
    pub hours: Num,
}

/// `[[corridor]]`: a named exit corridor whose status changes over time.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Corridor {
    pub id: String,
    #[serde(default)]
    pub name: String,
    /// Periods during which the corridor is closed.
    #[serde(default)]
    pub closed: Vec<Window>,
    #[serde(default)]
    pub source: Option<String>,
}

/// A half-open period of days `[from, to)`; no `to` means "until further notice".
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Window {
    pub from: Date,
    #[serde(default)]
    pub to: Option<Date>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Leaves first.
    NonEssential,
    /// Leaves after the non-essential personnel.
    Essential,
    /// Stays until the site closes and leaves with the closing convoy.
    Guard,
    /// Liquidation team: stays until the site closes (usually after the deadline).
    RearParty,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::NonEssential, Role::Essential, Role::Guard, Role::RearParty];
    /// Roles that only leave a site when it closes.
    pub fn stays_until_closure(self) -> bool {
        matches!(self, Role::Guard | Role::RearParty)
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Role::NonEssential => "non_essential",
            Role::Essential => "essential",
            Role::Guard => "guard",
            Role::RearParty => "rear_party",
        }
    }
}

/// `[[personnel]]`: a group of people of one contingent and role at a site.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonnelGroup {
    pub site: String,
    /// Contingent or country, e.g. `chad`, `civilian`.
    pub contingent: String,
    pub role: Role,
    pub count: Count,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EquipmentClass {
    /// Drives itself in a convoy.
    Vehicle,
    /// Drives itself; sensitive (may not be handed over or sold).
    ArmouredVehicle,
    /// Sea container (one truck load unit by default).
    Container,
    Generator,
    /// Sensitive.
    Ammunition,
    Other,
    /// Only in `[[plan.disposition]]`: the fuel left at a closing site
    /// (stocks are `[[site]] fuel_litres`, not equipment lots).
    Fuel,
}

impl EquipmentClass {
    pub const ALL: [EquipmentClass; 6] = [
        EquipmentClass::Vehicle,
        EquipmentClass::ArmouredVehicle,
        EquipmentClass::Container,
        EquipmentClass::Generator,
        EquipmentClass::Ammunition,
        EquipmentClass::Other,
    ];
    pub fn self_moving(self) -> bool {
        matches!(self, EquipmentClass::Vehicle | EquipmentClass::ArmouredVehicle)
    }
    pub fn sensitive(self) -> bool {
        matches!(self, EquipmentClass::ArmouredVehicle | EquipmentClass::Ammunition)
    }
    pub fn as_str(self) -> &'static str {
        match self {
            EquipmentClass::Vehicle => "vehicle",
            EquipmentClass::ArmouredVehicle => "armoured_vehicle",
            EquipmentClass::Container => "container",
            EquipmentClass::Generator => "generator",
            EquipmentClass::Ammunition => "ammunition",
            EquipmentClass::Other => "other",
            EquipmentClass::Fuel => "fuel",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Ownership {
    /// Contingent-owned equipment (belongs to the contributing country).
    #[default]
    Contingent,
    /// UN-owned equipment.
    Un,
}

/// `[[equipment]]`: a lot of identical items at a site.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EquipmentLot {
    pub site: String,
    #[serde(default)]
    pub contingent: String,
    pub class: EquipmentClass,
    pub count: Count,
    /// Value of one item in US dollars.
    #[serde(default)]
    pub value_usd: Option<Num>,
    #[serde(default)]
    pub ownership: Ownership,
    /// Truck load units per item (containers: 1). Ignored for vehicles.
    #[serde(default)]
    pub load: Option<Num>,
    /// Overrides the class default: sensitive items may not be handed over or sold.
    #[serde(default)]
    pub sensitive: Option<bool>,
    /// Self-moving vehicles: passenger seats per vehicle (see `[[fleet]] seats`).
    #[serde(default)]
    pub seats: Option<Count>,
}

/// `[[fleet]]`: trucks based at a site.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TruckFleet {
    pub id: String,
    pub home: String,
    pub trucks: Count,
    /// Load units one truck carries.
    pub capacity: Num,
    /// Passenger seats per truck (or bus). Once any fleet or vehicle lot
    /// gives seats, a convoy carries no more people than its seats; a
    /// fleet or lot without `seats` then has none.
    #[serde(default)]
    pub seats: Option<Count>,
    /// Tanker fleet: litres of fuel one truck carries on `carry = "fuel"` lines.
    #[serde(default)]
    pub tank_litres: Option<Num>,
}

/// `[[aircraft]]`: a fleet of aircraft of one type operating from a base.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AircraftFleet {
    pub id: String,
    pub base: String,
    pub count: Count,
    pub seats: Count,
    /// Cargo load units per sortie (0: passengers only).
    #[serde(default)]
    pub payload: Option<Num>,
    /// Probability that one aircraft is serviceable on a given day.
    pub serviceability: Num,
    /// Sorties one serviceable aircraft flies per day.
    #[serde(default)]
    pub sorties_per_day: Option<Count>,
    /// Cruise speed for flying times not given by an `[[air_leg]]`.
    #[serde(default)]
    pub cruise_kmh: Option<Num>,
    /// Clearance group whose host-state policy applies (`[[policy.clearance]]`).
    pub clearance: String,
}

/// `[march]`: friction that applies to every road convoy.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct March {
    /// Coefficient of variation of a day's progress (log-normal, mean 1). Default 0.
    #[serde(default)]
    pub pace_variability: Option<Num>,
    /// Breakdowns per 100 convoy-km (each halts the column).
    #[serde(default)]
    pub breakdowns_per_100km: Option<Num>,
    /// Hours lost per breakdown.
    #[serde(default)]
    pub breakdown_delay_hours: Option<Num>,
}

/// `[fuel]`: what vehicles and camps burn. Every rate defaults to 0.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fuel {
    /// Litres per 100 km for each truck of a fleet.
    #[serde(default)]
    pub truck_litres_per_100km: Option<Num>,
    /// Litres per 100 km for each vehicle of class `vehicle`.
    #[serde(default)]
    pub vehicle_litres_per_100km: Option<Num>,
    /// Litres per 100 km for each vehicle of class `armoured_vehicle`.
    #[serde(default)]
    pub armoured_vehicle_litres_per_100km: Option<Num>,
    /// Litres per day for each generator at an open site.
    #[serde(default)]
    pub generator_litres_per_day: Option<Num>,
}

/// `[[threat]]`: the threat in one zone from a date until the next entry for
/// the same zone.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThreatPeriod {
    pub zone: String,
    pub from: Date,
    /// IED strikes per 100 convoy-km.
    pub ied_per_100km: Num,
    /// Ambushes per 100 convoy-km.
    pub ambush_per_100km: Num,
    /// Mean wounded per incident (Poisson).
    pub wounded_per_incident: Num,
    /// Mean killed per incident (Poisson).
    pub killed_per_incident: Num,
    /// Mean vehicles damaged per incident (Poisson); they continue.
    #[serde(default)]
    pub vehicles_damaged_per_incident: Option<Num>,
    /// Mean vehicles destroyed per incident (Poisson), with their cargo.
    #[serde(default)]
    pub vehicles_destroyed_per_incident: Option<Num>,
    /// Hours the column is held per incident.
    pub delay_hours_per_incident: Num,
    /// Shape k of the incident's severity, a Gamma(k, 1/k) factor (mean 1)
    /// on the wounded, killed and vehicle means: small k gives rare
    /// mass-casualty strikes. Absent: every incident has the mean severity.
    #[serde(default)]
    pub casualty_dispersion: Option<Num>,
}

/// `[policy]`: the host state's behaviour over time.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    #[serde(default)]
    pub clearance: Vec<ClearancePeriod>,
    #[serde(default)]
    pub permit: Vec<PermitPeriod>,
    #[serde(default)]
    pub customs_hold: Vec<CustomsHold>,
    #[serde(default)]
    pub import_ban: Vec<ImportBan>,
    #[serde(default)]
    pub fuel_ban: Vec<FuelBan>,
}

/// `[[policy.clearance]]`: flight clearance for one clearance group, from a
/// date until the next entry for the same group.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClearancePeriod {
    pub group: String,
    pub from: Date,
    /// Probability that a request made in this period is approved.
    pub approval: Num,
    /// Days between the request and the flight.
    pub lead_days: Count,
}

/// `[[policy.permit]]`: convoy movement permits, from a date until the next
/// entry. A denied permit holds the convoy one more day.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PermitPeriod {
    pub from: Date,
    /// Probability that a day's permit request is granted.
    pub approval: Num,
}

/// `[[policy.customs_hold]]`: N trucks held at a site from one date to another.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomsHold {
    pub id: String,
    pub site: String,
    pub trucks: Count,
    /// Only this fleet's trucks are held (default: the fleets homed at the
    /// site, in file order).
    #[serde(default)]
    pub fleet: Option<String>,
    /// Litres of the site's fuel stock held (unusable while held).
    #[serde(default)]
    pub litres: Option<Num>,
    pub from: Date,
    /// Release date (exclusive); none: held past the horizon.
    #[serde(default)]
    pub to: Option<Date>,
    #[serde(default)]
    pub source: Option<String>,
}

/// `[[policy.import_ban]]`: spare parts halted, grounding aircraft.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportBan {
    pub id: String,
    pub aircraft: String,
    pub grounded: Count,
    pub from: Date,
    #[serde(default)]
    pub to: Option<Date>,
    #[serde(default)]
    pub source: Option<String>,
}

/// `[[policy.fuel_ban]]`: fuel imports halted, at one site or everywhere.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FuelBan {
    pub id: String,
    /// The site whose imports stop (default: every site).
    #[serde(default)]
    pub site: Option<String>,
    pub from: Date,
    #[serde(default)]
    pub to: Option<Date>,
    #[serde(default)]
    pub source: Option<String>,
}

/// `[[attack]]`: attacks on a camp or airfield (gunfire, rockets, shelling)
/// from a date until the next entry for the same site.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttackPeriod {
    pub site: String,
    pub from: Date,
    /// Attacks per week on the site at full garrison, under the armed-group
    /// presence of the period.
    pub per_week: Num,
    /// How the rate rises as the garrison thins: the rate is multiplied by
    /// `1 + garrison_factor × (1 − people at the site / people based there)`.
    /// Default 0.
    #[serde(default)]
    pub garrison_factor: Option<Num>,
    /// Mean wounded per attack (Poisson). Default 0.
    #[serde(default)]
    pub wounded_per_attack: Option<Num>,
    /// Mean killed per attack (Poisson), from the people at the site. Default 0.
    #[serde(default)]
    pub killed_per_attack: Option<Num>,
    /// Probability that an attack hits an aircraft (airfields). Default 0.
    #[serde(default)]
    pub aircraft_hit: Option<Num>,
    /// Probability that an attack closes the airfield. Default 0.
    #[serde(default)]
    pub airfield_closure: Option<Num>,
    /// Days the airfield stays closed to flights after such an attack.
    #[serde(default)]
    pub airfield_closed_days: Option<Count>,
}

/// `[[presence]]`: who reaches a vacated site first.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Presence {
    pub site: String,
    /// The national army cannot reach the site before this date (its advance).
    #[serde(default)]
    pub state_from: Option<Date>,
    /// Days after the later of vacating and `state_from` for the army to arrive.
    pub state_days: Dist,
    /// Probability that an armed group contests the site at all.
    pub armed_group: Num,
    /// The armed group only contests a site vacated before this date (e.g.
    /// it was driven out of the area by the army's advance).
    #[serde(default)]
    pub armed_group_until: Option<Date>,
    /// Days after vacating for a contesting armed group to arrive.
    pub armed_group_days: Dist,
}

/// `[plan]`: the withdrawal plan.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    #[serde(default, rename = "closure")]
    pub closures: Vec<Closure>,
    #[serde(default, rename = "line")]
    pub lines: Vec<Line>,
    #[serde(default, rename = "disposition")]
    pub dispositions: Vec<DispositionRule>,
    /// Order in which personnel roles are moved (default: non_essential, essential).
    #[serde(default)]
    pub priority: Option<Vec<Role>>,
    /// Bases this plan keeps open past the horizon by decision (a liquidation
    /// site): their guards and rear parties stay, as intended, rather than
    /// being left by a plan that forgot to close the base.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keep_open: Vec<String>,
}

/// `[[plan.closure]]`: closing a site. On `date` a closing convoy leaves with
/// everyone still there (the guard force last), every serviceable vehicle and
/// as much cargo as the trucks on site can carry; the rest is disposed of.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Closure {
    pub site: String,
    pub date: Date,
    /// Destination of the closing convoy.
    pub to: String,
    /// Fleet whose trucks come to lift the remaining cargo with the closing convoy.
    #[serde(default)]
    pub fleet: Option<String>,
    /// How many trucks of that fleet to send (default: all available).
    #[serde(default)]
    pub trucks: Option<Count>,
    /// Historical closure date, drawn on charts for comparison.
    #[serde(default)]
    pub historical: Option<Date>,
    /// Leave early: close as soon as the site has had `attacks` attacks
    /// within `days` days (the accelerated withdrawal).
    #[serde(default)]
    pub leave_early: Option<LeaveEarly>,
    #[serde(default)]
    pub source: Option<String>,
}

/// `leave_early = { attacks = N, days = 7 }` on a closure.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeaveEarly {
    pub attacks: Count,
    /// Window in days (default 7).
    #[serde(default)]
    pub days: Option<Count>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    Road,
    Air,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Carry {
    #[default]
    All,
    Personnel,
    Equipment,
    /// Fuel, in the tanks of a tanker fleet (`tank_litres`).
    Fuel,
}

impl Carry {
    pub fn personnel(self) -> bool {
        matches!(self, Carry::All | Carry::Personnel)
    }
    pub fn equipment(self) -> bool {
        matches!(self, Carry::All | Carry::Equipment)
    }
}

/// `[[plan.line]]`: a movement line. Road lines run convoys of trucks from
/// `fleet` (which first drive from their home to `from` if that differs);
/// air lines fly sorties of `fleet` aircraft. A line repeats from `ready` to
/// `until` while there is something to carry.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Line {
    pub id: String,
    pub mode: Mode,
    pub from: String,
    pub to: String,
    /// Truck fleet (road) or aircraft fleet (air).
    #[serde(default)]
    pub fleet: Option<String>,
    #[serde(default)]
    pub carry: Carry,
    /// Roles this line may carry from its origin, in priority order
    /// (default: the plan's priority). Guards and rear parties only leave
    /// with their site's closing convoy.
    #[serde(default)]
    pub roles: Option<Vec<Role>>,
    /// Ready date: earliest departure. It may carry a range or a
    /// confidence (`{ value = 2023-11-19, low = .., high = .. }`), which makes
    /// it an uncertain input, drawn per replication group like any other.
    pub ready: SourcedDate,
    /// Latest departure (default: the ready date, a single movement).
    #[serde(default)]
    pub until: Option<Date>,
    /// Road: trucks per convoy (default: all available).
    #[serde(default)]
    pub trucks: Option<Count>,
    /// Road: most people per convoy (default: no limit).
    #[serde(default)]
    pub personnel_max: Option<Count>,
    /// Road: most self-moving vehicles joining each convoy (default: no limit).
    #[serde(default)]
    pub vehicles_max: Option<Count>,
    /// Road: at least this many days between departures (default 1).
    #[serde(default)]
    pub every_days: Option<Count>,
    /// Air: sorties planned per day.
    #[serde(default)]
    pub sorties_per_day: Option<Count>,
    #[serde(default)]
    pub source: Option<String>,
}

/// A line's mode with the fields that belong to it, as consumers read a
/// line (`Line::lift`): `fleet` is a truck fleet on the road and an
/// aircraft fleet in the air, and each mode has its own limits. The file
/// keeps one flat table per line, so that a field given for the other mode
/// is reported at its own key by validation; once validated, a line holds
/// only its mode's fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lift<'a> {
    Road {
        /// Truck fleet; None: the line's own self-moving vehicles.
        fleet: Option<&'a str>,
        trucks: Option<u32>,
        personnel_max: Option<u32>,
        vehicles_max: Option<u32>,
        every_days: Option<u32>,
    },
    Air {
        aircraft: Option<&'a str>,
        sorties_per_day: Option<u32>,
    },
}

impl Line {
    /// The line as its mode reads it.
    pub fn lift(&self) -> Lift<'_> {
        let n = |c: &Option<Count>| c.as_ref().map(|c| c.value);
        match self.mode {
            Mode::Road => Lift::Road {
                fleet: self.fleet.as_deref(),
                trucks: n(&self.trucks),
                personnel_max: n(&self.personnel_max),
                vehicles_max: n(&self.vehicles_max),
                every_days: n(&self.every_days),
            },
            Mode::Air => Lift::Air { aircraft: self.fleet.as_deref(), sorties_per_day: n(&self.sorties_per_day) },
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Disposition {
    HandOver,
    Sell,
    Destroy,
    Abandon,
}

/// `[[plan.disposition]]`: what happens to items still at a site when it
/// closes. The first rule matching an item's class (and ownership, if given)
/// applies; sensitive items are destroyed whatever the rule says.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DispositionRule {
    #[serde(default)]
    pub class: Option<EquipmentClass>,
    #[serde(default)]
    pub ownership: Option<Ownership>,
    pub action: Disposition,
}

/// `[planner]`: what `drawdown plan` optimises and how long it searches.
/// Weights are in US dollars (or US$ per US$ for equipment), so a planner
/// can read them as "one expected casualty is worth avoiding at the price of
/// N dollars of equipment".
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlannerSettings {
    /// Cost of one person (any role) still in the country after the deadline.
    /// Default 100,000,000: it dominates every other term, so nobody is left
    /// behind where that is feasible.
    #[serde(default)]
    pub person_left_usd: Option<f64>,
    /// Cost of one expected casualty (wounded or killed). Default 1,000,000.
    #[serde(default)]
    pub casualty_usd: Option<f64>,
    /// Weight on each US dollar of equipment disposed of or left behind. Default 1.
    #[serde(default)]
    pub equipment_weight: Option<f64>,
    /// Cost of one expected handover failure (an armed group takes a vacated
    /// site before the state). Default 500,000.
    #[serde(default)]
    pub handover_failure_usd: Option<f64>,
    /// Cost of one base still open at the deadline (never vacated and handed
    /// over). Default 1,000,000: an emptied base is still closed.
    #[serde(default)]
    pub open_base_usd: Option<f64>,
    /// Plan as if the deadline were this many days earlier (room for friction). Default 0.
    #[serde(default)]
    pub margin_days: Option<u32>,
    /// Quantile of each trip's arrival the plan is made at: a convoy
    /// counts as arriving by a day when it has arrived by then with this
    /// probability. Default 0.9.
    #[serde(default)]
    pub trip_quantile: Option<f64>,
    /// Solver time limit in seconds. Default 30.
    #[serde(default)]
    pub time_limit_s: Option<f64>,
    /// Relative optimality gap at which the solver stops. Default 0.01.
    #[serde(default)]
    pub gap: Option<f64>,
    /// Longest planning period in days away from the deadline (the last two
    /// weeks are always planned day by day). Default: 5 up to 30 bases, then
    /// growing with the number of bases to 7.
    #[serde(default)]
    pub bucket_days: Option<u32>,
}

/// What a milestone observed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MilestoneMetric {
    /// Personnel departed (cumulative) by the end of the milestone's date.
    PersonnelDeparted,
    /// Sites closed (cumulative) by the end of the milestone's date.
    SitesClosed,
    /// Mean duration in days of a convoy row's completed loaded trips.
    ConvoyDays,
    /// Incidents (IED strikes and ambushes) on a convoy row.
    ConvoyIncidents,
    /// Wounded on a convoy row.
    ConvoyWounded,
}

impl MilestoneMetric {
    pub const ALL: [MilestoneMetric; 5] = [
        MilestoneMetric::PersonnelDeparted,
        MilestoneMetric::SitesClosed,
        MilestoneMetric::ConvoyDays,
        MilestoneMetric::ConvoyIncidents,
        MilestoneMetric::ConvoyWounded,
    ];
    /// The metric's name in files and output.
    pub fn name(self) -> &'static str {
        match self {
            MilestoneMetric::PersonnelDeparted => "personnel_departed",
            MilestoneMetric::SitesClosed => "sites_closed",
            MilestoneMetric::ConvoyDays => "convoy_days",
            MilestoneMetric::ConvoyIncidents => "convoy_incidents",
            MilestoneMetric::ConvoyWounded => "convoy_wounded",
        }
    }
    /// Whether the metric is about one convoy row (and needs `convoy`).
    pub fn of_convoy(self) -> bool {
        matches!(self, MilestoneMetric::ConvoyDays | MilestoneMetric::ConvoyIncidents | MilestoneMetric::ConvoyWounded)
    }
}

impl MilestoneMetric {
    /// A milestone's readable name: `convoy days close-tessalit + close-aguelhok`.
    pub fn label(self, convoy: &[String]) -> String {
        let name = self.name().replace('_', " ");
        if convoy.is_empty() { name } else { format!("{name} {}", convoy.join(" + ")) }
    }
}

impl std::fmt::Display for MilestoneMetric {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// `[[milestone]]`: an observed fact from the record. Drawn on charts,
/// compared in the output, fitted by `drawdown calibrate` and predicted by
/// `drawdown backtest`; never an input of the simulation.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Milestone {
    pub date: Date,
    pub metric: MilestoneMetric,
    /// For the convoy metrics: the convoy row (a road line's id, or
    /// `close-<site>` for a closing convoy), or a list of rows observed as
    /// one column (incidents and wounded add up; days are the mean of
    /// their completed trips).
    #[serde(default, deserialize_with = "one_or_many", skip_serializing_if = "Vec::is_empty")]
    pub convoy: Vec<String>,
    pub value: Num,
    /// Standard deviation of the observation's error, in the metric's units
    /// (default: `docs/model.md` §10).
    #[serde(default)]
    pub error: Option<Num>,
    #[serde(default)]
    pub source: Option<String>,
    /// A short name for tables and charts (default: the metric and its
    /// rows, see [`Milestone::label`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

impl Milestone {
    /// The milestone's readable name: its `label`, else the metric and its
    /// rows (`convoy days close-tessalit + close-aguelhok`).
    pub fn label(&self) -> String {
        self.label.clone().unwrap_or_else(|| self.metric.label(&self.convoy))
    }
}

/// A string or a list of strings.
fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
    })
}

/// `[calibration]`: which uncertain inputs `drawdown calibrate` fits, and the
/// posterior it wrote. With a posterior, each sampled replication draws one
/// of its rows for those inputs (the joint distribution, correlations kept);
/// every other uncertain input is drawn from its own range.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Calibration {
    /// Paths of the inputs to fit (as `--set` takes them); empty: every uncertain input.
    #[serde(default)]
    pub fit: Vec<String>,
    /// The milestone metrics fitted; empty: every milestone. The others are
    /// still shown in the predictive check.
    #[serde(default)]
    pub metrics: Vec<MilestoneMetric>,
    /// How the posterior was obtained, e.g. `abc-smc`.
    #[serde(default)]
    pub method: Option<String>,
    /// The posterior's columns: input paths.
    #[serde(default)]
    pub inputs: Vec<String>,
    /// The posterior: equally weighted draws, one value per column.
    #[serde(default)]
    pub samples: Vec<Vec<f64>>,
    #[serde(default)]
    pub note: Option<String>,
}

/// `[situation]`: how a convoy's situation scales the incident rate of its
/// zone (`docs/model.md` §4.3). Every factor defaults to 1 (no effect).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Situation {
    /// A closing convoy leaving a site an armed group contests (its
    /// `[[presence]]` race drew "contested").
    #[serde(default)]
    pub closing_contested: Option<Num>,
    /// A convoy's march day without air cover: the day's overwatch request
    /// to `air_cover_group` was refused.
    #[serde(default)]
    pub without_air_cover: Option<Num>,
    /// A convoy of a plan line (a logistics run, backload, resupply or
    /// corridor leg) rather than a closing convoy or a pickup.
    #[serde(default)]
    pub routine: Option<Num>,
    /// Clearance group whose approval decides air cover, one request per
    /// convoy and march day. Absent: air cover is not modelled.
    #[serde(default)]
    pub air_cover_group: Option<String>,
    /// On a march day with air cover, the share of those an incident would
    /// kill who are evacuated by air and survive wounded. Default 0.
    #[serde(default)]
    pub medevac_saves: Option<Num>,
}
