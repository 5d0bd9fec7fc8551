//! Markdown, for pasting the report into documents.

use std::fmt::Write;

use cadre_core::report::Report;

use crate::document::{self, Block, Show, Table};

/// A table cell: pipes and line breaks would break the table.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// Text from the records (titles, names, notes) as Markdown shows it, letter for letter. A
/// renderer would otherwise run it: `<img onerror=...>` as raw HTML, `[click](javascript:...)`
/// as a link, `*`, `_` and backticks as emphasis and code, a leading `#` as a heading and a
/// line break as a new block. Markup characters get a backslash (brackets too, so no link can
/// form and parentheses stay as typed), and `<`, `>`, `&` become
/// entities (not every renderer takes `\<` as an escape); letters, accents, apostrophes and
/// hyphens stay as typed. `|` is left to `cell`, which escapes it in every table cell.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut line_start = true;
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '[' | ']' | '*' | '_' | '`' => {
                out.push('\\');
                out.push(c);
            }
            '#' if line_start => out.push_str("\\#"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
        line_start &= c.is_whitespace();
    }
    out
}

/// A table's columns readers see, aligned: figures to the right.
fn table(out: &mut String, t: &Table) {
    let shown = t.reading();
    let head: Vec<&str> = shown.iter().map(|&i| t.columns[i].label).collect();
    let _ = writeln!(out, "| {} |", head.join(" | "));
    let _ = writeln!(
        out,
        "|{}|",
        shown
            .iter()
            .map(|&i| if t.columns[i].numeric {
                " ---: "
            } else {
                " --- "
            })
            .collect::<Vec<_>>()
            .join("|")
    );
    let last = t.rows.len().saturating_sub(1);
    for (n, row) in t.rows.iter().enumerate() {
        let cells: Vec<String> = shown
            .iter()
            .map(|&i| {
                let c = cell(&text(&row[i].shown()));
                if t.total && n == last {
                    format!("**{c}**")
                } else {
                    c
                }
            })
            .collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    out.push('\n');
}

/// The report as Markdown: every section of the document, its text escaped (titles, names and
/// notes come from the records), its tables as pipe tables.
pub fn render(r: &Report) -> String {
    let doc = document::build(r);
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", text(&doc.title));
    let _ = writeln!(out, "_Period: {}_\n", text(&doc.period));
    if let Some(name) = r.agency.named() {
        let _ = writeln!(out, "Published by {}.\n", text(name));
    }
    for line in &doc.lead {
        let _ = writeln!(out, "{}\n", text(line));
    }
    for section in &doc.sections {
        let reading = section
            .blocks
            .iter()
            .any(|b| !matches!(b, Block::Table(_, Show::Data) | Block::Chart(_)));
        if !reading {
            continue;
        }
        let _ = writeln!(out, "## {}\n", section.heading);
        for block in &section.blocks {
            match block {
                Block::Text(s) => {
                    let _ = writeln!(out, "{}\n", text(s));
                }
                Block::Empty(s) => {
                    let _ = writeln!(out, "{}\n", text(s));
                }
                Block::Aside(s) => {
                    let _ = writeln!(out, "_{}_\n", text(s));
                }
                Block::List(lines) => {
                    for l in lines {
                        let _ = writeln!(out, "- {}", text(l));
                    }
                    out.push('\n');
                }
                Block::Paragraphs(items) => {
                    for (title, body) in items {
                        let _ = writeln!(out, "**{}**\n\n{}\n", text(title), text(body));
                    }
                }
                // A chart's figures are in the table beside it.
                Block::Chart(_) => {}
                Block::Table(t, Show::All | Show::Reading) => table(&mut out, t),
                Block::Table(_, Show::Data) => {}
            }
        }
    }
    let _ = writeln!(out, "---\n\n{}", text(&doc.footer));
    out
}

#[cfg(test)]
mod tests {
    use super::{cell, text};

    #[test]
    fn record_text_is_shown_not_run() {
        assert_eq!(
            text("[click](javascript:alert(1))"),
            r"\[click\](javascript:alert(1))"
        );
        assert_eq!(text("<img src=x>"), "&lt;img src=x&gt;");
        assert_eq!(text("Trinidad & Tobago"), "Trinidad &amp; Tobago");
        assert_eq!(text("# Title"), r"\# Title");
        assert_eq!(text("  #1"), r"  \#1");
        assert_eq!(
            text("Course #1"),
            "Course #1",
            "a heading only at the start"
        );
        assert_eq!(text("a\\b *c* _d_ `e`"), r"a\\b \*c\* \_d\_ \`e\`");
        assert_eq!(text("one\r\n# two"), "one  # two", "no new block");
        assert_eq!(
            text("Train-the-Trainers, Côte d'Ivoire"),
            "Train-the-Trainers, Côte d'Ivoire"
        );
        assert_eq!(cell(&text(r"a|b\")), r"a\|b\\");
    }
}
