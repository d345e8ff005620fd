//! Card printing (cetak KTP-el): print jobs for print-ready records, each tied to one numbered
//! blank; the card printer over IPP; the chip written by Dukcapil's own encoder through an
//! adapter (Loket never holds keys); the operator's check.
//!
//! `machine.rs` is the job's life as a pure rule, `jobs.rs` applies it in the store, and this file
//! talks to the printer and the encoder *between* transactions, so a slow printer never holds the
//! writer and a crash at any point leaves the blank held by an interrupted job (`jobs::recover`).

pub mod card;
pub mod encoder;
pub mod ipp;
pub mod jobs;
pub mod machine;

use crate::api::{Access, Empty, Registry, MANAGERS};
use crate::auth::{Caller, Role};
use crate::error::{Error, Result};
use jobs::JobView;
use machine::Step;
use rusqlite::{params, Connection, OptionalExtension};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

/// Who prints: the print operator, or a supervisor covering the station.
pub const PRINT_ROLES: &[Role] = &[Role::PrintOperator, Role::Supervisor];

// ---- card printers ------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct CardPrinter {
    /// None when adding a printer.
    #[serde(default)]
    #[ts(optional, type = "number")]
    pub id: Option<i64>,
    pub name: String,
    /// `ipp://printer.local:631/ipp/print`, `ipps://…`, or a CUPS queue `http://127.0.0.1:631/printers/NAME`.
    pub uri: String,
    /// Calibration: shift the print right (+) or left (−), in mm.
    pub offset_x_mm: f64,
    /// Calibration: shift the print down (+) or up (−), in mm.
    pub offset_y_mm: f64,
    pub active: bool,
}

#[derive(Debug, Clone, Serialize, JsonSchema, TS)]
pub struct PrinterList {
    pub items: Vec<CardPrinter>,
}

fn printer_from_row(r: &rusqlite::Row) -> rusqlite::Result<CardPrinter> {
    Ok(CardPrinter {
        id: Some(r.get("id")?),
        name: r.get("name")?,
        uri: r.get("uri")?,
        offset_x_mm: r.get("offset_x_mm")?,
        offset_y_mm: r.get("offset_y_mm")?,
        active: r.get("active")?,
    })
}

pub fn printers(conn: &Connection) -> Result<PrinterList> {
    let items = conn
        .prepare_cached("SELECT id, name, uri, offset_x_mm, offset_y_mm, active FROM card_printer ORDER BY name")?
        .query_map([], printer_from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(PrinterList { items })
}

pub fn printer(conn: &Connection, id: i64) -> Result<CardPrinter> {
    conn.query_row("SELECT id, name, uri, offset_x_mm, offset_y_mm, active FROM card_printer WHERE id = ?1", [id], printer_from_row)
        .optional()?
        .ok_or_else(|| Error::field("printer_id", "Printer kartu tidak dikenal; atur di Pengaturan Cetak."))
}

fn save_printer(conn: &Connection, at: chrono::DateTime<chrono::Utc>, caller: &Caller, p: &CardPrinter) -> Result<CardPrinter> {
    let name = p.name.trim();
    if name.is_empty() || name.chars().count() > 60 {
        return Err(Error::field("name", "Nama printer wajib diisi (paling panjang 60 huruf)."));
    }
    let uri = p.uri.trim();
    ipp::PrinterUri::parse(uri).map_err(|e| Error { field: Some("uri".into()), ..e })?;
    for (field, v) in [("offset_x_mm", p.offset_x_mm), ("offset_y_mm", p.offset_y_mm)] {
        if !v.is_finite() || v.abs() > 5.0 {
            return Err(Error::field(field, "Geser kalibrasi paling jauh 5 mm ke tiap arah."));
        }
    }
    let taken: Option<i64> = conn.query_row("SELECT id FROM card_printer WHERE name = ?1", [name], |r| r.get(0)).optional()?;
    if taken.is_some_and(|t| Some(t) != p.id) {
        return Err(Error::field("name", format!("Nama printer '{name}' sudah dipakai.")));
    }
    let id = match p.id {
        Some(id) => {
            let n = conn.execute(
                "UPDATE card_printer SET name = ?2, uri = ?3, offset_x_mm = ?4, offset_y_mm = ?5, active = ?6 WHERE id = ?1",
                params![id, name, uri, p.offset_x_mm, p.offset_y_mm, p.active],
            )?;
            if n == 0 {
                return Err(Error::field("id", "Printer kartu tidak dikenal."));
            }
            id
        }
        None => {
            conn.execute(
                "INSERT INTO card_printer (name, uri, offset_x_mm, offset_y_mm, active) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![name, uri, p.offset_x_mm, p.offset_y_mm, p.active],
            )?;
            conn.last_insert_rowid()
        }
    };
    crate::audit::append(conn, at, Some(&caller.username), "card_printer_saved", Some(&id.to_string()), json!({
        "name": name, "uri": uri, "offset_x_mm": p.offset_x_mm, "offset_y_mm": p.offset_y_mm, "active": p.active,
    }))?;
    printer(conn, id)
}

// ---- commands -------------------------------------------------------------------------------------

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct JobIdRequest {
    pub job_id: String,
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct SpoilJobRequest {
    pub job_id: String,
    pub cause: crate::stock::SpoilCause,
    #[serde(default)]
    #[ts(optional)]
    pub note: Option<String>,
    /// The top right corner of the spoiled card was cut.
    pub corner_cut: bool,
}

/// After an interruption, what the operator found in the printer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum BlankFound {
    /// The blank never went in: it is back in the drawer.
    Unused,
    /// The card came out good: check it.
    Good,
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct ResolveRequest {
    pub job_id: String,
    pub blank: BlankFound,
}

pub fn register(r: &mut Registry) {
    register_station(r);
    let print = Access::Roles(PRINT_ROLES);
    r.add_staff("printing.queue", print, "Print-ready records waiting for a card, and open print jobs", |app, _, req: jobs::QueueRequest| {
        let now = app.now();
        app.store.read(|c| jobs::queue(c, now, &req))
    });
    r.add_staff("printing.printers", Access::Roles(&[Role::PrintOperator, Role::Supervisor, Role::Administrator]), "The station's card printers", |app, _, _: Empty| {
        app.store.read(printers)
    });
    r.add_staff("printing.printer_save", Access::Roles(MANAGERS), "Add or change a card printer (address, calibration)", |app, caller: &Caller, p: CardPrinter| {
        let (now, caller) = (app.now(), caller.clone());
        app.store.write(move |c| save_printer(c, now, &caller, &p))
    });
    r.add_staff("printing.approve_reprint", Access::Roles(MANAGERS), "A supervisor approves printing a card again", |app, caller: &Caller, req: JobIdRequest| {
        let (now, caller) = (app.now(), caller.clone());
        app.store.write(move |c| jobs::approve(c, now, &caller, &req.job_id))
    });
    r.add_staff("printing.confirm", print, "The printed card matches the screen: done", |app, caller: &Caller, req: JobIdRequest| {
        step(app, caller, req.job_id, Step::Confirmed, None)
    });
    r.add_staff("printing.spoil", print, "The card is spoiled: its blank is recorded with the cause", |app, caller: &Caller, req: SpoilJobRequest| {
        let spoilage = crate::stock::Spoilage { cause: req.cause, note: req.note.clone(), corner_cut: req.corner_cut };
        // The same checks as a loose spoiled blank (corner cut, a note for "other"), before anything changes.
        let note = spoilage.check()?;
        step(app, caller, req.job_id, Step::Spoil(req.cause), note)
    });
    r.add_staff("printing.resolve", print, "After an interruption: the blank was not used, or the card is good", |app, caller: &Caller, req: ResolveRequest| {
        let s = match req.blank {
            BlankFound::Unused => Step::BlankUnused,
            BlankFound::Good => Step::CardGood,
        };
        step(app, caller, req.job_id, s, None)
    });
    r.add_staff("printing.cancel", print, "Cancel a queued print job", |app, caller: &Caller, req: JobIdRequest| {
        step(app, caller, req.job_id, Step::Cancel, None)
    });
}

fn step(app: &crate::App, caller: &Caller, job_id: String, s: Step, message: Option<String>) -> Result<JobView> {
    let (now, caller) = (app.now(), caller.clone());
    let view = app.store.write(move |c| jobs::apply(c, now, &job_id, &s, Some(&caller), message.as_deref()))?;
    app.events.publish(crate::events::Event::PrintChanged);
    Ok(view)
}

// ---- the station: printer and encoder, between transactions ----------------------------------------

/// The station's encoder (setting `printing.encoder`, JSON). None until a supervisor sets it.
pub fn encoder_config(conn: &Connection) -> Result<Option<encoder::EncoderConfig>> {
    Ok(crate::settings::get_raw(conn, "printing.encoder")?.and_then(|v| serde_json::from_str(&v).ok()))
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct StationSettings {
    /// Full path of Dukcapil's chip encoder tool on this computer.
    pub encoder_command: String,
    #[serde(default)]
    pub encoder_args: Vec<String>,
    /// Seconds before a silent encoder is stopped (1–3600, usually 120).
    pub encoder_timeout_secs: u32,
}

fn station_settings(conn: &Connection) -> Result<StationSettings> {
    Ok(match encoder_config(conn)? {
        Some(c) => StationSettings { encoder_command: c.command, encoder_args: c.args, encoder_timeout_secs: c.timeout_secs },
        None => StationSettings { encoder_command: String::new(), encoder_args: vec![], encoder_timeout_secs: encoder::DEFAULT_TIMEOUT_SECS },
    })
}

/// The card face of a record, from what the office stored.
pub fn face_of(conn: &Connection, recording_id: &str, issued: chrono::DateTime<chrono::Utc>) -> Result<card::CardFace> {
    let office = crate::setup::require_office(conn)?;
    let row = conn
        .query_row(
            "SELECT p.nik, p.full_name, p.sex, p.birth_place, p.birth_date, p.blood_type, p.religion, p.marital_status,
                p.occupation, p.citizenship, p.address, p.rt, p.rw, p.village_code, r.photo, r.signature
             FROM recording r JOIN application a ON a.id = r.application_id JOIN applicant p ON p.id = a.applicant_id
             WHERE r.id = ?1",
            [recording_id],
            |r| {
                let text = |k: &str| -> rusqlite::Result<String> { r.get(k) };
                Ok((
                    [text("nik")?, text("full_name")?, text("sex")?, text("birth_place")?, text("birth_date")?, text("blood_type")?,
                        text("religion")?, text("marital_status")?, text("occupation")?, text("citizenship")?, text("address")?,
                        text("rt")?, text("rw")?, text("village_code")?],
                    r.get::<_, Option<Vec<u8>>>("photo")?,
                    r.get::<_, Option<Vec<u8>>>("signature")?,
                ))
            },
        )
        .optional()?
        .ok_or_else(|| Error::field("recording_id", "Data perekaman tidak ditemukan."))?;
    let ([nik, name, sex, birth_place, birth_date, blood, religion, marital, occupation, citizenship, address, rt, rw, village], photo, signature) = row;
    let photo = photo.ok_or_else(|| Error::field("recording_id", "Perekaman ini tidak punya foto."))?;
    let region = |code: &str| crate::regions::lookup(code).map(|r| r.name).unwrap_or_default();
    let digits: String = village.chars().filter(|c| c.is_ascii_digit()).collect();
    let (province, regency, district) = (
        region(digits.get(..2).unwrap_or("")),
        region(digits.get(..4).unwrap_or("")),
        region(digits.get(..6).unwrap_or("")),
    );
    let dmy = |iso: &str| chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d").map(|d| d.format("%d-%m-%Y").to_string()).unwrap_or_else(|_| iso.to_string());
    // The card is issued where the office is: its regency without the word KABUPATEN/KOTA.
    let issue_place = office.regency_name.trim_start_matches("KABUPATEN ").trim_start_matches("KOTA ").to_string();
    Ok(card::CardFace {
        province,
        regency,
        nik,
        name,
        birth_place,
        birth_date: dmy(&birth_date),
        sex: if sex == "P" { "PEREMPUAN".into() } else { "LAKI-LAKI".into() },
        // A card shows "-" for an unknown blood group, as SIAK prints it.
        blood_type: if blood.eq_ignore_ascii_case("TIDAK TAHU") { "-".into() } else { blood },
        address,
        rt: format!("{:0>3}", rt),
        rw: format!("{:0>3}", rw),
        village: region(&village),
        district,
        religion,
        marital_status: marital,
        occupation,
        citizenship,
        valid_until: "SEUMUR HIDUP".into(),
        issue_place,
        issue_date: issued.with_timezone(&office.offset()).format("%d-%m-%Y").to_string(),
        photo_jpeg: photo,
        signature_png: signature,
    })
}

/// At the hub's start: jobs that were at the printer or the encoder when it stopped are
/// interrupted, each blank still held by its job until the operator says what happened.
pub fn recover(app: &crate::App) -> Result<usize> {
    let now = app.now();
    let n = app.store.write(move |c| jobs::recover(c, now))?;
    if n > 0 {
        tracing::warn!(jobs = n, "print jobs interrupted by a restart");
    }
    Ok(n)
}

fn options(p: &CardPrinter, background: bool) -> card::CardOptions {
    card::CardOptions { offset_mm: (p.offset_x_mm as f32, p.offset_y_mm as f32), background }
}

/// Press "Cetak": claim the blank, then — outside the transaction — check the printer and send
/// the card. A printer that cannot print now leaves the job queued and the blank in the drawer.
fn start(app: &crate::App, caller: &Caller, req: jobs::StartRequest) -> Result<JobView> {
    let encoder = app.store.read(encoder_config)?;
    match &encoder {
        None => return Err(Error::field("encoder_command", "Perintah encoder chip belum diatur di Pengaturan Cetak.")),
        Some(cfg) => cfg.validate()?,
    }
    let (now, c) = (app.now(), caller.clone());
    let job = app.store.write(move |conn| jobs::claim(conn, now, &c, &req))?;
    app.events.publish(crate::events::Event::PrintChanged);
    if job.state != machine::JobState::Printing {
        return Ok(job); // waits for a supervisor's approval
    }
    let job_id = job.id.clone();
    let fail = |message: String| -> Result<JobView> {
        let (now, id, msg) = (app.now(), job_id.clone(), message.clone());
        app.store.write(move |conn| jobs::claim_state(conn, now, &id, machine::JobState::Printing, &Step::SubmitFailed, Some(&msg)))?;
        app.events.publish(crate::events::Event::PrintChanged);
        Err(Error::new(crate::error::ErrorCode::PrinterUnavailable, message))
    };
    let (setup, pdf) = {
        let printer_id = job.printer_id.unwrap_or_default();
        let recording_id = job.recording_id.clone();
        let now = app.now();
        match app.store.read(|conn| Ok((printer(conn, printer_id)?, face_of(conn, &recording_id, now)?))) {
            Ok((setup, face)) => match card::card_pdf(&face, &options(&setup, false)) {
                Ok(pdf) => (setup, pdf),
                Err(e) => return fail(e.message),
            },
            Err(e) => return fail(e.message),
        }
    };
    let device = match ipp::PrinterUri::parse(&setup.uri) {
        Ok(uri) => ipp::IppPrinter::new(uri),
        Err(e) => return fail(e.message),
    };
    use ipp::CardPrinter as _;
    match device.submit(&pdf, &format!("KTP-el {}", job.receipt_number)) {
        Ok(sent) => {
            let (id, msg) = (job_id.clone(), format!("Dikirim ke {} (pekerjaan printer {}).", setup.name, sent.job_id));
            app.store.write(move |conn| {
                jobs::set_printer_job(conn, &id, sent.job_id as i64, Some(&msg))?;
                jobs::job(conn, &id)
            })
        }
        Err(e) => fail(e.message),
    }
}

/// The print station asks how the job is going: the printer's job state moves it on, and when
/// the card is printed the encoder writes the chip (one screen wins the step; others just read).
fn poll(app: &crate::App, job_id: &str) -> Result<JobView> {
    use machine::JobState;
    let job = app.store.read(|c| jobs::job(c, job_id))?;
    let (Some(printer_job), JobState::Printing) = (job.printer_job_id, job.state) else {
        return Ok(job);
    };
    let setup = app.store.read(|c| printer(c, job.printer_id.unwrap_or_default()))?;
    let device = ipp::IppPrinter::new(ipp::PrinterUri::parse(&setup.uri)?);
    use ipp::CardPrinter as _;
    let write_step = |from: JobState, s: Step, message: Option<String>| -> Result<Option<JobView>> {
        let (now, id) = (app.now(), job_id.to_string());
        let out = app.store.write(move |c| jobs::claim_state(c, now, &id, from, &s, message.as_deref()))?;
        app.events.publish(crate::events::Event::PrintChanged);
        Ok(out)
    };
    let progress = match device.job_state(printer_job as i32) {
        Ok(p) => p,
        Err(e) => {
            let (id, msg) = (job_id.to_string(), e.message);
            return app.store.write(move |c| {
                jobs::set_message(c, &id, &msg)?;
                jobs::job(c, &id)
            });
        }
    };
    match progress.state {
        ipp::JobState::Completed => {
            if write_step(JobState::Printing, Step::PrinterDone, Some("Kartu tercetak; menulis chip…".into()))?.is_none() {
                return app.store.read(|c| jobs::job(c, job_id)); // another screen took this step
            }
            let cfg = app.store.read(encoder_config)?.ok_or_else(|| Error::field("encoder_command", "Perintah encoder chip belum diatur."))?;
            let encode_job = encoder::EncodeJob {
                job_id: job.id.clone(),
                recording_id: job.recording_id.clone(),
                nik: job.nik.clone(),
                blank_serial: job.serial.clone().unwrap_or_default(),
                printer_uri: setup.uri.clone(),
            };
            match encoder::encode(&cfg, &encode_job) {
                encoder::EncodeOutcome::Success { chip_uid } => {
                    let (now, id) = (app.now(), job_id.to_string());
                    app.store.write(move |c| {
                        jobs::set_chip_uid(c, &id, &chip_uid)?;
                        jobs::claim_state(c, now, &id, JobState::Personalising, &Step::Encoded, Some("Chip tertulis. Periksa kartu dengan layar."))
                    })?;
                }
                encoder::EncodeOutcome::Failure { reason } => {
                    write_step(JobState::Personalising, Step::EncodeFailed, Some(format!("Gagal encoding: {reason}")))?;
                }
            }
            app.events.publish(crate::events::Event::PrintChanged);
        }
        ipp::JobState::Aborted | ipp::JobState::Canceled => {
            let why = progress.message.unwrap_or_else(|| "pekerjaan dibatalkan printer".into());
            write_step(JobState::Printing, Step::PrinterAborted, Some(format!("Printer menghentikan pekerjaan: {why}. Periksa blangko di printer.")))?;
        }
        ipp::JobState::Stopped | ipp::JobState::Held | ipp::JobState::Pending | ipp::JobState::Processing => {
            let msg = match progress.state {
                ipp::JobState::Stopped => format!("Printer berhenti: {}", progress.message.unwrap_or_else(|| progress.reasons.join(", "))),
                ipp::JobState::Processing => "Sedang mencetak…".to_string(),
                _ => "Menunggu printer…".to_string(),
            };
            let id = job_id.to_string();
            app.store.write(move |c| jobs::set_message(c, &id, &msg))?;
        }
    }
    app.store.read(|c| jobs::job(c, job_id))
}

/// What the screen shows about a printer, live.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema, TS)]
pub struct PrinterStatusView {
    #[ts(type = "number")]
    pub printer_id: i64,
    pub reachable: bool,
    /// idle | processing | stopped; None when unreachable.
    pub state: Option<String>,
    pub accepting: bool,
    /// printer-state-reasons, each in Bahasa Indonesia.
    pub reasons: Vec<String>,
    /// Why a card cannot be sent now; None when it can.
    pub refusal: Option<String>,
}

fn printer_status(app: &crate::App, printer_id: i64) -> Result<PrinterStatusView> {
    let setup = app.store.read(|c| printer(c, printer_id))?;
    let uri = ipp::PrinterUri::parse(&setup.uri)?;
    Ok(match ipp::printer_status(&uri, std::time::Duration::from_secs(5)) {
        Ok(s) => PrinterStatusView {
            printer_id,
            reachable: true,
            state: Some(format!("{:?}", s.state).to_lowercase()),
            accepting: s.accepting,
            reasons: s.reasons_text.iter().filter(|t| t.as_str() != "Tidak ada masalah").cloned().collect(),
            refusal: s.refusal(),
        },
        Err(e) => PrinterStatusView { printer_id, reachable: false, state: None, accepting: false, reasons: vec![], refusal: Some(e.message) },
    })
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct PrinterIdRequest {
    #[ts(type = "number")]
    pub printer_id: i64,
}

/// The card preview: the face over a drawn stand-in of the blank (never sent to a printer).
#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct PreviewRequest {
    pub recording_id: String,
}

/// A test card for calibration: sample values in every field, a grey photo box, the printer's
/// offsets applied. It goes on a plain white card, never on a numbered blank.
fn test_face(issue_date: String) -> Result<card::CardFace> {
    let photo = image::RgbImage::from_fn(300, 400, |x, y| {
        // A frame and a cross so the photo box's edges show on the card.
        let edge = x < 6 || y < 6 || x >= 294 || y >= 394 || x.abs_diff(y * 3 / 4) < 3;
        if edge { image::Rgb([40, 40, 40]) } else { image::Rgb([200, 200, 200]) }
    });
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 85).encode_image(&photo).map_err(Error::internal)?;
    let sample = |s: &str| s.to_string();
    Ok(card::CardFace {
        province: sample("UJI CETAK"),
        regency: sample("KALIBRASI PRINTER"),
        nik: sample("0000000000000000"),
        name: sample("CONTOH NAMA PEMOHON"),
        birth_place: sample("TEMPAT"),
        birth_date: sample("01-01-2000"),
        sex: sample("LAKI-LAKI"),
        blood_type: sample("-"),
        address: sample("ALAMAT CONTOH"),
        rt: sample("000"),
        rw: sample("000"),
        village: sample("KELURAHAN"),
        district: sample("KECAMATAN"),
        religion: sample("AGAMA"),
        marital_status: sample("STATUS"),
        occupation: sample("PEKERJAAN"),
        citizenship: sample("WNI"),
        valid_until: sample("SEUMUR HIDUP"),
        issue_place: sample("UJI"),
        issue_date,
        photo_jpeg: jpeg,
        signature_png: None,
    })
}

#[derive(Debug, Clone, Serialize, JsonSchema, TS)]
pub struct TestPrintResult {
    /// The job number the printer gave.
    #[ts(type = "number")]
    pub printer_job_id: i64,
    pub message: String,
}

/// Sends the calibration card to a printer (on a plain card: no blank is used or recorded).
fn test_print(app: &crate::App, caller: &Caller, printer_id: i64) -> Result<TestPrintResult> {
    use ipp::CardPrinter as _;
    let now = app.now();
    let (setup, day) = app.store.read(|c| {
        let office = crate::setup::require_office(c)?;
        Ok((printer(c, printer_id)?, now.with_timezone(&office.offset()).format("%d-%m-%Y").to_string()))
    })?;
    let pdf = card::card_pdf(&test_face(day)?, &options(&setup, false))?;
    let device = ipp::IppPrinter::new(ipp::PrinterUri::parse(&setup.uri)?);
    let sent = device.submit(&pdf, "Uji cetak Loket")?;
    let user = caller.username.clone();
    app.store.write(move |c| crate::audit::append(c, now, Some(&user), "card_printer_test", Some(&printer_id.to_string()), json!({"printer_job_id": sent.job_id})))?;
    Ok(TestPrintResult {
        printer_job_id: sent.job_id as i64,
        message: format!("Kartu uji dikirim ke {} (pekerjaan {}). Pakai kartu putih polos, bukan blangko bernomor.", setup.name, sent.job_id),
    })
}

pub fn register_station(r: &mut Registry) {
    r.add_staff("printing.test_print", Access::Roles(MANAGERS), "Print a calibration card on a plain card (no blank is used)", |app, caller: &Caller, req: PrinterIdRequest| {
        test_print(app, caller, req.printer_id)
    });
    let print = Access::Roles(PRINT_ROLES);
    r.add_staff("printing.start", print, "Print a record's card on the blank in the printer", start);
    r.add_staff("printing.job", print, "A print job, moved on by what the printer and the encoder say", |app, _, req: JobIdRequest| poll(app, &req.job_id));
    r.add_staff("printing.printer_status", print, "A card printer's live state (paused, out of blanks, ribbon low, offline)", |app, _, req: PrinterIdRequest| {
        printer_status(app, req.printer_id)
    });
    r.add_staff("printing.station_get", Access::Roles(MANAGERS), "The station's chip encoder settings", |app, _, _: Empty| app.store.read(station_settings));
    r.add_staff("printing.station_save", Access::Roles(MANAGERS), "Set the station's chip encoder (Dukcapil's tool)", |app, caller: &Caller, s: StationSettings| {
        let cfg = encoder::EncoderConfig { command: s.encoder_command.trim().to_string(), args: s.encoder_args.clone(), timeout_secs: s.encoder_timeout_secs };
        cfg.validate()?;
        let (now, user) = (app.now(), caller.username.clone());
        app.store.write(move |c| {
            crate::settings::set_raw(c, "printing.encoder", &serde_json::to_string(&cfg).map_err(Error::internal)?)?;
            crate::audit::append(c, now, Some(&user), "print_station_saved", None, json!({"encoder_command": cfg.command, "timeout_secs": cfg.timeout_secs}))?;
            station_settings(c)
        })
    });
    r.add_staff("printing.card_face", print, "What a record's card will show, for the screen's preview and the check", |app, _, req: PreviewRequest| {
        let now = app.now();
        app.store.read(|c| face_of(c, &req.recording_id, now))
    });
    r.add_staff_file("printing.card_preview", print, "application/pdf", "A record's card face over a stand-in of the blank (PDF, never printed)", |app, _, req: PreviewRequest| {
        let now = app.now();
        let face = app.store.read(|c| face_of(c, &req.recording_id, now))?;
        let pdf = card::card_pdf(&face, &card::CardOptions { offset_mm: (0.0, 0.0), background: true })?;
        Ok(crate::api::FileOut::pdf(pdf, crate::documents::file_name(&format!("pratinjau-ktp-el-{}", face.nik), "", "pdf")))
    });
}
