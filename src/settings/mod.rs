//! Office settings a supervisor can change. Stored as key/value rows; defaults live here.

use crate::api::{Access, Empty, Registry, MANAGERS};
use crate::error::{Error, Result};
use rusqlite::{params, Connection, OptionalExtension};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub const DEFAULT_IDLE_TIMEOUT_MINUTES: u32 = 15;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Log a session out after this many minutes without activity (1–240).
    pub idle_timeout_minutes: u32,
    /// Let other computers on the office LAN reach the hub (the desktop app listens on 127.0.0.1 otherwise).
    pub lan_access: bool,
}

/// The office CA of HTTPS on the LAN, for the settings screen: what to compare and where to get it.
#[derive(Debug, Clone, Serialize, JsonSchema, TS)]
pub struct LanCertificate {
    /// SHA-256 of the CA certificate as browsers show it (`AB:CD:…`).
    pub fingerprint_sha256: String,
    /// Where a LAN PC downloads it from the hub (plain http works too, before it is trusted).
    pub download_path: String,
    /// This computer's name, as the server certificate has it.
    pub hostname: Option<String>,
    /// The LAN IPv4 addresses the server certificate covers.
    pub addresses: Vec<String>,
    /// The server certificate's last day (YYYY-MM-DD, UTC); it is issued again before then.
    pub server_valid_until: String,
}

fn lan_certificate(app: &crate::app::App) -> Result<LanCertificate> {
    use crate::hub::tls;
    let office = app.store.read(crate::setup::load_office)?.map(|o| o.name);
    let t = tls::OfficeTls::open(&app.data_dir, office.as_deref())?;
    let names = t.names();
    let day = |secs: u64| {
        chrono::DateTime::from_timestamp(secs as i64, 0).map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default()
    };
    Ok(LanCertificate {
        fingerprint_sha256: tls::fingerprint(t.ca_pem()).unwrap_or_default(),
        download_path: "/ca.crt".to_string(),
        hostname: names.hostname().map(str::to_string),
        addresses: names.lan_ips().map(|ip| ip.to_string()).collect(),
        server_valid_until: day(t.server_not_after()),
    })
}

pub fn get_raw(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn.query_row("SELECT value FROM setting WHERE key = ?1", [key], |r| r.get(0)).optional()?)
}

pub fn load(conn: &Connection) -> Result<Settings> {
    Ok(Settings {
        idle_timeout_minutes: get_raw(conn, "idle_timeout_minutes")?
            .and_then(|v| v.parse().ok())
            .unwrap_or(DEFAULT_IDLE_TIMEOUT_MINUTES),
        lan_access: get_raw(conn, "lan_access")?.is_some_and(|v| v == "true"),
    })
}

pub fn set_raw(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO setting (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

pub fn validate(s: &Settings) -> Result<()> {
    if !(1..=240).contains(&s.idle_timeout_minutes) {
        return Err(Error::field("idle_timeout_minutes", "Batas waktu menganggur harus 1 sampai 240 menit."));
    }
    Ok(())
}

pub fn save(conn: &Connection, s: &Settings) -> Result<()> {
    validate(s)?;
    set_raw(conn, "idle_timeout_minutes", &s.idle_timeout_minutes.to_string())?;
    set_raw(conn, "lan_access", &s.lan_access.to_string())?;
    Ok(())
}

pub fn register(r: &mut Registry) {
    r.add_staff("settings.get", Access::Roles(MANAGERS), "Office settings", |app, _, _: Empty| app.store.read(load));
    r.add_staff("settings.update", Access::Roles(MANAGERS), "Change office settings", |app, caller, new: Settings| {
        validate(&new)?;
        let (now, actor) = (app.now(), caller.username.clone());
        let saved = app.store.write(move |tx| {
            let old = load(tx)?;
            save(tx, &new)?;
            crate::audit::append(
                tx,
                now,
                Some(&actor),
                "settings_changed",
                None,
                serde_json::json!({"before": old, "after": new}),
            )?;
            Ok(new.clone())
        })?;
        // After the commit: a hub following the setting opens or closes its LAN listener now.
        app.lan_access.send_replace(saved.lan_access);
        Ok(saved)
    });
    r.add_staff(
        "settings.lan_certificate",
        Access::Roles(MANAGERS),
        "The office CA of HTTPS on the LAN: its SHA-256 fingerprint, download path and the names the server certificate covers",
        |app, _, _: Empty| lan_certificate(app),
    );
}
