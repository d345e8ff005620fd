//! Photo normalisation cost per photo: wall time (median, p95) and peak heap, beside a baseline
//! measured in the same run. The baseline is what any normaliser must at least do: decode
//! (`image::load_from_memory`), `resize_exact` to the KTP-el size with the same filter
//! (Lanczos3) and encode a JPEG at the same quality. `normalize_photo` additionally sniffs and
//! vets the header, applies EXIF orientation, crops to 3:4 and runs the exposure and background
//! checks.
//!
//! Inputs are generated here: a red-background portrait with gradients and sensor-like noise,
//! saved as a quality-90 JPEG so the file size is close to a real camera's.
//!
//! Run: `cargo bench --bench photo`; paste the table into docs/benchmarks.md.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::{Duration, Instant};

mod common;
use common::{cpu_model, time_runs};

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{ImageEncoder, Rgb, RgbImage};
use loket::recording::photo::{normalize_photo, PhotoLimits, JPEG_QUALITY, PHOTO_HEIGHT, PHOTO_WIDTH};

// ---- peak heap: a counting wrapper around the system allocator ----

struct Counting;
static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(size: usize) {
    let now = CURRENT.fetch_add(size, Relaxed) + size;
    PEAK.fetch_max(now, Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            CURRENT.fetch_sub(layout.size(), Relaxed);
            grew(new_size);
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Peak heap above what was live before `f` ran.
fn peak_heap<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = CURRENT.load(Relaxed);
    PEAK.store(base, Relaxed);
    let out = f();
    (out, PEAK.load(Relaxed) - base)
}

// ---- inputs ----

/// xorshift32: deterministic noise without another dependency.
struct Noise(u32);
impl Noise {
    fn next(&mut self) -> u32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        self.0
    }
    /// Roughly triangular noise in −amp..=amp.
    fn sample(&mut self, amp: i32) -> i32 {
        let r = self.next();
        let a = (r & 0xFF) as i32 + ((r >> 8) & 0xFF) as i32 - 255;
        a * amp / 255
    }
}

/// A portrait-ish camera frame: red backdrop with a lighting gradient, a shaded skin-tone oval,
/// darker shoulders, plus per-pixel noise.
fn camera_frame(w: u32, h: u32) -> RgbImage {
    let mut noise = Noise(0x9E37_79B9 ^ w ^ (h << 16));
    RgbImage::from_fn(w, h, |x, y| {
        let (fx, fy) = (x as f32 / w as f32, y as f32 / h as f32);
        let (dx, dy) = ((fx - 0.5) / 0.16, (fy - 0.45) / 0.28);
        let d = dx * dx + dy * dy;
        let base: [f32; 3] = if d < 1.0 {
            let shade = 1.0 - 0.25 * d + 0.1 * (dx * 3.0).sin();
            [205.0 * shade, 160.0 * shade, 130.0 * shade]
        } else if fy > 0.75 && (fx - 0.5).abs() < 0.3 {
            [40.0 + 30.0 * fx, 45.0, 60.0 + 20.0 * fy]
        } else {
            let light = 0.8 + 0.3 * (1.0 - fy) - 0.15 * (fx - 0.5).abs();
            [200.0 * light, 35.0 * light, 40.0 * light]
        };
        let n = noise.sample(10) as f32;
        Rgb(base.map(|c| (c + n).clamp(0.0, 255.0) as u8))
    })
}

fn camera_jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = camera_frame(w, h);
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 90)
        .write_image(img.as_raw(), w, h, image::ExtendedColorType::Rgb8)
        .unwrap();
    out
}

// ---- what is measured ----

fn baseline(bytes: &[u8]) -> Vec<u8> {
    let img = image::load_from_memory(bytes).unwrap();
    let small = img.resize_exact(PHOTO_WIDTH, PHOTO_HEIGHT, FilterType::Lanczos3);
    let mut out = Vec::new();
    small.write_with_encoder(JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)).unwrap();
    out
}

fn normalise(bytes: &[u8], limits: &PhotoLimits) -> Vec<u8> {
    normalize_photo(bytes, 1991, None, limits).unwrap().jpeg
}

struct Stats {
    median: Duration,
    p95: Duration,
    peak: usize,
}

fn measure(runs: usize, mut f: impl FnMut() -> Vec<u8>) -> Stats {
    // Warm-up (page faults, lazy statics), then one run for the heap peak, then the timed runs.
    std::hint::black_box(f());
    let (_, peak) = peak_heap(|| std::hint::black_box(f()));
    let t = time_runs(0, runs, || {
        std::hint::black_box(f());
    });
    Stats { median: t.median, p95: t.p95, peak }
}

fn ms(d: Duration) -> String {
    if d < Duration::from_millis(1) {
        format!("{} µs", d.as_micros())
    } else {
        format!("{:.1} ms", d.as_secs_f64() * 1e3)
    }
}

fn mib(b: usize) -> String {
    format!("{:.1} MiB", b as f64 / (1024.0 * 1024.0))
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs this too: keep that quick.
    let quick = !std::env::args().any(|a| a == "--bench");
    let runs = if quick { 2 } else { 30 };
    let limits = PhotoLimits::default();

    println!(
        "Machine: {} CPU(s), {} — {} runs each, single-threaded, release profile.\n",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        cpu_model(),
        runs
    );
    println!("| Input | JPEG size | normalize_photo median | p95 | peak heap | baseline median | p95 | peak heap |");
    println!("|---|---|---|---|---|---|---|---|");
    for (label, w, h) in [("12 Mpx camera", 4000, 3000), ("2 Mpx webcam", 1600, 1200), ("0.3 Mpx webcam", 640, 480)] {
        let bytes = camera_jpeg(w, h);
        let size = format!("{:.2} MB", bytes.len() as f64 / 1e6);
        match normalize_photo(&bytes, 1991, None, &limits) {
            Err(e) => {
                let t = Instant::now();
                let _ = std::hint::black_box(normalize_photo(&bytes, 1991, None, &limits));
                println!(
                    "| {label} {w}×{h} | {size} | refused from the header in {} (\"{}\") | – | – | skipped | – | – |",
                    ms(t.elapsed()),
                    e.message
                );
            }
            Ok(p) => {
                assert!(p.checks.is_empty(), "{label}: {:?}", p.checks);
                let ours = measure(runs, || normalise(&bytes, &limits));
                let base = measure(runs, || baseline(&bytes));
                println!(
                    "| {label} {w}×{h} | {size} | {} | {} | {} | {} | {} | {} |",
                    ms(ours.median),
                    ms(ours.p95),
                    mib(ours.peak),
                    ms(base.median),
                    ms(base.p95),
                    mib(base.peak)
                );
            }
        }
    }
    println!(
        "\nOutput: {PHOTO_WIDTH}×{PHOTO_HEIGHT} JPEG q{JPEG_QUALITY}, Lanczos3. Peak heap = most bytes live at once during one call, above what was live before it (counting global allocator)."
    );
}
