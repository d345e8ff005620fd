//! One whole office day, driven through the hub's commands over real HTTP, with the real central
//! (`loket-central serve`, SQLite and, when `LOKET_TEST_DATABASE_URL` is set, PostgreSQL), a real IPP
//! card printer (ippeveprinter) and the encoder stand-in; then the day's report read back in every
//! format and held to what the test did.
//!
//! The office hub is this process's `App` on a manual clock, served by `loket::hub::serve_http` on
//! 127.0.0.1 the way `loket serve` serves it, without its background uploader: the day syncs when
//! the test says (`loket::sync::cycle`, as the other sync tests), so what waits at the close is known.
//! The clock runs a day in the past (yesterday in WIB), so that central, on the real clock, takes
//! every record and the summary as already happened.
//!
//! Seven days before: the office is set up and enrolled, 10 blanks arrive, a complaint comes in by
//! telephone (one working day to answer: overdue by the day). The day: tickets issued and called
//! at two counters (one no-show, one still waiting at the close), six applications of which two
//! are returned incomplete (each with its return slip) and one comes back in the afternoon, four
//! recordings (one with an approved exception), a sync whose answers are print-ready (two),
//! duplicate (the NIK is already print-ready from another office) and failed (a NIK central does
//! not know), 5 more blanks, cards printed (one chip fails, one card is spoiled at the check, both
//! printed again), a blank found damaged, one returned, a card handed over, three complaints
//! (answered, rejected, open), the close. Then `reports.pdf`, `reports.xlsx` and `reports.csv`
//! (every section `reports.index` offers for one day) over HTTP: pdftotext and pdftoppm, calamine,
//! a CSV parser; every figure is compared with the tally the test kept while it acted, and the
//! three formats with each other. Central's summary of the closed day carries the same key figures.
//!
//! The files are kept under `target/office-day/` for a look.

mod common;
mod support;

#[allow(dead_code)]
#[path = "../../tests/common/media.rs"]
mod media;
#[allow(dead_code)]
#[path = "../../tests/common/printer.rs"]
mod printer;

use base64::Engine;
use calamine::{Data, Reader};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use loket::clock::ManualClock;
use loket::intake::nik::Sex;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use support::processes::{self, Backend};

const OFFICE: &str = "61.01.09";
const OTHER_OFFICE: &str = "61.01.05";
const ADMIN_PASSWORD: &str = "rahasia-admin-1";
const PASSWORD: &str = "sandi-baru-123";
/// The office's zone: Kalimantan Barat is WIB.
const WIB: i64 = 7;

struct Person {
    nik: &'static str,
    name: &'static str,
    sex: Sex,
    birth: &'static str,
    /// In central's population registry.
    registered: bool,
}

const RUDI: Person = Person { nik: "6101091708050001", name: "RUDI HARTONO", sex: Sex::L, birth: "2005-08-17", registered: true };
/// Already print-ready from another office's recording: central answers DUPLICATE_RECORD.
const SITI: Person = Person { nik: "6101095203900002", name: "SITI AMINAH", sex: Sex::P, birth: "1990-03-12", registered: true };
/// Not in the registry: ENROLL_FAILURE.
const AGUS: Person = Person { nik: "6101090501880003", name: "AGUS SALIM", sex: Sex::L, birth: "1988-01-05", registered: false };
const DEWI: Person = Person { nik: "6101096111040004", name: "DEWI LESTARI", sex: Sex::P, birth: "2004-11-21", registered: true };
/// Returned incomplete in the morning, complete in the afternoon.
const BAMBANG: Person = Person { nik: "6101093006790005", name: "BAMBANG WIJAYA", sex: Sex::L, birth: "1979-06-30", registered: true };
/// Returned incomplete, not back by the close.
const YANTI: Person = Person { nik: "6101094907950006", name: "YANTI PUSPITA", sex: Sex::P, birth: "1995-07-09", registered: true };

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn sex_code(s: Sex) -> &'static str {
    match s {
        Sex::L => "L",
        Sex::P => "P",
    }
}

/// A ticket as the test handled it, in minutes after the day's midnight (office time).
struct TicketLog {
    id: String,
    prefix: String,
    issued: i64,
    last_called: Option<i64>,
    started: Option<i64>,
    finished: Option<i64>,
    no_show: bool,
}

/// What the test did, counted as it did it.
#[derive(Default)]
struct Tally {
    tickets: Vec<TicketLog>,
    /// Service prefix → (its row in the report, its time standard in minutes), as the office has it.
    services: HashMap<String, (String, i64)>,
    /// Outbox rows the day's actions queued for central, by kind.
    queued: HashMap<&'static str, i64>,
    /// Application kind → (opened, found complete, returned).
    applications: HashMap<&'static str, (i64, i64, i64)>,
    came_back: i64,
    /// The document each returned file lacked, by applicant's NIK.
    lacked: HashMap<&'static str, String>,
    recordings: i64,
    /// Recording id → when it was finished (minutes after the day's midnight).
    finished: HashMap<String, i64>,
    exceptions: i64,
    /// From the ticket's last call to the recording's receipt, minutes.
    call_to_receipt: Vec<f64>,
    /// Recording finished → central's print-ready answer applied, hours.
    to_print_ready: Vec<f64>,
    print_ready: i64,
    duplicate: i64,
    failed: i64,
    opening_stock: i64,
    received: i64,
    printed: i64,
    reprints_printed: i64,
    /// Spoiled blanks by cause label, as the stock screen names them.
    spoiled: Vec<&'static str>,
    returned_blanks: i64,
    handed_over: i64,
    complaints: Vec<&'static str>,
    complaints_resolved: i64,
    complaints_rejected: i64,
    complaints_overdue: i64,
    /// Blanks printed or spoiled in the 14 days up to the day.
    used_14_days: i64,
}

/// The hub under test: the office's `App` on a manual clock, served over HTTP on 127.0.0.1 with its
/// client addresses as `loket serve` does.
struct Hub {
    app: Arc<loket::App>,
    clock: Arc<ManualClock>,
    url: String,
    http: reqwest::blocking::Client,
    rt: tokio::runtime::Runtime,
    tokens: Mutex<HashMap<String, String>>,
    /// The office day under test.
    day: NaiveDate,
}

impl Hub {
    fn start(dir: &Path, day: NaiveDate) -> Hub {
        let clock = Arc::new(ManualClock::new(wib(day, -7, 8, 0)));
        let app = loket::App::open_with_clock(dir, clock.clone()).unwrap();
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let served = app.clone();
        rt.spawn(async move { loket::hub::serve_http(served, loket::hub::HubListener::from(listener), None).await });
        let http = reqwest::blocking::Client::builder().timeout(std::time::Duration::from_secs(90)).build().unwrap();
        Hub { app, clock, url, http, rt, tokens: Mutex::new(HashMap::new()), day }
    }

    /// The office clock to `hh:mm` WIB, `days` after the day under test (it only moves forward).
    fn at(&self, days: i64, hh: u32, mm: u32) {
        let target = wib(self.day, days, hh, mm);
        let now = self.app.now();
        assert!(target >= now, "the office clock only moves forward: {now} → {target}");
        self.clock.advance(target - now);
    }

    /// Minutes since the day's midnight, office time.
    fn minute(&self) -> i64 {
        (self.app.now() - wib(self.day, 0, 0, 0)).num_minutes()
    }

    fn post(&self, token: Option<&str>, name: &str, payload: &Value) -> (u16, Value) {
        let mut req = self.http.post(format!("{}/api/v1/{name}", self.url)).json(payload);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let r = req.send().unwrap();
        let status = r.status().as_u16();
        (status, r.json().unwrap_or(Value::Null))
    }

    /// A command nobody logs in for (the kiosk, setup).
    fn public(&self, name: &str, payload: Value) -> Value {
        let (status, body) = self.post(None, name, &payload);
        assert_eq!(status, 200, "{name}: {body}");
        body
    }

    fn login(&self, user: &str) -> String {
        let password = if user == "admin" { ADMIN_PASSWORD } else { PASSWORD };
        let token = self.public("auth.login", json!({"username": user, "password": password}))["token"].as_str().unwrap().to_string();
        self.tokens.lock().unwrap().insert(user.to_string(), token.clone());
        token
    }

    fn token(&self, user: &str) -> String {
        let known = self.tokens.lock().unwrap().get(user).cloned();
        known.unwrap_or_else(|| self.login(user))
    }

    /// `name` as `user`, logged in again when the session ended (the clock moved past it).
    fn call(&self, user: &str, name: &str, payload: Value) -> Value {
        let (mut status, mut body) = self.post(Some(&self.token(user)), name, &payload);
        if status == 401 {
            (status, body) = self.post(Some(&self.login(user)), name, &payload);
        }
        assert_eq!(status, 200, "{user}: {name} {payload}: {body}");
        body
    }

    /// A file output as `user`: its bytes.
    fn file(&self, user: &str, name: &str, query: &[(&str, &str)]) -> Vec<u8> {
        let get = |token: &str| self.http.get(format!("{}/api/v1/files/{name}", self.url)).query(query).bearer_auth(token).send().unwrap();
        let mut r = get(&self.token(user));
        if r.status() == 401 {
            r = get(&self.login(user));
        }
        let status = r.status();
        let bytes = r.bytes().unwrap().to_vec();
        assert_eq!(status, 200, "{name} {query:?}: {}", String::from_utf8_lossy(&bytes));
        bytes
    }

    /// Creates `username` with `role`; the new member of staff signs in and chooses a password.
    fn hire(&self, username: &str, role: &str) {
        self.call("admin", "staff.create", json!({"username": username, "full_name": format!("Pegawai {username}"), "roles": [role], "initial_password": "sementara-123"}));
        let first = self.public("auth.login", json!({"username": username, "password": "sementara-123"}))["token"].as_str().unwrap().to_string();
        let (status, body) = self.post(Some(&first), "auth.change_password", &json!({"current_password": "sementara-123", "new_password": PASSWORD}));
        assert_eq!(status, 200, "{body}");
    }

    /// One exchange with central, as the uploader makes it.
    fn sync(&self) -> loket::sync::uploader::CycleReport {
        self.rt.block_on(loket::sync::cycle(&self.app)).unwrap_or_else(|e| panic!("sync: {e:?}"))
    }
}

/// `hh:mm` WIB on `day + days`.
fn wib(day: NaiveDate, days: i64, hh: u32, mm: u32) -> DateTime<Utc> {
    let local = (day + Duration::days(days)).and_hms_opt(hh, mm, 0).unwrap();
    Utc.from_utc_datetime(&local) - Duration::hours(WIB)
}

/// The counters, the intake and recording desks and the print station, over one hub.
struct Office {
    hub: Hub,
    did: Tally,
    printer_id: i64,
}

impl Office {
    /// Counts `n` outbox rows of `kind` the next action queues.
    fn queued(&mut self, kind: &'static str, n: i64) {
        *self.did.queued.entry(kind).or_default() += n;
    }

    fn issue(&mut self, prefix: &str) -> usize {
        let t = self.hub.public("queue.issue", json!({"service_prefix": prefix}))["ticket"].clone();
        let issued = self.hub.minute();
        self.did.tickets.push(TicketLog { id: t["id"].as_str().unwrap().into(), prefix: prefix.into(), issued, last_called: None, started: None, finished: None, no_show: false });
        self.did.tickets.len() - 1
    }

    /// The officer calls the next ticket of their counter; it must be `expected`.
    fn call_next(&mut self, officer: &str, expected: usize) {
        let t = self.hub.call(officer, "queue.call_next", json!({}))["ticket"].clone();
        assert_eq!(t["id"].as_str(), Some(self.did.tickets[expected].id.as_str()), "{t}");
        self.did.tickets[expected].last_called = Some(self.hub.minute());
    }

    /// The officer calls ticket `t`, starts it and finishes it at the three times (office time,
    /// hh:mm), doing `work` in between.
    fn serve<R>(&mut self, officer: &str, t: usize, [called, started, finished]: [(u32, u32); 3], work: impl FnOnce(&mut Office) -> R) -> R {
        self.hub.at(0, called.0, called.1);
        self.call_next(officer, t);
        self.hub.at(0, started.0, started.1);
        self.ticket_step(officer, "queue.start", t);
        let out = work(self);
        self.hub.at(0, finished.0, finished.1);
        self.ticket_step(officer, "queue.finish", t);
        out
    }

    fn ticket_step(&mut self, officer: &str, command: &str, t: usize) {
        self.hub.call(officer, command, json!({"ticket_id": self.did.tickets[t].id}));
        let now = Some(self.hub.minute());
        let log = &mut self.did.tickets[t];
        match command {
            "queue.recall" => log.last_called = now,
            "queue.start" => log.started = now,
            "queue.finish" => log.finished = now,
            "queue.no_show" => log.no_show = true,
            other => panic!("{other}"),
        }
    }

    /// The biodata form as the counter officer fills it in.
    fn save_applicant(&mut self, officer: &str, p: &Person) {
        self.queued("applicant", 1);
        self.hub.call(officer, "intake.save_applicant", json!({
            "nik": p.nik, "kk_number": "6101090101050003", "full_name": p.name, "sex": sex_code(p.sex),
            "birth_place": "Sambas", "birth_date": p.birth, "blood_type": "O", "religion": "ISLAM",
            "marital_status": "BELUM KAWIN", "occupation": "WIRASWASTA", "education": "SLTA/SEDERAJAT",
            "citizenship": "WNI", "address": "Jl. Merdeka No. 1", "rt": "1", "rw": "2",
            "village_code": "61.01.09.2002", "mobile": "081234567890"}));
    }

    /// Opens an application of `kind` for the ticket being served and checks every document; with
    /// `lacking`, that one is missing and the file goes back (the return slip). The application's id.
    fn intake(&mut self, officer: &str, p: &Person, kind: &'static str, ticket: usize, lacking: Option<usize>) -> String {
        self.save_applicant(officer, p);
        let a = self.hub.call(officer, "intake.open_application", json!({"nik": p.nik, "kind": kind, "ticket_id": self.did.tickets[ticket].id}));
        let id = a["id"].as_str().unwrap().to_string();
        self.did.applications.entry(kind).or_default().0 += 1;
        self.queued("application", 1);
        let list = self.hub.call(officer, "intake.checklist", json!({"application_id": id}));
        for (i, item) in list["items"].as_array().unwrap().iter().enumerate() {
            let status = if lacking == Some(i) { json!({"status": "missing", "note": "Belum dibawa"}) } else { json!({"status": "present"}) };
            let mut req = json!({"application_id": id, "requirement_id": item["requirement_id"]});
            req.as_object_mut().unwrap().extend(status.as_object().unwrap().clone());
            self.hub.call(officer, "intake.check_requirement", req);
            if lacking == Some(i) {
                self.did.lacked.insert(p.nik, item["name"].as_str().unwrap().to_string());
            }
        }
        if lacking.is_some() {
            let r = self.hub.call(officer, "intake.return_application", json!({"application_id": id}));
            assert_eq!(r["application"]["status"], "returned", "{r}");
            self.did.applications.entry(kind).or_default().2 += 1;
            self.queued("application", 1);
            // The slip the applicant takes home names what to bring.
            let slip = pdf_text(&self.hub.file(officer, "intake.return_slip", &[("application_id", &id)]));
            let flat = slip.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(flat.contains(&self.did.lacked[p.nik]) && flat.contains(p.nik), "the return slip: {flat}");
        } else {
            self.complete(officer, &id, kind);
        }
        id
    }

    fn complete(&mut self, officer: &str, application: &str, kind: &'static str) {
        let done = self.hub.call(officer, "intake.complete_checks", json!({"application_id": application}));
        assert_eq!(done["application"]["status"], "ready_to_record", "{done}");
        self.did.applications.entry(kind).or_default().1 += 1;
        self.queued("application", 1);
    }

    /// The recording desk: photo, signature, the scanners' files, an exception for `lacking` (a
    /// finger) approved by the supervisor, finish. (recording id, receipt number)
    fn record(&mut self, application: &str, ticket: usize, lacking: Option<&str>) -> (String, String) {
        let rec = self.hub.call("rina", "recording.start", json!({"application_id": application}));
        let id = rec["id"].as_str().unwrap().to_string();
        let photo = b64(&media::portrait_jpeg());
        self.hub.call("rina", "recording.photo", json!({"recording_id": id, "image_base64": photo}));
        self.hub.call("rina", "recording.signature", json!({"recording_id": id, "image_base64": b64(&media::signature_png())}));
        let scanner = PathBuf::from(self.hub.call("rina", "recording.scanner_dir", json!({}))["dir"].as_str().unwrap());
        std::fs::create_dir_all(&scanner).unwrap();
        let fingers = ["right_thumb", "right_index", "right_middle", "right_ring", "right_little", "left_thumb", "left_index", "left_middle", "left_ring", "left_little"];
        for f in fingers.iter().filter(|f| Some(**f) != lacking) {
            std::fs::write(scanner.join(format!("{f}.png")), media::ridges_png(300, 300)).unwrap();
        }
        for iris in ["iris_right", "iris_left"] {
            std::fs::write(scanner.join(format!("{iris}.png")), media::ridges_png(400, 300)).unwrap();
        }
        self.hub.call("rina", "recording.import_biometrics", json!({"recording_id": id}));
        if let Some(finger) = lacking {
            self.hub.call("rina", "recording.exception", json!({"recording_id": id, "part": {"finger": finger},
                "reason": "Jari diamputasi", "photo_base64": photo}));
            self.hub.call("sri", "recording.approve_exception", json!({"recording_id": id, "part": {"finger": finger}}));
            self.did.exceptions += 1;
        }
        let done = self.hub.call("rina", "recording.finish", json!({"recording_id": id}));
        assert_eq!(done["status"], "bio_captured", "{done}");
        self.did.recordings += 1;
        self.queued("recording", 1);
        self.did.finished.insert(id.clone(), self.hub.minute());
        let called = self.did.tickets[ticket].last_called.expect("the applicant was called");
        self.did.call_to_receipt.push((self.hub.minute() - called) as f64);
        (id, done["receipt_number"].as_str().unwrap().to_string())
    }

    /// The print station: the card to the printer on blank `serial`; the job as it stands once the
    /// printer and the encoder are done with it (polled as the screen polls).
    fn print(&mut self, recording: &str, serial: &str, reprint: bool) -> Value {
        let job = self.hub.call("pono", "printing.start", json!({"recording_id": recording, "serial": serial, "printer_id": self.printer_id,
            "reprint_reason": if reprint { json!("spoiled_in_print") } else { Value::Null }}));
        assert_eq!(job["state"], "printing", "{job}");
        let until = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            let j = self.hub.call("pono", "printing.job", json!({"job_id": job["id"]}));
            if !matches!(j["state"].as_str(), Some("printing" | "personalising")) {
                return j;
            }
            assert!(std::time::Instant::now() < until, "the job did not leave the printer: {j}");
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }

    fn confirm(&mut self, job: &Value, reprint: bool) {
        assert_eq!(job["state"], "checking", "{job}");
        let done = self.hub.call("pono", "printing.confirm", json!({"job_id": job["id"]}));
        assert_eq!(done["state"], "done", "{done}");
        self.did.printed += 1;
        self.did.used_14_days += 1;
        self.queued("blank_event", 1);
        if reprint {
            self.did.reprints_printed += 1;
        }
    }

    fn complaint(&mut self, channel: &'static str, category: &str, text: &str) -> String {
        let c = self.hub.call("kasih", "complaints.create", json!({"channel": channel, "category": category, "text": text}));
        self.did.complaints.push(channel);
        self.queued("complaint_event", 1);
        c["id"].as_str().unwrap().to_string()
    }

    fn complaint_step(&mut self, id: &str, state: &str, extra: Value) {
        self.queued("complaint_event", 1);
        let mut req = json!({"complaint_id": id, "state": state});
        req.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        self.hub.call("sri", "complaints.transition", req);
    }
}

fn pdf_text(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("berkas.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("pdftotext").arg("-layout").arg(&path).arg("-").output().expect("pdftotext (poppler-utils) is installed");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// A registry CSV of `people` for `loket-central registry import`.
fn registry_csv(people: &[&Person]) -> String {
    let mut out = "nik,full_name,sex,birth_place,birth_date\n".to_string();
    for p in people {
        out.push_str(&format!("{},{},{},SAMBAS,{}\n", p.nik, p.name, sex_code(p.sex), p.birth));
    }
    out
}

/// Another office's device sends a finished recording of `p` straight to central, which finds it
/// print-ready: the same NIK recorded here afterwards is a duplicate.
fn recorded_elsewhere(backend: &Backend, central: &processes::Server, p: &Person) {
    let token = processes::enrollment_token(backend, OTHER_OFFICE);
    let base = format!("http://{}", central.addr);
    let client = reqwest::blocking::Client::builder().timeout(std::time::Duration::from_secs(60)).build().unwrap();
    let res = client.post(format!("{base}/api/v1/enroll")).json(&json!({"token": token, "name": "Hub kantor lain"})).send().unwrap();
    assert_eq!(res.status(), 200);
    let enrollment: loket::sync::wire::Enrollment = res.json().unwrap();
    let other = common::Office { base, client, backend: "process", auth: format!("Bearer {}.{}", enrollment.device_id, enrollment.secret), enrollment };
    let record = common::recording(1, 0, OTHER_OFFICE, &uuid::Uuid::now_v7().to_string(), common::biodata(p.nik, p.name, p.sex, p.birth), Utc::now());
    let result = other.send(vec![record]);
    assert_eq!(common::outcomes(&result), [loket::sync::wire::Outcome::Accepted], "{result:?}");
}

#[test]
fn a_whole_office_day_reads_back_the_same_in_pdf_csv_and_xlsx() {
    // The day under test: yesterday in WIB, so that every time of it is past for central's clock.
    let day = (Utc::now() + Duration::hours(WIB)).date_naive() - Duration::days(1);
    let root = tempfile::tempdir().unwrap();
    let printer = printer::TestPrinter::start();
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/office-day");
    std::fs::create_dir_all(&out).unwrap();
    for (n, backend) in support::backends(root.path()).into_iter().enumerate() {
        let name = match backend {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        };
        eprintln!("— central on {name}");
        let registry = root.path().join(format!("registry-{n}.csv"));
        let registered: Vec<&Person> = [&RUDI, &SITI, &AGUS, &DEWI, &BAMBANG, &YANTI].into_iter().filter(|p| p.registered).collect();
        std::fs::write(&registry, registry_csv(&registered)).unwrap();
        processes::central_cli(&backend, &["registry", "import", registry.to_str().unwrap()]);
        let central = processes::central(&backend, "127.0.0.1:0");
        recorded_elsewhere(&backend, &central, &SITI);

        let dir = root.path().join(format!("office-{n}"));
        std::fs::create_dir_all(&dir).unwrap();
        let mut o = Office { hub: Hub::start(&dir, day), did: Tally::default(), printer_id: 0 };
        let before = printer.received().len();
        set_up_a_week_before(&mut o, &backend, &central, &printer);
        the_day(&mut o);
        let files = export(&o, &out.join(name));
        check_the_report(&o, &files);
        // Central has the closed day's summary, with the same key figures.
        let summaries = processes::central_cli(&backend, &["summaries", "--office", OFFICE, "--from", &day.to_string(), "--to", &day.to_string(), "--csv"]);
        let lines: Vec<&str> = summaries.lines().collect();
        assert_eq!(lines[0], "kantor,tanggal,dibuat,Tiket diambil,Dilayani,Perekaman selesai,KTP-el dicetak,KTP-el diserahkan,Pengaduan diterima", "{summaries}");
        assert_eq!(lines.len(), 2, "[{name}] one summary of the day: {summaries}");
        let cells: Vec<&str> = lines[1].split(',').collect();
        let d = &o.did;
        let served = d.tickets.iter().filter(|t| t.finished.is_some()).count();
        assert_eq!(&cells[..2], [OFFICE, day.to_string().as_str()], "{summaries}");
        assert_eq!(
            cells[3..],
            [d.tickets.len(), served, d.recordings as usize, d.printed as usize, d.handed_over as usize, d.complaints.len()].map(|n| n.to_string()),
            "[{name}] central's summary: {summaries}"
        );
        assert_eq!(printer.received().len() - before, 4, "four cards reached the printer");
        drop(central);
    }
}

/// Seven days before the day: setup, staff, every service open every day (the test runs any day),
/// enrolment at central, the first 10 blanks, the card printer and encoder, and a complaint by
/// telephone with one working day to answer it (overdue by the day).
fn set_up_a_week_before(o: &mut Office, backend: &Backend, central: &processes::Server, printer: &printer::TestPrinter) {
    let h = &o.hub;
    h.public("setup.initialise", json!({"district_code": OFFICE, "office_name": "Kantor Kecamatan Sajingan Besar",
        "admin_username": "admin", "admin_full_name": "Admin Kantor", "admin_password": ADMIN_PASSWORD}));
    h.call("admin", "settings.update", json!({"idle_timeout_minutes": 240, "lan_access": false}));
    for (user, role) in [("sri", "supervisor"), ("kasih", "counter_officer"), ("budi", "counter_officer"), ("rina", "recording_operator"), ("pono", "print_operator")] {
        h.hire(user, role);
    }
    let services = h.call("sri", "queue.service_list", json!({}));
    for s in services["items"].as_array().unwrap() {
        let (prefix, name) = (s["prefix"].as_str().unwrap(), s["name"].as_str().unwrap());
        o.did.services.insert(prefix.into(), (format!("{prefix} {name}"), s["time_standard_minutes"].as_i64().unwrap()));
        let req = json!({"id": s["id"], "prefix": s["prefix"], "name": s["name"], "kind": s["kind"], "daily_quota": s["daily_quota"],
            "time_standard_minutes": s["time_standard_minutes"], "active_days": "1234567", "active": s["active"]});
        h.call("sri", "queue.service_save", req);
    }
    let token = processes::enrollment_token(backend, OFFICE);
    h.call("sri", "sync.enroll", json!({"central_url": format!("http://{}", central.addr), "token": token}));

    let week_before = (h.day - Duration::days(7)).to_string();
    h.call("sri", "stock.receive", json!({"report_number": "BA-01/BLANGKO", "received_on": week_before, "blank_version": "V2024",
        "serial_from": "KTP-0000101", "serial_to": "KTP-0000110"}));
    o.did.opening_stock = 10;
    *o.did.queued.entry("blank_event").or_default() += 10;
    let p = h.call("sri", "printing.printer_save", json!({"name": "Printer kartu 1", "uri": printer.uri().to_string(), "offset_x_mm": 0.0, "offset_y_mm": 0.0, "active": true}));
    o.printer_id = p["id"].as_i64().unwrap();
    // The encoder stand-in: every chip is written but that of KTP-0000102.
    let log = h.app.data_dir.join("encoder.log");
    h.call("sri", "printing.station_save", json!({"encoder_command": printer::support_file("station-encoder.sh").display().to_string(),
        "encoder_args": ["KTP-0000102", log.display().to_string()], "encoder_timeout_secs": 30}));

    h.call("sri", "complaints.settings_save", json!({"deadline_working_days": 1}));
    h.at(-7, 10, 0);
    o.complaint("telepon", "pelayanan_lambat", "Antrean perekaman terlalu lama, sudah dua kali datang.");
    o.did.complaints.clear(); // received a week before: not the day's
    o.did.complaints_overdue += 1;
}

fn the_day(o: &mut Office) {
    o.hub.at(0, 7, 30);
    o.hub.call("kasih", "queue.counter_sign_in", json!({"counter_id": 1}));
    o.hub.call("budi", "queue.counter_sign_in", json!({"counter_id": 3}));

    // The morning's line: a new card (service A) and a lost one (B), both served at counter 1.
    let mut line = Vec::new();
    for (prefix, hh, mm) in [("A", 8, 0), ("A", 8, 2), ("A", 8, 4), ("A", 8, 6), ("B", 8, 8), ("A", 8, 10), ("A", 8, 12)] {
        o.hub.at(0, hh, mm);
        line.push(o.issue(prefix));
    }
    let [a1, a2, a3, a4, b1, a5, a6] = line[..] else { unreachable!() };
    let rudi = o.serve("kasih", a1, [(8, 15), (8, 16), (8, 26)], |o| o.intake("kasih", &RUDI, "new", a1, None));
    let siti = o.serve("kasih", a2, [(8, 26), (8, 27), (8, 37)], |o| o.intake("kasih", &SITI, "new", a2, None));
    let agus = o.serve("kasih", a3, [(8, 37), (8, 38), (8, 55)], |o| o.intake("kasih", &AGUS, "new", a3, None));
    let dewi = o.serve("kasih", a4, [(8, 55), (8, 56), (9, 6)], |o| o.intake("kasih", &DEWI, "new", a4, None));
    // Bambang lost his card and has no police letter yet; Yanti came without the family card: both
    // files go back with the return slip.
    let bambang = o.serve("kasih", b1, [(9, 6), (9, 7), (9, 12)], |o| o.intake("kasih", &BAMBANG, "lost", b1, Some(1)));
    o.serve("kasih", a5, [(9, 12), (9, 13), (9, 18)], |o| o.intake("kasih", &YANTI, "new", a5, Some(0)));
    // Called three times, never came.
    o.hub.at(0, 9, 18);
    o.call_next("kasih", a6);
    for (step, mm) in [("queue.recall", 20), ("queue.recall", 22), ("queue.no_show", 24)] {
        o.hub.at(0, 9, mm);
        o.ticket_step("kasih", step, a6);
    }

    // The recording desk.
    o.hub.at(0, 9, 25);
    let (rudi_rec, rudi_receipt) = o.record(&rudi, a1, None);
    o.hub.at(0, 9, 35);
    let (siti_rec, _) = o.record(&siti, a2, None);
    o.hub.at(0, 9, 45);
    let (agus_rec, _) = o.record(&agus, a3, None);
    o.hub.at(0, 9, 55);
    let (dewi_rec, _) = o.record(&dewi, a4, Some("left_little"));

    // Sync: central answers each recording, as the desk then sees it.
    o.hub.at(0, 10, 0);
    let r = o.hub.sync();
    assert_eq!(r.quarantined, 0, "{r:?}");
    let answered = o.hub.minute();
    for (rec, expected) in [(&rudi_rec, "print_ready_record"), (&siti_rec, "duplicate_record"), (&agus_rec, "enroll_failure"), (&dewi_rec, "print_ready_record")] {
        let status = o.hub.call("rina", "recording.get", json!({"recording_id": rec}))["status"].as_str().unwrap().to_string();
        assert_eq!(status, expected, "central's answer for {rec}");
        match status.as_str() {
            "print_ready_record" => {
                o.did.print_ready += 1;
                o.did.to_print_ready.push((answered - o.did.finished[rec.as_str()]) as f64 / 60.0);
            }
            "duplicate_record" => o.did.duplicate += 1,
            _ => o.did.failed += 1,
        }
    }

    // The print station: 5 more blanks; Rudi's card at once; Dewi's chip fails on KTP-0000102,
    // the next card is found misprinted at the check (corner cut), the third is good.
    o.hub.at(0, 10, 30);
    o.hub.call("sri", "stock.receive", json!({"report_number": "BA-02/BLANGKO", "received_on": o.hub.day.to_string(), "blank_version": "V2024",
        "serial_from": "KTP-0000111", "serial_to": "KTP-0000115"}));
    o.did.received = 5;
    o.queued("blank_event", 5);
    o.hub.at(0, 10, 35);
    let job = o.print(&rudi_rec, "KTP-0000101", false);
    o.confirm(&job, false);
    o.hub.at(0, 10, 40);
    let job = o.print(&dewi_rec, "KTP-0000102", false);
    assert_eq!((job["state"].as_str(), job["cause"].as_str()), (Some("spoiled"), Some("gagal_encoding")), "{job}");
    o.did.spoiled.push("Gagal encoding chip");
    o.queued("blank_event", 1);
    o.hub.at(0, 10, 45);
    let job = o.print(&dewi_rec, "KTP-0000103", true);
    assert_eq!(job["state"], "checking", "{job}");
    o.hub.call("pono", "printing.spoil", json!({"job_id": job["id"], "cause": "salah_cetak", "corner_cut": true}));
    o.did.spoiled.push("Salah cetak");
    o.queued("blank_event", 1);
    o.hub.at(0, 10, 50);
    let job = o.print(&dewi_rec, "KTP-0000104", true);
    o.confirm(&job, true);
    // A blank found cracked in the drawer; another goes back to the kabupaten.
    o.hub.at(0, 11, 0);
    o.hub.call("pono", "stock.spoil_blank", json!({"serial": "KTP-0000105", "cause": "rusak_fisik", "corner_cut": true}));
    o.did.spoiled.push("Rusak fisik");
    o.queued("blank_event", 1);
    o.hub.call("sri", "stock.dispose", json!({"serials": ["KTP-0000115"], "disposal": "returned", "report_number": "BA-R/01", "witnesses": "Ani, Budi"}));
    o.did.returned_blanks += 1;
    o.queued("blank_event", 1);
    o.did.used_14_days += o.did.spoiled.len() as i64;

    // The afternoon: Bambang comes back with the police letter; Rudi collects his card (service C,
    // counter 3).
    o.hub.at(0, 13, 0);
    let b2 = o.issue("B");
    o.serve("kasih", b2, [(13, 3), (13, 4), (13, 10)], |o| {
        let list = o.hub.call("kasih", "intake.checklist", json!({"application_id": bambang}));
        let lacking = list["items"][1]["requirement_id"].clone();
        o.hub.call("kasih", "intake.check_requirement", json!({"application_id": bambang, "requirement_id": lacking, "status": "present"}));
        o.complete("kasih", &bambang, "lost");
        o.did.came_back += 1;
    });
    o.hub.at(0, 14, 0);
    let c1 = o.issue("C");
    o.serve("budi", c1, [(14, 2), (14, 3), (14, 7)], |o| {
        let found = o.hub.call("budi", "handover.lookup", json!({"query": rudi_receipt}));
        assert!(found.to_string().contains(&rudi_rec), "{found}");
        o.hub.call("budi", "handover.issue", json!({"recording_id": rudi_rec, "collector": "applicant", "signature_png_base64": b64(&media::signature_png())}));
        o.did.handed_over += 1;
        o.queued("issuance_event", 1);
    });

    // Complaints: one answered, one not for Dukcapil, one still open (due tomorrow or later).
    o.hub.at(0, 14, 30);
    let answered = o.complaint("langsung", "sikap_petugas", "Petugas loket tidak ramah saat menjelaskan persyaratan.");
    let rejected = o.complaint("whatsapp", "lainnya", "Jalan menuju kantor kecamatan rusak dan berlubang.");
    o.complaint("kotak_saran", "pelayanan_lambat", "Mohon tambah kursi di ruang tunggu perekaman.");
    let sri_id = o.hub.call("admin", "staff.list", json!({}))["items"].as_array().unwrap().iter().find(|s| s["username"] == "sri").unwrap()["id"].clone();
    o.hub.at(0, 15, 0);
    o.complaint_step(&answered, "diverifikasi", json!({}));
    o.complaint_step(&answered, "ditindaklanjuti", json!({"assignee_id": sri_id}));
    o.complaint_step(&answered, "selesai", json!({"answer": "Petugas sudah ditegur dan diberi arahan."}));
    o.did.complaints_resolved += 1;
    o.complaint_step(&rejected, "ditolak", json!({"reason": "Bukan wewenang Dukcapil: diteruskan ke Dinas PUPR."}));
    o.did.complaints_rejected += 1;

    // A letter (service D) asked for late: nobody calls it before the close.
    o.hub.at(0, 15, 30);
    o.issue("D");

    // Everything sent before the close, so nothing waits in the day's report; then the close keeps
    // the day's report and queues its summary, which the next exchange takes to central.
    o.hub.at(0, 15, 50);
    let r = o.hub.sync();
    assert_eq!(r.quarantined, 0, "{r:?}");
    assert_eq!(o.hub.call("sri", "sync.status", json!({}))["waiting"], 0);
    o.hub.at(0, 16, 0);
    o.hub.call("sri", "queue.close_day", json!({}));
    o.hub.at(0, 16, 5);
    let r = o.hub.sync();
    assert_eq!((r.sent, r.quarantined), (1, 0), "the day's summary: {r:?}");
    // A ticket after the close changes nothing in the kept day.
    o.hub.at(0, 16, 20);
    o.hub.public("queue.issue", json!({"service_prefix": "A"}));
}

/// The report's files, as the supervisor downloads them.
struct Files {
    pdf_text: String,
    pages: usize,
    csv: HashMap<String, CsvSection>,
    xlsx: HashMap<String, Vec<Vec<Data>>>,
    /// (id, title) of the day's sections, as `reports.index` lists them for one day.
    sections: Vec<(String, String)>,
}

fn export(o: &Office, out: &Path) -> Files {
    let h = &o.hub;
    let day = h.day.to_string();
    std::fs::create_dir_all(out).unwrap();
    // The hub's today is the day under test (its clock), not this PC's; the day is kept.
    let index = h.call("sri", "reports.index", json!({}));
    assert_eq!(index["today"], day, "{index}");
    assert_eq!(index["kept"][0]["day"], day, "the close kept the day: {index}");
    let sections: Vec<(String, String)> = index["sections"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["period_only"] == false)
        .map(|s| (s["id"].as_str().unwrap().to_string(), s["title"].as_str().unwrap().to_string()))
        .collect();
    let range = [("from", day.as_str()), ("to", day.as_str())];

    let pdf = h.file("sri", "reports.pdf", &range);
    std::fs::write(out.join("laporan.pdf"), &pdf).unwrap();
    let pdf_text = pdf_text(&pdf);
    std::fs::write(out.join("laporan.txt"), &pdf_text).unwrap();
    // Every page as a picture, as a person looks at it: A4 portrait, with ink on it.
    let pages_dir = out.join("pages");
    let _ = std::fs::remove_dir_all(&pages_dir);
    std::fs::create_dir_all(&pages_dir).unwrap();
    let rendered = std::process::Command::new("pdftoppm").args(["-r", "40", "-png"]).arg(out.join("laporan.pdf")).arg(pages_dir.join("halaman")).status().unwrap();
    assert!(rendered.success());
    let mut pngs: Vec<PathBuf> = std::fs::read_dir(&pages_dir).unwrap().map(|e| e.unwrap().path()).collect();
    pngs.sort();
    for png in &pngs {
        let img = image::open(png).unwrap().to_luma8();
        let ratio = img.height() as f64 / img.width() as f64;
        assert!((ratio - 297.0 / 210.0).abs() < 0.02, "{}: {}x{} is not A4 portrait", png.display(), img.width(), img.height());
        let inked = img.pixels().filter(|p| p.0[0] < 128).count();
        assert!(inked > 500, "{} is blank", png.display());
    }

    let mut csv = HashMap::new();
    for (id, _) in &sections {
        let bytes = h.file("sri", "reports.csv", &[range[0], range[1], ("section", id.as_str())]);
        std::fs::write(out.join(format!("laporan-{id}.csv")), &bytes).unwrap();
        csv.insert(id.clone(), CsvSection::parse(&bytes));
    }

    let xlsx = h.file("sri", "reports.xlsx", &range);
    std::fs::write(out.join("laporan.xlsx"), &xlsx).unwrap();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
    let mut sheets = HashMap::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).unwrap();
        sheets.insert(name, range.rows().map(|r| r.to_vec()).collect());
    }
    Files { pages: pngs.len(), pdf_text, csv, xlsx: sheets, sections }
}

/// One section's CSV: its key figures and its tables.
struct CsvSection {
    title: String,
    figures: Vec<(String, String)>,
    tables: Vec<CsvTable>,
}

struct CsvTable {
    title: String,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl CsvSection {
    /// The section's title; its figures (`label;value`); then each table: a line with its title
    /// alone, its header, its rows.
    fn parse(bytes: &[u8]) -> CsvSection {
        assert!(bytes.starts_with("\u{FEFF}".as_bytes()), "UTF-8 with a byte-order mark");
        let mut r = csv::ReaderBuilder::new().delimiter(b';').flexible(true).has_headers(false).from_reader(&bytes[3..]);
        let records: Vec<Vec<String>> = r.records().map(|x| x.unwrap().iter().map(str::to_string).collect()).collect();
        let mut lines = records.into_iter().filter(|r| !(r.len() == 1 && r[0].is_empty()));
        let title = lines.next().expect("the section's title")[0].clone();
        let mut s = CsvSection { title, figures: Vec::new(), tables: Vec::new() };
        for line in lines {
            match (line.len(), s.tables.last_mut()) {
                (1, _) => s.tables.push(CsvTable { title: line[0].clone(), header: Vec::new(), rows: Vec::new() }),
                (_, None) => s.figures.push((line[0].clone(), line[1].clone())),
                (_, Some(t)) if t.header.is_empty() => t.header = line,
                (_, Some(t)) => t.rows.push(line),
            }
        }
        s
    }
}

/// What a cell should hold.
#[derive(Debug, Clone, Copy)]
enum Want {
    Count(i64),
    Minutes(f64),
    Hours(f64),
    /// A share, 0–1.
    Share(f64),
    /// A number shown with one decimal.
    Number(f64),
    Text(&'static str),
    /// Not checked here (the other formats still have to agree on it).
    Any,
}

/// How far a figure written with one decimal may be from the exact one.
const ONE_DECIMAL: f64 = 0.05 + 1e-9;

/// A number as a person in Indonesia writes it: `1.234`, `23,5`, `85,7%`, `68,0 mnt`, `0,5 jam`.
fn read_number(s: &str) -> Option<f64> {
    let s = s.trim();
    let s = s.strip_suffix(" mnt").or_else(|| s.strip_suffix(" jam")).unwrap_or(s);
    s.trim_end_matches('%').replace('.', "").replace(',', ".").parse().ok()
}

impl Want {
    fn text_cell(self, s: &str) -> bool {
        match self {
            Want::Count(n) => s.trim() == n.to_string(),
            Want::Minutes(x) | Want::Hours(x) | Want::Number(x) => read_number(s).is_some_and(|v| (v - x).abs() <= ONE_DECIMAL),
            Want::Share(x) => read_number(s).is_some_and(|v| (v - x * 100.0).abs() <= ONE_DECIMAL),
            Want::Text(t) => s.trim() == t,
            Want::Any => true,
        }
    }

    fn xlsx_cell(self, d: &Data) -> bool {
        match (self, d) {
            (Want::Count(n), Data::Float(x)) => *x == n as f64,
            (Want::Minutes(m), Data::DateTime(t)) => t.is_duration() && (t.as_f64() * 1440.0 - m).abs() <= ONE_DECIMAL,
            (Want::Hours(h), Data::DateTime(t)) => t.is_duration() && (t.as_f64() * 24.0 - h).abs() <= ONE_DECIMAL,
            (Want::Share(s), Data::Float(x)) => (x - s).abs() < 5e-4,
            (Want::Number(n), Data::Float(x)) => (x - n).abs() <= ONE_DECIMAL,
            (Want::Text(t), Data::String(s)) => s == t,
            (Want::Any, _) => true,
            _ => false,
        }
    }
}

fn sheet_name(title: &str) -> String {
    title.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect()
}

impl Files {
    fn title(&self, id: &str) -> &str {
        &self.sections.iter().find(|(s, _)| s == id).unwrap_or_else(|| panic!("no section {id} in {:?}", self.sections)).1
    }

    /// The lines of the PDF's text from section `id`'s heading to the next section's.
    fn pdf_section(&self, id: &str) -> Vec<&str> {
        let lines: Vec<&str> = self.pdf_text.lines().collect();
        let mut start = 0;
        let mut bounds = Vec::new();
        for (_, title) in &self.sections {
            let at = lines[start..].iter().position(|l| l.trim() == title).map(|i| i + start).unwrap_or_else(|| panic!("no heading {title} in the PDF"));
            bounds.push(at);
            start = at + 1;
        }
        bounds.push(lines.len());
        let i = self.sections.iter().position(|(s, _)| s == id).unwrap();
        lines[bounds[i] + 1..bounds[i + 1]].to_vec()
    }

    /// Checks the row that starts with `label` in section `id` of every format: the cells after the
    /// label as `want` says. In the CSV the row is looked for in table `table`.
    fn row(&self, id: &str, table: &str, label: &str, want: &[Want]) {
        // CSV
        let s = &self.csv[id];
        let t = s.tables.iter().find(|t| t.title == table).unwrap_or_else(|| panic!("{id}: no table {table} in the CSV"));
        let row = t.rows.iter().find(|r| r[0] == label).unwrap_or_else(|| panic!("{id}/{table}: no row {label} in the CSV: {:?}", t.rows));
        assert!(row.len() > want.len(), "{id}/{label}: CSV {row:?}");
        for (w, cell) in want.iter().zip(&row[1..]) {
            assert!(w.text_cell(cell), "{id}/{label}: CSV has {cell:?}, the day wants {w:?} ({row:?})");
        }
        // XLSX: the section's sheet, the tables above its summary.
        let sheet = &self.xlsx[&sheet_name(self.title(id))];
        let tables_end = sheet.iter().position(|r| matches!(&r[0], Data::String(x) if x == "Ringkasan")).expect("the summary block");
        let xrow = sheet[..tables_end].iter().find(|r| matches!(&r[0], Data::String(x) if x == label)).unwrap_or_else(|| panic!("{id}: no row {label} in the XLSX"));
        for (w, cell) in want.iter().zip(&xrow[1..]) {
            assert!(w.xlsx_cell(cell), "{id}/{label}: XLSX has {cell:?}, the day wants {w:?}");
        }
        // PDF: the row's line in the section, its cells apart by two spaces or more; a long label
        // wraps onto the lines below (the words may be cut).
        let lines = self.pdf_section(id);
        let split = |l: &str| -> Vec<String> { l.split("  ").map(str::trim).filter(|c| !c.is_empty()).map(String::from).collect() };
        let squeeze = |s: &str| s.split_whitespace().collect::<String>();
        let cells = (0..lines.len()).find_map(|i| {
            let cells = split(lines[i]);
            let (first, rest) = cells.split_first()?;
            if rest.len() != want.len() || !squeeze(label).starts_with(&squeeze(first)) {
                return None;
            }
            if want.iter().zip(rest).any(|(w, c)| matches!(w, Want::Count(_)) && read_number(c).is_none()) {
                return None;
            }
            let mut text = squeeze(first);
            for next in &lines[i + 1..] {
                if text.len() >= squeeze(label).len() {
                    break;
                }
                match split(next).as_slice() {
                    [more] => text.push_str(&squeeze(more)),
                    _ => break,
                }
            }
            (text == squeeze(label)).then(|| rest.to_vec())
        });
        let cells = cells.unwrap_or_else(|| panic!("{id}: no row {label} with {} cells in the PDF:\n{}", want.len(), lines.join("\n")));
        for (w, cell) in want.iter().zip(&cells) {
            assert!(w.text_cell(cell), "{id}/{label}: PDF has {cell:?}, the day wants {w:?} ({cells:?})");
        }
    }

    /// A key figure of section `id`, in the CSV (its unit in the label) and in the workbook's summary.
    fn figure(&self, id: &str, label: &str, want: Want) {
        let s = &self.csv[id];
        let (_, value) = s.figures.iter().find(|(l, _)| l == label || l.starts_with(&format!("{label} ("))).unwrap_or_else(|| panic!("{id}: no figure {label} in {:?}", s.figures));
        assert!(want.text_cell(value), "{id}: figure {label} is {value:?} in the CSV, the day wants {want:?}");
        let (_, cell) = self.xlsx_figures(id).into_iter().find(|(l, _)| l == label).unwrap_or_else(|| panic!("{id}: no figure {label} in the XLSX"));
        assert!(want.xlsx_cell(&cell), "{id}: figure {label} is {cell:?} in the XLSX, the day wants {want:?}");
    }

    fn xlsx_figures(&self, id: &str) -> Vec<(String, Data)> {
        let sheet = &self.xlsx[&sheet_name(self.title(id))];
        let from = sheet.iter().position(|r| matches!(&r[0], Data::String(x) if x == "Ringkasan")).expect("the summary block") + 1;
        sheet[from..]
            .iter()
            .map_while(|r| match &r[0] {
                Data::String(l) => Some((l.clone(), r.get(1).cloned().unwrap_or(Data::Empty))),
                _ => None,
            })
            .collect()
    }
}

fn check_the_report(o: &Office, f: &Files) {
    let d = &o.did;
    let text = &f.pdf_text;
    for needle in ["LAPORAN HARIAN", "Kantor Kecamatan Sajingan Besar", &loket::setup::date_words(o.hub.day), "Diekspor oleh Pegawai sri"] {
        assert!(text.contains(needle), "{needle} not in the PDF:\n{text}");
    }
    let of = format!("Halaman 1 dari {}", f.pages);
    assert!(text.contains(&of), "{of}: the pages drawn and the pages numbered agree:\n{text}");
    assert!(!text.contains("Perbandingan dengan periode sebelumnya"), "a day has no comparison");
    // Every section of the day is in each format, under the same title.
    for (id, title) in &f.sections {
        assert_eq!(&f.csv[id].title, title);
        assert!(f.xlsx.contains_key(&sheet_name(title)), "{title}: {:?}", f.xlsx.keys());
        f.pdf_section(id);
    }
    // The CSV's and the workbook's key figures are the same, section by section.
    for (id, _) in &f.sections {
        let xlsx = f.xlsx_figures(id);
        assert_eq!(xlsx.len(), f.csv[id].figures.len(), "{id}: {xlsx:?} / {:?}", f.csv[id].figures);
        for ((label, value), (xlabel, cell)) in f.csv[id].figures.iter().zip(&xlsx) {
            let (bare, unit) = match label.rsplit_once(" (") {
                Some((b, u)) if ["menit)", "jam)", "%)"].contains(&u) => (b, u.trim_end_matches(')')),
                _ => (label.as_str(), ""),
            };
            assert_eq!(bare, xlabel, "{id}");
            let x = match cell {
                Data::Float(x) => Some(*x),
                Data::DateTime(t) => Some(t.as_f64()),
                Data::Empty => None,
                other => panic!("{id}/{label}: {other:?}"),
            };
            let x = x.map(|x| match unit {
                "menit" => x * 1440.0,
                "jam" => x * 24.0,
                "%" => x * 100.0,
                _ => x,
            });
            match (read_number(value), x) {
                (Some(v), Some(x)) => assert!((v - x).abs() <= ONE_DECIMAL, "{id}/{label}: CSV {value}, XLSX {x}"),
                (None, None) => assert!(value.is_empty(), "{id}/{label}: {value:?}"),
                other => panic!("{id}/{label}: CSV {value:?} against XLSX {cell:?}: {other:?}"),
            }
        }
    }

    // The queue, from the tickets as the test handled them.
    let minutes = |v: &[i64]| v.iter().sum::<i64>() as f64 / v.len() as f64;
    let service_row = |prefix: Option<&str>| -> Vec<Want> {
        let ts: Vec<&TicketLog> = d.tickets.iter().filter(|t| prefix.is_none_or(|p| t.prefix == p)).collect();
        let served: Vec<&&TicketLog> = ts.iter().filter(|t| t.finished.is_some()).collect();
        let no_show = ts.iter().filter(|t| t.no_show).count() as i64;
        let waits: Vec<i64> = ts.iter().filter_map(|t| Some(t.last_called? - t.issued)).collect();
        let service: Vec<i64> = served.iter().map(|t| t.finished.unwrap() - t.started.unwrap()).collect();
        let met = served.iter().filter(|t| t.finished.unwrap() - t.started.unwrap() <= d.services[&t.prefix].1).count();
        vec![
            Want::Count(ts.len() as i64),
            Want::Count(served.len() as i64),
            Want::Count(no_show),
            Want::Count(ts.len() as i64 - served.len() as i64 - no_show),
            Want::Minutes(minutes(&waits)),
            Want::Any,
            Want::Any,
            Want::Minutes(*waits.iter().max().unwrap() as f64),
            Want::Minutes(minutes(&service)),
            Want::Share(met as f64 / served.len() as f64),
            Want::Count(0),
        ]
    };
    f.row("queue", "Per layanan", "Jumlah", &service_row(None));
    for prefix in ["A", "B", "C"] {
        f.row("queue", "Per layanan", &d.services[prefix].0, &service_row(Some(prefix)));
    }
    f.figure("queue", "Tiket diambil", Want::Count(d.tickets.len() as i64));
    f.figure("queue", "Tidak hadir", Want::Count(d.tickets.iter().filter(|t| t.no_show).count() as i64));

    // Applications and the returned files.
    let kinds = [("new", "KTP-el baru (pemula)"), ("lost", "Penggantian KTP-el hilang"), ("damaged", "Penggantian KTP-el rusak")];
    let mut total = (0, 0, 0);
    for (kind, label) in kinds {
        let (opened, complete, returned) = d.applications.get(kind).copied().unwrap_or_default();
        total = (total.0 + opened, total.1 + complete, total.2 + returned);
        f.row("applications", "Per jenis permohonan", label, &[Want::Count(opened), Want::Count(complete), Want::Count(returned)]);
    }
    f.row("applications", "Per jenis permohonan", "Jumlah", &[Want::Count(total.0), Want::Count(total.1), Want::Count(total.2)]);
    // What each returned file lacked at its return: Yanti's still missing at the close, and
    // Bambang's, though he brought it in the afternoon (kept at the return, `return_item`).
    let mut lacked: HashMap<&str, i64> = HashMap::new();
    for name in d.lacked.values() {
        *lacked.entry(name.as_str()).or_default() += 1;
    }
    assert_eq!(d.lacked.len(), 2, "two files were returned: {:?}", d.lacked);
    for (name, n) in lacked {
        f.row("applications", "Dokumen yang paling sering kurang", name, &[Want::Count(n), Want::Count(0)]);
    }
    f.figure("applications", "Permohonan baru", Want::Count(total.0));
    f.figure("applications", "Berkas dikembalikan", Want::Count(total.2));
    f.figure("applications", "Kembali setelah dikembalikan", Want::Count(d.came_back));

    // Recording.
    let avg = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    f.row("recording", "Perekaman", "Perekaman selesai", &[Want::Count(d.recordings)]);
    f.row("recording", "Perekaman", "Perekaman ulang", &[Want::Count(0)]);
    f.row("recording", "Perekaman", "Panggilan sampai bukti perekaman, rata-rata", &[Want::Minutes(avg(&d.call_to_receipt))]);
    f.row("recording", "Pengecualian biometrik", "Kelingking kiri", &[Want::Text("Pegawai sri"), Want::Count(d.exceptions)]);
    f.figure("recording", "Pengecualian biometrik", Want::Count(d.exceptions));

    // Sync: central's answers, nothing left waiting at the close.
    f.row("sync", "Jawaban pusat dan antrean kirim", "Siap cetak (PRINT_READY_RECORD)", &[Want::Count(d.print_ready)]);
    f.row("sync", "Jawaban pusat dan antrean kirim", "Data ganda (DUPLICATE_RECORD)", &[Want::Count(d.duplicate)]);
    f.row("sync", "Jawaban pusat dan antrean kirim", "Gagal (ENROLL_FAILURE)", &[Want::Count(d.failed)]);
    f.row("sync", "Jawaban pusat dan antrean kirim", "Perekaman sampai siap cetak, rata-rata", &[Want::Hours(avg(&d.to_print_ready))]);
    f.row("sync", "Jawaban pusat dan antrean kirim", "Menunggu dikirim (saat laporan dibuat)", &[Want::Count(0)]);
    // What was sent, by kind: every row the day's actions queued (the week-old ones went with the
    // day's first exchange), none refused.
    let kinds = [("applicant", "Biodata penduduk"), ("application", "Status permohonan"), ("recording", "Data perekaman"),
        ("blank_event", "Peristiwa blangko"), ("issuance_event", "Penyerahan KTP-el dan Suket"), ("complaint_event", "Pengaduan")];
    for (kind, label) in kinds {
        f.row("sync", "Terkirim", label, &[Want::Count(d.queued[kind]), Want::Count(0)]);
    }
    let sent = &f.csv["sync"].tables.iter().find(|t| t.title == "Terkirim").unwrap().rows;
    assert_eq!(sent.len(), kinds.len(), "no other kind of record was sent: {sent:?}");
    f.figure("sync", "Perekaman terkirim", Want::Count(d.recordings));

    // Printing and the blank stock: opening + received - printed - spoiled - returned = closing.
    let spoiled = d.spoiled.len() as i64;
    let closing = d.opening_stock + d.received - d.printed - spoiled - d.returned_blanks;
    let cover = closing as f64 / (d.used_14_days as f64 / 14.0);
    let stock = [
        ("Stok awal", Want::Count(d.opening_stock)),
        ("Diterima", Want::Count(d.received)),
        ("Terpakai (dicetak)", Want::Count(d.printed)),
        ("Rusak", Want::Count(spoiled)),
        ("Dikembalikan atau dimusnahkan", Want::Count(d.returned_blanks)),
        ("Stok akhir", Want::Count(closing)),
        ("Cukup untuk (hari)", Want::Number(cover)),
    ];
    for (label, want) in stock {
        f.row("printing", "Stok blangko", label, &[want]);
    }
    for cause in ["Gagal encoding chip", "Salah cetak", "Rusak fisik", "Printer macet", "Lainnya"] {
        let n = d.spoiled.iter().filter(|c| **c == cause).count() as i64;
        f.row("printing", "Blangko rusak per sebab", cause, &[Want::Count(n)]);
    }
    f.row("printing", "Pencetakan", "KTP-el dicetak", &[Want::Count(d.printed)]);
    f.row("printing", "Pencetakan", "Di antaranya cetak ulang", &[Want::Count(d.reprints_printed)]);
    f.row("printing", "Pencetakan", "Tingkat kerusakan blangko", &[Want::Share(spoiled as f64 / (spoiled + d.printed) as f64)]);
    f.figure("printing", "Blangko rusak", Want::Count(spoiled));
    f.figure("printing", "Stok akhir", Want::Count(closing));
    // The office's own stock screen says the same.
    let summary = o.hub.call("sri", "stock.summary", json!({}));
    assert_eq!(summary["counts"]["in_stock"], closing, "{summary}");

    // Hand-over.
    f.row("handover", "Penyerahan KTP-el", "Diserahkan", &[Want::Count(d.handed_over)]);
    f.row("handover", "Penyerahan KTP-el", "Di antaranya kepada wakil", &[Want::Count(0)]);
    f.row("handover", "Penyerahan KTP-el", "Sudah dicetak, belum diambil (akhir periode)", &[Want::Count(d.printed - d.handed_over)]);

    // Complaints.
    let received = d.complaints.len() as i64;
    f.row("complaints", "Pengaduan", "Diterima", &[Want::Count(received)]);
    f.row("complaints", "Pengaduan", "Selesai (jawaban dicatat)", &[Want::Count(d.complaints_resolved)]);
    f.row("complaints", "Pengaduan", "Ditolak", &[Want::Count(d.complaints_rejected)]);
    f.row("complaints", "Pengaduan", "Melewati batas waktu (akhir periode)", &[Want::Count(d.complaints_overdue)]);
    for (channel, label) in [("langsung", "Langsung"), ("whatsapp", "WhatsApp"), ("kotak_saran", "Kotak saran")] {
        let n = d.complaints.iter().filter(|c| **c == channel).count() as i64;
        f.row("complaints", "Diterima menurut saluran", label, &[Want::Count(n)]);
    }
    let by_channel = &f.csv["complaints"].tables.iter().find(|t| t.title == "Diterima menurut saluran").unwrap().rows;
    assert!(!by_channel.iter().any(|r| r[0] == "Telepon"), "the week-old complaint is not the day's: {by_channel:?}");
}
