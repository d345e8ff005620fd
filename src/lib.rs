//! Loket KTP-el: the office hub of a Dukcapil service point. Every capability lives in its own
//! folder; `api` is the one command layer that the desktop window and the LAN hub both call.

pub mod api;
pub mod app;
pub mod audit;
pub mod backup;
pub mod auth;
pub mod calendar;
pub mod complaints;
pub mod dashboard;
pub mod documents;
pub mod error;
pub mod events;
pub mod handover;
pub mod hub;
pub mod intake;
pub mod printing;
pub mod queue;
pub mod recording;
pub mod reports;
mod runtime;
pub mod settings;
pub mod setup;
pub mod stock;
pub mod store;
pub mod suket;
pub mod sync;
pub mod thermal;
pub mod vault;

/// The clock and the region table are shared with `loket-central` (crate `loket_contract`).
pub use loket_contract::{clock, regions};

pub use app::App;
pub use error::{Error, ErrorCode, Result};

use std::path::PathBuf;

/// The default data directory: `$LOKET_DATA_DIR`, else the platform's data folder
/// (`~/.local/share/loket-ktpel` on Linux, `%APPDATA%\loket-ktpel` on Windows).
pub fn default_data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("LOKET_DATA_DIR") {
        return PathBuf::from(dir);
    }
    dirs::data_dir().unwrap_or_else(|| PathBuf::from(".")).join("loket-ktpel")
}

/// The port the desktop app's in-process hub listens on.
pub const DEFAULT_HUB_PORT: u16 = 8470;
