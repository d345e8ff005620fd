//! Indonesian region codes (kode wilayah): province → kabupaten/kota → kecamatan → kelurahan/desa.
//! The table is compiled into the binary by this crate's build.rs from assets/regions (ODbL, see its
//! notice there).
//! Codes are dotted for people (`61.01.09`); a NIK carries the district's six digits undotted.

use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

static TABLE: &str = include_str!(concat!(env!("OUT_DIR"), "/regions.tsv"));

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ui-types", derive(schemars::JsonSchema, ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Province,
    Regency,
    District,
    Village,
}

impl Level {
    fn from_digits(len: usize) -> Option<Level> {
        match len {
            2 => Some(Level::Province),
            4 => Some(Level::Regency),
            6 => Some(Level::District),
            10 => Some(Level::Village),
            _ => None,
        }
    }
    fn index(self) -> usize {
        self as usize
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ui-types", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct Region {
    /// Dotted code, e.g. `61.01.09`.
    pub code: String,
    pub name: String,
}

#[derive(Clone, Copy)]
struct Row {
    digits: &'static str,
    name: &'static str,
}

struct Table {
    levels: [Vec<Row>; 4],
}

fn table() -> &'static Table {
    static PARSED: OnceLock<Table> = OnceLock::new();
    PARSED.get_or_init(|| {
        let mut levels: [Vec<Row>; 4] = Default::default();
        for (i, block) in TABLE.split('\u{1e}').enumerate() {
            levels[i] = block
                .lines()
                .filter_map(|l| l.split_once('\t'))
                .map(|(digits, name)| Row { digits, name })
                .collect();
        }
        Table { levels }
    })
}

/// `6101092001` → `61.01.09.2001`.
pub fn dotted(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + 3);
    for (i, c) in digits.chars().enumerate() {
        if i == 2 || i == 4 || i == 6 {
            out.push('.');
        }
        out.push(c);
    }
    out
}

fn undotted(code: &str) -> Option<String> {
    let digits: String = code.chars().filter(|c| *c != '.').collect();
    if digits.chars().all(|c| c.is_ascii_digit()) && Level::from_digits(digits.len()).is_some() {
        Some(digits)
    } else {
        None
    }
}

fn find(digits: &str) -> Option<Row> {
    let level = Level::from_digits(digits.len())?;
    let rows = &table().levels[level.index()];
    rows.binary_search_by(|r| r.digits.cmp(digits)).ok().map(|i| rows[i])
}

fn to_region(r: Row) -> Region {
    Region { code: dotted(r.digits), name: r.name.to_string() }
}

pub fn provinces() -> Vec<Region> {
    table().levels[0].iter().copied().map(to_region).collect()
}

/// The regions one level below `code`; empty for a village or an unknown code.
pub fn children(code: &str) -> Vec<Region> {
    let Some(digits) = undotted(code) else { return Vec::new() };
    let Some(level) = Level::from_digits(digits.len()) else { return Vec::new() };
    if level == Level::Village {
        return Vec::new();
    }
    let rows = &table().levels[level.index() + 1];
    let start = rows.partition_point(|r| r.digits < digits.as_str());
    rows[start..].iter().take_while(|r| r.digits.starts_with(&digits)).copied().map(to_region).collect()
}

/// The region with this (dotted or undotted) code, if it exists.
pub fn lookup(code: &str) -> Option<Region> {
    undotted(code).and_then(|d| find(&d)).map(to_region)
}

pub fn level_of(code: &str) -> Option<Level> {
    undotted(code).and_then(|d| Level::from_digits(d.len()))
}

/// True when `code` is a kecamatan in the table (dotted `61.01.09` or undotted `610109`).
pub fn is_district(code: &str) -> bool {
    level_of(code) == Some(Level::District) && lookup(code).is_some()
}

/// Province, regency and district of a kecamatan code.
pub fn district_path(code: &str) -> Option<(Region, Region, Region)> {
    let d = undotted(code)?;
    if d.len() != 6 {
        return None;
    }
    Some((lookup(&d[..2])?, lookup(&d[..4])?, lookup(&d)?))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ui-types", derive(schemars::JsonSchema, ts_rs::TS))]
pub struct RegionHit {
    pub code: String,
    pub name: String,
    pub level: Level,
}

/// Case-insensitive name search, at one level or all: matches at a word start first, then by level.
pub fn search(query: &str, level: Option<Level>, limit: usize) -> Vec<RegionHit> {
    let q = query.trim().to_lowercase();
    if q.is_empty() {
        return Vec::new();
    }
    let mut hits: Vec<(bool, RegionHit)> = Vec::new();
    for (i, rows) in table().levels.iter().enumerate() {
        let lvl = [Level::Province, Level::Regency, Level::District, Level::Village][i];
        if level.is_some_and(|l| l != lvl) {
            continue;
        }
        for r in rows {
            let name = r.name.to_lowercase();
            if let Some(pos) = name.find(&q) {
                // A match at the start of a word ("sambas" in "KABUPATEN SAMBAS") ranks first.
                let mid_word = pos != 0 && name.as_bytes()[pos - 1].is_ascii_alphanumeric();
                hits.push((mid_word, RegionHit { code: dotted(r.digits), name: r.name.to_string(), level: lvl }));
            }
        }
    }
    hits.sort_by(|a, b| (a.0, a.1.level, &a.1.name).cmp(&(b.0, b.1.level, &b.1.name)));
    hits.into_iter().take(limit).map(|(_, h)| h).collect()
}

/// Indonesian time zones have no daylight saving; the office's zone follows its province.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ui-types", derive(schemars::JsonSchema, ts_rs::TS))]
pub enum TimeZone {
    WIB,
    WITA,
    WIT,
}

impl TimeZone {
    pub fn utc_offset_minutes(self) -> i32 {
        match self {
            TimeZone::WIB => 7 * 60,
            TimeZone::WITA => 8 * 60,
            TimeZone::WIT => 9 * 60,
        }
    }
    pub fn from_offset_minutes(m: i32) -> TimeZone {
        match m {
            480 => TimeZone::WITA,
            540 => TimeZone::WIT,
            _ => TimeZone::WIB,
        }
    }
}

/// Bali, Nusa Tenggara, South/East/North Kalimantan and Sulawesi are WITA; Maluku and Papua are WIT;
/// Sumatra, Java, West and Central Kalimantan are WIB.
pub fn time_zone_of_province(province_code: &str) -> Option<TimeZone> {
    let d = undotted(province_code)?;
    let p: u32 = d.get(..2)?.parse().ok()?;
    find(&d[..2])?;
    Some(match p {
        51..=53 | 63..=65 | 71..=76 => TimeZone::WITA,
        81..=82 | 91..=99 => TimeZone::WIT,
        _ => TimeZone::WIB,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_has_every_level() {
        assert_eq!(provinces().len(), 38);
        assert_eq!(table().levels[1].len(), 514);
        assert_eq!(table().levels[2].len(), 7277);
        assert_eq!(table().levels[3].len(), 83763);
    }

    #[test]
    fn cascade_from_province_to_village() {
        let regencies = children("61");
        assert!(regencies.iter().any(|r| r.code == "61.01" && r.name == "KABUPATEN SAMBAS"));
        assert!(regencies.iter().all(|r| r.code.starts_with("61.")));
        let districts = children("61.01");
        assert!(districts.iter().any(|r| r.code == "61.01.09" && r.name == "Sajingan Besar"));
        let villages = children("610109");
        assert!(villages.iter().any(|r| r.code == "61.01.09.2002" && r.name == "Sebunga"));
        assert!(children("61.01.09.2002").is_empty());
        assert!(children("99.99").is_empty());
    }

    #[test]
    fn validates_codes() {
        assert!(is_district("61.01.09"));
        assert!(is_district("610109"));
        assert!(!is_district("61.01"));
        assert!(!is_district("61.01.99"));
        assert!(!is_district("6x.01.09"));
        let (p, r, d) = district_path("61.01.09").unwrap();
        assert_eq!((p.name.as_str(), r.name.as_str(), d.name.as_str()), ("KALIMANTAN BARAT", "KABUPATEN SAMBAS", "Sajingan Besar"));
    }

    #[test]
    fn search_prefers_prefix_matches() {
        let hits = search("sambas", None, 10);
        assert_eq!(hits[0].code, "61.01");
        assert!(hits.iter().all(|h| h.name.to_lowercase().contains("sambas")));
        let only_districts = search("sambas", Some(Level::District), 10);
        assert!(only_districts.iter().all(|h| h.level == Level::District));
        assert!(search("   ", None, 10).is_empty());
    }

    #[test]
    fn time_zone_follows_province() {
        assert_eq!(time_zone_of_province("61"), Some(TimeZone::WIB)); // Kalimantan Barat
        assert_eq!(time_zone_of_province("31"), Some(TimeZone::WIB)); // DKI Jakarta
        assert_eq!(time_zone_of_province("51"), Some(TimeZone::WITA)); // Bali
        assert_eq!(time_zone_of_province("64"), Some(TimeZone::WITA)); // Kalimantan Timur
        assert_eq!(time_zone_of_province("73"), Some(TimeZone::WITA)); // Sulawesi Selatan
        assert_eq!(time_zone_of_province("81"), Some(TimeZone::WIT)); // Maluku
        assert_eq!(time_zone_of_province("96"), Some(TimeZone::WIT)); // Papua Barat Daya
        assert_eq!(time_zone_of_province("20"), None);
        assert_eq!(TimeZone::WITA.utc_offset_minutes(), 480);
    }
}
