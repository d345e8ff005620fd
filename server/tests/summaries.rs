//! Daily summaries from the office hub (in this process) to a real `loket-central` process: a
//! `daily_summary` row queued with `loket::sync::enqueue`, the way `reports::keep_day` queues it at
//! the day's close, reaches central through a real sync; `loket-central summaries` lists it per
//! office and day, a summary of the same day generated later replaces it and an older one does not,
//! one central refuses waits in the office's quarantine under its day, and `GET /api/v1/summaries`
//! answers with the reports token only; each way a summary can be refused, straight over the wire.
//! Runs against SQLite always and against PostgreSQL when `LOKET_TEST_DATABASE_URL` is set.

mod common;
mod support;

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};
use support::backends;
use support::office::{call, enrolled};
use support::processes::{self, Server};

use loket::sync::wire::{self, DailySummaryBody, Outcome, SummaryFigure};

const OFFICE: &str = "61.01.09";
const TOKEN: &str = "laporan-kabupaten-rahasia-0123456789";

fn summary(day: &str, generated_at: DateTime<Utc>, tickets: f64) -> Value {
    json!({"day": day, "generated_at": loket::clock::to_db(generated_at), "figures": [
        {"section": "queue", "label": "Tiket diambil", "value": tickets},
        {"section": "queue", "label": "Dilayani", "value": tickets - 2.0},
        {"section": "queue", "label": "Tunggu rata-rata", "value": 14.5},
        {"section": "recording", "label": "Perekaman selesai", "value": 4},
        {"section": "complaints", "label": "Pengaduan diterima", "value": 1},
    ]})
}

fn queue(app: &loket::App, now: DateTime<Utc>, payloads: Vec<Value>) {
    app.store
        .write(move |c| {
            for p in &payloads {
                loket::sync::enqueue(c, now, &uuid::Uuid::now_v7().to_string(), "daily_summary", p)?;
            }
            Ok(())
        })
        .unwrap();
}

fn get(server: &Server, query: &str, token: Option<&str>) -> (u16, Value) {
    let mut req = reqwest::blocking::Client::new().get(format!("http://{}/api/v1/summaries{query}", server.addr));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let r = req.send().unwrap();
    (r.status().as_u16(), r.json().unwrap())
}

#[test]
fn closed_days_reach_central_and_are_listed_per_office_and_day() {
    let root = tempfile::tempdir().unwrap();
    std::fs::write(root.path().join("reports.token"), format!("{TOKEN}\n")).unwrap();
    let token_file = root.path().join("reports.token").display().to_string();
    for (n, backend) in backends(root.path()).into_iter().enumerate() {
        let mut args = vec!["serve".to_string(), "--listen".into(), "127.0.0.1:0".into(), "--reports-token-file".into(), token_file.clone()];
        args.extend(backend.args());
        let central = Server::start(&processes::central_bin(), &args, &[]);
        let (app, _, sup) = enrolled(&root.path().join(format!("office-{n}")), OFFICE, &backend, &central);

        let now = app.now();
        let today = now.date_naive();
        let yesterday = (today - Duration::days(1)).to_string();
        let ahead = (today + Duration::days(5)).to_string();
        queue(&app, now, vec![
            summary(&yesterday, now - Duration::hours(30), 40.0),
            summary(&today.to_string(), now - Duration::hours(1), 25.0),
            // Central refuses this one: a day that has not come yet.
            summary(&ahead, now - Duration::hours(1), 1.0),
        ]);
        let rt = tokio::runtime::Runtime::new().unwrap();
        let report = rt.block_on(loket::sync::cycle(&app)).unwrap();
        assert_eq!((report.sent, report.quarantined), (2, 1), "[{backend:?}] {report:?}");
        let list = call(&app, &sup, "sync.quarantine_list", json!({}));
        let item = &list["items"][0];
        assert_eq!(item["label"], format!("Ringkasan laporan harian {ahead}"), "{list}");
        assert!(item["reason"].as_str().unwrap().contains(&format!("tanggal ringkasan {ahead} di masa depan")), "{list}");

        let text = processes::central_cli(&backend, &["summaries", "--office", OFFICE]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "[{backend:?}] {text}");
        assert!(
            lines[0].starts_with(&format!("{OFFICE}  {yesterday}  Tiket diambil 40  Dilayani 38  Perekaman selesai 4  Pengaduan diterima 1  (dibuat ")),
            "[{backend:?}] {text}"
        );
        assert!(lines[1].starts_with(&format!("{OFFICE}  {today}  Tiket diambil 25  Dilayani 23")), "[{backend:?}] {text}");
        let only = processes::central_cli(&backend, &["summaries", "--from", &today.to_string(), "--to", &today.to_string(), "--csv"]);
        assert_eq!(
            only.lines().collect::<Vec<_>>(),
            [
                "kantor,tanggal,dibuat,Tiket diambil,Dilayani,Perekaman selesai,KTP-el dicetak,KTP-el diserahkan,Pengaduan diterima".to_string(),
                format!("{OFFICE},{today},{},25,23,4,,,1", (now - Duration::hours(1)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            ],
            "[{backend:?}] {only}"
        );

        // The day closed again later replaces it; a late copy of an older one does not.
        let later = now + Duration::seconds(1);
        queue(&app, later, vec![summary(&today.to_string(), now - Duration::minutes(10), 31.0)]);
        queue(&app, later, vec![summary(&today.to_string(), now - Duration::hours(3), 7.0)]);
        let report = rt.block_on(loket::sync::cycle(&app)).unwrap();
        assert_eq!((report.sent, report.quarantined), (2, 0), "[{backend:?}] {report:?}");
        let text = processes::central_cli(&backend, &["summaries", "--office", OFFICE, "--from", &today.to_string()]);
        assert!(text.starts_with(&format!("{OFFICE}  {today}  Tiket diambil 31  Dilayani 29")), "[{backend:?}] {text}");
        assert_eq!(text.lines().count(), 1, "[{backend:?}] {text}");

        // The endpoint, with the reports token only.
        let (status, body) = get(&central, &format!("?office={OFFICE}&from={yesterday}&to={today}"), Some(TOKEN));
        assert_eq!(status, 200, "{body}");
        let all = body["summaries"].as_array().unwrap();
        assert_eq!(all.len(), 2, "{body}");
        assert_eq!((all[1]["office"].as_str(), all[1]["day"].as_str()), (Some(OFFICE), Some(today.to_string().as_str())), "{body}");
        let tickets = all[1]["figures"].as_array().unwrap().iter().find(|f| f["label"] == "Tiket diambil").unwrap();
        assert_eq!((tickets["section"].as_str(), tickets["value"].as_f64()), (Some("queue"), Some(31.0)), "{body}");
        let (status, body) = get(&central, "?from=2000-01-01", Some(TOKEN));
        assert_eq!((status, body["summaries"].as_array().unwrap().len()), (200, 2), "{body}");
        let (status, body) = get(&central, "?from=kemarin", Some(TOKEN));
        assert_eq!((status, body["code"].as_str()), (400, Some("BAD_REQUEST")), "{body}");
        let (status, body) = get(&central, "", None);
        assert_eq!((status, body["code"].as_str()), (401, Some("UNAUTHENTICATED")), "{body}");
        let (status, _) = get(&central, "", Some("laporan-kabupaten-rahasia-0123456788"));
        assert_eq!(status, 401);
        drop(central);

        // Without a reports token the address is closed, and says how to open it.
        let plain = processes::central(&backend, "127.0.0.1:0");
        let (status, body) = get(&plain, "", Some(TOKEN));
        assert_eq!(status, 404, "{body}");
        assert!(body["message"].as_str().unwrap().contains("--reports-token-file"), "{body}");
    }
}

#[test]
fn a_malformed_summary_is_invalid_with_its_reason_and_keeps_nothing() {
    common::each_backend(|c| {
        let office = c.enroll(OFFICE);
        let now = c.now();
        let today = now.date_naive();
        let figure = |label: &str, value: f64| SummaryFigure { section: "queue".into(), label: label.into(), value };
        let good = DailySummaryBody { day: today, generated_at: now - Duration::hours(1), figures: vec![figure("Tiket diambil", 12.0)] };
        let cases: Vec<(DailySummaryBody, &str)> = vec![
            (DailySummaryBody { day: today + Duration::days(2), ..good.clone() }, "di masa depan"),
            (DailySummaryBody { day: chrono::NaiveDate::from_ymd_opt(1999, 12, 31).unwrap(), ..good.clone() }, "sebelum tahun 2000"),
            (DailySummaryBody { generated_at: now + Duration::hours(1), ..good.clone() }, "waktu kejadian di masa depan"),
            (DailySummaryBody { figures: (0..301).map(|i| figure(&format!("angka {i}"), 1.0)).collect(), ..good.clone() }, "paling banyak 300"),
            (DailySummaryBody { figures: vec![figure(" ", 1.0)], ..good.clone() }, "label kosong"),
            (DailySummaryBody { figures: vec![figure(&"x".repeat(101), 1.0)], ..good.clone() }, "lebih dari 100 huruf"),
            (DailySummaryBody { figures: vec![SummaryFigure { section: String::new(), ..figure("a", 1.0) }], ..good.clone() }, "bagian kosong"),
            (DailySummaryBody { figures: vec![figure("Tunggu rata-rata", f64::NAN)], ..good.clone() }, "bukan bilangan terhingga"),
            (DailySummaryBody { figures: vec![figure("Tunggu rata-rata", f64::INFINITY)], ..good.clone() }, "bukan bilangan terhingga"),
        ];
        let mut batch: Vec<_> = cases.iter().enumerate().map(|(i, (b, _))| common::body_record(i as i64 + 1, "daily_summary", OFFICE, now, b)).collect();
        let n = batch.len() as i64;
        // Tomorrow (an office east of central) and exactly 300 figures, each label 100 letters: kept.
        let edge = DailySummaryBody {
            day: today + Duration::days(1),
            figures: (0..wire::MAX_SUMMARY_FIGURES).map(|i| figure(&format!("{i:0>100}"), i as f64)).collect(),
            ..good.clone()
        };
        batch.push(common::body_record(n + 1, "daily_summary", OFFICE, now, &edge));
        let r = office.send(batch);
        let got = common::outcomes(&r);
        assert_eq!(got[..cases.len()], vec![Outcome::Invalid; cases.len()], "[{}] {r:?}", c.backend);
        assert_eq!(got[cases.len()], Outcome::Accepted, "[{}] {r:?}", c.backend);
        for ((_, hint), result) in cases.iter().zip(&r.results) {
            let reason = result.reason.as_deref().unwrap_or_default();
            assert!(reason.starts_with("isi daily_summary tidak sah") && reason.contains(hint), "[{}] {hint}: {reason}", c.backend);
        }
        let kept = loket_central::summaries::list(&c.central, &Default::default()).unwrap();
        assert_eq!(kept.len(), 1, "[{}] {kept:?}", c.backend);
        assert_eq!((kept[0].day, kept[0].figures.len()), (edge.day, 300), "[{}]", c.backend);
        assert_eq!(kept[0].figures[299], edge.figures[299]);
    });
}
