//! Login, sessions, lockout and idle logout. Tokens are opaque random strings; the database keeps only
//! their SHA-256, with an absolute expiry and the time of last activity.

pub mod password;
mod roles;
pub mod staff;

pub use roles::Role;

use crate::api::{Access, Empty, Registry};
use crate::app::App;
use crate::clock::{from_db, to_db};
use crate::error::{Error, ErrorCode, Result};
use crate::setup::{require_office, Office};
use base64::Engine;
use chrono::Duration;
use rand::RngCore;
use rusqlite::{params, OptionalExtension};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use staff::StaffView;
use ts_rs::TS;

pub const MAX_FAILED_LOGINS: i64 = 5;
pub const LOCKOUT_MINUTES: i64 = 15;
/// A session ends after a working day and a half, however active.
pub const SESSION_HOURS: i64 = 12;
/// `last_seen_at` is written at most this often, so reads do not all turn into writes.
const TOUCH_EVERY_SECONDS: i64 = 30;

/// The staff member behind a valid session.
#[derive(Debug, Clone)]
pub struct Caller {
    pub staff_id: String,
    pub username: String,
    pub roles: Vec<Role>,
    pub must_change_password: bool,
    token_hash: String,
}

impl Caller {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Resolves a token to its staff member, enforcing expiry, idle timeout and deactivation.
/// `activity`: whether this call counts as the officer being active (background polls do not).
pub fn authenticate(app: &App, token: &str, activity: bool) -> Result<Caller> {
    let hash = token_hash(token);
    let now = app.now();
    let found = app.store.read(|c| {
        let row = c
            .query_row(
                "SELECT s.staff_id, s.last_seen_at, s.expires_at, st.username, st.active, st.must_change_password
                 FROM session s JOIN staff st ON st.id = s.staff_id WHERE s.token_hash = ?1",
                [&hash],
                |r| {
                    Ok((
                        r.get::<_, String>("staff_id")?,
                        r.get::<_, String>("last_seen_at")?,
                        r.get::<_, String>("expires_at")?,
                        r.get::<_, String>("username")?,
                        r.get::<_, bool>("active")?,
                        r.get::<_, bool>("must_change_password")?,
                    ))
                },
            )
            .optional()?;
        let idle = crate::settings::load(c)?.idle_timeout_minutes;
        Ok(row.map(|row| (row, idle)))
    })?;
    let Some(((staff_id, last_seen, expires, username, active, must_change), idle)) = found else {
        return Err(Error::unauthenticated());
    };
    let last_seen = from_db(&last_seen);
    let idle_expired = now - last_seen > Duration::minutes(idle as i64);
    if !active || now >= from_db(&expires) || idle_expired {
        let gone = hash.clone();
        app.store.write(move |tx| Ok(tx.execute("DELETE FROM session WHERE token_hash = ?1", [&gone])?))?;
        let message = if idle_expired && active {
            format!("Sesi berakhir karena tidak ada aktivitas selama {idle} menit. Silakan masuk kembali.")
        } else {
            "Sesi tidak ada atau sudah berakhir. Silakan masuk kembali.".to_string()
        };
        return Err(Error::new(ErrorCode::Unauthenticated, message));
    }
    if activity && now - last_seen > Duration::seconds(TOUCH_EVERY_SECONDS) {
        let touched = hash.clone();
        app.store.write(move |tx| {
            Ok(tx.execute("UPDATE session SET last_seen_at = ?1 WHERE token_hash = ?2", params![to_db(now), touched])?)
        })?;
    }
    let roles = app.store.read(|c| staff::roles_of(c, &staff_id))?;
    Ok(Caller { staff_id, username, roles, must_change_password: must_change, token_hash: hash })
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema, TS)]
pub struct SessionInfo {
    pub staff: StaffView,
    pub office: Office,
    pub must_change_password: bool,
    pub idle_timeout_minutes: u32,
    pub expires_at: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema, TS)]
pub struct LoginResponse {
    /// Send as `Authorization: Bearer <token>` (LAN) or pass to the `rpc` IPC command (desktop).
    pub token: String,
    pub session: SessionInfo,
}

pub fn login(app: &App, req: LoginRequest) -> Result<LoginResponse> {
    let username = req.username.trim();
    if username.is_empty() {
        return Err(Error::field("username", "Nama pengguna wajib diisi."));
    }
    if req.password.is_empty() {
        return Err(Error::field("password", "Kata sandi wajib diisi."));
    }
    let now = app.now();
    let (office, account) = app.store.read(|c| {
        let office = require_office(c)?;
        let account = c
            .query_row(
                "SELECT id, username, password_hash, active, locked_until FROM staff WHERE username = ?1",
                [username],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, bool>(3)?, r.get::<_, Option<String>>(4)?)),
            )
            .optional()?;
        Ok((office, account))
    })?;
    let wrong = || Error::field("password", "Nama pengguna atau kata sandi salah.");
    let Some((staff_id, username, phc, active, locked_until)) = account else {
        password::verify_dummy(&req.password);
        return Err(wrong());
    };
    if let Some(until) = locked_until.map(|u| from_db(&u)).filter(|u| *u > now) {
        return Err(Error::new(
            ErrorCode::AccountLocked,
            format!(
                "Akun terkunci sampai {} karena {MAX_FAILED_LOGINS} kali salah kata sandi. Minta supervisor membuka kunci atau tunggu.",
                office.clock_time(until)
            ),
        ));
    }
    if !active {
        return Err(Error::new(ErrorCode::AccountInactive, "Akun ini sudah dinonaktifkan. Hubungi supervisor."));
    }
    if !password::verify(&phc, &req.password) {
        let (staff_id, username) = (staff_id.clone(), username.clone());
        let locked = app.store.write(move |tx| {
            let failures: i64 = tx.query_row(
                "UPDATE staff SET failed_logins = failed_logins + 1 WHERE id = ?1 RETURNING failed_logins",
                [&staff_id],
                |r| r.get(0),
            )?;
            crate::audit::append(tx, now, None, "login_failed", Some(&username), serde_json::json!({"failures": failures}))?;
            if failures >= MAX_FAILED_LOGINS {
                let until = now + Duration::minutes(LOCKOUT_MINUTES);
                tx.execute(
                    "UPDATE staff SET failed_logins = 0, locked_until = ?1 WHERE id = ?2",
                    params![to_db(until), staff_id],
                )?;
                crate::audit::append(tx, now, None, "account_locked", Some(&username), serde_json::json!({"until": to_db(until)}))?;
                return Ok(Some(until));
            }
            Ok(None)
        })?;
        return Err(match locked {
            Some(until) => Error::new(
                ErrorCode::AccountLocked,
                format!("Kata sandi salah {MAX_FAILED_LOGINS} kali. Akun terkunci sampai {}.", office.clock_time(until)),
            ),
            None => Error { code: ErrorCode::WrongPassword, ..wrong() },
        });
    }
    let token = new_token();
    let expires = now + Duration::hours(SESSION_HOURS);
    let (id, name, stored) = (staff_id.clone(), username.clone(), token_hash(&token));
    app.store.write(move |tx| {
        tx.execute("UPDATE staff SET failed_logins = 0, locked_until = NULL WHERE id = ?1", [&id])?;
        tx.execute(
            "INSERT INTO session (token_hash, staff_id, created_at, last_seen_at, expires_at) VALUES (?1, ?2, ?3, ?3, ?4)",
            params![stored, id, to_db(now), to_db(expires)],
        )?;
        crate::audit::append(tx, now, Some(&name), "login", Some(&name), serde_json::json!({}))?;
        Ok(())
    })?;
    let session = session_info(app, &staff_id, expires)?;
    Ok(LoginResponse { token, session })
}

fn session_info(app: &App, staff_id: &str, expires: chrono::DateTime<chrono::Utc>) -> Result<SessionInfo> {
    app.store.read(|c| {
        let staff = staff::view(c, staff_id)?;
        Ok(SessionInfo {
            must_change_password: staff.must_change_password,
            staff,
            office: require_office(c)?,
            idle_timeout_minutes: crate::settings::load(c)?.idle_timeout_minutes,
            expires_at: to_db(expires),
        })
    })
}

fn current_session(app: &App, caller: &Caller) -> Result<SessionInfo> {
    let expires: String = app.store.read(|c| {
        Ok(c.query_row("SELECT expires_at FROM session WHERE token_hash = ?1", [&caller.token_hash], |r| r.get(0))?)
    })?;
    session_info(app, &caller.staff_id, from_db(&expires))
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    pub current_password: String,
    pub new_password: String,
}

fn change_password(app: &App, caller: &Caller, req: ChangePasswordRequest) -> Result<SessionInfo> {
    password::validate("new_password", &req.new_password)?;
    if req.new_password == req.current_password {
        return Err(Error::field("new_password", "Kata sandi baru harus berbeda dari kata sandi lama."));
    }
    let phc: String = app.store.read(|c| {
        Ok(c.query_row("SELECT password_hash FROM staff WHERE id = ?1", [&caller.staff_id], |r| r.get(0))?)
    })?;
    if !password::verify(&phc, &req.current_password) {
        return Err(Error { code: ErrorCode::WrongPassword, ..Error::field("current_password", "Kata sandi lama salah.") });
    }
    let hash = password::hash(&req.new_password)?;
    let now = app.now();
    let caller_owned = caller.clone();
    app.store.write(move |tx| {
        let caller = &caller_owned;
        tx.execute(
            "UPDATE staff SET password_hash = ?1, must_change_password = 0, updated_at = ?2 WHERE id = ?3",
            params![hash, to_db(now), caller.staff_id],
        )?;
        // Other sessions of this person end: whoever knew the old password is out.
        tx.execute(
            "DELETE FROM session WHERE staff_id = ?1 AND token_hash <> ?2",
            params![caller.staff_id, caller.token_hash],
        )?;
        crate::audit::append(tx, now, Some(&caller.username), "password_changed", Some(&caller.username), serde_json::json!({}))
    })?;
    current_session(app, caller)
}

pub fn register(r: &mut Registry) {
    r.add("auth.login", Access::Public, "Log in; returns a session token", |app, _, req: LoginRequest| login(app, req));
    r.add_staff("auth.logout", Access::AnyStaff, "End this session", |app, caller, _: Empty| {
        let (now, token, name) = (app.now(), caller.token_hash.clone(), caller.username.clone());
        app.store.write(move |tx| {
            tx.execute("DELETE FROM session WHERE token_hash = ?1", [&token])?;
            crate::audit::append(tx, now, Some(&name), "logout", Some(&name), serde_json::json!({}))
        })?;
        Ok(Empty {})
    })
    .during_password_change();
    r.add_staff("auth.me", Access::AnyStaff, "Who is logged in, and where", |app, caller, _: Empty| current_session(app, caller))
        .during_password_change();
    r.add_staff("auth.change_password", Access::AnyStaff, "Change one's own password", change_password)
        .during_password_change();
}
