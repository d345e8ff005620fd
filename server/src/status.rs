//! What central holds, for people (`loket-central status`) and for tests: stored records per office,
//! kind and outcome; devices and how far each got; recording statuses; conflicts refused; each
//! office's blank cards (received, printed, spoiled by cause, returned, destroyed, in stock); each
//! office's cards handed over and Suket (issued, reprinted, withdrawn, superseded, still valid); each
//! office's complaints (received, resolved, rejected, open, overdue by central's date).

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
    /// office → its blank cards, from the blank events it sent.
    pub blanks: BTreeMap<String, BlankCounts>,
    /// office → its cards handed over and Suket, from the issuance events it sent.
    pub issuance: BTreeMap<String, IssuanceCounts>,
    /// office → its complaints, from the complaint events it sent.
    pub complaints: BTreeMap<String, crate::storage::ComplaintTally>,
}

/// One office's card hand-overs and Suket as its events tell them (events counted once each).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IssuanceCounts {
    pub cards_handed_over: i64,
    pub suket_issued: i64,
    pub suket_reprinted: i64,
    pub suket_withdrawn: i64,
    pub suket_superseded: i64,
    /// Distinct Suket whose latest event is issued or reprinted and whose `valid_until` is today
    /// (central's UTC date) or later.
    pub suket_valid: i64,
    /// Like `suket_valid`, but `valid_until` has passed: never withdrawn nor superseded, yet expired.
    pub suket_expired: i64,
}

fn issuance_counts(tx: &mut dyn crate::storage::Tx, today: chrono::NaiveDate) -> Result<BTreeMap<String, IssuanceCounts>> {
    let mut out: BTreeMap<String, IssuanceCounts> = BTreeMap::new();
    for (office, event, n) in tx.issuance_event_counts()? {
        let c = out.entry(office).or_default();
        match event.as_str() {
            "card_handed_over" => c.cards_handed_over += n,
            "suket_issued" => c.suket_issued += n,
            "suket_reprinted" => c.suket_reprinted += n,
            "suket_withdrawn" => c.suket_withdrawn += n,
            _ => c.suket_superseded += n,
        }
    }
    for f in tx.suket_in_force(today)? {
        let c = out.entry(f.office).or_default();
        (c.suket_valid, c.suket_expired) = (f.valid, f.expired);
    }
    Ok(out)
}

/// One office's blank cards as its events tell them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BlankCounts {
    pub received: i64,
    pub printed: i64,
    pub spoiled: i64,
    /// cause → spoiled blanks
    pub spoiled_by_cause: BTreeMap<String, i64>,
    /// Returned to the kabupaten or destroyed: unused blanks and spoiled cards alike.
    pub returned: i64,
    pub destroyed: i64,
    /// Unused blanks that left the stock: printed, spoiled, or returned or destroyed unused.
    pub left_stock: i64,
    /// received − left_stock.
    pub in_stock: i64,
    /// Recordings with a printed card (a reprint prints a second blank for the same recording).
    pub cards_printed: i64,
    /// latest event → blanks: each blank's state now (its latest event by time, then arrival).
    pub latest: BTreeMap<String, i64>,
}

fn blank_counts(tx: &mut dyn crate::storage::Tx) -> Result<BTreeMap<String, BlankCounts>> {
    let mut out: BTreeMap<String, BlankCounts> = BTreeMap::new();
    for c in tx.blank_event_counts()? {
        let b = out.entry(c.office).or_default();
        match c.event.as_str() {
            "received" => b.received += c.count,
            "printed" => b.printed += c.count,
            "spoiled" => {
                b.spoiled += c.count;
                *b.spoiled_by_cause.entry(c.cause.unwrap_or_default()).or_insert(0) += c.count;
            }
            "returned" => b.returned += c.count,
            _ => b.destroyed += c.count,
        }
        if c.event != "received" && c.from_state.as_deref() == Some("in_stock") {
            b.left_stock += c.count;
        }
    }
    for (office, n) in tx.cards_printed()? {
        out.entry(office).or_default().cards_printed = n;
    }
    for (office, event, n) in tx.blank_latest_counts()? {
        out.entry(office).or_default().latest.insert(event, n);
    }
    for b in out.values_mut() {
        b.in_stock = b.received - b.left_stock;
    }
    Ok(out)
}

pub fn summary(central: &Central) -> Result<Summary> {
    let storage = central.store.describe();
    let today = central.now().date_naive();
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
            blanks: blank_counts(tx)?,
            issuance: issuance_counts(tx, today)?,
            complaints: tx.complaint_tally(today)?.into_iter().map(|c| (c.office.clone(), c)).collect(),
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
    let _ = writeln!(out, "\nBlangko KTP-el (kantor: diterima, dicetak, rusak menurut penyebab, dikembalikan, dimusnahkan, di gudang):");
    any = false;
    for (o, b) in s.blanks.iter().filter(|(o, _)| wanted(o)) {
        let causes: Vec<String> = b.spoiled_by_cause.iter().map(|(c, n)| format!("{c} {n}")).collect();
        let causes = if causes.is_empty() { String::new() } else { format!(" ({})", causes.join(", ")) };
        let _ = writeln!(
            out,
            "  {o}  diterima {}  dicetak {} (KTP-el untuk {} perekaman)  rusak {}{causes}  dikembalikan {}  dimusnahkan {}  di gudang {}",
            b.received, b.printed, b.cards_printed, b.spoiled, b.returned, b.destroyed, b.in_stock
        );
        let latest = |e: &str| b.latest.get(e).copied().unwrap_or(0);
        if latest("received") != b.in_stock {
            // An event that has not arrived (or was refused) leaves the two counts apart.
            let _ = writeln!(out, "      keadaan terakhir tiap blangko: di gudang {}; ada kejadian yang belum diterima pusat", latest("received"));
        }
        any = true;
    }
    if !any {
        let _ = writeln!(out, "  (belum ada)");
    }
    let _ = writeln!(
        out,
        "\nPenyerahan KTP-el dan Suket (kantor: KTP-el diserahkan, Suket terbit, dicetak ulang, ditarik, digantikan KTP-el, masih berlaku):"
    );
    any = false;
    for (o, c) in s.issuance.iter().filter(|(o, _)| wanted(o)) {
        let expired = if c.suket_expired > 0 { format!(" (lewat masa berlaku {})", c.suket_expired) } else { String::new() };
        let _ = writeln!(
            out,
            "  {o}  KTP-el diserahkan {}  Suket terbit {}  dicetak ulang {}  ditarik {}  digantikan KTP-el {}  masih berlaku {}{expired}",
            c.cards_handed_over, c.suket_issued, c.suket_reprinted, c.suket_withdrawn, c.suket_superseded, c.suket_valid
        );
        any = true;
    }
    if !any {
        let _ = writeln!(out, "  (belum ada)");
    }
    let _ = writeln!(out, "\nPengaduan (kantor: diterima, selesai, ditolak, masih terbuka, lewat batas waktu menurut tanggal pusat):");
    any = false;
    for (o, c) in s.complaints.iter().filter(|(o, _)| wanted(o)) {
        let _ = writeln!(
            out,
            "  {o}  diterima {}  selesai {}  ditolak {}  terbuka {}  lewat batas waktu {}",
            c.received, c.resolved, c.rejected, c.open, c.overdue
        );
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
