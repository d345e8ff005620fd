//! Argon2id password hashes (PHC strings) and the password rules officers see.

use crate::error::{Error, Result};
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

pub const MIN_LEN: usize = 8;
pub const MAX_LEN: usize = 128;

pub fn validate(field: &str, password: &str) -> Result<()> {
    let len = password.chars().count();
    if len < MIN_LEN {
        return Err(Error::field(field, format!("Kata sandi minimal {MIN_LEN} karakter.")));
    }
    if len > MAX_LEN {
        return Err(Error::field(field, format!("Kata sandi maksimal {MAX_LEN} karakter.")));
    }
    if password.trim().is_empty() {
        return Err(Error::field(field, "Kata sandi tidak boleh hanya spasi."));
    }
    Ok(())
}

pub fn hash(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(Error::internal)
}

pub fn verify(phc: &str, password: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// Spends the same time as a real check, so a missing username cannot be told apart by timing.
pub fn verify_dummy(password: &str) {
    use std::sync::OnceLock;
    static DUMMY: OnceLock<String> = OnceLock::new();
    let phc = DUMMY.get_or_init(|| hash("loket-dummy-password").unwrap_or_default());
    let _ = verify(phc, password);
}
