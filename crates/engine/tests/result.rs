//! The typed simulation result: its JSON form round-trips, and the JSON
//! Schema published in `docs/result.schema.json` is the one the types give.

use drawdown_engine::{SimResult, World, result, run_monte_carlo};
use drawdown_model::{Source, load};

fn toy_result(runs: u64) -> SimResult {
    let src = Source::new("toy.toml", include_str!("fixtures/toy.toml"));
    let scenario = load(&src).expect("toy scenario loads").scenario;
    let world = World::compile(&scenario).expect("compiles");
    let sum = run_monte_carlo(&world, runs, 7, 2, &|_| {}).expect("runs");
    SimResult::new(&world, &scenario, &sum)
}

#[test]
fn the_json_form_round_trips() {
    let r = toy_result(200);
    let text = serde_json::to_string(&r).unwrap();
    let back: SimResult = serde_json::from_str(&text).unwrap();
    assert_eq!(back, r);
    assert_eq!(r.schema_version, result::SCHEMA_VERSION);
    assert_eq!(r.daily.len(), 92);
    assert!(r.closing_sites().count() as u32 == r.totals.sites_to_close);
}

#[test]
fn the_published_schema_is_the_types_schema() {
    let schema = serde_json::to_string_pretty(&result::json_schema()).unwrap() + "\n";
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/result.schema.json");
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &schema).unwrap();
    }
    let published = std::fs::read_to_string(&path).expect("docs/result.schema.json (UPDATE_SCHEMA=1 writes it)");
    assert!(
        published == schema,
        "docs/result.schema.json is out of date: run UPDATE_SCHEMA=1 cargo test -p drawdown-engine --test result"
    );
    // Every top-level field of a real result is described by the schema.
    let v = serde_json::to_value(toy_result(50)).unwrap();
    let props = result::json_schema().as_value()["properties"].as_object().unwrap().clone();
    for k in v.as_object().unwrap().keys() {
        assert!(props.contains_key(k), "field `{k}` is not in the schema");
    }
}
