//! The queue: tickets per service and in total, waits against the service standard, the wait
//! buckets and arrivals per hour, per counter and per officer (the numbers of `queue.metrics`).

use rusqlite::Connection;

use super::super::model::{Cell, Chart, ChartKind, Section, Series, Table};
use super::super::range::Range;
use crate::error::Result;
use crate::queue::metrics::{compute, GroupStats, Stats};

/// Upper bounds of the report's wait buckets, minutes: 0–5, 5–10, 10–15, 15–30, 30+.
pub const WAIT_BOUNDS: [f64; 4] = [5.0, 10.0, 15.0, 30.0];
pub const WAIT_LABELS: [&str; 5] = ["0-5", "5-10", "10-15", "15-30", "30+"];

const COLUMNS: [&str; 12] = [
    "", "Diambil", "Dilayani", "Tidak hadir", "Belum dilayani", "Tunggu rata-rata", "Median", "P90", "Terlama",
    "Lama layanan", "Sesuai standar", "Dialihkan",
];

fn row(label: &str, s: &Stats) -> Vec<Cell> {
    let unserved = s.arrived.saturating_sub(s.served + s.no_show);
    vec![
        Cell::text(label),
        Cell::count(s.arrived),
        Cell::count(s.served),
        Cell::count(s.no_show),
        Cell::count(unserved),
        Cell::minutes(s.waiting_avg_minutes),
        Cell::minutes(s.waiting_median_minutes),
        Cell::minutes(s.waiting_p90_minutes),
        Cell::minutes(s.waiting_max_minutes),
        Cell::minutes(s.service_avg_minutes),
        Cell::share(s.within_standard),
        Cell::count(s.transferred),
    ]
}

fn table(title: &str, first: &str, groups: &[GroupStats], total: Option<&Stats>) -> Table {
    let mut columns: Vec<String> = COLUMNS.iter().map(|c| c.to_string()).collect();
    columns[0] = first.to_string();
    let mut rows: Vec<Vec<Cell>> = groups.iter().map(|g| row(&g.label, &g.stats)).collect();
    if let Some(t) = total {
        rows.push(row("Jumlah", t));
    }
    Table { title: title.into(), columns, rows }
}

pub fn build(c: &Connection, r: &Range) -> Result<Section> {
    let m = compute(c, &r.from.to_string(), &r.to.to_string(), &WAIT_BOUNDS)?;
    let mut s = Section::new("queue", "Antrean");
    s.figure("Tiket diambil", Cell::count(m.total.arrived));
    s.figure("Dilayani", Cell::count(m.total.served));
    s.figure("Tidak hadir", Cell::count(m.total.no_show));
    s.figure("Tunggu rata-rata", Cell::minutes(m.total.waiting_avg_minutes));
    s.figure("Tunggu P90", Cell::minutes(m.total.waiting_p90_minutes));
    s.figure("Sesuai standar waktu", Cell::share(m.total.within_standard));
    s.tables.push(table("Per layanan", "Layanan", &m.by_service, Some(&m.total)));
    s.tables.push(table("Per loket", "Loket", &m.by_counter, None));
    s.tables.push(table("Per petugas", "Petugas", &m.by_officer, None));

    let mut hours = [0u32; 24];
    let mut stmt = c.prepare_cached("SELECT issued_at FROM ticket WHERE day BETWEEN ?1 AND ?2")?;
    for at in stmt.query_map([r.from.to_string(), r.to.to_string()], |row| row.get::<_, String>(0))? {
        hours[r.hour(&at?) as usize] += 1;
    }
    // Office hours, widened to any hour that had an arrival.
    let first = hours.iter().position(|&n| n > 0).unwrap_or(7).min(7);
    let last = hours.iter().rposition(|&n| n > 0).unwrap_or(16).max(16);
    s.charts.push(Chart {
        id: "arrivals".into(),
        title: "Kedatangan per jam".into(),
        kind: ChartKind::Bar,
        categories: (first..=last).map(|h| format!("{h:02}")).collect(),
        series: vec![Series { name: "Tiket".into(), values: hours[first..=last].iter().map(|&n| f64::from(n)).collect() }],
        x_label: "jam".into(),
        y_label: "tiket".into(),
    });
    s.charts.push(Chart {
        id: "wait_buckets".into(),
        title: "Lama menunggu".into(),
        kind: ChartKind::Bar,
        categories: WAIT_LABELS.iter().map(|l| l.to_string()).collect(),
        series: vec![Series { name: "Tiket".into(), values: m.total.waiting_buckets.iter().map(|&n| f64::from(n)).collect() }],
        x_label: "menit menunggu".into(),
        y_label: "tiket".into(),
    });
    s.tables.push(Table {
        title: "Lama menunggu (menit)".into(),
        columns: vec!["Rentang".into(), "Tiket".into()],
        rows: WAIT_LABELS.iter().zip(&m.total.waiting_buckets).map(|(l, n)| vec![Cell::text(*l), Cell::count(*n)]).collect(),
    });
    s.notes.push("Tunggu = panggilan terakhir - tiket diambil; lama layanan = selesai - mulai; sesuai standar = lama layanan tidak melebihi standar layanan.".into());
    Ok(s)
}
