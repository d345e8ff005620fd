//! Sync under faults, with real processes on loopback: the office hub (`loket serve`) uploading a
//! backlog of finished recordings through a misbehaving proxy to `loket-central`. In every case:
//! each record exactly once at central, none lost, the office's counts agree with central's, and
//! central's verdicts (PRINT_READY_RECORD) come back to the office's recordings.
//!
//! Runs against SQLite always and against PostgreSQL when `LOKET_TEST_DATABASE_URL` is set
//! (make test starts a throwaway cluster for it).

mod support;

use support::backends;
use support::processes::{self, Backend, Server};
use support::proxy::{Fault, Proxy};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

const OFFICE: &str = "61.01.09";
const ADMIN_PASSWORD: &str = "rahasia-admin-1";

struct Day {
    root: tempfile::TempDir,
    backend: Backend,
    central: Server,
    central_listen: String,
    proxy: Proxy,
    office_dir: PathBuf,
    office: Option<Server>,
    registry: PathBuf,
}

/// Short timings so faults resolve in seconds: a 2 s request timeout (plus 1 s per 12 MB of
/// batch), backoff 100 ms … 1 s.
const OFFICE_ENV: &[(&str, &str)] = &[
    ("LOKET_SYNC_TIMEOUT_MS", "2000"),
    ("LOKET_SYNC_MIN_KBIT_S", "100000"),
    ("LOKET_SYNC_INTERVAL_MS", "500"),
    ("LOKET_SYNC_BACKOFF_BASE_MS", "100"),
    ("LOKET_SYNC_BACKOFF_CAP_MS", "1000"),
];

impl Day {
    /// Central with a registry of 300 people, an office enrolled through the proxy, `backlog`
    /// finished recordings waiting. The office hub is not started yet.
    fn new(root: tempfile::TempDir, backend: Backend, backlog: usize) -> Day {
        let registry = root.path().join("registry.csv");
        processes::central_cli(&backend, &["registry", "generate", "--count", "300", "--office", OFFICE, "--seed", "7", "--out", registry.to_str().unwrap()]);
        processes::central_cli(&backend, &["registry", "import", registry.to_str().unwrap()]);
        let central = processes::central(&backend, "127.0.0.1:0");
        let central_listen = central.addr.to_string();
        let proxy = Proxy::start(central.addr);
        let office_dir = root.path().join("office");
        let office_bin = processes::office_bin();
        let dir = office_dir.to_str().unwrap();
        processes::run(&office_bin, &["--data-dir", dir, "init", "--district", OFFICE, "--office-name", "Kantor Kecamatan Sajingan Besar", "--admin", "admin"], &[("LOKET_ADMIN_PASSWORD", ADMIN_PASSWORD)]);
        let token = processes::enrollment_token(&backend, OFFICE);
        processes::run(&office_bin, &["--data-dir", dir, "sync", "enroll", &proxy.url(), &token], &[]);
        processes::run(&office_bin, &["--data-dir", dir, "dev", "seed-backlog", "--registry", registry.to_str().unwrap(), "--count", &backlog.to_string()], &[]);
        Day { root, backend, central, central_listen, proxy, office_dir, office: None, registry }
    }

    fn start_office(&mut self) {
        let args: Vec<String> = ["--data-dir", self.office_dir.to_str().unwrap(), "serve", "--listen", "127.0.0.1:0", "--ui-dir", "/nonexistent"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        self.office = Some(Server::start(&processes::office_bin(), &args, OFFICE_ENV));
    }

    fn restart_central(&mut self) {
        self.central.kill();
        self.central = processes::central(&self.backend, &self.central_listen);
    }

    fn office_db(&self) -> rusqlite::Connection {
        loket::store::open_raw(&self.office_dir, true).unwrap()
    }

    fn office_waiting(&self) -> i64 {
        self.office_db().query_row("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL", [], |r| r.get(0)).unwrap()
    }

    fn office_change_ids(&self) -> BTreeSet<String> {
        let db = self.office_db();
        let mut stmt = db.prepare("SELECT change_id FROM outbox").unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().collect::<rusqlite::Result<_>>().unwrap()
    }

    fn office_print_ready(&self) -> i64 {
        self.office_db().query_row("SELECT COUNT(*) FROM recording WHERE status = 'print_ready_record'", [], |r| r.get(0)).unwrap()
    }

    /// Record ids central holds for this office, and how many rows it has for them.
    fn central_records(&self) -> (BTreeSet<String>, usize) {
        support::central_db::record_ids(&self.backend, OFFICE)
    }

    /// Waits for the office to drain and for central's verdicts to come back, then checks
    /// exactly-once and agreement.
    fn assert_exactly_once(&self, backlog: usize) {
        processes::wait_until("the backlog to drain", Duration::from_secs(120), || self.office_waiting() == 0);
        processes::wait_until("the verdicts to come back", Duration::from_secs(60), || self.office_print_ready() == backlog as i64);
        // The office may first have to notice that central lost records (restored from a backup).
        processes::wait_until("central to hold every record of the office", Duration::from_secs(60), || {
            self.central_records().0 == self.office_change_ids() && self.office_waiting() == 0
        });
        let office = self.office_change_ids();
        let (central, rows) = self.central_records();
        assert_eq!(office.len(), backlog, "office outbox rows");
        assert_eq!(rows, central.len(), "central holds a record more than once");
        assert_eq!(office, central, "office and central disagree on which records were delivered");
        let delivered: i64 = self.office_db().query_row("SELECT COUNT(*) FROM outbox WHERE outcome IN ('accepted', 'duplicate')", [], |r| r.get(0)).unwrap();
        assert_eq!(delivered as usize, central.len(), "office counts agree with central's");
    }

    fn duplicates_answered(&self) -> i64 {
        self.office_db().query_row("SELECT COUNT(*) FROM outbox WHERE outcome = 'duplicate'", [], |r| r.get(0)).unwrap()
    }
}

fn each_backend(backlog: usize, scenario: impl Fn(&mut Day)) {
    each_backend_expecting(backlog, backlog, scenario)
}

/// `expected`: records the office holds at the end (a scenario may add to the first backlog).
fn each_backend_expecting(backlog: usize, expected: usize, scenario: impl Fn(&mut Day)) {
    let probe = tempfile::tempdir().unwrap();
    for backend in backends(probe.path()) {
        let root = tempfile::tempdir().unwrap();
        let backend = match backend {
            Backend::Sqlite(_) => Backend::Sqlite(root.path().join("central")),
            pg => pg,
        };
        eprintln!("— backend {backend:?}");
        let mut day = Day::new(root, backend, backlog);
        scenario(&mut day);
        day.assert_exactly_once(expected);
    }
}

#[test]
fn central_killed_in_the_middle_of_a_batch_and_restarted() {
    each_backend(150, |day| {
        // About 4.5 MB: at 1.5 MB/s the first batch takes seconds, long enough to kill central in it.
        day.proxy.throttle(1_500_000);
        day.start_office();
        processes::wait_until("a batch under way", Duration::from_secs(30), || day.proxy.bytes().0 > 1_000_000);
        day.central.kill();
        std::thread::sleep(Duration::from_millis(1500)); // the office sees the link down and backs off
        day.restart_central();
        day.proxy.throttle(0);
    });
}

#[test]
fn connection_cut_after_the_request_reached_central() {
    each_backend(120, |day| {
        // Central commits, the office never hears the answer: it must re-send and get "duplicate".
        day.proxy.fault(Fault::CutAfterRequest, 2);
        day.start_office();
        processes::wait_until("two cut answers", Duration::from_secs(60), || day.proxy.faults_done() >= 2);
        processes::wait_until("the backlog to drain", Duration::from_secs(120), || day.office_waiting() == 0);
        assert!(day.duplicates_answered() > 0, "the re-sent batch should have been answered as duplicates");
    });
}

#[test]
fn answers_delayed_past_the_timeout() {
    each_backend(60, |day| {
        day.proxy.fault(Fault::DelayAnswer(Duration::from_secs(4)), 2);
        day.start_office();
        processes::wait_until("two delayed answers", Duration::from_secs(60), || day.proxy.faults_done() >= 2);
        processes::wait_until("the backlog to drain", Duration::from_secs(120), || day.office_waiting() == 0);
        assert!(day.duplicates_answered() > 0, "the timed-out batch was committed and must come back as duplicates");
    });
}

#[test]
fn a_batch_delivered_twice() {
    each_backend(60, |day| {
        day.proxy.fault(Fault::Duplicate, 1);
        day.start_office();
        processes::wait_until("a replayed batch", Duration::from_secs(60), || day.proxy.faults_done() >= 1);
    });
}

#[test]
fn central_restored_from_an_older_backup() {
    each_backend_expecting(80, 120, |day| {
        day.start_office();
        processes::wait_until("the first backlog to drain", Duration::from_secs(120), || day.office_waiting() == 0);
        // Back up central now (40 records short of what the office will send next)…
        day.central.kill();
        let backup = support::central_db::backup(&day.backend, &day.root.path().join("central-backup"));
        day.central = processes::central(&day.backend, &day.central_listen);
        // …more recordings reach central…
        let office_bin = processes::office_bin();
        day.office.as_mut().unwrap().kill();
        processes::run(&office_bin, &["--data-dir", day.office_dir.to_str().unwrap(), "dev", "seed-backlog", "--registry", day.registry.to_str().unwrap(), "--count", "40", "--seed", "2"], &[]);
        day.start_office();
        processes::wait_until("the second backlog to drain", Duration::from_secs(120), || day.office_waiting() == 0);
        // …then central's disk dies and the old backup is restored: the 40 are gone there.
        day.central.kill();
        support::central_db::restore(&day.backend, &backup);
        day.central = processes::central(&day.backend, &day.central_listen);
        let (after_restore, _) = day.central_records();
        assert_eq!(after_restore.len(), 80, "the restored central is the older one");
    });
}

#[test]
fn the_office_hub_killed_mid_sync_and_restarted() {
    each_backend(150, |day| {
        day.proxy.throttle(1_500_000);
        day.start_office();
        processes::wait_until("a batch under way", Duration::from_secs(30), || day.proxy.bytes().0 > 1_000_000);
        day.office.as_mut().unwrap().kill();
        day.proxy.throttle(0);
        day.start_office();
    });
}
