//! The dashboard as a person uses it, in headless Chromium driven over the
//! DevTools protocol: it loads and shows MINUSMA, an event recorded through
//! the form reaches the store and the log, a refused one shows its message,
//! switching a what-if on changes the fan chart, and a re-plan from the log
//! fills the closures table. Saves screenshots to `target/dashboard.png`
//! and `target/dashboard-replan.png`.

mod common;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use headless_chrome::protocol::cdp::Page::CaptureScreenshotFormatOption;
use headless_chrome::{Browser, LaunchOptions, Tab};

const CHROMIUM: &str = "/usr/bin/chromium";

fn chromium() -> PathBuf {
    assert!(
        Path::new(CHROMIUM).exists(),
        "{CHROMIUM} is missing: this test drives the dashboard in headless Chromium. Run `scripts/install-browser.sh` and run the tests again."
    );
    PathBuf::from(CHROMIUM)
}

/// Waits until `js` (an expression) is true in the page.
fn wait_until(tab: &Tab, js: &str, what: &str) {
    let t0 = Instant::now();
    loop {
        if tab.evaluate(js, false).ok().and_then(|r| r.value).and_then(|v| v.as_bool()) == Some(true) {
            return;
        }
        if t0.elapsed() > Duration::from_secs(60) {
            let said = tab.evaluate("['banner', 'ev-result', 'whatif-state', 'replan-state'].map(id => id + ': ' + document.getElementById(id).textContent).join(' | ')", false);
            panic!("timed out waiting for {what}; the page says {:?}", said.ok().and_then(|r| r.value));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn text_of(tab: &Tab, selector: &str) -> String {
    tab.find_element(selector).and_then(|e| e.get_inner_text()).unwrap_or_else(|e| panic!("{selector}: {e}"))
}

fn html_of(tab: &Tab, selector: &str) -> String {
    tab.find_element(selector).and_then(|e| e.get_content()).unwrap_or_else(|e| panic!("{selector}: {e}"))
}

/// Chooses an option of a `<select>` as a person would, and lets the page see the change.
fn choose(tab: &Tab, selector: &str, value: &str) {
    let el = tab.find_element(selector).expect(selector);
    el.call_js_fn(
        "function(v) { this.value = v; this.dispatchEvent(new Event('change')); }",
        vec![serde_json::json!(value)],
        false,
    )
    .expect("select");
}

fn fill(tab: &Tab, selector: &str, text: &str) {
    let el = tab.find_element(selector).expect(selector);
    el.call_js_fn("function() { this.value = ''; }", vec![], false).expect("clear");
    el.click().expect("focus");
    tab.type_str(text).expect("type");
}

#[test]
fn a_person_records_an_event_and_runs_a_what_if() {
    let chromium = chromium();
    let db = &common::stores()[0];
    let name = common::unique_name();
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let (addr, store) = rt.block_on(async {
        let state = common::state(&db.url, &name, None).await;
        let store = state.store().clone();
        let (addr, _server) = common::spawn(state).await;
        (addr, store)
    });

    let profile = tempfile::tempdir().expect("profile");
    let args: Vec<&OsStr> = [
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ]
    .iter()
    .map(OsStr::new)
    .collect();
    let browser = Browser::new(
        LaunchOptions::default_builder()
            .path(Some(chromium))
            .headless(true)
            .sandbox(false)
            .window_size(Some((1400, 1000)))
            .user_data_dir(Some(profile.path().to_path_buf()))
            .args(args)
            .idle_browser_timeout(Duration::from_secs(120))
            .build()
            .expect("launch options"),
    )
    .expect("chromium starts");
    let tab = browser.new_tab().expect("tab");
    tab.set_default_timeout(Duration::from_secs(60));
    tab.navigate_to(&format!("http://{addr}/")).expect("navigate");
    wait_until(&tab, "document.body.dataset.ready === '1'", "the dashboard to load");

    // MINUSMA with no further setup: the title, the map and the variants.
    assert!(text_of(&tab, "#title").contains("MINUSMA"), "{}", text_of(&tab, "#title"));
    assert!(html_of(&tab, "#chart-map").contains("<svg"));
    assert!(html_of(&tab, "#variants").contains("flights-cleared"));

    // Record an event through the form.
    choose(&tab, "#ev-kind", "site_handed_over");
    choose(&tab, "#ev-f-site", "ogossagou");
    fill(&tab, "#ev-at", "2023-08-04T09:00");
    fill(&tab, "#ev-by", "duty officer");
    let map_before = html_of(&tab, "#chart-map");
    tab.find_element("#ev-submit").expect("submit").click().expect("click");
    wait_until(&tab, "document.getElementById('ev-result').className === 'ok'", "the event to be recorded");
    wait_until(&tab, "document.querySelectorAll('#events li[data-id]').length === 1", "the log to show it");
    assert!(text_of(&tab, "#events").contains("site handed over"), "{}", text_of(&tab, "#events"));
    let stored = rt.block_on(store.events(&name, None, 10)).expect("events");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].recorded_by, "duty officer");
    assert_eq!(drawdown_ops::format_at(stored[0].at), "2023-08-04T09:00:00Z");
    wait_until(&tab, "document.getElementById('chart-map').innerHTML.length > 1000", "the map to redraw");
    assert_ne!(html_of(&tab, "#chart-map"), map_before, "the map did not change after the handover");

    // The same site cannot be handed over twice: the message is shown, nothing stored.
    tab.find_element("#ev-submit").expect("submit").click().expect("click");
    wait_until(&tab, "document.getElementById('ev-result').className === 'error'", "the refusal");
    let refusal = text_of(&tab, "#ev-result");
    assert!(refusal.contains("Not recorded") && refusal.contains("site"), "{refusal}");
    assert!(text_of(&tab, "#events").contains("rejected"));
    assert_eq!(rt.block_on(store.count_events(&name)).expect("count"), 1);

    // Switch a what-if on: the fan chart changes.
    let fan_before = html_of(&tab, "#chart-fan");
    tab.find_element("input[name=variant][value='flights-cleared']").expect("checkbox").click().expect("click");
    fill(&tab, "#runs", "1000");
    tab.find_element("#run-whatif").expect("button").click().expect("click");
    wait_until(
        &tab,
        "document.getElementById('chart-fan').dataset.run !== 'plan' && !!document.getElementById('chart-fan').dataset.run",
        "the what-if",
    );
    let fan_after = html_of(&tab, "#chart-fan");
    assert_ne!(fan_after, fan_before, "the fan chart did not change with the what-if");
    assert!(text_of(&tab, "#whatif-state").contains("flights-cleared"), "{}", text_of(&tab, "#whatif-state"));
    assert!(text_of(&tab, "#outcome").contains("what-if"));

    let png = tab.capture_screenshot(CaptureScreenshotFormatOption::Png, None, None, true).expect("screenshot");
    let out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/dashboard.png");
    // `target/` of the checkout, which a build elsewhere (CARGO_TARGET_DIR) does not make.
    std::fs::create_dir_all(out.parent().expect("a directory")).expect("target directory");
    std::fs::write(&out, &png).expect("write the screenshot");
    assert!(png.starts_with(b"\x89PNG"), "not a PNG");
    // A blank 1400×1000 page compresses to a few kilobytes; the dashboard's
    // map, charts and forms do not.
    assert!(png.len() > 60_000, "the screenshot is nearly empty ({} bytes)", png.len());

    // Re-plan from the log as of 1 November (a short solve): the closures table fills.
    choose(&tab, "#today", "2023-11-01");
    tab.find_element("#run-replan").expect("button").click().expect("click");
    wait_until(&tab, "document.querySelectorAll('#replan-closures tr').length > 1", "the re-plan");
    let closures = text_of(&tab, "#replan-closures");
    assert!(!closures.contains("Ogossagou"), "a site handed over is closed again: {closures}");
    assert!(text_of(&tab, "#replan-state").contains("2023-11-02"), "{}", text_of(&tab, "#replan-state"));
    tab.evaluate("document.getElementById('replan').scrollIntoView()", false).expect("scroll");
    let png = tab.capture_screenshot(CaptureScreenshotFormatOption::Png, None, None, true).expect("screenshot");
    std::fs::write(out.with_file_name("dashboard-replan.png"), &png).expect("write the screenshot");
}
