//! Rendering diagnostics for people: file:line:col, the source line, the
//! field, what was expected and a hint.
//!
//! Each diagnostic becomes a `miette` report over the named source, so the
//! offending line is shown with the span underlined. The header also carries
//! `file:line:col` in plain text so messages stay greppable. Colour is used
//! only when stderr is a terminal and `NO_COLOR` is unset, which keeps test
//! output stable.

use std::io::IsTerminal;

use drawdown_model::diag::LineIndex;
use drawdown_model::{Diagnostic, Severity, Source};
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, MietteError, MietteSpanContents, Report,
    SourceCode, SourceSpan, SpanContents,
};

/// Where a diagnostic points: `file:line:col`, or just the file name when
/// the diagnostic has no span. `lines` indexes `src.text` (built once for
/// all the diagnostics of a file: locating each is then not a scan from
/// the start of the text).
/// For a scenario read from a workbook or CSV folder the place is its
/// sheet, row and column, since the TOML text behind it is not what its
/// author sees.
pub fn location(src: &Source, lines: &LineIndex, d: &Diagnostic) -> (Option<(usize, usize)>, String) {
    if let Some(cells) = &src.cells {
        return (None, cells.find(&d.field).map_or_else(|| src.name.clone(), |at| format!("{}, {at}", src.name)));
    }
    match d.line_col_with(lines) {
        Some((line, col)) => (Some((line, col)), format!("{}:{line}:{col}", src.name)),
        None => (None, src.name.clone()),
    }
}

/// The help text: field, expected and hint, one per line.
fn help(d: &Diagnostic) -> String {
    d.details().join("\n")
}

/// Context lines shown before and after the span.
const CONTEXT_LINES: usize = 1;

fn handler() -> GraphicalReportHandler {
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let theme = if colour { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_wrap_lines(false)
        .with_width(usize::MAX / 4)
        .without_syntax_highlighting()
        .with_context_lines(CONTEXT_LINES)
}

/// Longest source line shown in a snippet; longer lines (minified or
/// generated files, garbage) are not shown, only their location.
const MAX_SNIPPET_LINE: usize = 300;
/// Longest span shown in a snippet, in lines.
const MAX_SNIPPET_LINES: usize = 30;

/// The lines a snippet shows (the span's and the context around it), as a
/// source of their own: the renderer reads only them, with their line
/// numbers in the file, rather than the whole text for every diagnostic.
struct Window {
    name: String,
    /// The lines, from the start of the first to the end of the last.
    text: String,
    /// Byte offset of `text` in the file.
    offset: usize,
    /// 0-based line of `text`'s first line in the file.
    line: usize,
}

impl Window {
    /// The window around `span`, if its lines are short and few enough to show.
    fn around(src: &Source, lines: &LineIndex, span: &std::ops::Range<usize>) -> Option<Window> {
        let first = lines.line_of(span.start).saturating_sub(CONTEXT_LINES);
        let last = (lines.line_of(span.end) + CONTEXT_LINES).min(lines.lines() - 1);
        if last - first + 1 > MAX_SNIPPET_LINES + 2 * CONTEXT_LINES {
            return None;
        }
        if (first..=last).any(|l| src.text[lines.line_span(l)].chars().count() > MAX_SNIPPET_LINE) {
            return None;
        }
        let (start, end) = (lines.line_span(first).start, lines.line_span(last).end);
        Some(Window { name: src.name.clone(), text: src.text[start..end].to_string(), offset: start, line: first })
    }
}

impl SourceCode for Window {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let local = span.offset().checked_sub(self.offset).ok_or(MietteError::OutOfBounds)?;
        let inner = self.text.as_str().read_span(&SourceSpan::new(local.into(), span.len()), before, after)?;
        let at = SourceSpan::new((inner.span().offset() + self.offset).into(), inner.span().len());
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            at,
            inner.line() + self.line,
            inner.column(),
            inner.line_count(),
        )))
    }
}

/// Renders one diagnostic as text (no trailing newline guarantees).
pub fn render(src: &Source, lines: &LineIndex, d: &Diagnostic) -> String {
    let (_, loc) = location(src, lines, d);
    let header = format!("{}: {} ({loc})", d.severity.word(), d.message);
    let mut md = MietteDiagnostic::new(header).with_severity(match d.severity {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
    });
    let h = help(d);
    if !h.is_empty() {
        md = md.with_help(h);
    }
    let window = d
        .span_in(&src.text)
        .filter(|_| src.cells.is_none())
        .and_then(|span| Some((Window::around(src, lines, &span)?, span)));
    let report = match window {
        Some((window, span)) => {
            let label = if d.field.0.is_empty() { "here".to_string() } else { d.field.to_string() };
            md = md.with_label(LabeledSpan::new_primary_with_span(Some(label), span));
            Report::new(md).with_source_code(window)
        }
        None => Report::new(md),
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

/// Prints diagnostics about `src` to standard error (the text's lines
/// indexed once for all of them).
pub fn print_diagnostics(src: &Source, diags: &[Diagnostic]) {
    let lines = LineIndex::new(&src.text);
    for d in diags {
        eprintln!("{}", render(src, &lines, d));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A diagnostic at the end of a long text reads only its own lines:
    /// the work per diagnostic does not grow with the text before it.
    #[test]
    fn a_snippet_reads_only_the_lines_around_its_span() {
        let mut text: String = (0..20_000).map(|i| format!("[[site]]\nid = \"s{i}\"\n")).collect();
        let at = text.len();
        text.push_str("[[site]]\nid = \"BAD\"\nkind = \"camp\"\n");
        let src = Source::new("big.toml", text.clone());
        let lines = LineIndex::new(&src.text);
        let span = at + 14..at + 19;
        let w = Window::around(&src, &lines, &span).expect("short lines are shown");
        assert_eq!(w.text, "[[site]]\nid = \"BAD\"\nkind = \"camp\"", "the span's line and one on each side");
        assert_eq!(w.line, 40_000, "the window starts one line before the span's (0-based)");
        let mut d = Diagnostic::error(drawdown_model::Path::parse("site[20000].id"), "site id `BAD` is not a valid id");
        d.span = Some(span);
        let out = render(&src, &lines, &d);
        assert!(out.contains("big.toml:40002:6"), "{out}");
        assert!(out.contains("40002 │ id = \"BAD\""), "the line is numbered as in the file: {out}");
        assert!(out.contains("40001 │ [[site]]"), "{out}");
        // The same as a scan from the start of the text.
        assert_eq!(d.line_col_in(&text), Some((40_002, 6)));
    }

    #[test]
    fn long_lines_are_not_shown() {
        let text = format!("a = \"{}\"\nb = 1\n", "x".repeat(400));
        let src = Source::new("long.toml", text);
        let lines = LineIndex::new(&src.text);
        assert!(Window::around(&src, &lines, &(20..21)).is_none());
        assert!(Window::around(&src, &lines, &(409..410)).is_none(), "its context line is too long");
    }
}
