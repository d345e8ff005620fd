//! A section as CSV for the office's Excel: UTF-8 with a byte-order mark (so Excel reads the
//! letters right), `;` or `,` between fields, and a decimal comma or point. Numbers are plain
//! numbers; the unit of a column (menit, jam, %) is in its header.

use super::model::{column_unit, Cell, Section};
use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvStyle {
    pub separator: u8,
    pub decimal_comma: bool,
}

impl CsvStyle {
    /// Excel set to Indonesian: `;` and a decimal comma. `separator` is `;` or `,`; `decimal` is
    /// `comma` or `point`.
    pub fn parse(separator: Option<&str>, decimal: Option<&str>) -> Result<CsvStyle> {
        let separator = match separator.unwrap_or(";") {
            ";" | "semicolon" => b';',
            "," | "comma" => b',',
            _ => return Err(Error::field("separator", "Pemisah kolom: ; (titik koma) atau , (koma).")),
        };
        let decimal_comma = match decimal.unwrap_or("comma") {
            "comma" | "," => true,
            "point" | "." => false,
            _ => return Err(Error::field("decimal", "Tanda desimal: comma (koma) atau point (titik).")),
        };
        if separator == b',' && decimal_comma {
            return Err(Error::field("decimal", "Dengan pemisah kolom koma, tanda desimal harus titik."));
        }
        Ok(CsvStyle { separator, decimal_comma })
    }

    fn number(&self, x: f64, decimals: usize) -> String {
        let s = format!("{x:.decimals$}");
        if self.decimal_comma {
            s.replace('.', ",")
        } else {
            s
        }
    }

    fn cell(&self, c: &Cell) -> String {
        match c {
            Cell::Text(s) | Cell::Date(s) | Cell::DateTime(s) => s.clone(),
            Cell::Count(n) => n.to_string(),
            Cell::Number(x) | Cell::Minutes(x) | Cell::Hours(x) => self.number(*x, 1),
            Cell::Share(x) => self.number(x * 100.0, 1),
            Cell::Empty => String::new(),
        }
    }
}

fn unit<'a>(column: impl IntoIterator<Item = &'a Cell>) -> String {
    column_unit(column).map(|u| format!(" ({u})")).unwrap_or_default()
}

/// The section's figures, then each table under its title, a blank line between.
pub fn section_csv(s: &Section, style: CsvStyle) -> Result<Vec<u8>> {
    let mut out = "\u{FEFF}".as_bytes().to_vec();
    let io = |e: csv::Error| Error::internal(e);
    // One writer per block, the empty line written between them by hand: the csv crate writes a
    // record of no fields as `""` (so that it reads back as one), which a spreadsheet shows.
    fn block(out: &mut Vec<u8>, separator: u8) -> csv::Writer<&mut Vec<u8>> {
        csv::WriterBuilder::new().delimiter(separator).flexible(true).from_writer(out)
    }
    {
        let mut w = block(&mut out, style.separator);
        w.write_record([s.title.as_str()]).map_err(io)?;
        for f in &s.figures {
            w.write_record([f.label.clone() + &unit([&f.value]), style.cell(&f.value)]).map_err(io)?;
        }
        w.flush().map_err(Error::internal)?;
    }
    for t in &s.tables {
        out.push(b'\n');
        let mut w = block(&mut out, style.separator);
        w.write_record([t.title.as_str()]).map_err(io)?;
        let header: Vec<String> =
            t.columns.iter().enumerate().map(|(i, h)| format!("{h}{}", unit(t.rows.iter().filter_map(|r| r.get(i))))).collect();
        w.write_record(&header).map_err(io)?;
        for r in &t.rows {
            w.write_record(r.iter().map(|c| style.cell(c))).map_err(io)?;
        }
        w.flush().map_err(Error::internal)?;
    }
    Ok(out)
}
