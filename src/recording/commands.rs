//! The recording desk's commands: start (or resume) a recording for an application whose documents
//! are complete, take the photo, the signature and the biometrics, record exceptions that a
//! supervisor approves, and finish: status BIO_CAPTURED, a receipt number, the application recorded,
//! and an outbox row for the central server, all in one transaction.

use super::biometrics::{self, BiometricException, BiometricPart, CaptureDevice, FolderScanner};
use super::photo::{self, CropBox, PhotoCheck, PhotoLimits};
use super::signature;
use crate::api::{Access, Empty, Registry};
use crate::app::App;
use crate::auth::{Caller, Role};
use crate::clock::to_db;
use crate::error::{Error, ErrorCode, Result};
use crate::intake::{load_application, ApplicationView};
use base64::Engine;
use rusqlite::{params, Connection, OptionalExtension};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

pub const RECORDING_ROLES: &[Role] = &[Role::RecordingOperator, Role::Supervisor];

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema, TS)]
pub struct PartState {
    pub part: BiometricPart,
    pub label: String,
    pub captured: bool,
    pub score: Option<u8>,
    pub acceptable: bool,
    pub exception_reason: Option<String>,
    pub exception_approved: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema, TS)]
pub struct RecordingView {
    pub id: String,
    pub status: String,
    pub application: ApplicationView,
    pub has_photo: bool,
    pub photo_checks: Vec<PhotoCheck>,
    pub has_signature: bool,
    pub parts: Vec<PartState>,
    pub receipt_number: Option<String>,
    pub started_at: String,
    pub finished_at: Option<String>,
    /// What still blocks finishing, in Bahasa Indonesia; empty when it can finish.
    pub missing: Vec<String>,
}

fn load(conn: &Connection, id: &str) -> Result<RecordingView> {
    let row = conn
        .query_row(
            "SELECT application_id, status, photo IS NOT NULL, photo_checks, signature IS NOT NULL, receipt_number, started_at, finished_at
             FROM recording WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, bool>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, bool>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, Option<String>>(7)?,
                ))
            },
        )
        .optional()?
        .ok_or_else(|| Error { field: Some("recording_id".into()), ..Error::not_found("Perekaman") })?;
    let (application_id, status, has_photo, checks, has_signature, receipt_number, started_at, finished_at) = row;
    let photo_checks: Vec<PhotoCheck> = checks.and_then(|c| serde_json::from_str(&c).ok()).unwrap_or_default();
    let mut stmt = conn.prepare_cached(
        "SELECT image IS NOT NULL, score, acceptable, exception_reason, approved_by IS NOT NULL FROM biometric WHERE recording_id = ?1 AND part = ?2",
    )?;
    let mut parts = Vec::new();
    for part in BiometricPart::all() {
        let got: Option<(bool, Option<u8>, bool, Option<String>, bool)> = stmt
            .query_row(params![id, biometrics::file_stem(part)], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
            .optional()?;
        let (captured, score, acceptable, exception_reason, exception_approved) = got.unwrap_or((false, None, false, None, false));
        parts.push(PartState { part, label: part.label().to_string(), captured, score, acceptable, exception_reason, exception_approved });
    }
    let mut missing = Vec::new();
    if !has_photo {
        missing.push("Foto belum diambil.".to_string());
    } else if photo_checks.iter().any(|c| c.blocking) {
        missing.push("Foto harus diambil ulang.".to_string());
    }
    if !has_signature {
        missing.push("Tanda tangan belum diambil.".to_string());
    }
    for p in &parts {
        let done = (p.captured && p.acceptable) || (p.exception_reason.is_some() && p.exception_approved);
        if !done {
            let why = match (&p.exception_reason, p.captured) {
                (Some(_), _) => "pengecualian menunggu persetujuan supervisor",
                (None, true) => "mutu rendah, pindai ulang",
                (None, false) => "belum dipindai",
            };
            missing.push(format!("{}: {why}.", p.label));
        }
    }
    Ok(RecordingView {
        id: id.to_string(),
        status,
        application: load_application(conn, &application_id)?,
        has_photo,
        photo_checks,
        has_signature,
        parts,
        receipt_number,
        started_at,
        finished_at,
        missing,
    })
}

fn in_progress(conn: &Connection, id: &str) -> Result<RecordingView> {
    let view = load(conn, id)?;
    if view.status != "in_progress" {
        return Err(Error::new(ErrorCode::Conflict, format!("Perekaman ini sudah selesai ({}).", view.status)));
    }
    Ok(view)
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct StartRecordingRequest {
    pub application_id: String,
}

/// Starts a recording, or returns the one already in progress for this application. Recording an
/// application that was recorded before needs a supervisor.
fn start(app: &App, caller: &Caller, req: StartRecordingRequest) -> Result<RecordingView> {
    let (now, caller) = (app.now(), caller.clone());
    app.store.write(move |tx| {
        let application = load_application(tx, &req.application_id)?;
        let open: Option<String> = tx
            .query_row("SELECT id FROM recording WHERE application_id = ?1 AND status = 'in_progress'", [&application.id], |r| r.get(0))
            .optional()?;
        if let Some(id) = open {
            return load(tx, &id);
        }
        let previous: Option<String> = tx
            .query_row(
                "SELECT id FROM recording WHERE application_id = ?1 AND status <> 'cancelled' ORDER BY started_at DESC LIMIT 1",
                [&application.id],
                |r| r.get(0),
            )
            .optional()?;
        use crate::intake::ApplicationStatus as S;
        match (application.status, &previous) {
            (S::ReadyToRecord, None) => {}
            (S::Recorded, Some(_)) | (S::ReadyToRecord, Some(_)) => {
                if !caller.has(Role::Supervisor) {
                    return Err(Error::new(ErrorCode::Forbidden, "Perekaman ulang memerlukan supervisor."));
                }
            }
            _ => {
                return Err(Error::new(
                    ErrorCode::Conflict,
                    format!("Permohonan {} belum siap direkam: dokumennya belum dinyatakan lengkap.", application.number),
                ))
            }
        }
        let id = uuid::Uuid::now_v7().to_string();
        let approved = previous.as_ref().map(|_| caller.staff_id.clone());
        tx.execute(
            "INSERT INTO recording (id, application_id, status, operator_id, started_at, rerecord_of, rerecord_approved_by)
             VALUES (?1, ?2, 'in_progress', ?3, ?4, ?5, ?6)",
            params![id, application.id, caller.staff_id, to_db(now), previous, approved],
        )?;
        crate::audit::append(tx, now, Some(&caller.username), "recording_started", Some(&application.number), json!({"recording": id, "rerecord_of": previous}))?;
        load(tx, &id)
    })
}

fn decode_b64(field: &str, b64: &str, limits: &PhotoLimits) -> Result<Vec<u8>> {
    if b64.len() > limits.max_bytes / 3 * 4 + 4 {
        return Err(Error::field(field, format!("Berkas terlalu besar (maksimal {} MiB).", limits.max_bytes / 1024 / 1024)));
    }
    base64::engine::general_purpose::STANDARD.decode(b64.trim()).map_err(|_| Error::field(field, "Berkas tidak terbaca (base64 tidak sah)."))
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct PhotoRequest {
    pub recording_id: String,
    /// JPEG or PNG, base64: from the webcam or a file.
    pub image_base64: String,
    #[serde(default)]
    #[ts(optional)]
    pub crop: Option<CropBox>,
}

fn take_photo(app: &App, caller: &Caller, req: PhotoRequest) -> Result<RecordingView> {
    let limits = PhotoLimits::default();
    let bytes = decode_b64("photo", &req.image_base64, &limits)?;
    let birth_year: i32 = app.store.read(|c| {
        let view = in_progress(c, &req.recording_id)?;
        let birth: String = c.query_row("SELECT birth_date FROM applicant WHERE nik = ?1", [&view.application.nik], |r| r.get(0))?;
        Ok(birth[..4].parse().unwrap_or(2000))
    })?;
    // The heavy work (decode, resize, encode) happens before the writer is asked.
    let photo = photo::normalize_photo(&bytes, birth_year, req.crop, &limits)?;
    let checks = serde_json::to_string(&photo.checks).map_err(Error::internal)?;
    let (now, actor, id) = (app.now(), caller.username.clone(), req.recording_id.clone());
    app.store.write(move |tx| {
        in_progress(tx, &id)?;
        tx.execute("UPDATE recording SET photo = ?2, photo_checks = ?3 WHERE id = ?1", params![id, photo.jpeg, checks])?;
        crate::audit::append(tx, now, Some(&actor), "recording_photo", Some(&id), json!({"checks": photo.checks}))?;
        load(tx, &id)
    })
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct SignatureRequest {
    pub recording_id: String,
    /// PNG from the signature pad or the canvas, base64.
    pub image_base64: String,
}

fn take_signature(app: &App, caller: &Caller, req: SignatureRequest) -> Result<RecordingView> {
    let limits = PhotoLimits::default();
    let sig = signature::normalize_signature(&decode_b64("signature", &req.image_base64, &limits)?, &limits)?;
    let (now, actor, id) = (app.now(), caller.username.clone(), req.recording_id.clone());
    app.store.write(move |tx| {
        in_progress(tx, &id)?;
        tx.execute("UPDATE recording SET signature = ?2 WHERE id = ?1", params![id, sig.png])?;
        crate::audit::append(tx, now, Some(&actor), "recording_signature", Some(&id), json!({}))?;
        load(tx, &id)
    })
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct RecordingIdRequest {
    pub recording_id: String,
}

/// The folder the office's scanners write to: setting `recording.scanner_dir`, else `DATA/scanner`.
pub(super) fn scanner(app: &App) -> Result<FolderScanner> {
    let dir = app.store.read(|c| crate::settings::get_raw(c, "recording.scanner_dir"))?;
    Ok(FolderScanner::new(dir.map(std::path::PathBuf::from).unwrap_or_else(|| app.data_dir.join("scanner"))))
}

/// Imports whatever the scanners wrote for the twelve parts; missing ones are left for a rescan.
fn import_biometrics(app: &App, caller: &Caller, req: RecordingIdRequest) -> Result<RecordingView> {
    app.store.read(|c| in_progress(c, &req.recording_id))?;
    let device = scanner(app)?;
    let mut captures = Vec::new();
    for part in BiometricPart::all() {
        if device.find(part)?.is_some() {
            captures.push(device.capture(part)?);
        }
    }
    if captures.is_empty() {
        return Err(Error::field("biometrics", format!("Belum ada hasil pindaian di folder {}.", device.dir.display())));
    }
    let (now, actor, id) = (app.now(), caller.username.clone(), req.recording_id.clone());
    let view = app.store.write(move |tx| {
        in_progress(tx, &id)?;
        for c in &captures {
            tx.execute(
                "INSERT INTO biometric (recording_id, part, image, score, acceptable, captured_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (recording_id, part) DO UPDATE SET image = excluded.image, score = excluded.score,
                    acceptable = excluded.acceptable, exception_reason = NULL, exception_photo = NULL, approved_by = NULL,
                    captured_at = excluded.captured_at",
                params![id, biometrics::file_stem(c.part), c.image_png, c.quality.score, c.quality.acceptable, to_db(now)],
            )?;
        }
        crate::audit::append(tx, now, Some(&actor), "recording_biometrics", Some(&id), json!({"parts": captures.len()}))?;
        load(tx, &id)
    })?;
    // The next applicant must never get this applicant's prints.
    device.clear()?;
    Ok(view)
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct ExceptionRequest {
    pub recording_id: String,
    pub part: BiometricPart,
    pub reason: String,
    /// A photo of the missing finger or eye, base64 JPEG/PNG.
    pub photo_base64: String,
}

fn record_exception(app: &App, caller: &Caller, req: ExceptionRequest) -> Result<RecordingView> {
    biometrics::validate_exception(&BiometricException { part: req.part, reason: req.reason.clone() })?;
    let limits = PhotoLimits::default();
    let bytes = decode_b64("photo_base64", &req.photo_base64, &limits)?;
    if !(bytes.starts_with(&[0xFF, 0xD8, 0xFF]) || bytes.starts_with(b"\x89PNG\r\n\x1a\n")) {
        return Err(Error::field("photo_base64", "Foto pengecualian harus JPEG atau PNG."));
    }
    let (now, actor, id) = (app.now(), caller.username.clone(), req.recording_id.clone());
    app.store.write(move |tx| {
        in_progress(tx, &id)?;
        tx.execute(
            "INSERT INTO biometric (recording_id, part, exception_reason, exception_photo, captured_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (recording_id, part) DO UPDATE SET image = NULL, score = NULL, acceptable = 0,
                exception_reason = excluded.exception_reason, exception_photo = excluded.exception_photo, approved_by = NULL",
            params![id, biometrics::file_stem(req.part), req.reason.trim(), bytes, to_db(now)],
        )?;
        crate::audit::append(tx, now, Some(&actor), "biometric_exception", Some(&id), json!({"part": req.part, "reason": req.reason.trim()}))?;
        load(tx, &id)
    })
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct ApproveExceptionRequest {
    pub recording_id: String,
    pub part: BiometricPart,
}

fn approve_exception(app: &App, caller: &Caller, req: ApproveExceptionRequest) -> Result<RecordingView> {
    let (now, caller) = (app.now(), caller.clone());
    app.store.write(move |tx| {
        in_progress(tx, &req.recording_id)?;
        let n = tx.execute(
            "UPDATE biometric SET approved_by = ?3 WHERE recording_id = ?1 AND part = ?2 AND exception_reason IS NOT NULL",
            params![req.recording_id, biometrics::file_stem(req.part), caller.staff_id],
        )?;
        if n == 0 {
            return Err(Error::field("part", format!("Tidak ada pengecualian untuk {}.", req.part.label())));
        }
        crate::audit::append(tx, now, Some(&caller.username), "biometric_exception_approved", Some(&req.recording_id), json!({"part": req.part}))?;
        load(tx, &req.recording_id)
    })
}

/// BP-610109-20261123-0007: office kecamatan, office-local day, sequence of the day.
fn receipt_number(conn: &Connection, now: chrono::DateTime<chrono::Utc>) -> Result<String> {
    let office = crate::setup::require_office(conn)?;
    let day = now.with_timezone(&office.offset()).format("%Y%m%d").to_string();
    let prefix = format!("BP-{}-{day}-", office.district_code.replace('.', ""));
    let n: i64 = conn.query_row("SELECT COUNT(*) FROM recording WHERE receipt_number LIKE ?1", [format!("{prefix}%")], |r| r.get(0))?;
    Ok(format!("{prefix}{:04}", n + 1))
}

/// Finishes the recording. A second call (a double click) returns the same finished recording.
fn finish(app: &App, caller: &Caller, req: RecordingIdRequest) -> Result<RecordingView> {
    let (now, caller) = (app.now(), caller.clone());
    let view = app.store.write(move |tx| {
        let view = load(tx, &req.recording_id)?;
        if view.status == "bio_captured" {
            return Ok(view);
        }
        let view = in_progress(tx, &req.recording_id)?;
        if !view.missing.is_empty() {
            return Err(Error::new(ErrorCode::Conflict, format!("Perekaman belum lengkap: {}", view.missing.join(" "))));
        }
        let number = receipt_number(tx, now)?;
        tx.execute(
            "UPDATE recording SET status = 'bio_captured', finished_at = ?2, receipt_number = ?3 WHERE id = ?1",
            params![req.recording_id, to_db(now), number],
        )?;
        tx.execute(
            "UPDATE application SET status = 'recorded', updated_at = ?2 WHERE id = ?1",
            params![view.application.id, to_db(now)],
        )?;
        tx.execute(
            "INSERT INTO application_event (application_id, at, status, staff_id, note) VALUES (?1, ?2, 'recorded', ?3, ?4)",
            params![view.application.id, to_db(now), caller.staff_id, format!("Bukti perekaman {number}")],
        )?;
        crate::audit::append(tx, now, Some(&caller.username), "recording_finished", Some(&view.application.number), json!({"receipt": number}))?;
        // The record for central. The biodata is a snapshot (the applicant may be edited later);
        // the photo, signature and biometrics never change after this, so sync reads them from
        // the recording when it sends.
        let biodata = crate::intake::load_applicant(tx, &view.application.nik)?
            .ok_or_else(|| Error::internal("applicant of a recording vanished"))?
            .biodata;
        crate::sync::enqueue(
            tx,
            now,
            &req.recording_id,
            "recording",
            &json!({"id": req.recording_id, "application": view.application.number, "application_kind": view.application.kind,
                    "nik": view.application.nik, "status": "BIO_CAPTURED", "receipt_number": number,
                    "recorded_at": now, "biodata": biodata}),
        )?;
        load(tx, &req.recording_id)
    });
    if view.is_ok() {
        app.events.publish(crate::events::Event::RecordingChanged);
    }
    view
}

#[derive(Debug, Clone, Serialize, JsonSchema, TS)]
pub struct ReadyList {
    pub items: Vec<ApplicationView>,
}

fn ready_list(app: &App) -> Result<ReadyList> {
    app.store.read(|c| {
        let ids: Vec<String> = c
            .prepare("SELECT id FROM application WHERE status = 'ready_to_record' ORDER BY updated_at")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(ReadyList { items: ids.iter().map(|id| load_application(c, id)).collect::<Result<_>>()? })
    })
}

/// The recording receipt (bukti perekaman): A5 ("a5") or a thermal roll PDF ("80", "58").
/// Which receipt, on which paper (`a5`, `80`, `58`; A5 when left out).
#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct ReceiptRequest {
    pub recording_id: String,
    #[serde(default)]
    #[ts(optional)]
    pub paper: Option<String>,
}

/// The recording receipt (bukti perekaman) as a PDF.
pub fn receipt_file(app: &App, req: &ReceiptRequest) -> Result<crate::api::FileOut> {
    use crate::documents::{file_name, receipt_pdf_a5, receipt_thermal, Paper};
    let paper = Paper::parse(req.paper.as_deref())?;
    let receipt = receipt_data(app, &req.recording_id)?;
    let bytes = match paper {
        Paper::A5 => receipt_pdf_a5(&receipt)?,
        Paper::Roll(width) => receipt_thermal(&receipt, width).pdf(width, &format!("Bukti perekaman {}", receipt.receipt_number))?,
    };
    let name = file_name(&format!("bukti-perekaman-{}", receipt.receipt_number), paper.as_str(), "pdf");
    Ok(crate::api::FileOut::pdf(bytes, name))
}

/// What the receipt shows, whatever it is printed on.
pub(super) fn receipt_data(app: &App, recording_id: &str) -> Result<crate::documents::RecordingReceipt> {
    use crate::documents::RecordingReceipt;
    app.store.read(|c| {
        let view = load(c, recording_id)?;
        let number = view.receipt_number.clone().ok_or_else(|| Error::new(ErrorCode::Conflict, "Perekaman belum selesai: belum ada bukti."))?;
        let office = crate::setup::require_office(c)?;
        let (place, birth, address, rt, rw, village, operator): (String, String, String, String, String, String, String) = c.query_row(
            "SELECT p.birth_place, p.birth_date, p.address, p.rt, p.rw, p.village_code, s.full_name
             FROM recording r JOIN application a ON a.id = r.application_id JOIN applicant p ON p.id = a.applicant_id
             JOIN staff s ON s.id = r.operator_id WHERE r.id = ?1",
            [recording_id],
            |r| {
                Ok((
                    r.get("birth_place")?,
                    r.get("birth_date")?,
                    r.get("address")?,
                    r.get("rt")?,
                    r.get("rw")?,
                    r.get("village_code")?,
                    r.get("full_name")?,
                ))
            },
        )?;
        let village_name = crate::regions::lookup(&village).map(|v| v.name.to_uppercase()).unwrap_or_default();
        let birth = chrono::NaiveDate::parse_from_str(&birth, "%Y-%m-%d").map(|d| d.format("%d-%m-%Y").to_string()).unwrap_or(birth);
        Ok(RecordingReceipt {
            office_name: office.name.clone(),
            office_address: None,
            applicant_name: view.application.full_name.clone(),
            nik: view.application.nik.clone(),
            birth_place_date: format!("{place}, {birth}"),
            address: format!("{address} RT {rt}/RW {rw}, {village_name}, {}", office.district_name.to_uppercase()),
            recorded_at: office.long_date_time(crate::clock::from_db(view.finished_at.as_deref().unwrap_or(&view.started_at))),
            receipt_number: number.clone(),
            operator_name: operator,
            qr_payload: number,
            notes: vec![
                "Simpan bukti ini untuk mengambil KTP-el.".into(),
                "KTP-el dapat diambil setelah status CETAK SIAP.".into(),
            ],
        })
    })
}

/// Who may print the receipt: the recording desk and the counter roles who hand it over.
pub const RECEIPT_ROLES: &[crate::auth::Role] =
    &[crate::auth::Role::RecordingOperator, crate::auth::Role::CounterOfficer, crate::auth::Role::Supervisor];

pub fn register(r: &mut Registry) {
    let desk = Access::Roles(RECORDING_ROLES);
    r.add_staff_file("recording.receipt", Access::Roles(RECEIPT_ROLES), "application/pdf", "The recording receipt (PDF)", |app, _, req: ReceiptRequest| {
        receipt_file(app, &req)
    });
    r.add_staff("recording.ready_list", desk, "Applications whose documents are complete, waiting to be recorded", |app, _, _: Empty| {
        ready_list(app)
    });
    r.add_staff("recording.start", desk, "Start or resume the recording of an application", start);
    r.add_staff("recording.get", desk, "One recording and what it still needs", |app, _, req: RecordingIdRequest| {
        app.store.read(|c| load(c, &req.recording_id))
    });
    r.add_staff("recording.photo", desk, "Store the normalised photo, with its checks", take_photo);
    r.add_staff("recording.signature", desk, "Store the cleaned signature", take_signature);
    r.add_staff("recording.import_biometrics", desk, "Import the fingerprints and irises the scanners wrote", import_biometrics);
    r.add_staff("recording.exception", desk, "A finger or eye that cannot be captured, with a reason and a photo", record_exception);
    r.add_staff("recording.approve_exception", Access::Roles(&[Role::Supervisor]), "Approve a biometric exception", approve_exception);
    r.add_staff("recording.finish", desk, "Finish: BIO_CAPTURED, receipt number, outbox row", finish);
}
