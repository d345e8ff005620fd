//! Ingest of one batch from one device: dedup on record id forever, per-record outcomes, the
//! device's contiguous seq, and verification of new recordings, all in one transaction.

use crate::error::{Code, Error, Result};
use crate::storage::{BlankEventRow, ComplaintEventRow, DeviceRow, IssuanceEventRow, NewRecord, Tx};
use crate::{verify, Central};
use chrono::{DateTime, Duration, Utc};
use loket_contract::biodata::Biodata;
use loket_contract::wire::{
    self, ApplicantBody, ApplicationBody, Batch, BatchResult, BlankEventBody, ComplaintEventBody, DailySummaryBody, IssuanceEventBody, Outcome, RecordResult, RecordingBody,
    WireRecord,
};

/// Clocks at offices drift; a record more than this far ahead of central's clock is refused.
pub const FUTURE_TOLERANCE_MINUTES: i64 = 5;

/// One record with everything that does not need the database worked out before the transaction,
/// so the single writer is held only for storage work.
struct Prepared {
    record: WireRecord,
    hash: String,
    invalid: Option<String>,
    /// For a valid recording: what verification needs (the photo and the rest are not kept twice).
    recording: Option<(String, Biodata)>,
    /// For a valid blank event: the event, stored in `blank_event` too.
    blank: Option<BlankEventBody>,
    /// For a valid card hand-over or Suket event: the event, stored in `issuance_event` too.
    issuance: Option<IssuanceEventBody>,
    /// For a valid complaint step: the event, stored in `complaint_event` too.
    complaint: Option<ComplaintEventBody>,
    /// For a valid summary of a closed day: the summary, kept in `daily_summary` unless a later one is.
    summary: Option<DailySummaryBody>,
}

fn malformed(message: String) -> Error {
    Error::new(Code::BatchMalformed, message)
}

/// Refuses a batch that breaks the protocol (400) or carries another office's record (403); in
/// both cases nothing is stored.
pub fn check(device: &DeviceRow, batch: &Batch) -> Result<()> {
    if batch.protocol != wire::PROTOCOL {
        return Err(malformed(format!(
            "Protokol batch {} tidak didukung; server pusat memakai protokol {}.",
            batch.protocol,
            wire::PROTOCOL
        )));
    }
    for (i, r) in batch.records.iter().enumerate() {
        let n = i + 1;
        if r.id.trim().is_empty() || r.id.len() > 100 {
            return Err(malformed(format!("Rekaman ke-{n}: id kosong atau terlalu panjang.")));
        }
        if r.seq < 1 || r.prev_seq < 0 || r.prev_seq >= r.seq {
            return Err(malformed(format!(
                "Rekaman ke-{n} ({}): urutan tidak sah (seq {}, prev_seq {}).",
                r.id, r.seq, r.prev_seq
            )));
        }
        if r.kind.is_empty() || r.kind.len() > 40 {
            return Err(malformed(format!("Rekaman ke-{n} ({}): jenis rekaman kosong atau terlalu panjang.", r.id)));
        }
        if r.office != device.office {
            return Err(Error::new(
                Code::WrongOffice,
                format!(
                    "Rekaman {} milik kantor {}, sedangkan perangkat ini terdaftar untuk kantor {}. Batch tidak disimpan.",
                    r.id, r.office, device.office
                ),
            ));
        }
    }
    Ok(())
}

fn prepare(record: WireRecord, now: DateTime<Utc>) -> Prepared {
    let hash = record.content_hash();
    let mut recording = None;
    let mut blank = None;
    let mut issuance = None;
    let mut complaint = None;
    let mut summary = None;
    let invalid = if record.created_at > now + Duration::minutes(FUTURE_TOLERANCE_MINUTES) {
        Some(format!(
            "waktu di masa depan: dibuat {} sedangkan jam server pusat {}",
            record.created_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ))
    } else {
        let bad = |e: String| Some(format!("isi {} tidak sah: {e}", record.kind));
        match record.kind.as_str() {
            "applicant" => wire::decode_body::<ApplicantBody>(&record.body).err().and_then(bad),
            "application" => wire::decode_body::<ApplicationBody>(&record.body).err().and_then(bad),
            "recording" => match wire::decode_body::<RecordingBody>(&record.body) {
                Ok(b) if b.recording_id.trim().is_empty() => Some("isi recording tidak sah: recording_id kosong".into()),
                Ok(b) => {
                    recording = Some((b.recording_id, b.biodata));
                    None
                }
                Err(e) => bad(e),
            },
            "blank_event" => checked_event(&record.body, now, check_blank_event, &mut blank).and_then(bad),
            "issuance_event" => checked_event(&record.body, now, check_issuance_event, &mut issuance).and_then(bad),
            "complaint_event" => checked_event(&record.body, now, check_complaint_event, &mut complaint).and_then(bad),
            "daily_summary" => checked_event(&record.body, now, check_daily_summary, &mut summary).and_then(bad),
            other => Some(format!("jenis rekaman '{other}' tidak dikenal")),
        }
    };
    Prepared { record, hash, invalid, recording, blank, issuance, complaint, summary }
}

/// An event body that decodes and passes `check` goes into `keep`; otherwise, why not.
fn checked_event<B: serde::de::DeserializeOwned>(
    body: &[u8],
    now: DateTime<Utc>,
    check: fn(&B, DateTime<Utc>) -> std::result::Result<(), String>,
    keep: &mut Option<B>,
) -> Option<String> {
    let b = match wire::decode_body::<B>(body) {
        Ok(b) => b,
        Err(e) => return Some(e),
    };
    match check(&b, now) {
        Ok(()) => {
            *keep = Some(b);
            None
        }
        Err(e) => Some(e),
    }
}

/// What a blank event must be for central to count it: a known blank, one of the five events from
/// a state it can follow (received from none; printed or spoiled from the stock; returned or
/// destroyed from the stock or spoiled), a time not ahead of central's clock, and a cause for a
/// spoiled blank.
fn check_blank_event(b: &BlankEventBody, now: DateTime<Utc>) -> std::result::Result<(), String> {
    event_id(&b.event_id)?;
    if b.serial.trim().is_empty() || b.serial.len() > 32 {
        return Err(format!("nomor seri '{}' kosong atau lebih dari 32 huruf", b.serial));
    }
    if !wire::BLANK_EVENTS.contains(&b.event.as_str()) {
        return Err(format!("kejadian '{}' tidak dikenal (received, printed, spoiled, returned, destroyed)", b.event));
    }
    let from = b.from_state.as_deref();
    let follows = match b.event.as_str() {
        "received" => from.is_none(),
        "printed" | "spoiled" => from == Some("in_stock"),
        _ => matches!(from, Some("in_stock" | "spoiled")),
    };
    if !follows {
        return Err(format!("blangko {} tidak dapat {} dari keadaan {}", b.serial, b.event, from.unwrap_or("(tidak ada)")));
    }
    not_ahead(b.at, now)?;
    match (b.event.as_str(), b.cause.as_deref()) {
        ("spoiled", Some(c)) if wire::SPOIL_CAUSES.contains(&c) => {}
        ("spoiled", Some(c)) => {
            return Err(format!("penyebab rusak '{c}' tidak dikenal ({})", wire::SPOIL_CAUSES.join(", ")));
        }
        ("spoiled", None) => return Err("blangko rusak tanpa penyebab".into()),
        (_, Some(_)) => return Err(format!("penyebab hanya untuk blangko rusak, bukan {}", b.event)),
        (_, None) => {}
    }
    bounded("report_number", &b.report_number, 100)?;
    bounded("recording_id", &b.recording_id, 100)?;
    bounded("job_id", &b.job_id, 100)?;
    bounded("chip_uid", &b.chip_uid, 64)?;
    Ok(())
}

/// An optional text that, when present, is not blank and at most `max` bytes long.
fn bounded(name: &str, v: &Option<String>, max: usize) -> std::result::Result<(), String> {
    match v {
        Some(v) if v.trim().is_empty() || v.len() > max => Err(format!("{name} kosong atau lebih dari {max} huruf")),
        _ => Ok(()),
    }
}

fn event_id(id: &str) -> std::result::Result<(), String> {
    if id.trim().is_empty() || id.len() > 100 {
        return Err("event_id kosong atau terlalu panjang".into());
    }
    Ok(())
}

/// An event's own time may be ahead of central's clock by the drift records are allowed.
fn not_ahead(at: DateTime<Utc>, now: DateTime<Utc>) -> std::result::Result<(), String> {
    if at > now + Duration::minutes(FUTURE_TOLERANCE_MINUTES) {
        return Err(format!(
            "waktu kejadian di masa depan: {} sedangkan jam server pusat {}",
            at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ));
    }
    Ok(())
}

/// What a card hand-over or Suket event must be for central to count it: one of the five events, a
/// well-formed NIK and a recording, a time not ahead of central's clock; a hand-over names its
/// hand-over record and who collected the card; a Suket event names its Suket, and an issued or
/// reprinted Suket the last day it is valid.
fn check_issuance_event(b: &IssuanceEventBody, now: DateTime<Utc>) -> std::result::Result<(), String> {
    event_id(&b.event_id)?;
    if !wire::ISSUANCE_EVENTS.contains(&b.event.as_str()) {
        return Err(format!("kejadian '{}' tidak dikenal ({})", b.event, wire::ISSUANCE_EVENTS.join(", ")));
    }
    // The contract's NIK rules (16 digits, a known kecamatan, a birth date), untrimmed.
    if b.nik.trim() != b.nik {
        return Err(format!("NIK '{}': NIK harus 16 angka.", b.nik));
    }
    loket_contract::nik::parse(&b.nik, now.date_naive()).map_err(|e| format!("NIK '{}': {}", b.nik, e.message))?;
    if b.recording_id.trim().is_empty() || b.recording_id.len() > 100 {
        return Err("recording_id kosong atau lebih dari 100 huruf".into());
    }
    not_ahead(b.at, now)?;
    let one_of = |name: &str, v: &Option<String>, allowed: &[&str]| match v.as_deref() {
        Some(x) if !allowed.contains(&x) => Err(format!("{name} '{x}' tidak dikenal ({})", allowed.join(", "))),
        _ => Ok(()),
    };
    one_of("collector", &b.collector, &wire::COLLECTORS)?;
    one_of("old_card", &b.old_card, &wire::OLD_CARDS)?;
    let suket = b.event.starts_with("suket_");
    if b.event == "card_handed_over" {
        if b.handover_id.is_none() {
            return Err("penyerahan KTP-el tanpa handover_id".into());
        }
        if b.collector.is_none() {
            return Err("penyerahan KTP-el tanpa collector (applicant atau representative)".into());
        }
    }
    if suket && b.suket_number.is_none() {
        return Err(format!("{} tanpa nomor Suket (suket_number)", b.event));
    }
    if matches!(b.event.as_str(), "suket_issued" | "suket_reprinted") && b.valid_until.is_none() {
        return Err(format!("{} tanpa tanggal berlaku (valid_until)", b.event));
    }
    bounded("handover_id", &b.handover_id, 100)?;
    bounded("serial", &b.serial, 32)?;
    bounded("suket_number", &b.suket_number, 64)?;
    bounded("reason", &b.reason, 500)?;
    Ok(())
}

/// What a complaint's step must be for central to count it: one of the seven events, a tracking
/// number `ADU-…`, the state the event leads to (an escalation keeps any open state), a known
/// channel, category and level, a deadline not before the day it was received, a time not ahead of
/// central's clock, a reason for a rejection and a note for an escalation.
fn check_complaint_event(b: &ComplaintEventBody, now: DateTime<Utc>) -> std::result::Result<(), String> {
    event_id(&b.event_id)?;
    if !wire::COMPLAINT_EVENTS.contains(&b.event.as_str()) {
        return Err(format!("kejadian '{}' tidak dikenal ({})", b.event, wire::COMPLAINT_EVENTS.join(", ")));
    }
    if !b.number.starts_with("ADU-") || b.number.len() > 64 {
        return Err(format!("nomor pengaduan '{}' tidak berbentuk ADU-…", b.number));
    }
    if !wire::COMPLAINT_STATES.contains(&b.state.as_str()) {
        return Err(format!("status '{}' tidak dikenal ({})", b.state, wire::COMPLAINT_STATES.join(", ")));
    }
    match wire::complaint_event_state(&b.event) {
        Some(s) if s != b.state => return Err(format!("kejadian {} harus berstatus {}, bukan {}", b.event, s, b.state)),
        None if matches!(b.state.as_str(), "ditolak" | "selesai" | "ditutup") => {
            return Err(format!("pengaduan berstatus {} tidak dapat dieskalasi", b.state));
        }
        _ => {}
    }
    let one_of = |name: &str, v: &str, allowed: &[&str]| {
        if allowed.contains(&v) { Ok(()) } else { Err(format!("{name} '{v}' tidak dikenal ({})", allowed.join(", "))) }
    };
    one_of("channel", &b.channel, &wire::COMPLAINT_CHANNELS)?;
    one_of("category", &b.category, &wire::COMPLAINT_CATEGORIES)?;
    one_of("level", &b.level, &wire::COMPLAINT_LEVELS)?;
    if b.deadline < b.received_on {
        return Err(format!("batas waktu {} sebelum tanggal diterima {}", b.deadline, b.received_on));
    }
    not_ahead(b.at, now)?;
    if matches!(b.event.as_str(), "rejected" | "escalated") && b.note.as_deref().is_none_or(|n| n.trim().is_empty()) {
        return Err(format!("{} tanpa catatan (note)", b.event));
    }
    bounded("note", &b.note, 1000)?;
    Ok(())
}

/// What a day's summary must be for central to keep it: a day from 2000 on and not after central's
/// tomorrow (an office east of central may already be a day ahead), a generation time not ahead of
/// central's clock, at most `MAX_SUMMARY_FIGURES` figures, each with a section and a label of 1 to
/// 100 letters and a finite value.
fn check_daily_summary(b: &DailySummaryBody, now: DateTime<Utc>) -> std::result::Result<(), String> {
    let earliest = chrono::NaiveDate::from_ymd_opt(2000, 1, 1).expect("a valid date");
    let latest = now.date_naive() + Duration::days(1);
    if b.day < earliest {
        return Err(format!("tanggal ringkasan {} sebelum tahun 2000", b.day));
    }
    if b.day > latest {
        return Err(format!("tanggal ringkasan {} di masa depan (tanggal server pusat {})", b.day, now.date_naive()));
    }
    not_ahead(b.generated_at, now)?;
    if b.figures.len() > wire::MAX_SUMMARY_FIGURES {
        return Err(format!("ringkasan berisi {} angka; paling banyak {}", b.figures.len(), wire::MAX_SUMMARY_FIGURES));
    }
    for (i, f) in b.figures.iter().enumerate() {
        let n = i + 1;
        for (name, v) in [("bagian", &f.section), ("label", &f.label)] {
            if v.trim().is_empty() || v.chars().count() > 100 {
                return Err(format!("angka ke-{n}: {name} kosong atau lebih dari 100 huruf"));
            }
        }
        if !f.value.is_finite() {
            return Err(format!("angka ke-{n} ({} · {}): nilai bukan bilangan terhingga", f.section, f.label));
        }
    }
    Ok(())
}

/// Stores what is new, answers every record, advances the device's contiguous seq, verifies new
/// recordings and keeps the batch's audit head (`anchor`); commits before it returns.
pub fn ingest(central: &Central, device: &DeviceRow, batch: Batch) -> Result<BatchResult> {
    check(device, &batch)?;
    let now = central.now();
    let audit_head = batch.audit_head.clone();
    let prepared: Vec<Prepared> = batch.records.into_iter().map(|r| prepare(r, now)).collect();
    let device_id = device.id.clone();
    central.store.write(|tx| {
        // Re-read inside the transaction: the device may have been revoked since it authenticated.
        let device = tx
            .device(&device_id)?
            .ok_or_else(|| Error::new(Code::Unauthenticated, "Perangkat tidak dikenali."))?;
        if device.revoked_at.is_some() {
            return Err(Error::new(Code::DeviceRevoked, "Perangkat ini telah dicabut oleh admin server pusat."));
        }
        let mut results = Vec::with_capacity(prepared.len());
        for p in &prepared {
            let (outcome, reason) = answer(tx, &device, p, now)?;
            tx.mark_seq(&device.id, p.record.seq, p.record.prev_seq)?;
            results.push(RecordResult { id: p.record.id.clone(), seq: p.record.seq, outcome, reason });
        }
        let contiguous_seq = advance(tx, &device.id, device.contiguous_seq)?;
        tx.set_device_progress(&device.id, contiguous_seq, now)?;
        let audit_anchor = crate::anchor::record(tx, &device, audit_head.as_ref(), now)?;
        Ok(BatchResult { contiguous_seq, results, audit_anchor })
    })
}

fn answer(tx: &mut dyn Tx, device: &DeviceRow, p: &Prepared, now: DateTime<Utc>) -> Result<(Outcome, Option<String>)> {
    let r = &p.record;
    match tx.record_hash(&r.id)? {
        Some(stored) if stored == p.hash => Ok((Outcome::Duplicate, None)),
        Some(_) => {
            tx.insert_conflict(&r.id, &device.id, r.seq, &p.hash, now)?;
            Ok((Outcome::Conflict, Some("id rekaman ini sudah diterima dengan isi berbeda; data di server pusat tidak ditimpa".into())))
        }
        None => {
            tx.insert_record(&NewRecord {
                id: &r.id,
                device_id: &device.id,
                seq: r.seq,
                prev_seq: r.prev_seq,
                kind: &r.kind,
                office: &r.office,
                created_at: r.created_at,
                content_hash: &p.hash,
                body: &r.body,
                received_at: now,
                invalid_reason: p.invalid.as_deref(),
            })?;
            if let Some(reason) = &p.invalid {
                return Ok((Outcome::Invalid, Some(reason.clone())));
            }
            if let Some((recording_id, biodata)) = &p.recording {
                verify::verify_recording(tx, &r.id, &r.office, recording_id, biodata, now)?;
            }
            if let Some(b) = &p.blank {
                // A second record of an event already kept (re-sent from quarantine) is stored
                // as a record but counted once.
                tx.insert_blank_event(&BlankEventRow { office: &r.office, record_id: &r.id, event: b })?;
            }
            if let Some(b) = &p.issuance {
                tx.insert_issuance_event(&IssuanceEventRow { office: &r.office, record_id: &r.id, event: b })?;
            }
            if let Some(b) = &p.complaint {
                tx.insert_complaint_event(&ComplaintEventRow { office: &r.office, record_id: &r.id, event: b })?;
            }
            if let Some(b) = &p.summary {
                // An older summary of the same day (a late re-send) is stored as a record only.
                tx.upsert_daily_summary(&r.office, &r.id, b)?;
            }
            Ok((Outcome::Accepted, None))
        }
    }
}

/// Follows the chain of answered seqs from `from`: each record names the seq before it, so a gap
/// (a record not yet received) stops the walk and rows skipped at the office do not.
fn advance(tx: &mut dyn Tx, device_id: &str, from: i64) -> Result<i64> {
    let mut seq = from;
    while let Some(next) = tx.next_seq(device_id, seq)? {
        if next <= seq {
            break;
        }
        seq = next;
    }
    Ok(seq)
}

/// The stored record ids of a device, in seq order (for tests and `status`).
pub fn record_ids(central: &Central, device_id: &str) -> Result<Vec<String>> {
    central.store.read(|tx| tx.record_ids(device_id))
}
