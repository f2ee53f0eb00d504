//! `drawdown report` through the binary, and the page through a real
//! browser: headless Chromium parses the HTML (`--dump-dom`) and takes a
//! screenshot. Chromium comes from `scripts/install-browser.sh`, which CI
//! runs before the tests; without it these tests fail and say so.

use std::path::{Path, PathBuf};
use std::process::Command;

const CHROMIUM: &str = "/usr/bin/chromium";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixture(rel: &str) -> String {
    root().join(rel).display().to_string()
}

fn drawdown(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_drawdown")).args(args).output().expect("binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

/// A fresh, empty directory for one test.
fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("drawdown-report-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn chromium() -> &'static str {
    assert!(
        Path::new(CHROMIUM).exists(),
        "{CHROMIUM} is missing: these tests open the report in headless Chromium. Run `scripts/install-browser.sh` (it installs Debian's chromium and fonts-dejavu-core) and run the tests again."
    );
    CHROMIUM
}

/// Headless Chromium with a fresh profile and nothing that talks to the network.
fn browser(dir: &Path, extra: &[&str], html: &Path) -> std::process::Output {
    let profile = dir.join(format!("chromium-profile-{}", extra.len()));
    let _ = std::fs::remove_dir_all(&profile);
    let mut args: Vec<String> = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.push(format!("--user-data-dir={}", profile.display()));
    args.extend(extra.iter().map(|s| s.to_string()));
    args.push(format!("file://{}", html.canonicalize().unwrap().display()));
    let out = Command::new(chromium()).args(&args).output().expect("chromium runs");
    assert!(out.status.success(), "chromium failed: {}", String::from_utf8_lossy(&out.stderr));
    out
}

/// Attribute values of a start tag's text (`<rect x="1" y="2">` → [("x","1"), ...]).
fn attrs(tag: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = tag;
    while let Some(eq) = rest.find("=\"") {
        let name = rest[..eq].rsplit(|c: char| c.is_whitespace()).next().unwrap_or("").to_string();
        let after = &rest[eq + 2..];
        let end = after.find('"').unwrap_or(after.len());
        out.push((name, after[..end].to_string()));
        rest = &after[(end + 1).min(after.len())..];
    }
    out
}

fn attr<'a>(a: &'a [(String, String)], name: &str) -> Option<&'a str> {
    a.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

fn num(a: &[(String, String)], name: &str) -> f64 {
    attr(a, name).and_then(|v| v.parse().ok()).unwrap_or(0.0)
}

/// Start tags named `name` in `html`, as their text.
fn tags<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    let open = format!("<{name}");
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(i) = html[at..].find(&open) {
        let start = at + i;
        let next = html[start + open.len()..].chars().next().unwrap_or('>');
        let end = html[start..].find('>').map_or(html.len(), |e| start + e + 1);
        if next.is_whitespace() || next == '>' || next == '/' {
            out.push(&html[start..end]);
        }
        at = end;
    }
    out
}

/// The `<svg id="ID">…</svg>` element of the DOM.
fn svg_element<'a>(dom: &'a str, id: &str) -> Option<&'a str> {
    let start = dom.match_indices("<svg").map(|(i, _)| i).find(|&i| {
        let end = dom[i..].find('>').map_or(dom.len(), |e| i + e);
        attr(&attrs(&dom[i..end]), "id") == Some(id)
    })?;
    let end = dom[start..].find("</svg>")? + start + "</svg>".len();
    Some(&dom[start..end])
}

/// Shapes with something to see: rects and circles with a size, paths with
/// a `d`, lines of non-zero length.
#[derive(Debug, Default)]
struct Shapes {
    rects: usize,
    circles: usize,
    paths: usize,
    lines: usize,
    texts: usize,
    longest_path: usize,
}

impl Shapes {
    fn total(&self) -> usize {
        self.rects + self.circles + self.paths + self.lines
    }
}

fn shapes(svg: &str) -> Shapes {
    let mut s = Shapes::default();
    for t in tags(svg, "rect") {
        let a = attrs(t);
        if num(&a, "width") > 0.0 && num(&a, "height") > 0.0 {
            s.rects += 1;
        }
    }
    for t in tags(svg, "circle") {
        if num(&attrs(t), "r") > 0.0 {
            s.circles += 1;
        }
    }
    for t in tags(svg, "path") {
        let a = attrs(t);
        let d = attr(&a, "d").unwrap_or("").trim();
        if d.len() > 3 {
            s.paths += 1;
            s.longest_path = s.longest_path.max(d.len());
        }
    }
    for t in tags(svg, "line") {
        let a = attrs(t);
        if num(&a, "x1") != num(&a, "x2") || num(&a, "y1") != num(&a, "y2") {
            s.lines += 1;
        }
    }
    s.texts = tags(svg, "text").len();
    s
}

/// Nothing in the page is fetched from elsewhere.
fn assert_self_contained(html: &str) {
    for name in ["src", "href", "xlink:href", "srcset", "action", "data"] {
        for (i, _) in html.match_indices(&format!(" {name}=")) {
            let v = html[i + name.len() + 2..].trim_start_matches(['"', '\'']);
            let v = v.to_ascii_lowercase();
            assert!(
                !(v.starts_with("http:") || v.starts_with("https:") || v.starts_with("//")),
                "external reference in {name}=: {}",
                &html[i..(i + 80).min(html.len())]
            );
        }
    }
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "the report has no scripts");
    assert!(!lower.contains("url(http") && !lower.contains("@import"), "the CSS fetches nothing");
    assert!(!lower.contains("<link"), "no linked stylesheets or fonts");
}

/// Chart ids and the least each must draw.
const CHARTS: [(&str, usize); 5] =
    [("fan-chart", 4), ("closure-timeline", 4), ("map", 8), ("equipment", 7), ("casualties", 2)];

/// Runs the report, then checks the page, the browser's DOM, a screenshot
/// and the PNGs.
fn check_report(name: &str, scenario: Option<&str>, extra: &[&str], extra_charts: &[&str]) -> String {
    let dir = tmp(name);
    let html = dir.join("r.html");
    let png = dir.join("png");
    let mut args: Vec<String> = vec!["report".into()];
    args.extend(scenario.map(str::to_string));
    for a in ["--runs", "300", "--out", &html.display().to_string(), "--png", &png.display().to_string()] {
        args.push(a.to_string());
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, _, err) = drawdown(&argv);
    assert_eq!(code, 0, "drawdown {}: {err}", argv.join(" "));

    // (a) self-contained.
    let page = std::fs::read_to_string(&html).unwrap();
    assert_self_contained(&page);

    // (b) what the browser built from it.
    let out = browser(&dir, &["--dump-dom"], &html);
    let dom = String::from_utf8_lossy(&out.stdout).to_string();
    let mut expected: Vec<(&str, usize)> = CHARTS.to_vec();
    expected.extend(extra_charts.iter().map(|id| (*id, 3)));
    for (id, least) in &expected {
        let svg =
            svg_element(&dom, id).unwrap_or_else(|| panic!("{name}: no <svg id=\"{id}\"> in the DOM Chromium built"));
        let s = shapes(svg);
        assert!(s.total() >= *least, "{name}: #{id} draws {} shapes, expected at least {least}: {s:?}", s.total());
        assert!(s.texts >= 3, "{name}: #{id} has {} text labels: {s:?}", s.texts);
        assert!(s.paths + s.rects > 0, "{name}: #{id} has no filled shape: {s:?}");
    }
    let fan = shapes(svg_element(&dom, "fan-chart").unwrap());
    assert!(fan.longest_path > 200, "{name}: the fan chart's band is a real polygon: {fan:?}");
    let map = shapes(svg_element(&dom, "map").unwrap());
    assert!(map.paths >= 8, "{name}: the map draws the country outlines: {map:?}");

    // (c) a screenshot with something on it.
    let shot = dir.join("page.png");
    browser(&dir, &[&format!("--screenshot={}", shot.display()), "--window-size=1280,4000"], &html);
    let size = std::fs::metadata(&shot).map(|m| m.len()).unwrap_or(0);
    assert!(size > 20_000, "{name}: screenshot is {size} bytes");

    // (d) one PNG per chart.
    for (id, _) in &expected {
        let p = png.join(format!("{id}.png"));
        let size = std::fs::metadata(&p).map(|m| m.len()).unwrap_or(0);
        assert!(size > 5_000, "{name}: {} is {size} bytes", p.display());
        let bytes = std::fs::read(&p).unwrap();
        assert_eq!(&bytes[1..4], b"PNG", "{}", p.display());
    }
    let _ = std::fs::remove_dir_all(&dir);
    page
}

#[test]
fn report_on_the_toy_scenario() {
    let page = check_report("toy", Some(&fixture("crates/engine/tests/fixtures/toy.toml")), &[], &[]);
    assert!(page.contains("Toy drawdown"));
    assert!(page.contains("300 replications"));
}

#[test]
fn report_with_comparison_and_tornado() {
    let page = check_report(
        "toy-compare",
        Some(&fixture("crates/engine/tests/fixtures/toy.toml")),
        &["--compare", "policy.customs_hold[0].trucks=0", "--tornado", "wounded", "--tornado-runs", "60"],
        &["compare", "tornado"],
    );
    assert!(page.contains("Paired comparison"));
    assert!(page.contains("Sensitivity of wounded"));
}

#[test]
fn report_with_milestones_history_and_sources() {
    let page = check_report("sourced", Some(&fixture("crates/report/tests/fixtures/sahel.toml")), &[], &[]);
    // The sourced inputs table lists values with their source and confidence.
    assert!(page.contains("<code>link[0].km</code>"), "inputs table");
    assert!(page.contains("conf-high"));
    // Milestones and historical dates are drawn.
    assert!(page.contains("recorded (scenario milestones)"));
    assert!(page.contains("historical (record)"));
}

#[test]
fn report_on_the_embedded_scenario() {
    let (code, _, err) = drawdown(&["check"]);
    if code != 0 {
        println!(
            "note: skipping the embedded-scenario report: `drawdown check` fails on it (being written?): {}",
            err.lines().next().unwrap_or("")
        );
        return;
    }
    check_report("embedded", None, &[], &[]);
}

#[test]
fn the_same_seed_gives_the_same_report_on_any_number_of_threads() {
    let dir = tmp("deterministic");
    let page = |threads: &str| {
        let out = dir.join(format!("r{threads}.html"));
        let (code, _, err) = drawdown(&[
            "report",
            &fixture("crates/engine/tests/fixtures/toy.toml"),
            "--runs",
            "200",
            "--threads",
            threads,
            "--out",
            &out.display().to_string(),
            "-q",
        ]);
        assert_eq!(code, 0, "{err}");
        std::fs::read(&out).unwrap()
    };
    assert!(page("1") == page("2"), "reports differ between 1 and 2 threads");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_bad_tornado_metric_is_an_error_not_a_panic() {
    let dir = tmp("bad-metric");
    let out = dir.join("r.html");
    let (code, _, err) = drawdown(&[
        "report",
        &fixture("crates/engine/tests/fixtures/toy.toml"),
        "--runs",
        "5",
        "--out",
        &out.display().to_string(),
        "--tornado",
        "wonded",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("unknown metric `wonded`"), "{err}");
    assert!(!out.exists(), "no report is written");
    let _ = std::fs::remove_dir_all(&dir);
}
