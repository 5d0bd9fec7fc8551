//! Microsoft Teams' attendance report: UTF-16LE with a byte-order mark and TAB-separated
//! despite its `.csv` name (a copy saved again by Excel may be UTF-8 and comma-separated);
//! numbered sections `1. Summary` (key and value lines), `2. Participants` (one row a person:
//! first join, last leave, time in the meeting, e-mail, UPN, role) and `3. In-Meeting
//! Activities` (one row a join), `4. Meeting Engagement` passed over. Durations as `1h 2m 10s`,
//! times as `2/7/26, 10:00:00 AM` in the organiser's locale. Organisers run the meeting;
//! presenters do not count as such (Teams makes everyone a presenter unless told otherwise).

use super::zoom::{column, present, with_times, Raw};
use super::{cells_split, key, Entry, Platform, PlatformReport, ReportError, Role};

/// Whether a line (as [`key`] gives it) can only be a Teams report's: a section title or the
/// participants' header with its UPN column.
pub(super) fn is_teams_line(line: &str) -> bool {
    line.starts_with("1. summary")
        || line.starts_with("2. participants")
        || line.starts_with("3. in-meeting activities")
        || line.contains("participant id (upn)")
}

/// The number of a section title (`2. Participants` is 2), in any language.
fn section_number(line: &str) -> Option<u8> {
    let t = line.trim();
    let (n, rest) = t.split_once(". ")?;
    let n: u8 = n.parse().ok()?;
    (1..=9)
        .contains(&n)
        .then_some(n)
        .filter(|_| !rest.trim().is_empty() && !rest.contains('\t'))
}

pub(super) fn report(text: &str) -> Result<PlatformReport, ReportError> {
    let delimiter = if text.lines().take(40).any(|l| l.contains('\t')) {
        b'\t'
    } else {
        b','
    };
    let lines: Vec<&str> = text.lines().collect();
    let (mut start, mut end) = (None, None);
    // Section 2's rows and section 3's, each with its header.
    let mut people: Vec<(usize, Vec<String>)> = Vec::new();
    let mut joins: Vec<(usize, Vec<String>)> = Vec::new();
    let (mut people_header, mut joins_header) = (Vec::new(), Vec::new());
    let mut section = 0u8;
    let mut header_due = false;
    for (i, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        if let Some(n) = section_number(line) {
            section = n;
            header_due = n != 1;
            continue;
        }
        let row = cells_split(line, delimiter);
        if header_due {
            header_due = false;
            match section {
                2 => people_header = row,
                3 => joins_header = row,
                _ => {}
            }
            continue;
        }
        match section {
            1 => match row.first().map(|k| key(k)).as_deref() {
                Some("start time") => start = row.get(1).cloned(),
                Some("end time") => end = row.get(1).cloned(),
                _ => {}
            },
            2 => people.push((i + 1, row)),
            3 => joins.push((i + 1, row)),
            _ => {}
        }
    }
    if people.is_empty() && joins.is_empty() {
        return Err(ReportError::at(
            1,
            "no participants under \"2. Participants\"",
        ));
    }
    // The UPN of each person, from section 2 (section 3 does not repeat it).
    let upn_of = |name: &str, email: &Option<String>| -> Option<String> {
        let n = column(&people_header, &["name"])?;
        let e = column(&people_header, &["email"]);
        let u = column(&people_header, &["participant id"])?;
        people
            .iter()
            .find(|(_, r)| {
                r.get(n).map(String::as_str) == Some(name)
                    && e.and_then(|e| present(r.get(e))) == *email
            })
            .and_then(|(_, r)| present(r.get(u)))
    };
    let organiser = |role: Option<String>| {
        role.is_some_and(|r| {
            let r = key(&r);
            r == "organizer" || r == "organiser" || r == "co-organizer" || r == "organizador"
        })
    };
    let mut raws = Vec::new();
    // One row a join where section 3 gives them, else one a person.
    let (rows, header, join_names, leave_names, duration_names): (_, _, &[&str], &[&str], &[&str]) =
        if joins.is_empty() {
            (
                &people,
                &people_header,
                &["first join"],
                &["last leave"],
                &["in-meeting duration"],
            )
        } else {
            (
                &joins,
                &joins_header,
                &["join time"],
                &["leave time"],
                &["duration"],
            )
        };
    for (line, row) in rows {
        let get = |names: &[&str]| column(header, names).and_then(|c| row.get(c));
        let name = get(&["name"]).cloned().unwrap_or_default();
        if name.is_empty() {
            continue;
        }
        let email = present(get(&["email"])).filter(|e| e.contains('@'));
        let upn = present(get(&["participant id"])).or_else(|| upn_of(&name, &email));
        raws.push(Raw {
            entry: Entry {
                line: *line,
                upn,
                role: if organiser(present(get(&["role"]))) {
                    Role::Facilitator
                } else {
                    Role::Participant
                },
                name,
                email,
                joined: None,
                left: None,
                seconds: present(get(duration_names))
                    .and_then(|d| cadre_core::presence::parse_duration(&d)),
                waiting: false,
                absent: false,
            },
            joined: present(get(join_names)),
            left: present(get(leave_names)),
        });
    }
    let said = format!(
        "read as {}{}",
        Platform::Teams.report_name(),
        if joins.is_empty() {
            ", one row a person (no \"3. In-Meeting Activities\")"
        } else {
            ", each join from \"3. In-Meeting Activities\""
        }
    );
    with_times(Platform::Teams, said, raws, start, end)
}

#[cfg(test)]
mod tests {
    use super::super::{decode, read, recognise, Platform, Role};

    /// A report as Teams writes it: UTF-16LE with its byte-order mark, TABs, CRLF, a person who
    /// dropped and rejoined, a guest without e-mail, the organiser, two-digit years.
    fn export() -> Vec<u8> {
        let text = "1. Summary\r\n\
            Meeting title\tBorder Security Briefing\r\n\
            Attended participants\t3\r\n\
            Start time\t2/17/26, 10:00:00 AM\r\n\
            End time\t2/17/26, 11:00:00 AM\r\n\
            Meeting duration\t1h\r\n\
            Average attendance time\t45m 10s\r\n\
            \r\n\
            2. Participants\r\n\
            Name\tFirst Join\tLast Leave\tIn-Meeting Duration\tEmail\tParticipant ID (UPN)\tRole\r\n\
            Training Organiser\t2/17/26, 9:58:00 AM\t2/17/26, 11:00:00 AM\t1h 2m\torg@agency.example\torg@agency.example\tOrganizer\r\n\
            \"Goliath, David\"\t2/17/26, 10:01:00 AM\t2/17/26, 10:59:00 AM\t52m 30s\tdavid@gov.example\tdgoliath@gov.onmicrosoft.example\tPresenter\r\n\
            Guest Caller (Unverified)\t2/17/26, 10:05:00 AM\t2/17/26, 10:20:00 AM\t15m\t\t\tAttendee\r\n\
            \r\n\
            3. In-Meeting Activities\r\n\
            Name\tJoin Time\tLeave Time\tDuration\tEmail\tRole\r\n\
            Training Organiser\t2/17/26, 9:58:00 AM\t2/17/26, 11:00:00 AM\t1h 2m\torg@agency.example\tOrganizer\r\n\
            \"Goliath, David\"\t2/17/26, 10:01:00 AM\t2/17/26, 10:30:00 AM\t29m\tdavid@gov.example\tPresenter\r\n\
            \"Goliath, David\"\t2/17/26, 10:35:30 AM\t2/17/26, 10:59:00 AM\t23m 30s\tdavid@gov.example\tPresenter\r\n\
            Guest Caller (Unverified)\t2/17/26, 10:05:00 AM\t2/17/26, 10:20:00 AM\t15m\t\tAttendee\r\n";
        let mut bytes = vec![0xFF, 0xFE];
        for unit in text.encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        bytes
    }

    #[test]
    fn a_teams_report_is_read_from_utf16_tabs_with_each_join() {
        let text = decode(&export()).unwrap();
        assert_eq!(recognise(&text), Some(Platform::Teams));
        let r = read(&text, None).unwrap();
        assert!(r.said.contains("each join"), "{}", r.said);
        assert_eq!(r.entries.len(), 4);
        assert_eq!(r.entries[0].role, Role::Facilitator, "the organiser");
        assert_eq!(
            r.entries[1].role,
            Role::Participant,
            "a presenter is not one"
        );
        assert_eq!(r.entries[1].name, "Goliath, David");
        assert_eq!(
            r.entries[1].upn.as_deref(),
            Some("dgoliath@gov.onmicrosoft.example"),
            "the UPN from the participants' section"
        );
        assert_eq!(r.entries[2].seconds, Some(23 * 60 + 30));
        assert_eq!(r.entries[3].email, None);
        let start = r.start.unwrap();
        assert_eq!(
            (start.date.year, start.date.month, start.date.day),
            (2026, 2, 17)
        );
        // The 7th of February reads either way: the file alone cannot say, and the reader asks.
        let ambiguous = text.replace("2/17/26", "2/7/26");
        assert!(read(&ambiguous, None)
            .unwrap_err()
            .message
            .contains("say which"));
        assert_eq!(
            r.entries[2].joined.unwrap().seconds,
            10 * 3600 + 35 * 60 + 30
        );
    }

    #[test]
    fn without_its_activities_one_row_a_person_and_a_copy_saved_by_excel() {
        // Opened in Excel and saved again: UTF-8, commas; no section 3.
        let text = String::from_utf16_lossy(
            &export()[2..]
                .chunks(2)
                .map(|b| u16::from_le_bytes([b[0], b[1]]))
                .collect::<Vec<_>>(),
        );
        // Excel quotes a cell that holds a comma ("2/17/26, 9:58:00 AM") when it writes commas.
        let quoted = |c: &str| {
            if c.contains(',') && !c.starts_with('"') {
                format!("\"{c}\"")
            } else {
                c.to_string()
            }
        };
        let people_only: String = text
            .split("3. In-Meeting")
            .next()
            .unwrap()
            .lines()
            .map(|l| l.split('\t').map(quoted).collect::<Vec<_>>().join(","))
            .collect::<Vec<_>>()
            .join("\n");
        let r = read(&people_only, Some(Platform::Teams)).unwrap();
        assert!(r.said.contains("one row a person"), "{}", r.said);
        assert_eq!(r.entries.len(), 3);
        assert_eq!(r.entries[1].seconds, Some(52 * 60 + 30));
    }
}
