//! Who attended a virtual session, from what a platform's report says of each person: the
//! times they were in (a person who left and came back, or joined from two devices at once,
//! has several), merged into one time present and clipped to the session, then held against
//! the training's rule: present for at least a stated share of the session. Durations as the
//! platforms write them ("1h 2m 10s", "58 min", "01:02:10") are read here too.

/// The share of a session a person must be present for, by default.
pub const DEFAULT_MIN_PERCENT: u8 = 75;

/// A span of time in seconds (since any fixed moment), the end after the start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Span {
    pub start: i64,
    pub end: i64,
}

impl Span {
    pub fn new(start: i64, end: i64) -> Span {
        Span {
            start,
            end: end.max(start),
        }
    }

    pub fn seconds(self) -> i64 {
        self.end - self.start
    }
}

/// The seconds a person was present within `session`: their spans merged (an overlap counted
/// once, never the sum of the platform's rounded durations) and clipped to the session.
pub fn present_seconds(spans: &[Span], session: Span) -> i64 {
    let mut clipped: Vec<Span> = spans
        .iter()
        .map(|s| Span::new(s.start.max(session.start), s.end.min(session.end)))
        .filter(|s| s.seconds() > 0)
        .collect();
    clipped.sort_unstable();
    let mut total = 0;
    let mut current: Option<Span> = None;
    for s in clipped {
        match &mut current {
            Some(c) if s.start <= c.end => c.end = c.end.max(s.end),
            _ => {
                if let Some(c) = current.take() {
                    total += c.seconds();
                }
                current = Some(s);
            }
        }
    }
    total + current.map_or(0, Span::seconds)
}

/// Whether `present` seconds of a session of `length` seconds meet a rule of `min_percent`.
/// Exact: no share is rounded up to pass.
pub fn attended(present: i64, length: i64, min_percent: u8) -> bool {
    if length <= 0 {
        return present > 0;
    }
    i128::from(present) * 100 >= i128::from(length) * i128::from(min_percent)
}

/// The share present, in whole percent rounded down (for the preview: "74 %" never passes as
/// 75).
pub fn percent(present: i64, length: i64) -> u32 {
    if length <= 0 {
        return 0;
    }
    ((i128::from(present.max(0)) * 100) / i128::from(length)).min(1000) as u32
}

/// A duration as the platforms write it, in seconds: `1h 2m 10s`, `55m`, `5s` (Teams), `58 min`,
/// `1 hr 2 min` (Meet), `01:02:10` or `62:10` (BigBlueButton, Webex), or a whole number of
/// minutes (Zoom's `Duration (minutes)`). `None` for anything else.
pub fn parse_duration(text: &str) -> Option<i64> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    if t.bytes().all(|b| b.is_ascii_digit()) {
        return t.parse::<i64>().ok()?.checked_mul(60);
    }
    if t.contains(':') {
        let parts: Vec<&str> = t.split(':').collect();
        if parts.len() > 3
            || parts
                .iter()
                .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
        {
            return None;
        }
        let mut seconds = 0i64;
        for p in &parts {
            seconds = seconds
                .checked_mul(60)?
                .checked_add(p.parse::<i64>().ok()?)?;
        }
        // Two parts are minutes and seconds.
        return Some(seconds);
    }
    // Numbers each followed by a unit, with or without a space between.
    let mut seconds = 0i64;
    let mut number = String::new();
    let mut unit = String::new();
    let mut any = false;
    let flush = |number: &mut String, unit: &mut String, seconds: &mut i64| -> Option<()> {
        if number.is_empty() {
            return if unit.is_empty() { Some(()) } else { None };
        }
        let n: i64 = number.parse().ok()?;
        let per = match unit.to_lowercase().trim_end_matches('.') {
            "h" | "hr" | "hrs" | "hour" | "hours" => 3600,
            "m" | "min" | "mins" | "minute" | "minutes" => 60,
            "s" | "sec" | "secs" | "second" | "seconds" => 1,
            _ => return None,
        };
        *seconds = seconds.checked_add(n.checked_mul(per)?)?;
        number.clear();
        unit.clear();
        Some(())
    };
    for c in t.chars() {
        if c.is_ascii_digit() {
            if !unit.is_empty() {
                flush(&mut number, &mut unit, &mut seconds)?;
            }
            number.push(c);
            any = true;
        } else if c.is_alphabetic() || c == '.' {
            if number.is_empty() {
                return None;
            }
            unit.push(c);
        } else if c.is_whitespace() || c == ',' {
            continue;
        } else {
            return None;
        }
    }
    if !number.is_empty() && unit.is_empty() {
        return None;
    }
    flush(&mut number, &mut unit, &mut seconds)?;
    any.then_some(seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(a: i64, b: i64) -> Span {
        Span::new(a, b)
    }

    #[test]
    fn rejoins_and_two_devices_count_once_within_the_session() {
        let session = s(0, 3600);
        // Joined early (waiting before the start), left, came back, and a phone alongside.
        let spans = [s(-600, 1200), s(1500, 3000), s(1400, 2000), s(3300, 4000)];
        assert_eq!(present_seconds(&spans, session), 1200 + 1600 + 300);
        assert_eq!(present_seconds(&[], session), 0);
        assert_eq!(present_seconds(&[s(4000, 5000)], session), 0);
    }

    #[test]
    fn the_rule_is_exact_at_its_threshold() {
        // 75 % of an hour is 2,700 seconds.
        assert!(attended(2700, 3600, 75));
        assert!(!attended(2699, 3600, 75));
        assert_eq!(percent(2699, 3600), 74);
        assert!(attended(1, 0, 75), "a session of no length: present at all");
    }

    #[test]
    fn durations_read_as_each_platform_writes_them() {
        for (text, seconds) in [
            ("1h 2m 10s", 3730),
            ("55m", 3300),
            ("5s", 5),
            ("58 min", 3480),
            ("1 hr 2 min", 3720),
            ("01:02:10", 3730),
            ("62:10", 3730),
            ("45", 2700),
            ("2 hours 1 minute", 7260),
        ] {
            assert_eq!(parse_duration(text), Some(seconds), "{text}");
        }
        for bad in ["", "soon", "1x", "h", "1:2:3:4", "--", "12 parsecs"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }
}
