//! The applicant's biodata as the registration form asks it, validated field by field.

use crate::codes::{self, pick};
use crate::error::{FieldError, Result};
use crate::nik::{self, Sex};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What the officer types. Text is upper-cased as SIAK stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ui-types", derive(schemars::JsonSchema, ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Biodata {
    pub nik: String,
    pub kk_number: String,
    /// Nama lengkap, without titles.
    pub full_name: String,
    pub sex: Sex,
    pub birth_place: String,
    /// `YYYY-MM-DD`
    pub birth_date: String,
    pub blood_type: String,
    pub religion: String,
    pub marital_status: String,
    pub occupation: String,
    pub education: String,
    pub citizenship: String,
    pub address: String,
    pub rt: String,
    pub rw: String,
    /// Kelurahan/desa code, dotted: `61.01.09.2002`.
    pub village_code: String,
    #[serde(default)]
    #[cfg_attr(feature = "ui-types", ts(optional))]
    pub postal_code: Option<String>,
    /// No. HP (required).
    pub mobile: String,
    #[serde(default)]
    #[cfg_attr(feature = "ui-types", ts(optional))]
    pub telephone: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "ui-types", ts(optional))]
    pub email: Option<String>,
}

fn text(field: &'static str, label: &str, value: &str, max: usize) -> Result<String> {
    let v = value.split_whitespace().collect::<Vec<_>>().join(" ").to_uppercase();
    if v.is_empty() {
        return Err(FieldError::new(field, format!("{label} wajib diisi.")));
    }
    if v.chars().count() > max {
        return Err(FieldError::new(field, format!("{label} maksimal {max} karakter.")));
    }
    Ok(v)
}

fn listed(field: &'static str, label: &str, list: &[&'static str], value: &str) -> Result<String> {
    pick(list, value).map(str::to_string).ok_or_else(|| FieldError::new(field, format!("{label} '{}' tidak ada dalam daftar.", value.trim())))
}

fn digits(field: &'static str, label: &str, value: &str, min: usize, max: usize) -> Result<String> {
    let v = value.trim();
    if v.len() < min || v.len() > max || !v.chars().all(|c| c.is_ascii_digit()) {
        let n = if min == max { format!("{min}") } else { format!("{min}–{max}") };
        return Err(FieldError::new(field, format!("{label} harus {n} angka.")));
    }
    Ok(v.to_string())
}

/// Titles the name field must not carry (gelar): the card shows the name as on the KK.
const TITLES: &[&str] = &["DR.", "DRS.", "IR.", "H.", "HJ.", "PROF.", "S.H.", "S.E.", "S.T.", "S.PD.", "S.KOM.", "M.M.", "M.SI."];

/// Validates and normalises the form. Returns the cleaned biodata, the parsed birth date and the
/// NIK's warnings (differences that the officer confirms, not refusals).
pub fn validate(b: &Biodata, today: NaiveDate) -> Result<(Biodata, NaiveDate, Vec<String>)> {
    let parsed = nik::parse(&b.nik, today)?;
    let kk_number = digits("kk_number", "Nomor KK", &b.kk_number, 16, 16)?;
    let full_name = text("full_name", "Nama lengkap", &b.full_name, 100)?;
    if !full_name.chars().all(|c| c.is_alphabetic() || " '.-,".contains(c)) {
        return Err(FieldError::new("full_name", "Nama lengkap hanya berisi huruf, spasi, titik, koma, tanda petik atau tanda hubung."));
    }
    if full_name.split([' ', ',']).any(|w| TITLES.contains(&w)) {
        return Err(FieldError::new("full_name", "Tulis nama tanpa gelar, sesuai KK."));
    }
    let birth_place = text("birth_place", "Tempat lahir", &b.birth_place, 60)?;
    let birth_date = NaiveDate::parse_from_str(b.birth_date.trim(), "%Y-%m-%d")
        .map_err(|_| FieldError::new("birth_date", "Tanggal lahir tidak sah (TTTT-BB-HH)."))?;
    if birth_date > today {
        return Err(FieldError::new("birth_date", "Tanggal lahir tidak boleh di masa depan."));
    }
    if birth_date < NaiveDate::from_ymd_opt(1900, 1, 1).expect("date") {
        return Err(FieldError::new("birth_date", "Tanggal lahir sebelum tahun 1900 tidak mungkin."));
    }
    let village = b.village_code.trim();
    if crate::regions::level_of(village) != Some(crate::regions::Level::Village) || crate::regions::lookup(village).is_none() {
        return Err(FieldError::new("village_code", format!("Kode kelurahan/desa '{village}' tidak dikenal.")));
    }
    let optional = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    let postal_code = match optional(&b.postal_code) {
        Some(p) => Some(digits("postal_code", "Kode pos", &p, 5, 5)?),
        None => None,
    };
    let telephone = match optional(&b.telephone) {
        Some(p) => Some(digits("telephone", "Nomor telepon", &p.replace(['-', ' '], ""), 6, 15)?),
        None => None,
    };
    let email = optional(&b.email);
    if let Some(e) = &email {
        let ok = e.len() <= 100 && e.split_once('@').is_some_and(|(u, d)| !u.is_empty() && d.contains('.') && !d.ends_with('.'));
        if !ok {
            return Err(FieldError::new("email", "Alamat email tidak sah."));
        }
    }
    let mobile = b.mobile.trim().replace(['-', ' '], "");
    let mobile = mobile.strip_prefix("+62").map(|m| format!("0{m}")).unwrap_or(mobile);
    if !mobile.starts_with("08") {
        return Err(FieldError::new("mobile", "Nomor HP diawali 08 atau +62, misalnya 081234567890."));
    }
    let mobile = digits("mobile", "Nomor HP", &mobile, 10, 13)?;
    let clean = Biodata {
        nik: b.nik.trim().to_string(),
        kk_number,
        full_name,
        sex: b.sex,
        birth_place,
        birth_date: birth_date.format("%Y-%m-%d").to_string(),
        blood_type: listed("blood_type", "Golongan darah", codes::BLOOD_TYPES, &b.blood_type)?,
        religion: listed("religion", "Agama", codes::RELIGIONS, &b.religion)?,
        marital_status: listed("marital_status", "Status perkawinan", codes::MARITAL_STATUSES, &b.marital_status)?,
        occupation: listed("occupation", "Pekerjaan", codes::OCCUPATIONS, &b.occupation)?,
        education: listed("education", "Pendidikan terakhir", codes::EDUCATION, &b.education)?,
        citizenship: listed("citizenship", "Kewarganegaraan", codes::CITIZENSHIP, &b.citizenship)?,
        address: text("address", "Alamat", &b.address, 150)?,
        rt: format!("{:0>3}", digits("rt", "RT", &b.rt, 1, 3)?),
        rw: format!("{:0>3}", digits("rw", "RW", &b.rw, 1, 3)?),
        village_code: crate::regions::lookup(village).map(|r| r.code).unwrap_or_default(),
        postal_code,
        mobile,
        telephone,
        email,
    };
    let warnings = nik::cross_check(&parsed, b.sex, birth_date);
    Ok((clean, birth_date, warnings))
}

/// Age in whole years on `on`.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> u32 {
    on.years_since(birth).unwrap_or(0)
}
