//! Text folding shared by every lookup that must ignore case and stray spaces.

/// Lower-cases, trims and collapses runs of white space to one space, so that
/// "  Saint   Lucia " and "saint lucia" compare equal.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_into(&mut out, s);
    out
}

/// Appends `fold(s)` to `out`, so that a caller folding millions of names can reuse one
/// buffer. ASCII text, nearly every name, is folded a byte at a time.
pub fn fold_into(out: &mut String, s: &str) {
    let start = out.len();
    if s.is_ascii() {
        let mut space = false;
        for &b in s.as_bytes() {
            // The ASCII characters `split_whitespace` splits on: tab to carriage return, space.
            if matches!(b, b'\t'..=b'\r' | b' ') {
                space = out.len() > start;
            } else {
                if space {
                    out.push(' ');
                    space = false;
                }
                out.push(char::from(b.to_ascii_lowercase()));
            }
        }
    } else {
        for word in s.split_whitespace() {
            if out.len() > start {
                out.push(' ');
            }
            out.extend(word.chars().flat_map(char::to_lowercase));
        }
    }
}

/// Replaces the Latin letters with diacritics that occur in country and person names by their
/// base letter, so "Curaçao" is found when typed "Curacao".
pub fn strip_accents(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
            'ç' => 'c',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ñ' => 'n',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ý' | 'ÿ' => 'y',
            'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => 'A',
            'Ç' => 'C',
            'È' | 'É' | 'Ê' | 'Ë' => 'E',
            'Ì' | 'Í' | 'Î' | 'Ï' => 'I',
            'Ñ' => 'N',
            'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' => 'O',
            'Ù' | 'Ú' | 'Û' | 'Ü' => 'U',
            other => other,
        })
        .collect()
}

/// Splits a list cell on `;`, trimming each item and dropping empty ones.
pub fn split_list(cell: &str) -> impl Iterator<Item = &str> {
    cell.split(';').map(str::trim).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte-at-a-time path folds ASCII exactly as the general one does (vertical tab
    /// included, which `split_ascii_whitespace` would not split on).
    #[test]
    fn ascii_folds_as_unicode_does() {
        let general = |s: &str| {
            let words: Vec<String> = s
                .split_whitespace()
                .map(|w| w.chars().flat_map(char::to_lowercase).collect())
                .collect();
            words.join(" ")
        };
        for s in [
            "",
            "   ",
            "  Saint   Lucia ",
            "ANN\tMARIE\x0bLEE\r\n",
            "o'Brien-Smith",
            "x\x0c y",
            "Curaçao  ISLAND",
            "\u{a0}Ann\u{a0}Lee",
            "ΣΟΦΙΑ",
            "\u{212a}elvin",
        ] {
            assert_eq!(fold(s), general(s), "{s:?}");
            let mut buf = String::from("kept|");
            fold_into(&mut buf, s);
            assert_eq!(buf, format!("kept|{}", general(s)), "{s:?}");
        }
    }

    #[test]
    fn fold_ignores_case_and_spacing() {
        assert_eq!(fold("  Saint   Lucia\t"), "saint lucia");
        assert_eq!(fold(""), "");
    }

    #[test]
    fn accents_are_folded() {
        assert_eq!(strip_accents("Curaçao"), "Curacao");
        assert_eq!(strip_accents("Saint Barthélemy"), "Saint Barthelemy");
    }

    #[test]
    fn list_cells_split_on_semicolons() {
        let items: Vec<_> = split_list(" BB; JM ;;TT ").collect();
        assert_eq!(items, ["BB", "JM", "TT"]);
    }
}
