//! Money in exact cents: values are summed for donors, so no float ever touches them.

use std::fmt;

/// An amount in United States cents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(i64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("\"{0}\" is not an amount: write digits with at most two decimals, e.g. 3937801 or 1,250.50")]
    Format(String),
    #[error("\"{0}\" has more than two decimals: amounts are kept to the cent")]
    TooPrecise(String),
    #[error("amount {0} is negative")]
    Negative(String),
    #[error("amount \"{0}\" is more than USD 1,000,000,000.00, the most one training is recorded as worth")]
    TooLarge(String),
}

impl Money {
    pub const ZERO: Money = Money(0);
    /// The most one training is recorded as worth: a billion dollars, far above any real
    /// training, and low enough that the values of ninety million trainings add up exactly.
    pub const MAX: Money = Money(100_000_000_000);

    pub fn from_cents(cents: i64) -> Money {
        Money(cents)
    }

    pub fn cents(self) -> i64 {
        self.0
    }

    pub fn whole_dollars(self) -> i64 {
        self.0 / 100
    }

    pub fn cents_part(self) -> i64 {
        self.0 % 100
    }

    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }

    /// Reads an amount in US dollars as people type it: `3937801`, `3,937,801`, `1250.5`,
    /// `$1,250.50`, `USD 1250`. Thousands separators must be commas in groups of three.
    pub fn parse_usd(typed: &str) -> Result<Money, MoneyError> {
        let original = typed.trim();
        let mut s = original;
        for prefix in ["USD", "US$", "$"] {
            if let Some(rest) = s.strip_prefix(prefix) {
                s = rest.trim_start();
            }
        }
        if let Some(rest) = s.strip_prefix('-') {
            if !rest.is_empty() {
                return Err(MoneyError::Negative(original.to_string()));
            }
        }
        let bad = || MoneyError::Format(original.to_string());
        let (whole, frac) = match s.split_once('.') {
            Some((w, f)) => (w, f),
            None => (s, ""),
        };
        if whole.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        if frac.len() > 2 {
            return Err(MoneyError::TooPrecise(original.to_string()));
        }
        let groups: Vec<&str> = whole.split(',').collect();
        let grouped_right = groups.len() == 1
            || (!groups[0].is_empty()
                && groups[0].len() <= 3
                && groups[1..].iter().all(|g| g.len() == 3));
        if !grouped_right || !groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit())) {
            return Err(bad());
        }
        let digits: String = groups.concat();
        let too_large = || MoneyError::TooLarge(original.to_string());
        let dollars: i64 = digits.parse().map_err(|_| too_large())?;
        let cents: i64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<i64>().map_err(|_| bad())? * 10,
            _ => frac.parse().map_err(|_| bad())?,
        };
        dollars
            .checked_mul(100)
            .and_then(|c| c.checked_add(cents))
            .filter(|c| *c <= Money::MAX.0)
            .map(Money)
            .ok_or_else(too_large)
    }
}

impl fmt::Display for Money {
    /// `3,937,801.00`: grouped, always two decimals.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", group_thousands(abs / 100), abs % 100)
    }
}

/// `3937801` -> `3,937,801`.
pub fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_as_typed() {
        let cases = [
            ("3937801", 393_780_100),
            ("3,937,801", 393_780_100),
            ("1250.5", 125_050),
            ("1,250.50", 125_050),
            ("$1,250.05", 125_005),
            ("USD 1250", 125_000),
            (" 0 ", 0),
            ("0.99", 99),
        ];
        for (typed, cents) in cases {
            assert_eq!(
                Money::parse_usd(typed),
                Ok(Money::from_cents(cents)),
                "{typed}"
            );
        }
    }

    #[test]
    fn wrong_amounts_say_why() {
        assert!(matches!(
            Money::parse_usd("12.345"),
            Err(MoneyError::TooPrecise(_))
        ));
        assert!(matches!(
            Money::parse_usd("-5"),
            Err(MoneyError::Negative(_))
        ));
        for typed in ["", "1,25", "12,34,567", "1.2.3", "abc", ",100", "1e6", "."] {
            assert!(
                matches!(Money::parse_usd(typed), Err(MoneyError::Format(_))),
                "{typed:?}"
            );
        }
        for typed in [
            "99999999999999999999",
            "92,233,720,368,547,758.07",
            "1,000,000,000.01",
        ] {
            assert!(
                matches!(Money::parse_usd(typed), Err(MoneyError::TooLarge(_))),
                "{typed}"
            );
        }
        assert_eq!(Money::parse_usd("1,000,000,000.00"), Ok(Money::MAX));
    }

    #[test]
    fn display_groups_and_keeps_cents() {
        assert_eq!(Money::from_cents(393_780_100).to_string(), "3,937,801.00");
        assert_eq!(Money::from_cents(5).to_string(), "0.05");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(1000), "1,000");
    }
}
