//! Rendering diagnostics for people: file:line:col, the source line, the
//! field, what was expected and a hint.
//!
//! Each diagnostic becomes a `miette` report over the named source, so the
//! offending line is shown with the span underlined. The header also carries
//! `file:line:col` in plain text so messages stay greppable. Colour is used
//! only when stderr is a terminal and `NO_COLOR` is unset, which keeps test
//! output stable.

use std::io::IsTerminal;

use drawdown_model::{Diagnostic, Severity, Source};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource, Report};

/// Where a diagnostic points: `file:line:col`, or just the file name when
/// the diagnostic has no span.
pub fn location(src: &Source, d: &Diagnostic) -> (Option<(usize, usize)>, String) {
    match d.line_col_in(&src.text) {
        Some((line, col)) => (Some((line, col)), format!("{}:{line}:{col}", src.name)),
        None => (None, src.name.clone()),
    }
}

/// The help text: field, expected and hint, one per line.
fn help(d: &Diagnostic) -> String {
    d.details().join("\n")
}

fn handler() -> GraphicalReportHandler {
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let theme = if colour { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_wrap_lines(false)
        .with_width(usize::MAX / 4)
        .without_syntax_highlighting()
        .with_context_lines(1)
}

/// Longest source line shown in a snippet; longer lines (minified or
/// generated files, garbage) are not shown, only their location.
const MAX_SNIPPET_LINE: usize = 300;
/// Longest span shown in a snippet, in lines.
const MAX_SNIPPET_LINES: usize = 30;

/// Whether the lines around `span` are short enough to show.
fn snippet_fits(text: &str, span: &std::ops::Range<usize>) -> bool {
    let first = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
    // One line of context on each side.
    let first = text[..first.saturating_sub(1)].rfind('\n').map_or(0, |i| i + 1);
    let mut last = span.end;
    for _ in 0..2 {
        last = text[last..].find('\n').map_or(text.len(), |i| last + i + 1).min(text.len());
    }
    let lines: Vec<&str> = text[first..last].lines().collect();
    lines.len() <= MAX_SNIPPET_LINES + 2 && lines.iter().all(|l| l.chars().count() <= MAX_SNIPPET_LINE)
}

/// Renders one diagnostic as text (no trailing newline guarantees).
pub fn render(src: &Source, d: &Diagnostic) -> String {
    let (_, loc) = location(src, d);
    let header = format!("{}: {} ({loc})", d.severity.word(), d.message);
    let mut md = MietteDiagnostic::new(header).with_severity(match d.severity {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
    });
    let h = help(d);
    if !h.is_empty() {
        md = md.with_help(h);
    }
    let span = d.span_in(&src.text).filter(|s| snippet_fits(&src.text, s));
    if let Some(span) = &span {
        let label = if d.field.0.is_empty() { "here".to_string() } else { d.field.to_string() };
        md = md.with_label(LabeledSpan::new_primary_with_span(Some(label), span.clone()));
    }
    let report = if span.is_some() {
        Report::new(md).with_source_code(NamedSource::new(src.name.clone(), src.text.clone()))
    } else {
        Report::new(md)
    };
    let mut out = String::new();
    if handler().render_report(&mut out, report.as_ref()).is_err() {
        // Rendering should not fail; fall back to plain text if it does.
        out = format!("{}: {} ({loc})\n{}\n", d.severity.word(), d.message, help(d));
    }
    out
}

/// Prints why a scenario did not open.
pub fn print_failure(f: &drawdown_model::Failure) {
    print_diagnostics(&f.source, &f.diagnostics);
}

/// Prints diagnostics about `src` to standard error.
pub fn print_diagnostics(src: &Source, diags: &[Diagnostic]) {
    for d in diags {
        eprintln!("{}", render(src, d));
    }
}
