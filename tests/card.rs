//! The KTP-el card face PDF, checked with poppler's tools the way a printer driver would read it:
//! page size (pdfinfo), text (pdftotext), every word's box (pdftotext -bbox-layout), fonts
//! (pdffonts), images (pdfimages) and pixels (pdftoppm). The cards it renders are left under
//! target/cards/ to look at.

use std::path::{Path, PathBuf};
use std::process::Command;

#[path = "common/pdf_words.rs"]
mod pdf_words;
#[path = "common/samples.rs"]
mod samples;
use pdf_words::Word;

use image::{Rgb, RgbImage, Rgba, RgbaImage};
use loket::printing::card::{card_pdf, CardFace, CardOptions, CARD_HEIGHT_MM, CARD_WIDTH_MM, PHOTO_BOX_MM, PHOTO_COLUMN_X_MM};
use loket::regions;
use loket_contract::codes;

const PT: f64 = 72.0 / 25.4;

// ---- fixtures ----

/// A 300 × 400 portrait like the recording desk stores: a red background, a face, shoulders.
fn photo_jpeg() -> Vec<u8> {
    let img = RgbImage::from_fn(300, 400, |x, y| {
        let (fx, fy) = (x as f32 / 300.0, y as f32 / 400.0);
        let face = ((fx - 0.5) / 0.22).powi(2) + ((fy - 0.4) / 0.25).powi(2) < 1.0;
        if face {
            Rgb([214, 170, 140])
        } else if fy > 0.72 && (fx - 0.5).abs() < 0.38 {
            Rgb([40, 50, 70])
        } else {
            Rgb([(200.0 - 40.0 * fy) as u8, 30, 36])
        }
    });
    samples::jpeg(&img, 90)
}

/// Black ink on transparency, 600 × 200, as the signature step stores it.
fn signature_png() -> Vec<u8> {
    let img = RgbaImage::from_fn(600, 200, |x, y| {
        let (fx, fy) = (x as f32, y as f32);
        let wave = 100.0 + 60.0 * (fx / 55.0).sin() * (1.0 - fx / 900.0);
        let d = (fy - wave).abs();
        let ink = x > 30 && x < 570 && d < 7.0;
        let alpha = if ink { (255.0 * (1.0 - (d - 5.0).max(0.0) / 2.0)) as u8 } else { 0 };
        Rgba([0, 0, 0, alpha])
    });
    samples::png(&img)
}

fn normal_face() -> CardFace {
    CardFace {
        province: "KALIMANTAN BARAT".into(),
        regency: "KABUPATEN SAMBAS".into(),
        nik: "6101091708050001".into(),
        name: "Siti Nurhaliza".into(),
        birth_place: "SAMBAS".into(),
        birth_date: "17-08-2005".into(),
        sex: "PEREMPUAN".into(),
        blood_type: "O".into(),
        address: "JL. MERDEKA NO. 1".into(),
        rt: "001".into(),
        rw: "002".into(),
        village: "SEBUNGA".into(),
        district: "SAJINGAN BESAR".into(),
        religion: "ISLAM".into(),
        marital_status: "BELUM KAWIN".into(),
        occupation: "PELAJAR/MAHASISWA".into(),
        citizenship: "WNI".into(),
        valid_until: "SEUMUR HIDUP".into(),
        issue_place: "SAMBAS".into(),
        issue_date: "01-12-2026".into(),
        photo_jpeg: photo_jpeg(),
        signature_png: Some(signature_png()),
    }
}

fn longest<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names.max_by_key(|n| (n.chars().count(), n.to_string())).unwrap().to_string()
}

/// The longest names the region table has at each level, and the longest values the form lets
/// through (name 100, birth place 60, address 150 characters; the longest entries of the code lists).
fn longest_face() -> CardFace {
    let provinces = regions::provinces();
    let regencies: Vec<_> = provinces.iter().flat_map(|p| regions::children(&p.code)).collect();
    let districts: Vec<_> = regencies.iter().flat_map(|r| regions::children(&r.code)).collect();
    let villages: Vec<_> = districts.iter().flat_map(|d| regions::children(&d.code)).collect();
    assert!(villages.len() > 80_000, "{} villages", villages.len());
    let regency = longest(regencies.iter().map(|r| r.name.as_str()));
    let issue_place = regency.trim_start_matches("KABUPATEN ").trim_start_matches("KOTA ").to_string();
    let name = "MUHAMMAD ABDURRAHMAN WAHYUDI SYAHPUTRA KUSUMANEGARA BIN SULAIMAN HADIWIJAYA MANGKUBUMI PRAWIRANEGARA";
    let address = "JL. PANGERAN DIPONEGORO GANG SETIA KAWAN III NO. 1234 BLOK C-17 KOMPLEKS PERUMAHAN GRIYA PERMATA \
                   HIJAU INDAH LESTARI DEKAT MASJID JAMI NURUL HUDA ASRI";
    let birth_place = "KABUPATEN KEPULAUAN SIAU TAGULANDANG BIARO PROVINSI SULAWESI";
    assert_eq!(name.chars().count(), 100);
    assert_eq!(address.chars().count(), 150, "{}", address.chars().count());
    assert_eq!(birth_place.chars().count(), 60);
    let pick = |list: &[&str]| longest(list.iter().copied());
    CardFace {
        province: longest(provinces.iter().map(|p| p.name.as_str())),
        regency,
        nik: "7109051212990009".into(),
        name: name.into(),
        birth_place: birth_place.into(),
        birth_date: "31-12-1999".into(),
        sex: "PEREMPUAN".into(),
        blood_type: pick(codes::BLOOD_TYPES),
        address: address.into(),
        rt: "999".into(),
        rw: "999".into(),
        village: longest(villages.iter().map(|v| v.name.as_str())),
        district: longest(districts.iter().map(|d| d.name.as_str())),
        religion: pick(codes::RELIGIONS),
        marital_status: pick(codes::MARITAL_STATUSES),
        occupation: pick(codes::OCCUPATIONS),
        citizenship: "WNI".into(),
        valid_until: "SEUMUR HIDUP".into(),
        issue_place,
        issue_date: "31-12-2026".into(),
        photo_jpeg: photo_jpeg(),
        signature_png: Some(signature_png()),
    }
}

// ---- poppler ----

fn out_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/cards");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes the PDF under target/cards and returns its path.
fn save(name: &str, pdf: &[u8]) -> PathBuf {
    let path = out_dir().join(format!("{name}.pdf"));
    std::fs::write(&path, pdf).unwrap();
    path
}

/// Runs a poppler tool; anything it says on stderr (a broken font, a bad image) fails the test.
fn run(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool).args(args).output().unwrap_or_else(|e| panic!("{tool}: {e}"));
    assert!(out.status.success() && out.stderr.is_empty(), "{tool} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn pdf(face: &CardFace, offset_mm: (f32, f32), background: bool) -> Vec<u8> {
    card_pdf(face, &CardOptions { offset_mm, background }).unwrap()
}

fn words(path: &Path) -> Vec<Word> {
    pdf_words::parse(&run("pdftotext", &["-bbox-layout", path.to_str().unwrap(), "-"]))
}

fn render(path: &Path, name: &str) -> image::RgbImage {
    let prefix = out_dir().join(name);
    run("pdftoppm", &["-r", "150", "-png", "-singlefile", path.to_str().unwrap(), prefix.to_str().unwrap()]);
    image::open(prefix.with_extension("png")).unwrap().to_rgb8()
}

// ---- tests ----

#[test]
fn the_page_is_an_id1_card() {
    let path = save("size", &pdf(&normal_face(), (0.0, 0.0), false));
    let info = run("pdfinfo", &[path.to_str().unwrap()]);
    let line = info.lines().find(|l| l.starts_with("Page size:")).unwrap();
    let n: Vec<f64> = line.split_whitespace().filter_map(|t| t.parse().ok()).collect();
    assert!((n[0] / PT - 85.60).abs() < 0.1, "{line}");
    assert!((n[1] / PT - 53.98).abs() < 0.1, "{line}");
    assert!(info.lines().any(|l| l.split_whitespace().eq(["Pages:", "1"])), "{info}");
}

#[test]
fn the_face_has_the_data_and_every_label() {
    let path = save("normal", &pdf(&normal_face(), (0.0, 0.0), false));
    let text = run("pdftotext", &["-layout", path.to_str().unwrap(), "-"]);
    for want in [
        "PROVINSI KALIMANTAN BARAT",
        "KABUPATEN SAMBAS",
        "NIK",
        "6101091708050001",
        "Nama",
        "SITI NURHALIZA",
        "Tempat/Tgl Lahir",
        "SAMBAS, 17-08-2005",
        "Jenis Kelamin",
        "PEREMPUAN",
        "Gol. Darah",
        "Alamat",
        "JL. MERDEKA NO. 1",
        "RT/RW",
        "001/002",
        "Kel/Desa",
        "SEBUNGA",
        "Kecamatan",
        "SAJINGAN BESAR",
        "Agama",
        "ISLAM",
        "Status Perkawinan",
        "BELUM KAWIN",
        "Pekerjaan",
        "PELAJAR/MAHASISWA",
        "Kewarganegaraan",
        "WNI",
        "Berlaku Hingga",
        "SEUMUR HIDUP",
        "01-12-2026",
    ] {
        assert!(text.contains(want), "{want:?} missing from\n{text}");
    }
    // The stand-in's title is the preview's only extra text.
    assert!(!text.contains("KARTU TANDA PENDUDUK"));
}

#[test]
fn the_font_is_embedded_as_a_subset() {
    let face = normal_face();
    let bytes = pdf(&face, (0.0, 0.0), true);
    // Two whole DejaVu fonts would be 1.3 MB; their subsets with the page are a few kB.
    let images = face.photo_jpeg.len() + face.signature_png.as_ref().unwrap().len();
    assert!(bytes.len() < images + 40_000, "{} bytes, images {images}", bytes.len());
    let path = save("fonts", &bytes);
    let list = run("pdffonts", &[path.to_str().unwrap()]);
    let rows: Vec<&str> = list.lines().skip(2).collect();
    assert_eq!(rows.len(), 2, "{list}");
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        // name type… encoding emb sub uni object ID
        let n = cols.len();
        assert!(cols[0].contains("+DejaVuSansCondensed"), "{row}");
        assert_eq!(cols[0].find('+'), Some(6), "{row}");
        assert_eq!((cols[n - 5], cols[n - 4], cols[n - 3]), ("yes", "yes", "yes"), "emb sub uni: {row}");
    }
}

#[test]
fn the_photo_is_the_jpeg_and_the_signature_has_a_soft_mask() {
    let face = normal_face();
    let path = save("images", &pdf(&face, (0.0, 0.0), false));
    let list = run("pdfimages", &["-list", path.to_str().unwrap()]);
    let rows: Vec<Vec<&str>> = list.lines().skip(2).map(|l| l.split_whitespace().collect()).collect();
    // page num type width height color comp bpc enc interp object ID x-ppi y-ppi size ratio
    let photo = rows.iter().find(|r| r[2] == "image" && r[8] == "jpeg").expect(&list);
    assert_eq!((photo[3], photo[4], photo[5]), ("300", "400", "rgb"), "{list}");
    let ppi: f64 = photo[12].parse().unwrap();
    assert!((ppi - 300.0 / (20.0 / 25.4)).abs() < 3.0, "20 mm wide: {ppi} ppi\n{list}");
    assert!(rows.iter().any(|r| r[2] == "image" && r[3] == "600" && r[4] == "200"), "{list}");
    assert!(rows.iter().any(|r| r[2] == "smask" && r[3] == "600" && r[4] == "200"), "{list}");
    // Without a signature, only the photo.
    let unsigned = CardFace { signature_png: None, ..face };
    let path = save("unsigned", &pdf(&unsigned, (0.0, 0.0), false));
    let list = run("pdfimages", &["-list", path.to_str().unwrap()]);
    assert_eq!(list.lines().skip(2).count(), 1, "{list}");
}

#[test]
fn the_photo_lands_in_its_box() {
    // Between a white card and the red photo background, a pixel just inside the box is red.
    let path = save("photo-box", &pdf(&normal_face(), (0.0, 0.0), false));
    let img = render(&path, "photo-box");
    let px = |x_mm: f32, y_mm: f32| *img.get_pixel((x_mm / 25.4 * 150.0) as u32, (y_mm / 25.4 * 150.0) as u32);
    let (x, top, w, h) = PHOTO_BOX_MM;
    let inside = px(x + 0.4, top + 0.4);
    assert!(inside[0] > 150 && inside[1] < 80, "{inside:?}");
    let inside = px(x + w - 0.4, top + h - 2.0);
    assert!(inside[0] > 100 && inside[1] < 80 || inside[2] > 60, "{inside:?}");
    for outside in [px(x - 0.4, top + 0.4), px(x + w + 0.4, top + 10.0), px(x + 5.0, top - 0.4)] {
        assert_eq!(outside.0, [255, 255, 255]);
    }
}

#[test]
fn the_offset_moves_everything_printed() {
    let face = normal_face();
    let nik_box = |offset| {
        let path = save("offset", &pdf(&face, offset, false));
        words(&path).into_iter().find(|w| w.text == face.nik).unwrap()
    };
    let (a, b) = (nik_box((0.0, 0.0)), nik_box((3.0, -2.0)));
    assert!((b.x0 - a.x0 - 3.0 * PT).abs() < 0.05, "{a:?} {b:?}");
    assert!((b.y0 - a.y0 + 2.0 * PT).abs() < 0.05, "{a:?} {b:?}");
    let (c, d) = (nik_box((0.0, 0.0)), nik_box((-5.0, 5.0)));
    assert!((d.x0 - c.x0 + 5.0 * PT).abs() < 0.05 && (d.y0 - c.y0 - 5.0 * PT).abs() < 0.05, "{c:?} {d:?}");
    // The photo moves with the text.
    let moved = save("offset-photo", &pdf(&face, (3.0, -2.0), false));
    let img = render(&moved, "offset-photo");
    let (x, top, _, _) = PHOTO_BOX_MM;
    let at = |x_mm: f32, y_mm: f32| img.get_pixel((x_mm / 25.4 * 150.0) as u32, (y_mm / 25.4 * 150.0) as u32).0;
    assert_eq!(at(x + 1.5, top + 1.0), [255, 255, 255]);
    assert!(at(x + 3.5, top - 1.0)[0] > 150, "{:?}", at(x + 3.5, top - 1.0));
    // A calibration far past any printer's slack is refused.
    assert!(card_pdf(&face, &CardOptions { offset_mm: (12.0, 0.0), background: false }).is_err());
    assert!(card_pdf(&face, &CardOptions { offset_mm: (f32::NAN, 0.0), background: false }).is_err());
}

/// Every word on the card, clear of the photo column when it starts left of it, and no two words'
/// boxes overlapping.
fn assert_fits(name: &str, face: &CardFace) -> Vec<Word> {
    let path = save(name, &pdf(face, (0.0, 0.0), false));
    let words = words(&path);
    let (w, h) = (CARD_WIDTH_MM as f64 * PT, CARD_HEIGHT_MM as f64 * PT);
    let column = PHOTO_COLUMN_X_MM as f64 * PT;
    let (px, ptop, pw, ph) = PHOTO_BOX_MM;
    let photo = (px as f64 * PT, ptop as f64 * PT, (px + pw) as f64 * PT, (ptop + ph) as f64 * PT);
    // Header lines span the card above the photo; everything else keeps to its column.
    for word in &words {
        assert!(word.x0 >= 0.5 * PT && word.x1 <= w - 0.5 * PT, "{name}: {word:?} off the card");
        assert!(word.y0 >= 0.5 * PT && word.y1 <= h - 0.5 * PT, "{name}: {word:?} off the card");
        let below_header = word.y1 > photo.1;
        if below_header && word.x0 < column {
            assert!(word.x1 <= column, "{name}: {word:?} crosses into the photo column");
        }
        let in_photo = word.x1 > photo.0 && word.x0 < photo.2 && word.y1 > photo.1 && word.y0 < photo.3;
        assert!(!in_photo, "{name}: {word:?} on the photo");
    }
    for (i, a) in words.iter().enumerate() {
        for b in &words[i + 1..] {
            let overlap = a.x0 < b.x1 - 0.01 && b.x0 < a.x1 - 0.01 && a.y0 < b.y1 - 0.01 && b.y0 < a.y1 - 0.01;
            assert!(!overlap, "{name}: {a:?} overlaps {b:?}");
        }
    }
    words
}

/// Each word of `value` is on the card, in order.
fn assert_has_words(words: &[Word], value: &str) {
    let printed: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
    let mut from = 0;
    for want in value.to_uppercase().split_whitespace() {
        let at = printed[from..].iter().position(|p| p.trim_end_matches(',') == want.trim_end_matches(','));
        let at = at.unwrap_or_else(|| panic!("{want:?} missing (after word {from}) in {printed:?}"));
        from += at + 1;
    }
}

#[test]
fn normal_values_fit() {
    let face = normal_face();
    let words = assert_fits("normal-fit", &face);
    assert_has_words(&words, &face.name);
    // A normal card sets each value on one line at the full size: every row has one baseline.
    let nama = words.iter().find(|w| w.text == "Nama").unwrap();
    let siti = words.iter().find(|w| w.text == "SITI").unwrap();
    assert!((nama.y1 - siti.y1).abs() < 0.3, "{nama:?} {siti:?}");
}

#[test]
fn the_longest_values_fit() {
    let face = longest_face();
    let words = assert_fits("longest", &face);
    for value in [&face.name, &face.address, &face.village, &face.district, &face.occupation, &face.religion] {
        assert_has_words(&words, value);
    }
    assert_has_words(&words, &face.regency);
    assert_has_words(&words, &format!("PROVINSI {}", face.province));
    assert_has_words(&words, &face.issue_place);
    // Still readable: no word under 3 pt (its box is about 1.16 × the size).
    for w in &words {
        assert!(w.y1 - w.y0 >= 3.0 * 1.1, "{w:?} too small");
    }
}

#[test]
fn long_names_shrink_then_wrap() {
    let mut face = normal_face();
    let mut heights = Vec::new();
    for name in [
        "SITI NURHALIZA",
        "MUHAMMAD ABDURRAHMAN WAHYUDI S",
        "MUHAMMAD ABDURRAHMAN WAHYUDI SYAHPUTRA KUSUMANEGARA BIN SULAIMAN",
    ] {
        face.name = name.into();
        let words = assert_fits("names", &face);
        assert_has_words(&words, name);
        let first = name.split(' ').next().unwrap();
        let first = words.iter().find(|w| w.text == first).unwrap();
        let last = words.iter().rev().find(|w| w.text == name.rsplit(' ').next().unwrap()).unwrap();
        heights.push((first.y1 - first.y0, last.y0 > first.y1 - 0.1));
    }
    // Short: full size, one line. Longer: smaller, still one line. Longest: two lines.
    assert!(heights[1].0 < heights[0].0 && !heights[1].1, "{heights:?}");
    assert!(heights[2].1, "{heights:?}");
}

#[test]
fn the_background_is_only_in_the_preview() {
    let face = normal_face();
    let print = render(&save("print", &pdf(&face, (0.0, 0.0), false)), "card-print");
    let preview = render(&save("preview", &pdf(&face, (0.0, 0.0), true)), "card-preview");
    let at = |img: &image::RgbImage, x_mm: f32, y_mm: f32| img.get_pixel((x_mm / 25.4 * 150.0) as u32, (y_mm / 25.4 * 150.0) as u32).0;
    // Near the edges, away from any text: white on the print, tinted on the preview.
    for (x, y) in [(1.5, 30.0), (84.2, 2.0), (84.2, 52.5), (40.0, 52.9)] {
        assert_eq!(at(&print, x, y), [255, 255, 255], "print at ({x}, {y})");
        let p = at(&preview, x, y);
        assert!(p != [255, 255, 255] && p[2] > p[0], "preview at ({x}, {y}): {p:?}");
    }
    // Outside the rounded corner both are white.
    assert_eq!(at(&preview, 0.2, 0.2), [255, 255, 255]);
    // The print shows no ink outside its text and images: the whole left margin is white.
    let margin = (2.5 / 25.4 * 150.0) as u32;
    assert!((0..print.height()).all(|y| (0..margin).all(|x| print.get_pixel(x, y).0 == [255, 255, 255])));
}

#[test]
fn refuses_what_is_not_a_photo_or_a_signature() {
    let mut face = normal_face();
    face.photo_jpeg = signature_png();
    let err = card_pdf(&face, &CardOptions::default()).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("photo_jpeg"));
    let mut face = normal_face();
    face.signature_png = Some(photo_jpeg());
    let err = card_pdf(&face, &CardOptions::default()).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("signature_png"));
}

#[test]
fn renders_the_cards_to_look_at() {
    // target/cards/*.png: the normal and the longest card, printed and previewed.
    for (name, face) in [("normal", normal_face()), ("longest", longest_face())] {
        for (kind, background) in [("print", false), ("preview", true)] {
            let path = save(&format!("{name}-{kind}"), &pdf(&face, (0.0, 0.0), background));
            let img = render(&path, &format!("{name}-{kind}"));
            assert_eq!((img.width(), img.height()), (506, 319));
        }
    }
}
