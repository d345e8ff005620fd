//! The report's charts, drawn by `plotters` into a page of the report PDF. plotters lays the chart
//! out (axes, ticks, labels, bars, lines) and hands every shape to its backend; this backend keeps
//! them as vector shapes on the page's [`Canvas`] in the PDF's own Helvetica, measured with the same
//! metrics as the rest of the report. Nothing is rasterised.

use plotters::prelude::*;
use plotters_backend::{BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind, text_anchor::{HPos, VPos}};

use super::model::{Chart, ChartKind};
use crate::documents::layout::{text_width, Canvas, Face, Ink};

/// Backend units per point: plotters works in integer pixels.
const K: f32 = 10.0;
/// The bars' and lines' colours, in series order.
const INKS: [Ink; 3] = [Ink(0.16, 0.38, 0.66), Ink(0.85, 0.45, 0.11), Ink(0.3, 0.6, 0.3)];

#[derive(Debug)]
pub struct Never;

impl std::fmt::Display for Never {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("never")
    }
}

impl std::error::Error for Never {}

/// Draws onto the canvas at (x, top), `w` × `h` points.
struct PageBackend<'a> {
    canvas: &'a mut Canvas,
    x: f32,
    top: f32,
    w: f32,
    h: f32,
}

impl PageBackend<'_> {
    fn at(&self, (px, py): BackendCoord) -> (f32, f32) {
        (self.x + px as f32 / K, self.top + py as f32 / K)
    }
}

fn ink(c: BackendColor) -> Ink {
    let (r, g, b) = c.rgb;
    Ink(f32::from(r) / 255.0, f32::from(g) / 255.0, f32::from(b) / 255.0)
}

impl DrawingBackend for PageBackend<'_> {
    type ErrorType = Never;

    fn get_size(&self) -> (u32, u32) {
        ((self.w * K) as u32, (self.h * K) as u32)
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Never>> {
        Ok(())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Never>> {
        Ok(())
    }

    fn draw_pixel(&mut self, p: BackendCoord, color: BackendColor) -> Result<(), DrawingErrorKind<Never>> {
        if color.alpha > 0.0 {
            let (x, y) = self.at(p);
            self.canvas.fill(x, y, 1.0 / K, 1.0 / K, ink(color));
        }
        Ok(())
    }

    fn draw_line<S: BackendStyle>(&mut self, from: BackendCoord, to: BackendCoord, style: &S) -> Result<(), DrawingErrorKind<Never>> {
        self.draw_path([from, to], style)
    }

    fn draw_rect<S: BackendStyle>(&mut self, ul: BackendCoord, br: BackendCoord, style: &S, fill: bool) -> Result<(), DrawingErrorKind<Never>> {
        if style.color().alpha == 0.0 {
            return Ok(());
        }
        let ((x0, y0), (x1, y1)) = (self.at(ul), self.at(br));
        if fill {
            self.canvas.fill(x0, y0, x1 - x0, y1 - y0, ink(style.color()));
            Ok(())
        } else {
            self.draw_path([ul, (br.0, ul.1), br, (ul.0, br.1), ul], style)
        }
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(&mut self, path: I, style: &S) -> Result<(), DrawingErrorKind<Never>> {
        if style.color().alpha > 0.0 {
            let points = path.into_iter().map(|p| self.at(p)).collect();
            self.canvas.polyline(points, (style.stroke_width() as f32 / K).max(0.4), ink(style.color()));
        }
        Ok(())
    }

    fn draw_text<T: BackendTextStyle>(&mut self, text: &str, style: &T, pos: BackendCoord) -> Result<(), DrawingErrorKind<Never>> {
        let size = style.size() as f32 / K;
        let w = text_width(text, Face::Regular, size);
        let (x, y) = self.at(pos);
        let x = match style.anchor().h_pos {
            HPos::Left => x,
            HPos::Center => x - w / 2.0,
            HPos::Right => x - w,
        };
        // Helvetica's cap height is ~0.72 em: baselines that look centred where plotters asks.
        let baseline = match style.anchor().v_pos {
            VPos::Top => y + 0.75 * size,
            VPos::Center => y + 0.36 * size,
            VPos::Bottom => y,
        };
        self.canvas.text_at(x, baseline, text, Face::Regular, size, ink(style.color()));
        Ok(())
    }

    fn estimate_text_size<T: BackendTextStyle>(&self, text: &str, style: &T) -> Result<(u32, u32), DrawingErrorKind<Never>> {
        let size = style.size() as f32 / K;
        Ok(((text_width(text, Face::Regular, size) * K) as u32, (size * K) as u32))
    }
}

/// Draws the chart in the box (x, top, w, h) of the canvas, points: one segment per category,
/// bars filling the middle of their segment side by side, lines through the segments' centres.
pub fn draw(chart: &Chart, canvas: &mut Canvas, x: f32, top: f32, w: f32, h: f32) {
    let backend = PageBackend { canvas, x, top, w, h };
    let root = backend.into_drawing_area();
    let n = chart.categories.len().max(1) as i32;
    let max = chart.series.iter().flat_map(|s| s.values.iter().copied()).fold(0.0f64, f64::max);
    // Room above the tallest bar, and a whole number of ticks.
    let top_value = if max <= 0.0 { 1.0 } else { (max * 1.15).ceil() };
    let font = |pt: f32| ("sans-serif", f64::from(pt * K)).into_font();
    let (y_area, margin) = (20.0, 3.0);
    let built = ChartBuilder::on(&root)
        .margin((margin * K) as u32)
        .x_label_area_size((13.0 * K) as u32)
        .y_label_area_size((y_area * K) as u32)
        .caption(&chart.title, font(9.0))
        .build_cartesian_2d((0..n - 1).into_segmented(), 0.0..top_value);
    let Ok(mut ctx) = built else { return };
    let categories = chart.categories.clone();
    let _ = ctx
        .configure_mesh()
        .disable_x_mesh()
        // No tick marks: the labels stand under their bars and beside the grid lines.
        .set_all_tick_mark_size(0)
        .y_max_light_lines(0)
        .bold_line_style(RGBColor(220, 220, 220))
        .x_labels(n as usize)
        .y_labels(6)
        .x_label_formatter(&|v: &SegmentValue<i32>| match v {
            SegmentValue::CenterOf(i) => categories.get(*i as usize).cloned().unwrap_or_default(),
            _ => String::new(),
        })
        .y_label_formatter(&|v: &f64| if v.fract().abs() < 1e-9 { format!("{}", *v as i64) } else { String::new() })
        .x_desc(chart.x_label.as_str())
        .label_style(font(7.0))
        .axis_desc_style(font(7.0))
        .draw();
    let series_n = chart.series.len().max(1) as i32;
    // A segment's width in backend units, to set bars of several series side by side.
    let segment = ((w - y_area - 2.0 * margin) * K / n as f32) as i32;
    for (k, series) in chart.series.iter().enumerate() {
        let c = INKS[k % INKS.len()];
        let color = RGBColor((c.0 * 255.0) as u8, (c.1 * 255.0) as u8, (c.2 * 255.0) as u8);
        let drawn = match chart.kind {
            ChartKind::Bar => {
                let gap = segment * 15 / 100;
                let bar = (segment - 2 * gap) / series_n;
                let left = (gap + k as i32 * bar) as u32;
                let right = (segment - gap - (k as i32 + 1) * bar).max(0) as u32;
                ctx.draw_series(series.values.iter().enumerate().map(|(i, &v)| {
                    let i = i as i32;
                    let mut r = Rectangle::new([(SegmentValue::Exact(i), 0.0), (SegmentValue::Exact(i + 1), v)], color.filled());
                    r.set_margin(0, 0, left, right);
                    r
                }))
            }
            ChartKind::Line => {
                let points: Vec<(SegmentValue<i32>, f64)> =
                    series.values.iter().enumerate().map(|(i, &v)| (SegmentValue::CenterOf(i as i32), v)).collect();
                let _ = ctx.draw_series(points.iter().map(|p| Circle::new(p.clone(), (1.2 * K) as u32, color.filled())));
                ctx.draw_series(std::iter::once(PathElement::new(points, plotters::style::Color::stroke_width(&color, (1.2 * K) as u32))))
            }
        };
        if let Ok(annotation) = drawn {
            annotation
                .label(series.name.as_str())
                .legend(move |(lx, ly)| Rectangle::new([(lx, ly - (2.5 * K) as i32), (lx + (8.0 * K) as i32, ly + (2.5 * K) as i32)], color.filled()));
        }
    }
    if chart.series.len() > 1 {
        let _ = ctx
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .legend_area_size((11.0 * K) as u32)
            .margin((2.0 * K) as u32)
            .label_font(font(7.0))
            .background_style(WHITE.mix(0.9))
            .border_style(RGBColor(200, 200, 200))
            .draw();
    }
    let _ = root.present();
}
