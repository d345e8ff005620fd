//! Applicant intake at the counter: the biodata form (checked against the NIK), the application and
//! its timeline, and the document checklist per kind of application. Incomplete files are returned
//! with a slip; when the applicant comes back the same application resumes.

pub mod biodata;
pub mod codes;
pub mod nik;

use crate::api::{Access, Empty, Registry};
use crate::app::App;
use crate::auth::{Caller, Role};
use crate::clock::to_db;
use crate::error::{Error, ErrorCode, Result};
use crate::setup::require_office;
use biodata::Biodata;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

/// The counter officer takes the file; a supervisor may too.
pub const INTAKE_ROLES: &[Role] = &[Role::CounterOfficer, Role::Supervisor];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationKind {
    /// KTP-el baru (pemula)
    New,
    /// Penggantian karena hilang
    Lost,
    /// Penggantian karena rusak
    Damaged,
    /// Perubahan data
    DataChange,
    /// Pindah datang
    MovedIn,
}

impl ApplicationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ApplicationKind::New => "new",
            ApplicationKind::Lost => "lost",
            ApplicationKind::Damaged => "damaged",
            ApplicationKind::DataChange => "data_change",
            ApplicationKind::MovedIn => "moved_in",
        }
    }
    pub fn parse(s: &str) -> ApplicationKind {
        match s {
            "lost" => ApplicationKind::Lost,
            "damaged" => ApplicationKind::Damaged,
            "data_change" => ApplicationKind::DataChange,
            "moved_in" => ApplicationKind::MovedIn,
            _ => ApplicationKind::New,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            ApplicationKind::New => "KTP-el baru (pemula)",
            ApplicationKind::Lost => "Penggantian KTP-el hilang",
            ApplicationKind::Damaged => "Penggantian KTP-el rusak",
            ApplicationKind::DataChange => "Perubahan data",
            ApplicationKind::MovedIn => "Pindah datang",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    Checking,
    Returned,
    ReadyToRecord,
    Recorded,
    Cancelled,
}

impl ApplicationStatus {
    fn as_str(self) -> &'static str {
        match self {
            ApplicationStatus::Checking => "checking",
            ApplicationStatus::Returned => "returned",
            ApplicationStatus::ReadyToRecord => "ready_to_record",
            ApplicationStatus::Recorded => "recorded",
            ApplicationStatus::Cancelled => "cancelled",
        }
    }
    fn parse(s: &str) -> ApplicationStatus {
        match s {
            "returned" => ApplicationStatus::Returned,
            "ready_to_record" => ApplicationStatus::ReadyToRecord,
            "recorded" => ApplicationStatus::Recorded,
            "cancelled" => ApplicationStatus::Cancelled,
            _ => ApplicationStatus::Checking,
        }
    }
    /// What the kiosk shows the applicant.
    pub fn public_label(self) -> &'static str {
        match self {
            ApplicationStatus::Checking => "Berkas sedang diperiksa",
            ApplicationStatus::Returned => "Berkas belum lengkap: lengkapi dokumen sesuai tanda pengembalian",
            ApplicationStatus::ReadyToRecord => "Berkas lengkap: menunggu perekaman",
            ApplicationStatus::Recorded => "Sudah direkam",
            ApplicationStatus::Cancelled => "Dibatalkan",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema, TS)]
pub struct TimelineEntry {
    pub at: String,
    pub status: ApplicationStatus,
    pub by: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema, TS)]
pub struct ApplicationView {
    pub id: String,
    pub number: String,
    pub kind: ApplicationKind,
    pub kind_label: String,
    pub status: ApplicationStatus,
    pub nik: String,
    pub full_name: String,
    pub ticket_number: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub timeline: Vec<TimelineEntry>,
}

pub fn load_application(conn: &Connection, id: &str) -> Result<ApplicationView> {
    let mut view = conn
        .query_row(
            "SELECT a.id, a.number, a.kind, a.status, p.nik, p.full_name, t.number AS ticket_number, a.created_at, a.updated_at
             FROM application a JOIN applicant p ON p.id = a.applicant_id LEFT JOIN ticket t ON t.id = a.ticket_id WHERE a.id = ?1",
            [id],
            |r| {
                let kind = ApplicationKind::parse(&r.get::<_, String>("kind")?);
                Ok(ApplicationView {
                    id: r.get("id")?,
                    number: r.get("number")?,
                    kind,
                    kind_label: kind.label().to_string(),
                    status: ApplicationStatus::parse(&r.get::<_, String>("status")?),
                    nik: r.get("nik")?,
                    full_name: r.get("full_name")?,
                    ticket_number: r.get("ticket_number")?,
                    created_at: r.get("created_at")?,
                    updated_at: r.get("updated_at")?,
                    timeline: Vec::new(),
                })
            },
        )
        .optional()?
        .ok_or_else(|| Error { field: Some("application_id".into()), ..Error::not_found("Permohonan") })?;
    view.timeline = conn
        .prepare_cached(
            "SELECT e.at, e.status, s.full_name, e.note FROM application_event e LEFT JOIN staff s ON s.id = e.staff_id
             WHERE e.application_id = ?1 ORDER BY e.id",
        )?
        .query_map([id], |r| {
            Ok(TimelineEntry { at: r.get(0)?, status: ApplicationStatus::parse(&r.get::<_, String>(1)?), by: r.get(2)?, note: r.get(3)? })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(view)
}

/// Writes the new status, its timeline row, an audit row and an outbox row, together.
fn set_status(conn: &Connection, id: &str, status: ApplicationStatus, now: DateTime<Utc>, caller: &Caller, note: Option<&str>) -> Result<ApplicationView> {
    conn.execute("UPDATE application SET status = ?2, updated_at = ?3 WHERE id = ?1", params![id, status.as_str(), to_db(now)])?;
    conn.execute(
        "INSERT INTO application_event (application_id, at, status, staff_id, note) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, to_db(now), status.as_str(), caller.staff_id, note],
    )?;
    let view = load_application(conn, id)?;
    crate::audit::append(conn, now, Some(&caller.username), "application_status", Some(&view.number), json!({"status": status, "note": note}))?;
    crate::sync::enqueue(conn, now, id, "application", &json!({"id": id, "number": view.number, "nik": view.nik, "kind": view.kind, "status": status}))?;
    Ok(view)
}

fn today(conn: &Connection, now: DateTime<Utc>) -> Result<NaiveDate> {
    let office = require_office(conn)?;
    Ok(now.with_timezone(&office.offset()).date_naive())
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema, TS)]
pub struct ApplicantView {
    pub id: String,
    pub biodata: Biodata,
    pub updated_at: String,
}

pub(crate) fn load_applicant(conn: &Connection, nik: &str) -> Result<Option<ApplicantView>> {
    Ok(conn
        .query_row(
            "SELECT id, nik, kk_number, full_name, sex, birth_place, birth_date, blood_type, religion, marital_status, occupation,
                    education, citizenship, address, rt, rw, village_code, postal_code, mobile, telephone, email, updated_at
             FROM applicant WHERE nik = ?1",
            [nik],
            |r| {
                Ok(ApplicantView {
                    id: r.get("id")?,
                    biodata: Biodata {
                        nik: r.get("nik")?,
                        kk_number: r.get("kk_number")?,
                        full_name: r.get("full_name")?,
                        sex: if r.get::<_, String>("sex")? == "P" { nik::Sex::P } else { nik::Sex::L },
                        birth_place: r.get("birth_place")?,
                        birth_date: r.get("birth_date")?,
                        blood_type: r.get("blood_type")?,
                        religion: r.get("religion")?,
                        marital_status: r.get("marital_status")?,
                        occupation: r.get("occupation")?,
                        education: r.get("education")?,
                        citizenship: r.get("citizenship")?,
                        address: r.get("address")?,
                        rt: r.get("rt")?,
                        rw: r.get("rw")?,
                        village_code: r.get("village_code")?,
                        postal_code: r.get("postal_code")?,
                        mobile: r.get("mobile")?,
                        telephone: r.get("telephone")?,
                        email: r.get("email")?,
                    },
                    updated_at: r.get("updated_at")?,
                })
            },
        )
        .optional()?)
}

fn open_applications(conn: &Connection, nik: &str) -> Result<Vec<ApplicationView>> {
    let ids: Vec<String> = conn
        .prepare_cached(
            "SELECT a.id FROM application a JOIN applicant p ON p.id = a.applicant_id
             WHERE p.nik = ?1 AND a.status IN ('checking', 'returned', 'ready_to_record') ORDER BY a.created_at",
        )?
        .query_map([nik], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    ids.iter().map(|id| load_application(conn, id)).collect()
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct NikRequest {
    pub nik: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema, TS)]
pub struct NikInfo {
    pub district_code: String,
    pub district_name: String,
    pub sex: nik::Sex,
    pub birth_date: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema, TS)]
pub struct LookupResult {
    pub nik_info: NikInfo,
    pub applicant: Option<ApplicantView>,
    /// Applications of this NIK still open in this office: flagged, to resume rather than start over.
    pub open_applications: Vec<ApplicationView>,
}

fn lookup(app: &App, req: NikRequest) -> Result<LookupResult> {
    let now = app.now();
    app.store.read(|c| {
        let parsed = nik::parse(&req.nik, today(c, now)?)?;
        let nik = req.nik.trim();
        Ok(LookupResult {
            nik_info: NikInfo {
                district_name: crate::regions::lookup(&parsed.district_code).map(|r| r.name).unwrap_or_default(),
                district_code: parsed.district_code,
                sex: parsed.sex,
                birth_date: parsed.birth_date.format("%Y-%m-%d").to_string(),
            },
            applicant: load_applicant(c, nik)?,
            open_applications: open_applications(c, nik)?,
        })
    })
}

#[derive(Debug, Clone, Serialize, JsonSchema, TS)]
pub struct SaveApplicantResult {
    pub applicant: ApplicantView,
    /// Differences with the NIK (sex, birth date) and other flags, for the officer to confirm.
    pub warnings: Vec<String>,
}

fn save_applicant(app: &App, caller: &Caller, form: Biodata) -> Result<SaveApplicantResult> {
    let now = app.now();
    let caller = caller.clone();
    app.store.write(move |tx| {
        let (clean, _, mut warnings) = biodata::validate(&form, today(tx, now)?)?;
        let existing = load_applicant(tx, &clean.nik)?;
        let id = existing.as_ref().map(|a| a.id.clone()).unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
        tx.execute(
            "INSERT INTO applicant (id, nik, kk_number, full_name, sex, birth_place, birth_date, blood_type, religion, marital_status,
                occupation, education, citizenship, address, rt, rw, village_code, postal_code, mobile, telephone, email, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?22)
             ON CONFLICT (nik) DO UPDATE SET kk_number = excluded.kk_number, full_name = excluded.full_name, sex = excluded.sex,
                birth_place = excluded.birth_place, birth_date = excluded.birth_date, blood_type = excluded.blood_type,
                religion = excluded.religion, marital_status = excluded.marital_status, occupation = excluded.occupation,
                education = excluded.education, citizenship = excluded.citizenship, address = excluded.address, rt = excluded.rt,
                rw = excluded.rw, village_code = excluded.village_code, postal_code = excluded.postal_code, mobile = excluded.mobile,
                telephone = excluded.telephone, email = excluded.email, updated_at = excluded.updated_at",
            params![
                id, clean.nik, clean.kk_number, clean.full_name, if clean.sex == nik::Sex::P { "P" } else { "L" }, clean.birth_place,
                clean.birth_date, clean.blood_type, clean.religion, clean.marital_status, clean.occupation, clean.education,
                clean.citizenship, clean.address, clean.rt, clean.rw, clean.village_code, clean.postal_code, clean.mobile,
                clean.telephone, clean.email, to_db(now)
            ],
        )?;
        let open = open_applications(tx, &clean.nik)?;
        if let Some(a) = open.first() {
            warnings.push(format!("NIK ini masih punya permohonan terbuka di kantor ini: {} ({}).", a.number, a.kind_label));
        }
        let action = if existing.is_some() { "applicant_updated" } else { "applicant_created" };
        crate::audit::append(tx, now, Some(&caller.username), action, Some(&clean.nik), json!({"warnings": warnings}))?;
        crate::sync::enqueue(tx, now, &id, "applicant", &json!({"id": id, "biodata": clean}))?;
        let applicant = load_applicant(tx, &clean.nik)?.ok_or_else(|| Error::internal("applicant vanished"))?;
        Ok(SaveApplicantResult { applicant, warnings })
    })
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct OpenApplicationRequest {
    pub nik: String,
    pub kind: ApplicationKind,
    /// The queue ticket being served, when the applicant came through the queue.
    #[serde(default)]
    #[ts(optional)]
    pub ticket_id: Option<String>,
}

/// 17 or older on the application date, or married or once married.
fn check_eligible(applicant: &ApplicantView, on: NaiveDate) -> Result<()> {
    let birth = NaiveDate::parse_from_str(&applicant.biodata.birth_date, "%Y-%m-%d").map_err(Error::internal)?;
    let age = biodata::age_on(birth, on);
    if age < 17 && applicant.biodata.marital_status == "BELUM KAWIN" {
        return Err(Error::field(
            "nik",
            format!("Pemohon berumur {age} tahun dan belum kawin: KTP-el diberikan mulai umur 17 tahun atau bagi yang sudah/pernah kawin."),
        ));
    }
    Ok(())
}

fn open_application(app: &App, caller: &Caller, req: OpenApplicationRequest) -> Result<ApplicationView> {
    let now = app.now();
    let caller = caller.clone();
    app.store.write(move |tx| {
        let on = today(tx, now)?;
        let applicant = load_applicant(tx, req.nik.trim())?
            .ok_or_else(|| Error::field("nik", "Isi dan simpan biodata pemohon terlebih dahulu."))?;
        check_eligible(&applicant, on)?;
        if let Some(open) = open_applications(tx, req.nik.trim())?.into_iter().next() {
            return Err(Error {
                code: ErrorCode::Conflict,
                ..Error::field("nik", format!("NIK ini sudah punya permohonan terbuka {} ({}): lanjutkan permohonan itu.", open.number, open.kind_label))
            });
        }
        if let Some(t) = &req.ticket_id {
            crate::queue::load_ticket(tx, t).map_err(|_| Error::field("ticket_id", "Tiket antrian tidak ditemukan."))?;
        }
        let id = uuid::Uuid::now_v7().to_string();
        let number = format!("PMH-{}-{:04}", on.format("%Y%m%d"), next_number(tx, on)?);
        tx.execute(
            "INSERT INTO application (id, number, applicant_id, kind, status, ticket_id, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, 'checking', ?5, ?6, ?6)",
            params![id, number, applicant.id, req.kind.as_str(), req.ticket_id, to_db(now)],
        )?;
        set_status(tx, &id, ApplicationStatus::Checking, now, &caller, Some("Permohonan dibuka"))
    })
}

/// Applications are numbered per office-local day: PMH-20261123-0001, -0002, …
fn next_number(conn: &Connection, on: NaiveDate) -> Result<i64> {
    let prefix = format!("PMH-{}-%", on.format("%Y%m%d"));
    let n: i64 = conn.query_row("SELECT COUNT(*) FROM application WHERE number LIKE ?1", [prefix], |r| r.get(0))?;
    Ok(n + 1)
}

pub fn register(r: &mut Registry) {
    let intake = Access::Roles(INTAKE_ROLES);
    r.add_staff("intake.lookup", intake, "What a NIK says, and the applicant and open applications behind it", |app, _, req: NikRequest| lookup(app, req));
    r.add_staff("intake.save_applicant", intake, "Save the biodata form (warnings returned, not refused)", save_applicant);
    r.add_staff("intake.open_application", intake, "Start an application for a saved applicant", open_application);
    r.add_staff("intake.code_lists", Access::AnyStaff, "The form's code lists", |_, _, _: Empty| Ok(CodeLists::get()));
    checklist::register(r);
    checklist::register_requirements(r);
}

#[derive(Debug, Clone, Serialize, JsonSchema, TS)]
pub struct CodeLists {
    pub religions: Vec<String>,
    pub marital_statuses: Vec<String>,
    pub blood_types: Vec<String>,
    pub occupations: Vec<String>,
    pub education: Vec<String>,
    pub citizenship: Vec<String>,
}

impl CodeLists {
    fn get() -> CodeLists {
        let v = |l: &[&str]| l.iter().map(|s| s.to_string()).collect();
        CodeLists {
            religions: v(codes::RELIGIONS),
            marital_statuses: v(codes::MARITAL_STATUSES),
            blood_types: v(codes::BLOOD_TYPES),
            occupations: v(codes::OCCUPATIONS),
            education: v(codes::EDUCATION),
            citizenship: v(codes::CITIZENSHIP),
        }
    }
}

mod checklist;
pub use checklist::{return_slip_file, sniff_scan, ChecklistView, ReturnSlipRequest, MAX_SCAN_BYTES};
