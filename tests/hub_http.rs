//! The LAN adapter over real HTTP on 127.0.0.1: status codes and `{code, message}` bodies.

mod common;

use serde_json::{json, Value};

fn post(url: &str, name: &str, token: Option<&str>, body: impl Into<reqwest::blocking::Body>) -> (u16, Value) {
    let mut req = common::http().post(format!("{url}/api/v1/{name}")).header("content-type", "application/json").body(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().unwrap_or(Value::Null))
}

#[test]
fn health_and_openapi_are_served() {
    let o = common::office();
    let hub = common::hub(o.app.clone());
    let health: Value = common::http().get(format!("{}/api/v1/health", hub.url)).send().unwrap().json().unwrap();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["initialised"], true);
    let doc: Value = common::http().get(format!("{}/api/v1/openapi.json", hub.url)).send().unwrap().json().unwrap();
    assert!(doc["paths"]["/api/v1/auth.login"]["post"].is_object());
}

#[test]
fn bad_requests_get_their_status_and_a_message_in_bahasa() {
    let o = common::office();
    let hub = common::hub(o.app.clone());
    let url = hub.url.as_str();

    let (s, b) = post(url, "auth.login", None, json!({"username": "admin", "password": common::ADMIN_PASSWORD}).to_string());
    assert_eq!(s, 200, "{b}");
    let token = b["token"].as_str().unwrap().to_string();

    // Wrong password: 401, counted.
    let (s, b) = post(url, "auth.login", None, r#"{"username":"admin","password":"salah"}"#);
    assert_eq!((s, b["code"].as_str()), (401, Some("WRONG_PASSWORD")));
    // Missing or bogus token: 401.
    let (s, b) = post(url, "staff.list", None, "{}");
    assert_eq!((s, b["code"].as_str()), (401, Some("UNAUTHENTICATED")));
    let (s, _) = post(url, "staff.list", Some("bukan-token"), "{}");
    assert_eq!(s, 401);
    // Unknown command: 404.
    let (s, b) = post(url, "staff.hapus_semua", Some(&token), "{}");
    assert_eq!((s, b["code"].as_str()), (404, Some("UNKNOWN_COMMAND")));
    // Malformed JSON: 400, nothing written.
    let (s, b) = post(url, "staff.create", Some(&token), "{\"username\": ");
    assert_eq!((s, b["code"].as_str()), (400, Some("BAD_REQUEST")));
    assert!(b["message"].as_str().unwrap().contains("JSON"));
    // Missing field: 400 naming it.
    let (s, b) = post(url, "staff.create", Some(&token), r#"{"username":"andi"}"#);
    assert_eq!((s, b["field"].as_str()), (400, Some("full_name")));
    // Field out of range: 422 naming it.
    let (s, b) = post(url, "settings.update", Some(&token), r#"{"idle_timeout_minutes": 999, "lan_access": false}"#);
    assert_eq!((s, b["field"].as_str()), (422, Some("idle_timeout_minutes")));
    assert!(b["message"].as_str().unwrap().contains("240 menit"));
    // Oversized body: 413.
    let huge = format!("{{\"username\":\"{}\"}}", "a".repeat(2 * 1024 * 1024));
    let (s, b) = post(url, "staff.create", Some(&token), huge);
    assert_eq!((s, b["code"].as_str()), (413, Some("PAYLOAD_TOO_LARGE")));
    // Wrong role: 403.
    let officer = o.staff_with("budi", &["counter_officer"]);
    let (s, b) = post(url, "staff.list", Some(&officer), "{}");
    assert_eq!((s, b["code"].as_str()), (403, Some("FORBIDDEN")));
    // Empty body is an empty request.
    let (s, b) = post(url, "auth.me", Some(&officer), "");
    assert_eq!((s, b["staff"]["username"].as_str()), (200, Some("budi")));

    // Nothing bad was saved along the way.
    let (_, list) = post(url, "staff.list", Some(&token), "{}");
    let names: Vec<&str> = list["items"].as_array().unwrap().iter().map(|s| s["username"].as_str().unwrap()).collect();
    assert_eq!(names, ["admin", "budi"]);
}

#[test]
fn locked_account_is_423_over_http() {
    let o = common::office();
    let hub = common::hub(o.app.clone());
    for _ in 0..5 {
        post(&hub.url, "auth.login", None, r#"{"username":"admin","password":"salah"}"#);
    }
    let (s, b) = post(&hub.url, "auth.login", None, json!({"username": "admin", "password": common::ADMIN_PASSWORD}).to_string());
    assert_eq!((s, b["code"].as_str()), (423, Some("ACCOUNT_LOCKED")));
}

#[test]
fn setup_runs_once_and_validates_the_district() {
    let o = common::empty_office();
    let hub = common::hub(o.app.clone());
    let (s, b) = post(&hub.url, "setup.status", None, "{}");
    assert_eq!((s, &b["initialised"]), (200, &json!(false)));
    let mut req = json!({"district_code": "61.01.99", "office_name": "Kantor", "admin_username": "admin",
                         "admin_full_name": "Admin", "admin_password": "rahasia-123"});
    let (s, b) = post(&hub.url, "setup.initialise", None, req.to_string());
    assert_eq!((s, b["field"].as_str()), (422, Some("district_code")));
    req["district_code"] = json!("73.71.01"); // a Makassar kecamatan: WITA
    let (s, b) = post(&hub.url, "setup.initialise", None, req.to_string());
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["office"]["time_zone"], "WITA");
    assert_eq!(b["office"]["utc_offset_minutes"], 480);
    let (s, b) = post(&hub.url, "setup.initialise", None, req.to_string());
    assert_eq!((s, b["code"].as_str()), (409, Some("ALREADY_INITIALISED")));
    // Before setup, login says so clearly.
    let fresh = common::empty_office();
    let e = fresh.app.call(None, "auth.login", json!({"username": "admin", "password": "x-12345678"})).unwrap_err();
    assert_eq!(e.code, loket::ErrorCode::NotInitialised);
}
