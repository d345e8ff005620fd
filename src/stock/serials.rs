//! Blank serial numbers as people give them: a range (`KTP-0001201` to `KTP-0001300`), a list, or
//! one scan at a time. Pure functions, so the rules are tested without a database.

use crate::error::{Error, Result};
use std::collections::BTreeSet;

/// The most blanks one delivery may hold (a kabupaten sends a few hundred at a time).
pub const MAX_PER_DELIVERY: usize = 5_000;

/// A serial as typed or scanned: trimmed, upper case, letters, digits and `-` only.
pub fn clean(serial: &str, field: &str) -> Result<String> {
    let s = serial.trim().to_uppercase();
    if s.is_empty() {
        return Err(Error::field(field, "Nomor seri blangko wajib diisi."));
    }
    if s.len() > 32 || !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(Error::field(field, format!("Nomor seri '{}' tidak sah: hanya huruf, angka dan '-', paling panjang 32.", serial.trim())));
    }
    Ok(s)
}

/// Splits `KTP-0001201` into the prefix `KTP-` and the number part `0001201`.
fn split(serial: &str) -> Option<(&str, &str)> {
    let digits = serial.bytes().rev().take_while(u8::is_ascii_digit).count();
    (digits > 0).then(|| serial.split_at(serial.len() - digits))
}

/// Every serial from `from` to `to`, both included: the same prefix and the same number of digits.
pub fn expand_range(from: &str, to: &str) -> Result<Vec<String>> {
    let from = clean(from, "serial_from")?;
    let to = clean(to, "serial_to")?;
    let (Some((pa, na)), Some((pb, nb))) = (split(&from), split(&to)) else {
        return Err(Error::field("serial_from", "Nomor seri awal dan akhir harus berakhir dengan angka."));
    };
    if pa != pb || na.len() != nb.len() {
        return Err(Error::field("serial_to", format!("Nomor seri akhir '{to}' tidak sejenis dengan nomor awal '{from}'.")));
    }
    let (a, b): (u64, u64) = (na.parse().map_err(|_| range_error())?, nb.parse().map_err(|_| range_error())?);
    if b < a {
        return Err(Error::field("serial_to", format!("Nomor seri akhir '{to}' lebih kecil dari nomor awal '{from}'.")));
    }
    let count = (b - a + 1) as usize;
    if count > MAX_PER_DELIVERY {
        return Err(Error::field("serial_to", format!("Satu penerimaan paling banyak {MAX_PER_DELIVERY} blangko; rentang ini {count}.")));
    }
    let width = na.len();
    Ok((a..=b).map(|n| format!("{pa}{n:0width$}")).collect())
}

fn range_error() -> Error {
    Error::field("serial_from", "Nomor seri terlalu panjang untuk dihitung sebagai rentang.")
}

/// A list of serials (one per line, or separated by commas or spaces), each once.
pub fn parse_list(serials: &[String]) -> Result<Vec<String>> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for raw in serials.iter().flat_map(|s| s.split(|c: char| c == ',' || c.is_whitespace())).filter(|s| !s.is_empty()) {
        let s = clean(raw, "serials")?;
        if !seen.insert(s.clone()) {
            return Err(Error::field("serials", format!("Nomor seri {s} tertulis dua kali.")));
        }
        out.push(s);
    }
    if out.is_empty() {
        return Err(Error::field("serials", "Isi rentang nomor seri atau daftar nomor seri."));
    }
    if out.len() > MAX_PER_DELIVERY {
        return Err(Error::field("serials", format!("Satu penerimaan paling banyak {MAX_PER_DELIVERY} blangko.")));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_range_keeps_prefix_and_leading_zeros() {
        let r = expand_range("ktp-0000998", "KTP-0001002").unwrap();
        assert_eq!(r, ["KTP-0000998", "KTP-0000999", "KTP-0001000", "KTP-0001001", "KTP-0001002"]);
        assert_eq!(expand_range("5", "5").unwrap(), ["5"]);
    }

    #[test]
    fn bad_ranges_name_the_field() {
        assert_eq!(expand_range("A-10", "A-09").unwrap_err().field.as_deref(), Some("serial_to"));
        assert_eq!(expand_range("A-10", "B-20").unwrap_err().field.as_deref(), Some("serial_to"));
        assert_eq!(expand_range("A-010", "A-0020").unwrap_err().field.as_deref(), Some("serial_to"));
        assert_eq!(expand_range("ABC", "ABD").unwrap_err().field.as_deref(), Some("serial_from"));
        assert_eq!(expand_range("", "A-1").unwrap_err().field.as_deref(), Some("serial_from"));
        assert!(expand_range("A-00001", "A-99999").unwrap_err().message.contains("5000"));
        assert_eq!(expand_range("A/1", "A/2").unwrap_err().field.as_deref(), Some("serial_from"));
    }

    #[test]
    fn lists_split_on_commas_and_lines_and_refuse_repeats() {
        let l = parse_list(&["K-1, K-2\nK-3".into(), " k-4 ".into()]).unwrap();
        assert_eq!(l, ["K-1", "K-2", "K-3", "K-4"]);
        let e = parse_list(&["K-1".into(), "k-1".into()]).unwrap_err();
        assert!(e.message.contains("K-1"), "{}", e.message);
        assert_eq!(parse_list(&[]).unwrap_err().field.as_deref(), Some("serials"));
    }
}
