//! Zoom's reports. A meeting's "Participants" export: with "Export with meeting data", a block
//! of meeting lines (older `Meeting ID,Topic,Start Time,...` or newer `Topic,ID,Host,...`) and a
//! blank line above the table; headers capitalised (`Name (Original Name),User Email,Join Time`)
//! or not (`Name (original name),Email,Join time`); one row per join, or with "Show unique
//! users" one per person with `Total duration (minutes)`. A webinar's "Attendee Report": sections
//! `Host Details`, `Panelist Details`, `Attendee Details`, `Other Attended`, each with its own
//! header, registrants who did not come (`Attended` `No`, times `--`), rows padded with commas.

use super::{cells, key, read_stamps, Entry, Platform, PlatformReport, ReportError, Role, Stamp};

/// Whether a line (as [`key`] gives it) is the header of a meeting's participants table.
pub(super) fn is_participants_header(line: &str) -> bool {
    line.starts_with("name (original name)")
        && (line.contains("join time") || line.contains("total duration"))
}

/// A column of a header: the first whose key starts with one of `names`.
pub(super) fn column(header: &[String], names: &[&str]) -> Option<usize> {
    header
        .iter()
        .position(|h| names.iter().any(|n| key(h).starts_with(n)))
}

fn minutes(cell: Option<&String>) -> Option<i64> {
    cell.and_then(|c| c.trim().parse::<f64>().ok())
        .filter(|m| m.is_finite() && *m >= 0.0 && *m < 1.0e7)
        .map(|m| (m * 60.0).round() as i64)
}

pub(super) fn present(cell: Option<&String>) -> Option<String> {
    cell.map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty() && c != "--")
}

/// A row as read, before its times are: the entry and the texts of its times.
pub(super) struct Raw {
    pub(super) entry: Entry,
    pub(super) joined: Option<String>,
    pub(super) left: Option<String>,
}

/// Reads the texts of all the times at once (the day/month order is the file's), into the
/// entries; the meeting's start and end among them.
pub(super) fn with_times(
    platform: Platform,
    said: String,
    raws: Vec<Raw>,
    start: Option<String>,
    end: Option<String>,
) -> Result<PlatformReport, ReportError> {
    let mut texts: Vec<&str> = Vec::new();
    for t in [&start, &end].into_iter().flatten() {
        texts.push(t);
    }
    for r in &raws {
        for t in [&r.joined, &r.left].into_iter().flatten() {
            texts.push(t);
        }
    }
    let stamps = read_stamps(&texts, None).map_err(|m| {
        let line = raws.first().map_or(1, |r| r.entry.line);
        ReportError::at(line, m)
    })?;
    let mut it = stamps.into_iter();
    let mut next = |t: &Option<String>| -> Option<Stamp> { t.as_ref().and_then(|_| it.next()) };
    let start = next(&start);
    let end = next(&end);
    let mut entries = Vec::with_capacity(raws.len());
    for r in raws {
        let mut e = r.entry;
        e.joined = next(&r.joined);
        e.left = next(&r.left);
        if let (Some(j), Some(l)) = (e.joined, e.left) {
            if l < j {
                return Err(ReportError::at(e.line, "the person left before joining"));
            }
        }
        entries.push(e);
    }
    Ok(PlatformReport {
        platform,
        said,
        start,
        end,
        entries,
    })
}

/// A meeting's participants report.
pub(super) fn meeting(text: &str) -> Result<PlatformReport, ReportError> {
    let lines: Vec<&str> = text.lines().collect();
    let Some(at) = lines.iter().position(|l| is_participants_header(&key(l))) else {
        return Err(ReportError::at(
            1,
            "no participants table (its header starts \"Name (Original Name)\")",
        ));
    };
    // The meeting's own lines above the table: its header and its values.
    let (mut start, mut end, mut host_email, mut host_name) = (None, None, None, None);
    let above: Vec<(usize, &str)> = lines[..at]
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| (i, *l))
        .collect();
    for pair in above.windows(2) {
        let head = cells(pair[0].1);
        if !head.iter().any(|h| key(h) == "start time") {
            continue;
        }
        let values = cells(pair[1].1);
        let at_col = |names: &[&str]| column(&head, names).and_then(|i| values.get(i)).cloned();
        start = at_col(&["start time"]).filter(|v| !v.is_empty());
        end = at_col(&["end time"]).filter(|v| !v.is_empty());
        host_email = at_col(&["user email"]).filter(|v| v.contains('@'));
        // The newer block's host may be written "Name (e-mail)".
        let host = at_col(&["host"]).filter(|v| !v.is_empty());
        match host
            .as_deref()
            .and_then(|h| h.strip_suffix(')')?.rsplit_once(" ("))
        {
            Some((name, email)) if email.contains('@') => {
                host_name = Some(name.trim().to_string());
                host_email = host_email.or_else(|| Some(email.trim().to_string()));
            }
            _ => host_name = host,
        }
    }
    let header = cells(lines[at]);
    let name = column(&header, &["name"]).unwrap_or(0);
    let email = column(&header, &["user email", "email"]);
    let joined = column(&header, &["join time"]);
    let left = column(&header, &["leave time"]);
    let duration = column(&header, &["duration", "total duration"]);
    let waiting = column(&header, &["in waiting room"]);
    let unique = header.iter().any(|h| key(h).starts_with("total duration"));
    let mut raws = Vec::new();
    for (i, line) in lines.iter().enumerate().skip(at + 1) {
        if line.trim().is_empty() {
            continue;
        }
        let row = cells(line);
        let get = |c: Option<usize>| c.and_then(|c| row.get(c));
        let name = row.get(name).cloned().unwrap_or_default();
        if name.is_empty() {
            continue;
        }
        let email = present(get(email)).filter(|e| e.contains('@'));
        let facilitator = match (&email, &host_email) {
            (Some(e), Some(h)) => e.eq_ignore_ascii_case(h),
            _ => host_name.as_deref() == Some(name.as_str()),
        };
        raws.push(Raw {
            entry: Entry {
                line: i + 1,
                name,
                email,
                upn: None,
                role: if facilitator {
                    Role::Facilitator
                } else {
                    Role::Participant
                },
                joined: None,
                left: None,
                seconds: minutes(get(duration)),
                waiting: present(get(waiting)).is_some_and(|w| key(&w) == "yes"),
                absent: false,
            },
            joined: present(get(joined)),
            left: present(get(left)),
        });
    }
    let passed_over = above.len();
    let said = format!(
        "read as {}{}{}",
        Platform::Zoom.report_name(),
        if unique { " (one row per person)" } else { "" },
        match passed_over {
            0 => String::new(),
            1 => ", 1 meeting line passed over".to_string(),
            n => format!(", {n} meeting lines passed over"),
        }
    );
    with_times(Platform::Zoom, said, raws, start, end)
}

/// A webinar's attendee report.
pub(super) fn webinar(text: &str) -> Result<PlatformReport, ReportError> {
    let lines: Vec<&str> = text.lines().collect();
    let (mut start, mut duration) = (None, None);
    let mut raws = Vec::new();
    let mut section: Option<(Role, Vec<String>)> = None;
    let mut expect_header: Option<Role> = None;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        i += 1;
        if line.trim().is_empty() {
            continue;
        }
        let row = cells(line);
        let first = row.first().map(|c| key(c)).unwrap_or_default();
        let role = match first.as_str() {
            "host details" | "panelist details" => Some(Role::Facilitator),
            "attendee details" | "other attended" => Some(Role::Participant),
            _ => None,
        };
        if let Some(role) = role {
            expect_header = Some(role);
            section = None;
            continue;
        }
        if let Some(role) = expect_header.take() {
            section = Some((role, row));
            continue;
        }
        if row.iter().any(|h| key(h) == "actual start time") {
            if let Some(values) = lines.get(i).map(|l| cells(l)) {
                let at = |names: &[&str]| column(&row, names).and_then(|c| values.get(c)).cloned();
                start = at(&["actual start time"]).filter(|v| !v.is_empty());
                duration = minutes(at(&["actual duration"]).as_ref());
                i += 1;
            }
            continue;
        }
        let Some((role, header)) = &section else {
            continue;
        };
        let get = |names: &[&str]| column(header, names).and_then(|c| row.get(c));
        let name = get(&["user name", "name"]).cloned().unwrap_or_default();
        if name.is_empty() {
            continue;
        }
        let attended = get(&["attended"]).map(|a| key(a));
        raws.push(Raw {
            entry: Entry {
                line: i,
                name,
                email: present(get(&["email"])).filter(|e| e.contains('@')),
                upn: None,
                role: *role,
                joined: None,
                left: None,
                seconds: minutes(get(&["time in session"])),
                waiting: false,
                absent: attended.as_deref() == Some("no"),
            },
            joined: present(get(&["join time"])),
            left: present(get(&["leave time"])),
        });
    }
    if raws.is_empty() {
        return Err(ReportError::at(
            1,
            "no attendee rows under \"Attendee Details\"",
        ));
    }
    let said = format!("read as {}", Platform::ZoomWebinar.report_name());
    let mut report = with_times(Platform::ZoomWebinar, said, raws, start, None)?;
    // The webinar ends its duration after it started.
    if let (Some(s), Some(d)) = (report.start, duration) {
        let end = s.local_seconds() + d;
        let days = end.div_euclid(86_400);
        let (y, m, dd) = cadre_core::date::civil_from_days(days);
        report.end = cadre_core::Date::new(y as i32, m, dd)
            .ok()
            .map(|date| Stamp {
                date,
                seconds: end.rem_euclid(86_400) as u32,
            });
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::super::{decode, read, recognise, Platform, Role};

    /// A meeting's participants, exported "with meeting data" in the older form: a host, a
    /// guest without e-mail, a person who rejoined, one with a phone alongside, one in the
    /// waiting room first; UTF-8 with a byte-order mark, CRLF, as Zoom writes it.
    fn older() -> Vec<u8> {
        let text = "Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants\r\n\
            812 3456 7890,Financial Investigations,11/19/2021 9:50:02 AM,11/19/2021 12:05:11 PM,host@agency.example,136,5\r\n\
            \r\n\
            Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest,Recording Consent\r\n\
            Training Host,host@agency.example,11/19/2021 9:50:02 AM,11/19/2021 12:05:11 PM,136,No,\r\n\
            \"Persaud, Chantal (Chantal P.)\",chantal@gov.example,11/19/2021 9:54:15 AM,11/19/2021 10:30:00 AM,36,No,Y\r\n\
            \"Persaud, Chantal (Chantal P.)\",chantal@gov.example,11/19/2021 10:35:00 AM,11/19/2021 12:01:00 PM,87,No,Y\r\n\
            iPhone of Dev,,11/19/2021 10:00:00 AM,11/19/2021 11:00:00 AM,60,Yes,\r\n";
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend_from_slice(text.as_bytes());
        bytes
    }

    #[test]
    fn a_meeting_report_is_recognised_and_read_with_its_meeting_lines() {
        let text = decode(&older()).unwrap();
        assert_eq!(recognise(&text), Some(Platform::Zoom));
        let r = read(&text, None).unwrap();
        assert_eq!(
            r.said,
            "read as a Zoom meeting participants report, 2 meeting lines passed over"
        );
        assert_eq!(r.entries.len(), 4);
        assert_eq!(r.entries[0].role, Role::Facilitator, "the host");
        assert_eq!(r.entries[1].name, "Persaud, Chantal (Chantal P.)");
        assert_eq!(r.entries[1].email.as_deref(), Some("chantal@gov.example"));
        assert_eq!(r.entries[1].seconds, Some(36 * 60));
        assert_eq!(r.entries[3].email, None, "a guest without e-mail");
        let start = r.start.unwrap();
        assert_eq!(start.seconds, 9 * 3600 + 50 * 60 + 2);
        assert_eq!(
            r.entries[1].joined.unwrap().seconds,
            9 * 3600 + 54 * 60 + 15
        );
        assert_eq!(r.entries[2].left.unwrap().seconds, 12 * 3600 + 60);
        assert_eq!(r.entries[1].line, 6, "the line in the file");
    }

    #[test]
    fn the_newer_lower_case_form_with_a_waiting_room_and_day_first_times() {
        let text = "Topic,ID,Host,Duration (minutes),Start time,End time,Participants\n\
            Border Security,812 3456 7890,Training Host,90,15/08/2022 09:00,15/08/2022 10:30,2\n\
            \n\
            Name (original name),Email,Join time,Leave time,Duration (minutes),Guest,Recording disclaimer response,In waiting room\n\
            Training Host,,15/08/2022 08:58,15/08/2022 10:30,92,No,,No\n\
            Ana Lee,ana@gov.example,15/08/2022 08:55,15/08/2022 09:01,6,No,OK,Yes\n\
            Ana Lee,ana@gov.example,15/08/2022 09:01,15/08/2022 10:29,88,No,OK,No\n";
        let r = read(text, None).unwrap();
        assert_eq!(r.entries[0].role, Role::Facilitator, "named as the host");
        assert!(r.entries[1].waiting && !r.entries[2].waiting);
        assert_eq!(r.start.unwrap().date.day, 15);
        assert_eq!(r.end.unwrap().seconds, 10 * 3600 + 30 * 60);
        // A host written "Name (e-mail)" is known by either.
        let with_email = text.replace(
            ",Training Host,90,",
            ",Training Host (host@agency.example),90,",
        );
        let r = read(&with_email, None).unwrap();
        assert_eq!(r.entries[0].role, Role::Facilitator);
        assert_eq!(r.entries[1].role, Role::Participant);
    }

    #[test]
    fn a_webinar_report_keeps_hosts_panelists_and_registrants_apart() {
        let text = "Attendee Report,\n\
            Report Generated:,\"Mar 29, 2020 10:00:00\",\n\
            Topic,Webinar ID,Actual Start Time,Actual Duration (minutes),# Registered,# Cancelled,Unique Viewers,Total Users,Max Concurrent Views,\n\
            Budget Briefing,123 456 789,\"Mar 28, 2020 08:00:00\",90,40,0,30,35,28,\n\
            Host Details,\n\
            Attended,User Name (Original Name),Email,Join Time,Leave Time,Time in Session (minutes),Country/Region Name,\n\
            Yes,Training Host,host@agency.example,\"Mar 28, 2020 07:55:00\",\"Mar 28, 2020 09:35:00\",100,Trinidad and Tobago,\n\
            Panelist Details,\n\
            Attended,User Name (Original Name),Email,Join Time,Leave Time,Time in Session (minutes),Country/Region Name,\n\
            Yes,Panel One,p1@partner.example,\"Mar 28, 2020 07:59:00\",\"Mar 28, 2020 09:30:00\",91,Jamaica,\n\
            Attendee Details,\n\
            Attended,User Name (Original Name),First Name,Last Name,Email,Registration Time,Approval Status,Join Time,Leave Time,Time in Session (minutes),Is Guest,Country/Region Name,\n\
            Yes,Jane Doe,Jane,Doe,jane@gov.example,\"Mar 20, 2020 10:00:00\",approved,\"Mar 28, 2020 08:07:27\",\"Mar 28, 2020 09:30:00\",83,No,Jamaica,\n\
            No,Absent Person,Absent,Person,absent@gov.example,\"Mar 20, 2020 11:00:00\",approved,--,--,--,No,,\n\
            Other Attended,\n\
            User Name (Original Name),Email,Join Time,Leave Time,Time in Session (minutes),Country/Region Name,\n";
        assert_eq!(recognise(text), Some(Platform::ZoomWebinar));
        let r = read(text, None).unwrap();
        let roles: Vec<(&str, Role, bool)> = r
            .entries
            .iter()
            .map(|e| (e.name.as_str(), e.role, e.absent))
            .collect();
        assert_eq!(
            roles,
            [
                ("Training Host", Role::Facilitator, false),
                ("Panel One", Role::Facilitator, false),
                ("Jane Doe", Role::Participant, false),
                ("Absent Person", Role::Participant, true),
            ]
        );
        assert_eq!(r.entries[3].joined, None);
        assert_eq!(r.entries[2].joined.unwrap().seconds, 8 * 3600 + 7 * 60 + 27);
        assert_eq!(
            r.end.unwrap().seconds,
            9 * 3600 + 30 * 60,
            "started 8:00, 90 minutes"
        );
    }

    #[test]
    fn what_is_not_a_platform_report_is_said_so() {
        assert_eq!(recognise("code,title\nA,B\n"), None);
        assert!(read("code,title\nA,B\n", None).is_err());
        let bad = "Name (Original Name),User Email,Join Time,Leave Time\nA,,11/19/2021 10:00:00 AM,11/19/2021 9:00:00 AM\n";
        assert_eq!(read(bad, None).unwrap_err().line, 2);
    }
}
