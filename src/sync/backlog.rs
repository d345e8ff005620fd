//! A synthetic backlog of finished recordings, as an office that was offline for weeks would have:
//! for demos, the sync fault tests and the sync benchmark (`loket dev seed-backlog`). The people
//! come from a registry CSV (`loket-central registry generate`), so central can verify them.

use crate::clock::to_db;
use crate::error::{Error, Result};
use crate::App;
use image::{codecs::jpeg::JpegEncoder, ImageBuffer, Luma, Rgb, RgbImage};
use rand::{rngs::StdRng, Rng, SeedableRng};
use rusqlite::params;
use serde_json::json;

/// One row of the registry CSV (`nik,full_name,sex,birth_place,birth_date,…`).
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Person {
    pub nik: String,
    pub full_name: String,
    pub sex: String,
    pub birth_place: String,
    pub birth_date: String,
}

pub fn read_people(path: &std::path::Path) -> Result<Vec<Person>> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_path(path).map_err(|e| Error::field("registry", e.to_string()))?;
    reader.deserialize().map(|r| r.map_err(|e| Error::field("registry", e.to_string()))).collect()
}

/// A passport-style photo of realistic size (300×400 JPEG, ~20–30 KB), different for every seed.
pub fn synthetic_photo(rng: &mut StdRng) -> Vec<u8> {
    let blue = rng.gen_bool(0.5);
    let (cx, cy, r) = (150.0 + rng.gen_range(-20.0..20.0), 170.0 + rng.gen_range(-15.0..15.0), 80.0 + rng.gen_range(-10.0..10.0));
    let skin = [rng.gen_range(150..220u8), rng.gen_range(110..170u8), rng.gen_range(80..130u8)];
    let img: RgbImage = ImageBuffer::from_fn(300, 400, |x, y| {
        let (fx, fy) = (x as f32, y as f32);
        let face = ((fx - cx) / r).powi(2) + ((fy - cy) / (r * 1.3)).powi(2) < 1.0;
        let body = fy > 300.0 && (fx - 150.0).abs() < 130.0 - (400.0 - fy) * 0.3;
        let noise = rng.gen_range(0..10u8);
        if face {
            Rgb([skin[0].saturating_add(noise), skin[1].saturating_add(noise), skin[2].saturating_add(noise)])
        } else if body {
            Rgb([30 + noise, 30 + noise, 40 + noise])
        } else if blue {
            Rgb([20 + noise, 60 + noise, 200 - (y / 8) as u8])
        } else {
            Rgb([200 - (y / 8) as u8, 20 + noise, 30 + noise])
        }
    });
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 85).encode_image(&img).expect("a JPEG encodes in memory");
    out
}

/// A signature of realistic size: a pen stroke on transparent-looking white, greyscale PNG.
pub fn synthetic_signature(rng: &mut StdRng) -> Vec<u8> {
    let (a, b, c) = (rng.gen_range(10.0..30.0f32), rng.gen_range(0.02..0.08f32), rng.gen_range(0.0..6.0f32));
    let img = ImageBuffer::from_fn(400, 150, |x, y| {
        let curve = 75.0 + a * ((x as f32) * b + c).sin();
        Luma([if (y as f32 - curve).abs() < 2.5 && x > 20 && x < 380 { 0u8 } else { 255 }])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).expect("a PNG encodes in memory");
    out.into_inner()
}

/// Adds `count` finished recordings (people taken in order, wrapping) with their outbox rows.
pub fn seed(app: &App, people: &[Person], count: usize, seed: u64) -> Result<usize> {
    if people.is_empty() {
        return Err(Error::field("registry", "Berkas registri kosong."));
    }
    let mut rng = StdRng::seed_from_u64(seed);
    let now = app.now();
    let mut done = 0;
    while done < count {
        // People go on from earlier seeded backlogs: a second recording of the same NIK would be a duplicate.
        let base: usize = app.store.read(|c| Ok(c.query_row("SELECT COUNT(*) FROM application WHERE number LIKE 'PMH-SEED-%'", [], |r| r.get::<_, i64>(0))?))? as usize;
        let chunk: Vec<(Person, Vec<u8>, Vec<u8>)> = (done..count.min(done + 500))
            .map(|i| (people[(base + i) % people.len()].clone(), synthetic_photo(&mut rng), synthetic_signature(&mut rng)))
            .collect();
        done += chunk.len();
        app.store.write(move |tx| {
            let operator: String = tx.query_row("SELECT id FROM staff ORDER BY created_at LIMIT 1", [], |r| r.get(0))?;
            let office = crate::setup::require_office(tx)?;
            let village = crate::regions::children(&office.district_code).first().map(|v| v.code.clone()).unwrap_or_default();
            for (i, (p, photo, signature)) in chunk.into_iter().enumerate() {
                let n = base + i + 1;
                let applicant_id = uuid::Uuid::now_v7().to_string();
                tx.execute(
                    "INSERT INTO applicant (id, nik, kk_number, full_name, sex, birth_place, birth_date, blood_type, religion, marital_status,
                        occupation, education, citizenship, address, rt, rw, village_code, mobile, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'TIDAK TAHU', 'ISLAM', 'BELUM KAWIN', 'PELAJAR/MAHASISWA', 'SLTA/SEDERAJAT', 'WNI',
                        'JL. CONTOH NO. 1', '001', '002', ?8, '081234567890', ?9, ?9)
                     ON CONFLICT (nik) DO NOTHING",
                    params![applicant_id, p.nik, format!("{}0001", &p.nik[..12.min(p.nik.len())]), p.full_name, p.sex, p.birth_place, p.birth_date, village, to_db(now)],
                )?;
                let applicant = crate::intake::load_applicant(tx, &p.nik)?.ok_or_else(|| Error::internal("seeded applicant missing"))?;
                let (application_id, recording_id) = (uuid::Uuid::now_v7().to_string(), uuid::Uuid::now_v7().to_string());
                let number = format!("PMH-SEED-{n:06}");
                let receipt = format!("BP-SEED-{n:06}");
                tx.execute(
                    "INSERT INTO application (id, number, applicant_id, kind, status, created_at, updated_at) VALUES (?1, ?2, ?3, 'new', 'recorded', ?4, ?4)",
                    params![application_id, number, applicant.id, to_db(now)],
                )?;
                tx.execute(
                    "INSERT INTO recording (id, application_id, status, operator_id, started_at, finished_at, receipt_number, photo, photo_checks, signature)
                     VALUES (?1, ?2, 'bio_captured', ?3, ?4, ?4, ?5, ?6, '[]', ?7)",
                    params![recording_id, application_id, operator, to_db(now), receipt, photo, signature],
                )?;
                super::enqueue(
                    tx,
                    now,
                    &recording_id,
                    "recording",
                    &json!({"id": recording_id, "application": number, "application_kind": "new", "nik": p.nik,
                            "status": "BIO_CAPTURED", "receipt_number": receipt, "recorded_at": now, "biodata": applicant.biodata}),
                )?;
            }
            Ok(())
        })?;
    }
    app.sync.nudge();
    Ok(done)
}
