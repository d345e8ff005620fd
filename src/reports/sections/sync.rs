//! Sync with central: records sent and central's answers in the range, what waits now, the last
//! success, and how long a recording took to become print-ready.

use rusqlite::{params, Connection, OptionalExtension};

use super::super::model::{Cell, Section, Table};
use super::super::range::Range;
use crate::error::Result;
use crate::queue::metrics::percentile;

pub fn build(c: &Connection, r: &Range) -> Result<Section> {
    let mut s = Section::new("sync", "Pengiriman data ke pusat");
    let sent = c
        .prepare_cached(
            "SELECT kind, COUNT(*), SUM(outcome = 'invalid') FROM outbox WHERE delivered_at >= ?1 AND delivered_at < ?2
             GROUP BY kind ORDER BY kind",
        )?
        .query_map(params![r.start, r.end], |x| Ok((x.get::<_, String>(0)?, x.get::<_, i64>(1)?, x.get::<_, i64>(2)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let kind_label = |k: &str| match k {
        "applicant" => "Biodata penduduk",
        "application" => "Status permohonan",
        "recording" => "Data perekaman",
        "blank_event" => "Peristiwa blangko",
        "issuance_event" => "Penyerahan KTP-el dan Suket",
        "complaint_event" => "Pengaduan",
        "daily_summary" => "Ringkasan laporan harian",
        _ => "Lainnya",
    };
    let recordings_sent = sent.iter().find(|(k, ..)| k == "recording").map_or(0, |x| x.1);
    let answers = |status: &str| -> Result<i64> {
        Ok(c.query_row(
            "SELECT COUNT(*) FROM recording WHERE status = ?3 AND status_at >= ?1 AND status_at < ?2",
            params![r.start, r.end, status],
            |x| x.get(0),
        )?)
    };
    let (prr, dup, failed) = (answers("print_ready_record")?, answers("duplicate_record")?, answers("enroll_failure")?);
    let (waiting, oldest): (i64, Option<String>) =
        c.query_row("SELECT COUNT(*), MIN(created_at) FROM outbox WHERE delivered_at IS NULL", [], |x| Ok((x.get(0)?, x.get(1)?)))?;
    let last_success: Option<String> = c.query_row("SELECT last_success_at FROM sync_state WHERE id = 1", [], |x| x.get(0)).optional()?.flatten();
    let mut hours: Vec<f64> = c
        .prepare_cached(
            "SELECT finished_at, status_at FROM recording WHERE status = 'print_ready_record' AND status_at >= ?1 AND status_at < ?2
             AND finished_at IS NOT NULL",
        )?
        .query_map(params![r.start, r.end], |x| Ok((x.get::<_, String>(0)?, x.get::<_, String>(1)?)))?
        .map(|p| p.map(|(a, b)| (crate::queue::minutes_between(&a, &b) / 60.0).max(0.0)))
        .collect::<rusqlite::Result<_>>()?;
    hours.sort_by(f64::total_cmp);
    let avg = (!hours.is_empty()).then(|| (hours.iter().sum::<f64>() / hours.len() as f64 * 10.0).round() / 10.0);

    s.figure("Perekaman terkirim", Cell::count(recordings_sent));
    s.figure("Siap cetak (PRR)", Cell::count(prr));
    s.figure("Data ganda", Cell::count(dup));
    s.figure("Gagal", Cell::count(failed));
    s.figure("Menunggu dikirim", Cell::count(waiting));
    s.tables.push(Table {
        title: "Terkirim".into(),
        columns: vec!["Jenis data".into(), "Terkirim".into(), "Ditolak pusat".into()],
        rows: sent.iter().map(|(k, n, bad)| vec![Cell::text(kind_label(k)), Cell::count(*n), Cell::count(*bad)]).collect(),
    });
    let at = |t: &Option<String>| t.as_deref().map_or(Cell::Empty, |t| Cell::DateTime(r.local(t)));
    s.tables.push(Table {
        title: "Jawaban pusat dan antrean kirim".into(),
        columns: vec!["".into(), "Nilai".into()],
        rows: vec![
            vec![Cell::text("Siap cetak (PRINT_READY_RECORD)"), Cell::count(prr)],
            vec![Cell::text("Data ganda (DUPLICATE_RECORD)"), Cell::count(dup)],
            vec![Cell::text("Gagal (ENROLL_FAILURE)"), Cell::count(failed)],
            vec![Cell::text("Perekaman sampai siap cetak, rata-rata"), avg.map_or(Cell::Empty, Cell::Hours)],
            vec![Cell::text("Perekaman sampai siap cetak, median"), percentile(&hours, 0.5).map_or(Cell::Empty, Cell::Hours)],
            vec![Cell::text("Menunggu dikirim (saat laporan dibuat)"), Cell::count(waiting)],
            vec![Cell::text("Yang terlama menunggu sejak"), at(&oldest)],
            vec![Cell::text("Terakhir berhasil"), at(&last_success)],
        ],
    });
    Ok(s)
}
