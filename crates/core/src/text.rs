//! Text folding shared by every lookup that must ignore case and stray spaces.

use std::borrow::Cow;

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// The text in Unicode NFC, so that a letter typed as one character ("ç") and as a letter with a
/// combining mark ("c\u{327}", as macOS writes file names and some keyboards type) compare
/// equal. Borrowed when already NFC: ASCII, nearly every cell, pays only for `is_ascii`.
pub fn nfc(s: &str) -> Cow<'_, str> {
    if s.is_ascii() || is_nfc_quick(s.chars()) == IsNormalized::Yes {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.nfc().collect())
    }
}

/// Lower-cases, trims, collapses runs of white space to one space and normalises to NFC, so that
/// "  Saint   Lucia " and "saint lucia" compare equal, and "Curac\u{327}ao" and "Curaçao" too.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_into(&mut out, s);
    out
}

/// What a search compares: `fold`, and without accents ("Sécurité" is found by "securite").
pub fn search_key(s: &str) -> String {
    use unicode_normalization::char::is_combining_mark;
    use unicode_normalization::UnicodeNormalization;
    let folded = fold(s);
    if folded.is_ascii() {
        return folded;
    }
    folded.nfd().filter(|c| !is_combining_mark(*c)).collect()
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
        // Characters no one sees (a zero-width space, a direction mark) would make two
        // spellings that look the same two persons: they are not part of the key. Taken out
        // before the words are found, so that one standing alone leaves no empty word.
        let seen: String = nfc(s).chars().filter(|c| !is_format(*c)).collect();
        let mut lower = String::with_capacity(seen.len());
        for word in seen.split_whitespace() {
            if !lower.is_empty() {
                lower.push(' ');
            }
            lower.extend(word.chars().flat_map(char::to_lowercase));
        }
        // Lower case can take text out of NFC (a capital with a mark below and one above, say):
        // normalised again, a folded text folds to itself.
        out.push_str(&nfc(&lower));
    }
}

/// Replaces the Latin letters with diacritics that occur in country and person names by their
/// base letter, so "Curaçao" is found when typed "Curacao". The text is put in NFC first, so a
/// letter typed with a combining mark is folded too.
pub fn strip_accents(s: &str) -> String {
    nfc(s)
        .chars()
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

    /// Folding twice is folding once, marks in any order included (found by the fuzzer: a
    /// capital T with a tilde below and a diaeresis above lowercases out of NFC).
    #[test]
    fn a_folded_text_folds_to_itself() {
        for s in [
            "&^s?T\u{330}T\u{308}`\u{308}`\u{301}(`\u{308}`\u{301}(\u{40d}",
            "\u{1E6C}\u{308}",
            "Ångström  ÉCOLE",
        ] {
            let once = fold(s);
            assert_eq!(fold(&once), once, "{s:?}");
        }
    }

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
        assert_eq!(strip_accents("Curac\u{327}ao"), "Curacao", "decomposed");
        assert_eq!(strip_accents("Saint Barthe\u{301}lemy"), "Saint Barthelemy");
    }

    #[test]
    fn composed_and_decomposed_letters_fold_alike() {
        assert_eq!(fold("Curac\u{327}ao"), fold("Curaçao"));
        assert_eq!(fold("  JOSE\u{301}  Nun\u{303}ez"), "josé nuñez");
        assert_eq!(fold("Ame\u{301}lie"), "amélie");
        assert!(matches!(nfc("Ann Lee"), Cow::Borrowed(_)));
        assert!(matches!(nfc("Amélie"), Cow::Borrowed(_)), "already NFC");
        assert_eq!(nfc("Ame\u{301}lie"), "Amélie");
        let mut buf = String::from("kept|");
        fold_into(&mut buf, "Franc\u{327}ois");
        assert_eq!(buf, "kept|françois");
    }

    #[test]
    fn list_cells_split_on_semicolons() {
        let items: Vec<_> = split_list(" BB; JM ;;TT ").collect();
        assert_eq!(items, ["BB", "JM", "TT"]);
    }
}

/// Typed text as a message may echo it: at most `max` characters (then `…`), and control and
/// format characters written as escapes (`\u{202e}`), so that what a person typed can neither
/// flood a page or a log nor forge a line of it.
pub fn shown(s: &str, max: usize) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i == max {
            out.push('…');
            break;
        }
        if c.is_control() || is_format(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// Characters that change how text is shown without being seen: zero-width joiners and
/// spaces, bidirectional controls, the byte-order mark, soft hyphens.
pub fn is_format(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{FFF0}'..='\u{FFF8}' | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0000}'..='\u{E0FFF}')
}

#[cfg(test)]
mod shown_tests {
    use super::shown;

    #[test]
    fn echoed_text_is_bounded_and_cannot_forge_a_line() {
        assert_eq!(shown("ZZ", 40), "ZZ");
        assert_eq!(shown("a\nb\u{202e}c", 40), "a\\u{a}b\\u{202e}c");
        assert_eq!(shown(&"x".repeat(100), 3), "xxx…");
    }

    #[test]
    fn unseen_characters_are_not_part_of_a_key() {
        use super::fold;
        assert_eq!(fold("Ana\u{200b} Rivera"), "ana rivera");
        assert_eq!(fold("\u{202e}Ana Rivera\u{feff}"), "ana rivera");
        // One standing alone leaves no word behind (found by the fuzzer).
        let odd = " \u{2}   \u{34f}";
        assert_eq!(fold(&fold(odd)), fold(odd));
        assert_eq!(
            crate::person::email_key("ana\u{200d}@example.org").as_deref(),
            Some("ana@example.org")
        );
    }
}
