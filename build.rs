//! Lists the office store's migrations from src/store/migrations: every `NNNN_name.sql` there, in
//! order, numbered from 0001 without gaps (version N is the Nth file). Adding a migration is adding
//! a file; `src/store/mod.rs` includes the generated list.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR");
    let dir = Path::new(&manifest_dir).join("src/store/migrations");
    // A directory: cargo reruns this when any file in it is added, removed or changed.
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<(u32, String)> = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let name = entry.expect("directory entry").file_name().into_string().expect("UTF-8 file name");
        let Some(stem) = name.strip_suffix(".sql") else { continue };
        let number = stem
            .split_once('_')
            .filter(|(n, rest)| n.len() == 4 && n.bytes().all(|b| b.is_ascii_digit()) && !rest.is_empty())
            .map(|(n, _)| n.parse::<u32>().expect("four digits"))
            .unwrap_or_else(|| panic!("{}: a migration is named NNNN_name.sql", dir.join(&name).display()));
        files.push((number, name));
    }
    files.sort();
    let mut list = String::from("&[\n");
    for (i, (number, name)) in files.iter().enumerate() {
        let expected = i as u32 + 1;
        assert!(
            *number == expected,
            "{}: migration {name} found where {expected:04}_*.sql belongs (numbers start at 0001, without gaps or repeats)",
            dir.display()
        );
        writeln!(list, "    include_str!({:?}),", dir.join(name).display().to_string()).unwrap();
    }
    list.push(']');
    let out = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("migrations.rs");
    std::fs::write(out, list).unwrap();
}
