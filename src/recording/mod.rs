//! KTP-el recording (perekaman): photo, signature, fingerprints and iris, and the recording record.

pub mod biometrics;
pub mod photo;
pub mod signature;
