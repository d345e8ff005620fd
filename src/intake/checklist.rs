//! The document checklist: which requirements apply to an application, each marked present, missing
//! or not valid (with a note and an optional scan); returning an incomplete file; finishing the check.

use super::{load_application, set_status, today, ApplicationStatus, ApplicationView, INTAKE_ROLES};
use crate::api::{Access, Registry};
use crate::app::App;
use crate::auth::Caller;
use crate::clock::to_db;
use crate::error::{Error, ErrorCode, Result};
use base64::Engine;
use rusqlite::{params, Connection};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Scans of documents: an image or a PDF, at most this big.
pub const MAX_SCAN_BYTES: usize = 5 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Present,
    Missing,
    Invalid,
}

impl CheckStatus {
    fn as_str(self) -> &'static str {
        match self {
            CheckStatus::Present => "present",
            CheckStatus::Missing => "missing",
            CheckStatus::Invalid => "invalid",
        }
    }
    fn parse(s: &str) -> CheckStatus {
        match s {
            "present" => CheckStatus::Present,
            "invalid" => CheckStatus::Invalid,
            _ => CheckStatus::Missing,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            CheckStatus::Present => "Ada",
            CheckStatus::Missing => "Tidak ada",
            CheckStatus::Invalid => "Tidak sah",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema, TS)]
pub struct ChecklistItem {
    #[ts(type = "number")]
    pub requirement_id: i64,
    pub code: String,
    pub name: String,
    /// Null until the officer has looked at it.
    pub status: Option<CheckStatus>,
    pub note: Option<String>,
    pub scan_type: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema, TS)]
pub struct ChecklistView {
    pub application: ApplicationView,
    pub items: Vec<ChecklistItem>,
    /// Every item is present.
    pub complete: bool,
}

/// The requirements that apply: all of the kind's "always" ones, and the marriage book only for a
/// married applicant under 17.
fn checklist(conn: &Connection, application_id: &str, now: chrono::DateTime<chrono::Utc>) -> Result<ChecklistView> {
    let application = load_application(conn, application_id)?;
    let (birth, marital): (String, String) = conn.query_row(
        "SELECT p.birth_date, p.marital_status FROM application a JOIN applicant p ON p.id = a.applicant_id WHERE a.id = ?1",
        [application_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let birth = chrono::NaiveDate::parse_from_str(&birth, "%Y-%m-%d").map_err(Error::internal)?;
    let under_17_married = super::biodata::age_on(birth, today(conn, now)?) < 17 && marital != "BELUM KAWIN";
    let items: Vec<ChecklistItem> = conn
        .prepare_cached(
            "SELECT r.id, r.code, r.name, r.condition, d.status, d.note, d.scan_type FROM requirement r
             LEFT JOIN document_check d ON d.requirement_id = r.id AND d.application_id = ?1
             WHERE r.kind = ?2 AND r.active = 1 ORDER BY r.sort_order, r.id",
        )?
        .query_map(params![application_id, application.kind.as_str()], |r| {
            Ok((
                r.get::<_, String>("condition")?,
                ChecklistItem {
                    requirement_id: r.get("id")?,
                    code: r.get("code")?,
                    name: r.get("name")?,
                    status: r.get::<_, Option<String>>("status")?.map(|s| CheckStatus::parse(&s)),
                    note: r.get("note")?,
                    scan_type: r.get("scan_type")?,
                },
            ))
        })?
        .filter_map(|row| match row {
            Ok((condition, item)) => (condition == "always" || under_17_married).then_some(Ok(item)),
            Err(e) => Some(Err(e)),
        })
        .collect::<rusqlite::Result<_>>()?;
    let complete = !items.is_empty() && items.iter().all(|i| i.status == Some(CheckStatus::Present));
    Ok(ChecklistView { application, items, complete })
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct ApplicationIdRequest {
    pub application_id: String,
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct CheckRequirementRequest {
    pub application_id: String,
    #[ts(type = "number")]
    pub requirement_id: i64,
    pub status: CheckStatus,
    #[serde(default)]
    #[ts(optional)]
    pub note: Option<String>,
    /// Optional scan, base64 (JPEG, PNG or PDF, at most 5 MiB).
    #[serde(default)]
    #[ts(optional)]
    pub scan_base64: Option<String>,
}

/// The kind of a scanned document from its first bytes: JPEG, PNG or PDF, else `None`.
pub fn sniff_scan(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else {
        None
    }
}

fn editable(view: &ApplicationView) -> Result<()> {
    match view.status {
        ApplicationStatus::Checking | ApplicationStatus::Returned => Ok(()),
        _ => Err(Error::new(ErrorCode::Conflict, format!("Permohonan {} sudah lewat pemeriksaan dokumen.", view.number))),
    }
}

fn check_requirement(app: &App, caller: &Caller, req: CheckRequirementRequest) -> Result<ChecklistView> {
    let scan = match req.scan_base64.as_deref().filter(|s| !s.is_empty()) {
        Some(b64) => {
            if b64.len() > MAX_SCAN_BYTES / 3 * 4 + 4 {
                return Err(Error::field("scan_base64", format!("Pindaian terlalu besar (maksimal {} MiB).", MAX_SCAN_BYTES / 1024 / 1024)));
            }
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .map_err(|_| Error::field("scan_base64", "Pindaian tidak terbaca (base64 tidak sah)."))?;
            let kind = sniff_scan(&bytes).ok_or_else(|| Error::field("scan_base64", "Pindaian harus berupa JPEG, PNG atau PDF."))?;
            Some((bytes, kind))
        }
        None => None,
    };
    let note = req.note.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_string);
    if note.as_deref().is_some_and(|n| n.chars().count() > 300) {
        return Err(Error::field("note", "Catatan maksimal 300 karakter."));
    }
    if req.status == CheckStatus::Invalid && note.is_none() {
        return Err(Error::field("note", "Tuliskan mengapa dokumen tidak sah."));
    }
    let (now, caller) = (app.now(), caller.clone());
    app.store.write(move |tx| {
        let view = checklist(tx, &req.application_id, now)?;
        editable(&view.application)?;
        if !view.items.iter().any(|i| i.requirement_id == req.requirement_id) {
            return Err(Error::field("requirement_id", "Syarat ini tidak berlaku untuk permohonan ini."));
        }
        let (scan, scan_type) = match scan {
            Some((b, t)) => (Some(b), Some(t)),
            None => (None, None),
        };
        tx.execute(
            "INSERT INTO document_check (application_id, requirement_id, status, note, scan, scan_type, checked_by, checked_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (application_id, requirement_id) DO UPDATE SET status = excluded.status, note = excluded.note,
                scan = COALESCE(excluded.scan, scan), scan_type = COALESCE(excluded.scan_type, scan_type),
                checked_by = excluded.checked_by, checked_at = excluded.checked_at",
            params![req.application_id, req.requirement_id, req.status.as_str(), note, scan, scan_type, caller.staff_id, to_db(now)],
        )?;
        crate::audit::append(
            tx,
            now,
            Some(&caller.username),
            "document_checked",
            Some(&view.application.number),
            serde_json::json!({"requirement_id": req.requirement_id, "status": req.status, "note": note}),
        )?;
        checklist(tx, &req.application_id, now)
    })
}

/// Returns an incomplete file to the applicant; the slip lists what is missing.
fn return_application(app: &App, caller: &Caller, req: ApplicationIdRequest) -> Result<ChecklistView> {
    let (now, caller) = (app.now(), caller.clone());
    app.store.write(move |tx| {
        let view = checklist(tx, &req.application_id, now)?;
        editable(&view.application)?;
        let missing: Vec<String> = view
            .items
            .iter()
            .filter(|i| matches!(i.status, Some(CheckStatus::Missing) | Some(CheckStatus::Invalid)) || i.status.is_none())
            .map(|i| i.name.clone())
            .collect();
        if missing.is_empty() {
            return Err(Error::new(ErrorCode::Conflict, "Semua dokumen ada: selesaikan pemeriksaan, jangan kembalikan berkas."));
        }
        set_status(tx, &req.application_id, ApplicationStatus::Returned, now, &caller, Some(&format!("Kurang: {}", missing.join("; "))))?;
        // What was lacking at this return, for the report: the checks change when the applicant
        // comes back with the documents.
        let event: i64 = tx.query_row(
            "SELECT MAX(id) FROM application_event WHERE application_id = ?1 AND status = 'returned'",
            [&req.application_id],
            |r| r.get(0),
        )?;
        for item in &view.items {
            let status = match item.status {
                Some(CheckStatus::Invalid) => "invalid",
                Some(CheckStatus::Missing) | None => "missing",
                Some(CheckStatus::Present) => continue,
            };
            tx.execute(
                "INSERT INTO return_item (event_id, requirement_id, status) VALUES (?1, ?2, ?3)",
                rusqlite::params![event, item.requirement_id, status],
            )?;
        }
        checklist(tx, &req.application_id, now)
    })
}

/// All documents are present: the application waits for recording.
fn complete_checks(app: &App, caller: &Caller, req: ApplicationIdRequest) -> Result<ChecklistView> {
    let (now, caller) = (app.now(), caller.clone());
    app.store.write(move |tx| {
        let view = checklist(tx, &req.application_id, now)?;
        editable(&view.application)?;
        if !view.complete {
            let open: Vec<&str> = view.items.iter().filter(|i| i.status != Some(CheckStatus::Present)).map(|i| i.name.as_str()).collect();
            return Err(Error::new(ErrorCode::Conflict, format!("Dokumen belum lengkap: {}.", open.join("; "))));
        }
        set_status(tx, &req.application_id, ApplicationStatus::ReadyToRecord, now, &caller, Some("Dokumen lengkap"))?;
        checklist(tx, &req.application_id, now)
    })
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct FindRequest {
    /// A NIK, a name (or part), an application number or a ticket number.
    pub query: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema, TS)]
pub struct ApplicationList {
    pub items: Vec<ApplicationView>,
}

fn find(app: &App, req: FindRequest) -> Result<ApplicationList> {
    let q = req.query.trim().to_uppercase();
    if q.chars().count() < 3 {
        return Err(Error::field("query", "Ketik paling sedikit 3 karakter."));
    }
    app.store.read(|c| {
        let like = format!("%{q}%");
        let ids: Vec<String> = c
            .prepare(
                "SELECT a.id FROM application a JOIN applicant p ON p.id = a.applicant_id LEFT JOIN ticket t ON t.id = a.ticket_id
                 WHERE p.nik = ?1 OR a.number = ?1 OR t.number = ?1 OR p.full_name LIKE ?2 ORDER BY a.created_at DESC LIMIT 50",
            )?
            .query_map(params![q, like], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(ApplicationList { items: ids.iter().map(|id| load_application(c, id)).collect::<Result<_>>()? })
    })
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct PublicStatusRequest {
    /// The application number on the return slip, or the receipt number of the recording receipt
    /// (or either QR code's content).
    pub number: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema, TS)]
pub struct PublicStatus {
    pub number: String,
    pub kind_label: String,
    pub status: ApplicationStatus,
    pub status_label: String,
    /// A card was printed: the applicant can collect it.
    pub card_printed: bool,
    pub updated_at: String,
}

/// For the kiosk: the status of an application by its number or id, without personal data.
fn public_status(app: &App, req: PublicStatusRequest) -> Result<PublicStatus> {
    let key = req.number.trim().to_uppercase();
    app.store.read(|c| {
        let id: Option<String> = c
            .query_row(
                "SELECT id FROM application WHERE number = ?1 OR upper(id) = ?1
                 OR id = (SELECT application_id FROM recording WHERE receipt_number = ?1)",
                [&key],
                |r| r.get(0),
            )
            .map(Some)
            .or_else(|e| if e == rusqlite::Error::QueryReturnedNoRows { Ok(None) } else { Err(e) })?;
        let id = id.ok_or_else(|| Error { code: ErrorCode::NotFound, ..Error::field("number", format!("Nomor permohonan {key} tidak ditemukan.")) })?;
        let v = load_application(c, &id)?;
        // Once a card is printed, the applicant is told to collect it.
        let printed: bool = c.query_row(
            "SELECT EXISTS (SELECT 1 FROM print_job j JOIN recording r ON r.id = j.recording_id WHERE r.application_id = ?1 AND j.state = 'done')",
            [&id],
            |r| r.get(0),
        )?;
        let status_label = if printed { "KTP-el sudah dicetak, silakan ambil".to_string() } else { v.status.public_label().to_string() };
        let status_label = if crate::handover::collected(c, &id)? { "KTP-el sudah diambil".to_string() } else { status_label };
        Ok(PublicStatus { number: v.number, kind_label: v.kind_label, status: v.status, status_label, card_printed: printed, updated_at: v.updated_at })
    })
}

pub fn register(r: &mut Registry) {
    let intake = Access::Roles(INTAKE_ROLES);
    r.add_staff_file("intake.return_slip", intake, "application/pdf", "The return slip of a returned application (PDF)", |app, _, req: ReturnSlipRequest| {
        return_slip_file(app, &req)
    });
    r.add_staff("intake.checklist", intake, "The document checklist of an application", |app, _, req: ApplicationIdRequest| {
        let now = app.now();
        app.store.read(|c| checklist(c, &req.application_id, now))
    });
    r.add_staff("intake.check_requirement", intake, "Mark one requirement present, missing or not valid", check_requirement);
    r.add_staff("intake.return_application", intake, "Return an incomplete file with a slip", return_application);
    r.add_staff("intake.complete_checks", intake, "All documents present: ready for recording", complete_checks);
    r.add_staff(
        "intake.find",
        Access::Roles(&[crate::auth::Role::CounterOfficer, crate::auth::Role::RecordingOperator, crate::auth::Role::Supervisor]),
        "Find applications by NIK, name, number or ticket",
        |app, _, req: FindRequest| find(app, req),
    );
    r.add_staff("intake.application", Access::AnyStaff, "One application with its timeline", |app, _, req: ApplicationIdRequest| {
        app.store.read(|c| load_application(c, &req.application_id))
    });
    r.add("intake.public_status", Access::Public, "Application status for the kiosk (no personal data)", |app, _, req: PublicStatusRequest| {
        public_status(app, req)
    });
}

/// The return slip of a returned application: A5 (`paper` "a5") or a thermal roll PDF ("80", "58").
/// Which return slip, on which paper (`a5`, `80`, `58`; A5 when left out).
#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct ReturnSlipRequest {
    pub application_id: String,
    #[serde(default)]
    #[ts(optional)]
    pub paper: Option<String>,
}

/// The return slip (tanda pengembalian berkas) of a returned application, as a PDF.
pub fn return_slip_file(app: &App, req: &ReturnSlipRequest) -> Result<crate::api::FileOut> {
    use crate::documents::{file_name, Paper};
    let paper = Paper::parse(req.paper.as_deref())?;
    let (bytes, number) = return_slip_pdf(app, &req.application_id, paper)?;
    Ok(crate::api::FileOut::pdf(bytes, file_name(&format!("tanda-pengembalian-{number}"), paper.as_str(), "pdf")))
}

fn return_slip_pdf(app: &App, application_id: &str, paper: crate::documents::Paper) -> Result<(Vec<u8>, String)> {
    use crate::documents::{return_slip_pdf_a5, return_slip_thermal, MissingItem, ReturnSlip};
    let now = app.now();
    let slip = app.store.read(|c| {
        let view = checklist(c, application_id, now)?;
        if view.application.status != ApplicationStatus::Returned {
            return Err(Error::new(ErrorCode::Conflict, format!("Permohonan {} tidak sedang dikembalikan.", view.application.number)));
        }
        let office = crate::setup::require_office(c)?;
        let (at, officer): (String, Option<String>) = c.query_row(
            "SELECT e.at, s.full_name FROM application_event e LEFT JOIN staff s ON s.id = e.staff_id
             WHERE e.application_id = ?1 AND e.status = 'returned' ORDER BY e.id DESC LIMIT 1",
            [application_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let missing = view
            .items
            .iter()
            .filter(|i| i.status != Some(CheckStatus::Present))
            .map(|i| MissingItem {
                name: i.name.clone(),
                status: i.status.unwrap_or(CheckStatus::Missing).label().to_string(),
                note: i.note.clone(),
            })
            .collect();
        Ok(ReturnSlip {
            office_name: office.name.clone(),
            office_address: None,
            applicant_name: view.application.full_name.clone(),
            nik: view.application.nik.clone(),
            application_type: view.application.kind_label.clone(),
            application_number: view.application.number.clone(),
            missing,
            returned_at: office.long_date_time(crate::clock::from_db(&at)),
            officer_name: officer.unwrap_or_default(),
            qr_payload: view.application.number.clone(),
            footer: Some("Bawa tanda ini dan dokumen yang kurang saat kembali. Biodata Anda tidak perlu diisi ulang.".into()),
        })
    })?;
    let bytes = match paper {
        crate::documents::Paper::A5 => return_slip_pdf_a5(&slip)?,
        crate::documents::Paper::Roll(width) => {
            return_slip_thermal(&slip, width).pdf(width, &format!("Tanda pengembalian {}", slip.application_number))?
        }
    };
    Ok((bytes, slip.application_number))
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema, TS)]
pub struct RequirementView {
    #[ts(type = "number")]
    pub id: i64,
    pub kind: super::ApplicationKind,
    pub code: String,
    pub name: String,
    /// "always", or "under_17_married".
    pub condition: String,
    pub active: bool,
}

#[derive(Debug, Clone, Serialize, JsonSchema, TS)]
pub struct RequirementList {
    pub items: Vec<RequirementView>,
}

fn requirements(conn: &Connection) -> Result<RequirementList> {
    let items = conn
        .prepare("SELECT id, kind, code, name, condition, active FROM requirement ORDER BY kind, sort_order, id")?
        .query_map([], |r| {
            Ok(RequirementView {
                id: r.get("id")?,
                kind: super::ApplicationKind::parse(&r.get::<_, String>("kind")?),
                code: r.get("code")?,
                name: r.get("name")?,
                condition: r.get("condition")?,
                active: r.get("active")?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(RequirementList { items })
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct RequirementSaveRequest {
    /// Absent to add a requirement.
    #[serde(default)]
    #[ts(optional, type = "number | null")]
    pub id: Option<i64>,
    pub kind: super::ApplicationKind,
    pub code: String,
    pub name: String,
    pub condition: String,
    pub active: bool,
}

fn save_requirement(app: &App, caller: &Caller, req: RequirementSaveRequest) -> Result<RequirementList> {
    let code = req.code.trim().to_lowercase();
    if code.is_empty() || code.len() > 40 || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(Error::field("code", "Kode syarat: huruf kecil, angka atau garis bawah (maksimal 40)."));
    }
    let name = req.name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() || name.chars().count() > 150 {
        return Err(Error::field("name", "Nama syarat wajib diisi (maksimal 150 karakter)."));
    }
    if !["always", "under_17_married"].contains(&req.condition.as_str()) {
        return Err(Error::field("condition", "Kondisi: always atau under_17_married."));
    }
    let (now, actor) = (app.now(), caller.username.clone());
    app.store.write(move |tx| {
        let clash: bool = tx.query_row(
            "SELECT EXISTS(SELECT 1 FROM requirement WHERE kind = ?1 AND code = ?2 AND id IS NOT ?3)",
            params![req.kind.as_str(), code, req.id],
            |r| r.get(0),
        )?;
        if clash {
            return Err(Error { code: ErrorCode::Conflict, ..Error::field("code", format!("Kode {code} sudah ada untuk jenis ini.")) });
        }
        match req.id {
            Some(id) => {
                let n = tx.execute(
                    "UPDATE requirement SET kind = ?2, code = ?3, name = ?4, condition = ?5, active = ?6 WHERE id = ?1",
                    params![id, req.kind.as_str(), code, name, req.condition, req.active],
                )?;
                if n == 0 {
                    return Err(Error { field: Some("id".into()), ..Error::not_found("Syarat") });
                }
            }
            None => {
                tx.execute(
                    "INSERT INTO requirement (kind, code, name, condition, active, sort_order)
                     VALUES (?1, ?2, ?3, ?4, ?5, (SELECT COALESCE(MAX(sort_order), 0) + 1 FROM requirement WHERE kind = ?1))",
                    params![req.kind.as_str(), code, name, req.condition, req.active],
                )?;
            }
        }
        crate::audit::append(tx, now, Some(&actor), "requirement_saved", Some(&code), serde_json::json!({"kind": req.kind, "name": name, "active": req.active}))?;
        requirements(tx)
    })
}

pub fn register_requirements(r: &mut Registry) {
    let managers = Access::Roles(crate::api::MANAGERS);
    r.add_staff("intake.requirement_list", Access::AnyStaff, "Document requirements per kind of application", |app, _, _: crate::api::Empty| {
        app.store.read(requirements)
    });
    r.add_staff("intake.requirement_save", managers, "Add or change a document requirement", save_requirement);
}
