//! The database key in a real OS credential store: a private D-Bus session bus with GNOME Keyring's
//! Secret Service (Debian packages dbus-daemon, gnome-keyring, libsecret-tools), as on an office
//! desktop. Setup keeps the key there (the manifest says `keyring`, no key file is written, the data
//! folder holds no key); the hub opens the database from the store again after the keyring daemon
//! restarts (the key persisted in its own encrypted file); with the store gone the hub refuses with
//! a clear message and changes nothing.

mod common;

use common::printer::tool as need;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const KEYRING_PASSWORD: &str = "sandi-keyring-uji";

struct Session {
    _root: tempfile::TempDir,
    home: PathBuf,
    bus: String,
    dbus: Child,
    keyring: Option<Child>,
}

impl Drop for Session {
    fn drop(&mut self) {
        self.stop_keyring();
        let _ = self.dbus.kill();
        let _ = self.dbus.wait();
    }
}

impl Session {
    fn start() -> Session {
        let root = tempfile::tempdir().unwrap();
        let home = root.path().join("home");
        let runtime = root.path().join("run");
        std::fs::create_dir_all(&home).unwrap();
        std::fs::create_dir_all(&runtime).unwrap();
        // The daemon puts its control socket there only if nobody else can read it.
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700)).unwrap();
        let socket = root.path().join("bus");
        let bus = format!("unix:path={}", socket.display());
        let dbus = Command::new(need("dbus-daemon"))
            .args(["--session", "--nofork", "--nopidfile", &format!("--address={bus}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while !socket.exists() {
            assert!(started.elapsed() < Duration::from_secs(10), "the session bus did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        let mut s = Session { _root: root, home, bus, dbus, keyring: None };
        s.start_keyring();
        s
    }

    fn env(&self, c: &mut Command) {
        c.env("HOME", &self.home)
            .env("XDG_DATA_HOME", self.home.join(".local/share"))
            .env("XDG_CONFIG_HOME", self.home.join(".config"))
            .env("XDG_RUNTIME_DIR", self.home.parent().unwrap().join("run"))
            .env("DBUS_SESSION_BUS_ADDRESS", &self.bus)
            .env_remove("LOKET_KEY_FILE")
            .env_remove("DISPLAY");
    }

    /// The keyring daemon, its login keyring unlocked with the password on stdin (created the first
    /// time), serving org.freedesktop.secrets on the bus.
    fn start_keyring(&mut self) {
        let mut c = Command::new(need("gnome-keyring-daemon"));
        c.args(["--unlock", "--components=secrets", "--foreground"]).stdin(Stdio::piped()).stdout(Stdio::null()).stderr(Stdio::null());
        self.env(&mut c);
        let mut child = c.spawn().unwrap();
        {
            use std::io::Write;
            let mut stdin = child.stdin.take().unwrap();
            stdin.write_all(KEYRING_PASSWORD.as_bytes()).unwrap();
        }
        self.keyring = Some(child);
        // Ready when secret-tool can store and read a probe item.
        let started = Instant::now();
        loop {
            let mut store = Command::new(need("secret-tool"));
            store.args(["store", "--label=probe", "probe", "loket-test"]).stdin(Stdio::piped()).stdout(Stdio::null()).stderr(Stdio::null());
            self.env(&mut store);
            let mut p = store.spawn().unwrap();
            {
                use std::io::Write;
                p.stdin.take().unwrap().write_all(b"x").unwrap();
            }
            if p.wait().unwrap().success() {
                break;
            }
            assert!(started.elapsed() < Duration::from_secs(15), "the Secret Service did not come up");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn stop_keyring(&mut self) {
        if let Some(mut k) = self.keyring.take() {
            let _ = k.kill();
            let _ = k.wait();
        }
    }

    fn loket(&self, data: &Path, args: &[&str]) -> std::process::Output {
        let mut c = Command::new(env!("CARGO_BIN_EXE_loket"));
        c.arg("--data-dir").arg(data).args(args).env("LOKET_ADMIN_PASSWORD", "rahasia-admin-1");
        self.env(&mut c);
        c.output().unwrap()
    }

    fn secret_tool(&self, args: &[&str]) -> String {
        let mut c = Command::new(need("secret-tool"));
        c.args(args);
        self.env(&mut c);
        let out = c.output().unwrap();
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    }
}

fn text(o: &std::process::Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn sha(path: &Path) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(std::fs::read(path).unwrap()))
}

#[test]
fn the_key_lives_in_the_secret_service_survives_its_restart_and_is_needed() {
    let mut s = Session::start();
    let data = s.home.join("data");
    let init = s.loket(&data, &["init", "--district", "61.01.09", "--office-name", "Kantor Uji Keyring", "--admin", "admin"]);
    assert!(init.status.success(), "{}", text(&init));

    let manifest: serde_json::Value = serde_json::from_slice(&std::fs::read(data.join("loket.keystore.json")).unwrap()).unwrap();
    assert_eq!(manifest["store"], "keyring", "{manifest}");
    let account = manifest["account"].as_str().unwrap().to_string();
    assert!(!s.home.join(".config/loket-ktp-el/keys").exists(), "a key file was written although the store took the key");

    // The store holds it under Loket's service name, and the data folder holds no copy of it.
    let found = s.secret_tool(&["search", "--all", "service", "loket-ktp-el"]);
    assert!(found.contains(&account), "{found}");
    let secret = found.lines().find_map(|l| l.strip_prefix("secret = ")).expect("the item's secret").trim().to_string();
    assert_eq!(secret.len(), 34, "{secret}");
    for entry in std::fs::read_dir(&data).unwrap() {
        let p = entry.unwrap().path();
        if p.is_file() {
            let bytes = std::fs::read(&p).unwrap();
            assert!(!bytes.windows(secret.len()).any(|w| w == secret.as_bytes()), "{} holds the key", p.display());
        }
    }
    let check = s.loket(&data, &["db", "check"]);
    assert!(check.status.success(), "{}", text(&check));
    let status = s.loket(&data, &["key", "status"]);
    assert!(text(&status).contains("penyimpan kunci sistem operasi"), "{}", text(&status));

    // The keyring daemon restarts (a new login): the key is still there.
    s.stop_keyring();
    s.start_keyring();
    let check = s.loket(&data, &["db", "check"]);
    assert!(check.status.success(), "after the keyring restarted: {}", text(&check));

    // No store answering: refused in words, the file untouched.
    s.stop_keyring();
    let before = sha(&data.join("loket.db"));
    let refused = s.loket(&data, &["db", "check"]);
    assert!(!refused.status.success());
    assert!(text(&refused).contains("penyimpan kunci sistem operasi") && text(&refused).contains("tidak diubah"), "{}", text(&refused));
    assert_eq!(sha(&data.join("loket.db")), before);
}
