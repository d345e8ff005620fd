//! KTP-el recording (perekaman): photo, signature, fingerprints and iris, and the recording record.

pub mod biometrics;
mod commands;
mod desk;
pub mod photo;
mod printer;
pub mod signature;

pub use commands::{receipt_file, ReceiptRequest, RECEIPT_ROLES, RECORDING_ROLES};

pub fn register(r: &mut crate::api::Registry) {
    commands::register(r);
    desk::register(r);
    printer::register(r);
}
