//! The agency's face as the formats show it: times in its time zone and date style, its logo
//! read and checked (PNG or JPEG, nothing that could carry a script), and a favicon drawn from
//! its short name and colour.

use cadre_core::agency::{DateStyle, Face, ImageKind, Logo};

/// Whether `name` is a time zone this build knows (the IANA database is built in, so every
/// machine answers alike).
pub fn zone_known(name: &str) -> bool {
    jiff::tz::TimeZone::get(name).is_ok()
}

/// A time kept as RFC 3339 in UTC (`2026-12-07T16:08:14Z`), written in the agency's time zone
/// and date style: "7 December 2026, 12:08". Text that is not such a time is shown as it is.
pub fn when(kept: &str, face: &Face) -> String {
    let Ok(ts) = kept.parse::<jiff::Timestamp>() else {
        return kept.to_string();
    };
    let zone = jiff::tz::TimeZone::get(&face.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let local = ts.to_zoned(zone);
    let pattern = match face.date_style {
        DateStyle::DayMonthYear => "%-d %B %Y, %H:%M",
        DateStyle::MonthDayYear => "%B %-d, %Y, %-I:%M %p",
        DateStyle::Iso => "%Y-%m-%d %H:%M",
    };
    local.strftime(pattern).to_string()
}

/// The day of a kept time in the agency's time zone, in its date style: "7 December 2026".
pub fn day(kept: &str, face: &Face) -> String {
    let Ok(ts) = kept.parse::<jiff::Timestamp>() else {
        return kept.to_string();
    };
    day_of_unix(ts.as_second(), face)
}

/// The day of a time in seconds since 1970, as [`day`] writes it.
pub fn day_of_unix(secs: i64, face: &Face) -> String {
    let Ok(ts) = jiff::Timestamp::from_second(secs) else {
        return secs.to_string();
    };
    let zone = jiff::tz::TimeZone::get(&face.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let pattern = match face.date_style {
        DateStyle::DayMonthYear => "%-d %B %Y",
        DateStyle::MonthDayYear => "%B %-d, %Y",
        DateStyle::Iso => "%Y-%m-%d",
    };
    ts.to_zoned(zone).strftime(pattern).to_string()
}

/// The abbreviation of the time zone now ("AST"), for a page's note of which times it shows.
pub fn zone_label(face: &Face) -> String {
    if face.time_zone == "UTC" {
        return "UTC".into();
    }
    match jiff::tz::TimeZone::get(&face.time_zone) {
        Ok(zone) => {
            let now = jiff::Timestamp::now().to_zoned(zone);
            format!(
                "{} ({})",
                face.time_zone.replace('_', " "),
                now.strftime("%Z")
            )
        }
        Err(_) => face.time_zone.clone(),
    }
}

/// The smallest and largest side of a logo, in pixels.
pub const LOGO_SIDE: (u32, u32) = (16, 2000);

/// Why an uploaded logo is refused, worded for the person who chose the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LogoError {
    #[error("the logo must be a PNG or JPEG image")]
    NotAnImage,
    #[error("the logo is larger than {} KiB", cadre_core::agency::LOGO_MAX_BYTES / 1024)]
    TooLarge,
    #[error("the logo is {0} by {1} pixels: each side must be from 16 to 2000")]
    Size(u32, u32),
    #[error("the logo could not be read ({0}): save it again as a PNG or JPEG")]
    Damaged(&'static str),
    #[error("the logo is {0}: save it as an 8-bit, non-interlaced PNG or an RGB JPEG")]
    Unsupported(&'static str),
}

/// Reads an uploaded logo: a PNG is decoded whole (so a file that only starts like one is
/// refused), a JPEG's frame header is read.
pub fn read_logo(bytes: &[u8]) -> Result<Logo, LogoError> {
    if bytes.len() > cadre_core::agency::LOGO_MAX_BYTES {
        return Err(LogoError::TooLarge);
    }
    let (kind, width, height) = if bytes.starts_with(PNG_SIGNATURE) {
        let png = decode_png(bytes)?;
        (ImageKind::Png, png.width, png.height)
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        let jpeg = jpeg_frame(bytes)?;
        (ImageKind::Jpeg, jpeg.width, jpeg.height)
    } else {
        return Err(LogoError::NotAnImage);
    };
    Ok(Logo {
        kind,
        width,
        height,
        bytes: bytes.into(),
    })
}

/// A favicon: the short name's first letter, white on the agency's colour.
pub fn favicon_svg(face: &Face) -> String {
    let letter: String = face
        .short_name
        .chars()
        .find(|c| c.is_alphanumeric())
        .unwrap_or('c')
        .to_uppercase()
        .collect();
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 32 32\"><rect width=\"32\" height=\"32\" rx=\"6\" fill=\"{}\"/><text x=\"16\" y=\"23\" font-family=\"Arial,Helvetica,sans-serif\" font-size=\"20\" font-weight=\"700\" text-anchor=\"middle\" fill=\"#fff\">{}</text></svg>",
        face.colour.hex(),
        crate::svg::esc(&letter)
    )
}

/// The logo as a `data:` address, for files that must stand alone (the HTML report).
pub fn logo_data_uri(logo: &Logo) -> String {
    format!(
        "data:{};base64,{}",
        logo.kind.media_type(),
        base64(&logo.bytes)
    )
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// A PNG's pixels as a PDF takes them: 8-bit RGB (or grey) and, apart, its alpha.
pub(crate) struct Pixels {
    pub width: u32,
    pub height: u32,
    /// 1 (grey) or 3 (RGB) samples a pixel.
    pub colours: u8,
    pub samples: Vec<u8>,
    pub alpha: Option<Vec<u8>>,
}

/// Decodes a non-interlaced 8-bit PNG of any colour type; the decoded size is bounded by the
/// side limit, so a small file cannot inflate without end.
pub(crate) fn decode_png(bytes: &[u8]) -> Result<Pixels, LogoError> {
    let mut at = PNG_SIGNATURE.len();
    let mut header = None;
    let mut palette: &[u8] = &[];
    let mut transparency: &[u8] = &[];
    let mut data = Vec::new();
    while at + 8 <= bytes.len() {
        let len = u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap_or_default()) as usize;
        let kind = &bytes[at + 4..at + 8];
        let body = bytes
            .get(at + 8..at + 8 + len)
            .ok_or(LogoError::Damaged("a chunk is cut short"))?;
        match kind {
            b"IHDR" if body.len() == 13 => header = Some(body),
            b"PLTE" => palette = body,
            b"tRNS" => transparency = body,
            b"IDAT" => data.extend_from_slice(body),
            b"IEND" => break,
            _ => {}
        }
        at += 12 + len;
    }
    let h = header.ok_or(LogoError::Damaged("no image header"))?;
    let width = u32::from_be_bytes([h[0], h[1], h[2], h[3]]);
    let height = u32::from_be_bytes([h[4], h[5], h[6], h[7]]);
    let (depth, colour_type, interlace) = (h[8], h[9], h[12]);
    check_side(width, height)?;
    if depth != 8 {
        return Err(LogoError::Unsupported("not 8 bits a sample"));
    }
    if interlace != 0 {
        return Err(LogoError::Unsupported("interlaced"));
    }
    let channels: usize = match colour_type {
        0 | 3 => 1,
        2 => 3,
        4 => 2,
        6 => 4,
        _ => return Err(LogoError::Damaged("an unknown colour type")),
    };
    let (w, hgt) = (width as usize, height as usize);
    let stride = w * channels;
    let expected = (stride + 1) * hgt;
    let mut raw = Vec::with_capacity(expected);
    use std::io::Read;
    flate2::read::ZlibDecoder::new(&data[..])
        .take(expected as u64 + 1)
        .read_to_end(&mut raw)
        .map_err(|_| LogoError::Damaged("its image data does not inflate"))?;
    if raw.len() != expected {
        return Err(LogoError::Damaged(
            "its image data is not the size its header says",
        ));
    }
    // Undo each row's filter (PNG spec, section 9), in place.
    let bpp = channels;
    let mut prev = vec![0u8; stride];
    let mut rows = vec![0u8; stride * hgt];
    for y in 0..hgt {
        let line = &raw[y * (stride + 1)..(y + 1) * (stride + 1)];
        let (filter, src) = (line[0], &line[1..]);
        let out = &mut rows[y * stride..(y + 1) * stride];
        for x in 0..stride {
            let a = if x >= bpp { out[x - bpp] } else { 0 };
            let b = prev[x];
            let c = if x >= bpp { prev[x - bpp] } else { 0 };
            let predicted = match filter {
                0 => 0,
                1 => a,
                2 => b,
                3 => ((u16::from(a) + u16::from(b)) / 2) as u8,
                4 => paeth(a, b, c),
                _ => return Err(LogoError::Damaged("a row has an unknown filter")),
            };
            out[x] = src[x].wrapping_add(predicted);
        }
        prev.copy_from_slice(out);
    }
    let pixels = w * hgt;
    let (colours, samples, alpha) = match colour_type {
        0 => (1, rows, None),
        2 => (3, rows, None),
        4 => {
            let grey = rows.iter().step_by(2).copied().collect();
            let alpha = rows.iter().skip(1).step_by(2).copied().collect();
            (1, grey, Some(alpha))
        }
        6 => {
            let mut rgb = Vec::with_capacity(pixels * 3);
            let mut alpha = Vec::with_capacity(pixels);
            for px in rows.chunks_exact(4) {
                rgb.extend_from_slice(&px[..3]);
                alpha.push(px[3]);
            }
            (3, rgb, Some(alpha))
        }
        _ => {
            // A palette: each index looked up, with its transparency where one is given.
            if palette.is_empty() || !palette.len().is_multiple_of(3) {
                return Err(LogoError::Damaged("its palette is missing"));
            }
            let mut rgb = Vec::with_capacity(pixels * 3);
            let mut alpha = Vec::with_capacity(pixels);
            for &i in &rows {
                let i = usize::from(i);
                let entry = palette
                    .get(i * 3..i * 3 + 3)
                    .ok_or(LogoError::Damaged("a pixel names no colour of its palette"))?;
                rgb.extend_from_slice(entry);
                alpha.push(transparency.get(i).copied().unwrap_or(255));
            }
            let alpha = (!transparency.is_empty()).then_some(alpha);
            (3, rgb, alpha)
        }
    };
    Ok(Pixels {
        width,
        height,
        colours,
        samples,
        alpha,
    })
}

fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let p = i16::from(a) + i16::from(b) - i16::from(c);
    let (pa, pb, pc) = (
        (p - i16::from(a)).abs(),
        (p - i16::from(b)).abs(),
        (p - i16::from(c)).abs(),
    );
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

fn check_side(width: u32, height: u32) -> Result<(), LogoError> {
    let (least, most) = LOGO_SIDE;
    if !(least..=most).contains(&width) || !(least..=most).contains(&height) {
        return Err(LogoError::Size(width, height));
    }
    Ok(())
}

/// What a PDF needs of a JPEG: it takes the file as it is.
pub(crate) struct JpegFrame {
    pub width: u32,
    pub height: u32,
    pub components: u8,
}

/// Reads a JPEG's frame header (SOF0 to SOF3, SOF5 to SOF7...), walking the markers before it.
pub(crate) fn jpeg_frame(bytes: &[u8]) -> Result<JpegFrame, LogoError> {
    let mut at = 2;
    while at + 4 <= bytes.len() {
        if bytes[at] != 0xff {
            return Err(LogoError::Damaged("a marker is out of place"));
        }
        let marker = bytes[at + 1];
        if marker == 0xff {
            at += 1;
            continue;
        }
        let len = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
        let is_frame = matches!(marker, 0xc0..=0xcf) && !matches!(marker, 0xc4 | 0xc8 | 0xcc);
        if is_frame {
            let f = bytes
                .get(at + 4..at + 10)
                .ok_or(LogoError::Damaged("its frame header is cut short"))?;
            let height = u32::from(u16::from_be_bytes([f[1], f[2]]));
            let width = u32::from(u16::from_be_bytes([f[3], f[4]]));
            let components = f[5];
            check_side(width, height)?;
            if !matches!(components, 1 | 3) {
                return Err(LogoError::Unsupported("in CMYK"));
            }
            return Ok(JpegFrame {
                width,
                height,
                components,
            });
        }
        if len < 2 {
            return Err(LogoError::Damaged("a marker has no length"));
        }
        at += 2 + len;
    }
    Err(LogoError::Damaged("no frame header"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32, rgba: [u8; 4]) -> Vec<u8> {
        cadre_gen::image::png(w, h, rgba)
    }

    #[test]
    fn a_png_is_read_with_its_alpha_apart() {
        let logo = read_logo(&png(40, 20, [31, 78, 121, 200])).unwrap();
        assert_eq!(
            (logo.kind, logo.width, logo.height),
            (ImageKind::Png, 40, 20)
        );
        let px = decode_png(&logo.bytes).unwrap();
        assert_eq!(px.colours, 3);
        assert_eq!(&px.samples[..3], &[31, 78, 121]);
        assert_eq!(px.alpha.unwrap()[0], 200);
    }

    #[test]
    fn what_is_not_a_logo_is_refused_by_name() {
        assert_eq!(
            read_logo(b"<svg onload=alert(1)>"),
            Err(LogoError::NotAnImage)
        );
        assert_eq!(read_logo(&png(4, 4, [0; 4])), Err(LogoError::Size(4, 4)));
        let mut cut = png(40, 40, [0; 4]);
        cut.truncate(cut.len() - 30);
        assert!(matches!(read_logo(&cut), Err(LogoError::Damaged(_))));
        // A JPEG's start and a frame header of 64 by 32, three components.
        let jpeg = [
            0xff, 0xd8, 0xff, 0xc0, 0, 17, 8, 0, 32, 0, 64, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1,
            0xff, 0xd9,
        ];
        let logo = read_logo(&jpeg).unwrap();
        assert_eq!(
            (logo.kind, logo.width, logo.height),
            (ImageKind::Jpeg, 64, 32)
        );
    }

    #[test]
    fn times_are_shown_in_the_agency_zone_and_style() {
        let mut face = Face {
            time_zone: "America/Port_of_Spain".into(),
            ..Face::default()
        };
        assert_eq!(
            when("2026-12-07T16:08:14Z", &face),
            "7 December 2026, 12:08"
        );
        face.date_style = DateStyle::MonthDayYear;
        assert_eq!(
            when("2026-12-07T16:08:14Z", &face),
            "December 7, 2026, 12:08 PM"
        );
        face.date_style = DateStyle::Iso;
        face.time_zone = "UTC".into();
        assert_eq!(when("2026-12-07T16:08:14Z", &face), "2026-12-07 16:08");
        assert_eq!(when("not a time", &face), "not a time");
        face.time_zone = "America/Port_of_Spain".into();
        face.date_style = DateStyle::DayMonthYear;
        // Past midnight in UTC is still the evening before in Port of Spain.
        assert_eq!(day("2026-12-08T02:30:00Z", &face), "7 December 2026");
        assert_eq!(day_of_unix(0, &face), "31 December 1969");
        assert!(zone_known("America/Jamaica"));
        assert!(!zone_known("Atlantis/Capital"));
    }

    #[test]
    fn base64_pads_as_the_standard_says() {
        assert_eq!(base64(b"M"), "TQ==");
        assert_eq!(base64(b"Ma"), "TWE=");
        assert_eq!(base64(b"Man"), "TWFu");
    }
}
