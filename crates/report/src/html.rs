//! The page: header with the scenario's description and headline numbers,
//! one `<figure>` per chart (inline SVG, title, caption), the comparison and
//! sensitivity tables when asked for, and the sourced inputs. Inline CSS,
//! no scripts, nothing fetched: the file opens offline and prints cleanly.

use std::fmt::Write;

use drawdown_engine::SimResult;
use drawdown_engine::stats::Q;

use crate::svg::{self, esc};
use crate::{Chart, Report, compare, inputs};

const CSS: &str = r#"
:root { --ink: #222; --muted: #666; --rule: #ddd; --accent: #0072B2; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; font: 15px/1.5 "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; }
main { max-width: 1000px; margin: 0 auto; padding: 28px 20px 40px; }
h1 { font-size: 28px; margin: 0 0 4px; line-height: 1.2; }
h2 { font-size: 19px; margin: 0 0 6px; }
.sub { color: var(--muted); margin: 0 0 14px; }
.description p { margin: 0 0 8px; max-width: 80ch; }
.cards { display: grid; grid-template-columns: repeat(3, 1fr); gap: 10px; margin: 18px 0 8px; }
.card { border: 1px solid var(--rule); border-radius: 6px; padding: 10px 12px; }
.card .k { font-size: 12.5px; color: var(--muted); }
.card .v { font-size: 22px; font-weight: bold; }
.card .d { font-size: 12.5px; color: var(--muted); }
nav { font-size: 13.5px; color: var(--muted); margin: 10px 0 0; }
nav a { color: var(--accent); text-decoration: none; white-space: nowrap; }
nav a + a::before { content: "·"; color: #aaa; margin: 0 8px; display: inline-block; }
section, figure { margin: 34px 0 0; }
figure { padding: 0; }
figure svg { display: block; width: 100%; height: auto; margin: 8px 0 4px; }
figcaption { color: #444; font-size: 13.5px; max-width: 90ch; }
table { border-collapse: collapse; width: 100%; font-size: 13px; margin-top: 10px; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--rule); vertical-align: top; }
th { border-bottom: 2px solid #bbb; font-size: 12.5px; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.sig td { font-weight: bold; }
code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12px; }
.conf { padding: 1px 6px; border-radius: 8px; font-size: 12px; }
.conf-high { background: #dff0e6; } .conf-medium { background: #fdf0d5; } .conf-low { background: #fbe0d6; }
.muted { color: var(--muted); }
footer { margin-top: 40px; padding-top: 10px; border-top: 1px solid var(--rule); color: var(--muted); font-size: 12.5px; }
@media (max-width: 700px) { .cards { grid-template-columns: 1fr 1fr; } }
@media print {
  @page { size: A4; margin: 12mm; }
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  nav { display: none; }
  figure, .cards, tr { break-inside: avoid; }
  section, figure { margin-top: 18px; }
  a { color: inherit; }
}
"#;

/// The whole HTML page.
pub fn page(r: &Report, charts: &[Chart]) -> String {
    let res = r.results;
    let s = &r.scenario.scenario;
    let mut o = String::with_capacity(256 * 1024);
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{} — drawdown report</title><style>{CSS}</style></head><body><main>",
        esc(&s.name)
    );
    let _ = write!(o, "<header><h1>{}</h1>", esc(&s.name));
    let _ = write!(
        o,
        "<p class=\"sub\">Scenario <code>{}</code>{} · {} to {} (deadline) · {} · seed {}</p>",
        esc(&s.id),
        r.variant_note.as_ref().map(|v| format!(" with {}", esc(v))).unwrap_or_default(),
        esc(&svg::long_date(s.start)),
        esc(&svg::long_date(s.deadline)),
        esc(&crate::replications(res.runs)),
        res.seed
    );
    if !s.description.trim().is_empty() {
        o.push_str("<div class=\"description\">");
        for para in s.description.split("\n\n").filter(|p| !p.trim().is_empty()) {
            let _ = write!(o, "<p>{}</p>", esc(para.trim()));
        }
        o.push_str("</div>");
    }
    headline(&mut o, res);
    o.push_str("<nav>");
    for c in charts {
        let _ = write!(o, "<a href=\"#fig-{}\">{}</a>", c.id, esc(&c.title));
    }
    o.push_str("<a href=\"#inputs\">Inputs and sources</a></nav></header>");

    for c in charts {
        let _ = write!(
            o,
            "<figure id=\"fig-{}\"><h2>{}</h2>{}<figcaption>{}</figcaption></figure>",
            c.id,
            esc(&c.title),
            c.svg(),
            esc(&c.caption)
        );
        if c.id == "compare"
            && let Some(cmp) = &r.comparison
        {
            compare_table(&mut o, cmp);
        }
        if c.id == "tornado"
            && let Some(t) = r.tornado
        {
            tornado_table(&mut o, t);
        }
    }

    let sourced = inputs::sourced_values(&r.source.text);
    let _ = write!(
        o,
        "<section id=\"inputs\"><h2>Inputs and their sources</h2><p class=\"muted\">{} value{} in <code>{}</code> carry a source or a confidence. Confidence sets how far sensitivity analysis swings a value (high ±10 %, medium ±25 %, low ±50 %, unless a low–high range is given).</p>{}</section>",
        sourced.len(),
        if sourced.len() == 1 { "" } else { "s" },
        esc(&r.source.name),
        inputs::table(&sourced)
    );
    let _ = write!(
        o,
        "<footer>Made by drawdown {} from <code>{}</code>: {}, seed {}. The same scenario and seed give the same report on any machine and any number of threads. Map outlines: Natural Earth (public domain). Charts are inline SVG; this file needs no network.</footer>",
        env!("CARGO_PKG_VERSION"),
        esc(&r.source.name),
        esc(&crate::replications(res.runs)),
        res.seed
    );
    o.push_str("</main></body></html>\n");
    o
}

fn q(v: &Q) -> (f64, f64, f64, f64) {
    (v.mean, v.p5, v.p50, v.p95)
}

fn card(o: &mut String, key: &str, value: &str, detail: &str) {
    let _ = write!(
        o,
        "<div class=\"card\"><div class=\"k\">{}</div><div class=\"v\">{}</div><div class=\"d\">{}</div></div>",
        esc(key),
        esc(value),
        esc(detail)
    );
}

fn headline(o: &mut String, res: &SimResult) {
    let sum = &res.summary;
    let total = f64::from(res.totals.personnel);
    let sites = f64::from(res.totals.sites_to_close);
    o.push_str("<div class=\"cards\">");
    let (_, p5, p50, p95) = q(&sum.personnel_departed_by_deadline);
    card(
        o,
        "Personnel out by the deadline (median)",
        &format!("{} of {}", svg::int(p50), svg::int(total)),
        &format!(
            "{} of all; 90 % range {}–{}",
            svg::pct(if total > 0.0 { p50 / total } else { 0.0 }),
            svg::int(p5),
            svg::int(p95)
        ),
    );
    let p_all = sum.p_all_sites_closed_by_deadline;
    card(
        o,
        "Probability every site is vacated by the deadline",
        &svg::pct(p_all),
        &format!("{} sites to close", svg::int(sites)),
    );
    let (_, p5, p50, p95) = q(&sum.sites_closed_by_deadline);
    card(
        o,
        "Sites vacated by the deadline (median)",
        &format!("{} of {}", svg::int(p50), svg::int(sites)),
        &format!("90 % range {}–{}", svg::int(p5), svg::int(p95)),
    );
    let (m, p5, _, p95) = q(&sum.wounded);
    card(
        o,
        "Wounded (mean per replication)",
        &svg::num((m * 10.0).round() / 10.0),
        &format!("90 % range {}–{}", svg::int(p5), svg::int(p95)),
    );
    let (m, p5, _, p95) = q(&sum.killed);
    card(
        o,
        "Killed (mean per replication)",
        &svg::num((m * 10.0).round() / 10.0),
        &format!("90 % range {}–{}", svg::int(p5), svg::int(p95)),
    );
    card(o, "Replications", &svg::int(res.runs as f64), &format!("seed {}", res.seed));
    o.push_str("</div>");
}

fn compare_table(o: &mut String, cmp: &crate::Comparison) {
    let rows = compare::differing(&cmp.differences);
    let _ = write!(
        o,
        "<section id=\"compare-table\"><h2>Paired comparison: <code>{}</code> versus the scenario above</h2><table><thead><tr><th>metric</th><th class=\"num\">base</th><th class=\"num\">variant</th><th class=\"num\">difference</th><th class=\"num\">95 % CI</th><th class=\"num\">variance reduction</th></tr></thead><tbody>",
        esc(&cmp.variant)
    );
    for d in &rows {
        let vr = d.variance_reduction.map_or("∞".to_string(), |x| format!("{x:.1}×"));
        let _ = write!(
            o,
            "<tr{}><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">[{}, {}]</td><td class=\"num\">{}</td></tr>",
            if d.significant { " class=\"sig\"" } else { "" },
            esc(&compare::label(&d.metric, &cmp.site_names)),
            esc(&compare::shown(&d.metric, d.base_mean)),
            esc(&compare::shown(&d.metric, d.variant_mean)),
            esc(&compare::shown_diff(&d.metric, d.mean_difference)),
            esc(&compare::shown_diff(&d.metric, d.ci95[0])),
            esc(&compare::shown_diff(&d.metric, d.ci95[1])),
            esc(&vr)
        );
    }
    if rows.is_empty() {
        o.push_str("<tr><td colspan=\"6\" class=\"muted\">No metric differs in any pair.</td></tr>");
    }
    let hidden = cmp.differences.len() - rows.len();
    let _ = write!(
        o,
        "</tbody></table><p class=\"muted\">Bold: the 95 % interval excludes zero. Variance reduction: variance of the difference under independent sampling ÷ under pairing (how many times fewer runs the pairing needs).{}</p></section>",
        if hidden > 0 { format!(" {hidden} metrics identical in every pair are not listed.") } else { String::new() }
    );
}

fn tornado_table(o: &mut String, t: &drawdown_engine::sensitivity::Tornado) {
    let _ = write!(
        o,
        "<section id=\"tornado-table\"><h2>Sensitivity of {} to every uncertain input</h2><table><thead><tr><th>input</th><th class=\"num\">low</th><th class=\"num\">value</th><th class=\"num\">high</th><th class=\"num\">metric at low</th><th class=\"num\">metric at high</th><th>confidence</th><th>source</th></tr></thead><tbody>",
        esc(&t.metric)
    );
    for s in &t.swings {
        let _ = write!(
            o,
            "<tr><td>{}<br><code>{}</code></td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>",
            esc(&s.label),
            esc(&s.path),
            svg::num(s.low_value),
            svg::num(s.base_value),
            svg::num(s.high_value),
            svg::num(s.metric_at_low),
            svg::num(s.metric_at_high),
            esc(s.confidence.as_deref().unwrap_or("")),
            esc(s.source.as_deref().unwrap_or(""))
        );
    }
    if t.swings.is_empty() {
        o.push_str("<tr><td colspan=\"8\" class=\"muted\">No uncertain inputs.</td></tr>");
    }
    let _ = write!(
        o,
        "</tbody></table><p class=\"muted\">Baseline mean of {}: {}.</p></section>",
        esc(&t.metric),
        svg::num(t.base)
    );
}
