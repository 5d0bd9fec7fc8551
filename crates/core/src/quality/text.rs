//! The form of a text compared by the rules that find the same words twice: case, accents,
//! punctuation and runs of space do not count, so a paragraph pasted again with a comma less
//! or retyped with other quotes is still the same paragraph.

/// The words of a text, lower case, without accents, separated by one space.
pub fn words_key(s: &str) -> String {
    let folded = crate::text::search_key(s);
    let mut out = String::with_capacity(folded.len());
    for word in folded.split(|c: char| !c.is_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::words_key;

    #[test]
    fn case_accents_punctuation_and_spacing_do_not_count() {
        assert_eq!(
            words_key("  The training, on “Maritime”  Security. "),
            words_key("the training on \"maritime\" security")
        );
        assert_eq!(words_key("Sécurité"), "securite");
        assert_ne!(
            words_key("Fifty (50) participants"),
            words_key("Fifty participants")
        );
        assert_eq!(words_key("— ,. "), "");
    }
}
