//! Fingerprints and irises: the capture-device adapter and a first quality check.
//!
//! The fingerprint scanners and iris cameras at Dukcapil offices come with vendor software that
//! writes one image file per capture into a folder; [`FolderScanner`] imports those files. Each
//! image is decoded under the same limits as a photo, turned into 8-bit grey, re-encoded as PNG
//! (dropping whatever metadata the vendor wrote) and given a [`Quality`]. The quality here is a
//! desk-side sanity check (size and contrast: "was a finger on the glass at all?"), not NFIQ.
//!
//! A finger or eye that cannot be captured (amputation, bandage, prosthesis) is recorded as a
//! [`BiometricException`]; its photo and the supervisor's approval are kept by the recording
//! service.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use image::{GrayImage, ImageEncoder};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::photo::{decode_limited, ImageKind, PhotoLimits};
use crate::error::{Error, Result};

/// Smallest fingerprint image: 256 px is about 13 mm at the 500 ppi of an FBI-certified scanner,
/// less than one fingertip.
pub const MIN_FINGER_SIZE: (u32, u32) = (256, 256);
/// Smallest iris image (width × height): the 640×480 of ISO/IEC 19794-6 halved.
pub const MIN_IRIS_SIZE: (u32, u32) = (320, 240);
/// Contrast (std-dev of luma / 255) below which the image is treated as blank.
pub const MIN_CONTRAST: f32 = 0.08;
/// Contrast at which the contrast part of the score is full (a clear ridge pattern is 0.2–0.35).
pub const GOOD_CONTRAST: f32 = 0.18;
/// Default minimum score for [`FolderScanner`].
pub const DEFAULT_MIN_SCORE: u8 = 60;

/// The ten fingers, in the ISO/IEC 19794-4 finger-position order (1 = right thumb … 10 = left little).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum Finger {
    RightThumb,
    RightIndex,
    RightMiddle,
    RightRing,
    RightLittle,
    LeftThumb,
    LeftIndex,
    LeftMiddle,
    LeftRing,
    LeftLittle,
}

pub const FINGERS: [Finger; 10] = [
    Finger::RightThumb,
    Finger::RightIndex,
    Finger::RightMiddle,
    Finger::RightRing,
    Finger::RightLittle,
    Finger::LeftThumb,
    Finger::LeftIndex,
    Finger::LeftMiddle,
    Finger::LeftRing,
    Finger::LeftLittle,
];

impl Finger {
    /// The finger as the officer says it.
    pub fn label(self) -> &'static str {
        match self {
            Finger::RightThumb => "Ibu jari kanan",
            Finger::RightIndex => "Telunjuk kanan",
            Finger::RightMiddle => "Jari tengah kanan",
            Finger::RightRing => "Jari manis kanan",
            Finger::RightLittle => "Kelingking kanan",
            Finger::LeftThumb => "Ibu jari kiri",
            Finger::LeftIndex => "Telunjuk kiri",
            Finger::LeftMiddle => "Jari tengah kiri",
            Finger::LeftRing => "Jari manis kiri",
            Finger::LeftLittle => "Kelingking kiri",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum Eye {
    Right,
    Left,
}

pub const EYES: [Eye; 2] = [Eye::Right, Eye::Left];

impl Eye {
    pub fn label(self) -> &'static str {
        match self {
            Eye::Right => "Mata kanan",
            Eye::Left => "Mata kiri",
        }
    }
}

/// One thing to capture. JSON: `{"finger": "right_thumb"}` or `{"iris": "left"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum BiometricPart {
    Finger(Finger),
    Iris(Eye),
}

impl BiometricPart {
    /// "Ibu jari kanan", "Mata kiri".
    pub fn label(self) -> &'static str {
        match self {
            BiometricPart::Finger(f) => f.label(),
            BiometricPart::Iris(e) => e.label(),
        }
    }
    /// Smallest acceptable image (width, height).
    pub fn min_size(self) -> (u32, u32) {
        match self {
            BiometricPart::Finger(_) => MIN_FINGER_SIZE,
            BiometricPart::Iris(_) => MIN_IRIS_SIZE,
        }
    }
    /// All twelve parts: ten fingers then two irises.
    pub fn all() -> impl Iterator<Item = BiometricPart> {
        FINGERS.into_iter().map(BiometricPart::Finger).chain(EYES.into_iter().map(BiometricPart::Iris))
    }
}

/// The capture's file name without extension, also the form field of its errors:
/// `right_thumb` … `left_little`, `iris_right`, `iris_left`.
pub fn file_stem(part: BiometricPart) -> &'static str {
    match part {
        BiometricPart::Finger(f) => match f {
            Finger::RightThumb => "right_thumb",
            Finger::RightIndex => "right_index",
            Finger::RightMiddle => "right_middle",
            Finger::RightRing => "right_ring",
            Finger::RightLittle => "right_little",
            Finger::LeftThumb => "left_thumb",
            Finger::LeftIndex => "left_index",
            Finger::LeftMiddle => "left_middle",
            Finger::LeftRing => "left_ring",
            Finger::LeftLittle => "left_little",
        },
        BiometricPart::Iris(Eye::Right) => "iris_right",
        BiometricPart::Iris(Eye::Left) => "iris_left",
    }
}

/// A desk-side quality estimate.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema, TS)]
pub struct Quality {
    pub width: u32,
    pub height: u32,
    /// Standard deviation of luma / 255 (0 for a flat image, ≈ 0.35 for full-range ridges).
    pub contrast: f32,
    /// 0–100: the size factor (1 at or above the minimum size) times the contrast factor
    /// (1 at or above [`GOOD_CONTRAST`]).
    pub score: u8,
    pub acceptable: bool,
    /// Why the capture is not acceptable, in Bahasa Indonesia; `None` when it is.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A captured image, re-encoded.
#[derive(Debug, Clone, PartialEq)]
pub struct Capture {
    pub part: BiometricPart,
    /// 8-bit greyscale PNG, no metadata.
    pub image_png: Vec<u8>,
    pub quality: Quality,
}

/// Something that captures fingerprints and irises. A capture that decodes but is of poor
/// quality is `Ok` with `quality.acceptable == false`, so the officer can see it and rescan;
/// errors are for captures that are missing or unreadable.
pub trait CaptureDevice {
    fn capture(&self, part: BiometricPart) -> Result<Capture>;
}

/// Decodes a capture under `limits`, converts it to grey and rates it.
pub fn assess(bytes: &[u8], part: BiometricPart, min_score: u8, limits: &PhotoLimits) -> Result<Capture> {
    let field = file_stem(part);
    let what = format!("gambar {}", part.label().to_lowercase());
    let img = decode_limited(bytes, &[ImageKind::Png, ImageKind::Bmp, ImageKind::Jpeg], field, &what, limits)?;
    let grey = img.into_luma8();
    let quality = rate(&grey, part, min_score);
    let mut image_png = Vec::new();
    image::codecs::png::PngEncoder::new(&mut image_png)
        .write_image(grey.as_raw(), grey.width(), grey.height(), image::ExtendedColorType::L8)
        .map_err(Error::internal)?;
    Ok(Capture { part, image_png, quality })
}

fn rate(grey: &GrayImage, part: BiometricPart, min_score: u8) -> Quality {
    let (w, h) = grey.dimensions();
    let (min_w, min_h) = part.min_size();
    let n = grey.as_raw().len().max(1) as f64;
    let mean = grey.as_raw().iter().map(|&v| f64::from(v)).sum::<f64>() / n;
    let var = grey.as_raw().iter().map(|&v| (f64::from(v) - mean).powi(2)).sum::<f64>() / n;
    let contrast = (var.sqrt() / 255.0) as f32;

    let size_factor = (w as f32 / min_w as f32).min(h as f32 / min_h as f32).min(1.0);
    let contrast_factor = (contrast / GOOD_CONTRAST).min(1.0);
    let score = (100.0 * size_factor * contrast_factor).round().clamp(0.0, 100.0) as u8;

    let label = part.label();
    let mut reasons = Vec::new();
    if w < min_w || h < min_h {
        reasons.push(format!("Gambar {label} terlalu kecil ({w}×{h} piksel; minimal {min_w}×{min_h})."));
    }
    if contrast < MIN_CONTRAST {
        let hint = match part {
            BiometricPart::Finger(_) => "jari mungkin tidak menempel pada kaca pemindai atau kaca kotor",
            BiometricPart::Iris(_) => "mata mungkin tertutup atau di luar jangkauan kamera",
        };
        reasons.push(format!(
            "Gambar {label} hampir polos (kontras {:.0}%, minimal {:.0}%): {hint}.",
            contrast * 100.0,
            MIN_CONTRAST * 100.0
        ));
    }
    if reasons.is_empty() && score < min_score {
        reasons.push(format!("Skor kualitas {label} {score} di bawah batas {min_score}."));
    }
    let acceptable = reasons.is_empty();
    let reason = (!acceptable).then(|| format!("{} Pindai ulang.", reasons.join(" ")));
    Quality { width: w, height: h, contrast, score, acceptable, reason }
}

/// Imports captures from the folder the vendor software writes to: `<stem>.png`, `.bmp`, `.jpg`
/// or `.jpeg` (any letter case), e.g. `right_thumb.bmp`, `iris_left.png`. When several exist the
/// newest is taken. Files are decoded under [`PhotoLimits::default`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderScanner {
    pub dir: PathBuf,
    pub min_score: u8,
}

const EXTENSIONS: [&str; 4] = ["png", "bmp", "jpg", "jpeg"];

impl FolderScanner {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        FolderScanner { dir: dir.into(), min_score: DEFAULT_MIN_SCORE }
    }

    /// The newest capture file for `part`, if any.
    pub fn find(&self, part: BiometricPart) -> Result<Option<PathBuf>> {
        let stem = file_stem(part);
        let entries = std::fs::read_dir(&self.dir).map_err(|_| self.folder_error(stem))?;
        let mut best: Option<(SystemTime, PathBuf)> = None;
        for entry in entries.flatten() {
            let path = entry.path();
            if !is_capture_of(&path, stem) {
                continue;
            }
            let Ok(meta) = entry.metadata() else { continue };
            if !meta.is_file() {
                continue;
            }
            let modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
            if best.as_ref().is_none_or(|(t, _)| modified > *t) {
                best = Some((modified, path));
            }
        }
        Ok(best.map(|(_, p)| p))
    }

    /// Deletes every capture file in the folder, so nothing left from the previous applicant can
    /// be imported for the next one. Returns how many files were removed.
    pub fn clear(&self) -> Result<usize> {
        let mut removed = 0;
        for part in BiometricPart::all() {
            while let Some(path) = self.find(part)? {
                std::fs::remove_file(&path).map_err(|e| {
                    tracing::warn!(path = %path.display(), error = %e, "cannot remove capture file");
                    Error::field(
                        file_stem(part),
                        format!(
                            "Berkas pindaian lama {} tidak dapat dihapus. Tutup aplikasi pemindai lalu coba lagi.",
                            path.display()
                        ),
                    )
                })?;
                removed += 1;
            }
        }
        Ok(removed)
    }

    fn folder_error(&self, stem: &str) -> Error {
        Error::field(
            stem,
            format!(
                "Folder pemindai {} tidak ditemukan atau tidak dapat dibaca. Periksa pengaturan perangkat pemindai.",
                self.dir.display()
            ),
        )
    }
}

fn is_capture_of(path: &Path, stem: &str) -> bool {
    let (Some(s), Some(ext)) = (path.file_stem().and_then(|s| s.to_str()), path.extension().and_then(|e| e.to_str()))
    else {
        return false;
    };
    s.eq_ignore_ascii_case(stem) && EXTENSIONS.iter().any(|e| ext.eq_ignore_ascii_case(e))
}

impl CaptureDevice for FolderScanner {
    fn capture(&self, part: BiometricPart) -> Result<Capture> {
        let stem = file_stem(part);
        let limits = PhotoLimits::default();
        let Some(path) = self.find(part)? else {
            return Err(Error::field(
                stem,
                format!(
                    "{} belum dipindai: berkas {stem}.png, .bmp atau .jpg tidak ada di folder {}.",
                    part.label(),
                    self.dir.display()
                ),
            ));
        };
        let unreadable = || Error::field(stem, format!("Berkas pindaian {} tidak dapat dibaca.", path.display()));
        // Size first, so a runaway file is never read into memory.
        let len = std::fs::metadata(&path).map_err(|_| unreadable())?.len();
        if len > limits.max_bytes as u64 {
            return Err(Error::field(
                stem,
                format!(
                    "Berkas pindaian {} terlalu besar ({}); maksimal {}.",
                    path.display(),
                    super::photo::megabytes(usize::try_from(len).unwrap_or(usize::MAX)),
                    super::photo::megabytes(limits.max_bytes)
                ),
            ));
        }
        let bytes = std::fs::read(&path).map_err(|_| unreadable())?;
        assess(&bytes, part, self.min_score, &limits)
    }
}

/// A finger or eye that cannot be captured, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct BiometricException {
    pub part: BiometricPart,
    /// e.g. "Jari diamputasi sejak 2015"; 5–200 characters.
    pub reason: String,
}

pub fn validate_exception(e: &BiometricException) -> Result<()> {
    let n = e.reason.trim().chars().count();
    if !(5..=200).contains(&n) {
        return Err(Error::field(
            "reason",
            format!("Alasan pengecualian {} harus 5 sampai 200 karakter.", e.part.label().to_lowercase()),
        ));
    }
    if e.reason.chars().any(|c| c.is_control() && c != '\n') {
        return Err(Error::field("reason", "Alasan pengecualian berisi karakter yang tidak diizinkan."));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageBuffer, Luma};

    /// Sine ridges, period 9 px (≈ 0.46 mm at 500 ppi), full range.
    fn ridges(w: u32, h: u32) -> GrayImage {
        ImageBuffer::from_fn(w, h, |x, y| {
            let t = (x as f32 * 0.6 + y as f32 * 0.35) * std::f32::consts::TAU / 9.0;
            Luma([(127.5 + 127.0 * t.sin()) as u8])
        })
    }

    fn png(img: &GrayImage) -> Vec<u8> {
        let mut out = Vec::new();
        image::codecs::png::PngEncoder::new(&mut out)
            .write_image(img.as_raw(), img.width(), img.height(), image::ExtendedColorType::L8)
            .unwrap();
        out
    }

    const THUMB: BiometricPart = BiometricPart::Finger(Finger::RightThumb);

    #[test]
    fn ridges_are_acceptable_flat_grey_is_not() {
        let c = assess(&png(&ridges(400, 500)), THUMB, 60, &PhotoLimits::default()).unwrap();
        assert!(c.quality.acceptable, "{:?}", c.quality);
        assert_eq!(c.quality.score, 100);
        assert!(c.quality.contrast > 0.3);
        assert_eq!(c.quality.reason, None);
        let back = image::load_from_memory(&c.image_png).unwrap();
        assert_eq!(back.color(), image::ColorType::L8);

        let flat = GrayImage::from_pixel(400, 500, Luma([128]));
        let c = assess(&png(&flat), THUMB, 60, &PhotoLimits::default()).unwrap();
        assert!(!c.quality.acceptable);
        assert_eq!(c.quality.score, 0);
        let reason = c.quality.reason.unwrap();
        assert!(reason.contains("Ibu jari kanan hampir polos") && reason.ends_with("Pindai ulang."), "{reason}");
    }

    #[test]
    fn small_and_faint_images_are_explained() {
        let c = assess(&png(&ridges(200, 200)), THUMB, 60, &PhotoLimits::default()).unwrap();
        assert!(!c.quality.acceptable);
        assert!(c.quality.reason.unwrap().contains("terlalu kecil (200×200 piksel; minimal 256×256)"));

        let iris = BiometricPart::Iris(Eye::Left);
        let c = assess(&png(&ridges(300, 300)), iris, 60, &PhotoLimits::default()).unwrap();
        assert!(c.quality.reason.unwrap().contains("minimal 320×240"));

        // Faint ridges: contrast above the blank threshold but under "good" → score below 60.
        let mut faint = ridges(400, 400);
        faint.pixels_mut().for_each(|p| p[0] = 100 + p[0] / 4);
        let c = assess(&png(&faint), THUMB, 60, &PhotoLimits::default()).unwrap();
        assert!(c.quality.contrast > MIN_CONTRAST && c.quality.contrast < GOOD_CONTRAST, "{:?}", c.quality);
        assert!(!c.quality.acceptable && c.quality.score < 60, "{:?}", c.quality);
        assert!(c.quality.reason.unwrap().contains("di bawah batas 60"));
        let c = assess(&png(&faint), THUMB, 40, &PhotoLimits::default()).unwrap();
        assert!(c.quality.acceptable, "{:?}", c.quality);
    }

    #[test]
    fn names_and_labels() {
        assert_eq!(file_stem(THUMB), "right_thumb");
        assert_eq!(file_stem(BiometricPart::Iris(Eye::Right)), "iris_right");
        assert_eq!(Finger::LeftLittle.label(), "Kelingking kiri");
        assert_eq!(Finger::RightRing.label(), "Jari manis kanan");
        assert_eq!(BiometricPart::all().count(), 12);
        let stems: std::collections::HashSet<_> = BiometricPart::all().map(file_stem).collect();
        assert_eq!(stems.len(), 12);
        assert_eq!(serde_json::to_value(THUMB).unwrap(), serde_json::json!({"finger": "right_thumb"}));
        assert_eq!(
            serde_json::from_value::<BiometricPart>(serde_json::json!({"iris": "left"})).unwrap(),
            BiometricPart::Iris(Eye::Left)
        );
        assert!(is_capture_of(Path::new("/x/RIGHT_THUMB.BMP"), "right_thumb"));
        assert!(!is_capture_of(Path::new("/x/right_thumb.gif"), "right_thumb"));
        assert!(!is_capture_of(Path::new("/x/right_thumb_old.png"), "right_thumb"));
    }

    #[test]
    fn exceptions_need_a_reason() {
        let part = BiometricPart::Finger(Finger::LeftIndex);
        assert!(validate_exception(&BiometricException { part, reason: "Jari diamputasi sejak 2015".into() }).is_ok());
        for reason in ["", "   abc  ", &"x".repeat(201), "Luka\u{0007} bakar"] {
            let e = validate_exception(&BiometricException { part, reason: reason.into() }).unwrap_err();
            assert_eq!(e.field.as_deref(), Some("reason"));
        }
    }
}
