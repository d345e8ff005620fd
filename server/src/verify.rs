//! Verification of a recording against the population registry, and adjudication of duplicates.
//! `decide` is the one rule; it is pure, so it is the same whichever backend stored the facts.

use crate::changes;
use crate::error::{Code, Error, Result};
use crate::storage::{Person, RecordingState, Tx};
use crate::{normalise_text, Central};
use chrono::{DateTime, NaiveDate, Utc};
use loket_contract::biodata::Biodata;
use loket_contract::nik::Sex;
use loket_contract::wire::ChangeKind;

pub const PRINT_READY: &str = "PRINT_READY_RECORD";
pub const DUPLICATE: &str = "DUPLICATE_RECORD";
pub const ENROLL_FAILURE: &str = "ENROLL_FAILURE";

pub const UNKNOWN_NIK: &str = "NIK tidak terdaftar di database kependudukan";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub status: &'static str,
    pub reason: Option<String>,
}

pub fn sex_code(sex: Sex) -> &'static str {
    match sex {
        Sex::L => "L",
        Sex::P => "P",
    }
}

fn same_date(a: &str, b: &str) -> bool {
    match (NaiveDate::parse_from_str(a.trim(), "%Y-%m-%d"), NaiveDate::parse_from_str(b.trim(), "%Y-%m-%d")) {
        (Ok(a), Ok(b)) => a == b,
        _ => a.trim() == b.trim(),
    }
}

/// The SIAK decision for one recording: unknown NIK or disagreeing biodata fail; a NIK already
/// print-ready from another recording waits for adjudication; anything else is print-ready.
pub fn decide(biodata: &Biodata, registered: Option<&Person>, print_ready_elsewhere: Option<&str>) -> Decision {
    let Some(person) = registered else {
        return Decision { status: ENROLL_FAILURE, reason: Some(UNKNOWN_NIK.into()) };
    };
    let mut differs = Vec::new();
    let name = normalise_text(&biodata.full_name);
    if name != normalise_text(&person.full_name) {
        differs.push(format!("nama lengkap (rekaman: {name}; database: {})", person.full_name));
    }
    if !same_date(&biodata.birth_date, &person.birth_date) {
        differs.push(format!("tanggal lahir (rekaman: {}; database: {})", biodata.birth_date.trim(), person.birth_date));
    }
    if sex_code(biodata.sex) != person.sex {
        differs.push(format!("jenis kelamin (rekaman: {}; database: {})", sex_code(biodata.sex), person.sex));
    }
    if !differs.is_empty() {
        return Decision {
            status: ENROLL_FAILURE,
            reason: Some(format!("Biodata berbeda dengan database kependudukan: {}", differs.join(", "))),
        };
    }
    if let Some(other) = print_ready_elsewhere {
        return Decision {
            status: DUPLICATE,
            reason: Some(format!("NIK ini sudah siap cetak dari perekaman {other}; menunggu adjudikasi.")),
        };
    }
    Decision { status: PRINT_READY, reason: None }
}

/// Verifies a newly accepted recording inside the ingest transaction and reports the decision to
/// the recording's office.
pub fn verify_recording(
    tx: &mut dyn Tx,
    record_id: &str,
    office: &str,
    recording_id: &str,
    biodata: &Biodata,
    now: DateTime<Utc>,
) -> Result<Decision> {
    let nik = biodata.nik.trim();
    let person = tx.person(nik)?;
    let elsewhere = tx.print_ready_elsewhere(nik, recording_id)?;
    let decision = decide(biodata, person.as_ref(), elsewhere.as_deref());
    record(tx, RecordingState {
        recording_id: recording_id.to_string(),
        record_id: record_id.to_string(),
        nik: nik.to_string(),
        office: office.to_string(),
        status: decision.status.to_string(),
        reason: decision.reason.clone(),
    }, now)?;
    Ok(decision)
}

fn record(tx: &mut dyn Tx, state: RecordingState, now: DateTime<Utc>) -> Result<()> {
    tx.set_recording(&state, now)?;
    let change = ChangeKind::RecordingStatus { recording_id: state.recording_id.clone(), status: state.status.clone(), reason: state.reason.clone() };
    changes::append(tx, &state.office, &change, now)?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    PrintReady,
    Reject(String),
}

/// The adjudication rule: only a recording waiting as DUPLICATE_RECORD can be decided, and a
/// rejection needs its reason.
pub fn adjudication(current: &RecordingState, verdict: &Verdict) -> Result<Decision> {
    if current.status != DUPLICATE {
        return Err(Error::new(
            Code::Conflict,
            format!(
                "Perekaman {} berstatus {}; hanya perekaman berstatus {DUPLICATE} yang dapat diadjudikasi.",
                current.recording_id, current.status
            ),
        ));
    }
    match verdict {
        Verdict::PrintReady => Ok(Decision { status: PRINT_READY, reason: Some("Diputuskan siap cetak melalui adjudikasi.".into()) }),
        Verdict::Reject(reason) => {
            let reason = reason.split_whitespace().collect::<Vec<_>>().join(" ");
            if reason.is_empty() {
                return Err(Error::new(Code::Validation, "Tulis alasan penolakan."));
            }
            Ok(Decision { status: ENROLL_FAILURE, reason: Some(reason) })
        }
    }
}

pub fn adjudicate(central: &Central, recording_id: &str, verdict: Verdict) -> Result<RecordingState> {
    let now = central.now();
    let id = recording_id.trim().to_string();
    let state = central.store.write(|tx| {
        let current = tx.recording(&id)?.ok_or_else(|| Error::new(Code::NotFound, format!("Perekaman {id} tidak ditemukan.")))?;
        let decision = adjudication(&current, &verdict)?;
        let state = RecordingState { status: decision.status.to_string(), reason: decision.reason, ..current };
        record(tx, state.clone(), now)?;
        Ok(state)
    })?;
    tracing::info!(recording = %state.recording_id, status = %state.status, "adjudicated");
    Ok(state)
}

pub fn statuses(central: &Central) -> Result<Vec<RecordingState>> {
    central.store.read(|tx| tx.recording_statuses())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn biodata() -> Biodata {
        Biodata {
            nik: "6101091708050001".into(),
            kk_number: "6101091708050009".into(),
            full_name: "Budi  santoso".into(),
            sex: Sex::L,
            birth_place: "SAMBAS".into(),
            birth_date: "2005-08-17".into(),
            blood_type: "O".into(),
            religion: "ISLAM".into(),
            marital_status: "BELUM KAWIN".into(),
            occupation: "PELAJAR/MAHASISWA".into(),
            education: "SLTA/SEDERAJAT".into(),
            citizenship: "WNI".into(),
            address: "JL. MERDEKA 1".into(),
            rt: "001".into(),
            rw: "002".into(),
            village_code: "61.01.09.2001".into(),
            postal_code: None,
            mobile: "081234567890".into(),
            telephone: None,
            email: None,
        }
    }

    fn person() -> Person {
        Person {
            nik: "6101091708050001".into(),
            full_name: "BUDI SANTOSO".into(),
            sex: "L".into(),
            birth_place: "SAMBAS".into(),
            birth_date: "2005-08-17".into(),
            kk_number: None,
        }
    }

    #[test]
    fn the_rule_in_order() {
        let b = biodata();
        assert_eq!(decide(&b, None, None).reason.as_deref(), Some(UNKNOWN_NIK));
        assert_eq!(decide(&b, Some(&person()), None), Decision { status: PRINT_READY, reason: None });
        assert_eq!(decide(&b, Some(&person()), Some("rec-1")).status, DUPLICATE);
        let mut wrong = person();
        wrong.birth_date = "2005-08-18".into();
        wrong.sex = "P".into();
        // A mismatch fails even when a duplicate exists: the data is wrong first.
        let d = decide(&b, Some(&wrong), Some("rec-1"));
        assert_eq!(d.status, ENROLL_FAILURE);
        let reason = d.reason.unwrap();
        assert!(reason.contains("tanggal lahir") && reason.contains("jenis kelamin") && !reason.contains("nama"), "{reason}");
    }

    #[test]
    fn adjudication_only_for_duplicates() {
        let state = |status: &str| RecordingState {
            recording_id: "r".into(),
            record_id: "x".into(),
            nik: "1".into(),
            office: "61.01.09".into(),
            status: status.into(),
            reason: None,
        };
        assert_eq!(adjudication(&state(PRINT_READY), &Verdict::PrintReady).unwrap_err().code, Code::Conflict);
        assert_eq!(adjudication(&state(DUPLICATE), &Verdict::Reject("  ".into())).unwrap_err().code, Code::Validation);
        assert_eq!(adjudication(&state(DUPLICATE), &Verdict::Reject("foto orang lain".into())).unwrap().status, ENROLL_FAILURE);
        assert_eq!(adjudication(&state(DUPLICATE), &Verdict::PrintReady).unwrap().status, PRINT_READY);
    }
}
