//! Appointments booked at central (by phone or at the kabupaten) for an office's kiosk. Each booking
//! and each cancellation becomes a change the office pulls.

use crate::changes;
use crate::error::{Code, Error, Result};
use crate::storage::AppointmentRow;
use crate::Central;
use chrono::{Duration, NaiveDateTime};
use loket_contract::wire::{CentralAppointment, ChangeKind};
use rand::Rng;

/// The kiosk's alphabet and length (`queue` at the office): no 0/O, 1/I/L.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
const CODE_LENGTH: usize = 6;
const SLOT_FORMAT: &str = "%Y-%m-%dT%H:%M";

fn new_code() -> String {
    let mut rng = rand::thread_rng();
    (0..CODE_LENGTH).map(|_| CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())] as char).collect()
}

fn to_wire(a: &AppointmentRow) -> CentralAppointment {
    CentralAppointment {
        id: a.id.clone(),
        booking_code: a.booking_code.clone(),
        service: a.service.clone(),
        slot: a.slot.clone(),
        applicant_name: a.applicant_name.clone(),
        cancelled: a.cancelled,
    }
}

/// Books a slot (office-local time, `2026-11-24T09:00`) and returns the booking.
pub fn add(central: &Central, office: &str, service: &str, slot: &str, applicant_name: &str) -> Result<AppointmentRow> {
    let office = crate::office_code(office)?;
    let service = service.trim().to_uppercase();
    if service.len() != 1 || !service.chars().all(|c| c.is_ascii_uppercase()) {
        return Err(Error::new(Code::Validation, "Layanan ditulis dengan satu huruf awalan antrean, misalnya A."));
    }
    let slot_at = NaiveDateTime::parse_from_str(slot.trim(), SLOT_FORMAT)
        .map_err(|_| Error::new(Code::Validation, "Jadwal ditulis TTTT-BB-HHTJJ:MM, misalnya 2026-11-24T09:00."))?;
    let name = crate::normalise_text(applicant_name);
    if name.is_empty() || name.chars().count() > 100 {
        return Err(Error::new(Code::Validation, "Nama pemohon wajib diisi (maksimal 100 karakter)."));
    }
    let zone = loket_contract::regions::time_zone_of_province(&office[..2]).unwrap_or(loket_contract::regions::TimeZone::WIB);
    let now = central.now();
    let local_now = now.naive_utc() + Duration::minutes(zone.utc_offset_minutes() as i64);
    if slot_at <= local_now {
        return Err(Error::new(Code::Validation, format!("Jadwal {} sudah lewat (waktu setempat {:?}).", slot.trim(), zone)));
    }
    let row = central.store.write(|tx| {
        let code = loop {
            let code = new_code();
            if tx.appointment(&code)?.is_none() {
                break code;
            }
        };
        let row = AppointmentRow {
            id: uuid::Uuid::now_v7().to_string(),
            office: office.clone(),
            booking_code: code,
            service,
            slot: slot_at.format(SLOT_FORMAT).to_string(),
            applicant_name: name,
            cancelled: false,
            created_at: now,
        };
        tx.insert_appointment(&row)?;
        changes::append(tx, &row.office, &ChangeKind::Appointment(to_wire(&row)), now)?;
        Ok(row)
    })?;
    tracing::info!(office = %row.office, code = %row.booking_code, slot = %row.slot, "appointment booked");
    Ok(row)
}

/// Cancels a booking by id or booking code; the office learns it from the next pull.
pub fn cancel(central: &Central, id_or_code: &str) -> Result<AppointmentRow> {
    let key = id_or_code.trim().to_string();
    let now = central.now();
    central.store.write(|tx| {
        // Ids are lower-case UUIDs; booking codes are read out and typed in any case.
        let found = match tx.appointment(&key)? {
            Some(row) => Some(row),
            None => tx.appointment(&key.to_uppercase())?,
        };
        let mut row = found.ok_or_else(|| Error::new(Code::NotFound, format!("Janji temu {key} tidak ditemukan.")))?;
        if row.cancelled {
            return Err(Error::new(Code::Conflict, format!("Janji temu {} sudah dibatalkan.", row.booking_code)));
        }
        tx.set_appointment_cancelled(&row.id)?;
        row.cancelled = true;
        changes::append(tx, &row.office, &ChangeKind::Appointment(to_wire(&row)), now)?;
        Ok(row)
    })
}
