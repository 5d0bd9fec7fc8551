//! The agency's face (migration 0020): one row, read by every page and report, written by an
//! admin with its before and after in the audit trail.

use cadre_core::agency::{Colour, DateStyle, Face, ImageKind, Logo};
use sqlx::Row;

use super::Db;
use crate::types::Stamp;
use crate::Result;

/// The face as set, or `None` while no admin has set it.
pub(crate) async fn get(pool: &sqlx::Pool<Db>) -> Result<Option<Face>> {
    let Some(r) = sqlx::query(
        "SELECT name, short_name, colour, accent, time_zone, date_style, logo_type, logo_width,
                logo_height, logo FROM agency WHERE id = 1",
    )
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    let defaults = Face::default();
    let colour = |c: String, or: Colour| Colour::parse(&c).unwrap_or(or);
    let logo_type: Option<String> = r.get("logo_type");
    let logo_bytes: Option<Vec<u8>> = r.get("logo");
    let logo = match (logo_type.as_deref().and_then(ImageKind::parse), logo_bytes) {
        (Some(kind), Some(bytes)) => Some(Logo {
            kind,
            width: r.get::<Option<i64>, _>("logo_width").unwrap_or(0) as u32,
            height: r.get::<Option<i64>, _>("logo_height").unwrap_or(0) as u32,
            bytes: bytes.into(),
        }),
        _ => None,
    };
    Ok(Some(Face {
        name: r.get("name"),
        short_name: r.get("short_name"),
        colour: colour(r.get("colour"), defaults.colour),
        accent: colour(r.get("accent"), defaults.accent),
        logo,
        time_zone: r.get("time_zone"),
        date_style: DateStyle::parse(r.get::<String, _>("date_style").as_str()).unwrap_or_default(),
    }))
}

/// Sets the face, audited with the before and after the stamp carries; what pages show
/// changes, so the shown version is raised (answers kept for the old face are let go), and the
/// records' version too: reports carry the agency's name and colours.
pub(crate) async fn set(pool: &sqlx::Pool<Db>, face: &Face, stamp: Stamp<'_>) -> Result<()> {
    let mut tx = super::begin_write(pool).await?;
    let logo = face.logo.as_ref();
    sqlx::query(
        "INSERT INTO agency (id, name, short_name, colour, accent, time_zone, date_style,
                             logo_type, logo_width, logo_height, logo)
         VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, short_name = excluded.short_name,
             colour = excluded.colour, accent = excluded.accent,
             time_zone = excluded.time_zone, date_style = excluded.date_style,
             logo_type = excluded.logo_type, logo_width = excluded.logo_width,
             logo_height = excluded.logo_height, logo = excluded.logo",
    )
    .bind(&face.name)
    .bind(&face.short_name)
    .bind(face.colour.hex())
    .bind(face.accent.hex())
    .bind(&face.time_zone)
    .bind(face.date_style.code())
    .bind(logo.map(|l| l.kind.media_type()))
    .bind(logo.map(|l| i64::from(l.width)))
    .bind(logo.map(|l| i64::from(l.height)))
    .bind(logo.map(|l| l.bytes.to_vec()))
    .execute(&mut *tx)
    .await?;
    super::audit::note(
        &mut tx,
        stamp,
        "set",
        "agency",
        None,
        None,
        "the agency's name, logo, colours, time zone and date style",
    )
    .await?;
    super::edit::bump(&mut tx).await?;
    super::edit::bump_shown(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}
