//! Ingest of one batch from one device: dedup on record id forever, per-record outcomes, the
//! device's contiguous seq, and verification of new recordings, all in one transaction.

use crate::error::{Code, Error, Result};
use crate::storage::{BlankEventRow, DeviceRow, NewRecord, Tx};
use crate::{verify, Central};
use chrono::{DateTime, Duration, Utc};
use loket_contract::biodata::Biodata;
use loket_contract::wire::{
    self, ApplicantBody, ApplicationBody, Batch, BatchResult, BlankEventBody, Outcome, RecordResult, RecordingBody, WireRecord,
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
            "blank_event" => match wire::decode_body::<BlankEventBody>(&record.body) {
                Ok(b) => match check_blank_event(&b, now) {
                    Ok(()) => {
                        blank = Some(b);
                        None
                    }
                    Err(e) => Some(format!("isi blank_event tidak sah: {e}")),
                },
                Err(e) => bad(e),
            },
            other => Some(format!("jenis rekaman '{other}' tidak dikenal")),
        }
    };
    Prepared { record, hash, invalid, recording, blank }
}

/// What a blank event must be for central to count it: a known blank, one of the five events from
/// a state it can follow (received from none; printed or spoiled from the stock; returned or
/// destroyed from the stock or spoiled), a time not ahead of central's clock, and a cause for a
/// spoiled blank.
fn check_blank_event(b: &BlankEventBody, now: DateTime<Utc>) -> std::result::Result<(), String> {
    let bounded = |name: &str, v: &Option<String>, max: usize| match v {
        Some(v) if v.trim().is_empty() || v.len() > max => Err(format!("{name} kosong atau lebih dari {max} huruf")),
        _ => Ok(()),
    };
    if b.event_id.trim().is_empty() || b.event_id.len() > 100 {
        return Err("event_id kosong atau terlalu panjang".into());
    }
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
    if b.at > now + Duration::minutes(FUTURE_TOLERANCE_MINUTES) {
        return Err(format!(
            "waktu kejadian di masa depan: {} sedangkan jam server pusat {}",
            b.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ));
    }
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

/// Stores what is new, answers every record, advances the device's contiguous seq and verifies
/// new recordings; commits before it returns.
pub fn ingest(central: &Central, device: &DeviceRow, batch: Batch) -> Result<BatchResult> {
    check(device, &batch)?;
    let now = central.now();
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
        Ok(BatchResult { contiguous_seq, results })
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
