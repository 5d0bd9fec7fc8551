//! The agency's face: its name, short name, logo, colours, time zone and date style, as an
//! admin sets them and every page and report shows them. The rules here are the bounds and the
//! contrast each value must keep; reading a logo file or a time zone is the renderer's.

use std::sync::Arc;

use crate::validate::FieldProblem;

/// The longest name, in characters (the seed's "CARICOM Implementation Agency for Crime and
/// Security" is 57).
pub const NAME_MAX: usize = 120;
/// The longest short name, in characters: it sits in the header beside the navigation.
pub const SHORT_NAME_MAX: usize = 24;
/// The largest logo, in bytes: a header image, not a photograph.
pub const LOGO_MAX_BYTES: usize = 256 * 1024;
/// The longest time zone name (the IANA names are under 40 characters).
pub const TIME_ZONE_MAX: usize = 64;

/// What every page and report says of who publishes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Face {
    /// "CARICOM Implementation Agency for Crime and Security".
    pub name: String,
    /// "CARICOM IMPACS": the header, the favicon and the window title.
    pub short_name: String,
    /// The main colour: the header, headings and buttons; white text must read on it.
    pub colour: Colour,
    /// The second colour: chart bars and the figures' edges.
    pub accent: Colour,
    pub logo: Option<Logo>,
    /// An IANA time zone name ("America/Port_of_Spain"); times are kept in UTC and shown in it.
    pub time_zone: String,
    pub date_style: DateStyle,
}

impl Default for Face {
    /// What a new installation shows until an admin sets the agency's own.
    fn default() -> Face {
        Face {
            name: "cadre".into(),
            short_name: "cadre".into(),
            colour: Colour(0x1f, 0x4e, 0x79),
            accent: Colour(0x2e, 0x6d, 0xa4),
            logo: None,
            time_zone: "UTC".into(),
            date_style: DateStyle::DayMonthYear,
        }
    }
}

impl Face {
    /// The agency's name once an admin has set one (reports say who publishes them only then).
    pub fn named(&self) -> Option<&str> {
        (self.name != Face::default().name).then_some(self.name.as_str())
    }
}

/// A logo as uploaded: PNG or JPEG, with its size in pixels (read from the file by the
/// renderer, which refuses anything else).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logo {
    pub kind: ImageKind,
    pub width: u32,
    pub height: u32,
    pub bytes: Arc<[u8]>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Png,
    Jpeg,
}

impl ImageKind {
    pub fn media_type(self) -> &'static str {
        match self {
            ImageKind::Png => "image/png",
            ImageKind::Jpeg => "image/jpeg",
        }
    }

    pub fn parse(s: &str) -> Option<ImageKind> {
        match s {
            "image/png" => Some(ImageKind::Png),
            "image/jpeg" => Some(ImageKind::Jpeg),
            _ => None,
        }
    }
}

/// How a date is written: "8 March 2021", "March 8, 2021" or "2021-03-08".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DateStyle {
    #[default]
    DayMonthYear,
    MonthDayYear,
    Iso,
}

impl DateStyle {
    pub const ALL: [DateStyle; 3] = [
        DateStyle::DayMonthYear,
        DateStyle::MonthDayYear,
        DateStyle::Iso,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DateStyle::DayMonthYear => "day-month-year",
            DateStyle::MonthDayYear => "month-day-year",
            DateStyle::Iso => "iso",
        }
    }

    pub fn parse(s: &str) -> Option<DateStyle> {
        DateStyle::ALL.into_iter().find(|d| d.code() == s)
    }

    /// The choice as a form offers it, with an example.
    pub fn label(self) -> &'static str {
        match self {
            DateStyle::DayMonthYear => "8 March 2021, 14:05",
            DateStyle::MonthDayYear => "March 8, 2021, 2:05 PM",
            DateStyle::Iso => "2021-03-08 14:05",
        }
    }
}

/// A colour as `#rrggbb`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Colour(pub u8, pub u8, pub u8);

impl Colour {
    /// `#1f4e79` or `1F4E79`; three-digit and named colours are not taken (a form's colour
    /// picker sends six digits).
    pub fn parse(s: &str) -> Option<Colour> {
        let hex = s.trim().strip_prefix('#').unwrap_or(s.trim());
        if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
        Some(Colour(byte(0)?, byte(2)?, byte(4)?))
    }

    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// The colour darkened by a fifth: hover and pressed states.
    pub fn darker(self) -> Colour {
        let d = |c: u8| (u16::from(c) * 4 / 5) as u8;
        Colour(d(self.0), d(self.1), d(self.2))
    }

    /// Each channel from 0 to 1, as the PDF writes colours.
    pub fn unit(self) -> (f32, f32, f32) {
        (
            f32::from(self.0) / 255.0,
            f32::from(self.1) / 255.0,
            f32::from(self.2) / 255.0,
        )
    }

    /// WCAG 2 relative luminance.
    fn luminance(self) -> f64 {
        let lin = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(self.0) + 0.7152 * lin(self.1) + 0.0722 * lin(self.2)
    }

    /// The WCAG contrast ratio with white (1 to 21).
    pub fn contrast_with_white(self) -> f64 {
        1.05 / (self.luminance() + 0.05)
    }
}

/// The face as typed, before it is checked.
#[derive(Debug, Clone, Default)]
pub struct FaceInput {
    pub name: String,
    pub short_name: String,
    pub colour: String,
    pub accent: String,
    pub time_zone: String,
    pub date_style: String,
}

/// Checks what an admin typed (the logo and whether the time zone exists are checked by the
/// application layer, which reads files and zones): each problem names its field.
pub fn check(input: &FaceInput, keep_logo: Option<Logo>) -> Result<Face, Vec<FieldProblem>> {
    let mut problems = Vec::new();
    let mut text = |field: &'static str, what: &str, value: &str, max: usize| {
        // One line, spaces collapsed, composed: it is shown in a header and a title.
        let value = crate::text::nfc(value)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if value.is_empty() {
            problems.push(FieldProblem::new(
                field,
                "required",
                format!("{what} is required"),
            ));
        } else if value.chars().count() > max {
            problems.push(FieldProblem::new(
                field,
                "too-long",
                format!("{what} is longer than {max} characters"),
            ));
        }
        value
    };
    let name = text("name", "The agency's name", &input.name, NAME_MAX);
    let short_name = text(
        "short_name",
        "The short name",
        &input.short_name,
        SHORT_NAME_MAX,
    );
    let time_zone = text(
        "time_zone",
        "The time zone",
        &input.time_zone,
        TIME_ZONE_MAX,
    );
    let mut colour_of = |field: &'static str, what: &str, typed: &str, least: f64| {
        match Colour::parse(typed) {
            None => {
                problems.push(FieldProblem::new(
                    field,
                    "not-a-colour",
                    format!("{what} must be six hexadecimal digits, like #1f4e79"),
                ));
                None
            }
            Some(c) if c.contrast_with_white() < least => {
                problems.push(FieldProblem::new(
                    field,
                    "low-contrast",
                    format!(
                        "{what} {} is too light: its contrast with white is {:.1} to 1, and it must be at least {least} to 1 to be read",
                        c.hex(),
                        c.contrast_with_white()
                    ),
                ));
                None
            }
            Some(c) => Some(c),
        }
    };
    // White text on the main colour, and the main colour as text on white: WCAG AA for text.
    let colour = colour_of("colour", "The main colour", &input.colour, 4.5);
    // Bars and edges are graphics: WCAG's 3 to 1 for non-text contrast.
    let accent = colour_of("accent", "The second colour", &input.accent, 3.0);
    let date_style = DateStyle::parse(input.date_style.trim());
    if date_style.is_none() {
        problems.push(FieldProblem::new(
            "date_style",
            "unknown",
            "Choose one of the date styles offered".into(),
        ));
    }
    match (colour, accent, date_style) {
        (Some(colour), Some(accent), Some(date_style)) if problems.is_empty() => Ok(Face {
            name,
            short_name,
            colour,
            accent,
            logo: keep_logo,
            time_zone,
            date_style,
        }),
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed() -> FaceInput {
        FaceInput {
            name: "CARICOM Implementation Agency for Crime and Security".into(),
            short_name: "CARICOM IMPACS".into(),
            colour: "#1F4E79".into(),
            accent: "2e6da4".into(),
            time_zone: "America/Port_of_Spain".into(),
            date_style: "month-day-year".into(),
        }
    }

    #[test]
    fn a_face_as_typed_is_kept_cleaned() {
        let face = check(&typed(), None).unwrap();
        assert_eq!(face.short_name, "CARICOM IMPACS");
        assert_eq!(face.colour.hex(), "#1f4e79");
        assert_eq!(face.accent, Colour(0x2e, 0x6d, 0xa4));
        assert_eq!(face.date_style, DateStyle::MonthDayYear);
    }

    #[test]
    fn each_problem_names_its_field() {
        let input = FaceInput {
            name: "  ".into(),
            short_name: "A short name that is far too long to fit".into(),
            colour: "#ffee00".into(),
            accent: "blue".into(),
            time_zone: "UTC".into(),
            date_style: "julian".into(),
        };
        let problems = check(&input, None).unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field).collect();
        assert_eq!(
            fields,
            ["name", "short_name", "colour", "accent", "date_style"]
        );
        assert!(problems[2].message.contains("too light"), "{problems:?}");
    }

    #[test]
    fn contrast_follows_wcag() {
        assert!((Colour(0, 0, 0).contrast_with_white() - 21.0).abs() < 0.01);
        assert!((Colour(255, 255, 255).contrast_with_white() - 1.0).abs() < 0.01);
        // #767676 is the lightest grey that passes AA on white.
        assert!(Colour(0x76, 0x76, 0x76).contrast_with_white() >= 4.5);
        assert!(Colour(0x77, 0x77, 0x77).contrast_with_white() < 4.5);
    }

    #[test]
    fn colours_read_six_digits_only() {
        assert_eq!(Colour::parse("#abc"), None);
        assert_eq!(Colour::parse("#12345g"), None);
        assert_eq!(Colour::parse("#00FF7f"), Some(Colour(0, 255, 127)));
    }
}
