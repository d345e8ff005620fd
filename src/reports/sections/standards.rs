//! Against the SOP standards (mutu baku): for each step the office's procedures time, the share of
//! cases that met it and the worst cases by their ticket, application or receipt number. Each
//! standard is an office setting (`report.standard.<key>`) with the procedures' default.

use rusqlite::{params, Connection};

use super::super::model::{Cell, Section, Table};
use super::super::range::Range;
use crate::error::Result;
use crate::queue::minutes_between;

/// (key, what, default, unit) — minutes, except `service_days` (working days).
pub const STANDARDS: [(&str, &str, f64, &str); 6] = [
    ("document_check", "Pemeriksaan berkas", 10.0, "menit"),
    ("recording", "Perekaman", 5.0, "menit"),
    ("sent", "Data terkirim ke pusat", 60.0, "menit"),
    ("printed", "KTP-el dicetak sejak siap cetak", 2880.0, "menit"),
    ("pickup", "Pengambilan KTP-el", 10.0, "menit"),
    ("service_days", "Seluruh layanan", 1.0, "hari kerja"),
];
/// Worst cases listed per standard.
const WORST: usize = 3;

pub fn standard(c: &Connection, key: &str) -> Result<f64> {
    let default = STANDARDS.iter().find(|s| s.0 == key).map_or(0.0, |s| s.2);
    Ok(crate::settings::get_raw(c, &format!("report.standard.{key}"))?.and_then(|v| v.parse().ok()).unwrap_or(default))
}

/// (number, value) pairs: the cases of one standard.
fn cases(c: &Connection, sql: &str, r: &Range, value: impl Fn(&str, &str) -> f64) -> Result<Vec<(String, f64)>> {
    let mut stmt = c.prepare_cached(sql)?;
    let rows = stmt.query_map(params![r.start, r.end], |x| Ok((x.get::<_, String>(0)?, x.get::<_, String>(1)?, x.get::<_, Option<String>>(2)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (number, a, b) = row?;
        // Not done yet (a record still unsent): measured up to now, so it shows as late.
        let b = b.unwrap_or_else(|| crate::clock::to_db(chrono::Utc::now()));
        out.push((number, value(&a, &b)));
    }
    Ok(out)
}

fn describe(v: f64, unit: &str) -> String {
    let n = super::super::model::comma(v, 1);
    match unit {
        "hari kerja" => format!("{} hari kerja", v as i64),
        _ if v >= 120.0 => format!("{} jam", super::super::model::comma(v / 60.0, 1)),
        _ => format!("{n} menit"),
    }
}

pub fn build(c: &Connection, r: &Range) -> Result<Section> {
    let mut s = Section::new("standards", "Pemenuhan standar pelayanan (mutu baku)");
    let minutes = |a: &str, b: &str| minutes_between(a, b).max(0.0);
    let local_day = |t: &str| crate::clock::from_db(t).with_timezone(&r.offset).date_naive();
    let holidays = crate::calendar::holidays(c)?;
    let measured: Vec<Vec<(String, f64)>> = vec![
        // From the application's creation to its first decision: complete or returned.
        // (only applications with a decision in the range can have their first one there)
        cases(c, "SELECT a.number, a.created_at, MIN(e.at) FROM application a JOIN application_event e ON e.application_id = a.id
                  WHERE e.status IN ('ready_to_record', 'returned')
                    AND a.id IN (SELECT application_id FROM application_event WHERE at >= ?1 AND at < ?2 AND status IN ('ready_to_record', 'returned'))
                  GROUP BY a.id HAVING MIN(e.at) >= ?1 AND MIN(e.at) < ?2", r, minutes)?,
        cases(c, "SELECT r.receipt_number, r.started_at, r.finished_at FROM recording r
                  WHERE r.status NOT IN ('in_progress', 'cancelled') AND r.finished_at >= ?1 AND r.finished_at < ?2", r, minutes)?,
        cases(c, "SELECT r.receipt_number, r.finished_at, (SELECT MIN(o.delivered_at) FROM outbox o WHERE o.kind = 'recording' AND o.record_id = r.id)
                  FROM recording r WHERE r.status NOT IN ('in_progress', 'cancelled') AND r.finished_at >= ?1 AND r.finished_at < ?2", r, minutes)?,
        cases(c, "SELECT r.receipt_number, r.status_at, MIN(j.finished_at) FROM print_job j JOIN recording r ON r.id = j.recording_id
                  WHERE j.state = 'done' AND r.status_at IS NOT NULL
                    AND r.id IN (SELECT recording_id FROM print_job WHERE state = 'done' AND finished_at >= ?1 AND finished_at < ?2)
                  GROUP BY r.id HAVING MIN(j.finished_at) >= ?1 AND MIN(j.finished_at) < ?2", r, minutes)?,
        cases(c, "SELECT t.number || ' (' || t.day || ')', t.started_at, t.finished_at FROM ticket t JOIN service v ON v.id = t.service_id
                  WHERE v.kind = 'pickup' AND t.status = 'done' AND t.finished_at >= ?1 AND t.finished_at < ?2", r, minutes)?,
        cases(c, "SELECT r.receipt_number, t.issued_at, r.finished_at FROM recording r JOIN application a ON a.id = r.application_id
                  JOIN ticket t ON t.id = a.ticket_id
                  WHERE r.status NOT IN ('in_progress', 'cancelled') AND r.finished_at >= ?1 AND r.finished_at < ?2", r,
              |a, b| crate::calendar::working_days_between(local_day(a), local_day(b), &holidays) as f64)?,
    ];
    let mut rows = Vec::new();
    let mut worst_rows = Vec::new();
    for ((key, what, _, unit), mut items) in STANDARDS.iter().zip(measured) {
        let limit = standard(c, key)?;
        let met = items.iter().filter(|(_, v)| *v <= limit).count();
        let share = (!items.is_empty()).then(|| met as f64 / items.len() as f64);
        rows.push(vec![
            Cell::text(*what),
            Cell::text(describe(limit, unit)),
            Cell::count(items.len() as i64),
            Cell::count(met as i64),
            Cell::share(share),
        ]);
        items.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        for (number, v) in items.iter().filter(|(_, v)| *v > limit).take(WORST) {
            worst_rows.push(vec![Cell::text(*what), Cell::text(number), Cell::text(describe(*v, unit))]);
        }
        if *key == "document_check" || *key == "recording" || *key == "pickup" {
            s.figure(what, Cell::share(share));
        }
    }
    s.tables.push(Table {
        title: "Standar".into(),
        columns: vec!["Tahap".into(), "Standar".into(), "Diukur".into(), "Memenuhi".into(), "Persentase".into()],
        rows,
    });
    s.tables.push(Table {
        title: format!("Kasus terlama yang melewati standar (paling banyak {WORST} per tahap)"),
        columns: vec!["Tahap".into(), "Nomor".into(), "Waktu".into()],
        rows: worst_rows,
    });
    s.notes.push("Data yang belum terkirim dihitung sampai saat laporan dibuat. Hari kerja: Senin sampai Jumat, di luar hari libur dan cuti bersama dalam kalender kantor.".into());
    Ok(s)
}
