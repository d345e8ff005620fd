//! Images on the printed papers and the card face: a JPEG photo passed through to the PDF as it is
//! (DCTDecode, no re-encoding), a signature PNG as grey ink with its alpha as the soft mask.

use std::collections::BTreeMap;

use printpdf::{DictItem, ExternalStream, ExternalXObject, Px, RawImage, RawImageData, RawImageFormat};

use crate::error::{Error, Result};

/// What a JPEG's frame header says.
#[derive(Debug, Clone, Copy)]
pub(crate) struct JpegInfo {
    pub width: u16,
    pub height: u16,
    pub components: u8,
}

/// Reads the frame header (SOF0–SOF15 but DHT/JPG/DAC) of a JPEG with 8-bit grey or RGB samples.
pub(crate) fn jpeg_info(b: &[u8]) -> Option<JpegInfo> {
    if b.get(..2)? != [0xFF, 0xD8] {
        return None;
    }
    let mut i = 2;
    while i + 4 <= b.len() {
        if b[i] != 0xFF {
            return None;
        }
        let marker = b[i + 1];
        if marker == 0xFF {
            i += 1;
            continue;
        }
        let len = usize::from(u16::from_be_bytes([b[i + 2], b[i + 3]]));
        if (0xC0..=0xCF).contains(&marker) && ![0xC4, 0xC8, 0xCC].contains(&marker) {
            let s = b.get(i + 4..i + 10)?;
            let info = JpegInfo {
                height: u16::from_be_bytes([s[1], s[2]]),
                width: u16::from_be_bytes([s[3], s[4]]),
                components: s[5],
            };
            let ok = s[0] == 8 && info.width > 0 && info.height > 0 && matches!(info.components, 1 | 3);
            return ok.then_some(info);
        }
        if marker == 0xDA || len < 2 {
            return None;
        }
        i += 2 + len;
    }
    None
}

/// The JPEG as an image XObject, its bytes passed through (DCTDecode).
pub(crate) fn jpeg_xobject(jpeg: &[u8], info: &JpegInfo) -> ExternalXObject {
    let name = |s: &str| DictItem::Name(s.as_bytes().to_vec());
    let space = if info.components == 1 { "DeviceGray" } else { "DeviceRGB" };
    let dict = BTreeMap::from([
        ("Type".to_string(), name("XObject")),
        ("Subtype".to_string(), name("Image")),
        ("Width".to_string(), DictItem::Int(i64::from(info.width))),
        ("Height".to_string(), DictItem::Int(i64::from(info.height))),
        ("ColorSpace".to_string(), name(space)),
        ("BitsPerComponent".to_string(), DictItem::Int(8)),
        ("Filter".to_string(), name("DCTDecode")),
    ]);
    ExternalXObject {
        stream: ExternalStream { dict, content: jpeg.to_vec(), compress: false },
        width: Some(Px(usize::from(info.width))),
        height: Some(Px(usize::from(info.height))),
        dpi: None,
    }
}

/// The signature as grey ink with its alpha as the soft mask.
pub(crate) fn signature_image(png: &[u8], field: &str) -> Result<RawImage> {
    let img = image::load_from_memory_with_format(png, image::ImageFormat::Png)
        .map_err(|_| Error::field(field, "Tanda tangan harus berkas PNG yang utuh."))?;
    let la = img.into_luma_alpha8();
    let (width, height) = (la.width() as usize, la.height() as usize);
    Ok(RawImage {
        pixels: RawImageData::U8(la.into_raw()),
        width,
        height,
        data_format: RawImageFormat::RG8,
        tag: Vec::new(),
    })
}

/// The largest box of `aspect` (w / h) inside `area`, centred.
pub(crate) fn fit_box((x, top, w, h): (f32, f32, f32, f32), aspect: f32) -> (f32, f32, f32, f32) {
    if w / h > aspect {
        let fw = h * aspect;
        (x + (w - fw) / 2.0, top, fw, h)
    } else {
        let fh = w / aspect;
        (x, top + (h - fh) / 2.0, w, fh)
    }
}

