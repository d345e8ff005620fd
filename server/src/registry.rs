//! The population registry: central's mirror of SIAK, imported from CSV, and a generator of a
//! synthetic one (valid NIKs, Indonesian-looking names) for tests and demonstrations.

use crate::error::{Code, Error, Result};
use crate::storage::Person;
use crate::{normalise_text, Central};
use chrono::{Datelike, Duration, NaiveDate};
use loket_contract::nik;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::HashMap;
use std::io::{Read, Write};

/// Rows written per transaction: a million-row import neither holds one huge transaction nor pays
/// a commit per row; re-running an import is safe (rows are upserted by NIK).
const CHUNK: usize = 5000;
const REQUIRED: [&str; 5] = ["nik", "full_name", "sex", "birth_place", "birth_date"];

#[derive(Debug, Default, Clone, PartialEq)]
pub struct ImportReport {
    pub imported: usize,
    /// (line number in the file, reason)
    pub refused: Vec<(u64, String)>,
}

fn parse_sex(s: &str) -> Option<&'static str> {
    match s.trim().to_uppercase().as_str() {
        "L" | "LAKI-LAKI" | "LAKI LAKI" => Some("L"),
        "P" | "PEREMPUAN" => Some("P"),
        _ => None,
    }
}

/// `YYYY-MM-DD`, or `DD-MM-YYYY` as SIAK exports often write it.
fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d").or_else(|_| NaiveDate::parse_from_str(s, "%d-%m-%Y")).ok()
}

/// Checks one row; the reason names the column.
pub fn check_row(
    nik_value: &str,
    full_name: &str,
    sex: &str,
    birth_place: &str,
    birth_date: &str,
    kk_number: Option<&str>,
    today: NaiveDate,
) -> std::result::Result<Person, String> {
    let nik_value = nik_value.trim();
    nik::parse(nik_value, today).map_err(|e| format!("nik: {}", e.message))?;
    let full_name = normalise_text(full_name);
    if full_name.is_empty() || full_name.chars().count() > 100 {
        return Err("full_name: nama wajib diisi (maksimal 100 karakter)".into());
    }
    let sex = parse_sex(sex).ok_or_else(|| format!("sex: '{}' bukan L atau P", sex.trim()))?;
    let birth_place = normalise_text(birth_place);
    if birth_place.is_empty() {
        return Err("birth_place: tempat lahir wajib diisi".into());
    }
    let date = parse_date(birth_date).ok_or_else(|| format!("birth_date: '{}' bukan tanggal (TTTT-BB-HH)", birth_date.trim()))?;
    if date > today {
        return Err("birth_date: tanggal lahir di masa depan".into());
    }
    let kk_number = match kk_number.map(str::trim).filter(|k| !k.is_empty()) {
        Some(k) if k.len() == 16 && k.chars().all(|c| c.is_ascii_digit()) => Some(k.to_string()),
        Some(k) => return Err(format!("kk_number: '{k}' harus 16 angka")),
        None => None,
    };
    Ok(Person {
        nik: nik_value.to_string(),
        full_name,
        sex: sex.into(),
        birth_place,
        birth_date: date.format("%Y-%m-%d").to_string(),
        kk_number,
    })
}

/// Imports a CSV with the header `nik,full_name,sex,birth_place,birth_date[,kk_number,…]` (other
/// columns are ignored). A bad row is refused with its line number; the good rows are imported.
pub fn import(central: &Central, input: impl Read) -> Result<ImportReport> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(input);
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| Error::new(Code::Validation, format!("Kepala CSV tidak terbaca: {e}")))?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_lowercase())
        .collect();
    let column = |name: &str| header.iter().position(|h| h == name);
    let missing: Vec<&str> = REQUIRED.iter().copied().filter(|c| column(c).is_none()).collect();
    if !missing.is_empty() {
        return Err(Error::new(
            Code::Validation,
            format!("Kolom wajib tidak ada: {}. Kepala CSV: nik,full_name,sex,birth_place,birth_date[,kk_number]", missing.join(", ")),
        ));
    }
    let idx: Vec<usize> = REQUIRED.iter().map(|c| column(c).expect("checked")).collect();
    let kk = column("kk_number");
    let today = central.now().date_naive();
    let mut report = ImportReport::default();
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut chunk: Vec<Person> = Vec::with_capacity(CHUNK);
    let flush = |chunk: &mut Vec<Person>| -> Result<()> {
        let rows = std::mem::take(chunk);
        central.store.write(move |tx| rows.iter().try_for_each(|p| tx.upsert_person(p)))
    };
    for (i, row) in reader.records().enumerate() {
        let line = match &row {
            Ok(r) => r.position().map(|p| p.line()).unwrap_or(i as u64 + 2),
            Err(e) => e.position().map(|p| p.line()).unwrap_or(i as u64 + 2),
        };
        let checked = row.map_err(|e| format!("baris tidak terbaca: {e}")).and_then(|r| {
            let get = |j: usize| r.get(j).unwrap_or("");
            check_row(get(idx[0]), get(idx[1]), get(idx[2]), get(idx[3]), get(idx[4]), kk.map(get), today)
        });
        match checked {
            Ok(person) => {
                if let Some(first) = seen.get(&person.nik) {
                    report.refused.push((line, format!("nik: {} sudah ada di baris {first}", person.nik)));
                    continue;
                }
                seen.insert(person.nik.clone(), line);
                chunk.push(person);
                report.imported += 1;
                if chunk.len() == CHUNK {
                    flush(&mut chunk)?;
                    if report.imported % 100_000 == 0 {
                        tracing::info!(rows = report.imported, "registry import in progress");
                    }
                }
            }
            Err(reason) => report.refused.push((line, reason)),
        }
    }
    flush(&mut chunk)?;
    tracing::info!(imported = report.imported, refused = report.refused.len(), "registry imported");
    Ok(report)
}

pub fn registry_size(central: &Central) -> Result<i64> {
    central.store.read(|tx| tx.registry_size())
}

const MEN: &[&str] = &[
    "AGUS", "BUDI", "DEDI", "EKO", "FAJAR", "HENDRA", "IWAN", "JOKO", "RUDI", "SLAMET", "TAUFIK", "WAHYU", "YUSUF", "ARIF",
    "BAYU", "DANI", "GALIH", "HADI", "IMAM", "MUHAMMAD", "RIZKY", "SYAHRIL", "UJANG", "ANDI", "ILHAM", "RAHMAT", "ZULKIFLI",
    "HERMAN", "SUPARMAN", "ABDUL",
];
const WOMEN: &[&str] = &[
    "SITI", "DEWI", "SRI", "RINA", "AYU", "NURUL", "PUTRI", "WULAN", "YULIANTI", "INDAH", "MAYA", "RATNA", "FITRI", "ANISA",
    "DIAN", "KARTIKA", "NOVI", "RAHMAWATI", "SUSANTI", "MARLINA", "HALIMAH", "ROSNAH", "JUMIATI", "ERNA", "TITIN", "NURHAYATI",
];
const FAMILY: &[&str] = &[
    "SANTOSO", "WIJAYA", "HIDAYAT", "PRATAMA", "SETIAWAN", "KUSUMA", "LUBIS", "SIREGAR", "NASUTION", "HASIBUAN", "RAHMAN",
    "HAKIM", "SUSANTO", "HARAHAP", "PURNAMA", "RAMADHAN", "GUNAWAN", "SURYADI", "FIRMANSYAH", "HASAN", "MAULANA", "NUGROHO",
];
const MEN_SECOND: &[&str] = &["SAPUTRA", "PRASETYO", "SETIADI", "KURNIAWAN", "HIDAYATULLAH"];
const WOMEN_SECOND: &[&str] = &["SAPUTRI", "LESTARI", "RAHAYU", "NINGSIH", "HANDAYANI", "PERMATASARI", "WATI"];
const CITIES: &[&str] = &["PONTIANAK", "SINGKAWANG", "JAKARTA", "SURABAYA", "MEDAN", "MAKASSAR", "BANDUNG", "SEMARANG"];

fn pick<'a>(rng: &mut StdRng, list: &[&'a str]) -> &'a str {
    list[rng.gen_range(0..list.len())]
}

fn name(rng: &mut StdRng, woman: bool) -> String {
    let first = pick(rng, if woman { WOMEN } else { MEN });
    match rng.gen_range(0..10) {
        0 | 1 => first.to_string(),
        2..=4 => format!("{first} {}", pick(rng, if woman { WOMEN_SECOND } else { MEN_SECOND })),
        5..=8 => format!("{first} {}", pick(rng, FAMILY)),
        _ => format!("{first} {} {}", pick(rng, if woman { WOMEN } else { MEN }), pick(rng, FAMILY)),
    }
}

/// `KABUPATEN SAMBAS` → `SAMBAS`: birth places are written without the administrative word.
fn place_name(region: &str) -> String {
    let upper = region.to_uppercase();
    upper.trim_start_matches("KABUPATEN ").trim_start_matches("KOTA ").to_string()
}

/// Writes `count` synthetic people of `office` as CSV. The same seed gives the same file. Every NIK
/// carries the office's kecamatan, the birth date (day + 40 for women) and a serial from 0001, and
/// reads back through `loket_contract::nik::parse` as the row says.
pub fn generate(out: impl Write, count: usize, office: &str, seed: u64, today: NaiveDate) -> Result<()> {
    let office = crate::office_code(office)?;
    let (_, regency, district) = loket_contract::regions::district_path(&office)
        .ok_or_else(|| Error::new(Code::Validation, format!("Kode kecamatan '{office}' tidak dikenal.")))?;
    let digits: String = office.chars().filter(char::is_ascii_digit).collect();
    let places = [place_name(&regency.name), place_name(&regency.name), district.name.to_uppercase(), pick_city(seed)];
    let mut rng = StdRng::seed_from_u64(seed);
    let mut serials: HashMap<String, u32> = HashMap::new();
    let mut w = csv::Writer::from_writer(out);
    let io = |e: csv::Error| Error::new(Code::Internal, format!("Berkas tidak dapat ditulis: {e}"));
    w.write_record(["nik", "full_name", "sex", "birth_place", "birth_date", "kk_number"]).map_err(io)?;
    // Adults (17+) born within the last 90 years: inside the window a two-digit NIK year is unambiguous.
    let oldest = NaiveDate::from_ymd_opt(today.year() - 90, 1, 1).expect("date");
    let youngest = today - Duration::days(17 * 366);
    let span = (youngest - oldest).num_days();
    let mut written = 0;
    while written < count {
        let woman = rng.gen_bool(0.5);
        let birth = oldest + Duration::days(rng.gen_range(0..=span));
        let day = birth.day() + if woman { 40 } else { 0 };
        let prefix = format!("{digits}{day:02}{:02}{:02}", birth.month(), birth.year() % 100);
        let serial = serials.entry(prefix.clone()).or_insert(0);
        if *serial == 9999 {
            continue;
        }
        *serial += 1;
        let nik_value = format!("{prefix}{:04}", serial);
        let parsed = nik::parse(&nik_value, today).map_err(|e| Error::internal(format!("generated NIK {nik_value}: {}", e.message)))?;
        debug_assert_eq!(parsed.birth_date, birth);
        let issued = birth + Duration::days(rng.gen_range(0..=(today - birth).num_days()));
        let kk = format!("{digits}{:02}{:02}{:02}{:04}", issued.day(), issued.month(), issued.year() % 100, rng.gen_range(1..=9999));
        let sex = if woman { "P" } else { "L" };
        let place = places[rng.gen_range(0..places.len())].clone();
        w.write_record([nik_value.as_str(), &name(&mut rng, woman), sex, &place, &birth.format("%Y-%m-%d").to_string(), &kk])
            .map_err(io)?;
        written += 1;
    }
    w.flush().map_err(|e| Error::new(Code::Internal, format!("Berkas tidak dapat ditulis: {e}")))?;
    Ok(())
}

fn pick_city(seed: u64) -> String {
    CITIES[(seed % CITIES.len() as u64) as usize].to_string()
}
