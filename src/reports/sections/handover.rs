//! After the print: cards handed over (in person or to a representative), printed cards still
//! waiting to be collected at the range's end, and the Suket issued, in force and about to end.

use chrono::Duration;
use rusqlite::{params, Connection};

use super::super::model::{Cell, Section, Table};
use super::super::range::Range;
use crate::error::Result;

pub fn build(c: &Connection, r: &Range) -> Result<Section> {
    let mut s = Section::new("handover", "Penyerahan KTP-el dan Suket");
    let (handed, by_rep): (i64, i64) = c.query_row(
        "SELECT COUNT(*), COALESCE(SUM(collector = 'representative'), 0) FROM handover WHERE at >= ?1 AND at < ?2",
        params![r.start, r.end],
        |x| Ok((x.get(0)?, x.get(1)?)),
    )?;
    // Printed by the end of the range, not handed over by then (a recording's latest card only).
    let waiting: i64 = c.query_row(
        "SELECT COUNT(*) FROM print_job j WHERE j.state = 'done' AND j.finished_at < ?1
           AND NOT EXISTS (SELECT 1 FROM handover h WHERE h.print_job_id = j.id AND h.at < ?1)
           AND NOT EXISTS (SELECT 1 FROM print_job n WHERE n.recording_id = j.recording_id AND n.state = 'done' AND n.finished_at > j.finished_at AND n.finished_at < ?1)",
        [&r.end],
        |x| x.get(0),
    )?;
    let end_day = r.to.to_string();
    let soon = (r.to + Duration::days(i64::from(crate::suket::EXPIRING_DAYS))).to_string();
    let (issued, reprinted): (i64, i64) = c.query_row(
        "SELECT COUNT(*), COALESCE(SUM(prints - 1), 0) FROM suket WHERE issued_at >= ?1 AND issued_at < ?2",
        params![r.start, r.end],
        |x| Ok((x.get(0)?, x.get(1)?)),
    )?;
    // In force at the end of the range: issued by then, not ended by then, its last day not past.
    let in_force = "issued_at < ?1 AND (ended_at IS NULL OR ended_at >= ?1) AND valid_until >= ?2";
    let valid: i64 = c.query_row(&format!("SELECT COUNT(*) FROM suket WHERE {in_force}"), params![r.end, end_day], |x| x.get(0))?;
    let expiring: i64 =
        c.query_row(&format!("SELECT COUNT(*) FROM suket WHERE {in_force} AND valid_until <= ?3"), params![r.end, end_day, soon], |x| x.get(0))?;
    let superseded: i64 = c.query_row(
        "SELECT COUNT(*) FROM suket WHERE state = 'superseded' AND ended_at >= ?1 AND ended_at < ?2",
        params![r.start, r.end],
        |x| x.get(0),
    )?;

    s.figure("KTP-el diserahkan", Cell::count(handed));
    s.figure("Sudah dicetak, belum diambil", Cell::count(waiting));
    s.figure("Suket terbit", Cell::count(issued));
    s.figure("Suket berlaku", Cell::count(valid));
    s.tables.push(Table {
        title: "Penyerahan KTP-el".into(),
        columns: vec!["".into(), "Jumlah".into()],
        rows: vec![
            vec![Cell::text("Diserahkan"), Cell::count(handed)],
            vec![Cell::text("Di antaranya kepada wakil"), Cell::count(by_rep)],
            vec![Cell::text("Sudah dicetak, belum diambil (akhir periode)"), Cell::count(waiting)],
        ],
    });
    s.tables.push(Table {
        title: "Surat keterangan pengganti KTP-el (Suket)".into(),
        columns: vec!["".into(), "Jumlah".into()],
        rows: vec![
            vec![Cell::text("Terbit"), Cell::count(issued)],
            vec![Cell::text("Cetak ulang"), Cell::count(reprinted)],
            vec![Cell::text("Digantikan KTP-el"), Cell::count(superseded)],
            vec![Cell::text("Berlaku (akhir periode)"), Cell::count(valid)],
            vec![Cell::text(format!("Habis dalam {} hari", crate::suket::EXPIRING_DAYS)), Cell::count(expiring)],
        ],
    });
    Ok(s)
}
