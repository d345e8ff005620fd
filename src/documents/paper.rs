//! The parts every A5 paper shares, in the order they appear: the letterhead (office name and
//! address over a double rule), the title, a label/value table, section headings, numbered lists,
//! the QR code beside the officer's signature block, and a footer line.
//!
//! Everything is laid out top-down at a scale `k` (1.0 = the designed sizes). A paper that does not
//! fit the page at full size is laid out again a little smaller (see [`fit`]); past the smallest
//! scale it is refused rather than clipped or spilled onto a second page.

use super::layout::{text_width, Canvas, Face, Style, A4_H, A4_W, A5_H, A5_W, MM};
use crate::error::{Error, Result};
use crate::thermal::to_ascii;

const SIDE: f32 = 14.0 * MM;
const TOP: f32 = 12.0 * MM;
const BOTTOM: f32 = 12.0 * MM;
/// Body text size (points) at full scale.
pub(crate) const BODY: f32 = 9.5;
/// The QR code's side at full scale, and the least it may shrink to (scanners at the counter read
/// 25 mm codes from A5 paper at arm's length without trouble).
const QR_MM: f32 = 26.0;
const QR_MIN_MM: f32 = 25.0;
/// Scales tried in turn until the paper fits the page.
/// Below 0.8 the body text (7.6 pt) gets too small for applicants to read comfortably.
const SCALES: [f32; 5] = [1.0, 0.95, 0.9, 0.85, 0.8];

fn or_dash(s: &str) -> &str {
    if s.trim().is_empty() {
        "-"
    } else {
        s
    }
}

/// A row of the list of missing documents.
pub(crate) struct ItemRow {
    pub number: String,
    pub name: String,
    pub status: String,
    pub note: Option<String>,
}

/// A row of the data table.
pub(crate) struct Row<'a> {
    pub label: &'a str,
    pub value: &'a str,
    pub face: Face,
}

pub(crate) struct Paper {
    pub canvas: Canvas,
    /// Scale of every font size and gap.
    pub k: f32,
    /// Top of the next thing to lay out.
    pub y: f32,
    /// Left edge and width of the text column.
    pub x: f32,
    pub w: f32,
}

impl Paper {
    pub fn a5(k: f32) -> Self {
        Paper { canvas: Canvas::new(A5_W, A5_H), k, y: TOP, x: SIDE, w: A5_W - 2.0 * SIDE }
    }

    /// An A4 letter: wider margins, as an office letter has them.
    pub fn a4(k: f32) -> Self {
        let side = 20.0 * MM;
        Paper { canvas: Canvas::new(A4_W, A4_H), k, y: 15.0 * MM, x: side, w: A4_W - 2.0 * side }
    }

    pub fn style(&self, face: Face, size: f32) -> Style {
        Style::new(face, size * self.k)
    }

    /// Vertical space, in points at full scale.
    pub fn gap(&mut self, pt: f32) {
        self.y += pt * self.k;
    }

    /// Whether everything so far is above the bottom margin.
    pub fn fits(&self) -> bool {
        self.y <= self.canvas.height - BOTTOM
    }

    /// Letterhead: the office name (bold, centred, wrapped evenly), its address, then the double
    /// rule (thick over thin) of an Indonesian government letterhead.
    pub fn letterhead(&mut self, office: &str, address: Option<&str>) {
        let s = self.style(Face::Bold, 12.5).center();
        self.y = self.canvas.text(self.y, self.x, self.w, office, s);
        if let Some(a) = address.map(str::trim).filter(|a| !a.is_empty()) {
            self.gap(1.0);
            let s = self.style(Face::Regular, 8.5).center();
            self.y = self.canvas.text(self.y, self.x, self.w, a, s);
        }
        self.gap(4.0);
        self.canvas.rule(self.x, self.y, self.w, 1.6);
        self.y += 1.6 + 1.2;
        self.canvas.rule(self.x, self.y, self.w, 0.5);
        self.y += 0.5;
        self.gap(12.0);
    }

    /// The paper's title, with an optional line under it.
    pub fn title(&mut self, title: &str, subtitle: Option<&str>) {
        let s = self.style(Face::Bold, 14.0).center();
        self.y = self.canvas.text(self.y, self.x, self.w, title, s);
        if let Some(sub) = subtitle {
            self.gap(1.0);
            let s = self.style(Face::Regular, BODY).center();
            self.y = self.canvas.text(self.y, self.x, self.w, sub, s);
        }
        self.gap(10.0);
    }

    /// A number the applicant quotes (receipt, application), centred in a ruled box under a small
    /// caption, in bold monospace.
    pub fn number_box(&mut self, caption: &str, number: &str) {
        let pad = 5.0 * self.k;
        let cap = self.style(Face::Regular, 7.5).center();
        let num = self.style(Face::MonoBold, 15.0).center();
        let inner = self.w - 2.0 * pad;
        let cap_lines = cap.lines(caption, inner);
        let num_lines = num.lines(number, inner);
        let h = pad
            + cap_lines.len() as f32 * cap.line_height()
            + 1.5 * self.k
            + num_lines.len() as f32 * num.line_height()
            + pad * 0.8;
        // As wide as the number needs (with room to breathe), never wider than the column.
        let widest = num_lines.iter().map(|l| text_width(l, Face::MonoBold, num.size)).fold(0.0, f32::max);
        let bw = (widest + 24.0 * MM).clamp(80.0 * MM, self.w);
        let bx = self.x + (self.w - bw) / 2.0;
        self.canvas.frame(bx, self.y, bw, h, 0.8);
        let mut y = self.y + pad;
        y = self.canvas.lines(y, self.x + pad, inner, &cap_lines, cap);
        y += 1.5 * self.k;
        self.canvas.lines(y, self.x + pad, inner, &num_lines, num);
        self.y += h;
        self.gap(10.0);
    }

    /// Label, colon, value: the labels in one column as wide as the widest label, the values
    /// wrapped in the rest of the line. With `qr` (payload, caption) the QR code stands at the
    /// right of the table's first rows, its caption under it; rows beside it wrap narrower, rows
    /// below it use the whole width.
    pub fn table(&mut self, rows: &[Row], qr: Option<(&str, &str)>) -> Result<()> {
        let label = self.style(Face::Regular, BODY);
        let label_col = rows
            .iter()
            .map(|r| text_width(&to_ascii(r.label), Face::Regular, label.size))
            .fold(0.0, f32::max)
            .min(40.0 * MM)
            + 4.0 * self.k;
        let colon_w = text_width(":", Face::Regular, label.size) + 4.0 * self.k;
        let vx = self.x + label_col + colon_w;
        let full = self.x + self.w - vx;
        // (bottom of the QR block, value width beside it)
        let mut beside = None;
        if let Some((payload, caption)) = qr {
            let q = (QR_MM * self.k).max(QR_MIN_MM) * MM;
            let qx = self.x + self.w - q;
            // A little lower than the first row: with the space under the title, the quiet zone.
            let top = self.y + 1.5 * MM;
            let module = self.canvas.qr(payload, qx, top, q)?;
            let cap = self.style(Face::Regular, 7.5).center();
            let bottom = self.canvas.text(top + q + 2.0 * self.k, qx, q, caption, cap);
            // The quiet zone scanners want: four modules of blank paper between values and code.
            beside = Some((bottom, qx - (4.0 * module).max(3.0 * MM) - vx));
        }
        for (i, r) in rows.iter().enumerate() {
            if i > 0 {
                self.gap(2.6);
            }
            let vsize = match r.face {
                // Courier looks smaller than Helvetica at the same size.
                Face::MonoBold => BODY + 1.0,
                _ => BODY,
            };
            let vs = self.style(r.face, vsize);
            let a = self.canvas.text(self.y, self.x, label_col - 4.0 * self.k, r.label, label);
            self.canvas.text(self.y, self.x + label_col, colon_w, ":", label);
            // Courier's line box is a touch taller: nudge it so the baselines line up.
            let top = self.y - (vs.size - label.size) * 0.95;
            let lines = match beside {
                // Beside the QR the value wraps narrow; the lines that come below the QR block
                // are wrapped again to the whole width.
                Some((bottom, narrow)) if top < bottom => {
                    let lines = vs.lines(or_dash(r.value), narrow);
                    let n = ((bottom - top) / vs.line_height()).ceil().max(1.0) as usize;
                    if lines.len() > n {
                        let mut head = lines[..n].to_vec();
                        head.extend(vs.lines(&lines[n..].join(" "), full));
                        head
                    } else {
                        vs.lines_even(or_dash(r.value), narrow)
                    }
                }
                // Even lines: no value ends with one orphaned word ("... 09.12" / "WIB").
                _ => vs.lines_even(or_dash(r.value), full),
            };
            let b = self.canvas.lines(top, vx, full, &lines, vs);
            self.y = a.max(b);
        }
        if let Some((bottom, _)) = beside {
            self.y = self.y.max(bottom);
        }
        self.gap(10.0);
        Ok(())
    }

    /// A bold section heading.
    pub fn heading(&mut self, text: &str) {
        self.y = self.heading_in(self.y, self.x, self.w, text);
    }

    fn heading_in(&mut self, top: f32, x: f32, w: f32, text: &str) -> f32 {
        let s = self.style(Face::Bold, BODY + 0.5);
        self.canvas.text(top, x, w, text, s) + 3.0 * self.k
    }

    /// A numbered list with hanging indents in the column `[x, x + w]`; returns its bottom.
    fn numbered_in(&mut self, top: f32, x: f32, w: f32, items: &[String]) -> f32 {
        let s = self.style(Face::Regular, BODY);
        let indent = 6.0 * MM * self.k;
        let mut y = top;
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                y += 2.0 * self.k;
            }
            self.canvas.text(y, x, indent, &format!("{}.", i + 1), s);
            y = self.canvas.text(y, x + indent, w - indent, item, s);
        }
        y
    }

    /// The ruled list of missing documents: number, the document (bold) with its note under it in
    /// the same wide column, and the status on the right. Keeping the note under the name rather
    /// than in a column of its own halves the lines a long note takes.
    pub fn items_table(&mut self, items: &[ItemRow]) {
        let pad_x = 1.8 * MM * self.k;
        let pad_y = 3.0 * self.k;
        let cols =
            [(self.x, 0.08 * self.w), (self.x + 0.08 * self.w, 0.7 * self.w), (self.x + 0.78 * self.w, 0.22 * self.w)];
        let inner = |c: (f32, f32)| (c.0 + pad_x, c.1 - 2.0 * pad_x);
        let head = self.style(Face::Bold, BODY - 1.0);
        let name = self.style(Face::Bold, BODY);
        let note = self.style(Face::Regular, BODY - 0.5);

        self.canvas.rule(self.x, self.y, self.w, 0.9);
        self.y += 0.9;
        let mut bottom = self.y;
        for (h, c) in ["No.", "Dokumen dan catatan", "Keterangan"].iter().zip(cols) {
            let (x, w) = inner(c);
            bottom = bottom.max(self.canvas.text(self.y + pad_y, x, w, h, head));
        }
        self.y = bottom + pad_y;
        self.canvas.rule(self.x, self.y, self.w, 0.6);
        self.y += 0.6;
        for (i, item) in items.iter().enumerate() {
            let top = self.y + pad_y;
            let (x, w) = inner(cols[0]);
            let mut bottom = self.canvas.text(top, x, w, &item.number, self.style(Face::Regular, BODY));
            let (x, w) = inner(cols[1]);
            let mut y = self.canvas.text(top, x, w, or_dash(&item.name), name);
            if let Some(n) = item.note.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
                y += 0.8 * self.k;
                y = self.canvas.text(y, x, w, n, note);
            }
            bottom = bottom.max(y);
            let (x, w) = inner(cols[2]);
            bottom = bottom.max(self.canvas.text(top, x, w, or_dash(&item.status), name));
            self.y = bottom + pad_y;
            let t = if i + 1 == items.len() { 0.9 } else { 0.3 };
            self.canvas.rule(self.x, self.y, self.w, t);
            self.y += t;
        }
        self.gap(10.0);
    }

    /// The bottom of the paper in two columns, as on an Indonesian office letter: on the left a
    /// headed, numbered list (what to do next, notes); on the right the officer's signature block:
    /// role, room to sign, a line, and the name under it.
    pub fn list_and_signature(&mut self, heading: &str, items: &[String], role: &str, name: &str) -> Result<()> {
        let gutter = 8.0 * MM;
        let sw = 0.36 * self.w;
        let lw = self.w - sw - gutter;
        let left = if items.is_empty() {
            self.y
        } else {
            let y = self.heading_in(self.y, self.x, lw, heading);
            self.numbered_in(y, self.x, lw, items)
        };
        // Level with the heading's text on the left.
        let right = self.signature_in(self.x + self.w - sw, sw, role, name, None)?;
        self.y = left.max(right);
        Ok(())
    }

    /// A paragraph of body text, wrapped to the column.
    pub fn paragraph(&mut self, text: &str) {
        let s = self.style(Face::Regular, BODY);
        self.y = self.canvas.text(self.y, self.x, self.w, text, s);
        self.gap(6.0);
    }

    /// A headed, numbered list across the whole column.
    pub fn numbered(&mut self, heading: &str, items: &[String]) {
        if items.is_empty() {
            return;
        }
        let y = self.heading_in(self.y, self.x, self.w, heading);
        self.y = self.numbered_in(y, self.x, self.w, items);
        self.gap(8.0);
    }

    /// One signature block in the column `[x, x + w]`: the role, room to sign (with the drawn
    /// signature in it when there is one), a line, the name. Returns its bottom.
    fn signature_in(&mut self, x: f32, w: f32, role: &str, name: &str, drawn: Option<(&[u8], &str)>) -> Result<f32> {
        let body = self.style(Face::Regular, BODY).center();
        let mut y = self.canvas.text(self.y, x, w, role, body);
        let room = 16.0 * MM * self.k;
        if let Some((png, field)) = drawn {
            self.canvas.signature(png, field, (x + 0.1 * w, y + 1.0 * MM, 0.8 * w, room - 2.0 * MM))?;
        }
        y += room;
        self.canvas.rule(x, y, w, 0.5);
        y += 0.5 + 2.5 * self.k;
        let nm = self.style(Face::Bold, BODY).center();
        Ok(self.canvas.text(y, x, w, name, nm))
    }

    /// Two signature blocks side by side, as on a receipt both sides sign: who received (their
    /// signature drawn on the pad) on the left, the officer on the right.
    pub fn two_signatures(&mut self, left: (&str, &str, Option<(&[u8], &str)>), right: (&str, &str)) -> Result<()> {
        let sw = 0.4 * self.w;
        let a = self.signature_in(self.x, sw, left.0, left.1, left.2)?;
        let b = self.signature_in(self.x + self.w - sw, sw, right.0, right.1, None)?;
        self.y = a.max(b);
        Ok(())
    }

    /// The end of a letter: the QR code with its explanation on the left, the place and date over
    /// the signature block on the right.
    pub fn qr_and_signature(&mut self, qr: (&str, &str), place_date: &str, role: &str, name: &str) -> Result<()> {
        let gutter = 8.0 * MM;
        let sw = 0.38 * self.w;
        let q = (QR_MM * self.k).max(QR_MIN_MM) * MM;
        let top = self.y;
        self.canvas.qr(qr.0, self.x, top + 1.5 * MM, q)?;
        let note = self.style(Face::Regular, 7.5);
        let tx = self.x + q + 5.0 * MM;
        let text_w = self.w - sw - gutter - q - 5.0 * MM;
        let left = (top + 1.5 * MM + q).max(self.canvas.text(top + 1.5 * MM, tx, text_w, qr.1, note));
        let sx = self.x + self.w - sw;
        let body = self.style(Face::Regular, BODY).center();
        self.y = self.canvas.text(top, sx, sw, place_date, body) + 1.0 * self.k;
        let right = self.signature_in(sx, sw, role, name, None)?;
        self.y = left.max(right);
        Ok(())
    }

    /// A small centred line at the end, over a thin rule.
    pub fn footer(&mut self, text: &str) {
        self.gap(8.0);
        self.canvas.rule(self.x, self.y, self.w, 0.3);
        self.gap(4.0);
        let s = self.style(Face::Regular, 8.0).center();
        self.y = self.canvas.text(self.y, self.x, self.w, text, s);
    }
}

/// Lay a paper out at the largest scale at which it fits its one page.
/// `field` names what the officer can shorten when even the smallest scale does not fit.
pub(crate) fn fit(field: &str, build: impl Fn(f32) -> Result<Paper>) -> Result<Paper> {
    for k in SCALES {
        let p = build(k)?;
        if p.fits() {
            return Ok(p);
        }
    }
    Err(Error::field(field, "Isi dokumen terlalu panjang untuk satu halaman. Persingkat catatannya."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qr_is_at_least_25mm_at_every_scale() {
        for k in SCALES {
            let mut p = Paper::a5(k);
            let rows = [Row { label: "NIK", value: "6101091203900001", face: Face::MonoBold }];
            let before = p.canvas.rects().len();
            p.table(&rows, Some(("0191d3a2-7c4e-7b3a-9f00-5e6d7c8b9a01", "Pindai"))).unwrap();
            let rects = &p.canvas.rects()[before..];
            let (x0, y0, x1, y1) = rects.iter().fold((f32::MAX, f32::MAX, f32::MIN, f32::MIN), |a, r| {
                (a.0.min(r.0), a.1.min(r.1), a.2.max(r.0 + r.2), a.3.max(r.1 + r.3))
            });
            let (w, h) = ((x1 - x0) / MM, (y1 - y0) / MM);
            assert!(w >= 24.9 && (w - h).abs() < 0.01, "k={k}: {w} x {h} mm");
            assert!(x1 <= p.x + p.w + 0.01, "inside the right margin");
        }
    }
}
