//! Writing a calibration into a scenario: the posterior as the
//! `[calibration]` table (a joint sample, one row per particle) and, on each
//! fitted input, its posterior median and 90 % interval as `value`, `low`
//! and `high`, so that the file reads as what was learned and every command
//! (sampled or point) uses it.

use crate::diag::Diagnostic;
use crate::load::Source;
use crate::overrides::{self, Override};
use crate::uncertain::UncertainInput;

/// A fitted input and the summary of its posterior.
#[derive(Debug, Clone)]
pub struct Fitted<'a> {
    pub input: &'a UncertainInput,
    pub median: f64,
    pub p5: f64,
    pub p95: f64,
}

/// A number for the file: whole numbers as they are, others with six
/// significant digits (more would be noise from the sampler).
pub fn number(x: f64, integer: bool) -> String {
    if integer || (x.fract() == 0.0 && x.abs() < 1e15) {
        return format!("{}", x.round() as i64);
    }
    let digits = 6 - (x.abs().log10().floor() as i32 + 1);
    let s = format!("{x:.prec$}", prec = digits.clamp(0, 12) as usize);
    let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s };
    if s.contains('.') || s.contains('e') { s } else { format!("{s}.0") }
}

fn toml_str(s: &str) -> String {
    toml_edit::Value::from(s).to_string().trim().to_string()
}

/// The scenario `src` with the posterior written in (validated by the caller).
pub fn write(src: &Source, fitted: &[Fitted], rows: &[Vec<f64>], note: &str) -> Result<Source, Vec<Diagnostic>> {
    let mut sets = Vec::new();
    for f in fitted {
        let i = f.input;
        let text = |x: f64| if i.date { i.text(x) } else { number(x, i.integer) };
        let (mut low, mut high) = (text(f.p5.min(f.median)), text(f.p95.max(f.median)));
        // A posterior narrower than the field's resolution keeps the prior's
        // range, so the input stays uncertain (its samples are the posterior).
        let collapsed = low == high;
        if collapsed {
            (low, high) = (text(i.low.min(f.median)), text(i.high.max(f.median)));
        }
        let mut t = format!(
            "{{ value = {}, low = {low}, high = {high}, source = {}",
            text(f.median),
            toml_str(&format!("calibrated; prior: {}", i.source.as_deref().unwrap_or("unsourced"))),
        );
        if let Some(c) = i.confidence {
            t += &format!(", confidence = {}", toml_str(&format!("{c:?}").to_lowercase()));
        }
        t += &format!(
            ", note = {} }}",
            toml_str(&format!(
                "posterior median and {}; prior {} ({}–{})",
                if collapsed {
                    "the prior's range (the posterior is narrower than the field's unit)"
                } else {
                    "90 % interval"
                },
                text(i.value),
                text(i.low),
                text(i.high)
            ))
        );
        sets.push(format!("{}={t}", i.path));
    }
    let inputs: Vec<String> = fitted.iter().map(|f| toml_str(&f.input.path)).collect();
    let samples: Vec<String> = rows
        .iter()
        .map(|r| {
            let cells: Vec<String> = r.iter().zip(fitted).map(|(x, f)| number(*x, f.input.integer)).collect();
            format!("[{}]", cells.join(", "))
        })
        .collect();
    sets.push("calibration.method=\"abc-smc\"".into());
    sets.push(format!("calibration.inputs=[{}]", inputs.join(", ")));
    sets.push(format!("calibration.samples=[{}]", samples.join(", ")));
    sets.push(format!("calibration.note={}", toml_str(note)));
    let ovs: Vec<Override> = sets.iter().map(|s| Override::parse(s)).collect::<Result<_, _>>().map_err(|d| vec![d])?;
    let out = overrides::apply(src, &ovs)?;
    Ok(Source::new(src.name.clone(), one_row_per_line(&out.text)))
}

/// The posterior's rows one per line, so the file reads as a table and a
/// new calibration diffs row by row.
fn one_row_per_line(text: &str) -> String {
    let Ok(mut doc) = text.parse::<toml_edit::DocumentMut>() else { return text.to_string() };
    let Some(rows) = doc.get_mut("calibration").and_then(|c| c.get_mut("samples")).and_then(|s| s.as_array_mut())
    else {
        return text.to_string();
    };
    for row in rows.iter_mut() {
        row.decor_mut().set_prefix("\n  ");
    }
    rows.set_trailing("\n");
    rows.set_trailing_comma(true);
    doc.to_string()
}

#[cfg(test)]
mod tests {
    use super::number;

    #[test]
    fn numbers_keep_six_significant_digits() {
        assert_eq!(number(0.123456789, false), "0.123457");
        assert_eq!(number(1234.56789, false), "1234.57");
        assert_eq!(number(3.0, false), "3");
        assert_eq!(number(2.6, true), "3");
        assert_eq!(number(0.5, false), "0.5");
    }
}
