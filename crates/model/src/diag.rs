//! Diagnostics: what is wrong with a scenario, where, and what to do about it.
//!
//! Every problem names the file, the byte span (turned into line and column
//! when shown), the field path (e.g. `link[3].to`), what was expected and a
//! hint. Problems are collected, not thrown, so one `check` reports them all.
//!
//! The same type carries every refusal of user input elsewhere: an event the
//! operations log refuses (`drawdown_ops::Rejection`) and the server's
//! `{error, field, hint}` bodies are diagnostics too, so a field, a message
//! and a hint mean one thing everywhere.

use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    /// `error` or `warning`, as every output spells it.
    pub fn word(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One path segment into the TOML document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// A path into the TOML document such as `plan.line[4].fleet`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Path(pub Vec<Seg>);

impl Path {
    pub fn root() -> Path {
        Path(Vec::new())
    }
    /// Parses `plan.line[4].fleet` (no quoting; keys are plain identifiers).
    pub fn parse(s: &str) -> Path {
        let mut segs = Vec::new();
        for part in s.split('.').filter(|p| !p.is_empty()) {
            let mut rest = part;
            if let Some(i) = rest.find('[') {
                segs.push(Seg::Key(rest[..i].to_string()));
                rest = &rest[i..];
                while let Some(stripped) = rest.strip_prefix('[') {
                    let end = stripped.find(']').unwrap_or(stripped.len());
                    if let Ok(n) = stripped[..end].parse() {
                        segs.push(Seg::Index(n));
                    }
                    rest = stripped.get(end + 1..).unwrap_or("");
                }
            } else {
                segs.push(Seg::Key(rest.to_string()));
            }
        }
        Path(segs)
    }
    pub fn key(&self, k: &str) -> Path {
        let mut p = self.clone();
        p.0.push(Seg::Key(k.to_string()));
        p
    }
    pub fn index(&self, i: usize) -> Path {
        let mut p = self.clone();
        p.0.push(Seg::Index(i));
        p
    }
    /// A field named as written (`closures.kidal`, `Content-Type`), kept
    /// verbatim as one key so that it displays exactly as given; empty: the root.
    pub fn verbatim(name: &str) -> Path {
        if name.is_empty() { Path::root() } else { Path(vec![Seg::Key(name.to_string())]) }
    }
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<&str> for Path {
    fn from(s: &str) -> Path {
        Path::parse(s)
    }
}

impl From<String> for Path {
    fn from(s: String) -> Path {
        Path::parse(&s)
    }
}

impl std::fmt::Display for Path {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut first = true;
        for s in &self.0 {
            match s {
                Seg::Key(k) => {
                    if !first {
                        f.write_str(".")?;
                    }
                    f.write_str(k)?;
                }
                Seg::Index(i) => write!(f, "[{i}]")?,
            }
            first = false;
        }
        Ok(())
    }
}

/// One problem found in user input: a scenario, a state file, an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// The field, as a path into the document.
    pub field: Path,
    /// What a valid value looks like.
    pub expected: Option<String>,
    /// How to fix it.
    pub hint: Option<String>,
    /// Byte span in the source, filled in by `locate` when known.
    pub span: Option<Range<usize>>,
}

impl Diagnostic {
    pub fn error(field: impl Into<Path>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            field: field.into(),
            expected: None,
            hint: None,
            span: None,
        }
    }
    pub fn warning(field: impl Into<Path>, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(field, message) }
    }
    pub fn expected(mut self, e: impl Into<String>) -> Self {
        self.expected = Some(e.into());
        self
    }
    pub fn hint(mut self, h: impl Into<String>) -> Self {
        self.hint = Some(h.into());
        self
    }
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The span, clamped to `text` and to character boundaries; `None` if
    /// there is no span or no text to point into.
    pub fn span_in(&self, text: &str) -> Option<Range<usize>> {
        let span = self.span.as_ref()?;
        if text.is_empty() || span.start > text.len() {
            return None;
        }
        let start = text.floor_char_boundary(span.start);
        let end = text.ceil_char_boundary(span.end.clamp(start, text.len()));
        Some(start..end)
    }

    /// 1-based line and column where the diagnostic points in `text`.
    pub fn line_col_in(&self, text: &str) -> Option<(usize, usize)> {
        self.span_in(text).map(|s| line_col(text, s.start))
    }

    /// The same through a line index of the text, built once for many
    /// diagnostics (`LineIndex`).
    pub fn line_col_with(&self, lines: &LineIndex) -> Option<(usize, usize)> {
        self.span_in(lines.text()).map(|s| lines.line_col(s.start))
    }

    /// `field: …`, `expected: …`, `hint: …`, those that are given.
    pub fn details(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !self.field.is_root() {
            out.push(format!("field: {}", self.field));
        }
        if let Some(e) = &self.expected {
            out.push(format!("expected: {e}"));
        }
        if let Some(h) = &self.hint {
            out.push(format!("hint: {h}"));
        }
        out
    }
}

/// `field: message (hint)`, on one line (no file position: that needs the source).
impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if !self.field.is_root() {
            write!(f, "{}: ", self.field)?;
        }
        f.write_str(&self.message)?;
        if let Some(h) = &self.hint {
            write!(f, " ({h})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostic {}

/// The closest known id to `wrong`, for "did you mean" hints.
pub fn did_you_mean<'a>(wrong: &str, known: impl IntoIterator<Item = &'a str>) -> Option<String> {
    known
        .into_iter()
        .map(|k| (strsim::jaro_winkler(wrong, k), k))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| format!("did you mean `{k}`?"))
}

/// Where each line of a text starts, found once. Locating a diagnostic is
/// then a binary search and a count within its own line, so locating n
/// diagnostics costs the text once, not n times (`line_col` scans from the
/// start of the text).
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    text: &'a str,
    /// Byte offset of the start of each line (the first is 0).
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> LineIndex<'a> {
        let starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        LineIndex { text, starts }
    }

    pub fn text(&self) -> &'a str {
        self.text
    }

    /// Number of lines (a text ending in a newline has an empty last line).
    pub fn lines(&self) -> usize {
        self.starts.len()
    }

    /// 0-based line of a byte offset (clamped to the text).
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        self.starts.partition_point(|&s| s <= offset) - 1
    }

    /// The bytes of a 0-based line, without its newline.
    pub fn line_span(&self, line: usize) -> Range<usize> {
        let start = self.starts[line.min(self.starts.len() - 1)];
        let end = self.starts.get(line + 1).map_or(self.text.len(), |&next| next - 1);
        start..end
    }

    /// 1-based line and column (in characters) of a byte offset, as `line_col`.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = self.text.floor_char_boundary(offset.min(self.text.len()));
        let line = self.line_of(offset);
        let col = self.text[self.starts[line]..offset].chars().count() + 1;
        (line + 1, col)
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..text.floor_char_boundary(offset)];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

#[cfg(test)]
mod line_index_tests {
    use super::*;

    #[test]
    fn the_index_agrees_with_a_scan_from_the_start() {
        let text = "a = 1\n\nsite = \"é\"\r\n[[x]]\nlast";
        let index = LineIndex::new(text);
        assert_eq!(index.lines(), 5);
        for offset in 0..=text.len() + 3 {
            assert_eq!(index.line_col(offset), line_col(text, offset), "offset {offset}");
        }
        assert_eq!(&text[index.line_span(2)], "site = \"é\"\r");
        assert_eq!(&text[index.line_span(4)], "last");
        assert_eq!(LineIndex::new("").line_col(0), (1, 1));
    }
}
