//! The monthly blank report for the kabupaten (due by the 5th of the next month): stock at the
//! start and end of the month, what was received (with each berita acara), printed, spoiled by
//! cause, returned or destroyed, and the days whose count did not match. A4 PDF and a CSV for
//! Excel set to Indonesian (`;` between fields, decimal comma, UTF-8 with BOM).

use super::{movements, in_stock_after, SpoilCause, BASELINE_SPOILAGE};
use crate::documents::layout::{Canvas, Face, Style, MM};
use crate::error::{Error, Result};
use chrono::{Datelike, Duration, NaiveDate};
use rusqlite::{params, Connection};

const MONTHS: [&str; 12] =
    ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"];

/// Everything the report says, computed from the event rows.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthlyReport {
    pub office_name: String,
    pub district: String,
    pub regency: String,
    /// `2026-11`
    pub month: String,
    /// `November 2026`
    pub month_label: String,
    pub opening: i64,
    pub received: i64,
    pub printed: i64,
    pub spoiled: i64,
    /// Unused blanks returned or destroyed.
    pub returned: i64,
    pub closing: i64,
    /// Spoiled cards sent back or destroyed this month (they had left the stock when spoiled).
    pub spoiled_disposed: i64,
    pub deliveries: Vec<(String, String, String, i64)>,
    pub by_cause: Vec<(SpoilCause, i64)>,
    pub disposals: Vec<(String, String, i64)>,
    pub differences: Vec<(String, i64, Option<String>)>,
    pub generated: String,
    pub generated_by: String,
}

impl MonthlyReport {
    pub fn spoilage_rate(&self) -> f64 {
        let used = self.printed + self.spoiled;
        if used == 0 { 0.0 } else { self.spoiled as f64 / used as f64 }
    }
}

/// The first and last day of `YYYY-MM`, refused (field `month`) when malformed or in the future.
pub fn month_range(month: &str, today: NaiveDate) -> Result<(NaiveDate, NaiveDate)> {
    let first = NaiveDate::parse_from_str(&format!("{}-01", month.trim()), "%Y-%m-%d")
        .map_err(|_| Error::field("month", format!("Bulan '{}' tidak sah; tulis seperti 2026-11.", month.trim())))?;
    if first > today {
        return Err(Error::field("month", format!("Bulan {} belum tiba.", month.trim())));
    }
    let next = if first.month() == 12 { NaiveDate::from_ymd_opt(first.year() + 1, 1, 1) } else { NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1) }
        .ok_or_else(|| Error::field("month", "Bulan di luar rentang."))?;
    Ok((first, next - Duration::days(1)))
}

pub fn build(conn: &Connection, month: &str, today: NaiveDate, generated: String, generated_by: String) -> Result<MonthlyReport> {
    let (first, last) = month_range(month, today)?;
    let office = crate::setup::require_office(conn)?;
    let (from, to) = (first.to_string(), last.to_string());
    let opening = in_stock_after(conn, &(first - Duration::days(1)).to_string())?;
    let m = movements(conn, &from, &to)?;
    let closing = opening + m.received - m.printed - m.spoiled - m.returned;
    let deliveries = conn
        .prepare("SELECT report_number, received_on, blank_version, card_count FROM blank_delivery WHERE received_on BETWEEN ?1 AND ?2 ORDER BY received_on, report_number")?
        .query_map([&from, &to], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let by_cause = SpoilCause::ALL
        .iter()
        .map(|c| -> Result<(SpoilCause, i64)> {
            let n = conn.query_row(
                "SELECT COUNT(*) FROM blank_event WHERE kind = 'spoiled' AND day BETWEEN ?1 AND ?2 AND cause = ?3",
                params![from, to, c.as_str()],
                |r| r.get(0),
            )?;
            Ok((*c, n))
        })
        .collect::<Result<_>>()?;
    let disposals = conn
        .prepare(
            "SELECT b.report_number, e.kind, COUNT(*) FROM blank_event e JOIN blank_card b ON b.serial = e.serial
             WHERE e.kind IN ('returned', 'destroyed') AND e.day BETWEEN ?1 AND ?2 GROUP BY b.report_number, e.kind ORDER BY MIN(e.id)",
        )?
        .query_map([&from, &to], |r| Ok((r.get::<_, Option<String>>(0)?.unwrap_or_default(), r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let spoiled_disposed = conn.query_row(
        "SELECT COUNT(*) FROM blank_event WHERE kind IN ('returned', 'destroyed') AND from_state = 'spoiled' AND day BETWEEN ?1 AND ?2",
        [&from, &to],
        |r| r.get(0),
    )?;
    let differences = conn
        .prepare("SELECT day, physical_count - closing, explanation FROM blank_posting WHERE day BETWEEN ?1 AND ?2 AND physical_count <> closing ORDER BY day")?
        .query_map([&from, &to], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(MonthlyReport {
        office_name: office.name,
        district: office.district_name,
        regency: office.regency_name,
        month: first.format("%Y-%m").to_string(),
        month_label: format!("{} {}", MONTHS[first.month0() as usize], first.year()),
        opening,
        received: m.received,
        printed: m.printed,
        spoiled: m.spoiled,
        returned: m.returned,
        closing,
        spoiled_disposed,
        deliveries,
        by_cause,
        disposals,
        differences,
        generated,
        generated_by,
    })
}

fn decimal_comma(x: f64) -> String {
    format!("{x:.1}").replace('.', ",")
}

fn csv_field(s: &str) -> String {
    if s.contains([';', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

/// The CSV: one line per figure, `bagian;uraian;jumlah;keterangan`, for Excel in Indonesian.
pub fn csv(r: &MonthlyReport) -> Vec<u8> {
    let mut rows: Vec<[String; 4]> = vec![["bagian".into(), "uraian".into(), "jumlah".into(), "keterangan".into()]];
    let mut row = |a: &str, b: &str, n: i64, c: &str| rows.push([a.into(), b.into(), n.to_string(), c.into()]);
    row("ringkasan", "Stok awal bulan", r.opening, &r.month_label);
    row("ringkasan", "Diterima dari kabupaten", r.received, "");
    row("ringkasan", "Dicetak", r.printed, "");
    row("ringkasan", "Rusak", r.spoiled, "");
    row("ringkasan", "Dikembalikan/dimusnahkan (belum terpakai)", r.returned, "");
    row("ringkasan", "Stok akhir bulan", r.closing, "");
    row("ringkasan", "Kartu rusak yang dikembalikan/dimusnahkan", r.spoiled_disposed, "");
    for (ba, day, version, n) in &r.deliveries {
        row("penerimaan", ba, *n, &format!("{day} versi {version}"));
    }
    for (cause, n) in &r.by_cause {
        row("rusak", cause.label(), *n, "");
    }
    for (ba, kind, n) in &r.disposals {
        row(if kind == "returned" { "dikembalikan" } else { "dimusnahkan" }, ba, *n, "");
    }
    for (day, diff, why) in &r.differences {
        row("selisih", day, *diff, why.as_deref().unwrap_or("belum dijelaskan"));
    }
    let mut out = "\u{feff}".as_bytes().to_vec();
    for r2 in &rows {
        out.extend(r2.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(";").as_bytes());
        out.extend(b"\r\n");
    }
    out.extend(format!("rasio;Rasio kerusakan (%);{};Acuan nasional {}\r\n", decimal_comma(r.spoilage_rate() * 100.0), decimal_comma(BASELINE_SPOILAGE * 100.0)).as_bytes());
    out
}

/// The A4 page. Long lists are cut at what fits, with the count of what was left out said on the
/// page (the CSV has every row).
pub fn pdf(r: &MonthlyReport) -> Vec<u8> {
    let (w, h) = (210.0 * MM, 297.0 * MM);
    let side = 18.0 * MM;
    let col = w - 2.0 * side;
    let mut c = Canvas::new(w, h);
    let body = Style::new(Face::Regular, 10.0);
    let bold = Style::new(Face::Bold, 10.0);
    let mut y = 16.0 * MM;
    y = c.text(y, side, col, &r.office_name, Style::new(Face::Bold, 13.0).center());
    y = c.text(y, side, col, &format!("Kecamatan {} - {}", title_case(&r.district), title_case(&r.regency)), body.center());
    c.rule(side, y + 2.0, col, 1.2);
    y += 10.0;
    y = c.text(y, side, col, "LAPORAN BULANAN BLANGKO KTP-EL", Style::new(Face::Bold, 14.0).center());
    y = c.text(y, side, col, &format!("Bulan {}", r.month_label), Style::new(Face::Regular, 11.0).center());
    y += 12.0;
    let table = |c: &mut Canvas, y: f32, rows: &[(String, String)], strong_last: bool| -> f32 {
        let mut y = y;
        for (i, (label, value)) in rows.iter().enumerate() {
            let s = if strong_last && i + 1 == rows.len() { bold } else { body };
            c.rule(side, y, col, 0.4);
            c.text(y + 3.0, side + 4.0, col * 0.7, label, s);
            let vy = c.text(y + 3.0, side + col * 0.7, col * 0.3 - 4.0, value, Style { align: crate::thermal::Align::Right, ..s });
            y = vy + 3.0;
        }
        c.rule(side, y, col, 0.4);
        y + 10.0
    };
    y = c.text(y, side, col, "Ringkasan", bold);
    y += 3.0;
    let summary = vec![
        ("Stok awal bulan".to_string(), r.opening.to_string()),
        ("Diterima dari kabupaten".into(), format!("+{}", r.received)),
        ("Dicetak".into(), format!("-{}", r.printed)),
        ("Rusak".into(), format!("-{}", r.spoiled)),
        ("Dikembalikan / dimusnahkan (belum terpakai)".into(), format!("-{}", r.returned)),
        ("Stok akhir bulan".into(), r.closing.to_string()),
    ];
    y = table(&mut c, y, &summary, true);
    y = c.text(y, side, col, &format!(
        "Rasio kerusakan {}% dari {} blangko terpakai (acuan nasional sekitar {}%). Kartu rusak yang dikembalikan atau dimusnahkan bulan ini: {}.",
        decimal_comma(r.spoilage_rate() * 100.0), r.printed + r.spoiled, decimal_comma(BASELINE_SPOILAGE * 100.0), r.spoiled_disposed), body);
    y += 10.0;
    y = c.text(y, side, col, "Blangko rusak menurut penyebab", bold);
    y += 3.0;
    let causes: Vec<(String, String)> = r.by_cause.iter().map(|(k, n)| (k.label().to_string(), n.to_string())).collect();
    y = table(&mut c, y, &causes, false);
    let limit = |items: Vec<(String, String)>, room: usize| -> Vec<(String, String)> {
        if items.len() <= room { return items; }
        let more = items.len() - room + 1;
        let mut v: Vec<_> = items.into_iter().take(room - 1).collect();
        v.push((format!("… dan {more} baris lagi (lihat CSV)"), String::new()));
        v
    };
    let sections: [(&str, Vec<(String, String)>); 3] = [
        ("Penerimaan dari kabupaten", r.deliveries.iter().map(|(ba, d, v, n)| (format!("No. {ba}, {d}, versi {v}"), n.to_string())).collect()),
        ("Pengembalian dan pemusnahan", r.disposals.iter().map(|(ba, k, n)| (format!("{} - No. {ba}", if k == "returned" { "Dikembalikan" } else { "Dimusnahkan" }), n.to_string())).collect()),
        ("Selisih hitungan fisik", r.differences.iter().map(|(d, diff, why)| (format!("{d}: {}", why.as_deref().unwrap_or("belum dijelaskan")), format!("{diff:+}"))).collect()),
    ];
    for (heading, rows) in sections {
        y = c.text(y, side, col, heading, bold);
        y += 3.0;
        if rows.is_empty() {
            y = c.text(y, side + 4.0, col, "Tidak ada.", body) + 8.0;
        } else {
            y = table(&mut c, y, &limit(rows, 6), false);
        }
    }
    // The signature block stays at the foot of the page.
    let foot = h - 50.0 * MM;
    let y = y.max(foot);
    c.text(y, side + col * 0.55, col * 0.45, &format!("{}, {}", title_case(&r.district), r.generated), body);
    c.text(y + 14.0, side + col * 0.55, col * 0.45, "Yang membuat laporan,", body);
    c.text(y + 62.0, side + col * 0.55, col * 0.45, &r.generated_by, bold);
    c.into_pdf(&format!("Laporan blangko {}", r.month_label))
}

fn title_case(s: &str) -> String {
    s.split_whitespace()
        .map(|w| {
            let mut ch = w.chars();
            match ch.next() {
                Some(f) => f.to_uppercase().collect::<String>() + &ch.as_str().to_lowercase(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_checked_and_end_on_their_last_day() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        assert_eq!(month_range("2026-02", today).unwrap().1, NaiveDate::from_ymd_opt(2026, 2, 28).unwrap());
        assert_eq!(month_range("2026-12", today).unwrap().1, NaiveDate::from_ymd_opt(2026, 12, 31).unwrap());
        assert_eq!(month_range("2027-01", today).unwrap_err().field.as_deref(), Some("month"));
        assert_eq!(month_range("11-2026", today).unwrap_err().field.as_deref(), Some("month"));
    }

    #[test]
    fn csv_quotes_separators_and_uses_decimal_commas() {
        assert_eq!(csv_field("a;b"), "\"a;b\"");
        assert_eq!(decimal_comma(4.7), "4,7");
    }
}
