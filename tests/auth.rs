//! Login, lockout, idle logout, forced password change and staff rules, on a real SQLite file.

mod common;

use chrono::Duration;
use common::{office, ADMIN_PASSWORD};
use loket::ErrorCode;
use serde_json::json;

#[test]
fn login_returns_session_with_office_and_roles() {
    let o = office();
    let out = o.app.call(None, "auth.login", json!({"username": "ADMIN", "password": ADMIN_PASSWORD})).unwrap();
    assert!(out["token"].as_str().unwrap().len() >= 40);
    assert_eq!(out["session"]["staff"]["username"], "admin");
    assert_eq!(out["session"]["staff"]["roles"], json!(["administrator"]));
    assert_eq!(out["session"]["office"]["time_zone"], "WIB");
    assert_eq!(out["session"]["office"]["regency_name"], "KABUPATEN SAMBAS");
    assert_eq!(out["session"]["idle_timeout_minutes"], 15);
    let me = o.call(out["token"].as_str().unwrap(), "auth.me", json!({})).unwrap();
    assert_eq!(me["staff"]["full_name"], "Admin Kantor");
}

#[test]
fn five_wrong_passwords_lock_the_account_for_fifteen_minutes() {
    let o = office();
    for i in 1..=4 {
        let e = o.app.call(None, "auth.login", json!({"username": "admin", "password": "salah"})).unwrap_err();
        assert_eq!(e.code, ErrorCode::WrongPassword, "attempt {i}");
        assert_eq!(e.field.as_deref(), Some("password"));
    }
    let e = o.app.call(None, "auth.login", json!({"username": "admin", "password": "salah"})).unwrap_err();
    assert_eq!(e.code, ErrorCode::AccountLocked);
    assert!(e.message.contains("08.15 WIB"), "{}", e.message);
    // Even the right password is refused while locked.
    let e = o.app.call(None, "auth.login", json!({"username": "admin", "password": ADMIN_PASSWORD})).unwrap_err();
    assert_eq!(e.code, ErrorCode::AccountLocked);
    o.clock.advance(Duration::minutes(14));
    assert_eq!(o.app.call(None, "auth.login", json!({"username": "admin", "password": ADMIN_PASSWORD})).unwrap_err().code, ErrorCode::AccountLocked);
    o.clock.advance(Duration::minutes(2));
    o.admin();
    // Failures and the lock are in the audit trail.
    let token = o.admin();
    let page = o.call(&token, "audit.list", json!({"limit": 100})).unwrap();
    let actions: Vec<&str> = page["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions.iter().filter(|a| **a == "login_failed").count(), 5);
    assert!(actions.contains(&"account_locked"));
}

#[test]
fn unknown_user_gets_the_same_answer_as_a_wrong_password() {
    let o = office();
    let e = o.app.call(None, "auth.login", json!({"username": "tidakada", "password": "apa-saja-123"})).unwrap_err();
    assert_eq!(e.message, "Nama pengguna atau kata sandi salah.");
}

#[test]
fn idle_session_ends_and_activity_keeps_it_alive() {
    let o = office();
    let token = o.admin();
    o.clock.advance(Duration::minutes(10));
    o.call(&token, "auth.me", json!({})).unwrap();
    o.clock.advance(Duration::minutes(10));
    o.call(&token, "auth.me", json!({})).unwrap(); // 10 minutes since last activity: still fine
    o.clock.advance(Duration::minutes(16));
    let e = o.call(&token, "auth.me", json!({})).unwrap_err();
    assert_eq!(e.code, ErrorCode::Unauthenticated);
    assert!(e.message.contains("15 menit"), "{}", e.message);
    // The session is gone for good.
    assert_eq!(o.call(&token, "auth.me", json!({})).unwrap_err().code, ErrorCode::Unauthenticated);
}

#[test]
fn idle_timeout_is_configurable_and_validated() {
    let o = office();
    let token = o.admin();
    let e = o.call(&token, "settings.update", json!({"idle_timeout_minutes": 0, "lan_access": false})).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("idle_timeout_minutes"));
    o.call(&token, "settings.update", json!({"idle_timeout_minutes": 60, "lan_access": true})).unwrap();
    o.clock.advance(Duration::minutes(45));
    o.call(&token, "auth.me", json!({})).unwrap();
    assert_eq!(o.call(&token, "settings.get", json!({})).unwrap(), json!({"idle_timeout_minutes": 60, "lan_access": true}));
}

#[test]
fn session_expires_after_twelve_hours_even_when_active() {
    let o = office();
    let token = o.admin();
    for _ in 0..13 {
        o.clock.advance(Duration::minutes(59));
        let _ = o.call(&token, "auth.me", json!({}));
    }
    assert_eq!(o.call(&token, "auth.me", json!({})).unwrap_err().code, ErrorCode::Unauthenticated);
}

#[test]
fn new_staff_must_change_password_before_anything_else() {
    let o = office();
    let admin = o.admin();
    o.call(&admin, "staff.create", json!({"username": "sari", "full_name": "Sari Wulandari", "roles": ["supervisor"], "initial_password": "sementara-123"}))
        .unwrap();
    let login = o.app.call(None, "auth.login", json!({"username": "sari", "password": "sementara-123"})).unwrap();
    assert_eq!(login["session"]["must_change_password"], true);
    let token = login["token"].as_str().unwrap();
    assert_eq!(o.call(token, "staff.list", json!({})).unwrap_err().code, ErrorCode::PasswordChangeRequired);
    o.call(token, "auth.me", json!({})).unwrap();
    let e = o.call(token, "auth.change_password", json!({"current_password": "sementara-123", "new_password": "pendek"})).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("new_password"));
    let e = o.call(token, "auth.change_password", json!({"current_password": "keliru-12345", "new_password": "sandi-baru-123"})).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("current_password"));
    let me = o.call(token, "auth.change_password", json!({"current_password": "sementara-123", "new_password": "sandi-baru-123"})).unwrap();
    assert_eq!(me["must_change_password"], false);
    o.call(token, "staff.list", json!({})).unwrap();
}

#[test]
fn reset_password_unlocks_ends_sessions_and_forces_a_change() {
    let o = office();
    let officer = o.staff_with("budi", &["counter_officer"]);
    for _ in 0..5 {
        let _ = o.app.call(None, "auth.login", json!({"username": "budi", "password": "salah-salah"}));
    }
    let admin = o.admin();
    let list = o.call(&admin, "staff.list", json!({})).unwrap();
    let budi = list["items"].as_array().unwrap().iter().find(|s| s["username"] == "budi").unwrap().clone();
    assert!(budi["locked_until"].is_string());
    let after = o.call(&admin, "staff.reset_password", json!({"id": budi["id"], "new_password": "reset-sandi-1"})).unwrap();
    assert_eq!(after["locked_until"], json!(null));
    assert_eq!(after["must_change_password"], true);
    assert_eq!(o.call(&officer, "auth.me", json!({})).unwrap_err().code, ErrorCode::Unauthenticated);
    let login = o.app.call(None, "auth.login", json!({"username": "budi", "password": "reset-sandi-1"})).unwrap();
    assert_eq!(login["session"]["must_change_password"], true);
}

#[test]
fn deactivated_staff_cannot_log_in_and_lose_their_sessions() {
    let o = office();
    let officer = o.staff_with("budi", &["counter_officer"]);
    let admin = o.admin();
    let id = o.call(&officer, "auth.me", json!({})).unwrap()["staff"]["id"].clone();
    o.call(&admin, "staff.deactivate", json!({"id": id})).unwrap();
    assert_eq!(o.call(&officer, "auth.me", json!({})).unwrap_err().code, ErrorCode::Unauthenticated);
    let e = o.app.call(None, "auth.login", json!({"username": "budi", "password": "sandi-baru-123"})).unwrap_err();
    assert_eq!(e.code, ErrorCode::AccountInactive);
    o.call(&admin, "staff.reactivate", json!({"id": id})).unwrap();
    o.login("budi", "sandi-baru-123");
}

#[test]
fn the_last_administrator_stays() {
    let o = office();
    let admin = o.admin();
    let me = o.call(&admin, "auth.me", json!({})).unwrap()["staff"]["id"].clone();
    // Deactivating oneself is refused, and so is taking away the last administrator role.
    assert_eq!(o.call(&admin, "staff.deactivate", json!({"id": me})).unwrap_err().code, ErrorCode::Conflict);
    let e = o.call(&admin, "staff.update", json!({"id": me, "full_name": "Admin", "roles": ["supervisor"]})).unwrap_err();
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::Conflict, Some("roles")));
    // A second administrator can deactivate the first; then the second is the last one.
    o.call(&admin, "staff.create", json!({"username": "admin2", "full_name": "Admin Dua", "roles": ["administrator"], "initial_password": "sementara-123"}))
        .unwrap();
    let t2 = o.login("admin2", "sementara-123");
    o.call(&t2, "auth.change_password", json!({"current_password": "sementara-123", "new_password": "sandi-baru-123"})).unwrap();
    o.call(&t2, "staff.deactivate", json!({"id": me})).unwrap();
    let id2 = o.call(&t2, "auth.me", json!({})).unwrap()["staff"]["id"].clone();
    let e = o.call(&t2, "staff.update", json!({"id": id2, "full_name": "Admin Dua", "roles": ["supervisor"]})).unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict);
}

#[test]
fn a_supervisor_cannot_make_or_touch_administrators() {
    let o = office();
    let sup = o.staff_with("sari", &["supervisor"]);
    let e = o.call(&sup, "staff.create", json!({"username": "xsatu", "full_name": "X", "roles": ["administrator"], "initial_password": "sementara-123"})).unwrap_err();
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::Forbidden, Some("roles")));
    let admin_id = o.call(&o.admin(), "auth.me", json!({})).unwrap()["staff"]["id"].clone();
    let e = o.call(&sup, "staff.reset_password", json!({"id": admin_id, "new_password": "ambil-alih-1"})).unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    // But a supervisor manages the other staff.
    o.call(&sup, "staff.create", json!({"username": "rina", "full_name": "Rina", "roles": ["recording_operator", "print_operator"], "initial_password": "sementara-123"}))
        .unwrap();
}

#[test]
fn staff_fields_are_validated_by_name_and_nothing_is_written() {
    let o = office();
    let admin = o.admin();
    let cases = [
        (json!({"username": "a", "full_name": "A", "roles": ["supervisor"], "initial_password": "sementara-123"}), "username"),
        (json!({"username": "andi", "full_name": "  ", "roles": ["supervisor"], "initial_password": "sementara-123"}), "full_name"),
        (json!({"username": "andi", "full_name": "Andi", "roles": [], "initial_password": "sementara-123"}), "roles"),
        (json!({"username": "andi", "full_name": "Andi", "roles": ["supervisor"], "initial_password": "123"}), "initial_password"),
        (json!({"username": "admin", "full_name": "Andi", "roles": ["supervisor"], "initial_password": "sementara-123"}), "username"),
        (json!({"username": "andi", "full_name": "Andi", "roles": ["kepala"], "initial_password": "sementara-123"}), "roles[0]"),
    ];
    for (payload, field) in cases {
        let e = o.call(&admin, "staff.create", payload.clone()).unwrap_err();
        assert_eq!(e.field.as_deref(), Some(field), "{payload}: {e:?}");
        assert!(!e.message.is_empty());
    }
    let list = o.call(&admin, "staff.list", json!({"include_inactive": true})).unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}
