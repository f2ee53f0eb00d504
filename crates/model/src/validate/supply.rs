//! Checks of fuel, seats and attacks on camps: the `[fuel]` table, stocks
//! and imports on `[[site]]`, tanker fleets and `carry = "fuel"` lines, fuel
//! holds and bans, seats on fleets and vehicle lots, `[[attack]]` periods and
//! the closures' `leave_early` rules.

use std::collections::HashMap;

use super::{Kind, Validator, p, some_ids};
use crate::diag::Diagnostic;
use crate::scenario::*;

impl Validator<'_> {
    pub(super) fn supply(&mut self) {
        self.fuel();
        self.seats();
        self.attacks();
    }

    fn fuel(&mut self) {
        let s = self.s;
        let f = &s.fuel;
        for (key, v) in [
            ("truck_litres_per_100km", &f.truck_litres_per_100km),
            ("vehicle_litres_per_100km", &f.vehicle_litres_per_100km),
            ("armoured_vehicle_litres_per_100km", &f.armoured_vehicle_litres_per_100km),
            ("generator_litres_per_day", &f.generator_litres_per_day),
        ] {
            self.opt_num(p("fuel").key(key), v);
        }
        for (i, x) in s.sites.iter().enumerate() {
            let path = p("site").index(i);
            self.opt_num(path.key("fuel_litres"), &x.fuel_litres);
            self.opt_num(path.key("fuel_import_litres_per_day"), &x.fuel_import_litres_per_day);
            if x.fuel_import_litres_per_day.is_some() && x.fuel_litres.is_none() {
                self.push(
                    Diagnostic::warning(
                        path.key("fuel_import_litres_per_day"),
                        format!("site `{}` imports fuel but its stock is not counted", x.id),
                    )
                    .expected("`fuel_litres` on a site whose imports are given")
                    .hint("add `fuel_litres = 0` (or the stock at the start) to count the site's fuel"),
                );
            }
        }
        for (i, e) in s.equipment.iter().enumerate() {
            if e.class == EquipmentClass::Fuel {
                self.push(
                    Diagnostic::error(p("equipment").index(i).key("class"), "fuel is not an equipment lot")
                        .expected("vehicle, armoured_vehicle, container, generator, ammunition or other")
                        .hint("give a site's fuel as `fuel_litres` on its [[site]]; `class = \"fuel\"` is for [[plan.disposition]]"),
                );
            }
        }
        for (i, fl) in s.fleets.iter().enumerate() {
            self.opt_num(p("fleet").index(i).key("tank_litres"), &fl.tank_litres);
        }
        for (i, h) in s.policy.customs_hold.iter().enumerate() {
            let path = p("policy.customs_hold").index(i);
            if let Some(f) = &h.fleet
                && let Some(fi) = self.reference(path.key("fleet"), f, Kind::Fleet)
                && s.fleets[fi].home != h.site
            {
                self.push(
                    Diagnostic::error(
                        path.key("fleet"),
                        format!("customs hold `{}` holds fleet `{f}`, which is based at `{}`", h.id, s.fleets[fi].home),
                    )
                    .expected(format!("a fleet homed at `{}`", h.site))
                    .hint("a hold applies to the trucks at its site; fix `site` or `fleet`"),
                );
            }
            self.opt_num(path.key("litres"), &h.litres);
            if h.litres.is_some() && self.site(&h.site).is_some_and(|x| x.fuel_litres.is_none()) {
                self.push(
                    Diagnostic::warning(path.key("litres"), format!("site `{}` has no counted fuel to hold", h.site))
                        .expected("`fuel_litres` on the held site")
                        .hint("add `fuel_litres` to the [[site]], or remove `litres`"),
                );
            }
        }
        self.ids("policy.fuel_ban", "fuel ban", s.policy.fuel_ban.iter().map(|x| x.id.as_str()));
        for (i, b) in s.policy.fuel_ban.iter().enumerate() {
            let path = p("policy.fuel_ban").index(i);
            if let Some(site) = &b.site {
                self.reference(path.key("site"), site, Kind::Site);
            }
            self.window(path, b.from, b.to);
        }
        for (i, l) in s.plan.lines.iter().enumerate() {
            if l.carry != Carry::Fuel {
                continue;
            }
            let path = p("plan.line").index(i);
            let Lift::Road { fleet, .. } = l.lift() else {
                self.push(
                    Diagnostic::error(path.key("carry"), format!("air line `{}` cannot carry fuel", l.id))
                        .expected("carry = \"fuel\" on a road line with a tanker fleet")
                        .hint("set mode = \"road\" and a fleet with `tank_litres`"),
                );
                continue;
            };
            let tanker = fleet.and_then(|f| s.fleets.iter().find(|x| x.id == f));
            if tanker.is_none_or(|f| f.tank_litres.is_none()) {
                let tankers: Vec<&str> =
                    s.fleets.iter().filter(|f| f.tank_litres.is_some()).map(|f| f.id.as_str()).collect();
                let expected = if tankers.is_empty() {
                    "a [[fleet]] with `tank_litres` (there are none)".to_string()
                } else {
                    format!("a tanker fleet: {}", some_ids(tankers.into_iter()))
                };
                self.push(
                    Diagnostic::error(path.key("fleet"), format!("fuel line `{}` has no tanker fleet", l.id))
                        .expected(expected)
                        .hint("give the fleet `tank_litres` (litres per truck), or name a tanker fleet"),
                );
            }
            if self.site(&l.to).is_some_and(|x| x.fuel_litres.is_none()) {
                self.push(
                    Diagnostic::error(
                        path.key("to"),
                        format!("fuel line `{}` delivers to `{}`, whose fuel is not counted", l.id, l.to),
                    )
                    .expected("a destination with `fuel_litres`")
                    .hint(format!("add `fuel_litres` to site `{}` (0 if it starts empty)", l.to)),
                );
            }
        }
    }

    fn seats(&mut self) {
        let s = self.s;
        for (i, e) in s.equipment.iter().enumerate() {
            if e.seats.is_some() && !e.class.self_moving() {
                self.push(
                    Diagnostic::warning(
                        p("equipment").index(i).key("seats"),
                        format!("`seats` is ignored for class `{}`", e.class.as_str()),
                    )
                    .expected("seats on vehicles and armoured vehicles only")
                    .hint("remove `seats`, or change the class"),
                );
            }
        }
        let modelled = s.fleets.iter().any(|f| f.seats.is_some()) || s.equipment.iter().any(|e| e.seats.is_some());
        if !modelled {
            return;
        }
        // A closing convoy leaves only when it seats everyone: the guards
        // and rear party at least must fit in the site's vehicles and trucks.
        for (i, c) in s.plan.closures.iter().enumerate() {
            let staying: u64 = s
                .personnel
                .iter()
                .filter(|g| g.site == c.site && g.role.stays_until_closure())
                .map(|g| g.count.value as u64)
                .sum();
            let in_vehicles: u64 = s
                .equipment
                .iter()
                .filter(|e| e.site == c.site && e.class.self_moving())
                .map(|e| e.count.value as u64 * e.seats.as_ref().map_or(0, |x| x.value) as u64)
                .sum();
            let in_trucks: u64 = c.fleet.as_ref().and_then(|f| s.fleets.iter().find(|x| &x.id == f)).map_or(0, |f| {
                let n = c.trucks.as_ref().map_or(f.trucks.value, |t| t.value.min(f.trucks.value));
                n as u64 * f.seats.as_ref().map_or(0, |x| x.value) as u64
            });
            if staying > in_vehicles + in_trucks {
                self.push(
                    Diagnostic::warning(
                        p("plan.closure").index(i).key("site"),
                        format!(
                            "`{}` keeps {staying} guards and rear party for its closing convoy but has {} seats",
                            c.site,
                            in_vehicles + in_trucks
                        ),
                    )
                    .expected("seats (vehicles at the site, and the closure's trucks) for everyone who stays")
                    .hint("give vehicles and trucks `seats`, send more trucks, or move people out before; the closing convoy waits until everyone fits"),
                );
            }
        }
    }

    fn attacks(&mut self) {
        let s = self.s;
        for (i, a) in s.attacks.iter().enumerate() {
            let path = p("attack").index(i);
            let site = self.reference(path.key("site"), &a.site, Kind::Site).map(|x| &s.sites[x]);
            self.num(path.key("per_week"), &a.per_week);
            self.opt_num(path.key("garrison_factor"), &a.garrison_factor);
            self.opt_num(path.key("wounded_per_attack"), &a.wounded_per_attack);
            self.opt_num(path.key("killed_per_attack"), &a.killed_per_attack);
            self.opt_num(path.key("aircraft_hit"), &a.aircraft_hit);
            self.opt_num(path.key("airfield_closure"), &a.airfield_closure);
            if let Some(c) = &a.airfield_closed_days {
                self.count(path.key("airfield_closed_days"), c);
            }
            let airfield_effects = a.aircraft_hit.is_some() || a.airfield_closure.is_some();
            if let Some(x) = site.filter(|x| airfield_effects && !x.airfield) {
                self.push(
                    Diagnostic::warning(
                        path.key("site"),
                        format!("site `{}` has no airfield: aircraft_hit and airfield_closure have no effect", x.id),
                    )
                    .expected("`airfield = true` on the site, for effects on flights")
                    .hint("remove the airfield fields, or mark the site's runway"),
                );
            }
            if a.airfield_closure.as_ref().is_some_and(|x| x.value > 0.0)
                && a.airfield_closed_days.as_ref().is_none_or(|d| d.value == 0)
            {
                self.push(
                    Diagnostic::warning(path.key("airfield_closure"), "an airfield closure of 0 days changes nothing")
                        .expected("`airfield_closed_days` >= 1")
                        .hint("say for how many days an attack closes the airfield"),
                );
            }
        }
        self.periods_in_order("attack", "site", s.attacks.iter().map(|a| (a.site.as_str(), a.from)));
        let attacked: HashMap<&str, usize> = s.attacks.iter().enumerate().map(|(i, a)| (a.site.as_str(), i)).collect();
        for (i, c) in s.plan.closures.iter().enumerate() {
            let Some(rule) = &c.leave_early else { continue };
            let path = p("plan.closure").index(i).key("leave_early");
            self.count(path.key("attacks"), &rule.attacks);
            if let Some(d) = &rule.days {
                self.count(path.key("days"), d);
            }
            if !attacked.contains_key(c.site.as_str()) {
                self.push(
                    Diagnostic::warning(
                        path.clone(),
                        format!("site `{}` is never attacked: `leave_early` never applies", c.site),
                    )
                    .expected(format!("an [[attack]] period for site `{}`", c.site))
                    .hint("add an [[attack]] for the site, or remove `leave_early`"),
                );
            }
        }
    }
}
