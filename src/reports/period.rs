//! What a report over several days adds: the key figures per day, and every section's key figures
//! beside those of the period of the same length just before.

use std::collections::BTreeMap;

use rusqlite::{params, Connection};

use super::model::{Cell, Report, Section, Table};
use super::range::Range;
use super::sections::trend::{per_day, PRINTED_AT, RECORDED_AT};
use crate::error::Result;

/// (id, title) of the sections only a report over several days has, in the order they print (before
/// the others).
pub const SECTIONS: &[(&str, &str)] = &[COMPARISON, PER_DAY];
const COMPARISON: (&str, &str) = ("comparison", "Perbandingan dengan periode sebelumnya");
const PER_DAY: (&str, &str) = ("per_day", "Per hari");

/// Tickets, served, recordings, cards printed, cards handed over and Suket issued, day by day.
pub fn per_day_section(c: &Connection, r: &Range) -> Result<Section> {
    let tickets: BTreeMap<String, (i64, i64)> = c
        .prepare_cached("SELECT day, COUNT(*), COALESCE(SUM(status = 'done'), 0) FROM ticket WHERE day BETWEEN ?1 AND ?2 GROUP BY day")?
        .query_map(params![r.from.to_string(), r.to.to_string()], |x| Ok((x.get::<_, String>(0)?, (x.get(1)?, x.get(2)?))))?
        .collect::<rusqlite::Result<_>>()?;
    let recorded = per_day(c, r, RECORDED_AT)?;
    let printed = per_day(c, r, PRINTED_AT)?;
    let handed = per_day(c, r, "SELECT at FROM handover WHERE at >= ?1 AND at < ?2")?;
    let suket = per_day(c, r, "SELECT issued_at FROM suket WHERE issued_at >= ?1 AND issued_at < ?2")?;
    let get = |m: &BTreeMap<String, i64>, d: &str| m.get(d).copied().unwrap_or(0);
    let mut rows = Vec::new();
    let mut sums = [0i64; 6];
    for d in r.each_day().map(|d| d.to_string()) {
        let (t, served) = tickets.get(&d).copied().unwrap_or((0, 0));
        let v = [t, served, get(&recorded, &d), get(&printed, &d), get(&handed, &d), get(&suket, &d)];
        for (s, x) in sums.iter_mut().zip(v) {
            *s += x;
        }
        let mut row = vec![Cell::Date(d)];
        row.extend(v.map(Cell::count));
        rows.push(row);
    }
    let mut total = vec![Cell::text("Jumlah")];
    total.extend(sums.map(Cell::count));
    rows.push(total);
    let mut s = Section::new(PER_DAY.0, PER_DAY.1);
    s.tables.push(Table {
        title: "Per hari".into(),
        columns: ["Tanggal", "Tiket", "Dilayani", "Perekaman", "KTP-el dicetak", "KTP-el diserahkan", "Suket terbit"].map(String::from).to_vec(),
        rows,
    });
    Ok(s)
}

/// Each section's key figures now and in the period before, with the change.
pub fn comparison(now: &Report, before: &[Section], before_label: &str) -> Section {
    let mut rows = Vec::new();
    for s in &now.sections {
        let Some(prev) = before.iter().find(|p| p.id == s.id) else { continue };
        for f in &s.figures {
            let old = prev.figures.iter().find(|p| p.label == f.label).map(|p| p.value.clone()).unwrap_or(Cell::Empty);
            let change = match (f.value.value(), old.value()) {
                (Some(a), Some(b)) if b != 0.0 && !matches!(f.value, Cell::Share(_)) => Cell::Share((a - b) / b),
                (Some(a), Some(b)) if matches!(f.value, Cell::Share(_)) => Cell::Number((a - b) * 100.0),
                _ => Cell::Empty,
            };
            rows.push(vec![Cell::text(format!("{}: {}", s.title, f.label)), f.value.clone(), old, change]);
        }
    }
    let mut c = Section::new(COMPARISON.0, COMPARISON.1);
    c.tables.push(Table {
        title: format!("Dibandingkan dengan {before_label}"),
        columns: ["Angka", "Periode ini", "Periode sebelumnya", "Perubahan"].map(String::from).to_vec(),
        rows,
    });
    c.notes.push("Perubahan: persen dari periode sebelumnya; untuk angka persentase, selisihnya dalam poin persen.".into());
    c
}
