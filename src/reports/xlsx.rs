//! The report as an Excel workbook (rust_xlsxwriter): a cover sheet, then a sheet per section with
//! typed cells (counts and numbers as numbers, shares as percentages, waits as durations, dates as
//! dates), the section's title and first header frozen, columns fitted, and the section's charts as
//! native Excel charts over the data written beside them.

use rust_xlsxwriter::{Chart as XChart, ChartType, Color, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use super::model::{Cell, ChartKind, Report};
use crate::error::{Error, Result};

struct Formats {
    title: Format,
    bold: Format,
    head: Format,
    count: Format,
    number: Format,
    share: Format,
    minutes: Format,
    hours: Format,
    date: Format,
    datetime: Format,
}

fn formats() -> Formats {
    Formats {
        title: Format::new().set_bold().set_font_size(14),
        bold: Format::new().set_bold(),
        head: Format::new().set_bold().set_background_color(Color::RGB(0xEBF0F7)).set_text_wrap(),
        count: Format::new().set_num_format("#,##0"),
        number: Format::new().set_num_format("0.0"),
        share: Format::new().set_num_format("0.0%"),
        // Excel keeps durations as fractions of a day.
        minutes: Format::new().set_num_format("[h]:mm:ss"),
        hours: Format::new().set_num_format("[h]:mm"),
        date: Format::new().set_num_format("dd/mm/yyyy"),
        datetime: Format::new().set_num_format("dd/mm/yyyy hh:mm"),
    }
}

fn date(s: &str) -> Option<ExcelDateTime> {
    let (y, m, d) = (s.get(0..4)?.parse().ok()?, s.get(5..7)?.parse().ok()?, s.get(8..10)?.parse().ok()?);
    let day = ExcelDateTime::from_ymd(y, m, d).ok()?;
    match (s.get(11..13).and_then(|h| h.parse().ok()), s.get(14..16).and_then(|m| m.parse().ok())) {
        (Some(h), Some(mi)) => day.and_hms(h, mi, 0u16).ok(),
        _ => Some(day),
    }
}

fn write(ws: &mut Worksheet, row: u32, col: u16, c: &Cell, f: &Formats) -> std::result::Result<(), XlsxError> {
    match c {
        Cell::Text(s) => ws.write_string(row, col, s).map(drop),
        Cell::Count(n) => ws.write_number_with_format(row, col, *n as f64, &f.count).map(drop),
        Cell::Number(x) => ws.write_number_with_format(row, col, *x, &f.number).map(drop),
        Cell::Share(x) => ws.write_number_with_format(row, col, *x, &f.share).map(drop),
        Cell::Minutes(x) => ws.write_number_with_format(row, col, x / 1440.0, &f.minutes).map(drop),
        Cell::Hours(x) => ws.write_number_with_format(row, col, x / 24.0, &f.hours).map(drop),
        Cell::Date(s) => match date(s) {
            Some(d) => ws.write_datetime_with_format(row, col, d, &f.date).map(drop),
            None => ws.write_string(row, col, s).map(drop),
        },
        Cell::DateTime(s) => match date(s) {
            Some(d) => ws.write_datetime_with_format(row, col, d, &f.datetime).map(drop),
            None => ws.write_string(row, col, s).map(drop),
        },
        Cell::Empty => Ok(()),
    }
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(title: &str) -> String {
    title.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect()
}

fn build(r: &Report) -> std::result::Result<Vec<u8>, XlsxError> {
    let f = formats();
    let mut wb = Workbook::new();
    let cover = wb.add_worksheet().set_name("Laporan")?;
    cover.write_string_with_format(0, 0, &r.title, &f.title)?;
    let lines = [
        ("Kantor", r.office_name.clone()),
        ("Kecamatan", r.district_name.clone()),
        ("Periode", r.period_label.clone()),
        ("Diekspor oleh", r.generated_by.clone()),
        ("Diekspor pada", r.generated_at.clone()),
    ];
    for (i, (k, v)) in lines.iter().enumerate() {
        cover.write_string_with_format(2 + i as u32, 0, *k, &f.bold)?;
        cover.write_string(2 + i as u32, 1, v)?;
    }
    cover.autofit();
    for s in &r.sections {
        let name = sheet_name(&s.title);
        let ws = wb.add_worksheet().set_name(&name)?;
        ws.write_string_with_format(0, 0, &s.title, &f.title)?;
        let mut row = 1u32;
        for (ti, t) in s.tables.iter().enumerate() {
            if ti > 0 {
                row += 1;
                ws.write_string_with_format(row, 0, &t.title, &f.bold)?;
                row += 1;
            }
            for (c, h) in t.columns.iter().enumerate() {
                ws.write_string_with_format(row, c as u16, if ti == 0 && c == 0 && h.is_empty() { &t.title } else { h }, &f.head)?;
            }
            row += 1;
            for cells in &t.rows {
                for (c, cell) in cells.iter().enumerate() {
                    write(ws, row, c as u16, cell, &f)?;
                }
                row += 1;
            }
        }
        row += 1;
        ws.write_string_with_format(row, 0, "Ringkasan", &f.bold)?;
        for fig in &s.figures {
            row += 1;
            ws.write_string(row, 0, &fig.label)?;
            write(ws, row, 1, &fig.value, &f)?;
        }
        // The charts' data beside the tables, and the charts over it.
        let data_col: u16 = s.tables.iter().map(|t| t.columns.len() as u16).max().unwrap_or(2) + 2;
        let mut data_row = 1u32;
        for ch in &s.charts {
            ws.write_string_with_format(data_row, data_col, &ch.title, &f.bold)?;
            for (k, series) in ch.series.iter().enumerate() {
                ws.write_string_with_format(data_row + 1, data_col + 1 + k as u16, &series.name, &f.head)?;
            }
            ws.write_string_with_format(data_row + 1, data_col, &ch.x_label, &f.head)?;
            for (i, cat) in ch.categories.iter().enumerate() {
                let r0 = data_row + 2 + i as u32;
                ws.write_string(r0, data_col, cat)?;
                for (k, series) in ch.series.iter().enumerate() {
                    ws.write_number(r0, data_col + 1 + k as u16, series.values.get(i).copied().unwrap_or(0.0))?;
                }
            }
            let (first, last) = (data_row + 2, data_row + 1 + ch.categories.len().max(1) as u32);
            let mut chart = XChart::new(match ch.kind {
                ChartKind::Bar => ChartType::Column,
                ChartKind::Line => ChartType::Line,
            });
            chart.title().set_name(&ch.title);
            chart.x_axis().set_name(&ch.x_label);
            chart.y_axis().set_name(&ch.y_label);
            for (k, series) in ch.series.iter().enumerate() {
                let col = data_col + 1 + k as u16;
                chart
                    .add_series()
                    .set_name(series.name.as_str())
                    .set_categories((name.as_str(), first, data_col, last, data_col))
                    .set_values((name.as_str(), first, col, last, col));
            }
            if ch.series.len() < 2 {
                chart.legend().set_hidden();
            }
            ws.insert_chart(data_row, data_col + 2 + ch.series.len() as u16, &chart)?;
            data_row = last.max(data_row + 16) + 2;
        }
        ws.set_freeze_panes(2, 0)?;
        ws.autofit();
    }
    wb.save_to_buffer()
}

pub fn render(r: &Report) -> Result<Vec<u8>> {
    build(r).map_err(Error::internal)
}
