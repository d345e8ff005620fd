//! The NIK (Nomor Induk Kependudukan): 16 digits = kecamatan code (6) + birth date DDMMYY (6, with 40
//! added to the day for women) + a serial (4, never 0000). A NIK is not reissued when a birth date is
//! corrected, so a mismatch with the form is a warning with its reason, not a refusal.

use crate::error::{FieldError, Result};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ui-types", derive(schemars::JsonSchema, ts_rs::TS))]
pub enum Sex {
    /// Laki-laki
    L,
    /// Perempuan
    P,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedNik {
    /// Dotted kecamatan code, `61.01.09`.
    pub district_code: String,
    pub sex: Sex,
    pub birth_date: NaiveDate,
    pub serial: String,
}

/// Checks the form of a NIK and reads what it encodes. `today` decides the century of a two-digit year.
pub fn parse(nik: &str, today: NaiveDate) -> Result<ParsedNik> {
    let nik = nik.trim();
    if nik.len() != 16 || !nik.chars().all(|c| c.is_ascii_digit()) {
        return Err(FieldError::new("nik", "NIK harus 16 angka."));
    }
    let district = &nik[..6];
    if !crate::regions::is_district(district) {
        return Err(FieldError::new(
            "nik",
            format!("Enam angka pertama NIK ({district}) bukan kode kecamatan yang dikenal."),
        ));
    }
    let day: u32 = nik[6..8].parse().unwrap_or(0);
    let month: u32 = nik[8..10].parse().unwrap_or(0);
    let yy: i32 = nik[10..12].parse().unwrap_or(0);
    let (sex, day) = if day > 40 { (Sex::P, day - 40) } else { (Sex::L, day) };
    let this_yy = today.year() % 100;
    let year = if yy <= this_yy { 2000 + yy } else { 1900 + yy };
    let birth_date = NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| {
        FieldError::new("nik", format!("Angka ke-7 sampai ke-12 NIK ({}) bukan tanggal lahir yang sah.", &nik[6..12]))
    })?;
    let serial = nik[12..].to_string();
    if serial == "0000" {
        return Err(FieldError::new("nik", "Empat angka terakhir NIK tidak boleh 0000."));
    }
    Ok(ParsedNik { district_code: crate::regions::dotted(district), sex, birth_date, serial })
}

/// Differences between the NIK and the form, each with its reason, for the officer to confirm.
pub fn cross_check(parsed: &ParsedNik, sex: Sex, birth_date: NaiveDate) -> Vec<String> {
    let mut warnings = Vec::new();
    if parsed.sex != sex {
        warnings.push(format!(
            "Jenis kelamin di formulir ({}) berbeda dengan yang tersirat di NIK ({}): pada NIK perempuan tanggal lahir ditambah 40. \
             Periksa KK; NIK tidak diterbitkan ulang.",
            label(sex),
            label(parsed.sex)
        ));
    }
    if parsed.birth_date != birth_date {
        warnings.push(format!(
            "Tanggal lahir di formulir ({}) berbeda dengan di NIK ({}). Jika tanggal lahir pernah dikoreksi, NIK memang tidak berubah; \
             pastikan sesuai KK.",
            birth_date.format("%d-%m-%Y"),
            parsed.birth_date.format("%d-%m-%Y")
        ));
    }
    warnings
}

fn label(s: Sex) -> &'static str {
    match s {
        Sex::L => "laki-laki",
        Sex::P => "perempuan",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    #[test]
    fn reads_district_sex_and_birth_date() {
        let man = parse("6101091708050001", today()).unwrap();
        assert_eq!(man.district_code, "61.01.09");
        assert_eq!(man.sex, Sex::L);
        assert_eq!(man.birth_date, NaiveDate::from_ymd_opt(2005, 8, 17).unwrap());
        let woman = parse("6101095708850002", today()).unwrap(); // 57 = 17 + 40, born 1985
        assert_eq!(woman.sex, Sex::P);
        assert_eq!(woman.birth_date, NaiveDate::from_ymd_opt(1985, 8, 17).unwrap());
    }

    #[test]
    fn refuses_malformed_niks_naming_the_part() {
        for (nik, part) in [
            ("610109170805000", "16 angka"),
            ("61010917080500a1", "16 angka"),
            ("9999991708050001", "kode kecamatan"),
            ("6101093213050001", "tanggal lahir"),
            ("6101097102050001", "tanggal lahir"), // 31 Feb for a woman
            ("6101091708050000", "0000"),
        ] {
            let e = parse(nik, today()).unwrap_err();
            assert_eq!(e.field, "nik");
            assert!(e.message.contains(part), "{nik}: {}", e.message);
        }
    }

    #[test]
    fn mismatches_are_warnings_with_reasons() {
        let p = parse("6101091708050001", today()).unwrap();
        assert!(cross_check(&p, Sex::L, p.birth_date).is_empty());
        let w = cross_check(&p, Sex::P, NaiveDate::from_ymd_opt(2005, 8, 18).unwrap());
        assert_eq!(w.len(), 2);
        assert!(w[0].contains("ditambah 40"));
        assert!(w[1].contains("tidak berubah"));
    }
}
