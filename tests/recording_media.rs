//! KTP-el recording media end to end: decompression bombs refused from the header without
//! allocating (measured with a per-thread counting allocator), EXIF orientation, metadata stripped,
//! and the folder-based fingerprint/iris adapter over a temporary folder.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::time::{Duration, Instant};

use image::codecs::jpeg::JpegEncoder;
use image::{GrayImage, ImageBuffer, ImageEncoder, Luma, Rgb, RgbImage};
use loket::recording::biometrics::{self, BiometricPart, CaptureDevice, Eye, Finger, FolderScanner, FINGERS};
use loket::recording::photo::{normalize_photo, Background, PhotoLimits, PHOTO_HEIGHT, PHOTO_WIDTH};
use loket::recording::signature::normalize_signature;
use loket::ErrorCode;

// ---- a counting allocator, per thread so parallel tests do not disturb each other ----

struct Counting;

thread_local! {
    static CURRENT: Cell<usize> = const { Cell::new(0) };
    static PEAK: Cell<usize> = const { Cell::new(0) };
}

fn note_alloc(size: usize) {
    let _ = CURRENT.try_with(|c| {
        let now = c.get() + size;
        c.set(now);
        let _ = PEAK.try_with(|p| p.set(p.get().max(now)));
    });
}

fn note_free(size: usize) {
    let _ = CURRENT.try_with(|c| c.set(c.get().saturating_sub(size)));
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note_alloc(layout.size());
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note_alloc(layout.size());
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        note_free(layout.size());
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note_free(layout.size());
        note_alloc(new_size);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Runs `f` and returns its result, how long it took and the most this thread had allocated
/// (beyond what it held before) while it ran.
fn measured<T>(f: impl FnOnce() -> T) -> (T, Duration, usize) {
    let base = CURRENT.with(|c| c.get());
    PEAK.with(|p| p.set(base));
    let start = Instant::now();
    let out = f();
    let took = start.elapsed();
    (out, took, PEAK.with(|p| p.get()) - base)
}

// ---- crafted files ----

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

/// A well-formed PNG whose IHDR claims `w`×`h` RGBA pixels (40 GB at 100000²), with a tiny IDAT.
fn png_bomb(w: u32, h: u32) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]); // 8-bit RGBA, deflate, no filter, no interlace
    chunk(&mut out, b"IHDR", &ihdr);
    // zlib stream of a few zero bytes (stored block): the start of an endless image.
    chunk(&mut out, b"IDAT", &[0x78, 0x01, 0x01, 0x08, 0x00, 0xF7, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0]);
    chunk(&mut out, b"IEND", &[]);
    out
}

fn jpeg(img: &RgbImage, exif: Option<Vec<u8>>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = JpegEncoder::new_with_quality(&mut out, 92);
    if let Some(exif) = exif {
        enc.set_exif_metadata(exif).unwrap();
    }
    enc.write_image(img.as_raw(), img.width(), img.height(), image::ExtendedColorType::Rgb8).unwrap();
    out
}

/// A real JPEG whose SOF0 header is patched to claim `w`×`h`.
fn jpeg_bomb(w: u16, h: u16) -> Vec<u8> {
    let mut bytes = jpeg(&RgbImage::from_pixel(16, 16, Rgb([128, 0, 0])), None);
    let sof = bytes.windows(2).position(|p| p == [0xFF, 0xC0]).expect("SOF0");
    bytes[sof + 5..sof + 7].copy_from_slice(&h.to_be_bytes());
    bytes[sof + 7..sof + 9].copy_from_slice(&w.to_be_bytes());
    bytes
}

/// Little-endian TIFF/EXIF block with only an Orientation tag.
fn exif_orientation(value: u16) -> Vec<u8> {
    let mut t = b"II*\0".to_vec();
    t.extend_from_slice(&8u32.to_le_bytes()); // IFD0 offset
    t.extend_from_slice(&1u16.to_le_bytes()); // one entry
    t.extend_from_slice(&0x0112u16.to_le_bytes()); // Orientation
    t.extend_from_slice(&3u16.to_le_bytes()); // SHORT
    t.extend_from_slice(&1u32.to_le_bytes()); // count
    t.extend_from_slice(&value.to_le_bytes());
    t.extend_from_slice(&[0, 0]);
    t.extend_from_slice(&0u32.to_le_bytes()); // no next IFD
    t
}

// ---- bombs ----

#[test]
fn png_bomb_is_refused_from_the_header_without_allocating() {
    let bomb = png_bomb(100_000, 100_000);
    let limits = PhotoLimits::default();

    let (res, took, peak) = measured(|| normalize_photo(&bomb, 1990, None, &limits));
    let e = res.unwrap_err();
    assert_eq!(e.code, ErrorCode::Validation);
    assert_eq!(e.field.as_deref(), Some("photo"));
    assert!(e.message.contains("100000×100000") && e.message.contains("maksimal 40 Mpx"), "{}", e.message);
    assert!(took < Duration::from_secs(1), "{took:?}");
    assert!(peak < 1024 * 1024, "allocated {peak} bytes");

    let (res, _, peak) = measured(|| normalize_signature(&bomb, &limits));
    assert_eq!(res.unwrap_err().field.as_deref(), Some("signature"));
    assert!(peak < 1024 * 1024, "allocated {peak} bytes");

    let part = BiometricPart::Finger(Finger::LeftIndex);
    let (res, _, peak) = measured(|| biometrics::assess(&bomb, part, 60, &limits));
    assert_eq!(res.unwrap_err().field.as_deref(), Some("left_index"));
    assert!(peak < 1024 * 1024, "allocated {peak} bytes");
}

#[test]
fn a_bomb_just_over_the_limit_and_a_lying_jpeg_header() {
    // 6400×6400 = 41 Mpx: over 40 Mpx by a little.
    let (res, _, peak) = measured(|| normalize_photo(&png_bomb(6400, 6400), 1990, None, &PhotoLimits::default()));
    assert!(res.unwrap_err().message.contains("41 Mpx"));
    assert!(peak < 1024 * 1024, "allocated {peak} bytes");

    let (res, took, peak) =
        measured(|| normalize_photo(&jpeg_bomb(65_000, 65_000), 1990, None, &PhotoLimits::default()));
    let e = res.unwrap_err();
    assert_eq!(e.field.as_deref(), Some("photo"));
    assert!(e.message.contains("65000×65000"), "{}", e.message);
    assert!(took < Duration::from_secs(1) && peak < 1024 * 1024, "{took:?} {peak}");

    // Within the pixel limit but the data is the 16×16 original: corrupt, and no more memory than
    // the vetted 4000×3000 RGB buffer.
    let (res, _, peak) = measured(|| normalize_photo(&jpeg_bomb(4000, 3000), 1990, None, &PhotoLimits::default()));
    if let Err(e) = res {
        assert_eq!(e.message, "Berkas foto rusak atau tidak dapat dibaca.");
    }
    assert!(peak < 3 * 4000 * 3000 + 16 * 1024 * 1024, "allocated {peak} bytes");
}

#[test]
fn too_small_photo_is_refused_before_decoding() {
    let small = jpeg(&RgbImage::from_pixel(640, 480, Rgb([200, 30, 35])), None);
    let (res, _, peak) = measured(|| normalize_photo(&small, 1991, None, &PhotoLimits::default()));
    let e = res.unwrap_err();
    assert!(e.message.contains("640×480"), "{}", e.message);
    // A decoded 640×480 RGB frame alone would be 900 kB.
    assert!(peak < 640 * 480 * 3 / 2, "allocated {peak} bytes");
}

#[test]
fn sixteen_bit_png_over_the_memory_budget_is_explained() {
    // 3000×3000 RGBA at 16 bits: 9 Mpx is within 10 Mpx, but 72 MB is over the 40 MB budget.
    let limits = PhotoLimits { max_pixels: 10_000_000, ..PhotoLimits::default() };
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&3000u32.to_be_bytes());
    ihdr.extend_from_slice(&3000u32.to_be_bytes());
    ihdr.extend_from_slice(&[16, 6, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &ihdr);
    chunk(&mut png, b"IDAT", &[0x78, 0x01, 0x01, 0x08, 0x00, 0xF7, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0]);
    chunk(&mut png, b"IEND", &[]);
    let e = normalize_photo(&png, 1991, None, &limits).unwrap_err();
    assert!(e.message.contains("16 bit"), "{}", e.message);
}

// ---- photos ----

fn red_portrait(w: u32, h: u32) -> RgbImage {
    ImageBuffer::from_fn(w, h, |x, y| {
        let (dx, dy) =
            ((x as f32 - w as f32 / 2.0) / (w as f32 * 0.28), (y as f32 - h as f32 * 0.48) / (h as f32 * 0.3));
        Rgb(if dx * dx + dy * dy < 1.0 { [196, 150, 120] } else { [200, 30, 35] })
    })
}

#[test]
fn exif_orientation_is_applied_and_metadata_stripped() {
    // Stored landscape 1200×900 (the portrait rotated 90° anticlockwise), EXIF says "rotate 90° CW".
    let upright = red_portrait(900, 1200);
    let stored = image::imageops::rotate270(&upright);
    assert_eq!(stored.dimensions(), (1200, 900));
    let bytes = jpeg(&stored, Some(exif_orientation(6)));
    assert!(bytes.windows(6).any(|w| w == b"Exif\0\0"));

    let p = normalize_photo(&bytes, 1991, None, &PhotoLimits::default()).unwrap();
    // Read as stored, the centred 3:4 crop would hold a sideways face; upright it is centred.
    assert_eq!(p.background, Background::Red);
    assert!(p.checks.is_empty(), "{:?}", p.checks);
    assert!(!p.jpeg.windows(6).any(|w| w == b"Exif\0\0"), "EXIF must not survive");
    let out = image::load_from_memory(&p.jpeg).unwrap().into_rgb8();
    assert_eq!(out.dimensions(), (PHOTO_WIDTH, PHOTO_HEIGHT));
    // The face (skin tone) is centred and taller than wide: sample above and beside the centre.
    let skin = |x: u32, y: u32| out.get_pixel(x, y)[1] > 100;
    assert!(skin(150, 100) && skin(150, 300));
    assert!(!skin(20, 200) && !skin(280, 200));
}

// ---- the folder scanner ----

fn ridges(w: u32, h: u32) -> GrayImage {
    ImageBuffer::from_fn(w, h, |x, y| {
        let t = (x as f32 * 0.6 + y as f32 * 0.35) * std::f32::consts::TAU / 9.0;
        Luma([(127.5 + 127.0 * t.sin()) as u8])
    })
}

fn save(img: &GrayImage, path: &std::path::Path) {
    img.save(path).unwrap();
}

#[test]
fn folder_scanner_imports_vendor_files() {
    let dir = tempfile::tempdir().unwrap();
    let scanner = FolderScanner { dir: dir.path().to_path_buf(), min_score: 60 };

    save(&ridges(400, 500), &dir.path().join("right_thumb.png"));
    save(&ridges(400, 500), &dir.path().join("RIGHT_INDEX.BMP"));
    save(&GrayImage::from_pixel(400, 500, Luma([200])), &dir.path().join("right_middle.png"));
    save(&ridges(640, 480), &dir.path().join("iris_left.jpg"));
    std::fs::write(dir.path().join("right_ring.png"), b"\x89PNG\r\n\x1a\n truncated").unwrap();
    std::fs::write(dir.path().join("notes.txt"), b"ignored").unwrap();

    let thumb = scanner.capture(BiometricPart::Finger(Finger::RightThumb)).unwrap();
    assert!(thumb.quality.acceptable, "{:?}", thumb.quality);
    assert_eq!((thumb.quality.width, thumb.quality.height), (400, 500));
    assert_eq!(image::load_from_memory(&thumb.image_png).unwrap().color(), image::ColorType::L8);

    let index = scanner.capture(BiometricPart::Finger(Finger::RightIndex)).unwrap();
    assert!(index.quality.acceptable);

    let middle = scanner.capture(BiometricPart::Finger(Finger::RightMiddle)).unwrap();
    assert!(!middle.quality.acceptable);
    assert!(middle.quality.reason.unwrap().contains("Jari tengah kanan hampir polos"));

    let iris = scanner.capture(BiometricPart::Iris(Eye::Left)).unwrap();
    assert!(iris.quality.acceptable, "{:?}", iris.quality);

    let e = scanner.capture(BiometricPart::Finger(Finger::RightRing)).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("right_ring"));
    assert!(e.message.contains("rusak"), "{}", e.message);

    let e = scanner.capture(BiometricPart::Finger(Finger::LeftThumb)).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("left_thumb"));
    assert!(e.message.starts_with("Ibu jari kiri belum dipindai"), "{}", e.message);

    // A newer file wins over an older one in another format.
    std::thread::sleep(Duration::from_millis(20));
    save(&GrayImage::from_pixel(400, 500, Luma([90])), &dir.path().join("right_thumb.bmp"));
    let again = scanner.capture(BiometricPart::Finger(Finger::RightThumb)).unwrap();
    assert!(!again.quality.acceptable);

    // Clearing removes every capture file (six here) and keeps other files.
    assert_eq!(scanner.clear().unwrap(), 6);
    assert!(dir.path().join("notes.txt").exists());
    for f in FINGERS {
        assert!(scanner.find(BiometricPart::Finger(f)).unwrap().is_none());
    }

    let gone = FolderScanner::new(dir.path().join("missing"));
    let e = gone.capture(BiometricPart::Iris(Eye::Right)).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("iris_right"));
    assert!(e.message.contains("Folder pemindai"));
}
