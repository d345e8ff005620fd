//! The pictures a recording desk takes in, made up for the tests: a portrait, a signature, scanner
//! images. Shared with server/tests (`#[path = "../../tests/common/media.rs"]`).

/// A 900×1200 portrait on a red background (for an applicant born in an odd year, e.g. 2005).
pub fn portrait_jpeg() -> Vec<u8> {
    let img = image::ImageBuffer::from_fn(900, 1200, |x, y| {
        let (cx, cy) = (450i64 - x as i64, 650i64 - y as i64);
        if cx * cx / 4 + cy * cy / 9 < 40_000 { image::Rgb([205u8, 160, 130]) } else { image::Rgb([200u8, 20, 30]) }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img).write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

/// A wavy signature stroke on transparency, as the desk's canvas exports it.
pub fn signature_png() -> Vec<u8> {
    let img = image::ImageBuffer::from_fn(500, 200, |x, y| {
        let on = (y as i64 - 100 - ((x as f64 / 20.0).sin() * 40.0) as i64).abs() < 3 && (50..450).contains(&x);
        image::Rgba([0u8, 0, 0, if on { 255 } else { 0 }])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgba8(img).write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// Ridge-like stripes as a PNG, as a fingerprint or iris scanner would write them.
pub fn ridges_png(w: u32, h: u32) -> Vec<u8> {
    let img = image::ImageBuffer::from_fn(w, h, |x, y| image::Luma([(128.0 + 120.0 * ((x + y) as f64 / 4.0).sin()) as u8]));
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageLuma8(img).write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}
