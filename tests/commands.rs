//! The command layer: every command against every role, and the generated TypeScript/OpenAPI.

mod common;

use loket::api::Access;
use loket::auth::Role;
use loket::ErrorCode;
use serde_json::json;

/// Calls a command or a file output the way its adapters do (`App::call` or `App::file`), reduced to
/// whether it was refused and why.
fn call_any(app: &loket::App, cmd: &loket::api::Command, token: Option<&str>) -> loket::Result<()> {
    if cmd.file.is_some() {
        app.file(token, cmd.name, json!({})).map(|_| ())
    } else {
        app.call(token, cmd.name, json!({})).map(|_| ())
    }
}

/// Each command and each file output is called by a person holding exactly one role (and by
/// nobody). The registry must refuse exactly the roles its access rule leaves out, whatever the
/// payload.
#[test]
fn every_command_checks_every_role() {
    let o = common::office();
    let tokens: Vec<(Role, String)> =
        Role::ALL.iter().map(|r| (*r, o.staff_with(&format!("u_{}", r.as_str()), &[r.as_str()]))).collect();
    let registry = loket::app::registry();
    let (mut checked, mut files) = (0, 0);
    for cmd in registry.commands() {
        files += usize::from(cmd.file.is_some());
        // No token: only public commands may run.
        let anon = call_any(&o.app, cmd, None);
        if cmd.access == Access::Public {
            assert!(!matches!(&anon, Err(e) if e.code == ErrorCode::Unauthenticated), "{}", cmd.name);
        } else {
            assert_eq!(anon.unwrap_err().code, ErrorCode::Unauthenticated, "{} without login", cmd.name);
        }
        for (role, token) in &tokens {
            if cmd.name == "auth.logout" {
                continue; // would end the session the rest of the walk uses
            }
            let out = call_any(&o.app, cmd, Some(token));
            let refused = matches!(&out, Err(e) if e.code == ErrorCode::Forbidden && e.message.starts_with("Peran Anda"));
            assert_eq!(refused, !cmd.access.allows(&[*role]), "{} as {:?}: {:?}", cmd.name, role, out);
            checked += 1;
        }
    }
    assert!(checked >= 18 * 5, "walked {checked}");
    assert!(files >= 3, "the ticket, return slip and receipt are file outputs ({files} found)");
    // Manager-only commands really are refused to the operational roles.
    let staff_list = registry.get("staff.list").unwrap();
    assert!(!staff_list.access.allows(&[Role::CounterOfficer]));
    assert!(staff_list.access.allows(&[Role::Supervisor]));
}

/// A person whose password was reset may do nothing but change it: every staff command and every
/// staff file output answers PASSWORD_CHANGE_REQUIRED, in process and over HTTP.
#[test]
fn a_reset_password_session_gets_only_the_password_change() {
    let o = common::office();
    let admin = o.admin();
    let all_roles: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
    let staff = o.call(&admin, "staff.create", json!({"username": "rani", "full_name": "Rani", "roles": all_roles, "initial_password": "sementara-123"}))
        .unwrap();
    o.call(&admin, "staff.reset_password", json!({"id": staff["id"], "new_password": "reset-sandi-1"})).unwrap();
    let token = o.login("rani", "reset-sandi-1");
    let hub = common::hub(o.app.clone());
    let http = common::http();
    let registry = loket::app::registry();
    let mut files = 0;
    for cmd in registry.commands().filter(|c| c.access != Access::Public && !c.during_password_change) {
        let e = call_any(&o.app, cmd, Some(&token)).unwrap_err();
        assert_eq!(e.code, ErrorCode::PasswordChangeRequired, "{}: {e:?}", cmd.name);
        if cmd.file.is_some() {
            files += 1;
            let r = http.get(format!("{}/api/v1/files/{}", hub.url, cmd.name)).bearer_auth(&token).send().unwrap();
            assert_eq!(r.status(), 403, "{} over HTTP", cmd.name);
            let body: serde_json::Value = r.json().unwrap();
            assert_eq!(body["code"], "PASSWORD_CHANGE_REQUIRED", "{}: {body}", cmd.name);
        }
    }
    assert!(files >= 2, "the return slip and the receipt are staff file outputs");
    // The session itself still works for the change.
    o.call(&token, "auth.me", json!({})).unwrap();
}

/// A file output is only reachable as a file, and a command only as JSON: the wrong adapter is
/// refused before anything runs.
#[test]
fn files_and_commands_do_not_cross_adapters() {
    let o = common::office();
    let sup = o.staff_with("sari", &["supervisor"]);
    let e = o.app.call(Some(&sup), "intake.return_slip", json!({"application_id": "x"})).unwrap_err();
    assert_eq!(e.code, ErrorCode::UnknownCommand);
    assert!(e.message.contains("/api/v1/files/intake.return_slip"), "{}", e.message);
    let e = o.app.file(Some(&sup), "staff.list", json!({})).unwrap_err();
    assert_eq!(e.code, ErrorCode::UnknownCommand);
    let hub = common::hub(o.app.clone());
    let r = common::http().post(format!("{}/api/v1/intake.return_slip", hub.url)).bearer_auth(&sup).json(&json!({})).send().unwrap();
    assert_eq!(r.status(), 404);
    let r = common::http().get(format!("{}/api/v1/files/staff.list", hub.url)).bearer_auth(&sup).send().unwrap();
    assert_eq!(r.status(), 404);
}

#[test]
fn typescript_bindings_in_ui_are_up_to_date() {
    let generated = loket::api::typescript_bindings(&loket::app::registry());
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/ui/src/lib/api/types.gen.ts");
    let on_disk = std::fs::read_to_string(path).expect("ui/src/lib/api/types.gen.ts");
    assert!(
        on_disk == generated,
        "ui/src/lib/api/types.gen.ts is stale: run `cargo run -- dev gen-types --out ui/src/lib/api/types.gen.ts`"
    );
    for cmd in loket::app::registry().commands() {
        assert!(generated.contains(&format!("\"{}\":", cmd.name)), "{} missing from Commands", cmd.name);
        // Its access rule is in COMMAND_ACCESS, for the UI's screen table.
        let access = generated.split("export const COMMAND_ACCESS").nth(1).expect("COMMAND_ACCESS");
        assert!(access.contains(&format!("\n  \"{}\": ", cmd.name)), "{} missing from COMMAND_ACCESS", cmd.name);
    }
}

#[test]
fn openapi_lists_every_command_with_resolvable_schemas() {
    let registry = loket::app::registry();
    let doc = loket::api::openapi_document(&registry);
    assert_eq!(doc["openapi"], "3.0.3");
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for cmd in registry.commands() {
        let op = match cmd.file {
            // A file output: GET with its request fields as query parameters, answering its type.
            Some(content_type) => {
                let op = &doc["paths"][format!("/api/v1/files/{}", cmd.name)]["get"];
                assert!(op["responses"]["200"]["content"][content_type].is_object(), "{}: {op}", cmd.name);
                assert!(op["parameters"].as_array().is_some_and(|p| !p.is_empty()), "{}: no parameters", cmd.name);
                op
            }
            None => &doc["paths"][format!("/api/v1/{}", cmd.name)]["post"],
        };
        assert_eq!(op["operationId"], cmd.name);
        // Every $ref points at a schema that exists.
        let text = op.to_string();
        for part in text.split("#/components/schemas/").skip(1) {
            let name = part.split('"').next().unwrap();
            assert!(schemas.contains_key(name), "{}: dangling $ref {name}", cmd.name);
        }
    }
    assert!(schemas.contains_key("StaffCreateRequest"));
}
