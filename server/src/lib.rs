//! `loket-central`: the kabupaten's server. Offices send their records in batches (`ingest`),
//! recordings are checked against the population registry (`verify`, `registry`), and what central
//! decided flows back to each office by a cursor (`changes`, `appointments`). Devices enroll once
//! and authenticate every request (`devices`); each batch carries the office's audit head, kept
//! as its anchor (`anchor`). Each office's closed days arrive as summaries (`summaries`). Storage is
//! SQLite or PostgreSQL behind one trait.

pub mod anchor;
pub mod appointments;
pub mod changes;
pub mod devices;
pub mod error;
pub mod http;
pub mod ingest;
pub mod registry;
pub mod status;
pub mod storage;
pub mod summaries;
pub mod verify;

pub use error::{Code, Error, Result};

use chrono::{DateTime, Utc};
use loket_contract::clock::{Clock, SystemClock};
use std::sync::Arc;
use storage::{Storage, Target};

/// Central's state: the storage and the clock (injectable, so token expiry and "the future" can be
/// tested without waiting).
#[derive(Clone)]
pub struct Central {
    pub store: Arc<dyn Storage>,
    pub clock: Arc<dyn Clock>,
}

impl Central {
    pub fn open(target: &Target) -> Result<Central> {
        Ok(Central { store: storage::open(target)?, clock: Arc::new(SystemClock) })
    }

    pub fn with_clock(target: &Target, clock: Arc<dyn Clock>) -> Result<Central> {
        Ok(Central { store: storage::open(target)?, clock })
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}

/// Collapses runs of whitespace and upper-cases, as SIAK stores names.
pub fn normalise_text(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_uppercase()
}

/// A region code as central stores it (dotted), when it is a known kecamatan.
pub fn office_code(code: &str) -> Result<String> {
    let code = code.trim();
    match loket_contract::regions::lookup(code) {
        Some(r) if loket_contract::regions::is_district(code) => Ok(r.code),
        _ => Err(Error::new(Code::Validation, format!("Kode kecamatan '{code}' tidak dikenal (contoh: 61.01.09)."))),
    }
}
