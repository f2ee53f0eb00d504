//! Simulation-based calibration (Talts et al. 2018) of `calibrate` on
//! synthetic missions from `drawdown generate`: draw true inputs from the
//! prior, simulate the milestones they produce (one replication plus the
//! stated observation error), calibrate, and check that the posterior's
//! 90 % interval holds the truth about 90 % of the time. A sampler whose
//! posterior is too narrow (the defect this guards against) holds it less
//! often; one that returns the prior is caught by the width check.

use drawdown_engine::calibrate::{Settings, Target, calibrate};
use drawdown_engine::inputs::world_at;
use drawdown_engine::observe::observed;
use drawdown_engine::rng::{Keys, Purpose, entity_key};
use drawdown_engine::simulate;
use drawdown_model::generate::generate;
use drawdown_model::uncertain::InputSpace;
use drawdown_model::{Date, Milestone, MilestoneMetric, Num, Override, Source, load, overrides};
use rand_distr::{Distribution, StandardNormal};

/// A generated mission with two uncertain inputs: the charter's seats
/// (personnel departed) and the IED rate of the camps' zone (incidents).
fn mission(seed: u64) -> (Source, drawdown_model::Scenario) {
    let s = generate(5, 1500, seed);
    let camp_zone = s.links.iter().find(|l| l.from == "camp-0").and_then(|l| l.zone.clone()).expect("camp link zone");
    let threat = s.threats.iter().position(|t| t.zone == camp_zone).expect("threat of the camps' zone");
    let text = s.to_toml().expect("serialises");
    let sets = [
        "aircraft[0].seats={ value = 150, low = 80, high = 280, source = \"test\" }".to_string(),
        format!("threat[{threat}].ied_per_100km={{ value = 0.3, low = 0.1, high = 0.9, source = \"test\" }}"),
    ];
    let ovs: Vec<Override> = sets.iter().map(|x| Override::parse(x).expect("override")).collect();
    let src = overrides::apply(&Source::new("generated.toml", &text), &ovs).expect("applies");
    let src = Source::new("generated.toml", src.text);
    let scenario = load(&src).expect("loads").scenario;
    (src, scenario)
}

fn milestone(date: Date, metric: MilestoneMetric, convoy: Vec<String>, value: f64) -> Milestone {
    Milestone { date, metric, convoy, value: Num::new(value), error: None, source: None, label: None }
}

#[test]
#[cfg_attr(debug_assertions, ignore = "a few hundred thousand replications: run in release")]
fn the_posterior_90_percent_interval_holds_the_truth_about_90_percent_of_the_time() {
    let trials = 24u64;
    let (mut inside, mut checks) = (0usize, 0usize);
    let mut width_ratio = Vec::new();
    for trial in 0..trials {
        let (src, s) = mission(100 + trial);
        let space = InputSpace::new(&src, &s).expect("inputs");
        assert_eq!(space.inputs.len(), 2, "{:?}", space.inputs.iter().map(|i| &i.path).collect::<Vec<_>>());
        // The truth: a draw from the prior.
        let k = Keys::new(0x5bc, trial);
        let truth: Vec<f64> = space
            .inputs
            .iter()
            .enumerate()
            .map(|(i, input)| {
                input.at(StandardNormal.sample(&mut k.stream(entity_key("truth"), Purpose::Input, i as u64)))
            })
            .collect();
        let w = world_at(&space, &truth).expect("world");
        let o = simulate(&w, 0xda7a ^ trial, 0);
        let rows = s.convoy_rows();
        let start = s.scenario.start;
        let mut ms = [
            milestone(start.plus_days(20), MilestoneMetric::PersonnelDeparted, vec![], 0.0),
            milestone(start.plus_days(45), MilestoneMetric::PersonnelDeparted, vec![], 0.0),
            milestone(start.plus_days(80), MilestoneMetric::ConvoyIncidents, rows, 0.0),
        ];
        // Observations: the simulated value plus the stated error.
        let targets: Vec<Target> = ms
            .iter_mut()
            .enumerate()
            .map(|(i, m)| {
                let x = observed(&w, m, &o).expect("observable");
                let sd = match m.metric {
                    MilestoneMetric::PersonnelDeparted => (0.05 * x).max(25.0),
                    _ => (0.3 * x).max(1.5),
                };
                let e: f64 = StandardNormal.sample(&mut k.stream(entity_key("error"), Purpose::Input, i as u64));
                m.value = Num::new(x + sd * e);
                Target { milestone: m.clone(), sd }
            })
            .collect();
        let settings = Settings { particles: 200, budget: 40_000, generations: 30, min_acceptance: 0.002 };
        let post = calibrate(&space, &[0, 1], &targets, settings, trial, 2, &|_, _, _, _| {}).expect("calibrates");
        for (i, input) in space.inputs.iter().enumerate() {
            let mut xs: Vec<f64> = post.rows.iter().map(|r| r[i]).collect();
            xs.sort_by(f64::total_cmp);
            let q = |p: f64| xs[((p * xs.len() as f64).ceil() as usize).clamp(1, xs.len()) - 1];
            let (lo, hi) = (q(0.05), q(0.95));
            checks += 1;
            if lo <= truth[i] && truth[i] <= hi {
                inside += 1;
            }
            // On the input's own scale, against the prior's 90 % width.
            let prior = input.high.ln() - input.low.ln();
            width_ratio.push((hi.ln() - lo.ln()) / prior);
        }
    }
    let coverage = inside as f64 / checks as f64;
    let mean_width = width_ratio.iter().sum::<f64>() / width_ratio.len() as f64;
    eprintln!("coverage {coverage:.3} of {checks}; posterior/prior 90 % width {mean_width:.2}");
    // 48 checks at p = 0.9: sd 0.043; the band is about ±3 sd.
    assert!((0.77..=1.0).contains(&coverage), "90 % intervals held the truth in {coverage:.3} of {checks}");
    assert!(
        coverage < 1.0 || mean_width < 0.8,
        "every interval held the truth but only by staying wide ({mean_width:.2})"
    );
    // The data teach something: the posterior is narrower than the prior.
    assert!(mean_width < 0.9, "posterior 90 % intervals are {mean_width:.2} of the prior's");
}
