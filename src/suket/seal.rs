//! The QR on a Suket: the letter's number, the holder's NIK and the last day it is valid, sealed
//! with an HMAC-SHA256 under a key only this hub holds. Anyone can read the QR; only the hub can
//! tell a genuine one from an altered or made-up one, so the kiosk and the staff screens ask it.
//! It is the office's own check, not Dukcapil's electronic signature (the letter says so).

use base64::Engine;
use chrono::NaiveDate;
use hmac::{Hmac, Mac};
use rand::RngCore;
use rusqlite::Connection;
use sha2::Sha256;

use crate::error::Result;

const PREFIX: &str = "LOKET-SKT1";
const KEY_SETTING: &str = "suket.seal_key";
/// 128 bits of the MAC: short enough for a small QR, far beyond guessing at a kiosk's rate limit.
const MAC_BYTES: usize = 16;

/// What a genuine QR says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    pub number: String,
    pub nik: String,
    pub valid_until: NaiveDate,
}

/// The hub's key, made on the first letter.
pub fn key_or_create(conn: &Connection) -> Result<Vec<u8>> {
    if let Some(k) = key(conn)? {
        return Ok(k);
    }
    let mut k = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut k);
    crate::settings::set_raw(conn, KEY_SETTING, &hex::encode(k))?;
    Ok(k.to_vec())
}

/// The key, if a letter was ever issued.
pub fn key(conn: &Connection) -> Result<Option<Vec<u8>>> {
    Ok(crate::settings::get_raw(conn, KEY_SETTING)?.and_then(|h| hex::decode(h).ok()))
}

fn mac(key: &[u8], body: &str) -> Hmac<Sha256> {
    let mut m = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    m.update(body.as_bytes());
    m
}

fn body(number: &str, nik: &str, valid_until: NaiveDate) -> String {
    format!("{PREFIX}|{number}|{nik}|{}", valid_until.format("%Y%m%d"))
}

/// The QR's content: `LOKET-SKT1|SKT-610109-2026-00001|6101…|20270602|<mac, base64url>`.
pub fn seal(key: &[u8], number: &str, nik: &str, valid_until: NaiveDate) -> String {
    let body = body(number, nik, valid_until);
    let tag = mac(key, &body).finalize().into_bytes();
    format!("{body}|{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&tag[..MAC_BYTES]))
}

/// The QR's content if this hub sealed it, unaltered; `None` for anything else.
pub fn open(key: &[u8], qr: &str) -> Option<Sealed> {
    let parts: Vec<&str> = qr.trim().split('|').collect();
    let [prefix, number, nik, date, tag] = parts[..] else { return None };
    if prefix != PREFIX {
        return None;
    }
    let valid_until = NaiveDate::parse_from_str(date, "%Y%m%d").ok()?;
    let tag = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(tag).ok()?;
    if tag.len() != MAC_BYTES {
        return None;
    }
    // Constant-time comparison of the truncated tag.
    mac(key, &body(number, nik, valid_until)).verify_truncated_left(&tag).ok()?;
    Some(Sealed { number: number.to_string(), nik: nik.to_string(), valid_until })
}

/// Whether the text looks like a Suket QR at all (to tell "not a Suket" from "not genuine").
pub fn looks_like(qr: &str) -> bool {
    qr.trim().starts_with(PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_qr_opens_and_any_change_is_refused() {
        let key = [7u8; 32];
        let until = NaiveDate::from_ymd_opt(2027, 6, 2).unwrap();
        let qr = seal(&key, "SKT-610109-2026-00001", "6101091203900001", until);
        assert_eq!(open(&key, &qr).unwrap(), Sealed { number: "SKT-610109-2026-00001".into(), nik: "6101091203900001".into(), valid_until: until });
        // Another NIK, a later date, another key, a cut tag, another prefix.
        assert_eq!(open(&key, &qr.replace("6101091203900001", "6101091203900002")), None);
        assert_eq!(open(&key, &qr.replace("20270602", "20280602")), None);
        assert_eq!(open(&[8u8; 32], &qr), None);
        assert_eq!(open(&key, &qr[..qr.len() - 2]), None);
        assert_eq!(open(&key, &qr.replacen("LOKET-SKT1", "LOKET-SKT2", 1)), None);
        assert_eq!(open(&key, "bukan suket"), None);
        assert!(looks_like(&qr) && !looks_like("BP-610109-20261123-0007"));
    }
}
