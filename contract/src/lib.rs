//! What the office hub (`loket`) and the central server (`loket-central`) share, and nothing else:
//! the sync wire format, the NIK, biodata and code-list rules, the region table, the clock and, with
//! the `sqlite` feature, the migration runner of both SQLite files. No PDF, image, password or HTTP
//! server code lives here, so central does not compile any of it.
//!
//! Features: `ui-types` adds the TypeScript (ts-rs) and JSON-schema derives the office UI needs;
//! `sqlite` adds [`migrate`].

pub mod biodata;
pub mod clock;
pub mod codes;
pub mod error;
#[cfg(feature = "sqlite")]
pub mod migrate;
pub mod nik;
pub mod regions;
pub mod wire;

pub use error::FieldError;
