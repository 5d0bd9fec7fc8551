//! A synthetic logo: a PNG of one colour, written as image programs write one (signature,
//! header, deflated rows, end), for demos and for tests of what takes a logo.

use std::io::Write;

/// A `width` by `height` PNG, every pixel `rgba` (8-bit RGBA, not interlaced).
pub fn png(width: u32, height: u32, rgba: [u8; 4]) -> Vec<u8> {
    // Each row: filter 0, then its pixels.
    let mut row = vec![0u8];
    row.extend(rgba.repeat(width as usize));
    let raw = row.repeat(height as usize);
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing into a Vec cannot fail.
    let _ = z.write_all(&raw);
    let data = z.finish().unwrap_or_default();
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8], body: &[u8]| {
        out.extend_from_slice(&(body.len() as u32).to_be_bytes());
        out.extend_from_slice(kind);
        out.extend_from_slice(body);
        // The CRC of kind and body, as the format asks (readers may check it).
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(body);
        out.extend_from_slice(&crc.sum().to_be_bytes());
    };
    let mut header = width.to_be_bytes().to_vec();
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, 6, 0, 0, 0]);
    chunk(b"IHDR", &header);
    chunk(b"IDAT", &data);
    chunk(b"IEND", &[]);
    out
}
