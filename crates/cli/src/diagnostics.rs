//! Rendering diagnostics for people: file:line:col, the source line, the
//! field, what was expected and a hint.

use drawdown_model::{Diagnostic, Source};

/// Prints diagnostics to stderr.
pub fn print_diagnostics(src: &Source, diags: &[Diagnostic]) {
    for d in diags {
        let (line, col) = d.span.as_ref().map_or((0, 0), |s| drawdown_model::diag::line_col(&src.text, s.start));
        eprintln!("{:?}: {} at {}:{}:{} field {}", d.severity, d.message, src.name, line, col, d.field);
    }
}
