//! HTTPS on the office LAN: the office's own certificate authority and the hub's server
//! certificate, made with rcgen and served with rustls (ring provider) through tokio-rustls.
//!
//! Everything lives in `DATA_DIR/tls/` (folder 0700, every file 0600 — the CA key too):
//! `ca.crt`, `ca.key` (ECDSA P-256, valid 10 years), `server.crt`, `server.key` (valid 2 years,
//! signed by the CA) and `server.json` (the names the server certificate covers and its last day).
//! The server certificate covers the machine's hostname (and `<hostname>.local`), `localhost`,
//! 127.0.0.1 and every IPv4 address of the machine's network interfaces found when the hub starts;
//! `OfficeTls::refresh` re-issues it from the same CA when those change (the hub checks every
//! minute and at each switch to the LAN) or when it has less than 30 days left. The office PCs trust
//! the CA once (the settings screen shows its SHA-256 fingerprint and how to install it); a new
//! address never needs a new install.

use crate::error::{Error, Result};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose, SanType,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::ServerConfig;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

const CA_YEARS: u64 = 10;
const SERVER_DAYS: u64 = 2 * 365;
/// A server certificate with less left than this is issued again.
const RENEW_BEFORE: Duration = Duration::from_secs(30 * 24 * 3600);
const DAY: u64 = 24 * 3600;

/// What the server certificate is for: this machine's name and addresses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Names {
    /// DNS names: the hostname, `<hostname>.local`, `localhost`.
    pub dns: Vec<String>,
    /// 127.0.0.1 and the LAN IPv4 addresses, sorted.
    pub ips: Vec<Ipv4Addr>,
}

impl Names {
    /// `hostname` (if any) and the given LAN addresses, with `localhost` and 127.0.0.1 always.
    pub fn new(hostname: Option<&str>, lan: impl IntoIterator<Item = Ipv4Addr>) -> Names {
        let mut dns = Vec::new();
        if let Some(h) = hostname.map(|h| h.trim().trim_end_matches('.').to_ascii_lowercase()).filter(|h| valid_dns(h)) {
            if !h.contains('.') {
                dns.push(format!("{h}.local"));
            }
            dns.push(h);
        }
        dns.push("localhost".to_string());
        dns.sort();
        dns.dedup();
        let mut ips: Vec<Ipv4Addr> = lan.into_iter().chain([Ipv4Addr::LOCALHOST]).collect();
        ips.sort();
        ips.dedup();
        Names { dns, ips }
    }

    /// The machine's hostname and the IPv4 addresses of its interfaces, now.
    pub fn of_this_machine() -> Names {
        let host = gethostname::gethostname().into_string().ok();
        let lan = match if_addrs::get_if_addrs() {
            Ok(ifs) => ifs
                .into_iter()
                .filter_map(|i| match i.ip() {
                    IpAddr::V4(v4) if !v4.is_loopback() && !v4.is_unspecified() && !v4.is_link_local() => Some(v4),
                    _ => None,
                })
                .collect(),
            Err(e) => {
                tracing::warn!(error = %e, "network interfaces not listed; the certificate covers the hostname only");
                Vec::new()
            }
        };
        Names::new(host.as_deref(), lan)
    }

    /// The machine's hostname as the certificate has it (not `localhost` or `.local`).
    pub fn hostname(&self) -> Option<&str> {
        self.dns.iter().map(String::as_str).find(|d| *d != "localhost" && !d.ends_with(".local"))
    }

    /// The LAN addresses (without 127.0.0.1).
    pub fn lan_ips(&self) -> impl Iterator<Item = Ipv4Addr> + '_ {
        self.ips.iter().copied().filter(|ip| !ip.is_loopback())
    }
}

fn valid_dns(h: &str) -> bool {
    !h.is_empty()
        && h.len() <= 253
        && h.split('.').all(|l| {
            !l.is_empty() && l.len() <= 63 && !l.starts_with('-') && !l.ends_with('-') && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// What `server.json` records next to the server certificate.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Covered {
    names: Names,
    /// Seconds since 1970 of the certificate's last moment.
    not_after: u64,
}

/// The office CA and the current server configuration of one data directory.
pub struct OfficeTls {
    dir: PathBuf,
    ca_pem: String,
    ca_key: KeyPair,
    config: RwLock<Arc<ServerConfig>>,
    covered: Mutex<Covered>,
}

fn internal(what: &str, e: impl std::fmt::Display) -> Error {
    Error::internal(format!("tls: {what}: {e}"))
}

fn now_secs() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// Valid from a day ago (a PC whose clock is a little behind) until `until` (seconds since 1970).
fn validity(params: &mut CertificateParams, until: u64) {
    let epoch = rcgen::date_time_ymd(1970, 1, 1);
    params.not_before = epoch + Duration::from_secs(now_secs().saturating_sub(DAY));
    params.not_after = epoch + Duration::from_secs(until);
}

/// The folder of the certificates in `data_dir`.
pub fn dir_of(data_dir: &Path) -> PathBuf {
    data_dir.join("tls")
}

/// The office CA certificate (PEM) of `data_dir`, if it was made.
pub fn ca_certificate(data_dir: &Path) -> Option<String> {
    std::fs::read_to_string(dir_of(data_dir).join("ca.crt")).ok()
}

/// SHA-256 of a certificate's DER, as browsers show it: `AB:CD:…` (32 pairs).
pub fn fingerprint(pem: &str) -> Option<String> {
    let der = CertificateDer::from_pem_slice(pem.as_bytes()).ok()?;
    let sum = Sha256::digest(der.as_ref());
    Some(sum.iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(":"))
}

/// Writes `bytes` to `path` readable by this user only (0600 on Unix; on Windows the data directory
/// under the user's profile is private to the user already), through a temporary file and a rename.
fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let tmp = path.with_extension("tmp");
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(&tmp).map_err(|e| internal("write", format!("{}: {e}", tmp.display())))?;
    f.write_all(bytes).and_then(|()| f.sync_all()).map_err(|e| internal("write", e))?;
    private(&tmp)?;
    std::fs::rename(&tmp, path).map_err(|e| internal("rename", e))
}

/// Takes away group and other permissions (a file copied in by hand may have them).
fn private(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = if path.is_dir() { 0o700 } else { 0o600 };
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).map_err(|e| internal("chmod", e))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

fn read(path: &Path) -> Result<Option<String>> {
    match std::fs::read_to_string(path) {
        Ok(s) => {
            private(path)?;
            Ok(Some(s))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(internal("read", format!("{}: {e}", path.display()))),
    }
}

impl OfficeTls {
    /// Opens (making what is missing) the CA and the server certificate for this machine's names.
    pub fn open(data_dir: &Path, office_name: Option<&str>) -> Result<OfficeTls> {
        OfficeTls::open_for(data_dir, office_name, &Names::of_this_machine())
    }

    /// As `open`, for the given names (the tests choose them).
    pub fn open_for(data_dir: &Path, office_name: Option<&str>, names: &Names) -> Result<OfficeTls> {
        let dir = dir_of(data_dir);
        std::fs::create_dir_all(&dir).map_err(|e| internal("mkdir", e))?;
        private(&dir)?;
        let (ca_pem, ca_key) = match (read(&dir.join("ca.crt"))?, read(&dir.join("ca.key"))?) {
            (Some(c), Some(k)) => (c, KeyPair::from_pem(&k).map_err(|e| internal("ca.key", e))?),
            _ => {
                let (c, k) = make_ca(office_name)?;
                write_private(&dir.join("ca.key"), k.serialize_pem().as_bytes())?;
                write_private(&dir.join("ca.crt"), c.as_bytes())?;
                tracing::info!(fingerprint = fingerprint(&c).unwrap_or_default(), "office certificate authority made");
                (c, k)
            }
        };
        let stored = (|| {
            let cert = read(&dir.join("server.crt")).ok()??;
            let key = read(&dir.join("server.key")).ok()??;
            let covered: Covered = serde_json::from_str(&read(&dir.join("server.json")).ok()??).ok()?;
            let config = server_config(&cert, &key).ok()?;
            Some((config, covered))
        })();
        // A server certificate made by another CA (the CA files replaced by hand) is issued again.
        let stored = stored.filter(|_| issued_by(&dir, &ca_pem));
        let (config, covered) = match stored {
            Some(s) => s,
            None => (placeholder(), Covered { names: Names::default(), not_after: 0 }),
        };
        let me = OfficeTls { dir, ca_pem, ca_key, config: RwLock::new(config), covered: Mutex::new(covered) };
        me.refresh(names)?;
        Ok(me)
    }

    /// Issues the server certificate again when `names` differ from what it covers or it is close
    /// to its end. Returns whether it did; connections made afterwards get the new one.
    pub fn refresh(&self, names: &Names) -> Result<bool> {
        let mut covered = self.covered.lock().unwrap_or_else(|e| e.into_inner());
        let fresh = covered.not_after > now_secs() + RENEW_BEFORE.as_secs();
        if covered.names == *names && fresh {
            return Ok(false);
        }
        let issuer = Issuer::from_ca_cert_pem(&self.ca_pem, &self.ca_key).map_err(|e| internal("ca.crt", e))?;
        let (cert, key, not_after) = make_server(&issuer, names)?;
        let config = server_config(&cert, &key)?;
        write_private(&self.dir.join("server.key"), key.as_bytes())?;
        write_private(&self.dir.join("server.crt"), cert.as_bytes())?;
        std::fs::write(self.dir.join("ca-of-server.sha256"), fingerprint(&self.ca_pem).unwrap_or_default())
            .map_err(|e| internal("write", e))?;
        private(&self.dir.join("ca-of-server.sha256"))?;
        let next = Covered { names: names.clone(), not_after };
        write_private(&self.dir.join("server.json"), serde_json::to_string_pretty(&next).unwrap_or_default().as_bytes())?;
        tracing::info!(dns = ?names.dns, ips = ?names.ips, "server certificate issued");
        *covered = next;
        *self.config.write().unwrap_or_else(|e| e.into_inner()) = config;
        Ok(true)
    }

    /// The configuration for the next TLS handshake.
    pub fn server_config(&self) -> Arc<ServerConfig> {
        self.config.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// The names the current server certificate covers.
    pub fn names(&self) -> Names {
        self.covered.lock().unwrap_or_else(|e| e.into_inner()).names.clone()
    }

    /// The server certificate's last day, seconds since 1970.
    pub fn server_not_after(&self) -> u64 {
        self.covered.lock().unwrap_or_else(|e| e.into_inner()).not_after
    }
}

/// Whether the stored server certificate was made from this CA (the fingerprint written with it).
fn issued_by(dir: &Path, ca_pem: &str) -> bool {
    std::fs::read_to_string(dir.join("ca-of-server.sha256")).ok().as_deref() == fingerprint(ca_pem).as_deref()
}

/// A configuration that fails every handshake, until the first certificate is issued.
fn placeholder() -> Arc<ServerConfig> {
    #[derive(Debug)]
    struct None_;
    impl rustls::server::ResolvesServerCert for None_ {
        fn resolve(&self, _: rustls::server::ClientHello<'_>) -> Option<Arc<rustls::sign::CertifiedKey>> {
            None
        }
    }
    let config = ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .expect("ring supports the default versions")
        .with_no_client_auth()
        .with_cert_resolver(Arc::new(None_));
    Arc::new(config)
}

fn make_ca(office_name: Option<&str>) -> Result<(String, KeyPair)> {
    let mut params = CertificateParams::new(Vec::<String>::new()).map_err(|e| internal("ca", e))?;
    let office = office_name.map(str::trim).filter(|n| !n.is_empty()).unwrap_or("kantor");
    params.distinguished_name.push(DnType::CommonName, format!("Loket KTP-el CA {office}"));
    params.distinguished_name.push(DnType::OrganizationName, "Loket KTP-el");
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
    validity(&mut params, now_secs() + CA_YEARS * 365 * DAY);
    let key = KeyPair::generate().map_err(|e| internal("ca key", e))?;
    let cert = params.self_signed(&key).map_err(|e| internal("ca", e))?;
    Ok((cert.pem(), key))
}

/// The server certificate (PEM), its key (PEM) and its last moment.
fn make_server(issuer: &Issuer<'_, &KeyPair>, names: &Names) -> Result<(String, String, u64)> {
    let mut params = CertificateParams::new(Vec::<String>::new()).map_err(|e| internal("server", e))?;
    let cn = names.hostname().unwrap_or("localhost").to_string();
    params.distinguished_name.push(DnType::CommonName, cn);
    params.distinguished_name.push(DnType::OrganizationName, "Loket KTP-el");
    for d in &names.dns {
        params.subject_alt_names.push(SanType::DnsName(d.as_str().try_into().map_err(|e| internal("dns name", e))?));
    }
    params.subject_alt_names.extend(names.ips.iter().map(|ip| SanType::IpAddress(IpAddr::V4(*ip))));
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.use_authority_key_identifier_extension = true;
    let not_after = now_secs() + SERVER_DAYS * DAY;
    validity(&mut params, not_after);
    let key = KeyPair::generate().map_err(|e| internal("server key", e))?;
    let cert = params.signed_by(&key, issuer).map_err(|e| internal("server", e))?;
    Ok((cert.pem(), key.serialize_pem(), not_after))
}

fn server_config(cert_pem: &str, key_pem: &str) -> Result<Arc<ServerConfig>> {
    let chain: Vec<CertificateDer<'static>> =
        CertificateDer::pem_slice_iter(cert_pem.as_bytes()).collect::<std::result::Result<_, _>>().map_err(|e| internal("server.crt", e))?;
    if chain.is_empty() {
        return Err(internal("server.crt", "empty"));
    }
    let key = PrivateKeyDer::from_pem_slice(key_pem.as_bytes()).map_err(|e| internal("server.key", e))?;
    let mut config = ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| internal("protocols", e))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| internal("server certificate", e))?;
    // The hub's axum speaks HTTP/1.1 only.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_always_cover_localhost_and_loopback() {
        let n = Names::new(Some("Loket-Hub"), [Ipv4Addr::new(192, 168, 1, 20), Ipv4Addr::new(10, 0, 0, 5)]);
        assert_eq!(n.dns, ["localhost", "loket-hub", "loket-hub.local"]);
        assert_eq!(n.ips, [Ipv4Addr::new(10, 0, 0, 5), Ipv4Addr::new(127, 0, 0, 1), Ipv4Addr::new(192, 168, 1, 20)]);
        assert_eq!(n.hostname(), Some("loket-hub"));
        assert_eq!(Names::new(Some("bad_name!"), []).dns, ["localhost"]);
    }

    #[cfg(unix)]
    #[test]
    fn keys_and_certificates_are_private_to_the_user() {
        use std::os::unix::fs::PermissionsExt;
        let d = tempfile::tempdir().unwrap();
        OfficeTls::open_for(d.path(), Some("Kecamatan Uji"), &Names::new(Some("hub"), [])).unwrap();
        let dir = dir_of(d.path());
        assert_eq!(std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777, 0o700);
        for f in ["ca.crt", "ca.key", "server.crt", "server.key", "server.json", "ca-of-server.sha256"] {
            let mode = std::fs::metadata(dir.join(f)).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{f}");
        }
    }
}
