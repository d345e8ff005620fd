//! Property tests on everything that reads what the outside world sends: the NIK and the biodata
//! form, the sync wire format, uploaded photos and signatures (arbitrary bytes, and real JPEG/PNG
//! files cut short or with bits flipped), and every command of the registry with arbitrary JSON,
//! anonymous and as a logged-in supervisor. None of them may panic; the parsers accept only what
//! the rules allow; no command answers INTERNAL (a refusal names what is wrong instead).
//! Case counts are kept small so the file runs in seconds in a debug build.

mod common;

use chrono::NaiveDate;
use image::{ImageBuffer, Rgb};
use loket::intake::biodata::{self, Biodata};
use loket::intake::nik::{self, Sex};
use loket::recording::photo::{normalize_photo, PhotoLimits};
use loket::recording::signature::normalize_signature;
use loket::sync::wire;
use loket::ErrorCode;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{json, Map, Value};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

fn sixteen_digits(s: &str) -> bool {
    s.len() == 16 && s.bytes().all(|b| b.is_ascii_digit())
}

/// Strings a form field may receive: anything, digit runs of about the right length, and NIK-like
/// strings with a real kecamatan code in front (so the date and serial rules are reached).
fn nik_like() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9]{14,18}",
        "\\s?610109[0-9]{10}\\s?",
        "610109[0-9٠-٩０-９a ]{10}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn the_nik_parser_never_panics_and_accepts_only_sixteen_digits(s in nik_like(), days in 0i64..40_000) {
        let today = NaiveDate::from_ymd_opt(1950, 1, 1).unwrap() + chrono::Duration::days(days);
        if let Ok(parsed) = nik::parse(&s, today) {
            prop_assert!(sixteen_digits(s.trim()), "accepted {s:?}");
            prop_assert!(parsed.serial != "0000");
            prop_assert_eq!(&parsed.district_code.replace('.', ""), &s.trim()[..6]);
        }
    }
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), "[A-Za-z .,'-]{0,40}", Just(String::new()), "[0-9]{1,20}"]
}

fn any_biodata() -> impl Strategy<Value = Biodata> {
    (
        (nik_like(), prop_oneof!["[0-9]{16}".boxed(), any::<String>().boxed()], text(), any::<bool>(), text()),
        (prop_oneof!["(19|20)[0-9]{2}-[01][0-9]-[0-3][0-9]".boxed(), any::<String>().boxed()], text(), text(), text()),
        (text(), text(), text(), text(), "[0-9]{0,4}", "[0-9]{0,4}"),
        (prop_oneof![Just("61.01.09.2002".to_string()), any::<String>()], proptest::option::of(text()), text(),
         proptest::option::of(text()), proptest::option::of(text())),
    )
        .prop_map(|((nik, kk, name, male, place), (birth, blood, religion, marital), (occupation, education, citizenship, address, rt, rw), (village, postal, mobile, phone, email))| Biodata {
            nik,
            kk_number: kk,
            full_name: name,
            sex: if male { Sex::L } else { Sex::P },
            birth_place: place,
            birth_date: birth,
            blood_type: blood,
            religion,
            marital_status: marital,
            occupation,
            education,
            citizenship,
            address,
            rt,
            rw,
            village_code: village,
            postal_code: postal,
            mobile,
            telephone: phone,
            email,
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn biodata_validation_never_panics_and_keeps_only_a_sixteen_digit_nik(b in any_biodata()) {
        if let Ok((clean, _, _)) = biodata::validate(&b, today()) {
            prop_assert!(sixteen_digits(&clean.nik), "accepted NIK {:?}", b.nik);
            prop_assert!(sixteen_digits(&clean.kk_number), "accepted KK {:?}", b.kk_number);
        }
    }

    #[test]
    fn the_wire_decoders_never_panic_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = wire::decode_body::<wire::Batch>(&bytes);
        let _ = wire::decode_body::<wire::RecordingBody>(&bytes);
        let _ = wire::decode_body::<wire::ApplicantBody>(&bytes);
        let _ = wire::decode_body::<wire::BatchResult>(&bytes);
        let _ = wire::decode_body::<wire::ChangePage>(&bytes);
        let _ = wire::decode_batch(&bytes);
        // Past the zstd frame, into the MessagePack reader.
        let _ = wire::decode_batch(&zstd_raw(&bytes));
    }

    #[test]
    fn a_damaged_batch_is_refused_or_read_never_a_panic(flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
                                                          cut in any::<prop::sample::Index>()) {
        let (raw, framed) = sample_batch();
        let mut damaged = raw.clone();
        for (at, bits) in &flips {
            let i = at.index(damaged.len());
            damaged[i] ^= bits | 1;
        }
        let _ = wire::decode_body::<wire::Batch>(&damaged);
        let _ = wire::decode_body::<wire::Batch>(&raw[..cut.index(raw.len())]);
        let _ = wire::decode_batch(&zstd_raw(&damaged));
        let mut framed_damaged = framed.clone();
        for (at, bits) in &flips {
            let i = at.index(framed_damaged.len());
            framed_damaged[i] ^= bits | 1;
        }
        let _ = wire::decode_batch(&framed_damaged);
        let _ = wire::decode_batch(&framed[..cut.index(framed.len())]);
    }
}

/// `bytes` in a zstd frame of one raw (stored) block: what `decode_batch` opens, without a zstd
/// dependency in the tests. Frame header: no single segment, a 4 KiB window, no checksum.
fn zstd_raw(bytes: &[u8]) -> Vec<u8> {
    assert!(bytes.len() <= 4096);
    let mut out = vec![0x28, 0xB5, 0x2F, 0xFD, 0x00, 0x10];
    let header = 1u32 | (bytes.len() as u32) << 3; // last block, raw, size
    out.extend_from_slice(&header.to_le_bytes()[..3]);
    out.extend_from_slice(bytes);
    out
}

#[test]
fn the_raw_zstd_frame_is_one_the_decoder_reads() {
    let (raw, _) = sample_batch();
    let batch = wire::decode_batch(&zstd_raw(&raw)).unwrap();
    assert_eq!(batch.records.len(), 2);
}

/// A batch of one recording and one applicant, as MessagePack and as it goes on the wire.
fn sample_batch() -> (Vec<u8>, Vec<u8>) {
    let at = chrono::DateTime::parse_from_rfc3339("2026-11-23T03:00:00Z").unwrap().with_timezone(&chrono::Utc);
    let body = wire::encode_body(&json!({"applicant_id": "0191d3a2-7c4e-7b3a-9f00-5e6d7c8b9a01", "biodata": {"nik": "6101091708050001"}}));
    let batch = wire::Batch {
        protocol: 1,
        records: vec![
            wire::WireRecord { id: "a".into(), seq: 1, prev_seq: 0, kind: "applicant".into(), office: "61.01.09".into(), created_at: at, body: body.clone() },
            wire::WireRecord { id: "b".into(), seq: 2, prev_seq: 1, kind: "recording".into(), office: "61.01.09".into(), created_at: at, body },
        ],
        audit_head: Some(wire::AuditHead { seq: 7, hash: "0".repeat(64), at }),
    };
    (wire::encode_body(&batch), wire::encode_batch(&batch))
}

/// A small real JPEG and PNG (a face-like oval on red), and limits that let images this small
/// through, so the damaged copies reach the decoder and the resampling rather than the size check.
fn small_images() -> (Vec<u8>, Vec<u8>, PhotoLimits) {
    let img = ImageBuffer::from_fn(60, 80, |x, y| {
        let (cx, cy) = (30i64 - x as i64, 40i64 - y as i64);
        if cx * cx / 2 + cy * cy / 4 < 300 { Rgb([205u8, 160, 130]) } else { Rgb([200u8, 20, 30]) }
    });
    let mut jpeg = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img.clone()).write_to(&mut jpeg, image::ImageFormat::Jpeg).unwrap();
    let mut png = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img).write_to(&mut png, image::ImageFormat::Png).unwrap();
    let limits = PhotoLimits { min_width: 30, min_height: 40, ..PhotoLimits::default() };
    (jpeg.into_inner(), png.into_inner(), limits)
}

fn damage(bytes: &[u8], flips: &[(prop::sample::Index, u8)], cut: Option<prop::sample::Index>) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for (at, bits) in flips {
        let i = at.index(out.len());
        out[i] ^= bits | 1;
    }
    if let Some(cut) = cut {
        out.truncate(cut.index(out.len()));
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn photo_and_signature_normalisation_never_panic_on_arbitrary_bytes(mut bytes in proptest::collection::vec(any::<u8>(), 0..2048),
                                                                        magic in 0usize..4) {
        // Half the cases start like a real image, so the header readers are reached.
        let prefix: &[u8] = [&b""[..], b"\xFF\xD8\xFF\xE0", b"\x89PNG\r\n\x1a\n", b"BM"][magic];
        bytes.splice(0..0, prefix.iter().copied());
        let limits = PhotoLimits::default();
        let small = PhotoLimits { min_width: 1, min_height: 1, ..PhotoLimits::default() };
        let _ = normalize_photo(&bytes, 2005, None, &limits);
        let _ = normalize_photo(&bytes, 2005, None, &small);
        let _ = normalize_signature(&bytes, &limits);
    }

    #[test]
    fn photo_and_signature_normalisation_never_panic_on_damaged_real_files(
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..6),
        cut in proptest::option::of(any::<prop::sample::Index>()),
        png in any::<bool>(),
    ) {
        let (jpeg_bytes, png_bytes, limits) = small_images();
        let original = if png { &png_bytes } else { &jpeg_bytes };
        let damaged = damage(original, &flips, cut);
        if let Ok(p) = normalize_photo(&damaged, 2005, None, &limits) {
            prop_assert_eq!((p.width, p.height), (300, 400));
        }
        let _ = normalize_signature(&damaged, &limits);
    }
}

#[test]
fn the_undamaged_samples_are_accepted() {
    let (jpeg, png, limits) = small_images();
    normalize_photo(&jpeg, 2005, None, &limits).unwrap();
    normalize_photo(&png, 2005, None, &limits).unwrap();
}

/// The request fields of every command with their schemas, from the OpenAPI document (`$ref`s
/// resolved against its components).
fn request_fields(doc: &Value, name: &str, file: bool) -> Vec<(String, Value)> {
    let resolve = |s: &Value| -> Value {
        match s.get("$ref").and_then(Value::as_str) {
            Some(r) => doc["components"]["schemas"][r.rsplit('/').next().unwrap()].clone(),
            None => s.clone(),
        }
    };
    if file {
        let op = &doc["paths"][format!("/api/v1/files/{name}")]["get"];
        return op["parameters"].as_array().map(|ps| ps.iter().filter_map(|p| Some((p["name"].as_str()?.to_string(), resolve(&p["schema"])))).collect()).unwrap_or_default();
    }
    let schema = resolve(&doc["paths"][format!("/api/v1/{name}")]["post"]["requestBody"]["content"]["application/json"]["schema"]);
    schema["properties"].as_object().map(|p| p.iter().map(|(k, v)| (k.clone(), resolve(v))).collect()).unwrap_or_default()
}

/// A value of the field's schema type (its enum values, a string, a number…), or anything.
fn field_value(schema: &Value) -> BoxedStrategy<Value> {
    if let Some(values) = schema["enum"].as_array().filter(|v| !v.is_empty()) {
        return prop_oneof![4 => prop::sample::select(values.clone()), 1 => json_value()].boxed();
    }
    let typed: BoxedStrategy<Value> = match schema["type"].as_str() {
        Some("string") => prop_oneof![leaf().prop_filter_map("a string", |v| v.is_string().then_some(v)), any::<String>().prop_map(Value::from)].boxed(),
        Some("integer") => prop_oneof![(-2i64..50).prop_map(Value::from), any::<i64>().prop_map(Value::from)].boxed(),
        Some("number") => any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map(Value::Number).unwrap_or(Value::Null)).boxed(),
        Some("boolean") => any::<bool>().prop_map(Value::from).boxed(),
        Some("array") => proptest::collection::vec(field_value(&schema["items"]), 0..3).prop_map(Value::Array).boxed(),
        _ => json_value().boxed(),
    };
    prop_oneof![4 => typed, 1 => json_value()].boxed()
}

/// A JSON leaf: mostly the kinds of values the office's requests hold.
fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        (-3i64..1000).prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map(Value::Number).unwrap_or(Value::Null)),
        any::<String>().prop_map(Value::from),
        prop::sample::select(vec![
            "", "A", "a", "new", "present", "supervisor", "L", "80", "58", "a5", "61.01.09", "61.01.09.2002", "2026-11-23",
            "2026-11-23T03:00:00Z", "09:30", "6101091708050001", "0191d3a2-7c4e-7b3a-9f00-5e6d7c8b9a01", "BP-610109-20261123-0001",
            "ADU-610109-20261123-0001", "SKT-610109-2026-00001", "KTP-0001", "aGVsbG8=", "0", "-1", "999999999999",
        ])
        .prop_map(Value::from),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map("[a-z_]{1,12}", inner, 0..4).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A payload for a command with these fields: usually an object with most of them (so some reach
/// the command itself), sometimes anything at all.
fn payload(fields: Vec<(String, Value)>) -> impl Strategy<Value = Value> {
    let names: Vec<String> = fields.iter().map(|(k, _)| k.clone()).collect();
    let values: Vec<_> = fields.iter().map(|(_, s)| proptest::option::weighted(0.9, field_value(s))).collect();
    let object = (values, proptest::option::weighted(0.2, ("[a-z_]{1,10}", leaf())))
        .prop_map(move |(values, extra)| {
            let mut m = Map::new();
            for (k, v) in names.iter().zip(values) {
                if let Some(v) = v {
                    m.insert(k.clone(), v);
                }
            }
            if let Some((k, v)) = extra {
                m.insert(k, v);
            }
            Value::Object(m)
        });
    prop_oneof![8 => object, 1 => json_value()]
}

/// Commands that reach outside the data folder with what they are given: a backup folder, a
/// printer's or central's address, the chip encoder's command line. Arbitrary input there would
/// write files, open connections or start programs on the test machine, so they are left out here
/// (their refusals are tested in their own files).
const OUTWARD: &[&str] = &[
    "backup.settings_save", "backup.run_now", "printing.station_save", "printing.printer_save", "printing.test_print",
    "printing.start", "printing.job", "recording.printer_save", "recording.print_receipt", "queue.policy_update", "queue.reprint",
    "sync.enroll", "sync.now",
];

#[test]
fn no_command_panics_or_answers_internal_on_arbitrary_json() {
    let o = common::office();
    o.long_sessions();
    let mut supervisor = o.staff_with("sari", &["supervisor"]);
    let doc = loket::api::openapi_document(o.app.registry());
    let mut commands: Vec<(&'static str, bool)> = o.app.registry().commands().map(|c| (c.name, c.file.is_some())).collect();
    commands.sort();
    assert!(commands.len() > 50, "{} commands", commands.len());

    let calls = std::cell::Cell::new(0usize);
    let codes = std::cell::RefCell::new(std::collections::BTreeMap::<String, usize>::new());
    for (name, file) in commands {
        if OUTWARD.contains(&name) {
            continue;
        }
        let fields = request_fields(&doc, name, file);
        for anonymous in [true, false] {
            let mut runner = TestRunner::new(Config { cases: 16, failure_persistence: None, ..Config::default() });
            let result = runner.run(&payload(fields.clone()), |p| {
                let token = if anonymous { None } else { Some(supervisor.as_str()) };
                let code = if file {
                    // Over HTTP a file request's values are text (the query string).
                    let p = match p.clone() {
                        Value::Object(m) => Value::Object(m.into_iter().map(|(k, v)| (k, Value::from(v.as_str().map(String::from).unwrap_or_else(|| v.to_string())))).collect()),
                        other => other,
                    };
                    o.app.file(token, name, p.clone()).err().map(|e| (e.code, e.message))
                } else {
                    o.app.call(token, name, p.clone()).err().map(|e| (e.code, e.message))
                };
                calls.set(calls.get() + 1);
                *codes.borrow_mut().entry(code.as_ref().map(|c| format!("{:?}", c.0)).unwrap_or_else(|| "ok".into())).or_default() += 1;
                if let Some((code, message)) = code {
                    prop_assert!(code != ErrorCode::Internal, "{name} as {}: INTERNAL {message} for {p}", if anonymous { "anonymous" } else { "supervisor" });
                }
                Ok(())
            });
            if let Err(e) = result {
                panic!("{name}: {e}");
            }
            // A payload may have logged the supervisor out (auth.logout) or locked the session.
            if !anonymous && o.app.call(Some(&supervisor), "auth.me", json!({})).is_err() {
                supervisor = o.login("sari", "sandi-baru-123");
            }
        }
    }
    eprintln!("{} calls: {:?}", calls.get(), codes.borrow());
}
