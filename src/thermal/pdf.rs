//! A slip as a one-page PDF the width of the roll (58 or 80 mm) and just as tall as its content,
//! for roll printers that sit behind the system spooler. Text uses the PDF base-14 Helvetica (no
//! font embedded); the QR code is drawn as filled squares, so it prints sharp at any resolution.

use std::collections::HashMap;
use std::sync::OnceLock;

use printpdf::{
    BuiltinFont, Color, Mm, Op, PaintMode, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, Rect, Rgb,
    TextItem, WindingOrder,
};
use qrcode::{EcLevel, QrCode};

use super::slip::{wrap_balanced, wrap_by, Align, Line, Slip};
use super::PaperWidth;
use crate::error::{Error, Result};

const MM: f32 = 72.0 / 25.4;
/// Normal text size. Helvetica at 8.5 pt averages ~1.5 mm a character, like the printer's Font A,
/// so the PDF wraps close to where the printer would.
const BASE_PT: f32 = 8.5;
/// Space between lines, the same whatever the text size.
const LEADING: f32 = BASE_PT * 0.35;
const TOP_MM: f32 = 4.0;
const BOTTOM_MM: f32 = 6.0;

/// Advance widths (per 1000 em) of the printable ASCII characters, read once from the metrics of
/// the base-14 font printpdf ships.
fn widths(bold: bool) -> &'static HashMap<char, f32> {
    static REGULAR: OnceLock<HashMap<char, f32>> = OnceLock::new();
    static BOLD: OnceLock<HashMap<char, f32>> = OnceLock::new();
    let (cell, font) = if bold { (&BOLD, BuiltinFont::HelveticaBold) } else { (&REGULAR, BuiltinFont::Helvetica) };
    cell.get_or_init(|| {
        let mut map = HashMap::new();
        if let Some(f) = font.get_parsed_font() {
            let upm = f.units_per_em.max(1) as f32;
            for c in ' '..='~' {
                if let Some(w) = f.lookup_glyph_index(c as u32).and_then(|g| f.get_glyph_width(g)) {
                    map.insert(c, w as f32 * 1000.0 / upm);
                }
            }
        }
        // The shipped subset has no glyph for the space; Helvetica's (regular and bold) is 278.
        map.entry(' ').or_insert(278.0);
        map
    })
}

/// Width of `s` in points at `size` points.
pub(crate) fn text_width(s: &str, bold: bool, size: f32) -> f32 {
    let w = widths(bold);
    s.chars().map(|c| w.get(&c).copied().unwrap_or(556.0)).sum::<f32>() * size / 1000.0
}

/// Side margin: the printable width of a 58 mm roll is 48 mm, of an 80 mm roll 72 mm.
fn side_margin_mm(width: PaperWidth) -> f32 {
    (width.mm() - width.printable_mm()) / 2.0
}

/// QR module size: the printer's (6 or 8 dots at 8 dots/mm).
fn qr_module_mm(width: PaperWidth) -> f32 {
    match width {
        PaperWidth::Mm58 => 0.75,
        PaperWidth::Mm80 => 1.0,
    }
}

/// Height of a line of `pt`-point text: the font size plus a constant leading.
fn line_advance(pt: f32) -> f32 {
    pt + LEADING
}

/// From the top of a line to its baseline (Helvetica's ascent is ~0.75 em above it).
fn baseline_offset(pt: f32) -> f32 {
    LEADING / 2.0 + pt * 0.78
}

/// One thing to draw, positioned from the top-left of the printable area (y grows downwards).
enum Item {
    Text { x: f32, baseline: f32, text: String, bold: bool, size: f32, hscale: f32 },
    Rect { x: f32, top: f32, w: f32, h: f32 },
}

pub fn render(slip: &Slip, width: PaperWidth, title: &str) -> Result<Vec<u8>> {
    let left = side_margin_mm(width) * MM;
    let avail = width.printable_mm() * MM;
    let mut items = Vec::new();
    let mut y = TOP_MM * MM;

    for line in &slip.lines {
        match line {
            Line::Text { text, align, size, bold } => {
                // Printer sizes are whole multiples of a tall, narrow cell; on paper from a PDF that
                // reads better as a larger font, only slightly condensed when taller than wide.
                let (w, h) = (size.width as f32, size.height as f32);
                let pt = BASE_PT * (w * h).sqrt();
                let hscale = (w / h).clamp(0.85, 1.0);
                let bold = *bold;
                let measure = |s: &str| text_width(s, bold, pt) * hscale;
                let lines = match align {
                    Align::Center => wrap_balanced(text, avail, measure),
                    _ => wrap_by(text, avail, measure),
                };
                for l in lines {
                    let lw = measure(&l);
                    let x = match align {
                        Align::Left => 0.0,
                        Align::Center => (avail - lw) / 2.0,
                        Align::Right => avail - lw,
                    };
                    items.push(Item::Text {
                        x: left + x,
                        baseline: y + baseline_offset(pt),
                        text: l,
                        bold,
                        size: pt,
                        hscale,
                    });
                    y += line_advance(pt);
                }
            }
            Line::Pair { label, value, bold } => {
                let bold = *bold;
                let label_w = text_width(label, bold, BASE_PT);
                let value_w = text_width(value, bold, BASE_PT);
                let mut push = |y: &mut f32, x: f32, text: String| {
                    items.push(Item::Text {
                        x: left + x,
                        baseline: *y + baseline_offset(BASE_PT),
                        text,
                        bold,
                        size: BASE_PT,
                        hscale: 1.0,
                    });
                };
                if label_w + BASE_PT + value_w <= avail {
                    push(&mut y, 0.0, label.clone());
                    push(&mut y, avail - value_w, value.clone());
                    y += line_advance(BASE_PT);
                } else {
                    for l in wrap_by(label, avail, |s| text_width(s, bold, BASE_PT)) {
                        push(&mut y, 0.0, l);
                        y += line_advance(BASE_PT);
                    }
                    for l in wrap_balanced(value, avail, |s| text_width(s, bold, BASE_PT)) {
                        let w = text_width(&l, bold, BASE_PT);
                        push(&mut y, avail - w, l);
                        y += line_advance(BASE_PT);
                    }
                }
            }
            Line::Qr { payload } => {
                let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M)
                    .map_err(|_| Error::field("qr_payload", "Isi kode QR terlalu panjang untuk dicetak."))?;
                let n = code.width();
                let colors = code.to_colors();
                let mut module = qr_module_mm(width) * MM;
                if module * n as f32 > avail {
                    module = avail / n as f32;
                }
                let size = module * n as f32;
                let x0 = left + (avail - size) / 2.0;
                // Close to the 4-module quiet zone scanners want (the page around it is blank).
                let quiet = 3.5 * module;
                y += quiet;
                for row in 0..n {
                    // One rectangle per run of dark modules: fewer objects and no hairline seams.
                    let mut col = 0;
                    while col < n {
                        if colors[row * n + col] == qrcode::Color::Dark {
                            let start = col;
                            while col < n && colors[row * n + col] == qrcode::Color::Dark {
                                col += 1;
                            }
                            items.push(Item::Rect {
                                x: x0 + start as f32 * module,
                                top: y + row as f32 * module,
                                w: (col - start) as f32 * module,
                                h: module,
                            });
                        } else {
                            col += 1;
                        }
                    }
                }
                y += size + quiet;
            }
            Line::Separator => {
                y += BASE_PT * 0.4;
                items.push(Item::Rect { x: left, top: y, w: avail, h: 0.6 });
                y += BASE_PT * 0.6;
            }
            Line::Feed(n) => y += *n as f32 * line_advance(BASE_PT),
        }
    }

    let page_h = y + BOTTOM_MM * MM;
    let black = Color::Rgb(Rgb { r: 0.0, g: 0.0, b: 0.0, icc_profile: None });
    let mut ops = vec![Op::SetFillColor { col: black }];
    for item in items {
        match item {
            Item::Text { x, baseline, text, bold, size, hscale } => {
                let font = if bold { BuiltinFont::HelveticaBold } else { BuiltinFont::Helvetica };
                // One text object per line: printpdf writes the cursor as `Td`, which is relative
                // to the start of the previous line inside the same object.
                ops.push(Op::StartTextSection);
                ops.push(Op::SetFont { font: PdfFontHandle::Builtin(font), size: Pt(size) });
                // Horizontal scaling is graphics state: it outlives the text object, so set it every time.
                ops.push(Op::SetHorizontalScaling { percent: hscale * 100.0 });
                ops.push(Op::SetTextCursor { pos: Point { x: Pt(x), y: Pt(page_h - baseline) } });
                ops.push(Op::ShowText { items: vec![TextItem::Text(text)] });
                ops.push(Op::EndTextSection);
            }
            Item::Rect { x, top, w, h } => ops.push(Op::DrawRectangle {
                rectangle: Rect {
                    x: Pt(x),
                    y: Pt(page_h - top - h),
                    width: Pt(w),
                    height: Pt(h),
                    mode: Some(PaintMode::Fill),
                    winding_order: Some(WindingOrder::NonZero),
                },
            }),
        }
    }

    let page = PdfPage::new(Mm(width.mm()), Mm(page_h / MM), ops);
    let mut warnings = Vec::new();
    let bytes = PdfDocument::new(title).with_pages(vec![page]).save(&PdfSaveOptions::default(), &mut warnings);
    if !warnings.is_empty() {
        tracing::debug!(?warnings, "printpdf warnings while writing a slip");
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helvetica_metrics_are_loaded() {
        // Helvetica: space 278, 'W' 944, digits 556 (per 1000 em).
        assert!((text_width(" ", false, 1000.0) - 278.0).abs() < 3.0, "{}", text_width(" ", false, 1000.0));
        assert!((text_width("W", false, 1000.0) - 944.0).abs() < 3.0);
        assert!((text_width("0", true, 1000.0) - 556.0).abs() < 3.0);
        assert!(text_width("Kantor Kecamatan", false, BASE_PT) > 50.0);
    }
}
