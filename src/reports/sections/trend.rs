//! The 14 days up to the report's last day: recordings finished and cards printed per day, to see
//! at a glance whether the office keeps up.

use chrono::Duration;
use rusqlite::{params, Connection};
use std::collections::BTreeMap;

use super::super::model::{Cell, Chart, ChartKind, Section, Series, Table};
use super::super::range::Range;
use crate::error::Result;

pub const DAYS: i64 = 14;

/// Per office-local day of `r`: how many rows of `sql` (a column of stored UTC times) fall in it.
pub(crate) fn per_day(c: &Connection, r: &Range, sql: &str) -> Result<BTreeMap<String, i64>> {
    let mut out = BTreeMap::new();
    let mut stmt = c.prepare_cached(sql)?;
    for at in stmt.query_map(params![r.start, r.end], |x| x.get::<_, String>(0))? {
        let day = crate::clock::from_db(&at?).with_timezone(&r.offset).date_naive().to_string();
        *out.entry(day).or_insert(0) += 1;
    }
    Ok(out)
}

pub(crate) const RECORDED_AT: &str =
    "SELECT finished_at FROM recording WHERE status NOT IN ('in_progress', 'cancelled') AND finished_at >= ?1 AND finished_at < ?2";
pub(crate) const PRINTED_AT: &str = "SELECT finished_at FROM print_job WHERE state = 'done' AND finished_at >= ?1 AND finished_at < ?2";

pub fn build(c: &Connection, r: &Range) -> Result<Section> {
    let window = Range::new(r.to - Duration::days(DAYS - 1), r.to, r.offset);
    let (recorded, printed) = (per_day(c, &window, RECORDED_AT)?, per_day(c, &window, PRINTED_AT)?);
    let days: Vec<String> = window.each_day().map(|d| d.to_string()).collect();
    let get = |m: &BTreeMap<String, i64>, d: &str| m.get(d).copied().unwrap_or(0);
    let mut s = Section::new("trend", &format!("Tren {DAYS} hari"));
    s.charts.push(Chart {
        id: "trend".into(),
        title: format!("Perekaman dan pencetakan, {DAYS} hari"),
        kind: ChartKind::Line,
        categories: window.each_day().map(|d| d.format("%d/%m").to_string()).collect(),
        series: vec![
            Series { name: "Perekaman".into(), values: days.iter().map(|d| get(&recorded, d) as f64).collect() },
            Series { name: "KTP-el dicetak".into(), values: days.iter().map(|d| get(&printed, d) as f64).collect() },
        ],
        x_label: "tanggal".into(),
        y_label: "jumlah".into(),
    });
    s.tables.push(Table {
        title: format!("{DAYS} hari terakhir"),
        columns: vec!["Tanggal".into(), "Perekaman".into(), "KTP-el dicetak".into()],
        rows: days.iter().map(|d| vec![Cell::Date(d.clone()), Cell::count(get(&recorded, d)), Cell::count(get(&printed, d))]).collect(),
    });
    Ok(s)
}
