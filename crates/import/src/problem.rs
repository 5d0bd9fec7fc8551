//! A problem with a file's content, located to the cell.

use std::fmt;

/// How many problems one import reports before it stops listing them.
pub const MAX_PROBLEMS: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    /// 1-based line (CSV) or row (XLSX); the header is line 1.
    pub line: usize,
    /// 1-based column, where the problem lies in one cell.
    pub column: Option<usize>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.column {
            Some(c) => write!(f, "{}:{}:{}: {}", self.file, self.line, c, self.message),
            None => write!(f, "{}:{}: {}", self.file, self.line, self.message),
        }
    }
}

/// The problems of one import, capped at [`MAX_PROBLEMS`] with a count of the rest.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problems {
    pub list: Vec<Problem>,
    /// Problems found beyond the cap, counted but not kept.
    pub more: usize,
}

impl Problems {
    pub fn push(&mut self, p: Problem) {
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
