//! What a report is, before it is a file: sections of titled tables and charts, each cell typed
//! (a count, a number, a share, minutes, a date…), so the PDF, the CSV and the XLSX writers show
//! the same figures each in their own way, and a kept day's report is this, serialised.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// "Laporan Harian" or "Laporan Periode".
    pub title: String,
    pub office_name: String,
    pub district_name: String,
    /// The day or range, as people write it: "Senin, 23 November 2026".
    pub period_label: String,
    /// `YYYY-MM-DD`
    pub from: String,
    pub to: String,
    pub generated_at: String,
    pub generated_by: String,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    /// `queue`, `applications`, …: the CSV file and the XLSX sheet are named after it.
    pub id: String,
    pub title: String,
    /// The few numbers that sum up the section; a period report compares them with the period before.
    pub figures: Vec<Figure>,
    pub tables: Vec<Table>,
    pub charts: Vec<Chart>,
    /// Lines of plain text under the tables (what a figure means, what is not counted).
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    pub label: String,
    pub value: Cell,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// One value, typed for the spreadsheet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", content = "v", rename_all = "snake_case")]
pub enum Cell {
    Text(String),
    Count(i64),
    /// A number shown with one decimal.
    Number(f64),
    /// A share 0–1, shown as a percentage.
    Share(f64),
    /// A duration in minutes.
    Minutes(f64),
    /// A duration in hours.
    Hours(f64),
    /// An office-local date, `YYYY-MM-DD`.
    Date(String),
    /// An office-local date and time, `YYYY-MM-DD HH:MM`.
    DateTime(String),
    Empty,
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    pub fn count(n: impl TryInto<i64>) -> Cell {
        Cell::Count(n.try_into().unwrap_or(i64::MAX))
    }

    pub fn minutes(m: Option<f64>) -> Cell {
        m.map_or(Cell::Empty, Cell::Minutes)
    }

    pub fn share(s: Option<f64>) -> Cell {
        s.map_or(Cell::Empty, Cell::Share)
    }

    /// The number behind the cell, for comparisons and charts.
    pub fn value(&self) -> Option<f64> {
        match self {
            Cell::Count(n) => Some(*n as f64),
            Cell::Number(x) | Cell::Share(x) | Cell::Minutes(x) | Cell::Hours(x) => Some(*x),
            _ => None,
        }
    }

    /// The number alone, decimal comma, for a column whose header carries the unit.
    pub fn display_plain(&self) -> String {
        match self {
            Cell::Minutes(x) | Cell::Hours(x) => comma(*x, 1),
            other => other.display(),
        }
    }

    /// As people read it in Indonesia: decimal comma, `%`, `menit`, `jam`.
    pub fn display(&self) -> String {
        match self {
            Cell::Text(s) | Cell::Date(s) | Cell::DateTime(s) => s.clone(),
            Cell::Count(n) => group_thousands(*n),
            Cell::Number(x) => comma(*x, 1),
            Cell::Share(x) => format!("{}%", comma(x * 100.0, 1)),
            Cell::Minutes(x) => format!("{} mnt", comma(*x, 1)),
            Cell::Hours(x) => format!("{} jam", comma(*x, 1)),
            Cell::Empty => "-".to_string(),
        }
    }
}

/// The unit a column's header carries: the first typed cell's (`menit`, `jam`, `%`).
pub fn column_unit<'a>(cells: impl IntoIterator<Item = &'a Cell>) -> Option<&'static str> {
    match cells.into_iter().find(|c| !matches!(c, Cell::Empty | Cell::Text(_))) {
        Some(Cell::Minutes(_)) => Some("menit"),
        Some(Cell::Hours(_)) => Some("jam"),
        Some(Cell::Share(_)) => Some("%"),
        _ => None,
    }
}

/// `1.234.567`: the thousands separator in Indonesian is a dot.
pub fn group_thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('.');
        }
        out.push(ch);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// `12,5`: the decimal separator in Indonesian is a comma.
pub fn comma(x: f64, decimals: usize) -> String {
    format!("{x:.decimals$}").replace('.', ",")
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chart {
    /// `arrivals`, `wait_buckets`, `trend`.
    pub id: String,
    pub title: String,
    pub kind: ChartKind,
    pub categories: Vec<String>,
    pub series: Vec<Series>,
    /// Under the axis: "jam", "menit menunggu", "tanggal".
    pub x_label: String,
    pub y_label: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChartKind {
    Bar,
    Line,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub name: String,
    pub values: Vec<f64>,
}

impl Section {
    pub fn new(id: &str, title: &str) -> Section {
        Section { id: id.into(), title: title.into(), figures: vec![], tables: vec![], charts: vec![], notes: vec![] }
    }

    pub fn figure(&mut self, label: &str, value: Cell) {
        self.figures.push(Figure { label: label.into(), value });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_as_indonesian_numbers() {
        assert_eq!(Cell::Count(1234567).display(), "1.234.567");
        assert_eq!(Cell::Count(-1000).display(), "-1.000");
        assert_eq!(Cell::Count(999).display(), "999");
        assert_eq!(Cell::Number(12.25).display(), "12,2");
        assert_eq!(Cell::Share(0.875).display(), "87,5%");
        assert_eq!(Cell::Minutes(7.0).display(), "7,0 mnt");
        assert_eq!(Cell::Empty.display(), "-");
        let json = serde_json::to_string(&Cell::Minutes(2.5)).unwrap();
        assert_eq!(serde_json::from_str::<Cell>(&json).unwrap(), Cell::Minutes(2.5));
    }
}
