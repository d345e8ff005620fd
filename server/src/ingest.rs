//! Ingest of one batch from one device: dedup on record id forever, per-record outcomes, the
//! device's contiguous seq, and verification of new recordings, all in one transaction.

use crate::error::{Code, Error, Result};
use crate::storage::{DeviceRow, NewRecord, Tx};
use crate::{verify, Central};
use chrono::{DateTime, Duration, Utc};
use loket_contract::biodata::Biodata;
use loket_contract::wire::{
    self, ApplicantBody, ApplicationBody, Batch, BatchResult, Outcome, RecordResult, RecordingBody, WireRecord,
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
            other => Some(format!("jenis rekaman '{other}' tidak dikenal")),
        }
    };
    Prepared { record, hash, invalid, recording }
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
