//! The print station with real parts: the commands `printing.start` and `printing.job` drive a
//! real IPP printer process (ippeveprinter on loopback) and an encoder program through the
//! adapter. A card is received by the printer (pdftotext reads NIK and name, pdfimages finds the
//! photo), its chip written, checked and done; a second card's encoder fails, its blank is spoiled
//! "gagal encoding" and it is printed again on the next blank; a paused or unreachable printer
//! leaves the job queued and the blank in the drawer.

mod common;

use common::printer::TestPrinter;
use loket::sync::wire::{Change, ChangeKind};
use loket::ErrorCode;
use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

struct Desk {
    o: common::Office,
    sup: String,
    operator: String,
    printer_id: i64,
    recordings: Vec<String>,
    niks: Vec<String>,
    encoder_log: std::path::PathBuf,
}

fn desk(printer_uri: &str, fail_serial: &str) -> Desk {
    let o = common::office();
    o.long_sessions();
    let sup = o.staff_with("sari", &["supervisor"]);
    let operator = o.staff_with("pono", &["print_operator"]);
    o.call(&sup, "stock.receive", json!({"report_number": "BA-7/2026", "received_on": "2026-11-23", "blank_version": "V2024",
        "serial_from": "KTP-0001", "serial_to": "KTP-0010"})).unwrap();
    let p = o.call(&sup, "printing.printer_save", json!({"name": "Kartu 1", "uri": printer_uri, "offset_x_mm": 0.0, "offset_y_mm": 0.0, "active": true})).unwrap();
    let encoder_log = o.dir.path().join("encoder.log");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/station-encoder.sh");
    // Without an encoder the station refuses to print, naming the setting.
    o.call(&sup, "printing.station_save", json!({"encoder_command": script.display().to_string(),
        "encoder_args": [fail_serial, encoder_log.display().to_string()], "encoder_timeout_secs": 20})).unwrap();
    let people: Vec<loket::sync::backlog::Person> = ["SITI NURHALIZA", "BUDI SANTOSO"]
        .iter()
        .enumerate()
        .map(|(i, name)| loket::sync::backlog::Person {
            nik: format!("61010957088500{:02}", i + 2),
            full_name: name.to_string(),
            sex: "P".into(),
            birth_place: "SAMBAS".into(),
            birth_date: "1985-08-17".into(),
        })
        .collect();
    loket::sync::backlog::seed(&o.app, &people, 2, 11).unwrap();
    let rows: Vec<(String, String)> = o.app.store.read(|c| Ok(c.prepare(
        "SELECT r.id, p.nik FROM recording r JOIN application a ON a.id = r.application_id JOIN applicant p ON p.id = a.applicant_id ORDER BY r.receipt_number")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?)).unwrap();
    let changes: Vec<Change> = rows.iter().enumerate().map(|(i, (id, _))| Change {
        cursor: i as i64 + 1,
        what: ChangeKind::RecordingStatus { recording_id: id.clone(), status: "PRINT_READY_RECORD".into(), reason: None },
    }).collect();
    let now = o.app.now();
    o.app.store.write(move |c| loket::sync::pull::apply(c, now, &changes)).unwrap();
    Desk {
        printer_id: p["id"].as_i64().unwrap(),
        recordings: rows.iter().map(|r| r.0.clone()).collect(),
        niks: rows.iter().map(|r| r.1.clone()).collect(),
        o,
        sup,
        operator,
        encoder_log,
    }
}

impl Desk {
    fn start(&self, i: usize, serial: &str, reprint: Option<&str>) -> loket::Result<Value> {
        self.o.call(&self.operator, "printing.start", json!({"recording_id": self.recordings[i], "serial": serial,
            "printer_id": self.printer_id, "reprint_reason": reprint}))
    }

    /// Polls the job as the screen does until it leaves `printing`/`personalising` (bounded).
    fn follow(&self, job: &Value) -> Value {
        let until = Instant::now() + Duration::from_secs(30);
        loop {
            let j = self.o.call(&self.operator, "printing.job", json!({"job_id": job["id"]})).unwrap();
            if !matches!(j["state"].as_str(), Some("printing" | "personalising")) || Instant::now() > until {
                return j;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn blank(&self, serial: &str) -> String {
        self.o.app.store.read(|c| Ok(loket::stock::blank(c, serial)?.unwrap().state.as_str().to_string())).unwrap()
    }
}

fn text_of(pdf: &Path) -> String {
    let out = Command::new("pdftotext").arg(pdf).arg("-").output().unwrap();
    String::from_utf8(out.stdout).unwrap().split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn a_card_prints_at_a_real_printer_and_a_failed_chip_spoils_its_blank_for_a_reprint() {
    let printer = TestPrinter::start();
    let d = desk(&printer.uri().to_string(), "KTP-0002");

    // Card 1: printed at the printer, chip written, checked, done.
    let job = d.start(0, "KTP-0001", None).unwrap();
    assert_eq!(job["state"], "printing", "{job}");
    let job = d.follow(&job);
    assert_eq!(job["state"], "checking", "{job}");
    assert_eq!(job["chip_uid"], "04000000000001");
    let received = printer.received();
    assert_eq!(received.len(), 1, "one document at the printer");
    let text = text_of(&received[0]);
    assert!(text.contains(&d.niks[0]), "NIK on the card: {text}");
    assert!(text.contains("SITI NURHALIZA") || text.contains("BUDI SANTOSO"), "name on the card: {text}");
    let images = String::from_utf8(Command::new("pdfimages").arg("-list").arg(&received[0]).output().unwrap().stdout).unwrap();
    assert!(images.lines().any(|l| l.contains("300") && l.contains("400") && l.contains("jpeg")), "the photo is on the card:\n{images}");
    let png = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/cards/received-at-printer");
    std::fs::create_dir_all(png.parent().unwrap()).unwrap();
    assert!(Command::new("pdftoppm").args(["-png", "-r", "200", "-singlefile"]).arg(&received[0]).arg(&png).status().unwrap().success());
    let done = d.o.call(&d.operator, "printing.confirm", json!({"job_id": job["id"]})).unwrap();
    assert_eq!(done["state"], "done");
    assert_eq!(d.blank("KTP-0001"), "printed");

    // Card 2: the encoder fails on KTP-0002 → the blank is spoiled "gagal encoding", the record waits again.
    let job2 = d.follow(&d.start(1, "KTP-0002", None).unwrap());
    assert_eq!(job2["state"], "spoiled", "{job2}");
    assert_eq!(job2["cause"], "gagal_encoding");
    assert!(job2["message"].as_str().unwrap().contains("Chip tidak merespons"), "{job2}");
    assert_eq!(d.blank("KTP-0002"), "spoiled");
    let q = d.o.call(&d.operator, "printing.queue", json!({})).unwrap();
    assert_eq!(q["items"][0]["last_spoiled"], true, "{q}");
    // Reprinted on the next blank with its reason.
    let job3 = d.follow(&d.start(1, "KTP-0003", Some("spoiled_in_print")).unwrap());
    assert_eq!(job3["state"], "checking", "{job3}");
    d.o.call(&d.operator, "printing.confirm", json!({"job_id": job3["id"]})).unwrap();

    // Stock: 7 in stock, 2 printed, 1 spoiled; the day balances against a count of 7.
    let s = d.o.call(&d.sup, "stock.summary", json!({})).unwrap();
    assert_eq!((s["counts"]["in_stock"].as_i64(), s["counts"]["printed"].as_i64(), s["counts"]["spoiled"].as_i64()), (Some(7), Some(2), Some(1)), "{s}");
    let posting = d.o.call(&d.sup, "stock.post_day", json!({"day": "2026-11-23", "physical_count": 7})).unwrap();
    assert_eq!(posting["difference"], 0);
    // The encoder got each job's identifiers.
    let log = std::fs::read_to_string(&d.encoder_log).unwrap();
    assert_eq!(log.lines().count(), 3, "{log}");
    assert!(log.contains("KTP-0002") && log.contains(&d.niks[1]), "{log}");
    // The kiosk tells the applicant to collect the card.
    let receipt: String = d.o.app.store.read(|c| Ok(c.query_row("SELECT receipt_number FROM recording WHERE id = ?1", [&d.recordings[0]], |r| r.get(0))?)).unwrap();
    let status = d.o.app.call(None, "intake.public_status", json!({"number": receipt})).unwrap();
    assert_eq!(status["status_label"], "KTP-el sudah dicetak, silakan ambil");
    assert_eq!(status["card_printed"], true);
}

#[test]
fn a_paused_or_unreachable_printer_keeps_the_job_queued_and_the_blank_in_the_drawer() {
    let mut printer = TestPrinter::start();
    let d = desk(&printer.uri().to_string(), "none");
    // A card named so that the test printer's command reports itself paused after it.
    let status = d.o.call(&d.operator, "printing.printer_status", json!({"printer_id": d.printer_id})).unwrap();
    assert_eq!(status["reachable"], true);
    assert!(status["refusal"].is_null(), "{status}");

    // A calibration card on a plain card: it reaches the printer and uses no blank.
    let test = d.o.call(&d.sup, "printing.test_print", json!({"printer_id": d.printer_id})).unwrap();
    assert!(test["message"].as_str().unwrap().contains("kartu putih polos"), "{test}");
    let received = printer.received();
    assert_eq!(received.len(), 1);
    assert!(text_of(&received[0]).contains("UJI CETAK"), "the test card");
    assert_eq!(d.o.call(&d.sup, "stock.summary", json!({})).unwrap()["counts"]["in_stock"], 10);
    assert_eq!(d.o.call(&d.operator, "printing.test_print", json!({"printer_id": d.printer_id})).unwrap_err().code, ErrorCode::Forbidden);

    printer.stop();
    let e = d.start(0, "KTP-0001", None).unwrap_err();
    assert_eq!(e.code, ErrorCode::PrinterUnavailable);
    assert!(e.message.contains(&format!("127.0.0.1:{}", printer.port)), "{}", e.message);
    assert_eq!(d.blank("KTP-0001"), "in_stock");
    let held: Option<String> = d.o.app.store.read(|c| Ok(loket::stock::blank(c, "KTP-0001")?.unwrap().held_by_job)).unwrap();
    assert_eq!(held, None, "no blank consumed or held");
    let q = d.o.call(&d.operator, "printing.queue", json!({})).unwrap();
    let open = &q["items"].as_array().unwrap().iter().find(|i| i["recording_id"] == d.recordings[0].as_str()).unwrap()["open_job"];
    assert_eq!(open["state"], "queued");
    assert!(open["message"].as_str().unwrap().contains("tidak dapat dihubungi"), "{open}");
    let status = d.o.call(&d.operator, "printing.printer_status", json!({"printer_id": d.printer_id})).unwrap();
    assert_eq!(status["reachable"], false);

    // An encoder that is not set: refused before anything happens, naming the setting.
    let e = d.o.call(&d.sup, "printing.station_save", json!({"encoder_command": "/tidak/ada", "encoder_args": [], "encoder_timeout_secs": 20})).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("encoder_command"));
}

use common::HubProcess;

impl HubProcess {
    fn call(&self, token: &str, name: &str, body: Value) -> Value {
        let r = reqwest::blocking::Client::builder().timeout(Duration::from_secs(90)).build().unwrap()
            .post(format!("{}/api/v1/{name}", self.url)).bearer_auth(token).json(&body).send().unwrap();
        let status = r.status();
        let v: Value = r.json().unwrap();
        assert!(status.is_success(), "{name}: {status} {v}");
        v
    }

    fn login(&self, user: &str) -> String {
        let r: Value = reqwest::blocking::Client::new().post(format!("{}/api/v1/auth.login", self.url))
            .json(&json!({"username": user, "password": "sandi-baru-123"})).send().unwrap().json().unwrap();
        r["token"].as_str().unwrap().to_string()
    }
}

#[test]
fn a_hub_killed_mid_print_loses_no_blank() {
    let printer = TestPrinter::start();
    let d = desk(&printer.uri().to_string(), "none");
    // The encoder takes a minute for KTP-0002: the hub is killed while it writes that chip.
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/station-encoder.sh");
    d.o.call(&d.sup, "printing.station_save", json!({"encoder_command": script.display().to_string(),
        "encoder_args": ["none", d.encoder_log.display().to_string(), "KTP-0002"], "encoder_timeout_secs": 90})).unwrap();
    let (recordings, printer_id) = (d.recordings.clone(), d.printer_id);
    let common::Office { dir, app, .. } = d.o;
    drop(app);

    let hub = HubProcess::start(dir.path());
    let op = hub.login("pono");
    // Card 1 is at the printer ("printing", blank held) when the hub dies.
    let j1 = hub.call(&op, "printing.start", json!({"recording_id": recordings[0], "serial": "KTP-0001", "printer_id": printer_id}));
    assert_eq!(j1["state"], "printing");
    // Card 2 is printed and its chip being written when the hub dies.
    let j2 = hub.call(&op, "printing.start", json!({"recording_id": recordings[1], "serial": "KTP-0002", "printer_id": printer_id}));
    let poll = {
        let (url, token, id) = (hub.url.clone(), op.clone(), j2["id"].as_str().unwrap().to_string());
        std::thread::spawn(move || {
            // Blocks in the encoder until the hub is killed; the connection then breaks.
            let _ = reqwest::blocking::Client::builder().timeout(Duration::from_secs(90)).build().unwrap()
                .post(format!("{url}/api/v1/printing.job")).bearer_auth(token).json(&json!({"job_id": id})).send();
        })
    };
    let log = d.encoder_log.clone();
    let until = Instant::now() + Duration::from_secs(30);
    while !std::fs::read_to_string(&log).unwrap_or_default().contains("KTP-0002") {
        assert!(Instant::now() < until, "the encoder was never started");
        std::thread::sleep(Duration::from_millis(50));
    }
    hub.kill9();
    poll.join().unwrap();

    // Restarted: both jobs are interrupted, each blank still held by its job and counted in stock.
    let hub = HubProcess::start(dir.path());
    let op = hub.login("pono");
    let q = hub.call(&op, "printing.queue", json!({}));
    for (i, serial) in [(0, "KTP-0001"), (1, "KTP-0002")] {
        let item = q["items"].as_array().unwrap().iter().find(|it| it["recording_id"] == recordings[i].as_str()).unwrap();
        assert_eq!(item["open_job"]["state"], "interrupted", "{item}");
        assert_eq!(item["open_job"]["serial"], serial);
    }
    let sup = hub.login("sari");
    let s = hub.call(&sup, "stock.summary", json!({}));
    assert_eq!((s["counts"]["in_stock"].as_i64(), s["counts"]["in_printer"].as_i64()), (Some(10), Some(2)), "{s}");
    // The operator says what happened: card 1 came out fine; card 2's chip is unknown, so it is spoiled.
    let r = hub.call(&op, "printing.resolve", json!({"job_id": j1["id"], "blank": "good"}));
    assert_eq!(r["state"], "checking");
    hub.call(&op, "printing.confirm", json!({"job_id": j1["id"]}));
    let r = hub.call(&op, "printing.spoil", json!({"job_id": j2["id"], "cause": "gagal_encoding", "corner_cut": true}));
    assert_eq!(r["state"], "spoiled");
    let s = hub.call(&sup, "stock.summary", json!({}));
    assert_eq!((s["counts"]["in_stock"].as_i64(), s["counts"]["printed"].as_i64(), s["counts"]["spoiled"].as_i64(), s["counts"]["in_printer"].as_i64()),
        (Some(8), Some(1), Some(1), Some(0)), "{s}");
    let check = hub.call(&sup, "audit.verify", json!({}));
    assert_eq!(check["ok"], true, "{check}");
}
