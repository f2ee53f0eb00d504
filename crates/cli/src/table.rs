//! The human-readable summary of a simulation, rendered from the same JSON
//! object that `--format json` prints (one source of truth for both).

use std::fmt::Write;

use serde_json::Value;

fn num(v: &Value) -> String {
    match v.as_f64() {
        Some(x) if x.fract() == 0.0 => group_thousands(x as i64),
        Some(x) => format!("{x:.1}"),
        None => "-".into(),
    }
}

fn group_thousands(n: i64) -> String {
    let s = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// "P50 (P5–P95)" of a quantity object.
fn q(v: &Value) -> String {
    format!("{} ({}–{})", num(&v["p50"]), num(&v["p5"]), num(&v["p95"]))
}

fn s(v: &Value) -> String {
    v.as_str().map_or("-".into(), str::to_string)
}

pub fn render(r: &Value) -> String {
    let mut o = String::new();
    let sm = &r["summary"];
    let t = &r["totals"];
    let _ = writeln!(o, "{} — {} replications, seed {}", s(&r["name"]), num(&r["runs"]), num(&r["seed"]));
    let _ = writeln!(o, "{} → deadline {}", s(&r["start"]), s(&r["deadline"]));
    let _ = writeln!(
        o,
        "holdings: {} personnel, {} vehicles, {} containers; {} sites to close\n",
        num(&t["personnel"]),
        num(&t["vehicles"]),
        num(&t["containers"]),
        num(&t["sites_to_close"])
    );
    let _ = writeln!(o, "By the deadline                  P50 (P5–P95)");
    let _ = writeln!(o, "  personnel departed             {}", q(&sm["personnel_departed_by_deadline"]));
    let _ = writeln!(o, "  sites closed                   {}", q(&sm["sites_closed_by_deadline"]));
    let _ = writeln!(
        o,
        "  P(all planned closures done)   {:.1} %",
        sm["p_all_sites_closed_by_deadline"].as_f64().unwrap_or(0.0) * 100.0
    );
    let _ = writeln!(o, "  wounded                        {}", q(&sm["wounded"]));
    let _ = writeln!(o, "  killed                         {}", q(&sm["killed"]));
    let _ = writeln!(o, "  vehicles damaged               {}", q(&sm["vehicles_damaged"]));
    let _ = writeln!(o, "  personnel road exposure        {} thousand person-km", q(&sm["personnel_road_kkm"]));
    let _ = writeln!(
        o,
        "  flight clearance approval      {:.1} % of {} requests/run",
        sm["flight_clearances"]["approval_rate"].as_f64().unwrap_or(0.0) * 100.0,
        num(&sm["flight_clearances"]["requested_mean"])
    );
    let _ = writeln!(o, "Equipment (vehicles + containers + other items)");
    if let Some(eq) = sm["equipment"].as_object() {
        for (k, v) in eq {
            let _ = writeln!(o, "  {:<30} {}", k.replace('_', " "), q(v));
        }
    }
    let _ = writeln!(o, "\nSites            planned     closed P50  (P5 – P95)                 state  armed group");
    for site in r["sites"].as_array().into_iter().flatten() {
        let c = &site["closed_on"];
        if site["planned_closure"].is_null() {
            let _ = writeln!(o, "  {:<14} {:<11} stays open (no planned closure)", s(&site["id"]), "-");
            continue;
        }
        let _ = writeln!(
            o,
            "  {:<14} {:<11} {:<11} ({} – {})  {:>5.0} %  {:>5.0} %",
            s(&site["id"]),
            s(&site["planned_closure"]),
            s(&c["p50"]),
            s(&c["p5"]),
            s(&c["p95"]),
            site["handover"]["state"].as_f64().unwrap_or(0.0) * 100.0,
            site["handover"]["armed_group"].as_f64().unwrap_or(0.0) * 100.0,
        );
    }
    let _ = writeln!(
        o,
        "\nConvoys                      route                 departed P50  days P50 (P5–P95)   incidents   wounded"
    );
    for c in r["convoys"].as_array().into_iter().flatten() {
        let d = &c["days"];
        let _ = writeln!(
            o,
            "  {:<26} {:<21} {:<13} {:<19} {:<11} {}",
            s(&c["id"]),
            format!("{}→{}", s(&c["from"]), s(&c["to"])),
            s(&c["departed"]["p50"]),
            format!("{} ({}–{})", num(&d["p50"]), num(&d["p5"]), num(&d["p95"])),
            q(&c["incidents"]),
            q(&c["wounded"]),
        );
    }
    let _ = writeln!(o, "\nPersonnel departed (cumulative)       P50 (P5–P95)        sites closed");
    let daily = r["daily"].as_array().cloned().unwrap_or_default();
    for (i, d) in daily.iter().enumerate() {
        if i % 14 == 0 || i + 1 == daily.len() {
            let _ = writeln!(
                o,
                "  {}                      {:<22}  {}",
                s(&d["date"]),
                q(&d["personnel_departed"]),
                num(&d["sites_closed"]["p50"])
            );
        }
    }
    let ms: Vec<&Value> =
        r["milestones"].as_array().into_iter().flatten().filter(|m| !m["simulated"].is_null()).collect();
    if !ms.is_empty() {
        let _ = writeln!(o, "\nObserved milestones                                observed   simulated P50 (P5–P95)");
        for m in ms {
            let _ = writeln!(
                o,
                "  {} {:<32} {:>9}   {}",
                s(&m["date"]),
                s(&m["metric"]).replace('_', " "),
                num(&m["observed"]),
                q(&m["simulated"])
            );
        }
    }
    let e = &r["engine"];
    let _ = writeln!(
        o,
        "\nengine: {} events in {:.2} s ({} events/s, {} replications/s)",
        num(&e["events"]),
        e["wall_seconds"].as_f64().unwrap_or(0.0),
        num(&e["events_per_second"]),
        num(&e["replications_per_second"])
    );
    o
}
