//! Enrollment and authentication over HTTP: one-time tokens that expire, 401 for wrong, missing and
//! revoked credentials, JSON errors everywhere.

mod common;

use common::*;
use loket_central::{devices, Code};
use sha2::{Digest, Sha256};

#[test]
fn an_enrollment_token_works_once_and_expires_after_seven_days() {
    each_backend(|c| {
        let token = devices::add(&c.central, OFFICE, "Kecamatan Sambas").unwrap();
        let enroll = |token: &str| {
            let res = c.client.post(c.url("/api/v1/enroll")).json(&serde_json::json!({"token": token, "name": "Hub Sambas"})).send().unwrap();
            let status = res.status().as_u16();
            (status, res.json::<serde_json::Value>().unwrap())
        };
        // People may type it in lower case, without dashes.
        let (status, body) = enroll(&token.replace('-', "").to_lowercase());
        assert_eq!(status, 200, "[{}] {body}", c.backend);
        assert_eq!(body["office"], OFFICE);
        let secret = body["secret"].as_str().unwrap();
        assert_eq!(secret.len(), 64, "32 random bytes, hex");
        assert!(secret.chars().all(|ch| ch.is_ascii_hexdigit()));

        let (status, body) = enroll(&token);
        assert_eq!(status, 401, "[{}] a used token: {body}", c.backend);
        assert_eq!(error_of(&body).0, "ENROLL_TOKEN_INVALID");
        assert!(error_of(&body).1.contains("Token pendaftaran"), "{body}");

        let late = devices::add(&c.central, OFFICE, "").unwrap();
        c.clock.advance(chrono::Duration::days(7) + chrono::Duration::minutes(1));
        let (status, body) = enroll(&late);
        assert_eq!((status, error_of(&body).0.as_str()), (401, "ENROLL_TOKEN_INVALID"), "[{}] an expired token", c.backend);

        let (status, body) = enroll("AAAAA-BBBBB-CCCCC-DDDDD-EEEEE");
        assert_eq!((status, error_of(&body).0.as_str()), (401, "ENROLL_TOKEN_INVALID"));

        let res = c.client.post(c.url("/api/v1/enroll")).body("{not json").send().unwrap();
        assert_eq!(res.status(), 400);
        assert_eq!(res.json::<serde_json::Value>().unwrap()["code"], "BAD_REQUEST");

        // Only hashes are stored, and only the device from the first enrollment exists.
        let list = devices::list(&c.central).unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].name, "Hub Sambas");
        assert_eq!(list[0].secret_hash, hex::encode(Sha256::digest(secret.as_bytes())));
        assert_ne!(list[0].secret_hash, secret);

        assert_eq!(devices::add(&c.central, "99.99.99", "").unwrap_err().code, Code::Validation);
        assert_eq!(devices::add(&c.central, "61.01", "").unwrap_err().code, Code::Validation, "a regency is not an office");
    });
}

#[test]
fn wrong_missing_and_revoked_credentials_are_401() {
    each_backend(|c| {
        let office = c.enroll(OFFICE);
        let other = c.enroll(OFFICE);
        let state = office.state();
        assert_eq!((state.device_id.as_str(), state.office.as_str(), state.contiguous_seq, state.latest_change), (office.device_id(), OFFICE, 0, 0));

        let call = |auth: Option<&str>, path: &str| {
            let mut req = if path == "/api/v1/batches" {
                c.client.post(c.url(path)).body(loket::sync::wire::encode_batch(&loket::sync::wire::Batch { protocol: 1, records: vec![], audit_head: None }))
            } else {
                c.client.get(c.url(path))
            };
            if let Some(a) = auth {
                req = req.header("Authorization", a);
            }
            let res = req.send().unwrap();
            (res.status().as_u16(), error_of(&res.json().unwrap()).0)
        };
        let id = office.device_id().to_string();
        let wrong_secret = format!("Bearer {id}.{}", "0".repeat(64));
        let others_secret = format!("Bearer {id}.{}", other.enrollment.secret);
        let unknown_device = format!("Bearer 0193a1b2-0000-7000-8000-000000000000.{}", office.enrollment.secret);
        for path in ["/api/v1/device", "/api/v1/batches", "/api/v1/changes"] {
            for auth in [None, Some("Bearer"), Some("Basic abc"), Some(wrong_secret.as_str()), Some(others_secret.as_str()), Some(unknown_device.as_str()), Some("Bearer nodot")] {
                assert_eq!(call(auth, path), (401, "UNAUTHENTICATED".to_string()), "[{}] {path} with {auth:?}", c.backend);
            }
            assert_eq!(call(Some(&office.auth), path).0, 200, "[{}] {path}", c.backend);
        }

        devices::revoke(&c.central, office.device_id()).unwrap();
        for path in ["/api/v1/device", "/api/v1/batches", "/api/v1/changes"] {
            assert_eq!(call(Some(&office.auth), path), (401, "DEVICE_REVOKED".to_string()), "[{}] {path}", c.backend);
            // A wrong secret learns nothing about the revocation.
            assert_eq!(call(Some(&wrong_secret), path), (401, "UNAUTHENTICATED".to_string()));
        }
        // The other device of the same office is unaffected.
        assert_eq!(other.state().office, OFFICE);
        assert_eq!(devices::revoke(&c.central, "no-such-device").unwrap_err().code, Code::NotFound);
    });
}

#[test]
fn health_and_unknown_routes_answer_json() {
    each_backend(|c| {
        let res = c.client.get(c.url("/health")).send().unwrap();
        assert_eq!(res.status(), 200);
        let res = c.client.get(c.url("/api/v1/nothing-here")).send().unwrap();
        assert_eq!(res.status(), 404);
        assert_eq!(res.json::<serde_json::Value>().unwrap()["code"], "NOT_FOUND");
        let res = c.client.get(c.url("/api/v1/batches")).send().unwrap();
        assert_eq!(res.status(), 405);
        assert_eq!(res.json::<serde_json::Value>().unwrap()["code"], "METHOD_NOT_ALLOWED");
    });
}

#[test]
fn a_file_that_is_not_centrals_database_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("central.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE staff (id TEXT); INSERT INTO staff VALUES ('x');").unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = loket_central::Central::open(&loket_central::storage::Target::Sqlite(dir.path().to_path_buf())).err().expect("refused");
    assert!(err.message.contains("bukan basis data loket-central"), "{}", err.message);
    assert_eq!(std::fs::read(&path).unwrap(), before);
}
