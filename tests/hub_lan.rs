//! LAN access switched live, over real sockets. This machine's "LAN" is 127.0.0.2: Linux routes
//! all of 127/8 to lo, so the hub in LAN mode (0.0.0.0:PORT) accepts a connection to 127.0.0.2
//! and in loopback-only mode (127.0.0.1:PORT) refuses it, as it refuses the office LAN.

mod common;

use loket::hub::{HubListener, Listen};
use serde_json::json;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::sync::watch;

/// A port free right now on 127.0.0.1 and 0.0.0.0.
fn free_port() -> u16 {
    std::net::TcpListener::bind("0.0.0.0:0").unwrap().local_addr().unwrap().port()
}

struct Hub {
    port: u16,
    bound: watch::Receiver<Option<SocketAddr>>,
    rt: tokio::runtime::Runtime,
}

fn hub(app: std::sync::Arc<loket::App>, listen: Listen) -> Hub {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let listener = rt.block_on(HubListener::bind(&app, listen)).unwrap();
    let bound = listener.bound();
    let port = bound.borrow().unwrap().port();
    rt.spawn(async move { loket::hub::serve_http(app, listener, None).await });
    Hub { port, bound, rt }
}

impl Hub {
    /// Waits (for the event, not for a time) until the hub listens on `ip`.
    fn wait_bound(&mut self, ip: [u8; 4]) {
        let want = SocketAddr::from((ip, self.port));
        let bound = &mut self.bound;
        self.rt
            .block_on(async { tokio::time::timeout(Duration::from_secs(10), bound.wait_for(|a| *a == Some(want))).await })
            .expect("hub did not rebind")
            .unwrap();
    }
}

fn health(c: &reqwest::blocking::Client, host: &str, port: u16) -> Result<u16, reqwest::Error> {
    c.get(format!("http://{host}:{port}/api/v1/health")).send().map(|r| r.status().as_u16())
}

fn fresh() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder().pool_max_idle_per_host(0).timeout(Duration::from_secs(10)).build().unwrap()
}

fn refused(host: &str, port: u16) -> bool {
    let addr: SocketAddr = format!("{host}:{port}").parse().unwrap();
    match std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(5)) {
        Ok(_) => false,
        Err(e) => e.kind() == std::io::ErrorKind::ConnectionRefused,
    }
}

fn set_lan(o: &common::Office, token: &str, on: bool) {
    o.call(token, "settings.update", json!({"idle_timeout_minutes": 15, "lan_access": on})).unwrap();
}

#[test]
fn turning_lan_access_on_and_off_rebinds_the_hub_without_a_restart() {
    let o = common::office();
    let admin = o.admin();
    let mut hub = hub(o.app.clone(), Listen::Setting { port: free_port() });
    let port = hub.port;
    assert_eq!(*hub.bound.borrow(), Some(SocketAddr::from(([127, 0, 0, 1], port))));
    assert_eq!(health(&fresh(), "127.0.0.1", port).unwrap(), 200);
    assert!(refused("127.0.0.2", port), "loopback-only hub reachable from the LAN");

    set_lan(&o, &admin, true);
    hub.wait_bound([0, 0, 0, 0]);
    assert_eq!(health(&fresh(), "127.0.0.2", port).unwrap(), 200);
    assert_eq!(health(&fresh(), "127.0.0.1", port).unwrap(), 200);
    // A LAN browser keeps its connection open (keep-alive) … (from 127.0.0.2 too: Linux would
    // otherwise give the connection the source 127.0.0.1, the hub PC itself)
    let lan_browser = reqwest::blocking::Client::builder()
        .local_address("127.0.0.2".parse::<std::net::IpAddr>().unwrap())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    assert_eq!(health(&lan_browser, "127.0.0.2", port).unwrap(), 200);

    set_lan(&o, &admin, false);
    hub.wait_bound([127, 0, 0, 1]);
    assert!(refused("127.0.0.2", port), "LAN listener still open");
    assert_eq!(health(&fresh(), "127.0.0.1", port).unwrap(), 200);
    // … and its next request on that connection is refused and the connection closed.
    let r = lan_browser.get(format!("http://127.0.0.2:{port}/api/v1/health")).send().unwrap();
    assert_eq!(r.status().as_u16(), 403);
    assert_eq!(r.headers().get("connection").map(|v| v.to_str().unwrap()), Some("close"));
    let body: serde_json::Value = r.json().unwrap();
    assert_eq!(body["code"], "FORBIDDEN");
    assert!(body["message"].as_str().unwrap().contains("LAN"), "{body}");
    assert!(health(&lan_browser, "127.0.0.2", port).is_err(), "a new connection is refused");

    // On again: the same port on all addresses.
    set_lan(&o, &admin, true);
    hub.wait_bound([0, 0, 0, 0]);
    assert_eq!(health(&fresh(), "127.0.0.2", port).unwrap(), 200);
}

#[test]
fn the_hub_starts_on_the_lan_when_the_setting_is_already_on() {
    let o = common::office();
    let admin = o.admin();
    set_lan(&o, &admin, true);
    let hub = hub(o.app.clone(), Listen::Setting { port: free_port() });
    assert_eq!(*hub.bound.borrow(), Some(SocketAddr::from(([0, 0, 0, 0], hub.port))));
    assert_eq!(health(&fresh(), "127.0.0.2", hub.port).unwrap(), 200);
}

#[test]
fn a_fixed_address_is_never_rebound() {
    let o = common::office();
    let admin = o.admin();
    let fixed = SocketAddr::from(([127, 0, 0, 1], free_port()));
    let hub = hub(o.app.clone(), Listen::Fixed(fixed));
    set_lan(&o, &admin, true);
    // The fixed listener does not follow the setting at all, so there is no rebind to wait for:
    // a request served after the change still finds only 127.0.0.1.
    assert_eq!(health(&fresh(), "127.0.0.1", hub.port).unwrap(), 200);
    assert!(refused("127.0.0.2", hub.port));
    assert_eq!(*hub.bound.borrow(), Some(fixed));
}

#[test]
fn when_the_lan_address_is_taken_the_hub_stays_reachable_on_this_computer() {
    let o = common::office();
    let admin = o.admin();
    let mut hub = hub(o.app.clone(), Listen::Setting { port: free_port() });
    let port = hub.port;
    // Another program holds the port on one "LAN" address: 0.0.0.0:PORT cannot be bound.
    let other = std::net::TcpListener::bind(("127.0.0.2", port)).unwrap();
    hub.bound.borrow_and_update();
    set_lan(&o, &admin, true);
    let bound = &mut hub.bound;
    hub.rt.block_on(async { tokio::time::timeout(Duration::from_secs(10), bound.changed()).await }).unwrap().unwrap();
    assert_eq!(*hub.bound.borrow(), Some(SocketAddr::from(([127, 0, 0, 1], port))));
    assert_eq!(health(&fresh(), "127.0.0.1", port).unwrap(), 200);
    // Off and on again, with the port free, opens the LAN after all.
    drop(other);
    set_lan(&o, &admin, false);
    set_lan(&o, &admin, true);
    hub.wait_bound([0, 0, 0, 0]);
    assert_eq!(health(&fresh(), "127.0.0.2", port).unwrap(), 200);
}
