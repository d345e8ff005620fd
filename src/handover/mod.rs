//! Hand-over (pengambilan KTP-el): find the card of an applicant by the receipt's QR, NIK or name
//! and see where it is; hand a printed card to the applicant or a representative (NIK, relationship,
//! power of attorney or family card scanned), with the collector's signature, the old card handed in
//! or withdrawn where the application's kind needs it, and the holder's previous card superseded —
//! one hand-over row, the timeline, the audit row in one transaction; the pickup receipt; the list of
//! printed cards nobody collected.
//!
//! Each hand-over goes to central as an `issuance_event`; it supersedes the holder's Suket too.

mod state;

use crate::api::{Access, Empty, Registry, MANAGERS};
use crate::app::App;
use crate::auth::{Caller, Role};
use crate::clock::{from_db, to_db};
use crate::error::{Error, ErrorCode, Result};
use crate::intake::ApplicationKind;
use crate::recording::photo::PhotoLimits;
use base64::Engine;
use rusqlite::{params, Connection, OptionalExtension};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

pub use state::{card_state, CardState, CardStatus, NotPrintedWhere};

/// Who hands cards over: the counter and its supervisor.
pub const HANDOVER_ROLES: &[Role] = &[Role::CounterOfficer, Role::Supervisor];
/// Days after printing from which an uncollected card is listed, when the office set nothing.
pub const DEFAULT_UNCOLLECTED_DAYS: u32 = 30;
const UNCOLLECTED_DAYS_KEY: &str = "handover.uncollected_days";

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema, TS)]
pub struct HandoverCandidate {
    pub recording_id: String,
    pub receipt_number: String,
    pub application_number: String,
    pub application_kind: ApplicationKind,
    pub full_name: String,
    pub nik: String,
    pub mobile: String,
    /// The photo taken at recording (JPEG, base64), to compare with the person at the counter.
    pub photo_base64: Option<String>,
    pub card: CardState,
    /// The holder's Suket in force (or the latest one), if any.
    pub suket: Option<crate::suket::SuketView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema, TS)]
pub struct HandoverLookup {
    pub items: Vec<HandoverCandidate>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct LookupRequest {
    /// A receipt number (the bukti perekaman's QR), a NIK, or part of a name.
    pub query: String,
}

fn candidate(conn: &Connection, recording_id: &str, now: chrono::DateTime<chrono::Utc>) -> Result<HandoverCandidate> {
    let (receipt, number, kind, name, nik, mobile, photo): (Option<String>, String, String, String, String, String, Option<Vec<u8>>) = conn
        .query_row(
            "SELECT r.receipt_number, a.number, a.kind, p.full_name, p.nik, p.mobile, r.photo
             FROM recording r JOIN application a ON a.id = r.application_id JOIN applicant p ON p.id = a.applicant_id WHERE r.id = ?1",
            [recording_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)),
        )
        .optional()?
        .ok_or_else(|| Error::field("recording_id", "Data perekaman tidak ditemukan."))?;
    Ok(HandoverCandidate {
        recording_id: recording_id.to_string(),
        receipt_number: receipt.unwrap_or_default(),
        application_number: number,
        application_kind: ApplicationKind::parse(&kind),
        full_name: name,
        mobile,
        photo_base64: photo.map(|p| base64::engine::general_purpose::STANDARD.encode(p)),
        card: card_state(conn, recording_id)?,
        suket: crate::suket::current_for(conn, &nik, now)?,
        nik,
    })
}

/// The applicant's latest finished recording (a re-recording replaces the earlier one).
const LATEST_RECORDING: &str = "SELECT r.id FROM recording r JOIN application a ON a.id = r.application_id
    WHERE a.applicant_id = ?1 AND r.status NOT IN ('in_progress', 'cancelled') ORDER BY r.finished_at DESC, r.id DESC LIMIT 1";

fn lookup(conn: &Connection, query: &str, now: chrono::DateTime<chrono::Utc>) -> Result<HandoverLookup> {
    let q = query.trim();
    if q.is_empty() {
        return Err(Error::field("query", "Isi nomor bukti perekaman, NIK atau nama."));
    }
    let by_receipt: Option<String> =
        conn.query_row("SELECT id FROM recording WHERE receipt_number = ?1", [q.to_uppercase()], |r| r.get(0)).optional()?;
    let recordings: Vec<String> = match by_receipt {
        Some(id) => vec![id],
        None => {
            let applicants: Vec<String> = if q.len() == 16 && q.chars().all(|c| c.is_ascii_digit()) {
                conn.prepare_cached("SELECT id FROM applicant WHERE nik = ?1")?.query_map([q], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?
            } else {
                conn.prepare_cached("SELECT id FROM applicant WHERE full_name LIKE '%' || ?1 || '%' ORDER BY full_name LIMIT 20")?
                    .query_map([q.to_uppercase()], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?
            };
            let mut stmt = conn.prepare_cached(LATEST_RECORDING)?;
            let mut ids = Vec::new();
            for a in applicants {
                if let Some(id) = stmt.query_row([&a], |r| r.get::<_, String>(0)).optional()? {
                    ids.push(id);
                }
            }
            ids
        }
    };
    if recordings.is_empty() {
        return Err(Error { code: ErrorCode::NotFound, ..Error::field("query", format!("Tidak ada perekaman untuk '{q}'.")) });
    }
    Ok(HandoverLookup { items: recordings.iter().map(|id| candidate(conn, id, now)).collect::<Result<_>>()? })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum Collector {
    /// The card holder in person.
    Applicant,
    /// Someone else, with a power of attorney or the family card.
    Representative,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// Surat kuasa (power of attorney).
    SuratKuasa,
    /// Kartu Keluarga: the representative is in the holder's family card.
    Kk,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum OldCard {
    /// A damaged card handed in (penggantian karena rusak).
    HandedIn,
    /// The card with the old data withdrawn (perubahan data).
    Withdrawn,
}

impl OldCard {
    fn as_str(self) -> &'static str {
        match self {
            OldCard::HandedIn => "handed_in",
            OldCard::Withdrawn => "withdrawn",
        }
    }
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct Representative {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub nik: String,
    /// How they are related to the card holder ("ayah", "istri", …).
    #[serde(default)]
    pub relationship: String,
    pub document_kind: DocumentKind,
    /// The power of attorney or family card, scanned: JPEG, PNG or PDF, at most 5 MiB, base64.
    #[serde(default)]
    pub document_scan_base64: String,
    #[serde(default)]
    #[ts(optional)]
    pub document_mime: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct HandoverRequest {
    pub recording_id: String,
    pub collector: Collector,
    #[serde(default)]
    #[ts(optional)]
    pub representative: Option<Representative>,
    #[serde(default)]
    #[ts(optional)]
    pub old_card: Option<OldCard>,
    /// The collector's signature, PNG from the pad or the canvas, base64.
    #[serde(default)]
    pub signature_png_base64: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema, TS)]
pub struct HandoverView {
    pub id: String,
    pub recording_id: String,
    pub receipt_number: String,
    pub full_name: String,
    pub nik: String,
    pub serial: Option<String>,
    pub collector: Collector,
    pub representative_name: Option<String>,
    pub representative_nik: Option<String>,
    pub representative_relationship: Option<String>,
    pub document_kind: Option<DocumentKind>,
    pub old_card: Option<OldCard>,
    /// The holder's previous hand-over that this card replaced.
    pub superseded: Option<String>,
    pub staff_name: String,
    pub at: String,
    pub printed_at: Option<String>,
}

/// A representative checked and their scan decoded, before anything is written.
struct CheckedRep {
    name: String,
    nik: String,
    relationship: String,
    kind: DocumentKind,
    scan: Vec<u8>,
    mime: &'static str,
}

fn check_representative(rep: &Representative, today: chrono::NaiveDate) -> Result<CheckedRep> {
    let name = rep.name.trim().to_uppercase();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(Error::field("representative.name", "Nama wakil wajib diisi (paling panjang 100 huruf)."));
    }
    let nik = rep.nik.trim().to_string();
    if nik.is_empty() {
        return Err(Error::field("representative.nik", "NIK wakil wajib diisi."));
    }
    crate::intake::nik::parse(&nik, today).map_err(|e| {
        let e = Error::from(e);
        Error { field: Some("representative.nik".into()), message: format!("NIK wakil: {}", e.message), ..e }
    })?;
    let relationship = rep.relationship.trim().to_string();
    if relationship.is_empty() || relationship.chars().count() > 60 {
        return Err(Error::field("representative.relationship", "Hubungan wakil dengan pemilik KTP-el wajib diisi."));
    }
    let field = "representative.document_scan_base64";
    let what = match rep.document_kind {
        DocumentKind::SuratKuasa => "surat kuasa",
        DocumentKind::Kk => "Kartu Keluarga",
    };
    let b64 = rep.document_scan_base64.trim();
    if b64.is_empty() {
        return Err(Error::field(field, format!("Pindaian {what} wajib dilampirkan.")));
    }
    let max = crate::intake::MAX_SCAN_BYTES;
    if b64.len() > max / 3 * 4 + 4 {
        return Err(Error::field(field, format!("Pindaian terlalu besar (maksimal {} MiB).", max / 1024 / 1024)));
    }
    let scan = base64::engine::general_purpose::STANDARD.decode(b64).map_err(|_| Error::field(field, "Pindaian tidak terbaca (base64 tidak sah)."))?;
    if scan.len() > max {
        return Err(Error::field(field, format!("Pindaian terlalu besar (maksimal {} MiB).", max / 1024 / 1024)));
    }
    let mime = crate::intake::sniff_scan(&scan).ok_or_else(|| Error::field(field, "Pindaian harus berupa JPEG, PNG atau PDF."))?;
    if let Some(declared) = rep.document_mime.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
        if declared != mime {
            return Err(Error::field("representative.document_mime", format!("Jenis berkas {declared} tidak sesuai dengan isinya ({mime}).")));
        }
    }
    Ok(CheckedRep { name, nik, relationship, kind: rep.document_kind, scan, mime })
}

fn check_signature(b64: &str) -> Result<Vec<u8>> {
    let field = "signature_png_base64";
    let b64 = b64.trim();
    if b64.is_empty() {
        return Err(Error::field(field, "Tanda tangan penerima wajib diisi."));
    }
    let limits = PhotoLimits::default();
    if b64.len() > limits.max_bytes / 3 * 4 + 4 {
        return Err(Error::field(field, "Tanda tangan terlalu besar."));
    }
    let bytes = base64::engine::general_purpose::STANDARD.decode(b64).map_err(|_| Error::field(field, "Tanda tangan tidak terbaca (base64 tidak sah)."))?;
    if !bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Err(Error::field(field, "Tanda tangan harus berupa gambar PNG."));
    }
    let sig = crate::recording::signature::normalize_signature(&bytes, &limits).map_err(|e| Error { field: Some(field.into()), ..e })?;
    Ok(sig.png)
}

/// What the application's kind says about the old card.
fn check_old_card(kind: ApplicationKind, old: Option<OldCard>) -> Result<()> {
    let want = match kind {
        ApplicationKind::Damaged => Some(OldCard::HandedIn),
        ApplicationKind::DataChange => Some(OldCard::Withdrawn),
        _ => None,
    };
    if old == want {
        return Ok(());
    }
    Err(Error::field(
        "old_card",
        match want {
            Some(OldCard::HandedIn) => "Penggantian karena rusak: KTP-el lama yang rusak harus diserahkan (handed_in).",
            Some(OldCard::Withdrawn) => "Perubahan data: KTP-el lama harus ditarik (withdrawn).",
            None => "Permohonan ini tidak menyerahkan atau menarik KTP-el lama; kosongkan old_card.",
        },
    ))
}

fn issue(app: &App, caller: &Caller, req: HandoverRequest) -> Result<HandoverView> {
    let now = app.now();
    // Everything that can be checked without the store, before the writer is asked.
    let rep = match (req.collector, &req.representative) {
        (Collector::Applicant, None) => None,
        (Collector::Applicant, Some(_)) => {
            return Err(Error::field("representative", "Diambil sendiri oleh pemohon: data wakil tidak diisi."));
        }
        (Collector::Representative, None) => return Err(Error::field("representative", "Data wakil yang mengambil wajib diisi.")),
        (Collector::Representative, Some(r)) => Some(check_representative(r, now.date_naive())?),
    };
    let signature = check_signature(&req.signature_png_base64)?;
    let caller = caller.clone();
    app.store.write(move |tx| {
        let c = candidate(tx, &req.recording_id, now)?;
        match c.card.status {
            CardStatus::Ready => {}
            CardStatus::NotPrinted => {
                return Err(Error { code: ErrorCode::Conflict, ..Error::field("recording_id", format!("KTP-el belum dicetak: {}.", c.card.label)) })
            }
            CardStatus::HandedOver => {
                return Err(Error { code: ErrorCode::Conflict, ..Error::field("recording_id", format!("KTP-el sudah diserahkan: {}.", c.card.label)) })
            }
        }
        let job = c.card.print_job_id.clone().ok_or_else(|| Error::internal("a ready card without its print job"))?;
        check_old_card(c.application_kind, req.old_card)?;
        let id = uuid::Uuid::now_v7().to_string();
        let previous: Option<String> =
            tx.query_row("SELECT id FROM handover WHERE nik = ?1 AND state = 'live'", [&c.nik], |r| r.get(0)).optional()?;
        if let Some(prev) = &previous {
            tx.execute("UPDATE handover SET state = 'superseded', superseded_by = ?2 WHERE id = ?1", params![prev, id])?;
        }
        let collector = match req.collector {
            Collector::Applicant => "applicant",
            Collector::Representative => "representative",
        };
        let kind = rep.as_ref().map(|r| match r.kind {
            DocumentKind::SuratKuasa => "surat_kuasa",
            DocumentKind::Kk => "kk",
        });
        tx.execute(
            "INSERT INTO handover (id, recording_id, print_job_id, serial, nik, collector, rep_name, rep_nik, rep_relationship,
                rep_document_kind, rep_document, rep_document_mime, signature, old_card, staff_id, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
            params![
                id, c.recording_id, job, c.card.serial, c.nik, collector,
                rep.as_ref().map(|r| &r.name), rep.as_ref().map(|r| &r.nik), rep.as_ref().map(|r| &r.relationship),
                kind, rep.as_ref().map(|r| &r.scan), rep.as_ref().map(|r| r.mime), signature,
                req.old_card.map(OldCard::as_str), caller.staff_id, to_db(now)
            ],
        )?;
        // The card handed over is the recording's latest (`card_state` gives only that one).
        tx.execute("UPDATE recording SET card_handed_over = 1 WHERE id = ?1", [&c.recording_id])?;
        let to = match &rep {
            None => "pemohon sendiri".to_string(),
            Some(r) => format!("{} ({}, NIK {})", r.name, r.relationship, r.nik),
        };
        tx.execute(
            "INSERT INTO application_event (application_id, at, status, staff_id, note)
             SELECT a.id, ?2, a.status, ?3, ?4 FROM recording r JOIN application a ON a.id = r.application_id WHERE r.id = ?1",
            params![c.recording_id, to_db(now), caller.staff_id, format!("KTP-el diserahkan kepada {to}")],
        )?;
        crate::sync::enqueue(
            tx,
            now,
            &uuid::Uuid::now_v7().to_string(),
            "issuance_event",
            &json!({"event": "card_handed_over", "at": to_db(now), "nik": c.nik, "recording_id": c.recording_id, "handover_id": id,
                    "serial": c.card.serial, "collector": collector, "old_card": req.old_card.map(OldCard::as_str)}),
        )?;
        // The new card replaces any Suket the holder carried.
        let suket = crate::suket::supersede(tx, now, &c.nik, &id)?;
        crate::audit::append(
            tx,
            now,
            Some(&caller.username),
            "card_handed_over",
            Some(&c.application_number),
            json!({"handover": id, "serial": c.card.serial, "collector": collector, "representative_nik": rep.as_ref().map(|r| &r.nik),
                   "old_card": req.old_card, "superseded": previous, "suket_superseded": suket}),
        )?;
        view(tx, &id)
    })
}

/// One hand-over as the counter and the receipt show it.
pub fn view(conn: &Connection, id: &str) -> Result<HandoverView> {
    conn.query_row(
        "SELECT h.id, h.recording_id, r.receipt_number, p.full_name, p.nik, h.serial, h.collector, h.rep_name, h.rep_nik, h.rep_relationship,
            h.rep_document_kind, h.old_card, (SELECT o.id FROM handover o WHERE o.superseded_by = h.id) AS superseded, s.full_name AS staff_name,
            h.at, j.finished_at
         FROM handover h JOIN recording r ON r.id = h.recording_id JOIN application a ON a.id = r.application_id
         JOIN applicant p ON p.id = a.applicant_id JOIN staff s ON s.id = h.staff_id JOIN print_job j ON j.id = h.print_job_id
         WHERE h.id = ?1",
        [id],
        |r| {
            let collector: String = r.get("collector")?;
            let kind: Option<String> = r.get("rep_document_kind")?;
            let old: Option<String> = r.get("old_card")?;
            Ok(HandoverView {
                id: r.get("id")?,
                recording_id: r.get("recording_id")?,
                receipt_number: r.get::<_, Option<String>>("receipt_number")?.unwrap_or_default(),
                full_name: r.get("full_name")?,
                nik: r.get("nik")?,
                serial: r.get("serial")?,
                collector: if collector == "representative" { Collector::Representative } else { Collector::Applicant },
                representative_name: r.get("rep_name")?,
                representative_nik: r.get("rep_nik")?,
                representative_relationship: r.get("rep_relationship")?,
                document_kind: kind.map(|k| if k == "kk" { DocumentKind::Kk } else { DocumentKind::SuratKuasa }),
                old_card: old.map(|o| if o == "withdrawn" { OldCard::Withdrawn } else { OldCard::HandedIn }),
                superseded: r.get("superseded")?,
                staff_name: r.get("staff_name")?,
                at: r.get("at")?,
                printed_at: r.get("finished_at")?,
            })
        },
    )
    .optional()?
    .ok_or_else(|| Error { code: ErrorCode::NotFound, ..Error::field("handover_id", "Serah terima tidak ditemukan.") })
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct UncollectedRequest {
    /// Printed at least this many days ago; the office setting when left out.
    #[serde(default)]
    #[ts(optional)]
    pub days: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema, TS)]
pub struct UncollectedCard {
    pub recording_id: String,
    pub receipt_number: String,
    pub full_name: String,
    pub nik: String,
    /// The number to call.
    pub mobile: String,
    pub serial: Option<String>,
    pub printed_at: String,
    pub days_waiting: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema, TS)]
pub struct UncollectedList {
    pub days: u32,
    pub items: Vec<UncollectedCard>,
}

fn uncollected_days(conn: &Connection) -> Result<u32> {
    Ok(crate::settings::get_raw(conn, UNCOLLECTED_DAYS_KEY)?.and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_UNCOLLECTED_DAYS))
}

fn uncollected(conn: &Connection, now: chrono::DateTime<chrono::Utc>, days: Option<u32>) -> Result<UncollectedList> {
    let days = match days {
        Some(d) => d,
        None => uncollected_days(conn)?,
    };
    let before = to_db(now - chrono::Duration::days(i64::from(days)));
    // A record's latest printed card, not handed over, printed before the bound: oldest first.
    let items = conn
        .prepare_cached(
            "SELECT j.recording_id, r.receipt_number, p.full_name, p.nik, p.mobile, j.serial, j.finished_at
             FROM print_job j JOIN recording r ON r.id = j.recording_id JOIN application a ON a.id = r.application_id
             JOIN applicant p ON p.id = a.applicant_id
             WHERE j.state = 'done' AND j.finished_at <= ?1
               AND NOT EXISTS (SELECT 1 FROM handover h WHERE h.print_job_id = j.id)
               AND NOT EXISTS (SELECT 1 FROM print_job n WHERE n.recording_id = j.recording_id AND n.state = 'done' AND n.finished_at > j.finished_at)
             ORDER BY j.finished_at, j.id",
        )?
        .query_map([before], |r| {
            let printed: String = r.get(6)?;
            Ok(UncollectedCard {
                recording_id: r.get(0)?,
                receipt_number: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                full_name: r.get(2)?,
                nik: r.get(3)?,
                mobile: r.get(4)?,
                serial: r.get(5)?,
                days_waiting: (now - from_db(&printed)).num_days(),
                printed_at: printed,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(UncollectedList { days, items })
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct HandoverSettings {
    /// A printed card is listed as uncollected after this many days (1–365, usually 30).
    pub uncollected_days: u32,
}

fn save_settings(app: &App, caller: &Caller, s: HandoverSettings) -> Result<HandoverSettings> {
    if !(1..=365).contains(&s.uncollected_days) {
        return Err(Error::field("uncollected_days", "Batas hari kartu belum diambil: 1 sampai 365 hari."));
    }
    let (now, actor) = (app.now(), caller.username.clone());
    app.store.write(move |tx| {
        crate::settings::set_raw(tx, UNCOLLECTED_DAYS_KEY, &s.uncollected_days.to_string())?;
        crate::audit::append(tx, now, Some(&actor), "handover_settings", None, json!({"uncollected_days": s.uncollected_days}))?;
        Ok(HandoverSettings { uncollected_days: uncollected_days(tx)? })
    })
}

/// Whether a card of this application was handed over (the kiosk says "sudah diambil").
pub fn collected(conn: &Connection, application_id: &str) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM handover h JOIN recording r ON r.id = h.recording_id WHERE r.application_id = ?1)",
        [application_id],
        |r| r.get(0),
    )?)
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct HandoverIdRequest {
    pub handover_id: String,
}

/// Which pickup receipt, on which paper (`a5`, `80`, `58`; A5 when left out).
#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct PickupReceiptRequest {
    pub handover_id: String,
    #[serde(default)]
    #[ts(optional)]
    pub paper: Option<String>,
}

/// The pickup receipt (tanda terima pengambilan KTP-el) as a PDF.
pub fn receipt_file(app: &App, req: &PickupReceiptRequest) -> Result<crate::api::FileOut> {
    use crate::documents::{file_name, pickup_pdf_a5, pickup_thermal, Paper, PickupReceipt};
    let paper = Paper::parse(req.paper.as_deref())?;
    let receipt: PickupReceipt = app.store.read(|c| {
        let h = view(c, &req.handover_id)?;
        let office = crate::setup::require_office(c)?;
        let collector = match h.collector {
            Collector::Applicant => "Pemohon sendiri".to_string(),
            Collector::Representative => format!(
                "{} ({}), NIK {}",
                h.representative_name.clone().unwrap_or_default(),
                h.representative_relationship.clone().unwrap_or_default(),
                h.representative_nik.clone().unwrap_or_default()
            ),
        };
        let mut notes = Vec::new();
        match h.document_kind {
            Some(DocumentKind::SuratKuasa) => notes.push("Diambil dengan surat kuasa (pindaian disimpan).".to_string()),
            Some(DocumentKind::Kk) => notes.push("Diambil oleh anggota keluarga dalam Kartu Keluarga (pindaian disimpan).".to_string()),
            None => {}
        }
        match h.old_card {
            Some(OldCard::HandedIn) => notes.push("KTP-el lama yang rusak telah diserahkan.".to_string()),
            Some(OldCard::Withdrawn) => notes.push("KTP-el lama telah ditarik.".to_string()),
            None => {}
        }
        notes.push("KTP-el lama atau yang diserahkan sebelumnya tidak berlaku lagi.".to_string());
        let signature: Vec<u8> = c.query_row("SELECT signature FROM handover WHERE id = ?1", [&h.id], |r| r.get(0))?;
        let collector_name = h.representative_name.clone().unwrap_or_else(|| h.full_name.clone());
        Ok(PickupReceipt {
            signature_png: Some(signature),
            collector_name,
            office_name: office.name.clone(),
            office_address: None,
            applicant_name: h.full_name,
            nik: h.nik,
            receipt_number: h.receipt_number.clone(),
            serial: h.serial.unwrap_or_default(),
            printed_at: h.printed_at.map(|p| office.long_date_time(from_db(&p))).unwrap_or_default(),
            handed_over_at: office.long_date_time(from_db(&h.at)),
            collector,
            staff_name: h.staff_name,
            qr_payload: h.receipt_number,
            notes,
        })
    })?;
    let bytes = match paper {
        Paper::A5 => pickup_pdf_a5(&receipt)?,
        Paper::Roll(width) => pickup_thermal(&receipt, width).pdf(width, &format!("Tanda terima pengambilan {}", receipt.receipt_number))?,
    };
    let name = file_name(&format!("tanda-terima-pengambilan-{}", receipt.receipt_number), paper.as_str(), "pdf");
    Ok(crate::api::FileOut::pdf(bytes, name))
}

/// The representative's scanned power of attorney or family card, as it was attached.
fn document_file(app: &App, req: &HandoverIdRequest) -> Result<crate::api::FileOut> {
    let (doc, mime, receipt): (Option<Vec<u8>>, Option<String>, Option<String>) = app.store.read(|c| {
        c.query_row(
            "SELECT h.rep_document, h.rep_document_mime, r.receipt_number FROM handover h JOIN recording r ON r.id = h.recording_id WHERE h.id = ?1",
            [&req.handover_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?
        .ok_or_else(|| Error { code: ErrorCode::NotFound, ..Error::field("handover_id", "Serah terima tidak ditemukan.") })
    })?;
    let (Some(bytes), Some(mime)) = (doc, mime) else {
        return Err(Error { code: ErrorCode::NotFound, ..Error::field("handover_id", "Kartu ini diambil sendiri oleh pemohon: tidak ada pindaian dokumen wakil.") });
    };
    let (ext, content_type) = match mime.as_str() {
        "application/pdf" => ("pdf", "application/pdf"),
        "image/png" => ("png", "image/png"),
        _ => ("jpg", "image/jpeg"),
    };
    let name = crate::documents::file_name(&format!("dokumen-wakil-{}", receipt.unwrap_or_default()), "", ext);
    Ok(crate::api::FileOut { bytes, content_type, file_name: name })
}

pub fn register(r: &mut Registry) {
    let counter = Access::Roles(HANDOVER_ROLES);
    r.add_staff_file("handover.document", counter, "application/octet-stream", "The representative's scanned surat kuasa or KK", |app, _, req: HandoverIdRequest| {
        document_file(app, &req)
    });
    r.add_staff("handover.lookup", counter, "Where an applicant's card is: by receipt number, NIK or name", |app, _, req: LookupRequest| {
        let now = app.now();
        app.store.read(|c| lookup(c, &req.query, now))
    });
    r.add_staff("handover.issue", counter, "Hand a printed card to the applicant or a representative", issue);
    r.add_staff("handover.get", counter, "One hand-over", |app, _, req: HandoverIdRequest| app.store.read(|c| view(c, &req.handover_id)));
    r.add_staff("handover.uncollected", counter, "Printed cards not collected after N days, oldest first", |app, _, req: UncollectedRequest| {
        let now = app.now();
        app.store.read(|c| uncollected(c, now, req.days))
    });
    r.add_staff("handover.settings_get", Access::Roles(MANAGERS), "Hand-over settings", |app, _, _: Empty| {
        app.store.read(|c| Ok(HandoverSettings { uncollected_days: uncollected_days(c)? }))
    });
    r.add_staff("handover.settings_save", Access::Roles(MANAGERS), "Change the hand-over settings", save_settings);
    r.add_staff_file("handover.receipt", counter, "application/pdf", "The pickup receipt (tanda terima pengambilan, PDF)", |app, _, req: PickupReceiptRequest| {
        receipt_file(app, &req)
    });
}
