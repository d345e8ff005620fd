//! The report as an A4 portrait PDF: a cover block (office, kecamatan, period, who exported it and
//! when), then each section's key figures, tables and charts, flowing over as many pages as it
//! takes, each page numbered. Text is the base-14 Helvetica of the other papers; charts are vector
//! shapes drawn by plotters in the same font (see `chart.rs`).

use super::chart;
use super::model::{column_unit, Report, Section, Table};
use crate::documents::layout::{pages_pdf, text_width, Canvas, Face, Ink, Style, A4_H, A4_W, MM};

const SIDE: f32 = 16.0 * MM;
const TOP: f32 = 14.0 * MM;
const BOTTOM: f32 = 16.0 * MM;
const BODY: f32 = 8.0;
const GREY: Ink = Ink(0.45, 0.45, 0.45);
const RULE: Ink = Ink(0.75, 0.75, 0.75);
const HEAD_FILL: Ink = Ink(0.92, 0.94, 0.97);
const CHART_H: f32 = 58.0 * MM;

struct Pages {
    done: Vec<Canvas>,
    page: Canvas,
    y: f32,
    w: f32,
}

impl Pages {
    fn new() -> Pages {
        Pages { done: Vec::new(), page: Canvas::new(A4_W, A4_H), y: TOP, w: A4_W - 2.0 * SIDE }
    }

    fn room(&self) -> f32 {
        A4_H - BOTTOM - self.y
    }

    /// A new page unless `need` points still fit on this one.
    fn ensure(&mut self, need: f32) {
        if self.room() < need {
            let full = std::mem::replace(&mut self.page, Canvas::new(A4_W, A4_H));
            self.done.push(full);
            self.y = TOP;
        }
    }

    fn text(&mut self, text: &str, face: Face, size: f32) {
        let style = Style::new(face, size);
        let lines = style.lines(text, self.w);
        self.ensure(lines.len() as f32 * style.line_height());
        self.y = self.page.lines(self.y, SIDE, self.w, &lines, style);
    }

    /// Every page with "Halaman i dari n" and the report's name at its foot.
    fn finish(mut self, footer: &str) -> Vec<Canvas> {
        self.done.push(self.page);
        let n = self.done.len();
        for (i, p) in self.done.iter_mut().enumerate() {
            let size = 7.0;
            let y = A4_H - BOTTOM + 6.0 * MM;
            p.fill(SIDE, y - 9.0, A4_W - 2.0 * SIDE, 0.4, RULE);
            p.text_at(SIDE, y, footer, Face::Regular, size, GREY);
            let page = format!("Halaman {} dari {n}", i + 1);
            p.text_at(A4_W - SIDE - text_width(&page, Face::Regular, size), y, &page, Face::Regular, size, GREY);
        }
        self.done
    }
}

fn cover(p: &mut Pages, r: &Report) {
    p.text(&r.title.to_uppercase(), Face::Bold, 15.0);
    p.y += 2.0;
    p.text(&format!("{} - Kecamatan {}", r.office_name, r.district_name), Face::Bold, 10.0);
    p.text(&r.period_label, Face::Regular, 10.0);
    p.y += 2.0;
    p.text(&format!("Diekspor oleh {} pada {}", r.generated_by, r.generated_at), Face::Regular, 8.0);
    p.y += 3.0;
    p.page.fill(SIDE, p.y, p.w, 1.2, Ink::BLACK);
    p.y += 8.0;
}

/// The section's key figures as a row of boxes.
fn figures(p: &mut Pages, s: &Section) {
    if s.figures.is_empty() {
        return;
    }
    let per_row = s.figures.len().min(6);
    let gap = 3.0 * MM;
    let bw = (p.w - gap * (per_row as f32 - 1.0)) / per_row as f32;
    for chunk in s.figures.chunks(per_row) {
        let h = 15.0 * MM;
        p.ensure(h + 4.0);
        for (i, f) in chunk.iter().enumerate() {
            let x = SIDE + i as f32 * (bw + gap);
            p.page.fill(x, p.y, bw, h, HEAD_FILL);
            let label = Style::new(Face::Regular, 6.5);
            p.page.lines(p.y + 2.0 * MM, x + 2.0 * MM, bw - 4.0 * MM, &label.lines(&f.label, bw - 4.0 * MM), label);
            p.page.text_at(x + 2.0 * MM, p.y + h - 3.0 * MM, &f.value.display(), Face::Bold, 11.0, Ink::BLACK);
        }
        p.y += h + 4.0;
    }
}

/// A table with its title; columns as wide as their content needs, the first (the labels) taking
/// what is left; the header repeated on a new page.
fn table(p: &mut Pages, t: &Table) {
    let pad = 1.6 * MM;
    let n = t.columns.len().max(1);
    // Minutes and hours: the unit once in the header, the cells plain numbers.
    let units: Vec<Option<&str>> =
        (0..n).map(|i| column_unit(t.rows.iter().filter_map(|r| r.get(i))).filter(|u| *u != "%")).collect();
    let columns: Vec<String> =
        t.columns.iter().zip(&units).map(|(c, u)| u.map_or(c.clone(), |u| format!("{c} ({u})"))).collect();
    let cells: Vec<Vec<String>> = t
        .rows
        .iter()
        .map(|r| r.iter().zip(&units).map(|(c, u)| if u.is_some() { c.display_plain() } else { c.display() }).collect())
        .collect();
    // Columns as wide as their content needs at the largest size that fits the page: a wide
    // table is set smaller rather than squeezed until words break.
    let measure = |size: f32| -> Vec<f32> {
        let head = Style::new(Face::Bold, size - 0.5);
        (0..n)
            .map(|i| {
                // Bold, as the total row is set.
                let w = cells.iter().filter_map(|r| r.get(i)).map(|c| text_width(c, Face::Bold, size)).fold(0.0, f32::max);
                // A header wraps onto two lines before it widens a column of short numbers, but is
                // never narrower than its longest word.
                let hw = columns.get(i).map_or(0.0, |h| {
                    let word = h.split_whitespace().map(|x| text_width(x, Face::Bold, head.size)).fold(0.0, f32::max);
                    (text_width(h, Face::Bold, head.size) * 0.55).max(word)
                });
                w.max(hw).max(8.0 * MM) + 2.0 * pad
            })
            .collect()
    };
    let mut size = BODY;
    let mut widths = measure(size);
    while widths[1..].iter().sum::<f32>() + 28.0 * MM > p.w && size > 6.0 {
        size -= 0.5;
        widths = measure(size);
    }
    let head = Style::new(Face::Bold, size - 0.5);
    let rest: f32 = widths[1..].iter().sum();
    widths[0] = (p.w - rest).max(28.0 * MM);
    let total: f32 = widths.iter().sum();
    if total > p.w {
        let k = p.w / total;
        widths.iter_mut().for_each(|w| *w *= k);
    }
    let line = Style::new(Face::Regular, size).line_height();
    p.ensure(14.0 + 3.0 * line);
    p.text(&t.title, Face::Bold, 8.5);
    p.y += 1.5;
    let header = |p: &mut Pages| {
        let lines: Vec<Vec<String>> = columns.iter().zip(&widths).map(|(c, w)| head.lines(c, w - 2.0 * pad)).collect();
        let h = lines.iter().map(Vec::len).max().unwrap_or(1) as f32 * head.line_height() + 2.0 * pad;
        p.page.fill(SIDE, p.y, p.w, h, HEAD_FILL);
        let mut x = SIDE;
        for (l, w) in lines.iter().zip(&widths) {
            p.page.lines(p.y + pad, x + pad, w - 2.0 * pad, l, head);
            x += w;
        }
        p.y += h;
    };
    header(p);
    if cells.is_empty() {
        p.text("(tidak ada data)", Face::Regular, size);
    }
    let body = Style::new(Face::Regular, size);
    let bold = Style::new(Face::Bold, size);
    for (ri, row) in cells.iter().enumerate() {
        let last = ri + 1 == cells.len() && row.first().is_some_and(|c| c == "Jumlah");
        let style = if last { bold } else { body };
        let lines: Vec<Vec<String>> = row.iter().zip(&widths).map(|(c, w)| style.lines(c, w - 2.0 * pad)).collect();
        let h = lines.iter().map(Vec::len).max().unwrap_or(1) as f32 * style.line_height() + pad;
        if p.room() < h {
            p.ensure(f32::MAX);
            header(p);
        }
        let mut x = SIDE;
        for (i, (l, w)) in lines.iter().zip(&widths).enumerate() {
            // Numbers right-aligned, the label column left.
            let dx = if i == 0 { pad } else { w - pad - l.iter().map(|s| text_width(s, style.face, size)).fold(0.0, f32::max) };
            p.page.lines(p.y + pad / 2.0, x + dx, w - 2.0 * pad, l, style);
            x += w;
        }
        p.y += h;
        p.page.fill(SIDE, p.y, p.w, 0.3, RULE);
    }
    p.y += 6.0;
}

fn section(p: &mut Pages, s: &Section) {
    p.ensure(60.0);
    p.text(&s.title, Face::Bold, 11.5);
    p.page.fill(SIDE, p.y + 1.0, p.w, 0.6, Ink::BLACK);
    p.y += 6.0;
    figures(p, s);
    // Two charts side by side when there are two.
    for pair in s.charts.chunks(2) {
        p.ensure(CHART_H + 4.0);
        let cw = if pair.len() == 2 { (p.w - 4.0 * MM) / 2.0 } else { p.w };
        for (i, c) in pair.iter().enumerate() {
            chart::draw(c, &mut p.page, SIDE + i as f32 * (cw + 4.0 * MM), p.y, cw, CHART_H);
        }
        p.y += CHART_H + 4.0;
    }
    for t in &s.tables {
        table(p, t);
    }
    for n in &s.notes {
        p.text(n, Face::Regular, 7.0);
    }
    p.y += 8.0;
}

pub fn render(r: &Report) -> Vec<u8> {
    let mut p = Pages::new();
    cover(&mut p, r);
    for s in &r.sections {
        section(&mut p, s);
    }
    let footer = format!("{} - {} - {}", r.title, r.office_name, r.period_label);
    pages_pdf(p.finish(&footer), &format!("{} {}", r.title, r.period_label))
}
