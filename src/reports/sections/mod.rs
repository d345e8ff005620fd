//! The report's sections, in the order they print. Each is one function over a range of the
//! office's days that reads what the store recorded; adding a section is a file here and a line in
//! [`SECTIONS`].

mod applications;
mod complaints;
mod handover;
mod printing;
pub mod queue;
mod recording;
mod standards;
mod sync;
pub(crate) mod trend;

use rusqlite::Connection;

use super::model::Section;
use super::range::Range;
use crate::error::Result;

pub type Build = fn(&Connection, &Range) -> Result<Section>;

/// (id, title, build): the id names the CSV file and is what `section=` takes.
pub const SECTIONS: &[(&str, &str, Build)] = &[
    ("queue", "Antrean", queue::build),
    ("applications", "Permohonan dan pemeriksaan berkas", applications::build),
    ("recording", "Perekaman", recording::build),
    ("sync", "Pengiriman data ke pusat", sync::build),
    ("printing", "Pencetakan dan blangko KTP-el", printing::build),
    ("handover", "Penyerahan KTP-el dan Suket", handover::build),
    ("standards", "Pemenuhan standar pelayanan (mutu baku)", standards::build),
    ("complaints", "Pengaduan", complaints::build),
    ("trend", "Tren 14 hari", trend::build),
];

pub use standards::{standard, STANDARDS};
