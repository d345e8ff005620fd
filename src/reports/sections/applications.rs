//! Applications and document checks: new applications by kind, files found complete, files
//! returned with the documents most often missing, and returned applicants who came back.

use rusqlite::{params, Connection};

use super::super::model::{Cell, Section, Table};
use super::super::range::Range;
use crate::error::Result;
use crate::intake::ApplicationKind;

pub fn build(c: &Connection, r: &Range) -> Result<Section> {
    let mut s = Section::new("applications", "Permohonan dan pemeriksaan berkas");
    // Per kind: applications opened, files complete, files returned in the range.
    let mut rows = Vec::new();
    let (mut opened_all, mut complete_all, mut returned_all) = (0i64, 0i64, 0i64);
    // Per kind: opened in the range, found complete in the range, returned in the range.
    let grouped = |sql: &str| -> Result<Vec<(String, i64)>> {
        Ok(c.prepare_cached(sql)?.query_map(params![r.start, r.end], |x| Ok((x.get(0)?, x.get(1)?)))?.collect::<rusqlite::Result<_>>()?)
    };
    let opened = grouped("SELECT kind, COUNT(*) FROM application WHERE created_at >= ?1 AND created_at < ?2 GROUP BY kind")?;
    let decided = |status: &str, count: &str| {
        grouped(&format!(
            "SELECT b.kind, {count} FROM application_event e JOIN application b ON b.id = e.application_id
             WHERE e.at >= ?1 AND e.at < ?2 AND e.status = '{status}' GROUP BY b.kind"
        ))
    };
    let (complete, returned) = (decided("ready_to_record", "COUNT(DISTINCT e.application_id)")?, decided("returned", "COUNT(*)")?);
    let of = |v: &[(String, i64)], kind: ApplicationKind| v.iter().filter(|(k, _)| ApplicationKind::parse(k) == kind).map(|(_, n)| n).sum::<i64>();
    let counts: Vec<(String, i64, i64, i64)> = [ApplicationKind::New, ApplicationKind::Lost, ApplicationKind::Damaged, ApplicationKind::DataChange, ApplicationKind::MovedIn]
        .into_iter()
        .map(|k| (k.as_str().to_string(), of(&opened, k), of(&complete, k), of(&returned, k)))
        .collect();
    for kind in [ApplicationKind::New, ApplicationKind::Lost, ApplicationKind::Damaged, ApplicationKind::DataChange, ApplicationKind::MovedIn] {
        let (opened, complete, returned) =
            counts.iter().find(|(k, ..)| ApplicationKind::parse(k) == kind).map_or((0, 0, 0), |(_, o, c, r)| (*o, *c, *r));
        (opened_all, complete_all, returned_all) = (opened_all + opened, complete_all + complete, returned_all + returned);
        rows.push(vec![Cell::text(kind.label()), Cell::count(opened), Cell::count(complete), Cell::count(returned)]);
    }
    rows.push(vec![Cell::text("Jumlah"), Cell::count(opened_all), Cell::count(complete_all), Cell::count(returned_all)]);
    s.tables.push(Table {
        title: "Per jenis permohonan".into(),
        columns: vec!["Jenis".into(), "Permohonan baru".into(), "Berkas lengkap".into(), "Dikembalikan".into()],
        rows,
    });

    // The documents missing or not valid in the files returned in the range, as they were at the
    // return (`return_item`), whatever the applicant brought afterwards.
    let missing = c
        .prepare_cached(
            "SELECT q.name, SUM(i.status = 'missing'), SUM(i.status = 'invalid')
             FROM application_event e JOIN return_item i ON i.event_id = e.id JOIN requirement q ON q.id = i.requirement_id
             WHERE e.status = 'returned' AND e.at >= ?1 AND e.at < ?2
             GROUP BY q.name ORDER BY COUNT(*) DESC, q.name LIMIT 10",
        )?
        .query_map(params![r.start, r.end], |x| Ok(vec![Cell::text(x.get::<_, String>(0)?), Cell::count(x.get::<_, i64>(1)?), Cell::count(x.get::<_, i64>(2)?)]))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    s.tables.push(Table {
        title: "Dokumen yang paling sering kurang".into(),
        columns: vec!["Dokumen".into(), "Tidak ada".into(), "Tidak sah".into()],
        rows: missing,
    });

    // Came back: files complete in the range that had been returned before.
    let came_back: i64 = c.query_row(
        "SELECT COUNT(DISTINCT e.application_id) FROM application_event e
         WHERE e.status = 'ready_to_record' AND e.at >= ?1 AND e.at < ?2
           AND EXISTS (SELECT 1 FROM application_event p WHERE p.application_id = e.application_id AND p.status = 'returned' AND p.at < e.at)",
        params![r.start, r.end],
        |x| x.get(0),
    )?;
    s.figure("Permohonan baru", Cell::count(opened_all));
    s.figure("Berkas lengkap", Cell::count(complete_all));
    s.figure("Berkas dikembalikan", Cell::count(returned_all));
    s.figure("Kembali setelah dikembalikan", Cell::count(came_back));
    s.notes.push("Berkas lengkap dan dikembalikan dihitung menurut hari pemeriksaan, bukan hari permohonan dibuat.".into());
    Ok(s)
}
