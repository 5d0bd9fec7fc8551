//! The agency's face: read by every page and report (no sign-in needed: the public report
//! carries it), set by an admin and kept in the audit trail.

use cadre_core::access::Action;
use cadre_core::agency::{self, Face, FaceInput};
use cadre_core::validate::FieldProblem;

use crate::{clock, Actor, App, AppError};

/// What a save does with the logo.
#[derive(Debug, Clone)]
pub enum LogoChange {
    Keep,
    Remove,
    /// The bytes of an uploaded PNG or JPEG.
    Replace(Vec<u8>),
}

impl App {
    /// The agency's face as set, or the defaults.
    pub async fn face(&self) -> Result<Face, AppError> {
        Ok(self.store.agency().await?.unwrap_or_default())
    }

    /// Sets the agency's face (admins): each problem names its field, the time zone must be
    /// one the IANA database knows, and a logo must be a PNG or JPEG that reads whole.
    pub async fn set_face(
        &self,
        actor: &Actor,
        input: &FaceInput,
        logo: LogoChange,
    ) -> Result<Face, AppError> {
        actor.must(Action::ManageUsers)?;
        let before = self.face().await?;
        let mut problems = Vec::new();
        let logo = match logo {
            LogoChange::Keep => before.logo.clone(),
            LogoChange::Remove => None,
            LogoChange::Replace(bytes) => match cadre_render::face::read_logo(&bytes) {
                Ok(l) => Some(l),
                Err(e) => {
                    problems.push(FieldProblem {
                        field: "logo",
                        code: "logo",
                        message: capitalised(&e.to_string()),
                    });
                    None
                }
            },
        };
        let face = agency::check(input, logo);
        if let Err(more) = &face {
            problems.extend(more.iter().cloned());
        }
        let zone = input.time_zone.trim();
        if !zone.is_empty() && !cadre_render::face::zone_known(zone) {
            problems.push(FieldProblem {
                field: "time_zone",
                code: "unknown-zone",
                message: format!(
                    "\"{}\" is not a time zone name: use one like America/Port_of_Spain",
                    cadre_core::text::shown(zone, agency::TIME_ZONE_MAX)
                ),
            });
        }
        let face = match face {
            Ok(face) if problems.is_empty() => face,
            _ => {
                problems.sort_by_key(|p| FIELD_ORDER.iter().position(|f| *f == p.field));
                return Err(AppError::Fields(problems));
            }
        };
        let at = clock::now();
        let (was, now) = (describe(&before), describe(&face));
        self.store
            .set_agency(&face, actor.stamp(&at).change(&was, &now))
            .await?;
        self.wrote();
        Ok(face)
    }
}

/// The form's fields in the order it shows them (problems are listed in it).
const FIELD_ORDER: [&str; 7] = [
    "name",
    "short_name",
    "logo",
    "colour",
    "accent",
    "time_zone",
    "date_style",
];

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// What the audit trail keeps of a face: every setting, and of the logo its kind, size and
/// digest (not its bytes).
fn describe(face: &Face) -> String {
    use sha2::Digest;
    let logo = face.logo.as_ref().map(|l| {
        serde_json::json!({
            "type": l.kind.media_type(),
            "width": l.width,
            "height": l.height,
            "sha256": format!("{:x}", sha2::Sha256::digest(&l.bytes)),
        })
    });
    serde_json::json!({
        "name": face.name,
        "short_name": face.short_name,
        "colour": face.colour.hex(),
        "accent": face.accent.hex(),
        "time_zone": face.time_zone,
        "date_style": face.date_style.code(),
        "logo": logo,
    })
    .to_string()
}
