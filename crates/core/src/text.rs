//! Text folding shared by every lookup that must ignore case and stray spaces.

/// Lower-cases, trims and collapses runs of white space to one space, so that
/// "  Saint   Lucia " and "saint lucia" compare equal.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
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
