//! The applicant's signature: from a browser canvas (strokes on a transparent background) or a
//! signature pad / scanner (dark ink on white), to a trimmed transparent PNG with black ink.

use image::imageops::{self, FilterType};
use image::{GrayImage, ImageEncoder, Luma, Rgba, RgbaImage};

use super::photo::{decode_limited, ImageKind, PhotoLimits};
use crate::error::{Error, Result};

/// Largest width of the normalised signature; larger signatures are scaled down to fit.
pub const SIGNATURE_MAX_WIDTH: u32 = 600;
/// Largest height of the normalised signature.
pub const SIGNATURE_MAX_HEIGHT: u32 = 200;
/// On an opaque image, nothing lighter than this luma is ink, whatever Otsu says: an empty sheet
/// of slightly grey paper must stay empty, and a blue or red ballpoint (luma 30–80) stays ink.
const MAX_INK_LUMA: u8 = 160;
/// Fewer ink pixels than this is a stray dot or sensor noise, not a signature.
const MIN_INK_PIXELS: usize = 30;

/// A signature ready for the recording record and the card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureImage {
    /// RGBA PNG: black ink, alpha 0 where there is no ink (edges anti-aliased when scaled down).
    pub png: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Finds the ink, trims to it with a small margin and returns black ink on transparency, scaled
/// down (never up) to fit [`SIGNATURE_MAX_WIDTH`] × [`SIGNATURE_MAX_HEIGHT`].
///
/// Ink is found in one of two ways. When most of the image is transparent (a canvas export),
/// every opaque pixel is ink, whatever its colour (dark-mode canvases draw white strokes). Otherwise
/// the image is flattened over white and thresholded by Otsu's method, capped at luma 160.
pub fn normalize_signature(bytes: &[u8], limits: &PhotoLimits) -> Result<SignatureImage> {
    let img =
        decode_limited(bytes, &[ImageKind::Png, ImageKind::Jpeg, ImageKind::Bmp], "signature", "tanda tangan", limits)?;
    let la = img.into_luma_alpha8();
    let (w, h) = la.dimensions();
    let total = la.pixels().len();
    let transparent = la.pixels().filter(|p| p[1] < 128).count();

    let mask: GrayImage = if transparent * 2 > total {
        GrayImage::from_fn(w, h, |x, y| Luma([if la.get_pixel(x, y)[1] >= 128 { 255 } else { 0 }]))
    } else {
        let flat = GrayImage::from_fn(w, h, |x, y| {
            let [l, a] = la.get_pixel(x, y).0;
            let (l, a) = (u32::from(l), u32::from(a));
            Luma([((l * a + 255 * (255 - a) + 127) / 255) as u8])
        });
        let t = otsu(&flat).min(MAX_INK_LUMA);
        GrayImage::from_fn(w, h, |x, y| Luma([if flat.get_pixel(x, y)[0] < t { 255 } else { 0 }]))
    };
    drop(la);

    let Some((x0, y0, x1, y1, count)) = ink_bounds(&mask) else {
        return Err(empty());
    };
    if count < MIN_INK_PIXELS {
        return Err(empty());
    }
    let (bw, bh) = (x1 - x0 + 1, y1 - y0 + 1);
    let margin = (bw.max(bh) / 50).max(4);
    let (tw, th) = (bw + 2 * margin, bh + 2 * margin);
    let mut trimmed = GrayImage::new(tw, th);
    imageops::replace(&mut trimmed, &*imageops::crop_imm(&mask, x0, y0, bw, bh), i64::from(margin), i64::from(margin));
    drop(mask);

    let scale = (f64::from(SIGNATURE_MAX_WIDTH) / f64::from(tw)).min(f64::from(SIGNATURE_MAX_HEIGHT) / f64::from(th));
    let alpha = if scale < 1.0 {
        let nw = ((f64::from(tw) * scale).round() as u32).clamp(1, SIGNATURE_MAX_WIDTH);
        let nh = ((f64::from(th) * scale).round() as u32).clamp(1, SIGNATURE_MAX_HEIGHT);
        // Triangle: averages the binary mask into smooth edges without ringing halos.
        imageops::resize(&trimmed, nw, nh, FilterType::Triangle)
    } else {
        trimmed
    };
    let (ow, oh) = alpha.dimensions();
    let rgba = RgbaImage::from_fn(ow, oh, |x, y| Rgba([0, 0, 0, alpha.get_pixel(x, y)[0]]));
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(rgba.as_raw(), ow, oh, image::ExtendedColorType::Rgba8)
        .map_err(Error::internal)?;
    Ok(SignatureImage { png, width: ow, height: oh })
}

fn empty() -> Error {
    Error::field("signature", "Tanda tangan masih kosong.")
}

/// Otsu's threshold: the luma that best separates the histogram into two classes (pixels below it
/// are the dark class). A uniform image gives 0, so nothing is ink.
fn otsu(img: &GrayImage) -> u8 {
    let mut hist = [0u64; 256];
    for p in img.pixels() {
        hist[usize::from(p[0])] += 1;
    }
    let total: u64 = hist.iter().sum();
    let sum_all: f64 = hist.iter().enumerate().map(|(i, &n)| i as f64 * n as f64).sum();
    let (mut w0, mut sum0, mut best, mut best_t) = (0u64, 0f64, 0f64, 0u8);
    for t in 0..256usize {
        // Class 0: luma < t.
        if t > 0 {
            w0 += hist[t - 1];
            sum0 += (t - 1) as f64 * hist[t - 1] as f64;
        }
        let w1 = total - w0;
        if w0 == 0 || w1 == 0 {
            continue;
        }
        let (m0, m1) = (sum0 / w0 as f64, (sum_all - sum0) / w1 as f64);
        let between = w0 as f64 * w1 as f64 * (m0 - m1) * (m0 - m1);
        if between > best {
            best = between;
            best_t = t as u8;
        }
    }
    best_t
}

/// Bounding box (inclusive) and count of the ink pixels, or `None` when there are none.
fn ink_bounds(mask: &GrayImage) -> Option<(u32, u32, u32, u32, usize)> {
    let (mut x0, mut y0, mut x1, mut y1, mut n) = (u32::MAX, u32::MAX, 0, 0, 0usize);
    for (x, y, p) in mask.enumerate_pixels() {
        if p[0] != 0 {
            x0 = x0.min(x);
            y0 = y0.min(y);
            x1 = x1.max(x);
            y1 = y1.max(y);
            n += 1;
        }
    }
    (n > 0).then_some((x0, y0, x1, y1, n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{GenericImageView, ImageBuffer};

    /// A wavy stroke, 4 px thick, between x 100–500 at y ≈ 150 on a `w`×`h` canvas.
    fn stroke(x: u32, y: u32) -> bool {
        if !(100..=500).contains(&x) {
            return false;
        }
        let cy = 150.0 + 40.0 * ((x as f32) / 30.0).sin();
        (y as f32 - cy).abs() < 2.5
    }

    fn png(img: &RgbaImage) -> Vec<u8> {
        let mut out = Vec::new();
        image::codecs::png::PngEncoder::new(&mut out)
            .write_image(img.as_raw(), img.width(), img.height(), image::ExtendedColorType::Rgba8)
            .unwrap();
        out
    }

    fn check_output(sig: &SignatureImage) -> RgbaImage {
        let img = image::load_from_memory(&sig.png).unwrap();
        assert_eq!(img.dimensions(), (sig.width, sig.height));
        assert!(img.color().has_alpha());
        let img = img.into_rgba8();
        // Corners are transparent; some pixel is solid black ink.
        assert_eq!(img.get_pixel(0, 0)[3], 0);
        assert_eq!(img.get_pixel(sig.width - 1, sig.height - 1)[3], 0);
        assert!(img.pixels().any(|p| p.0 == [0, 0, 0, 255]));
        img
    }

    #[test]
    fn canvas_strokes_on_transparency() {
        // Dark blue strokes; transparent pixels are "transparent black", as canvases export them.
        let img: RgbaImage =
            ImageBuffer::from_fn(
                800,
                300,
                |x, y| {
                    if stroke(x, y) {
                        Rgba([20, 30, 120, 255])
                    } else {
                        Rgba([0, 0, 0, 0])
                    }
                },
            );
        let sig = normalize_signature(&png(&img), &PhotoLimits::default()).unwrap();
        // Ink spans 401 × ~85 px plus an 8 px margin each side: fits without scaling.
        assert_eq!(sig.width, 401 + 16);
        assert!(sig.height > 80 && sig.height < 110, "{}", sig.height);
        check_output(&sig);
    }

    #[test]
    fn white_strokes_on_a_dark_mode_canvas() {
        let img: RgbaImage =
            ImageBuffer::from_fn(
                800,
                300,
                |x, y| if stroke(x, y) { Rgba([255, 255, 255, 255]) } else { Rgba([0, 0, 0, 0]) },
            );
        let sig = normalize_signature(&png(&img), &PhotoLimits::default()).unwrap();
        assert_eq!(sig.width, 417);
    }

    #[test]
    fn ink_on_white_scanned_and_scaled_down() {
        // Twice the size, grey paper with noise, dark ink: trimmed then scaled to fit 600×200.
        let img: RgbaImage = ImageBuffer::from_fn(1600, 600, |x, y| {
            if stroke(x / 2, y / 2) {
                Rgba([40, 40, 50, 255])
            } else {
                let n = ((x * 7 + y * 13) % 17) as u8;
                Rgba([225 + n, 225 + n, 220 + n, 255])
            }
        });
        let sig = normalize_signature(&png(&img), &PhotoLimits::default()).unwrap();
        assert!(sig.width <= SIGNATURE_MAX_WIDTH && sig.height <= SIGNATURE_MAX_HEIGHT);
        assert!(sig.width == SIGNATURE_MAX_WIDTH || sig.height == SIGNATURE_MAX_HEIGHT, "{}×{}", sig.width, sig.height);
        let out = check_output(&sig);
        // Scaled edges are anti-aliased.
        assert!(out.pixels().any(|p| p[3] > 0 && p[3] < 255));
    }

    #[test]
    fn empty_signatures_are_refused() {
        let limits = PhotoLimits::default();
        for img in [
            RgbaImage::from_pixel(600, 200, Rgba([0, 0, 0, 0])),
            RgbaImage::from_pixel(600, 200, Rgba([255, 255, 255, 255])),
            ImageBuffer::from_fn(600, 200, |x, y| {
                let n = ((x * 7 + y * 13) % 17) as u8;
                Rgba([225 + n, 225 + n, 225 + n, 255])
            }),
            // One stray dot.
            ImageBuffer::from_fn(600, 200, |x, y| Rgba([0, 0, 0, if (x, y) == (10, 10) { 255 } else { 0 }])),
        ] {
            let e = normalize_signature(&png(&img), &limits).unwrap_err();
            assert_eq!((e.field.as_deref(), e.message.as_str()), (Some("signature"), "Tanda tangan masih kosong."));
        }
    }

    #[test]
    fn bad_files_name_the_signature_field() {
        let e = normalize_signature(b"GIF89a....", &PhotoLimits::default()).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("signature"));
        assert_eq!(e.message, "Berkas tanda tangan harus PNG, JPEG atau BMP.");
        let e = normalize_signature(b"\x89PNG\r\n\x1a\nxx", &PhotoLimits::default()).unwrap_err();
        assert_eq!(e.message, "Berkas tanda tangan rusak atau tidak dapat dibaca.");
    }

    #[test]
    fn otsu_splits_two_levels() {
        let img = GrayImage::from_fn(100, 10, |x, _| Luma([if x < 30 { 40 } else { 220 }]));
        let t = otsu(&img);
        assert!(t > 40 && t <= 220, "{t}");
        assert_eq!(otsu(&GrayImage::from_pixel(10, 10, Luma([255]))), 0);
    }
}
