//! A small page-layout helper for the A5 papers: text measured with the metrics of the PDF base-14
//! fonts (nothing embedded), word wrap by width, thin filled rectangles for rules and QR modules.
//! Positions are in points from the top-left corner of the page (y grows downwards); the PDF's
//! bottom-left origin is applied only when the page is written.


use printpdf::{
    BuiltinFont, Color, CurTransMat, Mm, Op, XObjectTransform, PaintMode, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, Rect, Rgb,
    TextItem, WindingOrder,
};
use qrcode::{EcLevel, QrCode};

use super::images;
use crate::error::{Error, Result};
use crate::thermal::{to_ascii, Align};

/// Points per millimetre.
pub(crate) const MM: f32 = 72.0 / 25.4;
/// A4 portrait, in points (210 × 297 mm).
pub(crate) const A4_W: f32 = 210.0 * MM;
pub(crate) const A4_H: f32 = 297.0 * MM;
/// A5 portrait, in points (148 × 210 mm).
pub(crate) const A5_W: f32 = 148.0 * MM;
pub(crate) const A5_H: f32 = 210.0 * MM;
/// Distance between baselines, as a multiple of the font size.
pub(crate) const LINE: f32 = 1.3;

/// The four faces the papers use: Helvetica for text, Courier for ID numbers people copy digit by
/// digit (NIK, application and receipt numbers), where a fixed pitch keeps digits apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Face {
    Regular,
    Bold,
    MonoBold,
}

impl Face {
    fn builtin(self) -> BuiltinFont {
        match self {
            Face::Regular => BuiltinFont::Helvetica,
            Face::Bold => BuiltinFont::HelveticaBold,
            Face::MonoBold => BuiltinFont::CourierBold,
        }
    }
}

/// Width of `s` in points at `size` points.
pub(crate) fn text_width(s: &str, face: Face, size: f32) -> f32 {
    let per_em: f32 = match face {
        // Courier: every glyph is 600/1000 em wide.
        Face::MonoBold => s.chars().count() as f32 * 600.0,
        // Helvetica's metrics are the thermal module's (the same base-14 font).
        Face::Regular | Face::Bold => return crate::thermal::pdf::text_width(s, face == Face::Bold, size),
    };
    per_em * size / 1000.0
}

/// Greedy word wrap to `max` points (the thermal module's wrap, measured in points here).
pub(crate) fn wrap(text: &str, max: f32, measure: &dyn Fn(&str) -> f32) -> Vec<String> {
    crate::thermal::slip::wrap_by(text, max, measure)
}

/// Wrap for centred headings: as many lines as the greedy wrap, but as even as possible, so a
/// heading never ends with one lonely word.
pub(crate) fn wrap_even(text: &str, max: f32, measure: &dyn Fn(&str) -> f32) -> Vec<String> {
    crate::thermal::slip::wrap_balanced(text, max, measure)
}

/// How a block of text is set.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Style {
    pub face: Face,
    pub size: f32,
    pub align: Align,
}

impl Style {
    pub fn new(face: Face, size: f32) -> Self {
        Style { face, size, align: Align::Left }
    }
    pub fn center(self) -> Self {
        Style { align: Align::Center, ..self }
    }
    pub fn line_height(&self) -> f32 {
        self.size * LINE
    }
    /// The lines `text` takes in a column `width` points wide (evenly wrapped when centred).
    pub fn lines(&self, text: &str, width: f32) -> Vec<String> {
        let text = to_ascii(text);
        let measure = |s: &str| text_width(s, self.face, self.size);
        match self.align {
            Align::Center => wrap_even(&text, width, &measure),
            _ => wrap(&text, width, &measure),
        }
    }
    /// As few lines as [`lines`](Self::lines), but as even as possible whatever the alignment.
    pub fn lines_even(&self, text: &str, width: f32) -> Vec<String> {
        let measure = |s: &str| text_width(s, self.face, self.size);
        wrap_even(&to_ascii(text), width, &measure)
    }
}

enum Item {
    Text { x: f32, baseline: f32, text: String, face: Face, size: f32, ink: Ink },
    Rect { x: f32, top: f32, w: f32, h: f32, ink: Ink },
    Line { points: Vec<(f32, f32)>, width: f32, ink: Ink },
    Image { x: f32, top: f32, w: f32, h: f32, image: Picture },
}

/// A colour, 0–1 per channel. Papers are black; only the report's charts use colour.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Ink(pub f32, pub f32, pub f32);

impl Ink {
    pub const BLACK: Ink = Ink(0.0, 0.0, 0.0);

    fn color(self) -> Color {
        Color::Rgb(Rgb { r: self.0, g: self.1, b: self.2, icc_profile: None })
    }
}

/// An image checked when it was placed: a JPEG photo (passed through) or a signature.
enum Picture {
    Jpeg(Vec<u8>, images::JpegInfo),
    Ink(printpdf::RawImage),
}

/// One page being laid out.
pub(crate) struct Canvas {
    pub width: f32,
    pub height: f32,
    items: Vec<Item>,
}

impl Canvas {
    pub fn new(width: f32, height: f32) -> Self {
        Canvas { width, height, items: Vec::with_capacity(256) }
    }

    /// Already-wrapped lines in the column `[x, x + width]`, the first line's box starting at `top`.
    /// Returns the bottom of the last line's box.
    pub fn lines(&mut self, top: f32, x: f32, width: f32, lines: &[String], style: Style) -> f32 {
        let lh = style.line_height();
        let mut y = top;
        for l in lines {
            let w = text_width(l, style.face, style.size);
            let dx = match style.align {
                Align::Left => 0.0,
                Align::Center => (width - w) / 2.0,
                Align::Right => width - w,
            };
            // Half the leading above, then Helvetica's ascent (~0.8 em) down to the baseline.
            let baseline = y + (lh - style.size) / 2.0 + 0.8 * style.size;
            if !l.is_empty() {
                self.items.push(Item::Text {
                    x: x + dx,
                    baseline,
                    text: l.clone(),
                    face: style.face,
                    size: style.size,
                    ink: Ink::BLACK,
                });
            }
            y += lh;
        }
        y
    }

    /// `text` wrapped to the column and set from `top`; returns the bottom.
    pub fn text(&mut self, top: f32, x: f32, width: f32, text: &str, style: Style) -> f32 {
        let lines = style.lines(text, width);
        self.lines(top, x, width, &lines, style)
    }

    /// A filled rectangle: rules, boxes, QR modules.
    pub fn rect(&mut self, x: f32, top: f32, w: f32, h: f32) {
        self.items.push(Item::Rect { x, top, w, h, ink: Ink::BLACK });
    }

    /// A filled rectangle in a colour.
    pub fn fill(&mut self, x: f32, top: f32, w: f32, h: f32, ink: Ink) {
        self.items.push(Item::Rect { x, top, w, h, ink });
    }

    /// A stroked line through the points.
    pub fn polyline(&mut self, points: Vec<(f32, f32)>, width: f32, ink: Ink) {
        if points.len() >= 2 {
            self.items.push(Item::Line { points, width, ink });
        }
    }

    /// One line of text with its baseline at `baseline`, already measured by the caller.
    pub fn text_at(&mut self, x: f32, baseline: f32, text: &str, face: Face, size: f32, ink: Ink) {
        self.items.push(Item::Text { x, baseline, text: to_ascii(text), face, size, ink });
    }

    /// A horizontal rule whose top edge is at `top`.
    pub fn rule(&mut self, x: f32, top: f32, w: f32, thickness: f32) {
        self.rect(x, top, w, thickness);
    }

    /// The outline of a box, drawn as four rules.
    pub fn frame(&mut self, x: f32, top: f32, w: f32, h: f32, thickness: f32) {
        self.rect(x, top, w, thickness);
        self.rect(x, top + h - thickness, w, thickness);
        self.rect(x, top, thickness, h);
        self.rect(x + w - thickness, top, thickness, h);
    }

    /// A QR code `size` points square with its top-left corner at (`x`, `top`), one rectangle per
    /// run of dark modules. The caller keeps a quiet zone of blank paper around it; the module size
    /// is returned for that.
    pub fn qr(&mut self, payload: &str, x: f32, top: f32, size: f32) -> Result<f32> {
        let payload: String = payload.chars().filter(|c| !c.is_control()).collect();
        let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M)
            .map_err(|_| Error::field("qr_payload", "Isi kode QR terlalu panjang untuk dicetak."))?;
        let n = code.width();
        let colors = code.to_colors();
        let module = size / n as f32;
        for row in 0..n {
            let mut col = 0;
            while col < n {
                if colors[row * n + col] != qrcode::Color::Dark {
                    col += 1;
                    continue;
                }
                let start = col;
                while col < n && colors[row * n + col] == qrcode::Color::Dark {
                    col += 1;
                }
                self.rect(x + start as f32 * module, top + row as f32 * module, (col - start) as f32 * module, module);
            }
        }
        Ok(module)
    }

    /// A JPEG photo fitted (aspect kept, centred) into the box; returns the box it took.
    pub fn photo(&mut self, jpeg: &[u8], field: &str, area: (f32, f32, f32, f32)) -> Result<(f32, f32, f32, f32)> {
        let info = images::jpeg_info(jpeg).ok_or_else(|| Error::field(field, "Foto harus berkas JPEG yang utuh."))?;
        let (x, top, w, h) = images::fit_box(area, f32::from(info.width) / f32::from(info.height));
        self.items.push(Item::Image { x, top, w, h, image: Picture::Jpeg(jpeg.to_vec(), info) });
        Ok((x, top, w, h))
    }

    /// A signature PNG fitted into the box.
    pub fn signature(&mut self, png: &[u8], field: &str, area: (f32, f32, f32, f32)) -> Result<()> {
        let ink = images::signature_image(png, field)?;
        let (x, top, w, h) = images::fit_box(area, ink.width as f32 / ink.height as f32);
        self.items.push(Item::Image { x, top, w, h, image: Picture::Ink(ink) });
        Ok(())
    }

    /// Every rectangle drawn so far as (x, top, w, h).
    #[cfg(test)]
    pub fn rects(&self) -> Vec<(f32, f32, f32, f32)> {
        self.items
            .iter()
            .filter_map(|i| match i {
                Item::Rect { x, top, w, h, .. } => Some((*x, *top, *w, *h)),
                _ => None,
            })
            .collect()
    }

    /// The page as a one-page PDF titled `title`.
    pub fn into_pdf(self, title: &str) -> Vec<u8> {
        pages_pdf(vec![self], title)
    }

    fn into_page(self, doc: &mut PdfDocument) -> PdfPage {
        let h = self.height;
        let mut ops = Vec::with_capacity(self.items.len() * 5 + 1);
        let mut ink = Ink::BLACK;
        ops.push(Op::SetFillColor { col: ink.color() });
        let mut set = |ops: &mut Vec<Op>, want: Ink, stroke: bool| {
            if stroke {
                ops.push(Op::SetOutlineColor { col: want.color() });
            } else if want != ink {
                ops.push(Op::SetFillColor { col: want.color() });
                ink = want;
            }
        };
        for item in self.items {
            match item {
                Item::Text { x, baseline, text, face, size, ink } => {
                    set(&mut ops, ink, false);
                    // One text object per line: printpdf writes the cursor as a relative `Td`.
                    ops.push(Op::StartTextSection);
                    ops.push(Op::SetFont { font: PdfFontHandle::Builtin(face.builtin()), size: Pt(size) });
                    ops.push(Op::SetTextCursor { pos: Point { x: Pt(x), y: Pt(h - baseline) } });
                    ops.push(Op::ShowText { items: vec![TextItem::Text(text)] });
                    ops.push(Op::EndTextSection);
                }
                Item::Rect { x, top, w, h: rh, ink } => {
                    set(&mut ops, ink, false);
                    ops.push(Op::DrawRectangle {
                        rectangle: Rect {
                            x: Pt(x),
                            y: Pt(h - top - rh),
                            width: Pt(w),
                            height: Pt(rh),
                            mode: Some(PaintMode::Fill),
                            winding_order: Some(WindingOrder::NonZero),
                        },
                    })
                }
                Item::Line { points, width, ink } => {
                    set(&mut ops, ink, true);
                    ops.push(Op::SetOutlineThickness { pt: Pt(width) });
                    ops.push(Op::DrawLine {
                        line: printpdf::Line {
                            points: points
                                .iter()
                                .map(|&(x, y)| printpdf::LinePoint { p: Point { x: Pt(x), y: Pt(h - y) }, bezier: false })
                                .collect(),
                            is_closed: false,
                        },
                    });
                }
                Item::Image { x, top, w, h: ih, image } => {
                    let id = match &image {
                        Picture::Jpeg(bytes, info) => doc.add_xobject(&images::jpeg_xobject(bytes, info)),
                        Picture::Ink(raw) => doc.add_image(raw),
                    };
                    ops.push(Op::SaveGraphicsState);
                    ops.push(Op::SetTransformationMatrix { matrix: CurTransMat::Raw([w, 0.0, 0.0, ih, x, h - top - ih]) });
                    ops.push(Op::UseXobject { id, transform: XObjectTransform { no_auto_scale: true, ..Default::default() } });
                    ops.push(Op::RestoreGraphicsState);
                }
            }
        }
        PdfPage::new(Mm(self.width / MM), Mm(self.height / MM), ops)
    }
}

/// Pages as one PDF titled `title`.
pub(crate) fn pages_pdf(pages: Vec<Canvas>, title: &str) -> Vec<u8> {
    let mut doc = PdfDocument::new(&to_ascii(title));
    let pages: Vec<PdfPage> = pages.into_iter().map(|p| p.into_page(&mut doc)).collect();
    let mut warnings = Vec::new();
    let bytes = doc.with_pages(pages).save(&PdfSaveOptions::default(), &mut warnings);
    if !warnings.is_empty() {
        tracing::debug!(?warnings, "printpdf warnings while writing a document");
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_and_wrap() {
        assert!((text_width("W", Face::Regular, 1000.0) - 944.0).abs() < 3.0);
        assert!((text_width(" ", Face::Bold, 1000.0) - 278.0).abs() < 3.0);
        assert_eq!(text_width("6101091203900001", Face::MonoBold, 10.0), 96.0);
        let chars = |s: &str| s.len() as f32;
        assert_eq!(wrap("", 10.0, &chars), vec![""]);
        assert_eq!(wrap("satu dua tiga", 8.0, &chars), vec!["satu dua", "tiga"]);
        assert_eq!(wrap("abcdefghij", 4.0, &chars), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap("a\n\nb", 4.0, &chars), vec!["a", "", "b"]);
        assert_eq!(
            wrap_even("Sabtu, 21 November 2026 08.15 WIB", 30.0, &chars),
            vec!["Sabtu, 21 November", "2026 08.15 WIB"]
        );
    }
}
