//! The KTP-el card face (issue #10): a one-page PDF the size of the card (CR80 / ISO/IEC 7810 ID-1,
//! 85.60 × 53.98 mm, landscape) with only the personal data, placed where the pre-printed blank
//! (blangko) expects it: the province and kabupaten/kota centred at the top, the NIK large, the
//! label/value rows on the left, the photo with the place and date of issue and the signature on
//! the right.
//!
//! * The font is DejaVu Sans Condensed (assets/fonts, Bitstream Vera licence beside it), embedded as
//!   a subset made here ([`ttf`]): printpdf 0.12 built without its `text_layout` feature embeds
//!   whole fonts (680 kB each), so the card builds a TrueType font of exactly the glyphs it shows and
//!   hands printpdf that; the `XXXXXX+` tag on its name says it is a subset (ISO 32000-1, 9.6.4).
//! * The photo is the stored JPEG itself (DCTDecode, not decoded and re-encoded); the signature is
//!   drawn with its alpha channel as a soft mask (`/SMask`), so the blank shows between the strokes.
//! * Long values shrink down to a floor, then wrap to more lines; when the rows together are still
//!   taller than the card, every size shrinks by the same step until they fit. Nothing is ever
//!   drawn past the card or into the photo column.
//! * [`CardOptions::offset_mm`] is the printer's calibration: everything printed moves by it.
//! * [`CardOptions::background`] draws our own stand-in of the blank under the face (a tinted card
//!   with a rounded border, a title band, a "KARTU TANDA PENDUDUK" placeholder and a chip square;
//!   no state emblem, no Dukcapil artwork) for the preview on screen. The preview is the same PDF,
//!   so what the officer sees is what the printer gets, plus the stand-in; the print job never has it.
//!
//! Positions are millimetres from the card's top-left corner (y grows downwards) until the page is
//! written.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use printpdf::{
    Color, CurTransMat, FontId, GradientStop, LinePoint, Mm, Op,
    PaintMode, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Polygon, PolygonRing, Pt,
    Rgb, Shading, ShadingGeometry, TextItem, WindingOrder,
    XObjectTransform,
};

use crate::documents::images;
use crate::error::{Error, Result};
use crate::thermal::slip::{wrap_balanced, wrap_by};

/// Width of the card (ISO/IEC 7810 ID-1), mm.
pub const CARD_WIDTH_MM: f32 = 85.60;
/// Height of the card, mm.
pub const CARD_HEIGHT_MM: f32 = 53.98;
/// Left edge of the photo column, mm: nothing of the left-hand data reaches it.
pub const PHOTO_COLUMN_X_MM: f32 = 61.6;
/// The photo box (x, top, width, height) in mm: 20 × 26.67 mm, 3:4 like the stored 300 × 400 photo.
pub const PHOTO_BOX_MM: (f32, f32, f32, f32) = (62.6, 11.6, 20.0, 80.0 / 3.0);

/// The personal data printed on the card. Plain data: the caller reads it from the record, the
/// card is a pure function of it. Text is printed upper case (whitespace runs become one space).
/// The screen's preview gets the same values (`printing.card_face`), the images as base64.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct CardFace {
    /// Province name without the word PROVINSI, e.g. `KALIMANTAN BARAT` (printed `PROVINSI …`).
    pub province: String,
    /// Regency or city as the region table names it, with its kind: `KABUPATEN SAMBAS`, `KOTA PONTIANAK`.
    pub regency: String,
    /// The 16-digit NIK.
    pub nik: String,
    /// Nama lengkap as on the KK (up to the 100 characters the form accepts).
    pub name: String,
    /// Tempat lahir, e.g. `SAMBAS`.
    pub birth_place: String,
    /// Tanggal lahir as printed, `DD-MM-YYYY` (`17-08-2005`).
    pub birth_date: String,
    /// Jenis kelamin as printed: `LAKI-LAKI` or `PEREMPUAN`.
    pub sex: String,
    /// Golongan darah as SIAK writes it (`O`, `AB+`, `TIDAK TAHU`); printed `-` when empty.
    pub blood_type: String,
    /// Alamat: street and number, without RT/RW and the regions below (they have their own rows).
    pub address: String,
    /// RT, three digits (`001`).
    pub rt: String,
    /// RW, three digits (`002`).
    pub rw: String,
    /// Kelurahan/desa name.
    pub village: String,
    /// Kecamatan name.
    pub district: String,
    /// Agama, from the SIAK list.
    pub religion: String,
    /// Status perkawinan, from the SIAK list.
    pub marital_status: String,
    /// Pekerjaan, from the SIAK list.
    pub occupation: String,
    /// Kewarganegaraan: `WNI` or `WNA`.
    pub citizenship: String,
    /// Berlaku hingga: `SEUMUR HIDUP` for a KTP-el, or a date `DD-MM-YYYY`.
    pub valid_until: String,
    /// Where the card is issued, printed under the photo: the regency without its kind (`SAMBAS`).
    pub issue_place: String,
    /// Date of issue, `DD-MM-YYYY`.
    pub issue_date: String,
    /// The stored photo: a baseline or progressive JPEG, grey or RGB (the recording desk keeps 300 × 400).
    #[serde(rename = "photo_base64", serialize_with = "base64_bytes")]
    #[schemars(rename = "photo_base64", with = "String")]
    #[ts(rename = "photo_base64", type = "string")]
    pub photo_jpeg: Vec<u8>,
    /// The stored signature: a PNG whose alpha channel is the ink (transparent elsewhere); none
    /// when the applicant cannot sign (nothing is drawn in its place).
    #[serde(rename = "signature_base64", serialize_with = "base64_opt")]
    #[schemars(rename = "signature_base64", with = "Option<String>")]
    #[ts(rename = "signature_base64", type = "string | null")]
    pub signature_png: Option<Vec<u8>>,
}

fn base64_bytes<S: serde::Serializer>(b: &[u8], s: S) -> std::result::Result<S::Ok, S::Error> {
    use base64::Engine;
    s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(b))
}

fn base64_opt<S: serde::Serializer>(b: &Option<Vec<u8>>, s: S) -> std::result::Result<S::Ok, S::Error> {
    match b {
        Some(b) => base64_bytes(b, s),
        None => s.serialize_none(),
    }
}

/// How one card PDF is made.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CardOptions {
    /// The card printer's calibration in mm: x moves right (+) or left (−), y moves down (+) or up
    /// (−). It moves the printed face only, never the stand-in background.
    pub offset_mm: (f32, f32),
    /// Draw the stand-in of the blank under the face: for the preview on screen, never for printing.
    pub background: bool,
}

/// The card face as a one-page PDF, [`CARD_WIDTH_MM`] × [`CARD_HEIGHT_MM`].
///
/// Refuses (as a field error) a photo that is not a JPEG, a signature that is not a readable PNG
/// and a calibration offset beyond ±10 mm or not a number.
pub fn card_pdf(face: &CardFace, options: &CardOptions) -> Result<Vec<u8>> {
    let (dx, dy) = options.offset_mm;
    if !(dx.is_finite() && dy.is_finite() && dx.abs() <= 10.0 && dy.abs() <= 10.0) {
        return Err(Error::field("offset_mm", "Geser cetak kartu paling banyak 10 mm ke tiap arah."));
    }
    let photo = images::jpeg_info(&face.photo_jpeg)
        .ok_or_else(|| Error::field("photo_jpeg", "Foto untuk kartu harus berkas JPEG yang utuh."))?;
    let signature = match &face.signature_png {
        Some(png) => Some(images::signature_image(png, "signature_png")?),
        None => None,
    };
    let layout = lay_out(face);
    let title = options.background.then(title_text);
    let all_texts: Vec<&Text> = layout.texts.iter().chain(title.as_ref()).collect();
    let mut doc = PdfDocument::new("KTP-el");
    let fonts = [
        doc.add_font(&subset_face(Weight::Regular, &all_texts)?),
        doc.add_font(&subset_face(Weight::Bold, &all_texts)?),
    ];

    let mut ops = Vec::with_capacity(layout.texts.len() * 5 + 60);
    if options.background {
        draw_background(&mut doc, &mut ops, &fonts);
    }

    let (px, ptop, pw, ph) = images::fit_box(PHOTO_BOX_MM, photo.width as f32 / photo.height as f32);
    let photo_id = doc.add_xobject(&images::jpeg_xobject(&face.photo_jpeg, &photo));
    place_image(&mut ops, photo_id, px + dx, ptop + dy, pw, ph);
    if let (Some(sig), Some(area)) = (signature, layout.signature_area) {
        let (sx, stop, sw, sh) = images::fit_box(area, sig.width as f32 / sig.height as f32);
        let id = doc.add_image(&sig);
        place_image(&mut ops, id, sx + dx, stop + dy, sw, sh);
    }

    ops.push(Op::SetFillColor { col: rgb(0.0, 0.0, 0.0) });
    for t in layout.texts {
        write_text(&mut ops, &fonts, &t, dx, dy);
    }

    let page = PdfPage::new(Mm(CARD_WIDTH_MM), Mm(CARD_HEIGHT_MM), ops);
    let mut warnings = Vec::new();
    // Subsetting is done above: printpdf's own needs `text_layout`, and the option only asks for it.
    let options = PdfSaveOptions { subset_fonts: false, ..PdfSaveOptions::default() };
    let bytes = doc.with_pages(vec![page]).save(&options, &mut warnings);
    if !warnings.is_empty() {
        tracing::debug!(?warnings, "printpdf warnings while writing a card face");
    }
    Ok(bytes)
}

// ---- fonts ----------------------------------------------------------------------------------

/// Points per millimetre.
const PT_PER_MM: f32 = 72.0 / 25.4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Weight {
    Regular,
    Bold,
}

struct FontFace {
    ttf: &'static [u8],
    /// PostScript name, after the subset tag.
    name: &'static str,
    /// Advance widths in em of the characters below U+0100 (NaN where the font has no glyph).
    latin: [f32; 256],
    parsed: ParsedFont,
    /// hhea ascender and descender (positive), em.
    ascent: f32,
    descent: f32,
}

impl FontFace {
    fn load(ttf: &'static [u8], name: &'static str) -> FontFace {
        let parsed = ParsedFont::from_bytes(ttf, 0, &mut Vec::new()).expect("the shipped font parses");
        let upm = f32::from(parsed.units_per_em);
        let mut face = FontFace {
            ttf,
            name,
            latin: [f32::NAN; 256],
            ascent: f32::from(parsed.font_metrics.ascent) / upm,
            descent: -f32::from(parsed.font_metrics.descent) / upm,
            parsed,
        };
        for c in 0..256u32 {
            if let Some(w) = face.advance_of(c) {
                face.latin[c as usize] = w;
            }
        }
        face
    }

    fn advance_of(&self, c: u32) -> Option<f32> {
        let gid = self.parsed.lookup_glyph_index(c).filter(|g| *g != 0)?;
        Some(f32::from(self.parsed.get_glyph_width(gid)?) / f32::from(self.parsed.units_per_em))
    }

    fn has(&self, c: char) -> bool {
        match self.latin.get(c as usize) {
            Some(w) => !w.is_nan(),
            None => self.advance_of(c as u32).is_some(),
        }
    }

    /// Width of `s` in points at `size` points (no kerning: printpdf sets none either).
    fn width(&self, s: &str, size: f32) -> f32 {
        let em: f32 = s
            .chars()
            .map(|c| match self.latin.get(c as usize) {
                Some(w) => *w,
                None => self.advance_of(c as u32).unwrap_or(0.5),
            })
            .sum();
        em * size
    }
}

static REGULAR_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSansCondensed.ttf");
static BOLD_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSansCondensed-Bold.ttf");

fn font(weight: Weight) -> &'static FontFace {
    static FACES: OnceLock<[FontFace; 2]> = OnceLock::new();
    let faces = FACES.get_or_init(|| {
        [
            FontFace::load(REGULAR_TTF, "DejaVuSansCondensed"),
            FontFace::load(BOLD_TTF, "DejaVuSansCondensed-Bold"),
        ]
    });
    &faces[weight as usize]
}

/// The font printpdf embeds for one weight: a TrueType subset of the glyphs the card uses.
fn subset_face(weight: Weight, texts: &[&Text]) -> Result<ParsedFont> {
    let face = font(weight);
    let chars: BTreeSet<char> =
        texts.iter().filter(|t| t.weight == weight).flat_map(|t| t.text.chars()).collect();
    let mapped: Vec<(char, u16)> =
        chars.into_iter().filter_map(|c| face.parsed.lookup_glyph_index(c as u32).map(|g| (c, g))).collect();
    let bytes = ttf::subset(face.ttf, &mapped).ok_or_else(|| Error::internal("subsetting the card font failed"))?;
    let mut parsed = ParsedFont::from_bytes(&bytes, 0, &mut Vec::new())
        .ok_or_else(|| Error::internal("the card font subset does not parse"))?;
    parsed.font_name = Some(format!("{}+{}", ttf::subset_tag(&bytes), face.name));
    Ok(parsed)
}

/// Upper case, one space between words, and `?` for what the font cannot draw.
fn printable(s: &str, weight: Weight) -> String {
    let face = font(weight);
    let upper = s.split_whitespace().collect::<Vec<_>>().join(" ").to_uppercase();
    upper.chars().map(|c| if c == ' ' || face.has(c) { c } else { '?' }).collect()
}

// ---- layout -----------------------------------------------------------------------------------

/// One line of text: `x` is its left edge and `baseline` its baseline, mm; `size` in points.
#[derive(Debug, Clone)]
struct Text {
    x: f32,
    baseline: f32,
    size: f32,
    weight: Weight,
    text: String,
}

struct Layout {
    texts: Vec<Text>,
    /// Where the signature may go (x, top, w, h), mm; None when the date left no room.
    signature_area: Option<(f32, f32, f32, f32)>,
}

/// Side margins, mm.
const MARGIN: f32 = 3.0;
/// Labels start here; RT/RW, Kel/Desa and Kecamatan are indented under Alamat as on the card.
const LABEL_X: f32 = MARGIN;
const INDENT: f32 = 2.2;
/// The colon after each label, and the values after it, mm.
const COLON_X: f32 = 22.2;
const VALUE_X: f32 = 23.6;
/// The left-hand data ends here, clear of the photo column.
const LEFT_END: f32 = PHOTO_COLUMN_X_MM - 0.6;
/// Nothing is set below this line, mm from the top (the card's edge less a printer's margin).
const BOTTOM: f32 = CARD_HEIGHT_MM - 1.5;
/// Distance between the baselines of a value's wrapped lines, in font sizes.
const LEADING: f32 = 1.2;
/// Gap between two rows, in label sizes.
const ROW_GAP: f32 = 0.22;
/// Never below this, whatever has to fit (points).
const MIN_SIZE: f32 = 3.0;

fn mm(pt: f32) -> f32 {
    pt / PT_PER_MM
}

/// A text set in a column: its size and lines.
struct Fitted {
    size: f32,
    lines: Vec<String>,
}

/// The largest size that keeps `text` on one line of `width` mm, down to `floor`; then the same on
/// two lines, and so on up to `max_lines`; past that, smaller than the floor on `max_lines` lines
/// (words too long for a line are cut). Sizes go in quarter points.
fn fit(text: &str, weight: Weight, width: f32, nominal: f32, floor: f32, max_lines: usize, even: bool) -> Fitted {
    let face = font(weight);
    let width_pt = width * PT_PER_MM;
    let wrap = |size: f32| {
        let measure = |s: &str| face.width(s, size);
        if even {
            wrap_balanced(text, width_pt, measure)
        } else {
            wrap_by(text, width_pt, measure)
        }
    };
    let floor = floor.min(nominal);
    let steps = |from: f32, to: f32| {
        let n = ((from - to) / 0.25).floor() as usize;
        (0..=n).map(move |i| from - i as f32 * 0.25)
    };
    for lines in 1..=max_lines.max(1) {
        for size in steps(nominal, floor) {
            let wrapped = wrap(size);
            if wrapped.len() <= lines {
                return Fitted { size, lines: wrapped };
            }
        }
    }
    for size in steps(floor, MIN_SIZE) {
        let wrapped = wrap(size);
        if wrapped.len() <= max_lines {
            return Fitted { size, lines: wrapped };
        }
    }
    Fitted { size: MIN_SIZE, lines: wrap(MIN_SIZE) }
}

/// Places the lines of `f` from `top` (mm) at `x`; returns the bottom of the last line's box.
fn set_lines(texts: &mut Vec<Text>, f: &Fitted, weight: Weight, x: impl Fn(&str) -> f32, top: f32) -> f32 {
    let face = font(weight);
    let mut baseline = top + mm(face.ascent * f.size);
    for (i, line) in f.lines.iter().enumerate() {
        if i > 0 {
            baseline += mm(LEADING * f.size);
        }
        texts.push(Text { x: x(line), baseline, size: f.size, weight, text: line.clone() });
    }
    baseline + mm(face.descent * f.size)
}

/// One label/value row.
struct Row<'a> {
    label: &'static str,
    indent: bool,
    value: &'a str,
    max_lines: usize,
}

/// Sizes at scale 1 (points): the rows shrink together by `scale` until they fit the card.
const HEADER_SIZE: f32 = 7.5;
const NIK_SIZE: f32 = 10.5;
const ROW_SIZE: f32 = 6.4;
const ROW_FLOOR: f32 = 5.2;

fn lay_out(face: &CardFace) -> Layout {
    let r = Weight::Regular;
    let value = |s: &str| printable(s, r);
    let or_dash = |s: String| if s.is_empty() { "-".to_string() } else { s };
    let birth = match (value(&face.birth_place), value(&face.birth_date)) {
        (p, d) if p.is_empty() => d,
        (p, d) if d.is_empty() => p,
        (p, d) => format!("{p}, {d}"),
    };
    let rt_rw = format!("{}/{}", or_dash(value(&face.rt)), or_dash(value(&face.rw)));
    let (name, address, village, district) =
        (value(&face.name), value(&face.address), value(&face.village), value(&face.district));
    let (religion, marital, occupation, citizenship, valid) = (
        value(&face.religion),
        value(&face.marital_status),
        value(&face.occupation),
        value(&face.citizenship),
        value(&face.valid_until),
    );
    let sex = value(&face.sex);
    let blood = or_dash(value(&face.blood_type));
    let row = |label, indent, value, max_lines| Row { label, indent, value, max_lines };
    let rows = [
        row("Nama", false, name.as_str(), 3),
        row("Tempat/Tgl Lahir", false, birth.as_str(), 2),
        row("Jenis Kelamin", false, sex.as_str(), 1),
        row("Alamat", false, address.as_str(), 4),
        row("RT/RW", true, rt_rw.as_str(), 1),
        row("Kel/Desa", true, village.as_str(), 2),
        row("Kecamatan", true, district.as_str(), 2),
        row("Agama", false, religion.as_str(), 2),
        row("Status Perkawinan", false, marital.as_str(), 1),
        row("Pekerjaan", false, occupation.as_str(), 2),
        row("Kewarganegaraan", false, citizenship.as_str(), 1),
        row("Berlaku Hingga", false, valid.as_str(), 1),
    ];

    let mut texts = Vec::with_capacity(48);
    let header_bottom = header(&mut texts, face);
    let column_top = photo_column(&mut texts, face);

    // The left-hand block at the largest scale whose bottom stays on the card.
    let mut scale = 1.0f32;
    loop {
        let mut block = Vec::with_capacity(40);
        let bottom = left_block(&mut block, &face.nik, &rows, &blood, header_bottom, scale);
        if bottom <= BOTTOM || scale <= 0.5 {
            texts.extend(block);
            break;
        }
        scale -= 0.025;
    }
    Layout { texts, signature_area: column_top }
}

/// PROVINSI … and the kabupaten/kota, bold, centred, one line each; returns the bottom, mm.
fn header(texts: &mut Vec<Text>, face: &CardFace) -> f32 {
    let b = Weight::Bold;
    let province = printable(&face.province, b);
    let province = if province.is_empty() || province.starts_with("PROVINSI ") {
        province
    } else {
        format!("PROVINSI {province}")
    };
    let width = CARD_WIDTH_MM - 2.0 * MARGIN;
    let mut top = 2.0;
    for line in [province, printable(&face.regency, b)] {
        let f = fit(&line, b, width, HEADER_SIZE, 5.0, 1, false);
        let centre = |l: &str| MARGIN + (width - mm(font(b).width(l, f.size))) / 2.0;
        top = set_lines(texts, &f, b, centre, top) + 0.25;
    }
    top
}

/// NIK and the rows under it at `scale`; returns the bottom, mm.
fn left_block(
    texts: &mut Vec<Text>,
    nik: &str,
    rows: &[Row],
    blood: &str,
    top: f32,
    scale: f32,
) -> f32 {
    let (r, b) = (Weight::Regular, Weight::Bold);
    // NIK: label, colon and number at the number's size, which shrinks to fit before the photo.
    let nik = fit(&printable(nik, b), b, LEFT_END - VALUE_X, NIK_SIZE * scale.max(0.8), 6.0, 1, false);
    let label = Fitted { size: nik.size, lines: vec!["NIK".into()] };
    let colon = Fitted { size: nik.size, lines: vec![":".into()] };
    // The big colon sits left of the others so that the number starts where the values do.
    let colon_x = VALUE_X - mm(font(b).width(": ", nik.size));
    set_lines(texts, &label, b, |_| LABEL_X, top + 0.6);
    set_lines(texts, &colon, b, |_| colon_x, top + 0.6);
    let mut y = set_lines(texts, &nik, b, |_| VALUE_X, top + 0.6) + 0.5;

    let size = ROW_SIZE * scale;
    let floor = ROW_FLOOR * scale;
    for row in rows {
        let x = if row.indent { LABEL_X + INDENT } else { LABEL_X };
        let label = fit(row.label, r, COLON_X - 0.5 - x, size, floor, 1, false);
        let is_sex = row.label == "Jenis Kelamin";
        // Gol. Darah shares the sex row, right of the value.
        let value_end = if is_sex { LEFT_END - 17.0 } else { LEFT_END };
        let value = fit(row.value, r, value_end - VALUE_X, size, floor, row.max_lines, false);
        let line_size = label.size.max(value.size);
        // One baseline for label, colon and the value's first line, whatever their sizes.
        let ascent = mm(font(r).ascent * line_size);
        let top_of = |f: &Fitted| y + ascent - mm(font(r).ascent * f.size);
        let mut bottom = set_lines(texts, &label, r, |_| x, top_of(&label));
        let colon = Fitted { size: label.size, lines: vec![":".into()] };
        set_lines(texts, &colon, r, |_| COLON_X, top_of(&label));
        bottom = bottom.max(set_lines(texts, &value, r, |_| VALUE_X, top_of(&value)));
        if is_sex {
            let value_w = value.lines.first().map_or(0.0, |l| mm(font(r).width(l, value.size)));
            let gx = (VALUE_X + value_w + 2.5).max(LEFT_END - 17.0);
            let glabel = fit("Gol. Darah", r, 11.0, size, floor, 1, false);
            let gw = mm(font(r).width("Gol. Darah", glabel.size));
            let cx = gx + gw + 0.6;
            let gvalue = fit(&printable(blood, r), r, LEFT_END - cx - 1.4, size, floor, 1, false);
            let gcolon = Fitted { size: glabel.size, lines: vec![":".into()] };
            bottom = bottom.max(set_lines(texts, &glabel, r, |_| gx, top_of(&glabel)));
            set_lines(texts, &gcolon, r, |_| cx, top_of(&glabel));
            bottom = bottom.max(set_lines(texts, &gvalue, r, |_| cx + 1.4, top_of(&gvalue)));
        }
        y = bottom + mm(ROW_GAP * size);
    }
    y - mm(ROW_GAP * size)
}

/// Place and date of issue under the photo; returns the area left for the signature.
fn photo_column(texts: &mut Vec<Text>, face: &CardFace) -> Option<(f32, f32, f32, f32)> {
    let r = Weight::Regular;
    let (px, ptop, pw, ph) = PHOTO_BOX_MM;
    let left = PHOTO_COLUMN_X_MM + 0.4;
    let width = CARD_WIDTH_MM - 1.6 - left;
    let centre = |size: f32| move |l: &str| left + (width - mm(font(r).width(l, size))) / 2.0;
    let mut y = ptop + ph + 0.7;
    for (text, lines) in [(printable(&face.issue_place, r), 2), (printable(&face.issue_date, r), 1)] {
        if text.is_empty() {
            continue;
        }
        let f = fit(&text, r, width, ROW_SIZE, 4.5, lines, true);
        y = set_lines(texts, &f, r, centre(f.size), y) + 0.15;
    }
    let top = y + 0.3;
    (BOTTOM - top >= 2.0).then(|| (px, top, pw, (BOTTOM - top).min(8.5)))
}

// ---- images -----------------------------------------------------------------------------------

/// Draws an image XObject into the box (x, top, w, h), mm.
fn place_image(ops: &mut Vec<Op>, id: printpdf::XObjectId, x: f32, top: f32, w: f32, h: f32) {
    let p = PT_PER_MM;
    ops.push(Op::SaveGraphicsState);
    ops.push(Op::SetTransformationMatrix {
        matrix: CurTransMat::Raw([w * p, 0.0, 0.0, h * p, x * p, (CARD_HEIGHT_MM - top - h) * p]),
    });
    ops.push(Op::UseXobject { id, transform: XObjectTransform { no_auto_scale: true, ..Default::default() } });
    ops.push(Op::RestoreGraphicsState);
}

fn write_text(ops: &mut Vec<Op>, fonts: &[FontId; 2], t: &Text, dx: f32, dy: f32) {
    // One text object per line: printpdf writes the cursor as a relative `Td`.
    ops.push(Op::StartTextSection);
    ops.push(Op::SetFont { font: PdfFontHandle::External(fonts[t.weight as usize].clone()), size: Pt(t.size) });
    ops.push(Op::SetTextCursor { pos: pt_point(t.x + dx, t.baseline + dy) });
    ops.push(Op::ShowText { items: vec![TextItem::Text(t.text.clone())] });
    ops.push(Op::EndTextSection);
}

// ---- the stand-in blank (preview only) --------------------------------------------------------

fn rgb(r: f32, g: f32, b: f32) -> Color {
    Color::Rgb(Rgb { r, g, b, icc_profile: None })
}

fn pt_point(x_mm: f32, top_mm: f32) -> Point {
    Point { x: Pt(x_mm * PT_PER_MM), y: Pt((CARD_HEIGHT_MM - top_mm) * PT_PER_MM) }
}

/// A rectangle with rounded corners (radius `r`), as one closed ring of lines and Bézier curves.
fn rounded_rect(x: f32, top: f32, w: f32, h: f32, r: f32, mode: PaintMode) -> Op {
    // Control points at 0.5523 r approximate a quarter circle.
    let k = r * (1.0 - 0.552_284_8);
    let (x1, y1) = (x + w, top + h);
    let corner = |a: (f32, f32), c1: (f32, f32), c2: (f32, f32), b: (f32, f32)| {
        [(a, false), (c1, true), (c2, true), (b, false)]
    };
    let rings = [
        corner((x + r, top), (x + k, top), (x, top + k), (x, top + r)),
        corner((x, y1 - r), (x, y1 - k), (x + k, y1), (x + r, y1)),
        corner((x1 - r, y1), (x1 - k, y1), (x1, y1 - k), (x1, y1 - r)),
        corner((x1, top + r), (x1, top + k), (x1 - k, top), (x1 - r, top)),
    ];
    let points = rings.iter().flatten().map(|&((px, py), bezier)| LinePoint { p: pt_point(px, py), bezier }).collect();
    Op::DrawPolygon { polygon: Polygon { rings: vec![PolygonRing { points }], mode, winding_order: WindingOrder::NonZero } }
}

fn rect(x: f32, top: f32, w: f32, h: f32, mode: PaintMode) -> Op {
    rounded_rect(x, top, w, h, 0.0, mode)
}

/// The stand-in's placeholder title: centred over the left-hand rows.
fn title_text() -> Text {
    let (text, size) = ("KARTU TANDA PENDUDUK", 11.0);
    let w = mm(font(Weight::Bold).width(text, size));
    Text { x: MARGIN + (LEFT_END - MARGIN - w) / 2.0, baseline: 34.0, size, weight: Weight::Bold, text: text.into() }
}

/// Our own stand-in of the blank: nothing in it is Dukcapil's artwork.
fn draw_background(doc: &mut PdfDocument, ops: &mut Vec<Op>, fonts: &[FontId; 2]) {
    let (w, h) = (CARD_WIDTH_MM, CARD_HEIGHT_MM);
    // ID-1 corners have a radius of 3.18 mm.
    let radius = 3.18;
    let shading = doc.add_shading(Shading {
        geometry: ShadingGeometry::Axial { coords: [0.0, h * PT_PER_MM, w * PT_PER_MM, 0.0] },
        stops: vec![
            GradientStop { offset: 0.0, color: [0.80, 0.91, 0.95] },
            GradientStop { offset: 1.0, color: [0.83, 0.95, 0.86] },
        ],
        extend: (true, true),
    });
    ops.push(Op::SaveGraphicsState);
    ops.push(rounded_rect(0.0, 0.0, w, h, radius, PaintMode::Clip));
    ops.push(Op::PaintShading { id: shading });
    // The title band behind the header.
    ops.push(Op::SetFillColor { col: rgb(0.70, 0.86, 0.88) });
    ops.push(rect(0.0, 0.0, w, 9.6, PaintMode::Fill));
    ops.push(Op::RestoreGraphicsState);

    // The placeholder title, pale under the data.
    ops.push(Op::SetFillColor { col: rgb(0.74, 0.87, 0.89) });
    write_text(ops, fonts, &title_text(), 0.0, 0.0);

    // The chip: a pale gold square with contact pads.
    let (cx, ctop, cw, ch) = (49.0, 41.5, 9.0, 7.4);
    ops.push(Op::SetFillColor { col: rgb(0.93, 0.88, 0.70) });
    ops.push(rounded_rect(cx, ctop, cw, ch, 1.2, PaintMode::Fill));
    ops.push(Op::SetFillColor { col: rgb(0.86, 0.78, 0.56) });
    for i in 0..3 {
        let y = ctop + 1.2 + i as f32 * 1.9;
        ops.push(rect(cx + 0.9, y, 2.8, 1.3, PaintMode::Fill));
        ops.push(rect(cx + cw - 3.7, y, 2.8, 1.3, PaintMode::Fill));
    }
    ops.push(rect(cx + 4.1, ctop + 1.2, 0.8, ch - 2.4, PaintMode::Fill));

    // The border, inset a little from the edge.
    ops.push(Op::SetOutlineColor { col: rgb(0.30, 0.58, 0.62) });
    ops.push(Op::SetOutlineThickness { pt: Pt(0.8) });
    ops.push(rounded_rect(0.5, 0.5, w - 1.0, h - 1.0, radius - 0.5, PaintMode::Stroke));
}

// ---- TrueType subsetting ----------------------------------------------------------------------

/// A TrueType (`glyf`) font cut down to some characters: their glyphs (and the components of
/// composite glyphs), renumbered from 1 after `.notdef`, a format 4 `cmap` for them, a `post` without
/// glyph names and a `name` with the family and the copyright notice. Hinting programs (`fpgm`,
/// `prep`, `cvt `) are kept; layout tables (GSUB, GPOS, kern) are not, as the card uses none.
mod ttf {
    use std::collections::{BTreeMap, BTreeSet};

    use sha2::{Digest, Sha256};

    fn u16_at(d: &[u8], at: usize) -> Option<u16> {
        Some(u16::from_be_bytes([*d.get(at)?, *d.get(at + 1)?]))
    }

    fn u32_at(d: &[u8], at: usize) -> Option<u32> {
        Some(u32::from_be_bytes([*d.get(at)?, *d.get(at + 1)?, *d.get(at + 2)?, *d.get(at + 3)?]))
    }

    fn tables(font: &[u8]) -> Option<BTreeMap<[u8; 4], &[u8]>> {
        let n = usize::from(u16_at(font, 4)?);
        let mut out = BTreeMap::new();
        for i in 0..n {
            let rec = 12 + 16 * i;
            let tag: [u8; 4] = font.get(rec..rec + 4)?.try_into().ok()?;
            let (off, len) = (u32_at(font, rec + 8)? as usize, u32_at(font, rec + 12)? as usize);
            out.insert(tag, font.get(off..off.checked_add(len)?)?);
        }
        Some(out)
    }

    /// Composite glyph flags (OpenType `glyf`).
    const ARG_WORDS: u16 = 0x0001;
    const HAVE_SCALE: u16 = 0x0008;
    const MORE: u16 = 0x0020;
    const HAVE_XY_SCALE: u16 = 0x0040;
    const HAVE_2X2: u16 = 0x0080;

    /// The byte offsets of the glyph ids of a composite glyph's components.
    fn component_offsets(glyph: &[u8]) -> Option<Vec<usize>> {
        let mut out = Vec::new();
        if glyph.len() < 10 || (u16_at(glyph, 0)? as i16) >= 0 {
            return Some(out);
        }
        let mut at = 10;
        loop {
            let flags = u16_at(glyph, at)?;
            out.push(at + 2);
            at += 4 + if flags & ARG_WORDS != 0 { 4 } else { 2 };
            at += if flags & HAVE_SCALE != 0 {
                2
            } else if flags & HAVE_XY_SCALE != 0 {
                4
            } else if flags & HAVE_2X2 != 0 {
                8
            } else {
                0
            };
            if flags & MORE == 0 {
                return Some(out);
            }
        }
    }

    fn checksum(data: &[u8]) -> u32 {
        data.chunks(4).fold(0u32, |sum, c| {
            let mut w = [0u8; 4];
            w[..c.len()].copy_from_slice(c);
            sum.wrapping_add(u32::from_be_bytes(w))
        })
    }

    /// A format 4 cmap (Windows, Unicode BMP) with one segment per character.
    fn cmap(map: &[(char, u16)]) -> Vec<u8> {
        let mut segs: Vec<(u16, u16)> =
            map.iter().filter(|(c, _)| (*c as u32) < 0xFFFF).map(|(c, g)| (*c as u16, *g)).collect();
        segs.sort();
        segs.dedup_by_key(|s| s.0);
        let count = segs.len() + 1;
        let pow = (usize::BITS - 1 - count.leading_zeros()) as u16;
        let search = 2 * (1u16 << pow);
        let mut sub = Vec::new();
        let len = 16 + 8 * count;
        for v in [4u16, len as u16, 0, 2 * count as u16, search, pow, 2 * count as u16 - search] {
            sub.extend(v.to_be_bytes());
        }
        let ends = segs.iter().map(|s| s.0).chain([0xFFFF]);
        sub.extend(ends.flat_map(u16::to_be_bytes));
        sub.extend(0u16.to_be_bytes());
        let starts = segs.iter().map(|s| s.0).chain([0xFFFF]);
        sub.extend(starts.flat_map(u16::to_be_bytes));
        let deltas = segs.iter().map(|(c, g)| g.wrapping_sub(*c)).chain([1]);
        sub.extend(deltas.flat_map(u16::to_be_bytes));
        sub.extend((0..count).flat_map(|_| 0u16.to_be_bytes()));
        let mut out = Vec::new();
        for v in [0u16, 1, 3, 1] {
            out.extend(v.to_be_bytes());
        }
        out.extend(12u32.to_be_bytes());
        out.extend(sub);
        out
    }

    /// A `name` table (Windows, US English) with the copyright, family, style and full names.
    fn name_table(family: &str, style: &str) -> Vec<u8> {
        let copyright = "Copyright (c) 2003 by Bitstream, Inc. All Rights Reserved. DejaVu changes are in public domain.";
        let full = format!("{family} {style}");
        let ps = format!("{}-{}", family.replace(' ', ""), style);
        let records = [(0u16, copyright.to_string()), (1, family.to_string()), (2, style.to_string()), (4, full), (6, ps)];
        let mut head = Vec::new();
        let mut strings = Vec::new();
        for v in [0u16, records.len() as u16, (6 + 12 * records.len()) as u16] {
            head.extend(v.to_be_bytes());
        }
        for (id, s) in &records {
            let utf16: Vec<u8> = s.encode_utf16().flat_map(u16::to_be_bytes).collect();
            for v in [3u16, 1, 0x409, *id, utf16.len() as u16, strings.len() as u16] {
                head.extend(v.to_be_bytes());
            }
            strings.extend(utf16);
        }
        head.extend(strings);
        head
    }

    /// The subset of `font` with the characters of `map` (character, glyph id in `font`).
    pub(super) fn subset(font: &[u8], map: &[(char, u16)]) -> Option<Vec<u8>> {
        let t = tables(font)?;
        let (head, hhea, maxp, hmtx) = (t.get(b"head")?, t.get(b"hhea")?, t.get(b"maxp")?, t.get(b"hmtx")?);
        let (loca, glyf) = (t.get(b"loca")?, t.get(b"glyf")?);
        let long_loca = u16_at(head, 50)? == 1;
        let num_glyphs = u16_at(maxp, 4)?;
        let metrics = u16_at(hhea, 34)?.max(1);
        let glyph = |g: u16| -> Option<&[u8]> {
            let g = usize::from(g);
            let (a, b) = if long_loca {
                (u32_at(loca, 4 * g)? as usize, u32_at(loca, 4 * g + 4)? as usize)
            } else {
                (usize::from(u16_at(loca, 2 * g)?) * 2, usize::from(u16_at(loca, 2 * g + 2)?) * 2)
            };
            glyf.get(a..b)
        };

        // Glyph 0 first, then every glyph used, directly or as a component.
        let mut keep: BTreeSet<u16> = BTreeSet::from([0]);
        let mut todo: Vec<u16> = map.iter().map(|(_, g)| *g).filter(|g| *g < num_glyphs).collect();
        while let Some(g) = todo.pop() {
            if !keep.insert(g) {
                continue;
            }
            let data = glyph(g)?;
            for at in component_offsets(data)? {
                let c = u16_at(data, at)?;
                if c < num_glyphs && !keep.contains(&c) {
                    todo.push(c);
                }
            }
        }
        let order: Vec<u16> = keep.into_iter().collect();
        let new_id: BTreeMap<u16, u16> = order.iter().enumerate().map(|(i, g)| (*g, i as u16)).collect();

        let mut new_glyf = Vec::new();
        let mut new_loca = Vec::new();
        let mut new_hmtx = Vec::new();
        for &g in &order {
            new_loca.extend((new_glyf.len() as u32).to_be_bytes());
            let mut data = glyph(g)?.to_vec();
            for at in component_offsets(&data)? {
                let c = new_id.get(&u16_at(&data, at)?).copied().unwrap_or(0);
                data[at..at + 2].copy_from_slice(&c.to_be_bytes());
            }
            new_glyf.extend(&data);
            new_glyf.resize(new_glyf.len().next_multiple_of(4), 0);
            let (advance, lsb) = if g < metrics {
                (u16_at(hmtx, 4 * usize::from(g))?, u16_at(hmtx, 4 * usize::from(g) + 2)?)
            } else {
                let m = usize::from(metrics);
                (u16_at(hmtx, 4 * (m - 1))?, u16_at(hmtx, 4 * m + 2 * (usize::from(g) - m))?)
            };
            new_hmtx.extend(advance.to_be_bytes());
            new_hmtx.extend(lsb.to_be_bytes());
        }
        new_loca.extend((new_glyf.len() as u32).to_be_bytes());
        let n = order.len() as u16;

        let mut new_head = head.to_vec();
        new_head[8..12].copy_from_slice(&[0; 4]);
        new_head[50..52].copy_from_slice(&1u16.to_be_bytes());
        let mut new_hhea = hhea.to_vec();
        new_hhea[34..36].copy_from_slice(&n.to_be_bytes());
        let mut new_maxp = maxp.to_vec();
        new_maxp[4..6].copy_from_slice(&n.to_be_bytes());
        let mut post = t.get(b"post").map_or(vec![0; 32], |p| p.get(..32).unwrap_or(&[0; 32]).to_vec());
        post[..4].copy_from_slice(&0x0003_0000u32.to_be_bytes());
        let bold = u16_at(head, 44).is_some_and(|style| style & 1 != 0);
        let new_cmap =
            cmap(&map.iter().filter_map(|(c, g)| new_id.get(g).map(|n| (*c, *n))).collect::<Vec<_>>());

        let mut out_tables: BTreeMap<[u8; 4], Vec<u8>> = BTreeMap::from([
            (*b"cmap", new_cmap),
            (*b"glyf", new_glyf),
            (*b"head", new_head),
            (*b"hhea", new_hhea),
            (*b"hmtx", new_hmtx),
            (*b"loca", new_loca),
            (*b"maxp", new_maxp),
            (*b"name", name_table("DejaVu Sans Condensed", if bold { "Bold" } else { "Book" })),
            (*b"post", post),
        ]);
        for tag in [*b"OS/2", *b"cvt ", *b"fpgm", *b"prep", *b"gasp"] {
            if let Some(data) = t.get(&tag) {
                out_tables.insert(tag, data.to_vec());
            }
        }
        Some(write(out_tables))
    }

    /// An sfnt from its tables (sorted by tag), with checksums and the head's adjustment.
    fn write(tables: BTreeMap<[u8; 4], Vec<u8>>) -> Vec<u8> {
        let count = tables.len() as u16;
        let pow = 15 - count.leading_zeros() as u16;
        let search = 16 * (1u16 << pow);
        let mut out = Vec::new();
        out.extend(0x0001_0000u32.to_be_bytes());
        for v in [count, search, pow, 16 * count - search] {
            out.extend(v.to_be_bytes());
        }
        let mut offset = 12 + 16 * tables.len();
        let mut body = Vec::new();
        let mut head_at = None;
        for (tag, data) in &tables {
            if tag == b"head" {
                head_at = Some(offset);
            }
            out.extend(tag);
            out.extend(checksum(data).to_be_bytes());
            out.extend((offset as u32).to_be_bytes());
            out.extend((data.len() as u32).to_be_bytes());
            body.extend(data);
            body.resize(body.len().next_multiple_of(4), 0);
            offset = 12 + 16 * tables.len() + body.len();
        }
        out.extend(body);
        if let Some(at) = head_at {
            let adjust = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
            out[at + 8..at + 12].copy_from_slice(&adjust.to_be_bytes());
        }
        out
    }

    /// Six capitals from the subset's bytes: the same glyphs always get the same tag.
    pub(super) fn subset_tag(bytes: &[u8]) -> String {
        Sha256::digest(bytes).iter().take(6).map(|b| char::from(b'A' + b % 26)).collect()
    }
}
