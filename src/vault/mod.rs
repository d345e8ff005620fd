//! The office database's key. SQLCipher encrypts `loket.db` (and every backup) as a whole; this
//! module makes the key at setup, keeps it outside the data folder — in the operating system's
//! credential store, or in a key file named by `LOKET_KEY_FILE` / `--key-file` on a hub with none —
//! and turns it into the recovery key the supervisor prints and keeps.
//!
//! The secret is 128 random bits; SQLCipher gets SHA-256 of it as a raw 256-bit key (no PBKDF2:
//! the secret is random, not a password, and the hub opens five connections at start). The
//! recovery key is the same secret in Crockford base32 with two check characters, in groups of four,
//! so a typo is caught before anything is tried against a database.

use crate::api::{Access, Empty, FileOut, Registry, MANAGERS};
use crate::app::App;
use crate::auth::Caller;
use crate::error::{Error, ErrorCode, Result};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// What names a key file (`--key-file` sets it for the process).
pub const KEY_FILE_ENV: &str = "LOKET_KEY_FILE";
/// Beside `loket.db`: where its key is kept (never the key itself).
pub const MANIFEST_FILE: &str = "loket.keystore.json";
const KEYRING_SERVICE: &str = "loket-ktp-el";

#[derive(Clone, PartialEq, Eq)]
pub struct DbKey([u8; 16]);

impl std::fmt::Debug for DbKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DbKey({})", self.fingerprint())
    }
}

impl DbKey {
    pub fn generate() -> DbKey {
        let mut k = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut k);
        DbKey(k)
    }

    fn sqlcipher_key(&self) -> [u8; 32] {
        Sha256::new().chain_update(b"loket-ktp-el/sqlcipher/v1\0").chain_update(self.0).finalize().into()
    }

    /// Applies the key to a fresh connection (before anything else touches the file).
    pub fn apply(&self, conn: &rusqlite::Connection) -> rusqlite::Result<()> {
        // A wrong key is reported to the caller in words; SQLCipher's own log lines on stderr
        // ("hmac check failed") would only frighten the supervisor.
        //
        // HMAC-SHA256 for the pages' authentication (and the key derivation it needs) rather than
        // SQLCipher 4's SHA512: the CPUs of office PCs hash SHA-256 in hardware (SHA-NI), not SHA-512,
        // and the write a recording finishes with authenticates hundreds of pages
        // (docs/benchmarks.md, encryption). Process-wide defaults, the same for every database, so
        // an attached file (`encrypt_in_place`) and a backup get them too.
        conn.execute_batch(&format!(
            "PRAGMA cipher_log_level = NONE;
             PRAGMA cipher_default_hmac_algorithm = HMAC_SHA256;
             PRAGMA cipher_default_kdf_algorithm = PBKDF2_HMAC_SHA256;
             PRAGMA key = \"{}\";",
            self.pragma_value()
        ))
    }

    /// SQLCipher's raw-key form `x'…'` (for `PRAGMA key` and `ATTACH … KEY`).
    pub fn pragma_value(&self) -> String {
        format!("x'{}'", hex::encode(self.sqlcipher_key()))
    }

    /// Names the key on screens and in backups' notes without giving it away.
    pub fn fingerprint(&self) -> String {
        let d = Sha256::new().chain_update(b"loket-ktp-el/fingerprint/v1\0").chain_update(self.0).finalize();
        hex::encode_upper(&d[..4])
    }

    /// `XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX`: 26 characters of secret, 2 of check.
    pub fn recovery_text(&self) -> String {
        let mut text = base32::encode(base32::Alphabet::Crockford, &self.0);
        text.push_str(&check_chars(&self.0));
        text.as_bytes().chunks(4).map(|c| std::str::from_utf8(c).unwrap()).collect::<Vec<_>>().join("-")
    }

    /// Reads a recovery key as typed: any case, spaces or dashes anywhere, O for 0 and I/L for 1.
    pub fn parse_recovery(text: &str) -> Result<DbKey> {
        let bad = |why: &str| Error::field("recovery_key", format!("Kunci pemulihan tidak valid: {why}."));
        let clean: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                c => c,
            })
            .collect();
        if clean.len() != 28 {
            return Err(bad(&format!("harus 28 huruf/angka (tanpa tanda hubung), tertulis {}", clean.len())));
        }
        let (secret, check) = clean.split_at(26);
        let bytes = base32::decode(base32::Alphabet::Crockford, secret)
            .filter(|b| b.len() == 16)
            .ok_or_else(|| bad("ada huruf yang bukan bagian kunci"))?;
        let key: [u8; 16] = bytes.try_into().unwrap();
        if check_chars(&key) != check {
            return Err(bad("periksa lagi setiap huruf; ada yang salah ketik"));
        }
        Ok(DbKey(key))
    }
}

fn check_chars(secret: &[u8; 16]) -> String {
    let d = Sha256::new().chain_update(b"loket-ktp-el/check/v1\0").chain_update(secret).finalize();
    base32::encode(base32::Alphabet::Crockford, &d[..2])[..2].to_string()
}

/// Where a database's key is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "store", rename_all = "snake_case")]
pub enum KeyPlace {
    /// The OS credential store (Secret Service on Linux, Credential Manager on Windows).
    Keyring { account: String },
    /// A file readable only by the user the hub runs as.
    File { path: PathBuf },
}

impl KeyPlace {
    /// In Bahasa Indonesia, for the settings screen and the recovery page.
    pub fn describe(&self) -> String {
        match self {
            KeyPlace::Keyring { .. } => "penyimpan kunci sistem operasi".into(),
            KeyPlace::File { path } => format!("berkas kunci {}", path.display()),
        }
    }

    fn load(&self) -> std::result::Result<Option<DbKey>, String> {
        let text = match self {
            KeyPlace::Keyring { account } => match keyring_entry(account)?.get_password() {
                Ok(t) => t,
                Err(keyring::Error::NoEntry) => return Ok(None),
                Err(e) => return Err(e.to_string()),
            },
            KeyPlace::File { path } => match std::fs::read_to_string(path) {
                Ok(t) => t,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
                Err(e) => return Err(e.to_string()),
            },
        };
        DbKey::parse_recovery(text.trim()).map(Some).map_err(|e| e.message)
    }

    fn save(&self, key: &DbKey) -> std::result::Result<(), String> {
        match self {
            KeyPlace::Keyring { account } => {
                let entry = keyring_entry(account)?;
                entry.set_password(&key.recovery_text()).map_err(|e| e.to_string())?;
                // A store that accepts and forgets (a locked or read-only collection) is no store.
                match entry.get_password() {
                    Ok(t) if DbKey::parse_recovery(&t).ok().as_ref() == Some(key) => Ok(()),
                    Ok(_) => Err("penyimpan kunci mengembalikan kunci lain".into()),
                    Err(e) => Err(e.to_string()),
                }
            }
            KeyPlace::File { path } => write_key_file(path, key),
        }
    }
}

fn keyring_entry(account: &str) -> std::result::Result<keyring::Entry, String> {
    keyring::Entry::new(KEYRING_SERVICE, account).map_err(|e| e.to_string())
}

/// The credential store is tried only where one can answer: on Linux a D-Bus session must exist
/// (a hub started by systemd has none, and libdbus would otherwise try to launch one).
fn keyring_reachable() -> bool {
    if cfg!(target_os = "linux") {
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some_and(|v| !v.is_empty())
    } else {
        cfg!(windows)
    }
}

fn write_key_file(path: &Path, key: &DbKey) -> std::result::Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    use std::io::Write;
    let mut f = opts.open(path).map_err(|e| e.to_string())?;
    f.write_all(format!("{}\n", key.recovery_text()).as_bytes()).map_err(|e| e.to_string())?;
    f.sync_all().map_err(|e| e.to_string())
}

/// The note beside `loket.db` saying where its key is.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    #[serde(flatten)]
    pub place: KeyPlace,
    pub fingerprint: String,
}

impl Manifest {
    pub fn read(dir: &Path) -> Result<Option<Manifest>> {
        match std::fs::read(dir.join(MANIFEST_FILE)) {
            Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| {
                Error::new(ErrorCode::Storage, format!("Berkas {} rusak ({e}).", dir.join(MANIFEST_FILE).display()))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::new(ErrorCode::Storage, format!("Berkas {} tidak dapat dibaca ({e}).", dir.join(MANIFEST_FILE).display()))),
        }
    }

    fn write(&self, dir: &Path) -> Result<()> {
        let tmp = dir.join(format!("{MANIFEST_FILE}.tmp"));
        std::fs::write(&tmp, serde_json::to_vec_pretty(self).map_err(Error::internal)?).map_err(Error::internal)?;
        std::fs::rename(&tmp, dir.join(MANIFEST_FILE)).map_err(Error::internal)
    }
}

/// The key file named for this process, if any.
pub fn key_file_setting() -> Option<PathBuf> {
    std::env::var_os(KEY_FILE_ENV).filter(|v| !v.is_empty()).map(PathBuf::from)
}

fn storage(message: String) -> Error {
    Error::new(ErrorCode::Storage, message)
}

/// The key of the database in `dir`, from where its manifest says (or the key file named by the
/// setting). `None` when neither exists: a database that was never encrypted.
pub fn find_key(dir: &Path) -> Result<Option<(DbKey, KeyPlace)>> {
    let place = match (Manifest::read(dir)?, key_file_setting()) {
        (Some(m), _) => m.place,
        (None, Some(path)) => KeyPlace::File { path },
        (None, None) => return Ok(None),
    };
    match place.load() {
        Ok(Some(key)) => Ok(Some((key, place))),
        Ok(None) => Err(storage(format!(
            "Kunci basis data di folder {} tidak ditemukan di {}. Tanpa kunci, data tidak dapat dibaca; \
             pulihkan dengan kunci pemulihan: loket restore --from <cadangan> --recovery-key <kunci>, \
             atau loket key recover --recovery-key <kunci>. Berkas data tidak diubah.",
            dir.display(),
            place.describe()
        ))),
        Err(why) => Err(storage(format!(
            "Kunci basis data tidak dapat dibaca dari {} ({why}). Berkas data tidak diubah.",
            place.describe()
        ))),
    }
}

/// Keeps `key` for the database in `dir`: in the key file the setting names, else in the OS
/// credential store, else (no store on this machine) in a key file in the user's configuration
/// folder, readable only by this user. Writes the manifest last.
pub fn keep_key(dir: &Path, key: &DbKey) -> Result<KeyPlace> {
    let account = uuid::Uuid::now_v7().to_string();
    let saved = |place: &KeyPlace| {
        place.save(key).map_err(|why| storage(format!("Kunci basis data tidak dapat disimpan ke {} ({why}).", place.describe())))
    };
    let place = if let Some(path) = key_file_setting() {
        if path.exists() {
            return Err(storage(format!(
                "Berkas kunci {} sudah ada dan bukan kunci basis data ini; pindahkan berkas itu atau pilih nama lain.",
                path.display()
            )));
        }
        let place = KeyPlace::File { path };
        saved(&place)?;
        place
    } else {
        let keyring = KeyPlace::Keyring { account: account.clone() };
        if keyring_reachable() && keyring.save(key).is_ok() {
            keyring
        } else {
            let base = dirs::config_dir().unwrap_or_else(std::env::temp_dir);
            let place = KeyPlace::File { path: base.join("loket-ktp-el").join("keys").join(format!("{account}.key")) };
            tracing::warn!(place = %place.describe(), "no OS credential store: the database key is kept in a key file");
            saved(&place)?;
            place
        }
    };
    Manifest { place: place.clone(), fingerprint: key.fingerprint() }.write(dir)?;
    Ok(place)
}

/// Where the key of the database in `dir` is kept, for the settings screen.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct KeyStatus {
    pub encrypted: bool,
    /// `keyring` or `file`.
    pub store: Option<String>,
    pub described: Option<String>,
    pub fingerprint: Option<String>,
}

pub fn status(dir: &Path) -> Result<KeyStatus> {
    Ok(match Manifest::read(dir)? {
        Some(m) => KeyStatus {
            encrypted: true,
            store: Some(match m.place { KeyPlace::Keyring { .. } => "keyring".into(), KeyPlace::File { .. } => "file".into() }),
            described: Some(m.place.describe()),
            fingerprint: Some(m.fingerprint),
        },
        None => KeyStatus { encrypted: false, store: None, described: None, fingerprint: None },
    })
}

/// The recovery key page (PDF) of the open database, for the supervisor to print and lock away.
/// Every print is in the audit trail: the page opens all the office's data with a backup.
pub fn recovery_page(app: &App, who: &str, holder: Option<&str>) -> Result<Vec<u8>> {
    let key = app.store.key().ok_or_else(|| Error::new(ErrorCode::Storage, "Basis data ini tidak terenkripsi."))?.clone();
    let kept_in = status(&app.data_dir)?.described.unwrap_or_default();
    let now = app.now();
    let (office_name, printed_at) = app.store.read(|c| {
        let office = crate::setup::load_office(c)?;
        Ok((
            office.as_ref().map(|o| o.name.clone()).unwrap_or_else(|| "Kantor layanan Dukcapil".into()),
            office.map(|o| o.long_date_time(now)).unwrap_or_else(|| now.to_rfc3339()),
        ))
    })?;
    let pdf = crate::documents::recovery_key_pdf(&crate::documents::RecoveryKeyPage {
        office_name,
        recovery_key: key.recovery_text(),
        fingerprint: key.fingerprint(),
        kept_in,
        printed_at,
        printed_by: who.to_string(),
        holder: holder.map(str::trim).filter(|h| !h.is_empty()).map(str::to_string),
    })?;
    let (actor, fingerprint) = (who.to_string(), key.fingerprint());
    app.store.write(move |tx| {
        crate::audit::append(tx, now, Some(&actor), "recovery_key_printed", None, serde_json::json!({ "fingerprint": fingerprint }))?;
        Ok(())
    })?;
    Ok(pdf)
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct RecoveryPageRequest {
    /// Who keeps the page (printed under "Yang menyimpan"); blank leaves a line to write on.
    #[serde(default)]
    pub holder: Option<String>,
}

pub fn register(r: &mut Registry) {
    r.add_staff("vault.status", Access::Roles(MANAGERS), "Whether the database is encrypted, where its key is kept, the key's fingerprint", |app, _, _: Empty| {
        status(&app.data_dir)
    });
    r.add_staff_file("vault.recovery_key", Access::Roles(MANAGERS), "application/pdf", "The recovery key page to print and lock away (PDF; audited)", |app, caller: &Caller, req: RecoveryPageRequest| {
        if req.holder.as_deref().is_some_and(|h| h.chars().count() > 80) {
            return Err(Error::field("holder", "Nama penyimpan paling panjang 80 huruf."));
        }
        Ok(FileOut::pdf(recovery_page(app, &caller.username, req.holder.as_deref())?, "kunci-pemulihan-loket.pdf"))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_text_round_trips_and_forgives_how_people_type() {
        let key = DbKey::generate();
        let text = key.recovery_text();
        assert_eq!(text.len(), 28 + 6, "{text}");
        assert_eq!(DbKey::parse_recovery(&text).unwrap(), key);
        let sloppy = text.to_lowercase().replace('-', " ").replace('0', "o").replace('1', "l");
        assert_eq!(DbKey::parse_recovery(&sloppy).unwrap(), key);
    }

    #[test]
    fn a_typo_or_a_short_key_is_refused_naming_the_field() {
        let text = DbKey::generate().recovery_text();
        let mut typo: Vec<char> = text.chars().collect();
        typo[5] = if typo[5] == 'A' { 'B' } else { 'A' };
        let e = DbKey::parse_recovery(&typo.into_iter().collect::<String>()).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("recovery_key"));
        assert!(e.message.contains("salah ketik"), "{}", e.message);
        let e = DbKey::parse_recovery(&text[..20]).unwrap_err();
        assert!(e.message.contains("28"), "{}", e.message);
        assert!(DbKey::parse_recovery("UUUU-UUUU-UUUU-UUUU-UUUU-UUUU-UUUU").is_err());
    }

    #[test]
    fn different_keys_have_different_fingerprints_and_sqlcipher_keys() {
        let (a, b) = (DbKey::generate(), DbKey::generate());
        assert_ne!(a.fingerprint(), b.fingerprint());
        assert_ne!(a.sqlcipher_key(), b.sqlcipher_key());
        assert_eq!(a.fingerprint().len(), 8);
    }
}
