//! The supervisor's reports: one office-local day (or a range) of what the store recorded, as
//! sections of tables and charts ([`model`]), written as an A4 PDF ([`pdf`]), a CSV per section
//! ([`csv`]) or an Excel workbook ([`xlsx`]). Every figure is computed from the recorded rows on a
//! reader connection, never from counters kept on the side, and never on the writer, so exporting
//! never holds up a counter. Closing the day keeps that day's report (`daily_report`), so a past
//! day reads as it stood.

mod chart;
pub mod csv;
pub mod model;
mod pdf;
mod period;
pub mod range;
pub mod sections;
pub mod seed;
mod xlsx;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::api::{Access, Empty, FileOut, Registry, MANAGERS};
use crate::app::App;
use crate::auth::Caller;
use crate::clock::{from_db, to_db};
use crate::error::{Error, Result};
use model::Report;
use range::Range;

/// The office's today by `now` and the day it was set up, both office-local (its zone).
fn office_days(c: &Connection, now: DateTime<Utc>) -> Result<(NaiveDate, NaiveDate)> {
    let offset = crate::setup::require_office(c)?.offset();
    let created: String = c.query_row("SELECT created_at FROM office WHERE id = 1", [], |r| r.get(0))?;
    Ok((now.with_timezone(&offset).date_naive(), from_db(&created).with_timezone(&offset).date_naive()))
}

fn office_range(c: &Connection, from: NaiveDate, to: NaiveDate, now: DateTime<Utc>) -> Result<(Range, crate::setup::Office)> {
    let office = crate::setup::require_office(c)?;
    let (today, first) = office_days(c, now)?;
    Ok((range::checked(from, to, today, first, office.offset())?, office))
}

fn staff_name(c: &Connection, caller: &Caller) -> Result<String> {
    Ok(c.query_row("SELECT full_name FROM staff WHERE id = ?1", [&caller.staff_id], |r| r.get(0)).optional()?.unwrap_or_else(|| caller.username.clone()))
}

/// Computes the report of `[from, to]` from the store, every section; over several days also the
/// figures per day and the comparison with the period of the same length before.
pub fn compute(c: &Connection, from: NaiveDate, to: NaiveDate, now: DateTime<Utc>, by: &str) -> Result<Report> {
    let (r, office) = office_range(c, from, to, now)?;
    let build = |r: &Range| sections::SECTIONS.iter().map(|(_, _, build)| build(c, r)).collect::<Result<Vec<_>>>();
    let one_day = from == to;
    let mut report = Report {
        title: if one_day { "Laporan Harian".into() } else { "Laporan Periode".into() },
        office_name: office.name.clone(),
        district_name: office.district_name.clone(),
        period_label: if one_day {
            office.long_date(from)
        } else {
            format!("{} sampai {}", crate::setup::date_words(from), crate::setup::date_words(to))
        },
        from: from.to_string(),
        to: to.to_string(),
        generated_at: office.long_date_time(now),
        generated_by: by.to_string(),
        sections: build(&r)?,
    };
    if !one_day {
        let before = r.previous();
        let label = format!("{} sampai {}", crate::setup::date_words(before.from), crate::setup::date_words(before.to));
        let comparison = period::comparison(&report, &build(&before)?, &label);
        report.sections.insert(0, period::per_day_section(c, &r)?);
        report.sections.insert(0, comparison);
    }
    Ok(report)
}

/// The report of `[from, to]`: a closed day as kept at its close, anything else computed now.
pub fn load(c: &Connection, from: NaiveDate, to: NaiveDate, now: DateTime<Utc>, by: &str) -> Result<Report> {
    if from == to {
        let kept: Option<String> = c.query_row("SELECT report FROM daily_report WHERE day = ?1", [from.to_string()], |r| r.get(0)).optional()?;
        if let Some(json) = kept {
            return serde_json::from_str(&json).map_err(Error::internal);
        }
    }
    compute(c, from, to, now, by)
}

/// At the day's close: computes the day's report on a reader and keeps it. A failure is logged, never
/// stops the close.
pub fn keep_day(app: &App, caller: &Caller) {
    let now = app.now();
    let made = app.store.read(|c| {
        let office = crate::setup::require_office(c)?;
        let day = now.with_timezone(&office.offset()).date_naive();
        let by = staff_name(c, caller)?;
        Ok((day, by.clone(), compute(c, day, day, now, &by)?))
    });
    let result = made.and_then(|(day, by, report)| {
        let json = serde_json::to_string(&report).map_err(Error::internal)?;
        let summary = day_summary(day, now, &report);
        app.store.write(move |tx| {
            tx.execute(
                "INSERT INTO daily_report (day, generated_at, generated_by, report) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (day) DO UPDATE SET generated_at = excluded.generated_at, generated_by = excluded.generated_by, report = excluded.report",
                params![day.to_string(), to_db(now), by, json],
            )?;
            // Its compact summary goes to central with it: the kabupaten sees every kecamatan's day.
            crate::sync::enqueue(tx, now, &uuid::Uuid::now_v7().to_string(), "daily_summary", &summary)?;
            Ok(())
        })
    });
    if let Err(e) = result {
        tracing::warn!(error = %e.message, "the day's report was not kept");
    }
}

/// The `daily_summary` outbox payload of a kept day: every section's figures that are numbers.
fn day_summary(day: NaiveDate, generated_at: DateTime<Utc>, report: &Report) -> serde_json::Value {
    let figures: Vec<serde_json::Value> = report
        .sections
        .iter()
        .flat_map(|s| {
            s.figures.iter().filter_map(|f| f.value.value().filter(|v| v.is_finite()).map(|v| serde_json::json!({"section": s.id, "label": f.label, "value": v})))
        })
        .collect();
    serde_json::json!({"day": day.to_string(), "generated_at": to_db(generated_at), "figures": figures})
}

/// A day (`from` = `to`) or a range of at most 366 office-local days.
#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct ReportRequest {
    /// The first office-local day, `2026-11-23`.
    pub from: String,
    /// The last day (inclusive); the same as `from` for the daily report.
    pub to: String,
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct CsvReportRequest {
    pub from: String,
    pub to: String,
    /// One of the ids `reports.index` lists (those it marks `period_only` for a range of several days only).
    pub section: String,
    /// `;` (the default, Excel in Indonesian) or `,`.
    #[serde(default)]
    #[ts(optional)]
    pub separator: Option<String>,
    /// `comma` (the default) or `point`.
    #[serde(default)]
    #[ts(optional)]
    pub decimal: Option<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema, TS)]
pub struct SectionInfo {
    pub id: String,
    pub title: String,
    /// Only in a report over several days (the comparison with the period before, the figures per
    /// day): a one-day report has no such section, and `reports.csv` refuses it for one day.
    pub period_only: bool,
}

#[derive(Debug, Clone, Serialize, JsonSchema, TS)]
pub struct KeptDay {
    pub day: String,
    pub generated_at: String,
    pub generated_by: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema, TS)]
pub struct ReportIndex {
    /// The hub's today: the office-local day (`2026-11-23`) by the hub's clock in the office's zone
    /// (WIB, WITA or WIT, from the office setup), whatever the clock and zone of the PC asking. The
    /// latest day a report may cover.
    pub today: String,
    /// Every section a report may have, in the order a period report prints them; those marked
    /// `period_only` only when the range is longer than one day.
    pub sections: Vec<SectionInfo>,
    /// Days whose report was kept at the close, newest first.
    pub kept: Vec<KeptDay>,
}

fn index(c: &Connection, now: DateTime<Utc>) -> Result<ReportIndex> {
    let (today, _) = office_days(c, now)?;
    let kept = c
        .prepare("SELECT day, generated_at, generated_by FROM daily_report ORDER BY day DESC LIMIT 400")?
        .query_map([], |r| Ok(KeptDay { day: r.get(0)?, generated_at: r.get(1)?, generated_by: r.get(2)? }))?
        .collect::<rusqlite::Result<_>>()?;
    let info = |period_only: bool| move |(id, title): (&str, &str)| SectionInfo { id: id.to_string(), title: title.to_string(), period_only };
    let sections = period::SECTIONS
        .iter()
        .copied()
        .map(info(true))
        .chain(sections::SECTIONS.iter().map(|(id, t, _)| (*id, *t)).map(info(false)))
        .collect();
    Ok(ReportIndex { today: today.to_string(), sections, kept })
}

/// The report as an A4 PDF.
pub fn render_pdf(r: &Report) -> Vec<u8> {
    pdf::render(r)
}

/// The report as an Excel workbook.
pub fn render_xlsx(r: &Report) -> Result<Vec<u8>> {
    xlsx::render(r)
}

fn report_of(app: &App, caller: &Caller, from: &str, to: &str) -> Result<Report> {
    let (from, to) = (range::parse_day("from", from)?, range::parse_day("to", to)?);
    let now = app.now();
    app.store.read(|c| {
        let by = staff_name(c, caller)?;
        load(c, from, to, now, &by)
    })
}

fn file_stem(r: &Report) -> String {
    if r.from == r.to {
        format!("laporan-harian-{}", r.from)
    } else {
        format!("laporan-{}-sd-{}", r.from, r.to)
    }
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

pub fn register(r: &mut Registry) {
    let managers = Access::Roles(MANAGERS);
    r.add_staff("reports.index", managers, "The hub's today, the report's sections and the days kept at their close", |app, _, _: Empty| {
        let now = app.now();
        app.store.read(|c| index(c, now))
    });
    r.add_staff_file("reports.pdf", managers, "application/pdf", "The report of a day or a range (A4 PDF)", |app, caller, req: ReportRequest| {
        let report = report_of(app, caller, &req.from, &req.to)?;
        Ok(FileOut::pdf(render_pdf(&report), crate::documents::file_name(&file_stem(&report), "", "pdf")))
    });
    r.add_staff_file("reports.xlsx", managers, XLSX, "The report of a day or a range (Excel workbook)", |app, caller, req: ReportRequest| {
        let report = report_of(app, caller, &req.from, &req.to)?;
        Ok(FileOut { bytes: render_xlsx(&report)?, content_type: XLSX, file_name: crate::documents::file_name(&file_stem(&report), "", "xlsx") })
    });
    r.add_staff_file("reports.csv", managers, "text/csv", "One section of the report (CSV for Excel)", |app, caller, req: CsvReportRequest| {
        let style = csv::CsvStyle::parse(req.separator.as_deref(), req.decimal.as_deref())?;
        let report = report_of(app, caller, &req.from, &req.to)?;
        let Some(section) = report.sections.iter().find(|s| s.id == req.section) else {
            let ids: Vec<&str> = report.sections.iter().map(|s| s.id.as_str()).collect();
            return Err(Error::field("section", format!("Bagian laporan tidak dikenal. Pilih salah satu: {}.", ids.join(", "))));
        };
        Ok(FileOut {
            bytes: csv::section_csv(section, style)?,
            content_type: "text/csv",
            file_name: crate::documents::file_name(&format!("{}-{}", file_stem(&report), req.section), "", "csv"),
        })
    });
}
