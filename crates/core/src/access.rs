//! Who may do what with the records: the roles an account holds, the countries or partners it
//! is scoped to, and the rules that say, for one action on one record, whether it is allowed
//! and how much of it may be shown. Pure, so that the application layer asks the same question
//! for the command line, the pages and the API, and every answer is tested here without IO.

use std::collections::BTreeSet;
use std::fmt;

use crate::text::search_key;

/// The roles of an account, by the names `cadre user add --role` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Users, settings, everything.
    Admin,
    /// All records, imports and merges.
    Coordinator,
    /// Reports and trainings, never a name or an e-mail.
    Viewer,
    /// A member state's focal point: their own country's officers by name, others in totals.
    FocalPoint,
    /// A partner agency: the trainings it delivered (and its programmes'), read, with
    /// corrections proposed for a coordinator to accept.
    Partner,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Coordinator,
        Role::Viewer,
        Role::FocalPoint,
        Role::Partner,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Coordinator => "coordinator",
            Role::Viewer => "viewer",
            Role::FocalPoint => "focal-point",
            Role::Partner => "partner",
        }
    }

    pub fn parse(s: &str) -> Result<Role, AccessError> {
        let s = s.trim().to_ascii_lowercase().replace('_', "-");
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| AccessError::UnknownRole(s.to_string()))
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an account may act as: its role and the scope the role needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub role: Role,
    /// ISO codes of the countries a focal point answers for.
    pub countries: BTreeSet<String>,
    /// Short names of the partner agencies a partner account speaks for.
    pub partners: BTreeSet<String>,
}

/// Why a grant cannot be made as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccessError {
    #[error("unknown role \"{0}\": use admin, coordinator, viewer, focal-point or partner")]
    UnknownRole(String),
    #[error("a focal point answers for at least one country: name it with --country")]
    NoCountry,
    #[error("a partner account speaks for at least one partner: name it with --partner")]
    NoPartner,
    #[error("only a focal point is scoped to countries, and only a partner to partners")]
    ScopeNotForRole,
}

impl Grant {
    /// A grant, checked: a focal point names its countries, a partner its partners, and no
    /// other role carries a scope (it would read as a limit that is not applied).
    pub fn new(
        role: Role,
        countries: impl IntoIterator<Item = String>,
        partners: impl IntoIterator<Item = String>,
    ) -> Result<Grant, AccessError> {
        let countries: BTreeSet<String> = countries
            .into_iter()
            .map(|c| c.trim().to_ascii_uppercase())
            .filter(|c| !c.is_empty())
            .collect();
        let partners: BTreeSet<String> = partners
            .into_iter()
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .collect();
        match role {
            Role::FocalPoint if countries.is_empty() => return Err(AccessError::NoCountry),
            Role::Partner if partners.is_empty() => return Err(AccessError::NoPartner),
            Role::FocalPoint if !partners.is_empty() => return Err(AccessError::ScopeNotForRole),
            Role::Partner if !countries.is_empty() => return Err(AccessError::ScopeNotForRole),
            Role::Admin | Role::Coordinator | Role::Viewer
                if !countries.is_empty() || !partners.is_empty() =>
            {
                return Err(AccessError::ScopeNotForRole)
            }
            _ => {}
        }
        Ok(Grant {
            role,
            countries,
            partners,
        })
    }

    /// An unscoped grant of a role that needs no scope.
    pub fn plain(role: Role) -> Grant {
        Grant {
            role,
            countries: BTreeSet::new(),
            partners: BTreeSet::new(),
        }
    }
}

/// What someone asks to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Read a published report.
    ReadPublished,
    /// Read reports of any period, the dashboard, trainings' facts and figures.
    ReadReports,
    /// Create, change or delete a training, session, partner or participant.
    EditRecords,
    /// Import a sheet.
    Import,
    /// Merge two records of one person.
    Merge,
    /// Propose a correction to a training, for a coordinator to accept or reject.
    ProposeCorrection,
    /// Accept or reject a proposed correction.
    ReviewCorrection,
    /// Freeze a period's report and publish it.
    Publish,
    /// Submit a period's figures for approval.
    SubmitPeriod,
    /// Approve a submitted period (its trainings are then locked), or reopen an approved one.
    ApprovePeriod,
    /// Add, change, disable users; settings; the audit trail.
    ManageUsers,
    /// Everything held about one person (export), or their identity removed (erase).
    PersonalData,
}

/// Who is asking: an account's grant, or no one signed in.
pub type Who<'a> = Option<&'a Grant>;

/// Whether `who` may do `action` at all (before any record's scope is looked at).
pub fn may(who: Who<'_>, action: Action) -> bool {
    let Some(grant) = who else {
        return action == Action::ReadPublished;
    };
    use Action::*;
    match grant.role {
        Role::Admin => true,
        Role::Coordinator => {
            !matches!(action, ManageUsers | Publish | PersonalData | ApprovePeriod)
        }
        Role::Viewer | Role::FocalPoint => matches!(action, ReadPublished | ReadReports),
        Role::Partner => matches!(action, ReadPublished | ReadReports | ProposeCorrection),
    }
}

/// How much of a participant may be shown to `who`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Sight {
    /// Only counted: no name, e-mail, organisation or department of theirs.
    Counted,
    /// Names and details.
    Named,
}

/// How much of a participant of this country (as recorded, `None` when not) `who` may see.
/// A focal point sees their own country's officers by name and everyone else only in totals;
/// a viewer and a partner never see a name; a participant of no recorded country is named
/// only to those who see every name.
pub fn sees_participant(who: Who<'_>, country: Option<&str>) -> Sight {
    let Some(grant) = who else {
        return Sight::Counted;
    };
    match grant.role {
        Role::Admin | Role::Coordinator => Sight::Named,
        Role::FocalPoint => match country {
            Some(c) if grant.countries.contains(&c.trim().to_ascii_uppercase()) => Sight::Named,
            _ => Sight::Counted,
        },
        Role::Viewer | Role::Partner => Sight::Counted,
    }
}

/// A training's partners as the scope rule needs them: each partner or funder named on it,
/// with the agency it is a programme of, if any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrainingPartners<'a> {
    /// (partner's name or short name, its parent agency's name or short name).
    pub named: Vec<(&'a str, Option<&'a str>)>,
}

/// Whether `who` may read this training at all. Everyone signed in may, except a partner
/// account, which reads the trainings its agencies delivered or funded, a parent agency's
/// account including its programmes'. Names are compared without case or accents.
pub fn sees_training(who: Who<'_>, partners: &TrainingPartners<'_>) -> bool {
    let Some(grant) = who else {
        return false;
    };
    if grant.role != Role::Partner {
        return true;
    }
    let mine: BTreeSet<String> = grant.partners.iter().map(|p| search_key(p)).collect();
    partners.named.iter().any(|(name, parent)| {
        mine.contains(&search_key(name)) || parent.is_some_and(|p| mine.contains(&search_key(p)))
    })
}

/// The partners whose trainings a partner account reads, by the names trainings carry: each
/// partner the grant names (by name or short name), and every programme whose parent it names.
/// Names are compared as [`search_key`]s.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PartnerScope {
    keys: BTreeSet<String>,
}

impl PartnerScope {
    /// The scope of a partner grant over the partners on record (name, short name, parent's
    /// name); `None` for a grant that reads every training.
    pub fn of<'a>(
        grant: &Grant,
        partners: impl IntoIterator<Item = (&'a str, Option<&'a str>, Option<&'a str>)>,
    ) -> Option<PartnerScope> {
        if grant.role != Role::Partner {
            return None;
        }
        Some(PartnerScope::named(
            grant.partners.iter().map(String::as_str),
            partners,
        ))
    }

    /// The partners these names (canonical or short) name, and their programmes: what a
    /// partner account reads, and what a filter by partner finds.
    pub fn named<'a, 'b>(
        names: impl IntoIterator<Item = &'b str>,
        partners: impl IntoIterator<Item = (&'a str, Option<&'a str>, Option<&'a str>)>,
    ) -> PartnerScope {
        let mine: BTreeSet<String> = names.into_iter().map(search_key).collect();
        let partners: Vec<_> = partners.into_iter().collect();
        // The agencies named, then their programmes (a parent is named by its canonical name).
        let mut keys: BTreeSet<String> = mine.clone();
        let mut named: BTreeSet<String> = BTreeSet::new();
        for (name, short, _) in &partners {
            if mine.contains(&search_key(name))
                || short.is_some_and(|s| mine.contains(&search_key(s)))
            {
                keys.insert(search_key(name));
                named.insert(search_key(name));
            }
        }
        for (name, _, parent) in &partners {
            if parent
                .is_some_and(|p| mine.contains(&search_key(p)) || named.contains(&search_key(p)))
            {
                keys.insert(search_key(name));
            }
        }
        PartnerScope { keys }
    }

    /// Whether a training with these partners and funders is in the scope.
    pub fn covers<'a>(&self, names: impl IntoIterator<Item = &'a String>) -> bool {
        names
            .into_iter()
            .any(|n| self.keys.contains(&search_key(n)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(role: Role, countries: &[&str], partners: &[&str]) -> Grant {
        Grant::new(
            role,
            countries.iter().map(|c| c.to_string()),
            partners.iter().map(|p| p.to_string()),
        )
        .unwrap()
    }

    #[test]
    fn a_partner_reads_its_own_and_its_programmes_trainings() {
        let partners = [
            (
                "United Nations Office on Drugs and Crime",
                Some("UNODC"),
                None,
            ),
            (
                "UNODC Global Programme against Money Laundering",
                Some("UNODC-GPML"),
                Some("United Nations Office on Drugs and Crime"),
            ),
            ("United States Department of State", Some("US DoS"), None),
        ];
        let unodc = PartnerScope::of(&grant(Role::Partner, &[], &["unodc"]), partners).unwrap();
        let gpml = PartnerScope::of(&grant(Role::Partner, &[], &["UNODC-GPML"]), partners).unwrap();
        let name = |s: &str| vec![s.to_string()];
        assert!(unodc.covers(&name("United Nations Office on Drugs and Crime")));
        assert!(unodc.covers(&name("UNODC Global Programme against Money Laundering")));
        assert!(!unodc.covers(&name("United States Department of State")));
        assert!(gpml.covers(&name("UNODC Global Programme against Money Laundering")));
        assert!(!gpml.covers(&name("United Nations Office on Drugs and Crime")));
        assert!(PartnerScope::of(&Grant::plain(Role::Viewer), partners).is_none());
    }

    #[test]
    fn roles_are_named_as_the_command_line_takes_them() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Ok(role));
        }
        assert_eq!(Role::parse(" Focal_Point "), Ok(Role::FocalPoint));
        assert!(matches!(
            Role::parse("root"),
            Err(AccessError::UnknownRole(_))
        ));
    }

    #[test]
    fn a_grant_carries_exactly_the_scope_its_role_needs() {
        assert_eq!(
            Grant::new(Role::FocalPoint, [], []),
            Err(AccessError::NoCountry)
        );
        assert_eq!(
            Grant::new(Role::Partner, [], ["  ".to_string()]),
            Err(AccessError::NoPartner)
        );
        assert_eq!(
            Grant::new(Role::Viewer, ["BB".to_string()], []),
            Err(AccessError::ScopeNotForRole)
        );
        assert_eq!(
            Grant::new(Role::FocalPoint, ["bb".to_string()], ["IOM".to_string()]),
            Err(AccessError::ScopeNotForRole)
        );
        let g = grant(Role::FocalPoint, &[" bb", "JM"], &[]);
        assert_eq!(
            g.countries.iter().map(String::as_str).collect::<Vec<_>>(),
            ["BB", "JM"]
        );
    }

    /// The table of issue 11's roles: each action, and who may do it.
    #[test]
    fn what_each_role_may_do() {
        use Action::*;
        let admin = Grant::plain(Role::Admin);
        let coordinator = Grant::plain(Role::Coordinator);
        let viewer = Grant::plain(Role::Viewer);
        let focal = grant(Role::FocalPoint, &["BB"], &[]);
        let partner = grant(Role::Partner, &[], &["IOM"]);
        let who: [(&str, Who<'_>); 6] = [
            ("admin", Some(&admin)),
            ("coordinator", Some(&coordinator)),
            ("viewer", Some(&viewer)),
            ("focal point", Some(&focal)),
            ("partner", Some(&partner)),
            ("anonymous", None),
        ];
        // admin, coordinator, viewer, focal point, partner, anonymous
        let table: [(Action, [bool; 6]); 10] = [
            (ReadPublished, [true, true, true, true, true, true]),
            (ReadReports, [true, true, true, true, true, false]),
            (EditRecords, [true, true, false, false, false, false]),
            (Import, [true, true, false, false, false, false]),
            (Merge, [true, true, false, false, false, false]),
            (ProposeCorrection, [true, true, false, false, true, false]),
            (ReviewCorrection, [true, true, false, false, false, false]),
            (Publish, [true, false, false, false, false, false]),
            (ManageUsers, [true, false, false, false, false, false]),
            (PersonalData, [true, false, false, false, false, false]),
        ];
        for (action, expected) in table {
            for ((name, w), allowed) in who.iter().zip(expected) {
                assert_eq!(may(*w, action), allowed, "{name} {action:?}");
            }
        }
    }

    #[test]
    fn a_focal_point_sees_their_own_officers_by_name_and_others_counted() {
        let focal = grant(Role::FocalPoint, &["BB"], &[]);
        assert_eq!(sees_participant(Some(&focal), Some("BB")), Sight::Named);
        assert_eq!(sees_participant(Some(&focal), Some(" bb ")), Sight::Named);
        assert_eq!(sees_participant(Some(&focal), Some("JM")), Sight::Counted);
        assert_eq!(sees_participant(Some(&focal), None), Sight::Counted);
        let coordinator = Grant::plain(Role::Coordinator);
        assert_eq!(sees_participant(Some(&coordinator), None), Sight::Named);
        assert_eq!(
            sees_participant(Some(&Grant::plain(Role::Viewer)), Some("BB")),
            Sight::Counted
        );
        let partner = grant(Role::Partner, &[], &["IOM"]);
        assert_eq!(sees_participant(Some(&partner), Some("BB")), Sight::Counted);
        assert_eq!(sees_participant(None, Some("BB")), Sight::Counted);
    }

    #[test]
    fn a_partner_reads_its_own_trainings_and_its_programmes() {
        let iom = grant(Role::Partner, &[], &["IOM"]);
        let eu = grant(Role::Partner, &[], &["Europäische Union"]);
        let delivered_by_iom = TrainingPartners {
            named: vec![("UNODC", None), ("iom", None)],
        };
        let a_programme_of_the_eu = TrainingPartners {
            named: vec![("EL PAcCTO", Some("Europaische Union"))],
        };
        assert!(sees_training(Some(&iom), &delivered_by_iom));
        assert!(!sees_training(Some(&iom), &a_programme_of_the_eu));
        assert!(sees_training(Some(&eu), &a_programme_of_the_eu));
        assert!(!sees_training(Some(&eu), &TrainingPartners::default()));
        assert!(sees_training(
            Some(&Grant::plain(Role::Viewer)),
            &TrainingPartners::default()
        ));
        assert!(!sees_training(None, &delivered_by_iom));
    }
}
