//! A real IPP card printer for tests: CUPS's `ippeveprinter` (Debian package cups-ipp-utils) on
//! loopback only, with a private D-Bus (it will not start without one, even with `-r off`); its
//! print command (tests/support/card-printer-command.sh) acts out a printer's troubles by job name.
//! Shared with server/tests (`#[path = "../../tests/common/printer.rs"]`).

use loket::printing::ipp::{self, IppPrinter, PrinterUri};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const T: Duration = Duration::from_secs(5);

pub fn tool(name: &str) -> PathBuf {
    for dir in ["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"] {
        let p = Path::new(dir).join(name);
        if p.exists() {
            return p;
        }
    }
    panic!("{name} is not installed: `make deb` installs it (Debian package cups-ipp-utils / dbus-daemon)");
}

/// A file of the workspace's `tests/support/`, from the root crate's tests or from server/tests
/// (which include this file too).
pub fn support_file(name: &str) -> PathBuf {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    [crate_dir.join("tests/support"), crate_dir.join("../tests/support")]
        .into_iter()
        .map(|dir| dir.join(name))
        .find(|p| p.exists())
        .unwrap_or_else(|| panic!("tests/support/{name} not found from {}", crate_dir.display()))
}

pub fn kill(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// One ippeveprinter (and its private D-Bus) for one test; both end when this is dropped.
pub struct TestPrinter {
    printer: Option<Child>,
    bus: Child,
    pub dir: tempfile::TempDir,
    pub port: u16,
}

impl TestPrinter {
    pub fn start() -> TestPrinter {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("bus");
        let mut bus = Command::new(tool("dbus-daemon"))
            .args(["--session", "--nofork", "--nopidfile"])
            .arg(format!("--address=unix:path={}", socket.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon starts");
        let until = Instant::now() + Duration::from_secs(10);
        while !socket.exists() {
            if Instant::now() > until || bus.try_wait().unwrap().is_some() {
                kill(&mut bus);
                panic!("the private D-Bus did not come up");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let spool = dir.path().join("spool");
        std::fs::create_dir(&spool).unwrap();
        // A free port: the kernel picks one, we let it go and hand it to ippeveprinter.
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let log = std::fs::File::create(dir.path().join("printer.log")).unwrap();
        let command = support_file("card-printer-command.sh");
        let printer = Command::new(tool("ippeveprinter"))
            // -n localhost: listen on loopback only (127.0.0.1 and ::1), never on the LAN.
            .args(["-n", "localhost", "-p", &port.to_string(), "-r", "off", "-k", "-f", "application/pdf", "-v"])
            .arg("-d")
            .arg(&spool)
            .arg("-c")
            .arg(&command)
            .arg("LoketTestCard")
            .env("DBUS_SYSTEM_BUS_ADDRESS", format!("unix:path={}", socket.display()))
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("ippeveprinter starts");
        let mut p = TestPrinter { printer: Some(printer), bus, dir, port };
        let until = Instant::now() + Duration::from_secs(15);
        loop {
            if ipp::printer_status(&p.uri(), Duration::from_millis(500)).is_ok() {
                return p;
            }
            let exited = p.printer.as_mut().unwrap().try_wait().unwrap();
            if exited.is_some() || Instant::now() > until {
                panic!("ippeveprinter did not answer ({exited:?}):\n{}", p.log());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn uri(&self) -> PrinterUri {
        PrinterUri::parse(&format!("ipp://127.0.0.1:{}/ipp/print", self.port)).unwrap()
    }

    pub fn device(&self) -> IppPrinter {
        IppPrinter { uri: self.uri(), timeout: T }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("printer.log")).unwrap_or_default()
    }

    /// The documents the printer received (ippeveprinter -k keeps them as `<job-id>-<name>.pdf`).
    pub fn received(&self) -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(self.dir.path().join("spool"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
            .collect();
        v.sort();
        v
    }

    pub fn stop(&mut self) {
        if let Some(mut c) = self.printer.take() {
            kill(&mut c);
        }
    }
}

impl Drop for TestPrinter {
    fn drop(&mut self) {
        self.stop();
        kill(&mut self.bus);
    }
}

