//! Driving the office hub in this process the way its officers do: commands under a session, and
//! a new member of staff who has signed in and chosen a password.

use super::processes::{self, Backend, Server};
use loket::App;
use serde_json::{json, Value};
use std::path::Path;
use std::sync::Arc;

/// Calls `name` under `token`; an error fails the test with the command's name.
pub fn call(app: &App, token: &str, name: &str, payload: Value) -> Value {
    app.call(Some(token), name, payload).unwrap_or_else(|e| panic!("{name}: {e:?}"))
}

/// Creates `username` with one role and returns its session after the forced password change.
pub fn staff(app: &App, admin: &str, username: &str, role: &str) -> String {
    call(app, admin, "staff.create", json!({"username": username, "full_name": format!("Pegawai {username}"), "roles": [role], "initial_password": "sementara-123"}));
    let token = app.call(None, "auth.login", json!({"username": username, "password": "sementara-123"})).unwrap()["token"].as_str().unwrap().to_string();
    call(app, &token, "auth.change_password", json!({"current_password": "sementara-123", "new_password": "sandi-baru-123"}));
    token
}

/// An office hub for `office` set up in `dir`, with long sessions, and enrolled at `central` by a
/// supervisor: (the hub, the administrator's session, the supervisor's session).
pub fn enrolled(dir: &Path, office: &str, backend: &Backend, central: &Server) -> (Arc<App>, String, String) {
    let app = App::open(dir).unwrap();
    app.call(None, "setup.initialise", json!({"district_code": office, "office_name": "Kantor Kecamatan Sajingan Besar",
        "admin_username": "admin", "admin_full_name": "Admin", "admin_password": "rahasia-admin-1"})).unwrap();
    let admin = app.call(None, "auth.login", json!({"username": "admin", "password": "rahasia-admin-1"})).unwrap()["token"].as_str().unwrap().to_string();
    call(&app, &admin, "settings.update", json!({"idle_timeout_minutes": 240, "lan_access": false}));
    let sup = staff(&app, &admin, "sri", "supervisor");
    let token = processes::enrollment_token(backend, office);
    call(&app, &sup, "sync.enroll", json!({"central_url": format!("http://{}", central.addr), "token": token}));
    (app, admin, sup)
}
