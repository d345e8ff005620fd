//! Complaints (pengaduan): received in the range by channel, resolved, rejected, and those past
//! their deadline at the range's end.

use rusqlite::{params, Connection};

use super::super::model::{Cell, Section, Table};
use super::super::range::Range;
use crate::error::Result;

pub fn build(c: &Connection, r: &Range) -> Result<Section> {
    let mut s = Section::new("complaints", "Pengaduan");
    let by_channel = c
        .prepare_cached("SELECT channel, COUNT(*) FROM complaint WHERE received_at >= ?1 AND received_at < ?2 GROUP BY channel ORDER BY COUNT(*) DESC, channel")?
        .query_map(params![r.start, r.end], |x| Ok((x.get::<_, String>(0)?, x.get::<_, i64>(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let received: i64 = by_channel.iter().map(|(_, n)| n).sum();
    let step = |event: &str| -> Result<i64> {
        Ok(c.query_row(
            "SELECT COUNT(DISTINCT complaint_id) FROM complaint_event WHERE event = ?3 AND at >= ?1 AND at < ?2",
            params![r.start, r.end, event],
            |x| x.get(0),
        )?)
    };
    let (resolved, rejected) = (step("answered")?, step("rejected")?);
    // At the end of the range: received by then, not answered, closed or rejected by then, due before its last day.
    let overdue: i64 = c.query_row(
        "SELECT COUNT(*) FROM complaint k WHERE k.received_at < ?1 AND k.deadline < ?2
           AND NOT EXISTS (SELECT 1 FROM complaint_event e WHERE e.complaint_id = k.id AND e.event IN ('answered', 'closed', 'rejected') AND e.at < ?1)",
        params![r.end, r.to.to_string()],
        |x| x.get(0),
    )?;
    let channel = |k: &str| match k {
        "langsung" => "Langsung",
        "telepon" => "Telepon",
        "whatsapp" => "WhatsApp",
        "email" => "Email",
        "kotak_saran" => "Kotak saran",
        other => other,
    }
    .to_string();
    s.figure("Pengaduan diterima", Cell::count(received));
    s.figure("Selesai", Cell::count(resolved));
    s.figure("Melewati batas waktu", Cell::count(overdue));
    s.tables.push(Table {
        title: "Pengaduan".into(),
        columns: vec!["".into(), "Jumlah".into()],
        rows: vec![
            vec![Cell::text("Diterima"), Cell::count(received)],
            vec![Cell::text("Selesai (jawaban dicatat)"), Cell::count(resolved)],
            vec![Cell::text("Ditolak"), Cell::count(rejected)],
            vec![Cell::text("Melewati batas waktu (akhir periode)"), Cell::count(overdue)],
        ],
    });
    s.tables.push(Table {
        title: "Diterima menurut saluran".into(),
        columns: vec!["Saluran".into(), "Jumlah".into()],
        rows: by_channel.iter().map(|(k, n)| vec![Cell::text(channel(k)), Cell::count(*n)]).collect(),
    });
    Ok(s)
}
