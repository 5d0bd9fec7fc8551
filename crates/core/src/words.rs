//! Numbers in words, in the style of the agency's published reports: title case, commas
//! between groups, "and" inside hundreds and before a last group under one hundred.
//!
//! A language is data (a [`Lexicon`]): its words, the joiners between them and the numbers it
//! writes irregularly. Adding Spanish, French or Dutch means writing one more lexicon.

use crate::money::{group_thousands, Money};

/// The words of a scale (thousand, million, billion): for one of it, and for several.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    /// "One Thousand"; Spanish would say "Mil".
    pub one: &'static str,
    /// "Thousand"; Spanish "Mil" for thousands, "Millones" for millions.
    pub many: &'static str,
}

#[derive(Debug, Clone, Copy)]
pub struct Lexicon {
    pub zero: &'static str,
    pub below_twenty: [&'static str; 20],
    /// Words for 20, 30, ... 90 at indexes 2 to 9.
    pub tens: [&'static str; 10],
    /// Between tens and units: "-" in "Twenty-Nine".
    pub tens_joiner: &'static str,
    /// Numbers under 1,000 the pattern does not give (French "Soixante et Onze").
    pub irregular: &'static [(u16, &'static str)],
    /// 100 × i standing alone, at index i.
    pub hundreds: [&'static str; 10],
    /// 100 × i followed by more (Spanish "Ciento" before "Uno").
    pub hundreds_before_more: [&'static str; 10],
    /// Between the hundreds and the rest: " and " in "Eight Hundred and One".
    pub after_hundreds: &'static str,
    /// Thousand, million, billion and on, as far as the language's data goes.
    pub scales: &'static [Scale],
    /// Between a group and its scale word: " " ("Two Thousand"); Dutch writes them together.
    pub scale_joiner: &'static str,
    /// Between groups: ", ".
    pub group_separator: &'static str,
    /// Before a last group under one hundred: " and " in "Four Thousand and Fifty-Three".
    pub before_small_last_group: &'static str,
    pub currency_one: &'static str,
    pub currency_many: &'static str,
    pub cent_one: &'static str,
    pub cent_many: &'static str,
    /// Between dollars and cents.
    pub money_joiner: &'static str,
}

pub const ENGLISH: Lexicon = Lexicon {
    zero: "Zero",
    below_twenty: [
        "",
        "One",
        "Two",
        "Three",
        "Four",
        "Five",
        "Six",
        "Seven",
        "Eight",
        "Nine",
        "Ten",
        "Eleven",
        "Twelve",
        "Thirteen",
        "Fourteen",
        "Fifteen",
        "Sixteen",
        "Seventeen",
        "Eighteen",
        "Nineteen",
    ],
    tens: [
        "", "", "Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety",
    ],
    tens_joiner: "-",
    irregular: &[],
    hundreds: [
        "",
        "One Hundred",
        "Two Hundred",
        "Three Hundred",
        "Four Hundred",
        "Five Hundred",
        "Six Hundred",
        "Seven Hundred",
        "Eight Hundred",
        "Nine Hundred",
    ],
    hundreds_before_more: [
        "",
        "One Hundred",
        "Two Hundred",
        "Three Hundred",
        "Four Hundred",
        "Five Hundred",
        "Six Hundred",
        "Seven Hundred",
        "Eight Hundred",
        "Nine Hundred",
    ],
    after_hundreds: " and ",
    scales: &[
        Scale {
            one: "One Thousand",
            many: "Thousand",
        },
        Scale {
            one: "One Million",
            many: "Million",
        },
        Scale {
            one: "One Billion",
            many: "Billion",
        },
        Scale {
            one: "One Trillion",
            many: "Trillion",
        },
        Scale {
            one: "One Quadrillion",
            many: "Quadrillion",
        },
        Scale {
            one: "One Quintillion",
            many: "Quintillion",
        },
    ],
    scale_joiner: " ",
    group_separator: ", ",
    before_small_last_group: " and ",
    currency_one: "United States Dollar",
    currency_many: "United States Dollars",
    cent_one: "Cent",
    cent_many: "Cents",
    money_joiner: " and ",
};

impl Lexicon {
    /// A number below 1,000 in words ("" for 0).
    fn below_thousand(&self, n: u16) -> String {
        if let Some((_, w)) = self.irregular.iter().find(|(k, _)| *k == n) {
            return (*w).to_string();
        }
        let (h, rest) = ((n / 100) as usize, n % 100);
        let rest_words = if let Some((_, w)) = self.irregular.iter().find(|(k, _)| *k == rest) {
            (*w).to_string()
        } else if rest < 20 {
            self.below_twenty[rest as usize].to_string()
        } else {
            let (t, u) = ((rest / 10) as usize, (rest % 10) as usize);
            if u == 0 {
                self.tens[t].to_string()
            } else {
                format!(
                    "{}{}{}",
                    self.tens[t], self.tens_joiner, self.below_twenty[u]
                )
            }
        };
        match (h, rest) {
            (0, _) => rest_words,
            (h, 0) => self.hundreds[h].to_string(),
            (h, _) => format!(
                "{}{}{}",
                self.hundreds_before_more[h], self.after_hundreds, rest_words
            ),
        }
    }

    /// A whole number in words: 4,053 is "Four Thousand and Fifty-Three".
    pub fn number(&self, n: u64) -> String {
        if n == 0 {
            return self.zero.to_string();
        }
        if 1000u64
            .checked_pow(self.scales.len() as u32 + 1)
            .is_some_and(|limit| n >= limit)
        {
            // Beyond the language's largest scale word: digits are better than wrong words.
            return group_thousands(n);
        }
        // Groups of three digits, most significant first, with their scale (0 = units).
        let mut groups = Vec::new();
        let mut rest = n;
        let mut scale = 0usize;
        while rest > 0 {
            groups.push((scale, (rest % 1000) as u16));
            rest /= 1000;
            scale += 1;
        }
        groups.reverse();
        let nonzero: Vec<(usize, u16)> = groups.into_iter().filter(|(_, g)| *g > 0).collect();
        let mut out = String::new();
        for (i, (scale, group)) in nonzero.iter().enumerate() {
            let words = match scale {
                0 => self.below_thousand(*group),
                s => {
                    let sc = self.scales[s - 1];
                    if *group == 1 {
                        sc.one.to_string()
                    } else {
                        format!(
                            "{}{}{}",
                            self.below_thousand(*group),
                            self.scale_joiner,
                            sc.many
                        )
                    }
                }
            };
            if i > 0 {
                let last = i == nonzero.len() - 1;
                if last && *scale == 0 && *group < 100 {
                    out.push_str(self.before_small_last_group);
                } else {
                    out.push_str(self.group_separator);
                }
            }
            out.push_str(&words);
        }
        out
    }

    /// "Three Million, ... One United States Dollars", and "... and Ninety-Five Cents" when
    /// there are cents.
    pub fn money(&self, m: Money) -> String {
        let dollars = m.whole_dollars().unsigned_abs();
        let cents = m.cents_part().unsigned_abs();
        let currency = if dollars == 1 {
            self.currency_one
        } else {
            self.currency_many
        };
        let mut out = format!("{} {currency}", self.number(dollars));
        if cents > 0 {
            let cent = if cents == 1 {
                self.cent_one
            } else {
                self.cent_many
            };
            out.push_str(&format!(
                "{}{} {cent}",
                self.money_joiner,
                self.number(cents)
            ));
        }
        out
    }

    /// A count as the report's prose writes it: "Twenty-Nine (29)".
    pub fn count(&self, n: u64) -> String {
        format!("{} ({})", self.number(n), group_thousands(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(n: u64) -> String {
        ENGLISH.number(n)
    }

    #[test]
    fn the_seed_pages_figures() {
        assert_eq!(
            words(3_937_801),
            "Three Million, Nine Hundred and Thirty-Seven Thousand, Eight Hundred and One"
        );
        assert_eq!(words(4_053), "Four Thousand and Fifty-Three");
        assert_eq!(words(2_218), "Two Thousand, Two Hundred and Eighteen");
        assert_eq!(words(1_770), "One Thousand, Seven Hundred and Seventy");
        assert_eq!(words(29), "Twenty-Nine");
        assert_eq!(ENGLISH.count(29), "Twenty-Nine (29)");
        assert_eq!(
            ENGLISH.count(4_053),
            "Four Thousand and Fifty-Three (4,053)"
        );
    }

    #[test]
    fn zero_one_and_the_teens() {
        assert_eq!(words(0), "Zero");
        assert_eq!(words(1), "One");
        assert_eq!(words(11), "Eleven");
        assert_eq!(words(13), "Thirteen");
        assert_eq!(words(19), "Nineteen");
        assert_eq!(words(20), "Twenty");
        assert_eq!(words(99), "Ninety-Nine");
        assert_eq!(words(100), "One Hundred");
        assert_eq!(words(101), "One Hundred and One");
        assert_eq!(words(110), "One Hundred and Ten");
    }

    #[test]
    fn exact_thousands_and_millions() {
        assert_eq!(words(1_000), "One Thousand");
        assert_eq!(words(20_000), "Twenty Thousand");
        assert_eq!(words(100_000), "One Hundred Thousand");
        assert_eq!(words(1_000_000), "One Million");
        assert_eq!(words(2_000_000_000), "Two Billion");
        assert_eq!(words(1_000_005), "One Million and Five");
        assert_eq!(words(1_200_000), "One Million, Two Hundred Thousand");
        assert_eq!(words(1_000_100), "One Million, One Hundred");
        assert_eq!(words(5_001_000), "Five Million, One Thousand");
        assert_eq!(
            words(u64::MAX),
            "Eighteen Quintillion, Four Hundred and Forty-Six Quadrillion, Seven Hundred and Forty-Four Trillion, Seventy-Three Billion, Seven Hundred and Nine Million, Five Hundred and Fifty-One Thousand, Six Hundred and Fifteen"
        );
    }

    #[test]
    fn money_with_and_without_cents() {
        assert_eq!(
            ENGLISH.money(Money::from_cents(393_780_100)),
            "Three Million, Nine Hundred and Thirty-Seven Thousand, Eight Hundred and One United States Dollars"
        );
        assert_eq!(
            ENGLISH.money(Money::from_cents(393_780_195)),
            "Three Million, Nine Hundred and Thirty-Seven Thousand, Eight Hundred and One United States Dollars and Ninety-Five Cents"
        );
        assert_eq!(
            ENGLISH.money(Money::from_cents(100)),
            "One United States Dollar"
        );
        assert_eq!(
            ENGLISH.money(Money::from_cents(1)),
            "Zero United States Dollars and One Cent"
        );
    }

    /// A language added as data only: enough Spanish to show the lexicon carries irregular
    /// forms ("Cien" alone, "Ciento" before more, "Veintiuno") and scales ("Mil", "Millones").
    #[test]
    fn another_language_is_only_data() {
        const SPANISH: Lexicon = Lexicon {
            zero: "Cero",
            below_twenty: [
                "",
                "Uno",
                "Dos",
                "Tres",
                "Cuatro",
                "Cinco",
                "Seis",
                "Siete",
                "Ocho",
                "Nueve",
                "Diez",
                "Once",
                "Doce",
                "Trece",
                "Catorce",
                "Quince",
                "Dieciséis",
                "Diecisiete",
                "Dieciocho",
                "Diecinueve",
            ],
            tens: [
                "",
                "",
                "Veinte",
                "Treinta",
                "Cuarenta",
                "Cincuenta",
                "Sesenta",
                "Setenta",
                "Ochenta",
                "Noventa",
            ],
            tens_joiner: " y ",
            irregular: &[(21, "Veintiuno"), (22, "Veintidós"), (29, "Veintinueve")],
            hundreds: [
                "",
                "Cien",
                "Doscientos",
                "Trescientos",
                "Cuatrocientos",
                "Quinientos",
                "Seiscientos",
                "Setecientos",
                "Ochocientos",
                "Novecientos",
            ],
            hundreds_before_more: [
                "",
                "Ciento",
                "Doscientos",
                "Trescientos",
                "Cuatrocientos",
                "Quinientos",
                "Seiscientos",
                "Setecientos",
                "Ochocientos",
                "Novecientos",
            ],
            after_hundreds: " ",
            scales: &[
                Scale {
                    one: "Mil",
                    many: "Mil",
                },
                Scale {
                    one: "Un Millón",
                    many: "Millones",
                },
            ],
            scale_joiner: " ",
            group_separator: " ",
            before_small_last_group: " ",
            currency_one: "Dólar de los Estados Unidos",
            currency_many: "Dólares de los Estados Unidos",
            cent_one: "Centavo",
            cent_many: "Centavos",
            money_joiner: " con ",
        };
        assert_eq!(SPANISH.number(100), "Cien");
        assert_eq!(SPANISH.number(129), "Ciento Veintinueve");
        assert_eq!(SPANISH.number(4_053), "Cuatro Mil Cincuenta y Tres");
        assert_eq!(SPANISH.number(1_000), "Mil");
        assert_eq!(
            SPANISH.number(2_000_000_000),
            "2,000,000,000",
            "beyond its scales"
        );
        assert_eq!(
            SPANISH.number(3_937_801),
            "Tres Millones Novecientos Treinta y Siete Mil Ochocientos Uno"
        );
    }
}
