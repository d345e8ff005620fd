//! What central holds, for people (`loket-central status`) and for tests: stored records per office,
//! kind and outcome; devices and how far each got; recording statuses; conflicts refused.

use crate::error::Result;
use crate::storage::{DeviceRow, RecordCount};
use crate::Central;
use std::collections::BTreeMap;
use std::fmt::Write;

#[derive(Debug, Clone)]
pub struct Summary {
    pub storage: String,
    pub records: Vec<RecordCount>,
    pub devices: Vec<DeviceRow>,
    /// (office, status) → recordings
    pub recording_statuses: BTreeMap<(String, String), i64>,
    pub conflicts: i64,
    pub registry: i64,
}

pub fn summary(central: &Central) -> Result<Summary> {
    let storage = central.store.describe();
    central.store.read(|tx| {
        let mut recording_statuses = BTreeMap::new();
        for s in tx.recording_statuses()? {
            *recording_statuses.entry((s.office, s.status)).or_insert(0) += 1;
        }
        Ok(Summary {
            storage,
            records: tx.record_counts()?,
            devices: tx.devices()?,
            recording_statuses,
            conflicts: tx.conflict_count()?,
            registry: tx.registry_size()?,
        })
    })
}

/// The number of stored records of `office` (all kinds) with `outcome` (`accepted` or `invalid`).
pub fn count(summary: &Summary, office: &str, kind: Option<&str>, outcome: &str) -> i64 {
    summary
        .records
        .iter()
        .filter(|c| c.office == office && c.outcome == outcome && kind.is_none_or(|k| c.kind == k))
        .map(|c| c.count)
        .sum()
}

/// A plain-text report; `office` narrows it to one kecamatan.
pub fn render(s: &Summary, office: Option<&str>) -> String {
    let wanted = |o: &str| office.is_none_or(|w| w == o);
    let mut out = String::new();
    let _ = writeln!(out, "Penyimpanan: {}", s.storage);
    let _ = writeln!(out, "Registri kependudukan: {} orang", s.registry);
    let _ = writeln!(out, "\nRekaman tersimpan (kantor, jenis, hasil, jumlah):");
    let mut any = false;
    for c in s.records.iter().filter(|c| wanted(&c.office)) {
        let _ = writeln!(out, "  {}  {:<12} {:<9} {}", c.office, c.kind, c.outcome, c.count);
        any = true;
    }
    if !any {
        let _ = writeln!(out, "  (belum ada)");
    }
    let _ = writeln!(out, "\nStatus perekaman (kantor, status, jumlah):");
    any = false;
    for ((o, status), n) in s.recording_statuses.iter().filter(|((o, _), _)| wanted(o)) {
        let _ = writeln!(out, "  {o}  {status:<20} {n}");
        any = true;
    }
    if !any {
        let _ = writeln!(out, "  (belum ada)");
    }
    let _ = writeln!(out, "\nPerangkat (kantor, id, nama, seq berurutan, kiriman terakhir, status):");
    any = false;
    for d in s.devices.iter().filter(|d| wanted(&d.office)) {
        let seen = d.last_seen_at.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string()).unwrap_or_else(|| "-".into());
        let state = if d.revoked_at.is_some() { "dicabut" } else { "aktif" };
        let _ = writeln!(out, "  {}  {}  {}  seq={}  {}  {}", d.office, d.id, d.name, d.contiguous_seq, seen, state);
        any = true;
    }
    if !any {
        let _ = writeln!(out, "  (belum ada)");
    }
    if office.is_none() {
        let _ = writeln!(out, "\nKonflik ditolak (id sama, isi berbeda): {}", s.conflicts);
    }
    out
}
