//! A small Markdown writer: headings, paragraphs, tables and images.

use std::fmt::Write as _;
use std::path::Path;

use super::ReportError;

/// A Markdown document built section by section.
///
/// Table cells are escaped (`|` and line breaks), so values taken from a
/// shop's export cannot break the table layout.
#[derive(Debug, Clone, Default)]
pub struct Markdown {
    text: String,
}

impl Markdown {
    /// An empty document.
    pub fn new() -> Self {
        Self::default()
    }

    /// A heading of `level` 1–6 (clamped to that range).
    pub fn heading(&mut self, level: usize, title: &str) -> &mut Self {
        let level = level.clamp(1, 6);
        let _ = writeln!(self.text, "{} {}\n", "#".repeat(level), one_line(title));
        self
    }

    /// A paragraph of text (written as given).
    pub fn paragraph(&mut self, text: &str) -> &mut Self {
        let _ = writeln!(self.text, "{}\n", text.trim_end());
        self
    }

    /// A bulleted list.
    pub fn bullets<S: AsRef<str>>(&mut self, items: &[S]) -> &mut Self {
        for item in items {
            let _ = writeln!(self.text, "- {}", one_line(item.as_ref()));
        }
        self.text.push('\n');
        self
    }

    /// A table with a header row. Rows shorter than the header are padded
    /// with empty cells; longer rows keep their extra cells out of the table
    /// rather than shifting columns, and say so in a last cell.
    pub fn table<S: AsRef<str>>(&mut self, header: &[S], rows: &[Vec<String>]) -> &mut Self {
        let width = header.len();
        let head: Vec<String> = header.iter().map(|h| cell(h.as_ref())).collect();
        let _ = writeln!(self.text, "| {} |", head.join(" | "));
        let _ = writeln!(self.text, "|{}|", vec!["---"; width.max(1)].join("|"));
        for row in rows {
            let mut cells: Vec<String> = row.iter().take(width).map(|c| cell(c)).collect();
            cells.resize(width, String::new());
            if row.len() > width && width > 0 {
                let last = cells.last_mut().expect("width > 0");
                let _ = write!(last, " (+{} cells not shown)", row.len() - width);
            }
            let _ = writeln!(self.text, "| {} |", cells.join(" | "));
        }
        self.text.push('\n');
        self
    }

    /// An image (a chart written next to the report), by relative path.
    pub fn image(&mut self, alt: &str, relative_path: &str) -> &mut Self {
        let _ = writeln!(self.text, "![{}]({})\n", one_line(alt).replace(']', ")"), relative_path.replace(' ', "%20"));
        self
    }

    /// The document so far.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Writes the document to `path`.
    pub fn write(&self, path: &Path) -> Result<(), ReportError> {
        std::fs::write(path, &self.text).map_err(|source| ReportError::Io { path: path.to_path_buf(), source })
    }
}

fn one_line(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}

fn cell(s: &str) -> String {
    one_line(s).replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_cells_cannot_break_the_layout() {
        let mut md = Markdown::new();
        md.table(&["a", "b"], &[vec!["x|y".into(), "line\nbreak".into()], vec!["short".into()], vec!["1".into(), "2".into(), "3".into()]]);
        let lines: Vec<&str> = md.as_str().lines().filter(|l| l.starts_with('|')).collect();
        assert_eq!(lines.len(), 5);
        // Every row has exactly the header's number of unescaped separators.
        for l in &lines {
            let seps = l.replace("\\|", "").matches('|').count();
            assert_eq!(seps, 3, "{l}");
        }
        assert!(lines[4].contains("(+1 cells not shown)"));
    }
}
