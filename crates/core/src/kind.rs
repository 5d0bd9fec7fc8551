//! The kinds of file cadre imports, and their columns.

/// The kinds of file cadre imports, named as on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Departments,
    Partners,
    Trainings,
    Sessions,
    Attendance,
    Published,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Departments,
        Kind::Partners,
        Kind::Trainings,
        Kind::Sessions,
        Kind::Attendance,
        Kind::Published,
    ];

    pub fn parse(typed: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == typed.trim())
    }

    /// The v1 columns of this kind of file.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Kind::Departments => crate::columns::DEPARTMENTS,
            Kind::Partners => crate::columns::PARTNERS,
            Kind::Trainings => crate::columns::TRAININGS,
            Kind::Sessions => crate::columns::SESSIONS,
            Kind::Attendance => crate::columns::ATTENDANCE,
            Kind::Published => crate::columns::PUBLISHED,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Departments => "departments",
            Kind::Partners => "partners",
            Kind::Trainings => "trainings",
            Kind::Sessions => "sessions",
            Kind::Attendance => "attendance",
            Kind::Published => "published",
        }
    }
}
