//! LAN access switched live, over real sockets. This machine's "LAN" is 127.0.0.2: Linux routes
//! all of 127/8 to lo, so the hub in LAN mode (0.0.0.0:PORT) accepts a connection to 127.0.0.2
//! and in loopback-only mode (127.0.0.1:PORT) refuses it, as it refuses the office LAN.
//!
//! The LAN is HTTPS only: a client trusting nothing but the office CA (from the data directory)
//! reaches the hub as `https://<hostname>:PORT` (resolved to 127.0.0.2) and `https://127.0.0.1:PORT`;
//! plain HTTP from 127.0.0.2 is redirected to https, except `/ca.crt`; the hub PC itself keeps
//! plain HTTP on the same port.

mod common;

use loket::hub::tls::{self, Names, OfficeTls};
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

/// This machine's name as the server certificate has it.
fn hostname() -> String {
    Names::of_this_machine().hostname().unwrap_or("localhost").to_string()
}

/// A LAN browser that trusts the office CA only: `https://<hostname>:PORT` goes to 127.0.0.2, from
/// 127.0.0.2 (else Linux gives the connection the source 127.0.0.1, the hub PC itself).
fn lan_browser(o: &common::Office, port: u16, keep_alive: bool) -> reqwest::blocking::Client {
    let ca = tls::ca_certificate(&o.app.data_dir).expect("office CA made");
    let mut b = reqwest::blocking::Client::builder()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(ca.as_bytes()).unwrap())
        .resolve(&hostname(), SocketAddr::from(([127, 0, 0, 2], port)))
        .local_address("127.0.0.2".parse::<std::net::IpAddr>().unwrap())
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10));
    if !keep_alive {
        b = b.pool_max_idle_per_host(0);
    }
    b.build().unwrap()
}

fn https_health(c: &reqwest::blocking::Client, port: u16) -> Result<u16, reqwest::Error> {
    health_at(c, &format!("https://{}:{port}", hostname()))
}

fn health_at(c: &reqwest::blocking::Client, base: &str) -> Result<u16, reqwest::Error> {
    c.get(format!("{base}/api/v1/health")).send().map(|r| r.status().as_u16())
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
    // HTTPS for the LAN, by name and by address, checked against the office CA alone …
    assert_eq!(https_health(&lan_browser(&o, port, false), port).unwrap(), 200);
    assert_eq!(health_at(&lan_browser(&o, port, false), &format!("https://127.0.0.1:{port}")).unwrap(), 200);
    // … plain HTTP for the hub PC itself, on the same port …
    assert_eq!(health(&fresh(), "127.0.0.1", port).unwrap(), 200);
    // … and plain HTTP from another computer is sent to https, but for the CA certificate.
    let plain = lan_browser(&o, port, false);
    let r = plain.get(format!("http://127.0.0.2:{port}/api/v1/health?x=1")).send().unwrap();
    assert_eq!(r.status().as_u16(), 308);
    assert_eq!(r.headers()["location"], format!("https://127.0.0.2:{port}/api/v1/health?x=1").as_str());
    let r = plain.post(format!("http://127.0.0.2:{port}/api/v1/auth.login")).body("{}").send().unwrap();
    assert_eq!(r.status().as_u16(), 308, "no command runs over plain HTTP from the LAN");
    let r = plain.get(format!("http://127.0.0.2:{port}/ca.crt")).send().unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.text().unwrap(), tls::ca_certificate(&o.app.data_dir).unwrap());
    // A browser that does not trust the office CA gets no answer at all.
    let untrusting = reqwest::blocking::Client::builder()
        .resolve(&hostname(), SocketAddr::from(([127, 0, 0, 2], port)))
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    assert!(https_health(&untrusting, port).is_err(), "certificate accepted without the office CA");
    // A LAN browser keeps its connection open (keep-alive) …
    let lan_browser = lan_browser(&o, port, true);
    assert_eq!(https_health(&lan_browser, port).unwrap(), 200);

    set_lan(&o, &admin, false);
    hub.wait_bound([127, 0, 0, 1]);
    assert!(refused("127.0.0.2", port), "LAN listener still open");
    assert_eq!(health(&fresh(), "127.0.0.1", port).unwrap(), 200);
    // … and its next request on that connection is refused and the connection closed.
    let r = lan_browser.get(format!("https://{}:{port}/api/v1/health", hostname())).send().unwrap();
    assert_eq!(r.status().as_u16(), 403);
    assert_eq!(r.headers().get("connection").map(|v| v.to_str().unwrap()), Some("close"));
    let body: serde_json::Value = r.json().unwrap();
    assert_eq!(body["code"], "FORBIDDEN");
    assert!(body["message"].as_str().unwrap().contains("LAN"), "{body}");
    assert!(https_health(&lan_browser, port).is_err(), "a new connection is refused");

    // On again: the same port on all addresses, HTTPS with the same CA.
    set_lan(&o, &admin, true);
    hub.wait_bound([0, 0, 0, 0]);
    assert_eq!(https_health(&lan_browser, port).unwrap(), 200);
}

#[test]
fn the_hub_starts_on_the_lan_when_the_setting_is_already_on() {
    let o = common::office();
    let admin = o.admin();
    set_lan(&o, &admin, true);
    let hub = hub(o.app.clone(), Listen::Setting { port: free_port() });
    assert_eq!(*hub.bound.borrow(), Some(SocketAddr::from(([0, 0, 0, 0], hub.port))));
    assert_eq!(https_health(&lan_browser(&o, hub.port, false), hub.port).unwrap(), 200);
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
    assert_eq!(https_health(&lan_browser(&o, port, false), port).unwrap(), 200);
}

/// The server certificate on disk, checked by rustls/webpki against the office CA alone.
fn verify(data_dir: &std::path::Path, name: &str) -> Result<(), rustls::Error> {
    use rustls::client::danger::ServerCertVerifier;
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
    let dir = tls::dir_of(data_dir);
    let ca = CertificateDer::from_pem_file(dir.join("ca.crt")).unwrap();
    let leaf = CertificateDer::from_pem_file(dir.join("server.crt")).unwrap();
    let mut roots = rustls::RootCertStore::empty();
    roots.add(ca).unwrap();
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let verifier = rustls::client::WebPkiServerVerifier::builder_with_provider(roots.into(), provider).build().unwrap();
    let name = ServerName::try_from(name.to_string()).unwrap();
    verifier.verify_server_cert(&leaf, &[], &name, &[], UnixTime::now()).map(|_| ())
}

#[test]
fn the_server_certificate_chains_to_the_office_ca_for_its_hostname_and_addresses_and_follows_them() {
    let d = tempfile::tempdir().unwrap();
    let lan = Names::new(Some("Loket-Hub"), ["192.168.1.20".parse().unwrap()]);
    let t = OfficeTls::open_for(d.path(), Some("Kecamatan Uji"), &lan).unwrap();
    for ok in ["loket-hub", "loket-hub.local", "localhost", "192.168.1.20", "127.0.0.1"] {
        verify(d.path(), ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
    }
    for other in ["192.168.1.21", "other-pc", "10.1.2.3"] {
        assert!(verify(d.path(), other).is_err(), "{other} accepted");
    }
    let ca = tls::ca_certificate(d.path()).unwrap();
    assert_eq!(tls::fingerprint(&ca).unwrap().len(), 32 * 3 - 1);

    // The office moved to another network: a new server certificate from the same CA.
    let moved = Names::new(Some("loket-hub"), ["10.1.2.3".parse().unwrap()]);
    assert!(t.refresh(&moved).unwrap());
    assert!(!t.refresh(&moved).unwrap(), "issued again for the same names");
    verify(d.path(), "10.1.2.3").unwrap();
    assert!(verify(d.path(), "192.168.1.20").is_err());
    assert_eq!(tls::ca_certificate(d.path()).unwrap(), ca);

    // Opened again (the next start): the same CA and the same server certificate.
    let server = std::fs::read(tls::dir_of(d.path()).join("server.crt")).unwrap();
    let again = OfficeTls::open_for(d.path(), None, &moved).unwrap();
    assert_eq!(again.ca_pem(), ca);
    assert_eq!(std::fs::read(tls::dir_of(d.path()).join("server.crt")).unwrap(), server);
}

#[test]
fn a_fixed_lan_address_is_https_too() {
    let o = common::office();
    let port = free_port();
    let hub = hub(o.app.clone(), Listen::Fixed(SocketAddr::from(([0, 0, 0, 0], port))));
    assert_eq!(https_health(&lan_browser(&o, hub.port, false), hub.port).unwrap(), 200);
    let r = lan_browser(&o, port, false).get(format!("http://127.0.0.2:{port}/")).send().unwrap();
    assert_eq!(r.status().as_u16(), 308);
    assert_eq!(health(&fresh(), "127.0.0.1", port).unwrap(), 200);
}
