//! Compiles the region CSVs (the workspace's assets/regions, ODbL: see the notice there) into a compact
//! table in the binary: one block per level, one line per region as `<code without dots>\t<name>`,
//! sorted by code. Parents are code prefixes, so they are not stored.

use std::fmt::Write as _;
use std::path::Path;

const LEVELS: [(&str, usize); 4] = [
    ("provinces.csv", 2),
    ("regencies.csv", 3),
    ("districts.csv", 3),
    ("villages.csv", 3),
];

fn main() {
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR");
    let src = Path::new(&manifest_dir).join("../assets/regions");
    let out_dir = std::env::var("OUT_DIR").expect("OUT_DIR");
    let mut table = String::new();
    for (i, (file, columns)) in LEVELS.iter().enumerate() {
        let path = src.join(file);
        println!("cargo:rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut rows: Vec<(String, String)> = Vec::new();
        for (n, line) in text.lines().enumerate().skip(1) {
            if line.trim().is_empty() {
                continue;
            }
            let fields: Vec<&str> = line.splitn(*columns, ',').collect();
            assert_eq!(fields.len(), *columns, "{}:{}: expected {columns} columns", path.display(), n + 1);
            let code: String = fields[0].chars().filter(|c| *c != '.').collect();
            assert!(code.chars().all(|c| c.is_ascii_digit()), "{}:{}: bad code", path.display(), n + 1);
            let name = fields[columns - 1].trim();
            assert!(!name.contains('\t') && !name.contains('\n'));
            rows.push((code, name.to_string()));
        }
        rows.sort();
        if i > 0 {
            table.push('\u{1e}'); // record separator between levels
        }
        for (code, name) in rows {
            writeln!(table, "{code}\t{name}").unwrap();
        }
    }
    std::fs::write(Path::new(&out_dir).join("regions.tsv"), table).unwrap();
}
