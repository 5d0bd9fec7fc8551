//! The agency's face in every format: its name, its colours, and its logo where a format can
//! carry one.

use super::*;
use cadre_core::agency::{Colour, Face};

/// A 48 by 24 PNG, half transparent, in the agency's colour.
fn logo_png() -> Vec<u8> {
    cadre_gen::image::png(48, 24, [0x0b, 0x5f, 0x3a, 128])
}

#[tokio::test]
async fn every_format_names_the_agency_in_its_colours() {
    let mut r = report_2020().await;
    r.agency = Face {
        name: "CARICOM Implementation Agency for Crime and Security".into(),
        short_name: "CARICOM IMPACS".into(),
        colour: Colour(0x0b, 0x5f, 0x3a),
        accent: Colour(0x8a, 0x4b, 0x08),
        logo: Some(cadre_render::face::read_logo(&logo_png()).unwrap()),
        ..Face::default()
    };
    let name = "CARICOM Implementation Agency for Crime and Security";

    let html = text(&r, Format::Html);
    assert!(html.contains(&format!("<p class=\"agency\">{name}</p>")));
    assert!(html.contains("--brand: #0b5f3a; --accent: #8a4b08;"));
    assert!(html.contains("<img class=\"logo\" src=\"data:image/png;base64,iVBORw0KGgo"));
    assert!(html.contains(&format!("training records of {name}.")));
    assert!(text(&r, Format::Markdown).contains(&format!("Published by {name}.")));

    let pdf = render(&r, Format::Pdf).unwrap();
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    assert!(doc
        .extract_text(&pages[..1])
        .unwrap()
        .contains("CARICOM Implementation"));
    // The logo is an image with its transparency apart, both the size the file says.
    let images: Vec<_> = doc
        .objects
        .values()
        .filter_map(|o| o.as_stream().ok())
        .filter(|s| s.dict.get(b"Subtype").and_then(|v| v.as_name()).ok() == Some(b"Image"))
        .collect();
    assert_eq!(images.len(), 2, "the logo and its mask");
    for image in &images {
        assert_eq!(image.dict.get(b"Width").unwrap().as_i64().unwrap(), 48);
        assert_eq!(image.dict.get(b"Height").unwrap().as_i64().unwrap(), 24);
    }
    let with_mask = images
        .iter()
        .find(|s| s.dict.has(b"SMask"))
        .expect("the colour image names its mask");
    let mut colour = (*with_mask).clone();
    colour.decompress().unwrap();
    assert_eq!(&colour.content[..3], &[0x0b, 0x5f, 0x3a]);

    use calamine::{Reader, Xlsx};
    let bytes = render(&r, Format::Xlsx).unwrap();
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.clone())).unwrap();
    let first = book.sheet_names()[0].clone();
    let sheet = book.worksheet_range(&first).unwrap();
    assert!(sheet.cells().any(|(_, _, v)| *v == name));
    // The workbook carries the logo as a picture.
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    assert!(zip.by_name("xl/media/image1.png").is_ok());
}
