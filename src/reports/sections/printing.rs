//! Card printing and blank cards: cards printed, spoiled by cause, reprints; the stock's opening,
//! received, used, spoiled, returned and closing, and how many days the closing stock lasts.

use chrono::Duration;
use rusqlite::{params, Connection};

use super::super::model::{Cell, Section, Table};
use super::super::range::Range;
use crate::error::Result;

pub fn build(c: &Connection, r: &Range) -> Result<Section> {
    let mut s = Section::new("printing", "Pencetakan dan blangko KTP-el");
    let (printed, reprints): (i64, i64) = c.query_row(
        "SELECT COUNT(*), COALESCE(SUM(reprint_reason IS NOT NULL), 0) FROM print_job WHERE state = 'done' AND finished_at >= ?1 AND finished_at < ?2",
        params![r.start, r.end],
        |x| Ok((x.get(0)?, x.get(1)?)),
    )?;
    let spoilage = crate::stock::spoilage(c, &r.from.to_string(), &r.to.to_string())?;
    let balances = crate::stock::balances(c, r.from, r.to)?;
    let opening = balances.first().map_or(0, |b| b.opening);
    let closing = balances.last().map_or(0, |b| b.closing);
    let sum = |f: fn(&crate::stock::Movements) -> i64| balances.iter().map(|b| f(&b.movements)).sum::<i64>();
    let (received, used, spoiled, returned) = (sum(|m| m.received), sum(|m| m.printed), sum(|m| m.spoiled), sum(|m| m.returned));
    // The use of the 14 days up to the range's end, as the stock screen counts it.
    let window = crate::stock::movements(c, &(r.to - Duration::days(13)).to_string(), &r.to.to_string())?;
    let daily_use = (window.printed + window.spoiled) as f64 / 14.0;
    let cover = (daily_use > 0.0).then(|| (closing as f64 / daily_use * 10.0).round() / 10.0);

    s.figure("KTP-el dicetak", Cell::count(printed));
    s.figure("Blangko rusak", Cell::count(spoiled));
    s.figure("Cetak ulang", Cell::count(reprints));
    s.figure("Stok akhir", Cell::count(closing));
    s.tables.push(Table {
        title: "Stok blangko".into(),
        columns: vec!["".into(), "Jumlah".into()],
        rows: vec![
            vec![Cell::text("Stok awal"), Cell::count(opening)],
            vec![Cell::text("Diterima"), Cell::count(received)],
            vec![Cell::text("Terpakai (dicetak)"), Cell::count(used)],
            vec![Cell::text("Rusak"), Cell::count(spoiled)],
            vec![Cell::text("Dikembalikan atau dimusnahkan"), Cell::count(returned)],
            vec![Cell::text("Stok akhir"), Cell::count(closing)],
            vec![Cell::text("Cukup untuk (hari)"), cover.map_or(Cell::Empty, Cell::Number)],
        ],
    });
    s.tables.push(Table {
        title: "Blangko rusak per sebab".into(),
        columns: vec!["Sebab".into(), "Jumlah".into()],
        rows: spoilage.by_cause.iter().map(|k| vec![Cell::text(&k.label), Cell::count(k.count)]).collect(),
    });
    s.tables.push(Table {
        title: "Pencetakan".into(),
        columns: vec!["".into(), "Nilai".into()],
        rows: vec![
            vec![Cell::text("KTP-el dicetak"), Cell::count(printed)],
            vec![Cell::text("Di antaranya cetak ulang"), Cell::count(reprints)],
            vec![Cell::text("Tingkat kerusakan blangko"), Cell::Share(spoilage.rate)],
        ],
    });
    s.notes.push("Awal + diterima - terpakai - rusak - dikembalikan = akhir. Cukup untuk: stok akhir dibagi pemakaian rata-rata 14 hari terakhir.".into());
    Ok(s)
}
