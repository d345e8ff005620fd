//! Staff accounts: created, edited, deactivated and reset by a supervisor or administrator.
//! Only an administrator may grant the administrator role or touch an administrator's account, and the
//! last active administrator can never be deactivated or lose that role.

use super::{password, Caller, Role};
use crate::api::{Access, Registry, MANAGERS};
use crate::app::App;
use crate::clock::to_db;
use crate::error::{Error, ErrorCode, Result};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema, TS)]
pub struct StaffView {
    pub id: String,
    pub username: String,
    pub full_name: String,
    pub roles: Vec<Role>,
    pub active: bool,
    pub must_change_password: bool,
    pub locked_until: Option<String>,
    pub created_at: String,
}

pub fn validate_username(field: &str, raw: &str) -> Result<String> {
    let u = raw.trim().to_lowercase();
    let ok_chars = u.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-');
    if u.len() < 3 || u.len() > 32 || !ok_chars {
        return Err(Error::field(
            field,
            "Nama pengguna 3–32 karakter: huruf kecil, angka, titik, garis bawah atau tanda hubung.",
        ));
    }
    Ok(u)
}

pub fn validate_full_name(field: &str, raw: &str) -> Result<String> {
    let n = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if n.is_empty() || n.chars().count() > 100 {
        return Err(Error::field(field, "Nama lengkap wajib diisi (maksimal 100 karakter)."));
    }
    Ok(n)
}

fn validate_roles(roles: &[Role]) -> Result<Vec<Role>> {
    let mut r = roles.to_vec();
    r.sort();
    r.dedup();
    if r.is_empty() {
        return Err(Error::field("roles", "Pilih paling sedikit satu peran."));
    }
    Ok(r)
}

pub fn roles_of(conn: &Connection, staff_id: &str) -> Result<Vec<Role>> {
    let mut stmt = conn.prepare_cached("SELECT role FROM staff_role WHERE staff_id = ?1 ORDER BY role")?;
    let names: Vec<String> = stmt.query_map([staff_id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    let mut roles: Vec<Role> = names.iter().filter_map(|n| Role::parse(n)).collect();
    roles.sort();
    Ok(roles)
}

pub fn view(conn: &Connection, id: &str) -> Result<StaffView> {
    let row = conn
        .query_row(
            "SELECT id, username, full_name, active, must_change_password, locked_until, created_at FROM staff WHERE id = ?1",
            [id],
            |r| {
                Ok(StaffView {
                    id: r.get("id")?,
                    username: r.get("username")?,
                    full_name: r.get("full_name")?,
                    roles: Vec::new(),
                    active: r.get("active")?,
                    must_change_password: r.get("must_change_password")?,
                    locked_until: r.get("locked_until")?,
                    created_at: r.get("created_at")?,
                })
            },
        )
        .optional()?;
    let mut v = row.ok_or_else(|| Error::not_found("Pegawai"))?;
    v.roles = roles_of(conn, id)?;
    Ok(v)
}

/// Inserts a staff member. The caller validated the fields and hashed the password.
pub fn insert(
    conn: &Connection,
    now: DateTime<Utc>,
    username: &str,
    full_name: &str,
    password_hash: &str,
    roles: &[Role],
    must_change_password: bool,
) -> Result<StaffView> {
    let taken: bool = conn.query_row("SELECT EXISTS(SELECT 1 FROM staff WHERE username = ?1)", [username], |r| r.get(0))?;
    if taken {
        return Err(Error { code: ErrorCode::Conflict, ..Error::field("username", format!("Nama pengguna '{username}' sudah dipakai.")) });
    }
    let id = uuid::Uuid::now_v7().to_string();
    conn.execute(
        "INSERT INTO staff (id, username, full_name, password_hash, must_change_password, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        params![id, username, full_name, password_hash, must_change_password, to_db(now)],
    )?;
    set_roles(conn, &id, roles)?;
    view(conn, &id)
}

fn set_roles(conn: &Connection, id: &str, roles: &[Role]) -> Result<()> {
    conn.execute("DELETE FROM staff_role WHERE staff_id = ?1", [id])?;
    for r in roles {
        conn.execute("INSERT INTO staff_role (staff_id, role) VALUES (?1, ?2)", params![id, r.as_str()])?;
    }
    Ok(())
}

fn active_admins_other_than(conn: &Connection, id: &str) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM staff s JOIN staff_role r ON r.staff_id = s.id
         WHERE r.role = 'administrator' AND s.active = 1 AND s.id <> ?1",
        [id],
        |r| r.get(0),
    )?)
}

/// A supervisor may manage everyone but administrators.
fn may_manage(caller: &Caller, target: &StaffView) -> Result<()> {
    if target.roles.contains(&Role::Administrator) && !caller.has(Role::Administrator) {
        return Err(Error::new(ErrorCode::Forbidden, "Hanya administrator yang dapat mengubah akun administrator."));
    }
    Ok(())
}

fn may_grant(caller: &Caller, roles: &[Role]) -> Result<()> {
    if roles.contains(&Role::Administrator) && !caller.has(Role::Administrator) {
        return Err(Error { code: ErrorCode::Forbidden, ..Error::field("roles", "Hanya administrator yang dapat memberi peran administrator.") });
    }
    Ok(())
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct StaffListRequest {
    #[serde(default)]
    pub include_inactive: bool,
}

#[derive(Debug, Clone, Serialize, JsonSchema, TS)]
pub struct StaffList {
    pub items: Vec<StaffView>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct StaffCreateRequest {
    pub username: String,
    pub full_name: String,
    pub roles: Vec<Role>,
    /// Given to the person on paper; they must change it at first login.
    pub initial_password: String,
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct StaffUpdateRequest {
    pub id: String,
    pub full_name: String,
    pub roles: Vec<Role>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct StaffIdRequest {
    pub id: String,
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct StaffResetPasswordRequest {
    pub id: String,
    pub new_password: String,
}

fn list(app: &App, _: &Caller, req: StaffListRequest) -> Result<StaffList> {
    app.store.read(|c| {
        let mut stmt = c.prepare("SELECT id FROM staff WHERE active = 1 OR ?1 ORDER BY active DESC, username")?;
        let ids: Vec<String> = stmt.query_map([req.include_inactive], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        Ok(StaffList { items: ids.iter().map(|id| view(c, id)).collect::<Result<_>>()? })
    })
}

fn create(app: &App, caller: &Caller, req: StaffCreateRequest) -> Result<StaffView> {
    let username = validate_username("username", &req.username)?;
    let full_name = validate_full_name("full_name", &req.full_name)?;
    let roles = validate_roles(&req.roles)?;
    may_grant(caller, &roles)?;
    password::validate("initial_password", &req.initial_password)?;
    let hash = password::hash(&req.initial_password)?;
    let now = app.now();
    let actor = caller.username.clone();
    app.store.write(move |tx| {
        let created = insert(tx, now, &username, &full_name, &hash, &roles, true)?;
        crate::audit::append(tx, now, Some(&actor), "staff_created", Some(&username), json!({"full_name": full_name, "roles": roles}))?;
        Ok(created)
    })
}

fn update(app: &App, caller: &Caller, req: StaffUpdateRequest) -> Result<StaffView> {
    let full_name = validate_full_name("full_name", &req.full_name)?;
    let roles = validate_roles(&req.roles)?;
    let now = app.now();
    let caller = caller.clone();
    app.store.write(move |tx| {
        let caller = &caller;
        let before = view(tx, &req.id)?;
        may_manage(caller, &before)?;
        if before.roles.contains(&Role::Administrator) != roles.contains(&Role::Administrator) {
            may_grant(caller, &[Role::Administrator])?;
        }
        if before.roles.contains(&Role::Administrator)
            && !roles.contains(&Role::Administrator)
            && before.active
            && active_admins_other_than(tx, &req.id)? == 0
        {
            return Err(Error { code: ErrorCode::Conflict, ..Error::field("roles", "Peran administrator tidak dapat dicabut dari administrator aktif terakhir.") });
        }
        tx.execute("UPDATE staff SET full_name = ?1, updated_at = ?2 WHERE id = ?3", params![full_name, to_db(now), req.id])?;
        set_roles(tx, &req.id, &roles)?;
        crate::audit::append(
            tx,
            now,
            Some(&caller.username),
            "staff_updated",
            Some(&before.username),
            json!({"before": {"full_name": before.full_name, "roles": before.roles}, "after": {"full_name": full_name, "roles": roles}}),
        )?;
        view(tx, &req.id)
    })
}

fn set_active(app: &App, caller: &Caller, id: &str, active: bool) -> Result<StaffView> {
    let now = app.now();
    let (caller, id) = (caller.clone(), id.to_string());
    app.store.write(move |tx| {
        let (caller, id) = (&caller, id.as_str());
        let target = view(tx, id)?;
        may_manage(caller, &target)?;
        if !active {
            if target.id == caller.staff_id {
                return Err(Error::new(ErrorCode::Conflict, "Anda tidak dapat menonaktifkan akun Anda sendiri."));
            }
            if target.roles.contains(&Role::Administrator) && active_admins_other_than(tx, id)? == 0 {
                return Err(Error::new(ErrorCode::Conflict, "Administrator aktif terakhir tidak dapat dinonaktifkan."));
            }
            tx.execute("DELETE FROM session WHERE staff_id = ?1", [id])?;
        }
        tx.execute("UPDATE staff SET active = ?1, updated_at = ?2 WHERE id = ?3", params![active, to_db(now), id])?;
        let action = if active { "staff_reactivated" } else { "staff_deactivated" };
        crate::audit::append(tx, now, Some(&caller.username), action, Some(&target.username), json!({}))?;
        view(tx, id)
    })
}

fn reset_password(app: &App, caller: &Caller, req: StaffResetPasswordRequest) -> Result<StaffView> {
    password::validate("new_password", &req.new_password)?;
    let hash = password::hash(&req.new_password)?;
    let now = app.now();
    let caller = caller.clone();
    app.store.write(move |tx| {
        let caller = &caller;
        let target = view(tx, &req.id)?;
        may_manage(caller, &target)?;
        tx.execute(
            "UPDATE staff SET password_hash = ?1, must_change_password = 1, failed_logins = 0, locked_until = NULL, updated_at = ?2 WHERE id = ?3",
            params![hash, to_db(now), req.id],
        )?;
        tx.execute("DELETE FROM session WHERE staff_id = ?1", [&req.id])?;
        crate::audit::append(tx, now, Some(&caller.username), "password_reset", Some(&target.username), json!({}))?;
        view(tx, &req.id)
    })
}

pub fn register(r: &mut Registry) {
    let managers = Access::Roles(MANAGERS);
    r.add_staff("staff.list", managers, "List staff", list);
    r.add_staff("staff.create", managers, "Create a staff account (password change forced at first login)", create);
    r.add_staff("staff.update", managers, "Change a staff member's name and roles", update);
    r.add_staff("staff.deactivate", managers, "Deactivate an account and end its sessions", |app, c, req: StaffIdRequest| {
        set_active(app, c, &req.id, false)
    });
    r.add_staff("staff.reactivate", managers, "Reactivate an account", |app, c, req: StaffIdRequest| set_active(app, c, &req.id, true));
    r.add_staff("staff.reset_password", managers, "Set a new password, unlock, force a change at next login", reset_password);
}
