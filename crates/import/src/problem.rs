//! A problem with a file's content, located to the cell in the sheet's own terms.

use std::fmt;

/// How many problems one import reports before it stops listing them.
pub const MAX_PROBLEMS: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    /// 1-based line (CSV) or row (XLSX) as the editor or spreadsheet program shows it.
    pub line: usize,
    /// 1-based column, where the problem lies in one cell.
    pub column: Option<usize>,
    /// A stable name for the kind of problem (`required`, `unknown-partner`, ...): programs
    /// and forms key on it, people read `message`.
    pub code: &'static str,
    /// The cadre column (v1 name) the problem is about, when it is about one.
    pub field: Option<&'static str>,
    /// The sheet's own header of that column, when it differs from the v1 name.
    pub header: Option<String>,
    /// Whether columns are shown as letters (workbooks) or numbers (CSV).
    pub letters: bool,
    pub message: String,
    /// What the reader can do about it, said in the words of where they are (a flag on the
    /// command line, a control on the page): see [`Advice`].
    pub advice: Option<Advice>,
}

/// Advice that names a control: the command line's flag or the page's field. The message
/// itself never names either, so that each front end says it its own way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Advice {
    /// An attendance sheet without a training column: say which training its rows are of.
    NameTraining,
    /// Headers cadre does not know: map them (a proposal is there to start from).
    MapColumns,
    /// Dates that can be read day or month first: say which.
    DateOrder,
    /// A department cadre does not know.
    AddDepartment,
    /// A training code cadre does not know.
    AddTraining,
    /// A partner cadre does not know.
    AddPartner,
}

impl Advice {
    /// On the command line, of its flags.
    pub fn command_line(self) -> &'static str {
        match self {
            Advice::NameTraining => "name the training with --training CODE for a sheet of one training",
            Advice::MapColumns => "map them with --mapping MAPPING.toml (--propose-mapping writes a proposal to check and complete)",
            Advice::DateOrder => "say which with --date-order dmy or mdy (or, in the mapping, date_order, or date_orders for this column)",
            Advice::AddDepartment => "or add it with `cadre import departments`",
            Advice::AddTraining => "import it in trainings.csv first",
            Advice::AddPartner => "(on the partners page, or with `cadre import partners`)",
        }
    }

    /// What stands between the message and the advice.
    fn separator(self) -> &'static str {
        match self {
            Advice::AddDepartment => ", ",
            Advice::AddPartner => " ",
            _ => ": ",
        }
    }

    /// On the import page, of its controls.
    pub fn page(self) -> &'static str {
        match self {
            Advice::NameTraining => "choose the training of the rows under \"Training of every row\"",
            Advice::MapColumns => "choose what each column holds under \"How its columns are read\" (cadre's proposal is filled in)",
            Advice::DateOrder => "choose the order under \"Dates typed like 05/07/2021\"",
            Advice::AddDepartment => "or say what it means under \"Values cadre does not know\" (new departments come in with an import of departments)",
            Advice::AddTraining => "create the training first (New training, on the Trainings page), or choose the training of every row",
            Advice::AddPartner => "(on the Partners page)",
        }
    }
}

impl Problem {
    /// A problem of the file as a whole or of one of its lines, not of a field.
    pub fn at(file: &str, line: usize, code: &'static str, message: impl Into<String>) -> Problem {
        Problem {
            file: file.to_string(),
            line,
            column: None,
            code,
            field: None,
            header: None,
            letters: false,
            message: message.into(),
            advice: None,
        }
    }

    /// What is wrong, without the file and line: `Surname (family_name): is required`.
    pub fn reason(&self) -> String {
        let mut out = String::new();
        if let Some(c) = self.column_label() {
            out.push_str(&format!("column {c}: "));
        }
        match (self.field, &self.header) {
            (Some(field), Some(header)) => out.push_str(&format!("{header} ({field}): ")),
            (Some(field), None) => out.push_str(&format!("{field}: ")),
            (None, _) => {}
        }
        out.push_str(&self.message);
        out
    }

    /// The column as the program the file came from shows it: `C` in a workbook, `3` in a CSV.
    pub fn column_label(&self) -> Option<String> {
        self.column.map(|c| {
            if self.letters {
                column_letters(c)
            } else {
                c.to_string()
            }
        })
    }
}

/// `1` -> `A`, `27` -> `AA`, `16384` -> `XFD`.
pub fn column_letters(mut column: usize) -> String {
    let mut letters = Vec::new();
    while column > 0 {
        let rem = (column - 1) % 26;
        letters.push(b'A' + rem as u8);
        column = (column - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)?;
        if let Some(c) = self.column_label() {
            write!(f, ":{c}")?;
        }
        write!(f, ": ")?;
        match (self.field, &self.header) {
            (Some(field), Some(header)) => write!(f, "{header} ({field}): ")?,
            (Some(field), None) => write!(f, "{field}: ")?,
            (None, _) => {}
        }
        write!(f, "{}", self.message)?;
        if let Some(a) = self.advice() {
            write!(f, "{}{}", a.separator(), a.command_line())?;
        }
        Ok(())
    }
}

impl Problem {
    /// The problem as the import page says it: the file by its own name (never where the
    /// server keeps it), the advice in the page's words.
    pub fn on_page(&self, name: &str) -> String {
        let mut out = format!("{name}, line {}", self.line);
        if let Some(c) = self.column_label() {
            out.push_str(&format!(", column {c}"));
        }
        out.push_str(": ");
        match (self.field, &self.header) {
            (Some(field), Some(header)) => out.push_str(&format!("{header} ({field}): ")),
            (Some(field), None) => out.push_str(&format!("{field}: ")),
            (None, _) => {}
        }
        out.push_str(&self.message);
        if let Some(a) = self.advice() {
            out.push_str(a.separator());
            out.push_str(a.page());
        }
        out
    }

    /// The advice given, or the one its code implies (an unknown department or training is
    /// said the same way wherever it is found).
    pub fn advice(&self) -> Option<Advice> {
        self.advice.or(match self.code {
            "unknown-department" => Some(Advice::AddDepartment),
            "unknown-training" => Some(Advice::AddTraining),
            "unknown-partner" => Some(Advice::AddPartner),
            _ => None,
        })
    }
}

/// How many rows with problems are remembered by line, to set them aside.
pub const MAX_REJECTED_ROWS: usize = 100_000;

/// The problems of one import, capped at [`MAX_PROBLEMS`] with a count of the rest.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problems {
    pub list: Vec<Problem>,
    /// Problems found beyond the cap, counted but not kept.
    pub more: usize,
    /// Each line with a problem, and what was wrong with it (all its problems, `; `-joined),
    /// up to [`MAX_REJECTED_ROWS`] lines; `rows_overflow` says when there were more.
    pub rows: std::collections::BTreeMap<usize, String>,
    pub rows_overflow: bool,
    /// A problem that stopped the reading (a limit, a broken quote, an unreadable part): the
    /// rows after it were never read, so the file cannot be taken even in part.
    pub stopped: bool,
}

/// The codes of problems after which nothing more of a file is read.
pub const STOPPING: &[&str] = &["limit", "unreadable", "unclosed-quote", "row-too-long"];

impl Problems {
    pub fn one(p: Problem) -> Problems {
        let mut problems = Problems::default();
        problems.push(p);
        problems
    }

    pub fn push(&mut self, p: Problem) {
        self.stopped |= STOPPING.contains(&p.code);
        let reason = p.reason();
        let room = self.rows.len() < MAX_REJECTED_ROWS;
        match self.rows.get_mut(&p.line) {
            Some(r) => {
                if r.len() < 1000 {
                    r.push_str("; ");
                    r.push_str(&reason);
                }
            }
            None if room => {
                self.rows.insert(p.line, reason);
            }
            None => self.rows_overflow = true,
        }
        if self.list.len() < MAX_PROBLEMS {
            self.list.push(p);
        } else {
            self.more += 1;
        }
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub fn len(&self) -> usize {
        self.list.len() + self.more
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.list.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        if self.more > 0 {
            write!(f, "\n... and {} more problems not listed", self.more)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_named_as_the_program_shows_them() {
        assert_eq!(column_letters(1), "A");
        assert_eq!(column_letters(26), "Z");
        assert_eq!(column_letters(27), "AA");
        assert_eq!(column_letters(16_384), "XFD");
        let mut p = Problem::at("s.xlsx", 5, "required", "is required");
        p.column = Some(3);
        p.field = Some("family_name");
        p.header = Some("Surname".into());
        p.letters = true;
        assert_eq!(
            p.to_string(),
            "s.xlsx:5:C: Surname (family_name): is required"
        );
        p.letters = false;
        p.header = None;
        assert_eq!(p.to_string(), "s.xlsx:5:3: family_name: is required");
    }
}

#[cfg(test)]
mod advice_tests {
    use super::*;

    /// The same problem, said on the command line with its flags and commands, and on the
    /// import page with its controls and the file's own name.
    #[test]
    fn each_front_end_says_the_advice_its_own_way() {
        for (code, message) in [
            (
                "unknown-department",
                "unknown department \"Cooks\": use a name or alias from the list of departments",
            ),
            ("unknown-training", "unknown training code \"2099-99\""),
            (
                "unknown-partner",
                "unknown partner \"Nobody\": add it to the partners first",
            ),
        ] {
            let p = Problem::at(
                "/var/lib/cadre/cadre.db.uploads/0f/lista.csv",
                3,
                code,
                message,
            );
            let cli = p.to_string();
            assert!(
                cli.contains("cadre import") || cli.contains("trainings.csv"),
                "{cli}"
            );
            let page = p.on_page("lista.csv");
            assert!(page.starts_with("lista.csv, line 3: "), "{page}");
            assert!(
                !page.contains("cadre import") && !page.contains("--"),
                "{page}"
            );
            assert!(!page.contains("/var/lib"), "{page}");
        }
        let p = Problem {
            advice: Some(Advice::DateOrder),
            ..Problem::at("a.csv", 1, "date-order", "its dates can be read either way")
        };
        assert!(p.to_string().contains("--date-order dmy or mdy"));
        assert!(p.on_page("a.csv").contains("Dates typed like 05/07/2021"));
    }
}
