//! Rate limits per client address over real HTTP: a client on the LAN (here 127.0.0.2 and
//! 127.0.0.3, which Linux routes to this machine like any 127/8 address) cannot drain a service's
//! quota, guess statuses or try passwords in bulk; the hub PC itself (127.0.0.1) is never limited.
//! Time moves on the office's ManualClock, never by sleeping.

mod common;

use serde_json::{json, Value};
use std::net::IpAddr;

struct Hub {
    url: String,
    _rt: tokio::runtime::Runtime,
}

/// The hub as `loket serve --listen 127.0.0.1:0` runs it: each request knows its client address.
fn hub(app: std::sync::Arc<loket::App>) -> Hub {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    rt.spawn(async move { loket::hub::serve_http(app, listener.into(), None).await });
    Hub { url, _rt: rt }
}

/// A client whose connections come from `from`.
fn client(from: &str) -> reqwest::blocking::Client {
    let ip: IpAddr = from.parse().unwrap();
    reqwest::blocking::Client::builder().local_address(ip).timeout(std::time::Duration::from_secs(10)).build().unwrap()
}

struct Answer {
    status: u16,
    retry_after: Option<String>,
    body: Value,
}

fn post(c: &reqwest::blocking::Client, hub: &Hub, name: &str, body: Value) -> Answer {
    let resp = c.post(format!("{}/api/v1/{name}", hub.url)).json(&body).send().unwrap();
    let status = resp.status().as_u16();
    let retry_after = resp.headers().get("retry-after").map(|v| v.to_str().unwrap().to_string());
    Answer { status, retry_after, body: resp.json().unwrap_or(Value::Null) }
}

fn assert_limited(a: &Answer, secs: u64) {
    assert_eq!(a.status, 429, "{}", a.body);
    assert_eq!(a.body["code"], "RATE_LIMITED");
    assert_eq!(
        a.body["message"],
        format!("Terlalu banyak permintaan dari perangkat ini. Coba lagi dalam {secs} detik.")
    );
    assert!(a.body.get("field").is_none_or(Value::is_null));
    assert_eq!(a.retry_after.as_deref(), Some(secs.to_string().as_str()));
}

#[test]
fn one_lan_client_cannot_drain_a_services_tickets_and_gets_them_again_after_the_refill() {
    let o = common::office();
    let hub = hub(o.app.clone());
    let (kiosk, other, desk) = (client("127.0.0.2"), client("127.0.0.3"), client("127.0.0.1"));
    let ticket = json!({"service_prefix": "A"});

    for i in 0..10 {
        let a = post(&kiosk, &hub, "queue.issue", ticket.clone());
        assert_eq!(a.status, 200, "ticket {i}: {}", a.body);
    }
    let eleventh = post(&kiosk, &hub, "queue.issue", ticket.clone());
    assert_limited(&eleventh, 6);
    // Check-in draws from the same bucket: a refused ticket cannot be had that way either.
    assert_limited(&post(&kiosk, &hub, "queue.check_in", json!({"booking_code": "X"})), 6);
    // Nothing was issued by the refused calls: the next number anyone gets is A-011.
    let a = post(&other, &hub, "queue.issue", ticket.clone());
    assert_eq!(a.status, 200, "{}", a.body);
    let number = a.body["ticket"]["number"].as_str().unwrap().to_string();
    assert_eq!(number, "A-011");
    // The hub PC itself is never limited.
    for _ in 0..30 {
        assert_eq!(post(&desk, &hub, "queue.issue", ticket.clone()).status, 200);
    }

    // 5 s later the first token is still a second away; at 6 s there is one, then none again.
    o.clock.advance(chrono::Duration::seconds(5));
    assert_limited(&post(&kiosk, &hub, "queue.issue", ticket.clone()), 1);
    o.clock.advance(chrono::Duration::seconds(1));
    assert_eq!(post(&kiosk, &hub, "queue.issue", ticket.clone()).status, 200);
    assert_limited(&post(&kiosk, &hub, "queue.issue", ticket.clone()), 6);
    // A quiet minute refills the burst up to ten, not more.
    o.clock.advance(chrono::Duration::minutes(10));
    for _ in 0..10 {
        assert_eq!(post(&kiosk, &hub, "queue.issue", ticket.clone()).status, 200);
    }
    assert_eq!(post(&kiosk, &hub, "queue.issue", ticket.clone()).status, 429);
}

#[test]
fn status_lookups_are_limited_per_client() {
    let o = common::office();
    let hub = hub(o.app.clone());
    let (kiosk, other, desk) = (client("127.0.0.2"), client("127.0.0.3"), client("127.0.0.1"));
    let ask = json!({"number": "BELUM-ADA"});
    for i in 0..20 {
        let a = post(&kiosk, &hub, "intake.public_status", ask.clone());
        assert_ne!(a.status, 429, "lookup {i}: {}", a.body);
    }
    assert_limited(&post(&kiosk, &hub, "intake.public_status", ask.clone()), 1);
    assert_ne!(post(&other, &hub, "intake.public_status", ask.clone()).status, 429);
    for _ in 0..40 {
        assert_ne!(post(&desk, &hub, "intake.public_status", ask.clone()).status, 429);
    }
    o.clock.advance(chrono::Duration::seconds(1));
    assert_ne!(post(&kiosk, &hub, "intake.public_status", ask.clone()).status, 429);
    assert_limited(&post(&kiosk, &hub, "intake.public_status", ask), 1);
}

#[test]
fn login_attempts_are_limited_per_client_beyond_the_account_lockout() {
    let o = common::office();
    let hub = hub(o.app.clone());
    let (lan, other, desk) = (client("127.0.0.2"), client("127.0.0.3"), client("127.0.0.1"));
    // Ten different accounts, so the per-account lockout never comes into it.
    for i in 0..10 {
        let a = post(&lan, &hub, "auth.login", json!({"username": format!("tebak{i}"), "password": "salah"}));
        assert_eq!(a.body["code"], "VALIDATION", "{}", a.body);
    }
    let good = json!({"username": "admin", "password": common::ADMIN_PASSWORD});
    // Even the right password waits: the limit comes before the command.
    assert_limited(&post(&lan, &hub, "auth.login", good.clone()), 10);
    assert_eq!(post(&other, &hub, "auth.login", good.clone()).status, 200);
    for i in 0..20 {
        let a = post(&desk, &hub, "auth.login", json!({"username": format!("lokal{i}"), "password": "salah"}));
        assert_eq!(a.body["code"], "VALIDATION", "{}", a.body);
    }
    o.clock.advance(chrono::Duration::seconds(9));
    assert_limited(&post(&lan, &hub, "auth.login", good.clone()), 1);
    o.clock.advance(chrono::Duration::seconds(1));
    let a = post(&lan, &hub, "auth.login", good);
    assert_eq!(a.status, 200, "{}", a.body);
    // Commands that are not public are not limited here (staff.list from the LAN, logged in).
    let token = a.body["token"].as_str().unwrap().to_string();
    for _ in 0..30 {
        let r = lan.post(format!("{}/api/v1/staff.list", hub.url)).bearer_auth(&token).json(&json!({})).send().unwrap();
        assert_eq!(r.status().as_u16(), 200);
    }
}
