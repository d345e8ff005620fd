//! What travels between an office hub and `loket-central`: the one definition both sides compile.
//!
//! A batch is MessagePack (field names kept, so a newer side can tell an unknown field) compressed
//! with zstd. Each record's body is nested MessagePack bytes, so central can refuse one bad record
//! as `invalid` without refusing the batch, and can hash exactly the bytes the office sent.
//! Photos, signatures and biometric images are `bin` fields: raw bytes, no base64.

use crate::biodata::Biodata;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Bumped when a change would make an older central misread a batch.
pub const PROTOCOL: u32 = 1;
pub const BATCH_CONTENT_TYPE: &str = "application/vnd.loket.batch+msgpack";
pub const BATCH_ENCODING: &str = "zstd";
/// Central's limit on one compressed batch; the office stays below it (see `MAX_BATCH_BYTES`).
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;
/// Central's limit on one batch once decompressed.
pub const MAX_INFLATED_BYTES: usize = 64 * 1024 * 1024;
/// The office's cap on the raw bytes of one batch: well under the body limit even uncompressed.
pub const MAX_BATCH_BYTES: usize = 4 * 1024 * 1024;
/// The office's cap on records in one batch.
pub const MAX_BATCH_RECORDS: usize = 200;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Batch {
    pub protocol: u32,
    pub records: Vec<WireRecord>,
    /// The head of the office's audit chain when the batch was read. Optional both ways: a central
    /// that keeps anchors (`DeviceState::audit_anchors`) stores it; a batch without it is still read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_head: Option<AuditHead>,
}

/// The last row of an office's hash-chained audit trail: its seq, its hash and its own time.
/// Central keeps the highest one it was sent per device, so rows cut off the end of the office's
/// chain afterwards are found by comparing with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditHead {
    pub seq: i64,
    /// SHA-256, 64 lower-case hex digits.
    pub hash: String,
    pub at: DateTime<Utc>,
}

/// The audit head central holds for the device, with when central first stored it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditAnchor {
    pub seq: i64,
    pub hash: String,
    pub at: DateTime<Utc>,
    pub anchored_at: DateTime<Utc>,
}

/// One outbox row. `id` is the change's UUIDv7 (central dedups on it forever); `seq` is the
/// device's outbox position and `prev_seq` the one before it, so central can tell the highest
/// contiguous seq even when rows were skipped locally.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WireRecord {
    pub id: String,
    pub seq: i64,
    pub prev_seq: i64,
    /// `applicant`, `application`, `recording`, `blank_event`, `issuance_event`, `complaint_event`,
    /// `daily_summary`.
    pub kind: String,
    /// The office (kecamatan) code, dotted: `61.01.09`.
    pub office: String,
    pub created_at: DateTime<Utc>,
    /// The kind's body, MessagePack with field names.
    #[serde(with = "serde_bytes")]
    pub body: Vec<u8>,
}

impl WireRecord {
    /// What central compares when the same id arrives twice.
    pub fn content_hash(&self) -> String {
        let mut h = Sha256::new();
        for part in [self.kind.as_bytes(), self.office.as_bytes(), self.created_at.to_rfc3339().as_bytes()] {
            h.update((part.len() as u64).to_le_bytes());
            h.update(part);
        }
        h.update(&self.body);
        hex::encode(h.finalize())
    }

    /// Bytes of the record's content (what a plain upload would carry).
    pub fn raw_len(&self) -> usize {
        self.id.len() + self.kind.len() + self.office.len() + 16 + 25 + self.body.len()
    }
}

/// An applicant's biodata as saved (every save is a new change).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplicantBody {
    pub applicant_id: String,
    pub biodata: Biodata,
}

/// An application's status change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplicationBody {
    pub application_id: String,
    pub number: String,
    pub nik: String,
    pub kind: String,
    pub status: String,
}

/// A finished recording: what central verifies and enrolls.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordingBody {
    pub recording_id: String,
    pub application_number: String,
    pub application_kind: String,
    pub receipt_number: String,
    pub recorded_at: DateTime<Utc>,
    pub biodata: Biodata,
    #[serde(with = "serde_bytes")]
    pub photo: Vec<u8>,
    #[serde(with = "serde_bytes")]
    pub signature: Vec<u8>,
    pub biometrics: Vec<BiometricBody>,
}

/// What happened to one numbered blank card at the office: one record per event (issue 10).
/// Central keeps every event and derives each blank's state from the latest one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlankEventBody {
    /// The office's own id for the event (a UUIDv7): the same event sent again under a new record
    /// id (a supervisor re-sending it from quarantine) is still stored once.
    pub event_id: String,
    pub serial: String,
    /// `received`, `printed`, `spoiled`, `returned` or `destroyed` (see `BLANK_EVENTS`).
    pub event: String,
    /// The blank's state before the event (`in_stock`, `spoiled`, …); none for `received`.
    pub from_state: Option<String>,
    pub at: DateTime<Utc>,
    /// For `spoiled`: one of `SPOIL_CAUSES`.
    pub cause: Option<String>,
    /// The berita acara of a delivery (`received`) or of a return or destruction.
    pub report_number: Option<String>,
    /// The recording whose card was printed (or spoiled) in a print job.
    pub recording_id: Option<String>,
    pub job_id: Option<String>,
    /// The chip written on a printed card.
    pub chip_uid: Option<String>,
}

/// The events a blank can have, in the office's words.
pub const BLANK_EVENTS: [&str; 5] = ["received", "printed", "spoiled", "returned", "destroyed"];
/// Why a blank was spoiled.
pub const SPOIL_CAUSES: [&str; 5] = ["rusak_fisik", "salah_cetak", "printer_macet", "gagal_encoding", "lainnya"];

/// A card handed over to its owner, or what happened to a Suket (the temporary letter given while
/// no card can be printed): one record per event. Central keeps every event and takes a Suket's
/// state to be its latest event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssuanceEventBody {
    /// The office's own id for the event (a UUIDv7): stored once however often it is sent.
    pub event_id: String,
    /// One of `ISSUANCE_EVENTS`.
    pub event: String,
    pub at: DateTime<Utc>,
    pub nik: String,
    pub recording_id: String,
    /// For `card_handed_over`: the office's hand-over record.
    pub handover_id: Option<String>,
    /// The blank serial of the card handed over.
    pub serial: Option<String>,
    /// For `card_handed_over`: one of `COLLECTORS`.
    pub collector: Option<String>,
    /// The owner's previous card, when there was one: one of `OLD_CARDS`.
    pub old_card: Option<String>,
    /// For the `suket_*` events: `SKT-610109-2026-00001`.
    pub suket_number: Option<String>,
    /// For `suket_issued` and `suket_reprinted`: the last day the letter is valid.
    pub valid_until: Option<NaiveDate>,
    /// For `suket_withdrawn`: why.
    pub reason: Option<String>,
}

/// The events of a card hand-over or a Suket, in the office's words.
pub const ISSUANCE_EVENTS: [&str; 5] = ["card_handed_over", "suket_issued", "suket_reprinted", "suket_withdrawn", "suket_superseded"];
/// Who collected a card.
pub const COLLECTORS: [&str; 2] = ["applicant", "representative"];
/// What became of the owner's previous card at a hand-over.
pub const OLD_CARDS: [&str; 2] = ["handed_in", "withdrawn"];

/// One step in the life of a complaint (pengaduan) recorded at the office: one record per step.
/// No complaint text and no contact details travel; central counts complaints per office and takes
/// a complaint's state to be its latest event's `state`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComplaintEventBody {
    /// The office's own id for the event (a UUIDv7): stored once however often it is sent.
    pub event_id: String,
    /// One of `COMPLAINT_EVENTS`.
    pub event: String,
    pub at: DateTime<Utc>,
    /// The tracking number: `ADU-610109-20261123-0001`.
    pub number: String,
    /// The complaint's state after the event: one of `COMPLAINT_STATES`.
    pub state: String,
    /// One of `COMPLAINT_CHANNELS`.
    pub channel: String,
    /// One of `COMPLAINT_CATEGORIES`.
    pub category: String,
    /// The office-local day it was received.
    pub received_on: NaiveDate,
    /// The last office-local day it should be answered by (received day + N working days).
    pub deadline: NaiveDate,
    /// Who handles it now: one of `COMPLAINT_LEVELS`.
    pub level: String,
    /// The escalation's note or the rejection's reason.
    pub note: Option<String>,
}

/// The steps of a complaint, in the office's words.
pub const COMPLAINT_EVENTS: [&str; 7] = ["received", "verified", "rejected", "assigned", "answered", "closed", "escalated"];
/// A complaint's states, in order.
pub const COMPLAINT_STATES: [&str; 6] = ["diterima", "diverifikasi", "ditolak", "ditindaklanjuti", "selesai", "ditutup"];
/// How a complaint reached the office.
pub const COMPLAINT_CHANNELS: [&str; 5] = ["langsung", "telepon", "whatsapp", "email", "kotak_saran"];
/// What a complaint is about (the categories a Dukcapil office reports on).
pub const COMPLAINT_CATEGORIES: [&str; 8] =
    ["pelayanan_lambat", "sikap_petugas", "data_salah", "blangko_habis", "biaya_pungli", "sistem_gangguan", "persyaratan", "lainnya"];
/// Who handles a complaint, lowest first; each escalation moves one level up.
pub const COMPLAINT_LEVELS: [&str; 4] = ["supervisor", "sekretaris", "kepala_bidang", "kepala_dinas"];

/// The state an event leaves a complaint in (`escalated` keeps the state it had).
pub fn complaint_event_state(event: &str) -> Option<&'static str> {
    Some(match event {
        "received" => "diterima",
        "verified" => "diverifikasi",
        "rejected" => "ditolak",
        "assigned" => "ditindaklanjuti",
        "answered" => "selesai",
        "closed" => "ditutup",
        _ => return None,
    })
}

/// The compact summary of an office's day, sent when the day is closed: every numeric figure of
/// the day's report (section id, label, value). Central keeps one per office and day, the one
/// generated last.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DailySummaryBody {
    /// The office-local day, `YYYY-MM-DD`.
    pub day: NaiveDate,
    /// When the office computed the report: a later one replaces an earlier one of the same day.
    pub generated_at: DateTime<Utc>,
    pub figures: Vec<SummaryFigure>,
}

/// One figure of a report section: `queue` · `Tiket diambil` · 5.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SummaryFigure {
    /// The report section's id (`queue`, `recording`, …).
    pub section: String,
    pub label: String,
    pub value: f64,
}

/// The most figures one summary may carry.
pub const MAX_SUMMARY_FIGURES: usize = 300;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BiometricBody {
    /// `right_thumb` … `left_little`, `iris_right`, `iris_left`.
    pub part: String,
    #[serde(with = "serde_bytes")]
    pub image: Vec<u8>,
    pub score: Option<i64>,
    pub exception_reason: Option<String>,
}

/// Central's answer to a batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchResult {
    /// The highest seq up to which central holds every record of this device.
    pub contiguous_seq: i64,
    pub results: Vec<RecordResult>,
    /// The audit anchor central holds for this device after the batch (the highest head it was
    /// sent); absent from a central that keeps none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_anchor: Option<AuditAnchor>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordResult {
    pub id: String,
    pub seq: i64,
    pub outcome: Outcome,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Stored now.
    Accepted,
    /// Already stored with the same content.
    Duplicate,
    /// Stored as refused (bad body, future time): the office quarantines it for a person.
    Invalid,
    /// The id is known with different content: never overwritten; quarantined at the office.
    Conflict,
}

impl Outcome {
    /// Whether the office may consider the record delivered without a person looking at it.
    pub fn delivered(self) -> bool {
        matches!(self, Outcome::Accepted | Outcome::Duplicate)
    }
}

/// `GET /api/v1/device`: who central thinks this device is and how far it got.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeviceState {
    pub device_id: String,
    pub office: String,
    pub contiguous_seq: i64,
    /// The newest change cursor for this office (the office resets its cursor when it is ahead).
    pub latest_change: i64,
    /// Whether central keeps audit anchors: only then does the office put its audit head in a
    /// batch (an older central would refuse the unknown field). Absent from an older central.
    #[serde(default)]
    pub audit_anchors: bool,
}

/// `POST /api/v1/enroll`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrollRequest {
    pub token: String,
    /// The office hub's name, for central's device list.
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Enrollment {
    pub device_id: String,
    pub office: String,
    /// Sent as `Authorization: Bearer <device_id>.<secret>`; central keeps only its hash.
    pub secret: String,
}

/// `GET /api/v1/changes?after=N&limit=M`: what central decided, for this office, in cursor order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangePage {
    pub changes: Vec<Change>,
    pub more: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub cursor: i64,
    #[serde(flatten)]
    pub what: ChangeKind,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChangeKind {
    /// SIAK status of a recording: `PRINT_READY_RECORD`, `DUPLICATE_RECORD`, `ENROLL_FAILURE`.
    RecordingStatus { recording_id: String, status: String, reason: Option<String> },
    /// An appointment booked at central for this office's kiosk.
    Appointment(CentralAppointment),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CentralAppointment {
    pub id: String,
    pub booking_code: String,
    /// The office's service prefix, `A`.
    pub service: String,
    /// Local date-time of the slot, `2026-11-24T09:00`.
    pub slot: String,
    pub applicant_name: String,
    pub cancelled: bool,
}

/// Central's error body for every non-2xx answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WireError {
    pub code: String,
    pub message: String,
}

pub fn encode_body<T: Serialize>(body: &T) -> Vec<u8> {
    rmp_serde::to_vec_named(body).expect("a body always encodes")
}

pub fn decode_body<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    rmp_serde::from_slice(bytes).map_err(|e| e.to_string())
}

/// A batch as it goes on the wire: MessagePack, then zstd.
pub fn encode_batch(batch: &Batch) -> Vec<u8> {
    let raw = rmp_serde::to_vec_named(batch).expect("a batch always encodes");
    // Level 1: photos are already JPEG; the gain is in the text parts and costs little CPU.
    zstd::bulk::compress(&raw, 1).expect("zstd compresses in memory")
}

/// Decodes a batch; a body that inflates past `MAX_INFLATED_BYTES` is refused (no zip bombs).
pub fn decode_batch(bytes: &[u8]) -> Result<Batch, String> {
    use std::io::Read;
    let decoder = zstd::stream::read::Decoder::new(bytes).map_err(|e| format!("bukan zstd yang sah: {e}"))?;
    let mut raw = Vec::with_capacity(bytes.len() * 2);
    decoder.take(MAX_INFLATED_BYTES as u64 + 1).read_to_end(&mut raw).map_err(|e| format!("bukan zstd yang sah: {e}"))?;
    if raw.len() > MAX_INFLATED_BYTES {
        return Err(format!("batch melebihi {} MiB setelah dibuka", MAX_INFLATED_BYTES / 1024 / 1024));
    }
    rmp_serde::from_slice(&raw).map_err(|e| format!("batch tidak terbaca: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(body: Vec<u8>) -> WireRecord {
        WireRecord {
            id: "0193a1b2-0000-7000-8000-000000000001".into(),
            seq: 7,
            prev_seq: 6,
            kind: "recording".into(),
            office: "61.01.09".into(),
            created_at: "2026-11-23T01:00:00Z".parse().unwrap(),
            body,
        }
    }

    #[test]
    fn batch_round_trips_and_binary_stays_binary() {
        let photo: Vec<u8> = (0..30_000u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
        let batch = Batch { protocol: PROTOCOL, records: vec![record(photo.clone())], audit_head: None };
        let wire = encode_batch(&batch);
        // Incompressible bytes plus a small header: no base64 (which would be 4/3 of it).
        assert!(wire.len() < photo.len() + 300, "{} bytes on the wire for {}", wire.len(), photo.len());
        assert_eq!(decode_batch(&wire).unwrap().records, batch.records);
    }

    #[test]
    fn content_hash_changes_with_content_not_with_position() {
        let a = record(vec![1, 2, 3]);
        let mut moved = a.clone();
        moved.seq = 99;
        moved.prev_seq = 98;
        assert_eq!(a.content_hash(), moved.content_hash());
        let mut changed = a.clone();
        changed.body = vec![1, 2, 4];
        assert_ne!(a.content_hash(), changed.content_hash());
    }

    #[test]
    fn unknown_fields_in_a_body_are_refused() {
        #[derive(Serialize)]
        struct Extra<'a> {
            application_id: &'a str,
            number: &'a str,
            nik: &'a str,
            kind: &'a str,
            status: &'a str,
            colour: &'a str,
        }
        let bytes = encode_body(&Extra { application_id: "x", number: "n", nik: "1", kind: "baru", status: "s", colour: "red" });
        let err = decode_body::<ApplicationBody>(&bytes).unwrap_err();
        assert!(err.contains("colour"), "{err}");
    }

    #[test]
    fn a_blank_event_round_trips_with_its_field_names() {
        let printed = BlankEventBody {
            event_id: "0193a1b2-0000-7000-8000-0000000000aa".into(),
            serial: "KTP-0000001".into(),
            event: "printed".into(),
            from_state: Some("in_stock".into()),
            at: "2026-11-23T02:15:30.250Z".parse().unwrap(),
            cause: None,
            report_number: None,
            recording_id: Some("rec-1".into()),
            job_id: Some("job-1".into()),
            chip_uid: Some("04A1B2C3D4E5F6".into()),
        };
        let bytes = encode_body(&printed);
        assert_eq!(decode_body::<BlankEventBody>(&bytes).unwrap(), printed);
        // Named fields, like every other body: a newer side can tell what it does not know.
        let map: std::collections::BTreeMap<String, serde::de::IgnoredAny> = rmp_serde::from_slice(&bytes).unwrap();
        assert_eq!(map.keys().map(String::as_str).collect::<Vec<_>>(), [
            "at", "cause", "chip_uid", "event", "event_id", "from_state", "job_id", "recording_id", "report_number", "serial",
        ]);
        let received = BlankEventBody { event: "received".into(), from_state: None, report_number: Some("BA-1/2026".into()),
            recording_id: None, job_id: None, chip_uid: None, ..printed };
        assert_eq!(decode_body::<BlankEventBody>(&encode_body(&received)).unwrap(), received);
    }

    #[test]
    fn an_issuance_event_round_trips_with_its_field_names() {
        let handed = IssuanceEventBody {
            event_id: "0193a1b2-0000-7000-8000-0000000000bb".into(),
            event: "card_handed_over".into(),
            at: "2026-11-24T03:05:00.125Z".parse().unwrap(),
            nik: "6101091708050001".into(),
            recording_id: "rec-1".into(),
            handover_id: Some("ho-1".into()),
            serial: Some("KTP-0000001".into()),
            collector: Some("representative".into()),
            old_card: Some("handed_in".into()),
            suket_number: None,
            valid_until: None,
            reason: None,
        };
        let bytes = encode_body(&handed);
        assert_eq!(decode_body::<IssuanceEventBody>(&bytes).unwrap(), handed);
        let map: std::collections::BTreeMap<String, serde::de::IgnoredAny> = rmp_serde::from_slice(&bytes).unwrap();
        assert_eq!(map.keys().map(String::as_str).collect::<Vec<_>>(), [
            "at", "collector", "event", "event_id", "handover_id", "nik", "old_card", "reason", "recording_id", "serial",
            "suket_number", "valid_until",
        ]);
        let issued = IssuanceEventBody {
            event: "suket_issued".into(),
            handover_id: None,
            serial: None,
            collector: None,
            old_card: None,
            suket_number: Some("SKT-610109-2026-00001".into()),
            valid_until: Some(NaiveDate::from_ymd_opt(2027, 5, 24).unwrap()),
            ..handed
        };
        assert_eq!(decode_body::<IssuanceEventBody>(&encode_body(&issued)).unwrap(), issued);
        // The date travels as the text the office wrote, not as a number of days.
        #[derive(Deserialize)]
        struct Date {
            valid_until: String,
        }
        assert_eq!(decode_body::<Date>(&encode_body(&issued)).unwrap().valid_until, "2027-05-24");
    }

    #[test]
    fn a_complaint_event_round_trips_with_its_dates_as_text() {
        let e = ComplaintEventBody {
            event_id: "0193a1b2-0000-7000-8000-0000000000cc".into(),
            event: "escalated".into(),
            at: "2026-11-24T03:05:00.125Z".parse().unwrap(),
            number: "ADU-610109-20261123-0001".into(),
            state: "diverifikasi".into(),
            channel: "whatsapp".into(),
            category: "pelayanan_lambat".into(),
            received_on: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            deadline: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
            level: "sekretaris".into(),
            note: Some("belum ada jawaban dari loket".into()),
        };
        assert_eq!(decode_body::<ComplaintEventBody>(&encode_body(&e)).unwrap(), e);
        #[derive(Deserialize)]
        struct Dates {
            received_on: String,
            deadline: String,
        }
        let d = decode_body::<Dates>(&encode_body(&e)).unwrap();
        assert_eq!((d.received_on.as_str(), d.deadline.as_str()), ("2026-11-23", "2026-11-30"));
        assert_eq!(complaint_event_state("answered"), Some("selesai"));
        assert_eq!(complaint_event_state("escalated"), None);
    }

    #[test]
    fn a_daily_summary_round_trips_with_its_day_as_text() {
        let s = DailySummaryBody {
            day: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            generated_at: "2026-11-23T09:00:00.500Z".parse().unwrap(),
            figures: vec![
                SummaryFigure { section: "queue".into(), label: "Tiket diambil".into(), value: 5.0 },
                SummaryFigure { section: "queue".into(), label: "Sesuai standar".into(), value: 0.6667 },
            ],
        };
        let bytes = encode_body(&s);
        assert_eq!(decode_body::<DailySummaryBody>(&bytes).unwrap(), s);
        let map: std::collections::BTreeMap<String, serde::de::IgnoredAny> = rmp_serde::from_slice(&bytes).unwrap();
        assert_eq!(map.keys().map(String::as_str).collect::<Vec<_>>(), ["day", "figures", "generated_at"]);
        #[derive(Deserialize)]
        struct Day {
            day: String,
        }
        assert_eq!(decode_body::<Day>(&bytes).unwrap().day, "2026-11-23");
        #[derive(Serialize)]
        struct Extra<'a> {
            section: &'a str,
            label: &'a str,
            value: f64,
            unit: &'a str,
        }
        #[derive(Serialize)]
        struct WithExtra<'a> {
            day: &'a str,
            generated_at: &'a str,
            figures: Vec<Extra<'a>>,
        }
        let odd = encode_body(&WithExtra {
            day: "2026-11-23",
            generated_at: "2026-11-23T09:00:00Z",
            figures: vec![Extra { section: "queue", label: "x", value: 1.0, unit: "menit" }],
        });
        assert!(decode_body::<DailySummaryBody>(&odd).unwrap_err().contains("unit"));
    }

    #[test]
    fn a_batch_without_an_audit_head_still_reads_and_one_with_it_round_trips() {
        // What an office before the audit anchor sent: only protocol and records.
        #[derive(Serialize)]
        struct Old {
            protocol: u32,
            records: Vec<WireRecord>,
        }
        let raw = rmp_serde::to_vec_named(&Old { protocol: PROTOCOL, records: vec![] }).unwrap();
        let old = decode_batch(&zstd::bulk::compress(&raw, 1).unwrap()).unwrap();
        assert_eq!(old.audit_head, None);
        let head = AuditHead { seq: 1057, hash: "ab".repeat(32), at: "2026-11-23T09:00:00Z".parse().unwrap() };
        let batch = Batch { protocol: PROTOCOL, records: vec![], audit_head: Some(head.clone()) };
        assert_eq!(decode_batch(&encode_batch(&batch)).unwrap().audit_head, Some(head));
        // An answer from a central that keeps no anchor.
        #[derive(Serialize)]
        struct OldAnswer {
            contiguous_seq: i64,
            results: Vec<RecordResult>,
        }
        let answer: BatchResult = decode_body(&encode_body(&OldAnswer { contiguous_seq: 3, results: vec![] })).unwrap();
        assert_eq!((answer.contiguous_seq, answer.audit_anchor), (3, None));
        // A central that says nothing about anchors gets no audit head from the office.
        #[derive(Serialize)]
        struct OldDevice<'a> {
            device_id: &'a str,
            office: &'a str,
            contiguous_seq: i64,
            latest_change: i64,
        }
        let old = OldDevice { device_id: "d", office: "61.01.09", contiguous_seq: 0, latest_change: 0 };
        assert!(!decode_body::<DeviceState>(&encode_body(&old)).unwrap().audit_anchors);
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(decode_batch(b"not zstd at all").is_err());
        let not_msgpack = zstd::bulk::compress(b"\xc1\xc1\xc1", 1).unwrap();
        assert!(decode_batch(&not_msgpack).is_err());
    }

    #[test]
    fn a_zip_bomb_is_refused_without_inflating_it_all() {
        let zeros = vec![0u8; MAX_INFLATED_BYTES + 1024];
        let bomb = zstd::bulk::compress(&zeros, 3).unwrap();
        assert!(bomb.len() < 1024 * 1024);
        let err = decode_batch(&bomb).unwrap_err();
        assert!(err.contains("melebihi"), "{err}");
    }
}
