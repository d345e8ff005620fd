//! Devices: an administrator creates a one-time enrollment token for an office; the office hub trades
//! it for a device id and a secret; every later request carries `Bearer <device_id>.<secret>`.
//! Only SHA-256 hashes of tokens and secrets are stored.

use crate::error::{Code, Error, Result};
use crate::storage::DeviceRow;
use crate::Central;
use chrono::Duration;
use loket_contract::wire::{DeviceState, EnrollRequest, Enrollment};
use rand::{Rng, RngCore};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// How long an unused enrollment token stays valid.
pub const TOKEN_VALIDITY_DAYS: i64 = 7;
/// Read over the phone or typed from paper: no 0/O, 1/I/L.
const TOKEN_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
const TOKEN_CHARS: usize = 25;

fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// Dashes and spaces are for people; case does not matter.
fn normalise_token(token: &str) -> String {
    token.chars().filter(|c| !c.is_whitespace() && *c != '-').collect::<String>().to_uppercase()
}

fn new_token() -> String {
    let mut rng = rand::rngs::OsRng;
    let chars: Vec<char> = (0..TOKEN_CHARS).map(|_| TOKEN_ALPHABET[rng.gen_range(0..TOKEN_ALPHABET.len())] as char).collect();
    chars.chunks(5).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

/// Creates a one-time enrollment token for an office and returns it (the only time it is shown).
pub fn add(central: &Central, office: &str, label: &str) -> Result<String> {
    let office = crate::office_code(office)?;
    let label = label.split_whitespace().collect::<Vec<_>>().join(" ");
    let token = new_token();
    let hash = sha256_hex(&normalise_token(&token));
    let now = central.now();
    central.store.write(|tx| tx.insert_token(&hash, &office, &label, now, now + Duration::days(TOKEN_VALIDITY_DAYS)))?;
    tracing::info!(%office, "enrollment token created");
    Ok(token)
}

fn invalid_token() -> Error {
    Error::new(
        Code::EnrollTokenInvalid,
        "Token pendaftaran tidak sah, sudah dipakai, atau kedaluwarsa. Minta token baru kepada admin server pusat.",
    )
}

/// Trades a one-time token for a device identity.
pub fn enroll(central: &Central, req: &EnrollRequest) -> Result<Enrollment> {
    let hash = sha256_hex(&normalise_token(&req.token));
    let mut name: String = req.name.split_whitespace().collect::<Vec<_>>().join(" ");
    name = name.chars().take(100).collect();
    let mut secret = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    let secret = hex::encode(secret);
    let device_id = uuid::Uuid::now_v7().to_string();
    let now = central.now();
    let device = central.store.write(|tx| {
        let token = tx.token(&hash)?.ok_or_else(invalid_token)?;
        if token.used || token.expires_at <= now {
            return Err(invalid_token());
        }
        let name = if !name.is_empty() { name } else if !token.label.is_empty() { token.label } else { "hub".into() };
        let device = DeviceRow {
            id: device_id.clone(),
            office: token.office,
            name,
            secret_hash: sha256_hex(&secret),
            created_at: now,
            revoked_at: None,
            contiguous_seq: 0,
            last_seen_at: None,
        };
        tx.insert_device(&device)?;
        tx.use_token(&hash, &device_id, now)?;
        Ok(device)
    })?;
    tracing::info!(device = %device.id, office = %device.office, name = %device.name, "device enrolled");
    Ok(Enrollment { device_id: device.id, office: device.office, secret })
}

fn unauthenticated() -> Error {
    Error::new(Code::Unauthenticated, "Perangkat tidak dikenali. Daftarkan kantor ini ke server pusat dengan token baru.")
}

/// The device behind an `Authorization` header value. A revoked device is told so only after its
/// secret matched, so a guesser learns nothing about which ids exist.
pub fn authenticate(central: &Central, authorization: Option<&str>) -> Result<DeviceRow> {
    let credential = authorization.and_then(|v| v.strip_prefix("Bearer ")).map(str::trim).ok_or_else(unauthenticated)?;
    let (id, secret) = credential.split_once('.').ok_or_else(unauthenticated)?;
    if id.is_empty() || id.len() > 64 || secret.is_empty() || secret.len() > 256 {
        return Err(unauthenticated());
    }
    let device = central.store.read(|tx| tx.device(id))?.ok_or_else(unauthenticated)?;
    let presented = sha256_hex(secret);
    if !bool::from(presented.as_bytes().ct_eq(device.secret_hash.as_bytes())) {
        return Err(unauthenticated());
    }
    if device.revoked_at.is_some() {
        return Err(Error::new(Code::DeviceRevoked, "Perangkat ini telah dicabut oleh admin server pusat. Hubungi admin untuk token baru."));
    }
    Ok(device)
}

/// `GET /api/v1/device`.
pub fn state(central: &Central, device_id: &str) -> Result<DeviceState> {
    central.store.read(|tx| {
        let d = tx.device(device_id)?.ok_or_else(unauthenticated)?;
        let latest_change = tx.latest_change(&d.office)?;
        Ok(DeviceState { device_id: d.id, office: d.office, contiguous_seq: d.contiguous_seq, latest_change, audit_anchors: true })
    })
}

pub fn list(central: &Central) -> Result<Vec<DeviceRow>> {
    central.store.read(|tx| tx.devices())
}

pub fn revoke(central: &Central, device_id: &str) -> Result<DeviceRow> {
    let now = central.now();
    let id = device_id.trim().to_string();
    let device = central.store.write(|tx| {
        let mut d = tx.device(&id)?.ok_or_else(|| Error::new(Code::NotFound, format!("Perangkat {id} tidak ditemukan.")))?;
        if d.revoked_at.is_none() {
            tx.set_device_revoked(&id, now)?;
            d.revoked_at = Some(now);
        }
        Ok(d)
    })?;
    tracing::info!(device = %device.id, "device revoked");
    Ok(device)
}
