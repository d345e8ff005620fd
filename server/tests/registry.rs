//! The registry: CSV import that refuses bad rows by line number and keeps the good ones, and the
//! synthetic generator whose NIKs read back through `loket::intake::nik`.

mod common;

use chrono::NaiveDate;
use common::*;
use loket::intake::nik::{self, Sex};
use loket_central::{registry, Code};
use std::collections::HashSet;

#[test]
fn an_import_keeps_good_rows_and_names_each_bad_one_by_line() {
    let csv = "\
nik,full_name,sex,birth_place,birth_date,kk_number,address
6101091708050001,Budi   Santoso,L,Sambas,2005-08-17,6101091508100003,JL A
610109170805000,Pendek,L,Sambas,2005-08-17,,
9999991708050001,Asing,L,Sambas,2005-08-17,,
6101095708850002,\"RAHAYU, SITI\",perempuan,Pontianak,17-08-1985,,
6101090101900003,Agus,X,Sambas,1990-01-01,,
6101090101900004,Agus,L,Sambas,1990-13-01,,
6101091708050001,Budi Lagi,L,Sambas,2005-08-17,,
6101090101900005,Agus,L,Sambas,1990-01-01,123,
6101090101900006,,L,Sambas,1990-01-01,,
6101090101300007,Agus,L,Sambas,2099-01-01,,
6101090101900008,Agus
";
    each_backend(|c| {
        let report = registry::import(&c.central, std::io::Cursor::new(csv)).unwrap();
        assert_eq!(report.imported, 2, "[{}] {:?}", c.backend, report.refused);
        let refused: Vec<(u64, &str)> = report.refused.iter().map(|(l, r)| (*l, r.split(':').next().unwrap())).collect();
        assert_eq!(
            refused,
            vec![(3, "nik"), (4, "nik"), (6, "sex"), (7, "birth_date"), (8, "nik"), (9, "kk_number"), (10, "full_name"), (11, "birth_date"), (12, "sex")]
        );
        assert!(report.refused[0].1.contains("16 angka"), "{:?}", report.refused[0]);
        assert!(report.refused[4].1.contains("baris 2"), "the duplicate names the first: {:?}", report.refused[4]);
        let siti = c.central.store.read(|tx| tx.person("6101095708850002")).unwrap().unwrap();
        assert_eq!((siti.full_name.as_str(), siti.sex.as_str(), siti.birth_date.as_str()), ("RAHAYU, SITI", "P", "1985-08-17"));
        let budi = c.central.store.read(|tx| tx.person("6101091708050001")).unwrap().unwrap();
        assert_eq!((budi.full_name.as_str(), budi.kk_number.as_deref()), ("BUDI SANTOSO", Some("6101091508100003")));

        // Importing again updates by NIK instead of adding.
        let again = "nik,full_name,sex,birth_place,birth_date\n6101091708050001,Budi Santoso Putra,L,Sambas,2005-08-17\n";
        assert_eq!(registry::import(&c.central, std::io::Cursor::new(again)).unwrap().imported, 1);
        assert_eq!(registry::registry_size(&c.central).unwrap(), 2);
        let budi = c.central.store.read(|tx| tx.person("6101091708050001")).unwrap().unwrap();
        assert_eq!(budi.full_name, "BUDI SANTOSO PUTRA");

        let missing = registry::import(&c.central, std::io::Cursor::new("nik,full_name,sex\n6101091708050001,A,L\n")).unwrap_err();
        assert_eq!(missing.code, Code::Validation);
        assert!(missing.message.contains("birth_place") && missing.message.contains("birth_date"), "{}", missing.message);
    });
}

fn generated(count: usize, seed: u64) -> Vec<u8> {
    let mut out = Vec::new();
    registry::generate(&mut out, count, OFFICE, seed, NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()).unwrap();
    out
}

#[test]
fn the_generator_writes_niks_that_read_back_as_their_row_says() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let bytes = generated(2000, 3);
    assert_eq!(bytes, generated(2000, 3), "same seed, same file");
    assert_ne!(bytes, generated(2000, 4));
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), ["nik", "full_name", "sex", "birth_place", "birth_date", "kk_number"]);
    let mut niks = HashSet::new();
    let (mut women, mut rows) = (0, 0);
    for row in reader.records() {
        let row = row.unwrap();
        rows += 1;
        let parsed = nik::parse(&row[0], today).unwrap_or_else(|e| panic!("{}: {}", &row[0], e.message));
        assert_eq!(parsed.district_code, OFFICE);
        assert_ne!(parsed.serial, "0000");
        let sex = if &row[2] == "P" { Sex::P } else { Sex::L };
        assert_eq!(parsed.sex, sex, "{}", &row[0]);
        assert_eq!(parsed.birth_date.format("%Y-%m-%d").to_string(), &row[4], "{}", &row[0]);
        assert!(nik::cross_check(&parsed, sex, parsed.birth_date).is_empty());
        let age = today.years_since(parsed.birth_date).unwrap();
        assert!((17..=91).contains(&age), "{age}");
        assert!(row[1].split(' ').all(|w| !w.is_empty() && w.chars().all(|ch| ch.is_ascii_uppercase())), "{}", &row[1]);
        assert!(!row[3].is_empty());
        assert_eq!(row[5].len(), 16);
        assert!(row[5].starts_with("610109"));
        women += usize::from(sex == Sex::P);
        assert!(niks.insert(row[0].to_string()), "NIK {} twice", &row[0]);
    }
    assert_eq!(rows, 2000);
    assert!((800..1200).contains(&women), "about half are women: {women}");

    let err = registry::generate(Vec::new(), 1, "99.99.99", 1, today).unwrap_err();
    assert_eq!(err.code, Code::Validation);

    each_backend(|c| {
        let report = registry::import(&c.central, std::io::Cursor::new(generated(500, 11))).unwrap();
        assert_eq!((report.imported, report.refused.len()), (500, 0), "[{}] {:?}", c.backend, report.refused.first());
        assert_eq!(registry::registry_size(&c.central).unwrap(), 500);
    });
}
