//! The command layer: every command against every role, and the generated TypeScript/OpenAPI.

mod common;

use loket::api::Access;
use loket::auth::Role;
use loket::ErrorCode;
use serde_json::json;

/// Each command is called by a person holding exactly one role (and by nobody). The registry must
/// refuse exactly the roles its access rule leaves out, whatever the payload.
#[test]
fn every_command_checks_every_role() {
    let o = common::office();
    let tokens: Vec<(Role, String)> =
        Role::ALL.iter().map(|r| (*r, o.staff_with(&format!("u_{}", r.as_str()), &[r.as_str()]))).collect();
    let registry = loket::app::registry();
    let mut checked = 0;
    for cmd in registry.commands() {
        // No token: only public commands may run.
        let anon = o.app.call(None, cmd.name, json!({}));
        if cmd.access == Access::Public {
            assert!(!matches!(&anon, Err(e) if e.code == ErrorCode::Unauthenticated), "{}", cmd.name);
        } else {
            assert_eq!(anon.unwrap_err().code, ErrorCode::Unauthenticated, "{} without login", cmd.name);
        }
        for (role, token) in &tokens {
            if cmd.name == "auth.logout" {
                continue; // would end the session the rest of the walk uses
            }
            let out = o.app.call(Some(token), cmd.name, json!({}));
            let refused = matches!(&out, Err(e) if e.code == ErrorCode::Forbidden && e.message.starts_with("Peran Anda"));
            assert_eq!(refused, !cmd.access.allows(&[*role]), "{} as {:?}: {:?}", cmd.name, role, out);
            checked += 1;
        }
    }
    assert!(checked >= 18 * 5, "walked {checked}");
    // Manager-only commands really are refused to the operational roles.
    let staff_list = registry.get("staff.list").unwrap();
    assert!(!staff_list.access.allows(&[Role::CounterOfficer]));
    assert!(staff_list.access.allows(&[Role::Supervisor]));
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
    }
}

#[test]
fn openapi_lists_every_command_with_resolvable_schemas() {
    let registry = loket::app::registry();
    let doc = loket::api::openapi_document(&registry);
    assert_eq!(doc["openapi"], "3.0.3");
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for cmd in registry.commands() {
        let op = &doc["paths"][format!("/api/v1/{}", cmd.name)]["post"];
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
