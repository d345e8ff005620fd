//! Recording: finished recordings, biometric exceptions by part and who approved them, and the time
//! from the counter's call to the receipt.

use rusqlite::{params, Connection};

use super::super::model::{Cell, Section, Table};
use super::super::range::Range;
use crate::error::Result;
use crate::queue::metrics::percentile;

/// Finished in the range: every status after `in_progress` but `cancelled`.
pub(crate) const FINISHED: &str = "r.status NOT IN ('in_progress', 'cancelled') AND r.finished_at >= ?1 AND r.finished_at < ?2";

fn part_label(part: &str) -> String {
    let l = match part {
        "right_thumb" => "Ibu jari kanan",
        "right_index" => "Telunjuk kanan",
        "right_middle" => "Jari tengah kanan",
        "right_ring" => "Jari manis kanan",
        "right_little" => "Kelingking kanan",
        "left_thumb" => "Ibu jari kiri",
        "left_index" => "Telunjuk kiri",
        "left_middle" => "Jari tengah kiri",
        "left_ring" => "Jari manis kiri",
        "left_little" => "Kelingking kiri",
        "iris_right" => "Iris kanan",
        "iris_left" => "Iris kiri",
        other => other,
    };
    l.to_string()
}

pub fn build(c: &Connection, r: &Range) -> Result<Section> {
    let mut s = Section::new("recording", "Perekaman");
    let recorded: i64 = c.query_row(&format!("SELECT COUNT(*) FROM recording r WHERE {FINISHED}"), params![r.start, r.end], |x| x.get(0))?;
    let rerecorded: i64 =
        c.query_row(&format!("SELECT COUNT(*) FROM recording r WHERE {FINISHED} AND r.rerecord_of IS NOT NULL"), params![r.start, r.end], |x| x.get(0))?;
    let exceptions = c
        .prepare_cached(&format!(
            "SELECT b.part, COALESCE(st.full_name, '-'), COUNT(*) FROM recording r JOIN biometric b ON b.recording_id = r.id
             LEFT JOIN staff st ON st.id = b.approved_by WHERE {FINISHED} AND b.exception_reason IS NOT NULL
             GROUP BY b.part, st.full_name ORDER BY b.part, st.full_name"
        ))?
        .query_map(params![r.start, r.end], |x| {
            Ok(vec![Cell::text(part_label(&x.get::<_, String>(0)?)), Cell::text(x.get::<_, String>(1)?), Cell::count(x.get::<_, i64>(2)?)])
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let exception_total: i64 = exceptions.iter().filter_map(|row| row[2].value()).sum::<f64>() as i64;

    // From the counter's last call of the applicant's ticket to the receipt.
    let mut spans: Vec<f64> = c
        .prepare_cached(&format!(
            "SELECT t.last_called_at, r.finished_at FROM recording r JOIN application a ON a.id = r.application_id
             JOIN ticket t ON t.id = a.ticket_id WHERE {FINISHED} AND t.last_called_at IS NOT NULL"
        ))?
        .query_map(params![r.start, r.end], |x| Ok((x.get::<_, String>(0)?, x.get::<_, String>(1)?)))?
        .map(|p| p.map(|(a, b)| crate::queue::minutes_between(&a, &b).max(0.0)))
        .collect::<rusqlite::Result<_>>()?;
    spans.sort_by(f64::total_cmp);
    let avg = (!spans.is_empty()).then(|| (spans.iter().sum::<f64>() / spans.len() as f64 * 10.0).round() / 10.0);

    s.figure("Perekaman selesai", Cell::count(recorded));
    s.figure("Pengecualian biometrik", Cell::count(exception_total));
    s.figure("Panggilan sampai bukti (rata-rata)", Cell::minutes(avg));
    s.tables.push(Table {
        title: "Perekaman".into(),
        columns: vec!["".into(), "Nilai".into()],
        rows: vec![
            vec![Cell::text("Perekaman selesai"), Cell::count(recorded)],
            vec![Cell::text("Perekaman ulang"), Cell::count(rerecorded)],
            vec![Cell::text("Panggilan sampai bukti perekaman, rata-rata"), Cell::minutes(avg)],
            vec![Cell::text("Panggilan sampai bukti perekaman, median"), Cell::minutes(percentile(&spans, 0.5))],
            vec![Cell::text("Panggilan sampai bukti perekaman, terlama"), Cell::minutes(spans.last().copied())],
        ],
    });
    s.tables.push(Table {
        title: "Pengecualian biometrik".into(),
        columns: vec!["Bagian".into(), "Disetujui oleh".into(), "Jumlah".into()],
        rows: exceptions,
    });
    Ok(s)
}
