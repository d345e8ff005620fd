//! KTP-el recording (perekaman): photo, signature, fingerprints and iris, and the recording record.

pub mod biometrics;
mod commands;
pub mod photo;
pub mod signature;

pub use commands::{receipt_pdf, register, RECORDING_ROLES};
