//! Charts as inline SVG: no script, no external request, readable by screen readers through
//! their title and description, and always followed by a table of the same figures.

use std::fmt::Write;

use crate::view::num;

const PALETTE: [&str; 3] = ["#1f4e79", "#c0504d", "#a5a5a5"];

/// Escapes text for SVG and HTML.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn open(out: &mut String, id: &str, width: u32, height: u32, title: &str, desc: &str) {
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" aria-labelledby="{id}-title {id}-desc" class="chart"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        esc(title),
        esc(desc)
    );
}

/// Horizontal bars, one per row, each with its label above it and its value at its end: on a
/// phone the chart is scaled to the screen, and this narrow drawing keeps its 15-unit text at
/// 11 px or more down to 270 px wide.
pub fn bars(id: &str, title: &str, rows: &[(String, u64)]) -> String {
    let width = 360u32;
    let bar_w = 290u32;
    let row_h = 42u32;
    let height = row_h * rows.len().max(1) as u32 + 4;
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
    let desc = rows
        .iter()
        .map(|(l, v)| format!("{l}: {}", num(*v)))
        .collect::<Vec<_>>()
        .join("; ");
    let mut out = String::new();
    open(&mut out, id, width, height, title, &desc);
    for (i, (label, value)) in rows.iter().enumerate() {
        let y = i as u32 * row_h;
        let w = ((*value as f64 / max as f64) * bar_w as f64).round() as u32;
        let shown: String = if label.chars().count() > 42 {
            format!("{}…", label.chars().take(41).collect::<String>())
        } else {
            label.clone()
        };
        let _ = write!(
            out,
            r#"<text x="0" y="{}" font-size="15" class="label">{}</text><rect x="0" y="{}" width="{}" height="16" fill="{}" class="bar" rx="2"/><text x="{}" y="{}" font-size="15" class="value">{}</text>"#,
            y + 15,
            esc(&shown),
            y + 21,
            w.max(1),
            PALETTE[0],
            w + 6,
            y + 34,
            num(*value)
        );
    }
    out.push_str("</svg>");
    out
}

/// A ring of the gender split, with a legend.
pub fn gender(id: &str, male: u64, female: u64, not_recorded: u64) -> String {
    let total = male + female + not_recorded;
    let parts = [
        ("Male", male),
        ("Female", female),
        ("Not recorded", not_recorded),
    ];
    let desc = parts
        .iter()
        .map(|(l, v)| format!("{l}: {}", num(*v)))
        .collect::<Vec<_>>()
        .join("; ");
    let mut out = String::new();
    // As narrow as the bars: its 14-unit text stays at 11 px or more on a phone.
    open(&mut out, id, 360, 150, "Participants by gender", &desc);
    let (cx, cy, r) = (66.0, 75.0, 52.0);
    let circumference = 2.0 * std::f64::consts::PI * r;
    if total == 0 {
        let _ = write!(
            out,
            r##"<circle cx="{cx}" cy="{cy}" r="{r}" fill="none" stroke="#ddd" stroke-width="24"/>"##
        );
    }
    let mut offset = 0.0;
    for (i, (_, v)) in parts.iter().enumerate() {
        if total == 0 || *v == 0 {
            continue;
        }
        let len = *v as f64 / total as f64 * circumference;
        let _ = write!(
            out,
            r#"<circle cx="{cx}" cy="{cy}" r="{r}" fill="none" stroke="{}" class="ring{i}" stroke-width="24" stroke-dasharray="{len:.2} {:.2}" stroke-dashoffset="{:.2}" transform="rotate(-90 {cx} {cy})"/>"#,
            PALETTE[i],
            circumference - len,
            -offset
        );
        offset += len;
    }
    for (i, (label, v)) in parts.iter().enumerate() {
        let y = 50 + i as u32 * 28;
        let pct = if total == 0 {
            0.0
        } else {
            *v as f64 * 100.0 / total as f64
        };
        let _ = write!(
            out,
            r#"<rect x="140" y="{}" width="14" height="14" fill="{}" class="part{i}"/><text x="160" y="{}" font-size="14" class="label">{label}: {} ({pct:.1}%)</text>"#,
            y - 12,
            PALETTE[i],
            y,
            num(*v)
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_carry_title_description_and_escaped_labels() {
        let svg = bars(
            "c",
            "Countries",
            &[("Trinidad & Tobago".into(), 12), ("Jamaica".into(), 6)],
        );
        assert!(svg.contains("<title id=\"c-title\">Countries</title>"));
        assert!(svg.contains("<desc id=\"c-desc\">Trinidad &amp; Tobago: 12; Jamaica: 6</desc>"));
        assert!(
            svg.contains("width=\"290\""),
            "the largest bar takes the full width"
        );
        assert!(
            svg.contains("width=\"145\""),
            "half the value, half the width"
        );
        let ring = gender("g", 2218, 1770, 65);
        assert!(ring.contains("Male: 2,218 (54.7%)"));
        assert!(gender("z", 0, 0, 0).contains("Not recorded: 0 (0.0%)"));
    }
}
