//! Where print bytes go: a network printer's raw port (9100), a local device (USB `lp`, serial),
//! or a file (for tests, and for saving a job to print later).

use std::fmt;
use std::fs::OpenOptions;
use std::io::{self, Write};
use std::net::{IpAddr, Shutdown, SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use crate::error::{Error, ErrorCode, Result};

/// The raw-printing port of network receipt printers ("JetDirect", "AppSocket").
pub const RAW_PORT: u16 = 9100;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrinterTarget {
    /// Raw TCP, usually port 9100.
    Tcp(SocketAddr),
    /// A device node written like a file: `/dev/usb/lp0`, `/dev/ttyUSB0`.
    Device(PathBuf),
    /// A plain file, replaced on every job.
    File(PathBuf),
}

const HINT: &str = "Tulis alamat printer seperti tcp://192.168.1.50:9100, /dev/usb/lp0, atau file:///tmp/tiket.bin.";

fn bad(msg: impl Into<String>) -> Error {
    Error::field("printer", msg)
}

impl PrinterTarget {
    /// Parse what an administrator types in the printer setting:
    /// `tcp://192.168.1.50:9100` (port defaults to 9100; a bare `192.168.1.50:9100` works too),
    /// `/dev/usb/lp0` (any path under `/dev`), `file:///tmp/x.bin` or another absolute path (a file).
    pub fn parse(s: &str) -> Result<PrinterTarget> {
        let s = s.trim();
        if s.is_empty() {
            return Err(bad(format!("Alamat printer wajib diisi. {HINT}")));
        }
        if let Some(rest) = strip_prefix_ci(s, "tcp://") {
            return parse_tcp(rest.trim_end_matches('/'), s);
        }
        if let Some(rest) = strip_prefix_ci(s, "file://") {
            let path = Path::new(rest);
            if rest.is_empty() || !path.is_absolute() {
                return Err(bad(format!(
                    "Alamat berkas printer \"{s}\" harus berupa path lengkap, misalnya file:///tmp/tiket.bin."
                )));
            }
            return Ok(PrinterTarget::File(path.to_path_buf()));
        }
        if s.contains("://") {
            return Err(bad(format!("Jenis alamat printer \"{s}\" tidak dikenal. {HINT}")));
        }
        if s.parse::<SocketAddr>().is_ok() || s.parse::<IpAddr>().is_ok() {
            return parse_tcp(s, s);
        }
        let path = Path::new(s);
        if path.is_absolute() {
            return Ok(if path.starts_with("/dev") {
                PrinterTarget::Device(path.to_path_buf())
            } else {
                PrinterTarget::File(path.to_path_buf())
            });
        }
        Err(bad(format!("Alamat printer \"{s}\" tidak dikenali. {HINT}")))
    }

    /// How the officer knows this printer: `192.168.1.50:9100` or `/dev/usb/lp0`.
    pub fn label(&self) -> String {
        match self {
            PrinterTarget::Tcp(a) => a.to_string(),
            PrinterTarget::Device(p) | PrinterTarget::File(p) => p.display().to_string(),
        }
    }
}

/// The setting's text form; `parse(to_string())` gives the target back.
impl fmt::Display for PrinterTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PrinterTarget::Tcp(a) => write!(f, "tcp://{a}"),
            PrinterTarget::Device(p) => write!(f, "{}", p.display()),
            PrinterTarget::File(p) => write!(f, "file://{}", p.display()),
        }
    }
}

impl std::str::FromStr for PrinterTarget {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        PrinterTarget::parse(s)
    }
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    (s.len() >= prefix.len() && s.is_char_boundary(prefix.len()) && s[..prefix.len()].eq_ignore_ascii_case(prefix))
        .then(|| &s[prefix.len()..])
}

fn parse_tcp(hostport: &str, original: &str) -> Result<PrinterTarget> {
    let addr = if let Ok(a) = hostport.parse::<SocketAddr>() {
        a
    } else if let Ok(ip) = hostport.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>() {
        SocketAddr::new(ip, RAW_PORT)
    } else {
        // Distinguish a bad port from a host name, which we do not resolve: office printers have
        // fixed IP addresses, and a name lookup at print time is one more thing to fail.
        let (host, port) = hostport.rsplit_once(':').unwrap_or((hostport, ""));
        if host.parse::<IpAddr>().is_ok()
            || host.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>().is_ok()
        {
            return Err(bad(format!("Port printer \"{port}\" tidak sah; gunakan angka 1–65535 (biasanya 9100).")));
        }
        return Err(bad(format!(
            "Alamat printer \"{original}\" harus berupa alamat IP, misalnya tcp://192.168.1.50:9100."
        )));
    };
    if addr.port() == 0 {
        return Err(bad("Port printer tidak boleh 0; biasanya 9100."));
    }
    Ok(PrinterTarget::Tcp(addr))
}

/// "2 detik", "0,5 detik".
fn seconds(d: Duration) -> String {
    let ms = d.as_millis();
    if ms.is_multiple_of(1000) {
        format!("{} detik", ms / 1000)
    } else {
        format!("{:.1} detik", d.as_secs_f64()).replace('.', ",")
    }
}

/// An officer-readable reason for an I/O failure.
fn reason(e: &io::Error, timeout: Duration, file: bool) -> String {
    use io::ErrorKind::*;
    match e.kind() {
        NotFound if file => "foldernya tidak ada".into(),
        PermissionDenied if file => "akses ditolak".into(),
        ConnectionRefused => "koneksi ditolak. Pastikan printer menyala dan alamat serta port-nya benar".into(),
        TimedOut | WouldBlock => format!(
            "tidak ada jawaban dalam {}. Pastikan printer menyala dan kabel jaringannya terpasang",
            seconds(timeout)
        ),
        HostUnreachable | NetworkUnreachable | AddrNotAvailable => {
            "jaringan ke printer tidak terjangkau. Periksa kabel jaringan atau Wi-Fi komputer ini".into()
        }
        NotFound => "perangkat tidak ditemukan. Periksa kabel USB dan pastikan printer menyala".into(),
        PermissionDenied => "akses ditolak. Akun komputer ini belum diberi izin memakai printer".into(),
        ConnectionReset | ConnectionAborted | BrokenPipe | WriteZero | UnexpectedEof => {
            "koneksi terputus saat mengirim. Periksa kertas dan tutup printer, lalu cetak ulang".into()
        }
        _ => format!("kesalahan sistem ({e})"),
    }
}

fn unavailable(target: &PrinterTarget, e: &io::Error, timeout: Duration) -> Error {
    tracing::warn!(printer = %target, error = %e, "printer unavailable");
    let msg = match target {
        PrinterTarget::File(p) => {
            format!("Berkas cetak {} tidak dapat ditulis: {}.", p.display(), reason(e, timeout, true))
        }
        _ => format!("Printer {} tidak dapat dihubungi: {}.", target.label(), reason(e, timeout, false)),
    };
    Error::new(ErrorCode::PrinterUnavailable, msg)
}

/// Send a print job. TCP: connect and write, each bounded by `timeout`. Device: the write runs on a
/// helper thread and we stop waiting after `timeout` (a `lp` device with the printer off can block
/// for a long time; the thread ends when the kernel gives up). File: created or replaced.
pub fn send(bytes: &[u8], target: &PrinterTarget, timeout: Duration) -> Result<()> {
    let timeout = timeout.max(Duration::from_millis(50));
    let result = match target {
        PrinterTarget::Tcp(addr) => send_tcp(bytes, addr, timeout),
        PrinterTarget::Device(path) => send_device(bytes, path, timeout),
        PrinterTarget::File(path) => std::fs::write(path, bytes),
    };
    result.map_err(|e| unavailable(target, &e, timeout))
}

fn send_tcp(bytes: &[u8], addr: &SocketAddr, timeout: Duration) -> io::Result<()> {
    let mut stream = TcpStream::connect_timeout(addr, timeout)?;
    stream.set_write_timeout(Some(timeout))?;
    stream.set_nodelay(true)?;
    stream.write_all(bytes)?;
    stream.flush()?;
    // FIN rather than an abrupt close, so the printer takes the whole job.
    stream.shutdown(Shutdown::Write)
}

fn send_device(bytes: &[u8], path: &Path, timeout: Duration) -> io::Result<()> {
    let (tx, rx) = mpsc::channel();
    let (bytes, path) = (bytes.to_vec(), path.to_path_buf());
    std::thread::Builder::new().name("thermal-device".into()).spawn(move || {
        let result = OpenOptions::new().write(true).open(&path).and_then(|mut f| {
            f.write_all(&bytes)?;
            f.flush()
        });
        let _ = tx.send(result);
    })?;
    match rx.recv_timeout(timeout) {
        Ok(result) => result,
        Err(_) => Err(io::Error::from(io::ErrorKind::TimedOut)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> PrinterTarget {
        PrinterTarget::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn err(s: &str) -> Error {
        let e = PrinterTarget::parse(s).expect_err(s);
        assert_eq!(e.code, ErrorCode::Validation, "{s}");
        assert_eq!(e.field.as_deref(), Some("printer"), "{s}");
        e
    }

    #[test]
    fn parses_good_addresses() {
        assert_eq!(ok("tcp://192.168.1.50:9100"), PrinterTarget::Tcp("192.168.1.50:9100".parse().unwrap()));
        assert_eq!(ok("  TCP://10.0.0.7  "), PrinterTarget::Tcp("10.0.0.7:9100".parse().unwrap()));
        assert_eq!(ok("tcp://192.168.1.50:9100/"), PrinterTarget::Tcp("192.168.1.50:9100".parse().unwrap()));
        assert_eq!(ok("192.168.1.51:9101"), PrinterTarget::Tcp("192.168.1.51:9101".parse().unwrap()));
        assert_eq!(ok("192.168.1.52"), PrinterTarget::Tcp("192.168.1.52:9100".parse().unwrap()));
        assert_eq!(ok("tcp://[fe80::1]:9100"), PrinterTarget::Tcp("[fe80::1]:9100".parse().unwrap()));
        assert_eq!(ok("tcp://[fe80::1]"), PrinterTarget::Tcp("[fe80::1]:9100".parse().unwrap()));
        assert_eq!(ok("/dev/usb/lp0"), PrinterTarget::Device("/dev/usb/lp0".into()));
        assert_eq!(ok("/dev/ttyUSB0"), PrinterTarget::Device("/dev/ttyUSB0".into()));
        assert_eq!(ok("file:///tmp/x.bin"), PrinterTarget::File("/tmp/x.bin".into()));
        assert_eq!(ok("/var/spool/tiket.bin"), PrinterTarget::File("/var/spool/tiket.bin".into()));
    }

    #[test]
    fn display_round_trips() {
        for s in ["tcp://192.168.1.50:9100", "/dev/usb/lp0", "file:///tmp/x.bin", "tcp://[fe80::1]:9100"] {
            assert_eq!(ok(s).to_string(), s);
            assert_eq!(ok(&ok(s).to_string()), ok(s));
        }
        assert_eq!(ok("tcp://192.168.1.50").label(), "192.168.1.50:9100");
    }

    #[test]
    fn rejects_bad_addresses_in_bahasa_indonesia() {
        assert!(err("").message.contains("wajib diisi"));
        assert!(err("   ").message.contains("wajib diisi"));
        assert!(err("http://192.168.1.50:9100").message.contains("tidak dikenal"));
        assert!(err("tcp://printer.local:9100").message.contains("alamat IP"));
        assert!(err("tcp://999.1.1.1:9100").message.contains("alamat IP"));
        assert!(err("tcp://192.168.1.50:abc").message.contains("Port printer \"abc\" tidak sah"));
        assert!(err("tcp://192.168.1.50:70000").message.contains("tidak sah"));
        assert!(err("tcp://192.168.1.50:0").message.contains("tidak boleh 0"));
        assert!(err("file://tiket.bin").message.contains("path lengkap"));
        assert!(err("file://").message.contains("path lengkap"));
        assert!(err("lp0").message.contains("tidak dikenali"));
        assert!(err("usb/lp0").message.contains("Tulis alamat printer"));
    }

    #[test]
    fn seconds_read_naturally() {
        assert_eq!(seconds(Duration::from_secs(2)), "2 detik");
        assert_eq!(seconds(Duration::from_millis(500)), "0,5 detik");
    }
}
