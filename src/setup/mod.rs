//! First-run setup: which kecamatan this office serves, its name, and the first administrator.
//! The office's time zone is derived from its province and fixed at setup.

use crate::api::{Access, Empty, Registry};
use crate::auth::{password, staff, Role};
use crate::clock::to_db;
use crate::error::{Error, ErrorCode, Result};
use crate::regions::{self, Region, TimeZone};
use chrono::{DateTime, FixedOffset, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema, TS)]
pub struct Office {
    pub name: String,
    pub district_code: String,
    pub district_name: String,
    pub regency_name: String,
    pub province_name: String,
    pub time_zone: TimeZone,
    pub utc_offset_minutes: i32,
}

impl Office {
    pub fn offset(&self) -> FixedOffset {
        FixedOffset::east_opt(self.utc_offset_minutes * 60).expect("offset within a day")
    }
    /// `Sabtu, 21 November 2026 08.15 WIB`: dates as people in Indonesia write them.
    pub fn long_date_time(&self, t: DateTime<Utc>) -> String {
        format!("{} {}", self.long_date(t.with_timezone(&self.offset()).date_naive()), self.clock_time(t))
    }

    /// `Sabtu, 21 November 2026`.
    pub fn long_date(&self, d: chrono::NaiveDate) -> String {
        use chrono::Datelike;
        const DAYS: [&str; 7] = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"];
        format!("{}, {}", DAYS[d.weekday().num_days_from_monday() as usize], date_words(d))
    }

    /// `14.05 WIB`: how officers read a time.
    pub fn clock_time(&self, t: DateTime<Utc>) -> String {
        format!("{} {:?}", t.with_timezone(&self.offset()).format("%H.%M"), self.time_zone)
    }
}

/// `21 November 2026`.
pub fn date_words(d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    const MONTHS: [&str; 12] =
        ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"];
    format!("{} {} {}", d.day(), MONTHS[d.month0() as usize], d.year())
}

pub fn load_office(conn: &Connection) -> Result<Option<Office>> {
    let row: Option<(String, String, i32)> = conn
        .prepare_cached("SELECT name, district_code, utc_offset_minutes FROM office WHERE id = 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    Ok(row.map(|(name, district_code, utc_offset_minutes)| {
        let (p, r, d) = regions::district_path(&district_code).unwrap_or_else(|| {
            let unknown = Region { code: district_code.clone(), name: "?".into() };
            (unknown.clone(), unknown.clone(), unknown)
        });
        Office {
            name,
            district_code,
            district_name: d.name,
            regency_name: r.name,
            province_name: p.name,
            time_zone: TimeZone::from_offset_minutes(utc_offset_minutes),
            utc_offset_minutes,
        }
    }))
}

#[derive(Debug, Clone, Serialize, JsonSchema, TS)]
pub struct SetupStatus {
    pub initialised: bool,
    pub office: Option<Office>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct SetupRequest {
    /// Kecamatan code, dotted: `61.01.09`.
    pub district_code: String,
    pub office_name: String,
    pub admin_username: String,
    pub admin_full_name: String,
    pub admin_password: String,
}

/// Creates the office and its first administrator. Refused once an office exists.
pub fn initialise(app: &crate::app::App, req: SetupRequest) -> Result<SetupStatus> {
    let code = req.district_code.trim();
    if !regions::is_district(code) {
        return Err(Error::field("district_code", format!("Kode kecamatan '{code}' tidak dikenal. Contoh: 61.01.09.")));
    }
    let code = regions::lookup(code).map(|r| r.code).unwrap_or_default();
    let office_name = req.office_name.trim();
    if office_name.is_empty() || office_name.chars().count() > 120 {
        return Err(Error::field("office_name", "Nama kantor wajib diisi (maksimal 120 karakter)."));
    }
    let username = staff::validate_username("admin_username", &req.admin_username)?;
    let full_name = staff::validate_full_name("admin_full_name", &req.admin_full_name)?;
    password::validate("admin_password", &req.admin_password)?;
    let zone = regions::time_zone_of_province(&code[..2]).unwrap_or(TimeZone::WIB);
    let hash = password::hash(&req.admin_password)?;
    let now = app.now();
    let office_name = office_name.to_string();
    let ca_name = office_name.clone();
    app.store.write(move |tx| {
        let exists: bool = tx.query_row("SELECT EXISTS(SELECT 1 FROM office)", [], |r| r.get(0))?;
        if exists {
            return Err(Error::new(ErrorCode::AlreadyInitialised, "Kantor ini sudah disiapkan sebelumnya."));
        }
        tx.execute(
            "INSERT INTO office (id, name, district_code, utc_offset_minutes, created_at) VALUES (1, ?1, ?2, ?3, ?4)",
            params![office_name, code, zone.utc_offset_minutes(), to_db(now)],
        )?;
        let admin = staff::insert(tx, now, &username, &full_name, &hash, &[Role::Administrator], false)?;
        crate::audit::append(
            tx,
            now,
            Some(&username),
            "office_initialised",
            Some(&code),
            serde_json::json!({"office_name": office_name, "time_zone": zone, "admin": admin.username}),
        )?;
        Ok(())
    })?;
    // The office CA for HTTPS on the LAN, named after the office; the hub loads it at the first
    // switch to the LAN (and makes it then, should this fail).
    if let Err(e) = crate::hub::tls::OfficeTls::open(&app.data_dir, Some(&ca_name)) {
        tracing::error!(message = %e.message, "office certificates not made at setup");
    }
    status(app)
}

pub fn status(app: &crate::app::App) -> Result<SetupStatus> {
    let office = app.store.read(load_office)?;
    Ok(SetupStatus { initialised: office.is_some(), office })
}

/// The office, or a clear error when setup has not run yet.
pub fn require_office(conn: &Connection) -> Result<Office> {
    load_office(conn)?.ok_or_else(|| {
        Error::new(ErrorCode::NotInitialised, "Kantor belum disiapkan. Jalankan penyiapan awal terlebih dahulu.")
    })
}

#[derive(Debug, Clone, Serialize, JsonSchema, TS)]
pub struct RegionList {
    pub items: Vec<Region>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct RegionChildrenRequest {
    pub code: String,
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct RegionSearchRequest {
    pub query: String,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub level: Option<regions::Level>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, JsonSchema, TS)]
pub struct RegionSearchResult {
    pub items: Vec<regions::RegionHit>,
}

pub fn register(r: &mut Registry) {
    r.add("setup.status", Access::Public, "Is the office set up, and which office", |app, _, _: Empty| status(app));
    r.add("setup.initialise", Access::Public, "First-run setup: office and first administrator", |app, _, req: SetupRequest| {
        initialise(app, req)
    });
    r.add("regions.provinces", Access::Public, "All provinces", |_, _, _: Empty| {
        Ok(RegionList { items: regions::provinces() })
    });
    r.add("regions.children", Access::Public, "Regions one level below a code", |_, _, req: RegionChildrenRequest| {
        if regions::lookup(&req.code).is_none() {
            return Err(Error::field("code", format!("Kode wilayah '{}' tidak dikenal.", req.code)));
        }
        Ok(RegionList { items: regions::children(&req.code) })
    });
    r.add("regions.search", Access::Public, "Search regions by name", |_, _, req: RegionSearchRequest| {
        let limit = req.limit.unwrap_or(20);
        if !(1..=200).contains(&limit) {
            return Err(Error::field("limit", "Jumlah hasil harus 1 sampai 200."));
        }
        Ok(RegionSearchResult { items: regions::search(&req.query, req.level, limit as usize) })
    });
}
