//! XLSX: the document's sections as sheets: the summary, one per breakdown, the listing, the
//! published figures, the approval and the data-quality notes.

use cadre_core::report::Report;
use rust_xlsxwriter::{Color, Format, Image, Workbook, Worksheet, XlsxError};

use crate::document::{self, Block, Cell, Show};

fn header(sheet: &mut Worksheet, names: &[&str], bold: &Format) -> Result<(), XlsxError> {
    for (i, name) in names.iter().enumerate() {
        sheet.write_string_with_format(0, i as u16, *name, bold)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// The workbook: a sheet for each section of the document that has one, holding every column
/// of its table (the data behind what readers see), numbers as numbers, then the section's
/// sentences below it; the first sheet names the report and its period.
pub fn render(r: &Report) -> Result<Vec<u8>, XlsxError> {
    let doc = document::build(r);
    let mut book = Workbook::new();
    let (red, green, blue) = (r.agency.colour.0, r.agency.colour.1, r.agency.colour.2);
    let brand = Color::RGB(u32::from(red) << 16 | u32::from(green) << 8 | u32::from(blue));
    let bold = Format::new().set_bold().set_font_color(brand);
    let money = Format::new().set_num_format("#,##0.00");
    let mut first = true;
    let mut logo_due = true;
    for section in &doc.sections {
        let Some(name) = section.sheet else { continue };
        let s = book.add_worksheet().set_name(name)?;
        let mut row = 0u32;
        let table = section.blocks.iter().find_map(|b| match b {
            Block::Table(t, Show::All | Show::Data) => Some(t),
            _ => None,
        });
        if let Some(t) = table {
            let names: Vec<&str> = t.columns.iter().map(|c| c.label).collect();
            header(s, &names, &bold)?;
            for cells in &t.rows {
                row += 1;
                for (col, cell) in cells.iter().enumerate() {
                    let col = col as u16;
                    match cell {
                        Cell::Text(text) if !text.is_empty() => {
                            s.write_string(row, col, text)?;
                        }
                        Cell::Count(n) => {
                            s.write_number(row, col, *n as f64)?;
                        }
                        Cell::Signed(n) => {
                            s.write_number(row, col, *n as f64)?;
                        }
                        // The cents are exact; the cell shows them to two decimals.
                        Cell::Money(m) => {
                            s.write_number_with_format(row, col, m.cents() as f64 / 100.0, &money)?;
                        }
                        // Not known is an empty cell, never 0.
                        Cell::Text(_) | Cell::NotKnown(_) | Cell::Empty => {}
                    }
                }
            }
            s.set_column_width(0, 40)?;
            row += 2;
        }
        let mut lines: Vec<String> = Vec::new();
        if first {
            lines.extend(r.agency.named().map(str::to_string));
            lines.push(doc.title.clone());
            lines.push(format!("Period: {}", doc.period));
            lines.extend(doc.lead.iter().cloned());
            first = false;
        }
        let data_only = section
            .blocks
            .iter()
            .any(|b| matches!(b, Block::Table(_, Show::Data)));
        for b in &section.blocks {
            match b {
                Block::Text(t) | Block::Aside(t) => lines.push(t.clone()),
                Block::Empty(t) => lines.push(t.to_string()),
                // A list that is the table's own rows in words is not said twice.
                Block::List(items) if !data_only => lines.extend(items.iter().cloned()),
                _ => {}
            }
        }
        let at = row;
        for line in lines {
            s.write_string(row, 0, line)?;
            row += 1;
        }
        if std::mem::take(&mut logo_due) {
            // The logo beside the agency's name, scaled to about three rows.
            if let Some(logo) = &r.agency.logo {
                let mut image = Image::new_from_buffer(&logo.bytes)?;
                let scale = 60.0 / f64::from(logo.height.max(1));
                image = image
                    .set_scale_height(scale)
                    .set_scale_width(scale)
                    .set_alt_text(&r.agency.name);
                s.insert_image(at, 3, &image)?;
            }
        }
    }
    book.save_to_buffer()
}
