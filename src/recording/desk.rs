//! What the recording desk's screen reads besides the recording itself: the scanner folder the
//! operator must point the vendor software at, and the stored (normalised) photo and signature, so
//! the operator sees exactly what will go on the card.

use super::commands::{scanner, RecordingIdRequest, RECORDING_ROLES};
use crate::api::{Access, Empty, Registry};
use crate::error::{Error, Result};
use base64::Engine;
use rusqlite::OptionalExtension;
use schemars::JsonSchema;
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, JsonSchema, TS)]
pub struct ScannerDir {
    /// The folder the fingerprint and iris software writes to (setting `recording.scanner_dir`,
    /// else `DATA/scanner`).
    pub dir: String,
    /// Whether the folder exists now (the import fails until it does).
    pub exists: bool,
}

#[derive(Debug, Clone, Serialize, JsonSchema, TS)]
pub struct RecordingMedia {
    /// The normalised photo (300×400 JPEG), base64; null until taken.
    pub photo_base64: Option<String>,
    /// The cleaned signature (transparent PNG), base64; null until taken.
    pub signature_base64: Option<String>,
}

fn media(app: &crate::app::App, req: RecordingIdRequest) -> Result<RecordingMedia> {
    let row: Option<(Option<Vec<u8>>, Option<Vec<u8>>)> = app.store.read(|c| {
        Ok(c.query_row("SELECT photo, signature FROM recording WHERE id = ?1", [&req.recording_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    })?;
    let (photo, signature) = row.ok_or_else(|| Error { field: Some("recording_id".into()), ..Error::not_found("Perekaman") })?;
    let b64 = |b: Vec<u8>| base64::engine::general_purpose::STANDARD.encode(b);
    Ok(RecordingMedia { photo_base64: photo.map(b64), signature_base64: signature.map(b64) })
}

pub fn register(r: &mut Registry) {
    let desk = Access::Roles(RECORDING_ROLES);
    r.add_staff("recording.scanner_dir", desk, "The folder the fingerprint and iris scanners write to", |app, _, _: Empty| {
        let dir = scanner(app)?.dir;
        Ok(ScannerDir { exists: dir.is_dir(), dir: dir.display().to_string() })
    });
    r.add_staff("recording.media", desk, "The stored photo and signature of a recording, to show", |app, _, req: RecordingIdRequest| {
        media(app, req)
    });
}
