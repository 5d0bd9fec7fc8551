//! The encodings of the report cache (migration 0005): pure functions, tested here.

/// Persons per row of `report_person_facts`.
pub(crate) const CHUNK: i64 = 65_536;
/// Bytes per person in a chunk: gender, country (2), department id (4).
pub(crate) const FACT_BYTES: usize = 7;

/// Sorted, distinct ids as gaps in LEB128 varints.
pub(crate) fn encode_ids(ids: &[i64]) -> Vec<u8> {
    let mut out = Vec::with_capacity(ids.len() * 2);
    let mut last = 0i64;
    for &id in ids {
        let mut gap = (id - last) as u64;
        last = id;
        loop {
            let byte = (gap & 0x7f) as u8;
            gap >>= 7;
            if gap == 0 {
                out.push(byte);
                break;
            }
            out.push(byte | 0x80);
        }
    }
    out
}

pub(crate) fn decode_ids(bytes: &[u8]) -> Vec<i64> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut last = 0i64;
    let mut gap = 0u64;
    let mut shift = 0;
    for &b in bytes {
        gap |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            last += gap as i64;
            out.push(last);
            gap = 0;
            shift = 0;
        } else {
            shift += 7;
        }
    }
    out
}

/// One person's facts as stored in a chunk.
pub(crate) fn encode_fact(
    out: &mut [u8],
    gender: Option<&str>,
    country: Option<&str>,
    department: Option<i64>,
) {
    out[0] = match gender {
        Some("male") => 2,
        Some("female") => 3,
        _ => 1,
    };
    match country.map(str::as_bytes) {
        Some([a, b]) => {
            out[1] = *a;
            out[2] = *b;
        }
        _ => {
            out[1] = 0;
            out[2] = 0;
        }
    }
    let d = department.and_then(|d| u32::try_from(d).ok()).unwrap_or(0);
    out[3..7].copy_from_slice(&d.to_le_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        for ids in [
            vec![],
            vec![1],
            vec![1, 2, 3, 200, 70_000, 1_000_000, 5_000_000_000],
        ] {
            assert_eq!(decode_ids(&encode_ids(&ids)), ids);
        }
        assert_eq!(
            encode_ids(&[1, 2, 3]),
            [1, 1, 1],
            "small gaps take one byte each"
        );
    }

    #[test]
    fn facts_take_seven_bytes() {
        let mut buf = [0u8; FACT_BYTES];
        encode_fact(&mut buf, Some("female"), Some("JM"), Some(258));
        assert_eq!(buf, [3, b'J', b'M', 2, 1, 0, 0]);
        encode_fact(&mut buf, None, None, None);
        assert_eq!(buf, [1, 0, 0, 0, 0, 0, 0]);
    }
}
