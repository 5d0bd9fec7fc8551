//! The time of day as the history records it: RFC 3339 in UTC, to the second.

use std::time::{SystemTime, UNIX_EPOCH};

pub(crate) fn now() -> String {
    rfc3339(unix())
}

/// Seconds since 1970 (sign-ins and tokens are timed in them).
pub(crate) fn unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Today's date in UTC.
pub(crate) fn today() -> cadre_core::Date {
    let (year, month, day) = cadre_core::date::civil_from_days(unix().div_euclid(86_400));
    cadre_core::Date {
        year: i32::try_from(year).unwrap_or(9999),
        month,
        day,
    }
}

pub(crate) fn rfc3339(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (year, month, day) = cadre_core::date::civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn seconds_become_utc_times() {
        assert_eq!(super::rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::rfc3339(1_796_112_000), "2026-12-01T08:00:00Z");
        assert_eq!(super::rfc3339(951_825_599), "2000-02-29T11:59:59Z");
    }
}
