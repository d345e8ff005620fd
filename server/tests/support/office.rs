//! Driving the office hub in this process the way its officers do: commands under a session, and
//! a new member of staff who has signed in and chosen a password.

use loket::App;
use serde_json::{json, Value};

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
