//! The applicant's photo for the KTP-el: checked, cropped to a 3:4 portrait, resized to the card's
//! photo box and re-encoded as a clean JPEG, with warnings the officer sees before saving.
//!
//! Untrusted bytes are never decoded blindly: the file type is sniffed from its magic bytes, the
//! byte size is capped, the pixel count is read from the header and refused *before* any pixel
//! buffer is allocated (a 100 kB PNG can claim 100000×100000 pixels), and the decoder itself runs
//! under [`image::Limits`] so a header that lies cannot make it allocate more than we vetted.
//! [`decode_limited`] does this for the signature and biometric images as well.

use std::io::Cursor;

use image::imageops::{self, FilterType};
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits, Rgb, RgbImage};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};

/// Width of the normalised photo in pixels.
///
/// The photo box printed on the KTP-el (an ID-1 card, 85.6 × 54 mm) is about 2.3 × 3.1 cm, i.e.
/// roughly 3:4 portrait. At the 300 dpi of a card printer that box needs about 272 × 366 px, so
/// 300 × 400 px (2.54 × 3.39 cm at 300 dpi) covers it with a little to spare: the card printer
/// only ever scales *down*, and the file stays small (≈ 30–60 kB at quality 90) for storage and
/// for sending to the central system. Keeping exactly 3:4 means no second crop downstream.
pub const PHOTO_WIDTH: u32 = 300;
/// Height of the normalised photo in pixels (3:4 with [`PHOTO_WIDTH`]).
pub const PHOTO_HEIGHT: u32 = 400;
/// JPEG quality of the normalised photo: visually lossless for a face at this size.
pub const JPEG_QUALITY: u8 = 90;
/// Mean luma of the subject area below which the photo is too dark (out of 255).
pub const MIN_MEAN_LUMA: f32 = 60.0;
/// Mean luma of the subject area above which the photo is too bright (out of 255).
pub const MAX_MEAN_LUMA: f32 = 200.0;
/// Below this mean luma the photo is essentially black (lens covered, no flash): blocking.
const BLACK_LUMA: f32 = 25.0;
/// Above this mean luma the photo is essentially white (blown out): blocking.
const WHITE_LUMA: f32 = 240.0;

/// What an uploaded image may cost before and while it is decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhotoLimits {
    /// Largest accepted file, in bytes.
    pub max_bytes: usize,
    /// Largest accepted width × height, checked from the header before decoding.
    pub max_pixels: u64,
    /// Smallest accepted width of the photo (and of the cropped 3:4 region).
    pub min_width: u32,
    /// Smallest accepted height of the photo (and of the cropped 3:4 region).
    pub min_height: u32,
}

impl Default for PhotoLimits {
    fn default() -> Self {
        PhotoLimits {
            // A 12–24 Mpx camera JPEG is 3–8 MB; anything bigger is not a plain photo.
            max_bytes: 8 * 1024 * 1024,
            // 40 Mpx decodes to 120 MB of RGB: the most one upload may cost.
            max_pixels: 40_000_000,
            // Twice the card's photo box in each direction, so the photo is never enlarged.
            min_width: 600,
            min_height: 800,
        }
    }
}

/// A crop rectangle the officer drew, in pixels of the uploaded image as displayed (after its
/// EXIF orientation is applied, as browsers do).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct CropBox {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

/// Background colour of the photo as detected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum Background {
    Red,
    Blue,
    Other,
}

impl Background {
    /// The colour as the officer reads it.
    pub fn label(self) -> &'static str {
        match self {
            Background::Red => "merah",
            Background::Blue => "biru",
            Background::Other => "bukan merah atau biru",
        }
    }
}

/// The background the Dukcapil convention asks for: red for an odd birth year, blue for an even one.
pub fn expected_background(birth_year: i32) -> Background {
    if birth_year.rem_euclid(2) == 1 {
        Background::Red
    } else {
        Background::Blue
    }
}

/// One finding about a photo. `blocking` findings must be fixed (retake the photo); the others are
/// warnings the officer may accept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, TS)]
pub struct PhotoCheck {
    /// Stable code: `too_dark`, `too_bright`, `background_mismatch`, `low_resolution`.
    pub code: String,
    /// For the officer, in Bahasa Indonesia.
    pub message: String,
    pub blocking: bool,
}

impl PhotoCheck {
    fn new(code: &str, message: String, blocking: bool) -> Self {
        PhotoCheck { code: code.to_string(), message, blocking }
    }
}

/// A photo ready for the recording record.
#[derive(Debug, Clone, PartialEq)]
pub struct NormalizedPhoto {
    /// Baseline JPEG, [`PHOTO_WIDTH`] × [`PHOTO_HEIGHT`], no metadata (no EXIF, no GPS).
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub checks: Vec<PhotoCheck>,
    pub background: Background,
    /// Mean luma (0–255) of the subject area (the centre of the photo, where the face is); the
    /// background is left out because a prescribed saturated blue would otherwise read as "dark".
    pub mean_luma: f32,
}

impl NormalizedPhoto {
    /// Whether a finding forbids saving this photo.
    pub fn is_blocked(&self) -> bool {
        self.checks.iter().any(|c| c.blocking)
    }
}

/// Checks, crops and resizes an uploaded photo (JPEG or PNG) for the KTP-el.
///
/// `crop` is the officer's box in source pixels; it must lie inside the image and is narrowed,
/// around its centre, to the largest 3:4 box it contains. Without it the largest centred 3:4
/// region is used. Errors (field `photo` or `crop`) are for files that cannot be used at all;
/// everything else is a [`PhotoCheck`].
pub fn normalize_photo(
    bytes: &[u8],
    birth_year: i32,
    crop: Option<CropBox>,
    limits: &PhotoLimits,
) -> Result<NormalizedPhoto> {
    let vetted = vet(bytes, &[ImageKind::Jpeg, ImageKind::Png], "photo", "foto", limits)?;
    let (w, h) = (vetted.width, vetted.height);
    // Size and crop are settled from the header, before the (expensive) decode.
    if w < limits.min_width || h < limits.min_height {
        return Err(Error::field(
            "photo",
            format!(
                "Resolusi foto {w}×{h} piksel terlalu kecil; minimal {}×{} piksel.",
                limits.min_width, limits.min_height
            ),
        ));
    }
    let region = match crop {
        Some(c) => {
            validate_crop(c, w, h)?;
            let r = portrait_3x4(c);
            if r.width < limits.min_width || r.height < limits.min_height {
                return Err(Error::field(
                    "crop",
                    format!(
                        "Bagian foto yang dipilih hanya {}×{} piksel (setelah disesuaikan ke 3:4); minimal {}×{} piksel. Perbesar kotak potong.",
                        r.width, r.height, limits.min_width, limits.min_height
                    ),
                ));
            }
            r
        }
        None => portrait_3x4(CropBox { x: 0, y: 0, width: w, height: h }),
    };
    let img = vetted.decode()?;
    if (img.width(), img.height()) != (w, h) {
        return Err(corrupt("photo", "foto"));
    }

    let rgb = to_rgb_over_white(img);
    let view = imageops::crop_imm(&rgb, region.x, region.y, region.width, region.height);
    // Lanczos3, the sharpest filter `image` has; its support grows with the reduction ratio, so
    // a 12 Mpx photo is properly low-passed (no aliasing in hair or fabric). Only the 3:4 region
    // is resampled, straight from a view of the decoded image (no cropped copy).
    let out = imageops::resize(&*view, PHOTO_WIDTH, PHOTO_HEIGHT, FilterType::Lanczos3);
    drop(rgb);

    let mut checks = Vec::new();
    if region.width < PHOTO_WIDTH || region.height < PHOTO_HEIGHT {
        // Only reachable when the limits allow less than the card needs.
        checks.push(PhotoCheck::new(
            "low_resolution",
            format!(
                "Bagian foto yang dipakai ({}×{} piksel) lebih kecil dari foto KTP-el ({PHOTO_WIDTH}×{PHOTO_HEIGHT}); foto diperbesar dan bisa tampak buram.",
                region.width, region.height
            ),
            false,
        ));
    }

    let mean_luma = subject_mean_luma(&out);
    if mean_luma < MIN_MEAN_LUMA {
        checks.push(PhotoCheck::new(
            "too_dark",
            format!(
                "Foto terlalu gelap: kecerahan wajah rata-rata {mean_luma:.0} dari 255 (minimal {MIN_MEAN_LUMA:.0}). Tambah cahaya ke wajah atau naikkan eksposur kamera."
            ),
            mean_luma < BLACK_LUMA,
        ));
    } else if mean_luma > MAX_MEAN_LUMA {
        checks.push(PhotoCheck::new(
            "too_bright",
            format!(
                "Foto terlalu terang: kecerahan wajah rata-rata {mean_luma:.0} dari 255 (maksimal {MAX_MEAN_LUMA:.0}). Kurangi cahaya atau turunkan eksposur kamera."
            ),
            mean_luma > WHITE_LUMA,
        ));
    }

    let background = classify_background(&out);
    let expected = expected_background(birth_year);
    if background != expected {
        let parity = if expected == Background::Red { "ganjil" } else { "genap" };
        checks.push(PhotoCheck::new(
            "background_mismatch",
            format!(
                "Latar foto seharusnya {} (tahun lahir {parity}: {birth_year}), tetapi yang terdeteksi {}. Periksa kain latar sebelum menyimpan.",
                expected.label(),
                background.label()
            ),
            false,
        ));
    }

    let mut jpeg = Vec::with_capacity(64 * 1024);
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, JPEG_QUALITY)
        .encode_image(&out)
        .map_err(Error::internal)?;

    Ok(NormalizedPhoto { jpeg, width: PHOTO_WIDTH, height: PHOTO_HEIGHT, checks, background, mean_luma })
}

fn validate_crop(c: CropBox, w: u32, h: u32) -> Result<()> {
    if c.width == 0 || c.height == 0 {
        return Err(Error::field("crop", "Kotak potong harus memiliki lebar dan tinggi."));
    }
    if u64::from(c.x) + u64::from(c.width) > u64::from(w) || u64::from(c.y) + u64::from(c.height) > u64::from(h) {
        return Err(Error::field(
            "crop",
            format!(
                "Kotak potong (x {}, y {}, {}×{}) keluar dari batas gambar {w}×{h} piksel.",
                c.x, c.y, c.width, c.height
            ),
        ));
    }
    Ok(())
}

/// The largest 3:4 portrait box inside `b`, centred on it.
fn portrait_3x4(b: CropBox) -> CropBox {
    let (bw, bh) = (u64::from(b.width), u64::from(b.height));
    if bw * 4 > bh * 3 {
        // Too wide: keep the height, narrow the width.
        let w = (bh * 3 / 4) as u32;
        CropBox { x: b.x + (b.width - w) / 2, y: b.y, width: w, height: b.height }
    } else {
        let h = (bw * 4 / 3) as u32;
        CropBox { x: b.x, y: b.y + (b.height - h) / 2, width: b.width, height: h }
    }
}

/// Flattens to 8-bit RGB; a transparent area (a PNG with its background removed) becomes white.
fn to_rgb_over_white(img: DynamicImage) -> RgbImage {
    if !img.color().has_alpha() {
        return img.into_rgb8();
    }
    let rgba = img.into_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let p = rgba.get_pixel(x, y).0;
        let a = u32::from(p[3]);
        let mix = |c: u8| ((u32::from(c) * a + 255 * (255 - a) + 127) / 255) as u8;
        Rgb([mix(p[0]), mix(p[1]), mix(p[2])])
    })
}

/// Rec. 601 luma of an 8-bit RGB pixel.
fn luma(p: &Rgb<u8>) -> f32 {
    0.299 * f32::from(p[0]) + 0.587 * f32::from(p[1]) + 0.114 * f32::from(p[2])
}

/// Mean luma of the subject area: the middle half across, 20–70 % down (face and shoulders in a
/// correctly framed KTP-el photo).
fn subject_mean_luma(img: &RgbImage) -> f32 {
    let (w, h) = img.dimensions();
    let (x0, x1, y0, y1) = (w / 4, w * 3 / 4, h / 5, h * 7 / 10);
    let mut sum = 0.0f64;
    let mut n = 0u64;
    for y in y0..y1 {
        for x in x0..x1 {
            sum += f64::from(luma(img.get_pixel(x, y)));
            n += 1;
        }
    }
    if n == 0 {
        0.0
    } else {
        (sum / n as f64) as f32
    }
}

/// Hue (0–360°), saturation and value (0–1) of an 8-bit RGB pixel.
fn hsv(p: &Rgb<u8>) -> (f32, f32, f32) {
    let [r, g, b] = p.0.map(|c| f32::from(c) / 255.0);
    let max = r.max(g).max(b);
    let min = r.min(g).min(b);
    let d = max - min;
    let s = if max > 0.0 { d / max } else { 0.0 };
    let h = if d == 0.0 {
        0.0
    } else if max == r {
        60.0 * ((g - b) / d).rem_euclid(6.0)
    } else if max == g {
        60.0 * ((b - r) / d + 2.0)
    } else {
        60.0 * ((r - g) / d + 4.0)
    };
    (h, s, max)
}

/// Background from the pixels where the head never is: a band along the top and the two upper
/// side strips. Red is hue ≤ 20° or ≥ 335° (a studio red cloth photographs from crimson to
/// orange-red); blue is 180–260° (Dukcapil blue ranges from sky blue to royal blue). Both need
/// real saturation and some light; the colour must cover at least half the sampled pixels.
fn classify_background(img: &RgbImage) -> Background {
    let (w, h) = img.dimensions();
    let top = (h / 12).max(1);
    let side = (w / 8).max(1);
    let side_bottom = h * 45 / 100;
    let (mut red, mut blue, mut total) = (0u32, 0u32, 0u32);
    for y in 0..side_bottom.max(top) {
        for x in 0..w {
            if y >= top && x >= side && x < w - side {
                continue;
            }
            total += 1;
            let (hue, s, v) = hsv(img.get_pixel(x, y));
            if (hue <= 20.0 || hue >= 335.0) && s >= 0.4 && v >= 0.25 {
                red += 1;
            } else if (180.0..=260.0).contains(&hue) && s >= 0.3 && v >= 0.2 {
                blue += 1;
            }
        }
    }
    if red * 2 >= total && red > blue {
        Background::Red
    } else if blue * 2 >= total {
        Background::Blue
    } else {
        Background::Other
    }
}

/// Image formats an upload may be in, recognised by their magic bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ImageKind {
    Jpeg,
    Png,
    Bmp,
}

impl ImageKind {
    pub(crate) fn sniff(bytes: &[u8]) -> Option<ImageKind> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(ImageKind::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(ImageKind::Png)
        } else if bytes.starts_with(b"BM") && bytes.len() >= 26 {
            Some(ImageKind::Bmp)
        } else {
            None
        }
    }
    fn format(self) -> ImageFormat {
        match self {
            ImageKind::Jpeg => ImageFormat::Jpeg,
            ImageKind::Png => ImageFormat::Png,
            ImageKind::Bmp => ImageFormat::Bmp,
        }
    }
    fn name(self) -> &'static str {
        match self {
            ImageKind::Jpeg => "JPEG",
            ImageKind::Png => "PNG",
            ImageKind::Bmp => "BMP",
        }
    }
}

/// "JPEG atau PNG", "PNG, JPEG atau BMP".
fn kinds_list(kinds: &[ImageKind]) -> String {
    let names: Vec<&str> = kinds.iter().map(|k| k.name()).collect();
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => last.to_string(),
        Some((last, rest)) => format!("{} atau {last}", rest.join(", ")),
    }
}

/// "8 MB", "9,2 MB" (binary megabytes, Indonesian decimal comma).
pub(crate) fn megabytes(bytes: usize) -> String {
    let mb = bytes as f64 / (1024.0 * 1024.0);
    if (mb - mb.round()).abs() < 0.05 {
        format!("{:.0} MB", mb.round())
    } else {
        format!("{mb:.1} MB").replace('.', ",")
    }
}

/// "40 Mpx", "1,1 Mpx".
fn megapixels(px: u64) -> String {
    let m = px as f64 / 1e6;
    if (m - m.round()).abs() < 0.05 {
        format!("{:.0} Mpx", m.round())
    } else {
        format!("{m:.1} Mpx").replace('.', ",")
    }
}

/// Bytes the decoder may hold for the output image: RGBA at 8 bits for the largest accepted pixel
/// count (a 16-bit RGBA PNG therefore gets half the pixels).
fn alloc_cap(limits: &PhotoLimits) -> u64 {
    limits.max_pixels.saturating_mul(4).max(1024 * 1024)
}

/// An untrusted image whose header has been read and vetted; no pixel has been decoded yet.
pub(crate) struct Vetted<'a> {
    decoder: Box<dyn ImageDecoder + 'a>,
    orientation: Orientation,
    /// Width and height as displayed, i.e. after the EXIF orientation.
    pub(crate) width: u32,
    pub(crate) height: u32,
    field: String,
    what: String,
    max_pixels: u64,
}

/// Reads the header of an untrusted image of one of `kinds`: checks the byte size, the file type
/// (magic bytes) and the pixel count against `limits` without allocating any pixel buffer.
/// `field` names the form field in errors, `what` the thing in the message ("foto").
pub(crate) fn vet<'a>(
    bytes: &'a [u8],
    kinds: &[ImageKind],
    field: &str,
    what: &str,
    limits: &PhotoLimits,
) -> Result<Vetted<'a>> {
    if bytes.len() > limits.max_bytes {
        return Err(Error::field(
            field,
            format!(
                "Berkas {what} terlalu besar ({}); maksimal {}.",
                megabytes(bytes.len()),
                megabytes(limits.max_bytes)
            ),
        ));
    }
    let kind = ImageKind::sniff(bytes)
        .filter(|k| kinds.contains(k))
        .ok_or_else(|| Error::field(field, format!("Berkas {what} harus {}.", kinds_list(kinds))))?;
    let cap = alloc_cap(limits);
    let map = |e| image_error(e, field, what, limits.max_pixels);

    // Header only. The reader's limits already bound what the decoder may allocate while parsing
    // it (PNG text chunks, ICC profiles, EXIF, …).
    let mut first = Limits::default();
    first.max_alloc = Some(cap);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), kind.format());
    reader.limits(first);
    let mut decoder: Box<dyn ImageDecoder + 'a> = Box::new(reader.into_decoder().map_err(map)?);
    let (w, h) = decoder.dimensions();
    if w == 0 || h == 0 {
        return Err(corrupt(field, what));
    }
    if u64::from(w) * u64::from(h) <= limits.max_pixels && decoder.total_bytes() > cap {
        // Within the pixel count but 16 bits a channel: twice the memory of the same image in 8 bits.
        return Err(Error::field(
            field,
            format!(
                "Gambar {what} {w}×{h} piksel dengan 16 bit per warna terlalu besar untuk diproses; simpan ulang sebagai JPEG atau PNG 8 bit."
            ),
        ));
    }
    if u64::from(w) * u64::from(h) > limits.max_pixels {
        return Err(Error::field(
            field,
            format!(
                "Gambar {what} terlalu besar: {w}×{h} piksel ({}); maksimal {}.",
                megapixels(u64::from(w) * u64::from(h)),
                megapixels(limits.max_pixels)
            ),
        ));
    }
    // From here on the decoder may produce exactly the size the header announced, and no more.
    let mut strict = Limits::default();
    strict.max_image_width = Some(w);
    strict.max_image_height = Some(h);
    strict.max_alloc = Some(cap);
    decoder.set_limits(strict).map_err(map)?;
    // A broken EXIF block is not worth refusing the photo for: show it as stored.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let (width, height) = match orientation {
        Orientation::Rotate90 | Orientation::Rotate270 | Orientation::Rotate90FlipH | Orientation::Rotate270FlipH => {
            (h, w)
        }
        _ => (w, h),
    };
    Ok(Vetted {
        decoder,
        orientation,
        width,
        height,
        field: field.to_string(),
        what: what.to_string(),
        max_pixels: limits.max_pixels,
    })
}

impl Vetted<'_> {
    /// Decodes the pixels (the vetted size, nothing more) and applies the EXIF orientation.
    pub(crate) fn decode(self) -> Result<DynamicImage> {
        let (field, what, max_pixels) = (self.field, self.what, self.max_pixels);
        let mut img =
            DynamicImage::from_decoder(self.decoder).map_err(|e| image_error(e, &field, &what, max_pixels))?;
        img.apply_orientation(self.orientation);
        Ok(img)
    }
}

/// [`vet`] then [`Vetted::decode`].
pub(crate) fn decode_limited(
    bytes: &[u8],
    kinds: &[ImageKind],
    field: &str,
    what: &str,
    limits: &PhotoLimits,
) -> Result<DynamicImage> {
    vet(bytes, kinds, field, what, limits)?.decode()
}

fn corrupt(field: &str, what: &str) -> Error {
    Error::field(field, format!("Berkas {what} rusak atau tidak dapat dibaca."))
}

fn image_error(e: ImageError, field: &str, what: &str, max_pixels: u64) -> Error {
    match e {
        ImageError::Limits(_) => Error::field(
            field,
            format!("Gambar {what} melebihi batas ukuran yang dapat diproses ({}).", megapixels(max_pixels)),
        ),
        // Not logged as an error: a bad upload is the user's, not the application's.
        e => {
            tracing::debug!(error = %e, field, "image not decodable");
            corrupt(field, what)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::codecs::jpeg::JpegEncoder;
    use image::{ImageBuffer, ImageEncoder, RgbaImage};

    /// A portrait: `bg` everywhere, a skin-toned oval face in the middle, scaled by `light`.
    fn portrait(w: u32, h: u32, bg: [u8; 3], light: f32) -> RgbImage {
        ImageBuffer::from_fn(w, h, |x, y| {
            let (cx, cy) = (w as f32 / 2.0, h as f32 * 0.48);
            let (dx, dy) = ((x as f32 - cx) / (w as f32 * 0.28), (y as f32 - cy) / (h as f32 * 0.30));
            let base = if dx * dx + dy * dy < 1.0 || (y as f32 > h as f32 * 0.72 && dx.abs() < 1.6) {
                [196, 150, 120]
            } else {
                bg
            };
            Rgb(base.map(|c| (f32::from(c) * light).clamp(0.0, 255.0) as u8))
        })
    }

    fn jpeg(img: &RgbImage) -> Vec<u8> {
        let mut out = Vec::new();
        JpegEncoder::new_with_quality(&mut out, 92).encode_image(img).unwrap();
        out
    }

    fn png_rgb(img: &RgbImage) -> Vec<u8> {
        let mut out = Vec::new();
        image::codecs::png::PngEncoder::new(&mut out)
            .write_image(img.as_raw(), img.width(), img.height(), image::ExtendedColorType::Rgb8)
            .unwrap();
        out
    }

    const RED: [u8; 3] = [200, 30, 35];
    const BLUE: [u8; 3] = [20, 90, 200];

    #[test]
    fn red_background_for_odd_year_passes_clean() {
        let p = normalize_photo(&jpeg(&portrait(900, 1200, RED, 1.0)), 1991, None, &PhotoLimits::default()).unwrap();
        assert_eq!((p.width, p.height), (PHOTO_WIDTH, PHOTO_HEIGHT));
        assert_eq!(p.background, Background::Red);
        assert!(p.checks.is_empty(), "{:?}", p.checks);
        let back = image::load_from_memory(&p.jpeg).unwrap();
        assert_eq!((back.width(), back.height()), (PHOTO_WIDTH, PHOTO_HEIGHT));
        assert!(p.mean_luma > 100.0 && p.mean_luma < 200.0, "{}", p.mean_luma);
    }

    #[test]
    fn blue_background_for_even_year_passes_and_mismatch_warns() {
        let bytes = png_rgb(&portrait(1200, 1600, BLUE, 1.0));
        let ok = normalize_photo(&bytes, 2004, None, &PhotoLimits::default()).unwrap();
        assert_eq!(ok.background, Background::Blue);
        assert!(ok.checks.is_empty(), "{:?}", ok.checks);

        let odd = normalize_photo(&bytes, 2005, None, &PhotoLimits::default()).unwrap();
        assert_eq!(odd.checks.len(), 1);
        let c = &odd.checks[0];
        assert_eq!(c.code, "background_mismatch");
        assert!(!c.blocking);
        assert!(c.message.starts_with("Latar foto seharusnya merah (tahun lahir ganjil"), "{}", c.message);
        assert!(!odd.is_blocked());
    }

    #[test]
    fn grey_background_is_other() {
        let p = normalize_photo(&jpeg(&portrait(900, 1200, [235, 235, 235], 1.0)), 1990, None, &PhotoLimits::default())
            .unwrap();
        assert_eq!(p.background, Background::Other);
        assert!(p.checks.iter().any(|c| c.code == "background_mismatch" && c.message.contains("biru")));
    }

    #[test]
    fn dark_and_bright_photos_are_flagged() {
        let dark =
            normalize_photo(&jpeg(&portrait(900, 1200, RED, 0.25)), 1991, None, &PhotoLimits::default()).unwrap();
        let c = dark.checks.iter().find(|c| c.code == "too_dark").expect("too_dark");
        assert!(!c.blocking && c.message.contains("terlalu gelap"), "{c:?}");
        assert!(dark.mean_luma < MIN_MEAN_LUMA);

        let black =
            normalize_photo(&jpeg(&portrait(900, 1200, RED, 0.05)), 1991, None, &PhotoLimits::default()).unwrap();
        assert!(black.is_blocked());

        let white = RgbImage::from_pixel(900, 1200, Rgb([250, 250, 250]));
        let bright = normalize_photo(&jpeg(&white), 1991, None, &PhotoLimits::default()).unwrap();
        let c = bright.checks.iter().find(|c| c.code == "too_bright").expect("too_bright");
        assert!(c.blocking && c.message.contains("terlalu terang"), "{c:?}");
    }

    #[test]
    fn too_small_is_refused_with_sizes() {
        let e = normalize_photo(&jpeg(&portrait(640, 480, RED, 1.0)), 1991, None, &PhotoLimits::default()).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("photo"));
        assert!(e.message.contains("640×480") && e.message.contains("600×800"), "{}", e.message);
    }

    #[test]
    fn wrong_type_corrupt_and_oversized() {
        let gif = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";
        let e = normalize_photo(gif, 1991, None, &PhotoLimits::default()).unwrap_err();
        assert_eq!((e.field.as_deref(), e.message.as_str()), (Some("photo"), "Berkas foto harus JPEG atau PNG."));

        let mut broken = jpeg(&portrait(900, 1200, RED, 1.0));
        broken.truncate(200);
        let e = normalize_photo(&broken, 1991, None, &PhotoLimits::default()).unwrap_err();
        assert_eq!(e.message, "Berkas foto rusak atau tidak dapat dibaca.");
        let e = normalize_photo(b"\x89PNG\r\n\x1a\n garbage", 1991, None, &PhotoLimits::default()).unwrap_err();
        assert_eq!(e.message, "Berkas foto rusak atau tidak dapat dibaca.");

        let limits = PhotoLimits { max_bytes: 1000, ..PhotoLimits::default() };
        let e = normalize_photo(&jpeg(&portrait(900, 1200, RED, 1.0)), 1991, None, &limits).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("photo"));
        assert!(e.message.contains("terlalu besar") && e.message.contains("maksimal"), "{}", e.message);
    }

    #[test]
    fn pixel_limit_is_checked_from_the_header() {
        let limits = PhotoLimits { max_pixels: 1_000_000, ..PhotoLimits::default() };
        let e = normalize_photo(&jpeg(&portrait(900, 1200, RED, 1.0)), 1991, None, &limits).unwrap_err();
        assert!(e.message.contains("900×1200") && e.message.contains("maksimal 1 Mpx"), "{}", e.message);
    }

    #[test]
    fn crop_box_is_validated_and_made_3x4() {
        // Landscape 1600×1200 with the face on the left third.
        let img = RgbImage::from_fn(1600, 1200, |x, y| {
            let inside = (x as i32 - 400).pow(2) * 4 + (y as i32 - 600).pow(2) < 300 * 300 * 2;
            Rgb(if inside { [196, 150, 120] } else { BLUE })
        });
        let bytes = jpeg(&img);
        let e = normalize_photo(
            &bytes,
            2000,
            Some(CropBox { x: 1000, y: 0, width: 700, height: 1200 }),
            &PhotoLimits::default(),
        )
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("crop"));
        assert!(e.message.contains("1600×1200"), "{}", e.message);
        let e =
            normalize_photo(&bytes, 2000, Some(CropBox { x: 0, y: 0, width: 0, height: 10 }), &PhotoLimits::default())
                .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("crop"));
        let e = normalize_photo(
            &bytes,
            2000,
            Some(CropBox { x: 0, y: 0, width: 400, height: 400 }),
            &PhotoLimits::default(),
        )
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("crop"));
        assert!(e.message.contains("300×400"), "{}", e.message);

        // A box slightly too wide is narrowed around its centre.
        assert_eq!(
            portrait_3x4(CropBox { x: 10, y: 20, width: 1000, height: 1200 }),
            CropBox { x: 60, y: 20, width: 900, height: 1200 }
        );
        assert_eq!(
            portrait_3x4(CropBox { x: 0, y: 0, width: 600, height: 1000 }),
            CropBox { x: 0, y: 100, width: 600, height: 800 }
        );
        let p = normalize_photo(
            &bytes,
            2000,
            Some(CropBox { x: 0, y: 0, width: 800, height: 1200 }),
            &PhotoLimits::default(),
        )
        .unwrap();
        assert_eq!(p.background, Background::Blue);
        assert!(p.checks.is_empty(), "{:?}", p.checks);
    }

    #[test]
    fn transparent_png_goes_over_white() {
        let img = RgbaImage::from_fn(600, 800, |x, _| image::Rgba([200, 30, 35, if x < 300 { 0 } else { 255 }]));
        let mut out = Vec::new();
        image::codecs::png::PngEncoder::new(&mut out)
            .write_image(img.as_raw(), 600, 800, image::ExtendedColorType::Rgba8)
            .unwrap();
        let p = normalize_photo(&out, 1991, None, &PhotoLimits::default()).unwrap();
        let back = image::load_from_memory(&p.jpeg).unwrap().into_rgb8();
        assert!(back.get_pixel(10, 10).0.iter().all(|&c| c > 240));
    }

    #[test]
    fn helpers() {
        assert_eq!(expected_background(1991), Background::Red);
        assert_eq!(expected_background(2000), Background::Blue);
        assert_eq!(expected_background(-3), Background::Red);
        assert_eq!(megabytes(8 * 1024 * 1024), "8 MB");
        assert_eq!(megabytes(9_646_899), "9,2 MB");
        assert_eq!(kinds_list(&[ImageKind::Png, ImageKind::Jpeg, ImageKind::Bmp]), "PNG, JPEG atau BMP");
        assert_eq!(hsv(&Rgb([255, 0, 0])).0, 0.0);
        assert_eq!(hsv(&Rgb([0, 0, 255])).0, 240.0);
    }
}
