//! Append-only audit trail. Each row carries the hash of the previous row, so editing or deleting a
//! row anywhere breaks the chain from there on; `verify` names the first broken row. Triggers in the
//! schema refuse UPDATE and DELETE; the chain catches edits made around them (another tool, a copy).
//!
//! Rows cut off the END leave a shorter chain that is still whole, so the chain alone cannot show
//! them. `verify_anchored` therefore compares the live chain with an anchor kept outside it: the
//! head central confirmed at the last sync (`audit_anchor`, written from central's answer only) or
//! the `.audit-head.json` beside the newest backup, whichever reaches further.

use crate::clock::to_db;
use crate::error::Result;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

fn row_hash(prev: &str, seq: i64, at: &str, actor: Option<&str>, action: &str, subject: Option<&str>, detail: &str) -> String {
    let mut h = Sha256::new();
    // Length-prefixed fields: no two different rows can serialise to the same bytes.
    for part in [prev, &seq.to_string(), at, actor.unwrap_or("\u{0}"), action, subject.unwrap_or("\u{0}"), detail] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Appends one row inside the caller's transaction, so the audit row and the change commit together.
pub fn append(
    conn: &Connection,
    at: DateTime<Utc>,
    actor: Option<&str>,
    action: &str,
    subject: Option<&str>,
    detail: serde_json::Value,
) -> Result<()> {
    let (last_seq, prev): (i64, String) = conn
        .query_row("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .unwrap_or((0, GENESIS.to_string()));
    let seq = last_seq + 1;
    let at = to_db(at);
    let detail = detail.to_string();
    let hash = row_hash(&prev, seq, &at, actor, action, subject, &detail);
    conn.execute(
        "INSERT INTO audit_log (seq, at, actor, action, subject, detail, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![seq, at, actor, action, subject, detail, prev, hash],
    )?;
    Ok(())
}

#[derive(Debug, Clone, Serialize, JsonSchema, TS)]
pub struct AuditEntry {
    #[ts(type = "number")]
    pub seq: i64,
    pub at: String,
    pub actor: Option<String>,
    pub action: String,
    pub subject: Option<String>,
    #[ts(type = "unknown")]
    pub detail: serde_json::Value,
}

#[derive(Debug, Clone, Serialize, JsonSchema, TS)]
pub struct AuditPage {
    pub items: Vec<AuditEntry>,
    /// Pass as `before_seq` to get the next (older) page; null when there is none.
    #[ts(type = "number | null")]
    pub next_before_seq: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct AuditListRequest {
    #[serde(default)]
    #[ts(optional, type = "number | null")]
    pub before_seq: Option<i64>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub limit: Option<u32>,
}

pub fn list(conn: &Connection, before_seq: Option<i64>, limit: u32) -> Result<AuditPage> {
    let mut stmt = conn.prepare(
        "SELECT seq, at, actor, action, subject, detail FROM audit_log WHERE seq < ?1 ORDER BY seq DESC LIMIT ?2",
    )?;
    let items: Vec<AuditEntry> = stmt
        .query_map(params![before_seq.unwrap_or(i64::MAX), limit + 1], |r| {
            let detail: String = r.get("detail")?;
            Ok(AuditEntry {
                seq: r.get("seq")?,
                at: r.get("at")?,
                actor: r.get("actor")?,
                action: r.get("action")?,
                subject: r.get("subject")?,
                detail: serde_json::from_str(&detail).unwrap_or(serde_json::Value::String(detail)),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let more = items.len() > limit as usize;
    let items: Vec<AuditEntry> = items.into_iter().take(limit as usize).collect();
    let next_before_seq = if more { items.last().map(|e| e.seq) } else { None };
    Ok(AuditPage { items, next_before_seq })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema, TS)]
pub struct AuditVerifyReport {
    pub ok: bool,
    #[ts(type = "number")]
    pub rows_checked: i64,
    /// The first row whose hash or link does not match; everything from here on is suspect. For
    /// rows cut off the end, the first missing one; null when only the end differs from the anchor
    /// (rewritten somewhere up to it).
    #[ts(type = "number | null")]
    pub first_broken_seq: Option<i64>,
    pub reason: Option<String>,
    /// The anchor the end of the chain was compared with; null when there is none.
    pub anchor: Option<AuditAnchorCheck>,
    /// Rows cut off the end: the chain stops before the anchor's row.
    pub truncation: Option<AuditTruncation>,
    /// One sentence about the end of the chain: matches the anchor, cut off, rewritten, or cannot
    /// be checked (no anchor).
    pub end_message: String,
}

/// Where an anchor came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum AnchorSource {
    /// The head central confirmed at a sync.
    Central,
    /// The `.audit-head.json` beside a backup.
    Backup,
}

/// An anchor and what the live chain has at its seq.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema, TS)]
pub struct AuditAnchorCheck {
    pub source: AnchorSource,
    /// `server pusat` or the backup's file name.
    pub label: String,
    #[ts(type = "number")]
    pub seq: i64,
    pub hash: String,
    /// When central stored it, or when the backup was taken (RFC 3339 UTC); null when unknown.
    pub at: Option<String>,
    /// The same in the office's words.
    pub at_text: Option<String>,
    /// Whether the live chain has this row with this hash.
    pub matches: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema, TS)]
pub struct AuditTruncation {
    /// The live chain's last row (0 when empty).
    #[ts(type = "number")]
    pub chain_end: i64,
    #[ts(type = "number")]
    pub missing_from: i64,
    #[ts(type = "number")]
    pub missing_to: i64,
    #[ts(type = "number")]
    pub missing_rows: i64,
}

/// The chain's last row as it travels to central with each sync.
pub fn head(conn: &Connection) -> Result<Option<crate::sync::wire::AuditHead>> {
    Ok(conn
        .query_row("SELECT seq, hash, at FROM audit_log ORDER BY seq DESC LIMIT 1", [], |r| {
            Ok(crate::sync::wire::AuditHead { seq: r.get(0)?, hash: r.get(1)?, at: crate::clock::from_db(&r.get::<_, String>(2)?) })
        })
        .optional()?)
}

/// Keeps the anchor central answered, unless the one already kept reaches further (a central
/// restored from an older backup must not lower it).
pub fn record_anchor(conn: &Connection, a: &crate::sync::wire::AuditAnchor, now: DateTime<Utc>, central_url: &str, device_id: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO audit_anchor (id, seq, hash, at, anchored_at, acknowledged_at, central_url, device_id)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, at = excluded.at,
             anchored_at = excluded.anchored_at, acknowledged_at = excluded.acknowledged_at,
             central_url = excluded.central_url, device_id = excluded.device_id
         WHERE excluded.seq > audit_anchor.seq",
        params![a.seq, a.hash, to_db(a.at), to_db(a.anchored_at), to_db(now), central_url, device_id],
    )?;
    Ok(())
}

/// The last anchor central confirmed: (seq, hash, when central stored it).
pub fn central_anchor(conn: &Connection) -> Result<Option<(i64, String, DateTime<Utc>)>> {
    Ok(conn
        .query_row("SELECT seq, hash, anchored_at FROM audit_anchor WHERE id = 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?, crate::clock::from_db(&r.get::<_, String>(2)?)))
        })
        .optional()?)
}

/// `verify`, then the end of the chain against the furthest anchor: central's confirmed head or
/// the newest backup's head in `backup_folder` (when it reads).
pub fn verify_anchored(conn: &Connection, backup_folder: Option<&std::path::Path>) -> Result<AuditVerifyReport> {
    let mut report = verify(conn)?;
    let time_text = |t: DateTime<Utc>| crate::backup::long_time(conn, t);
    let mut anchors: Vec<AuditAnchorCheck> = Vec::new();
    if let Some((seq, hash, at)) = central_anchor(conn)? {
        anchors.push(AuditAnchorCheck {
            source: AnchorSource::Central,
            label: "server pusat".into(),
            seq,
            hash,
            at: Some(to_db(at)),
            at_text: Some(time_text(at)?),
            matches: false,
        });
    }
    if let Some(folder) = backup_folder {
        if let Some(b) = crate::backup::newest_head(folder, crate::backup::office_offset(conn)?) {
            anchors.push(AuditAnchorCheck {
                source: AnchorSource::Backup,
                label: b.file,
                seq: b.seq,
                hash: b.hash,
                at: b.taken_at.map(to_db),
                at_text: b.taken_at.map(time_text).transpose()?,
                matches: false,
            });
        }
    }
    // The furthest anchor; on a tie central's, which the office cannot rewrite.
    let Some(mut anchor) = anchors.into_iter().reduce(|best, a| if a.seq > best.seq { a } else { best }) else {
        report.end_message = "Ujung rantai audit tidak dapat diperiksa: belum ada jangkar dari server pusat (sinkronisasi) \
            maupun dari cadangan. Baris yang dipotong dari akhir rantai tidak akan terlihat."
            .into();
        return Ok(report);
    };
    let chain_end: i64 = conn.query_row("SELECT COALESCE(MAX(seq), 0) FROM audit_log", [], |r| r.get(0))?;
    let live: Option<String> = conn.query_row("SELECT hash FROM audit_log WHERE seq = ?1", [anchor.seq], |r| r.get(0)).optional()?;
    let source = match anchor.source {
        AnchorSource::Central => "jangkar dari pusat".to_string(),
        AnchorSource::Backup => format!("jangkar cadangan {}", anchor.label),
    };
    let when = anchor.at_text.as_deref().map(|t| format!(" pada {t}")).unwrap_or_default();
    anchor.matches = live.as_deref() == Some(anchor.hash.as_str());
    let problem = match live {
        _ if anchor.matches => None,
        None if anchor.seq > chain_end => {
            let (from, to) = (chain_end + 1, anchor.seq);
            let rows = if from == to { format!("Baris audit {to} hilang") } else { format!("Baris audit {from}–{to} hilang") };
            report.truncation = Some(AuditTruncation { chain_end, missing_from: from, missing_to: to, missing_rows: to - from + 1 });
            Some((Some(from), format!("{rows}: rantai berakhir di {chain_end}, padahal {source}{when} mencatat {to}.")))
        }
        None => Some((Some(anchor.seq), format!("Baris audit {} hilang, padahal {source}{when} mencatatnya.", anchor.seq))),
        // Rewritten somewhere up to the anchor's row: which row first differs is not known.
        Some(_) => Some((
            None,
            format!("Baris audit {} berbeda dengan {source}{when}: rantai telah ditulis ulang sampai baris itu.", anchor.seq),
        )),
    };
    match problem {
        None => {
            report.end_message = format!("Ujung rantai cocok dengan {source}{when} (baris {}).", anchor.seq);
        }
        Some((seq, message)) => {
            if report.ok {
                report.first_broken_seq = seq;
                report.reason = Some(message.clone());
            }
            report.ok = false;
            report.end_message = message;
        }
    }
    report.anchor = Some(anchor);
    Ok(report)
}

/// What `audit.verify` and `loket audit verify` run: the chain and its end, with the backup folder
/// from the settings.
pub fn verify_app(app: &crate::App) -> Result<AuditVerifyReport> {
    app.store.read(|c| {
        let folder = crate::backup::load_settings(c)?.folder;
        let folder = folder.trim();
        verify_anchored(c, (!folder.is_empty()).then(|| std::path::Path::new(folder)))
    })
}

/// Walks the chain from the first row, recomputing every hash.
pub fn verify(conn: &Connection) -> Result<AuditVerifyReport> {
    let mut stmt =
        conn.prepare("SELECT seq, at, actor, action, subject, detail, prev_hash, hash FROM audit_log ORDER BY seq")?;
    let mut rows = stmt.query([])?;
    let mut prev = GENESIS.to_string();
    let mut expected_seq = 1i64;
    let mut checked = 0i64;
    while let Some(r) = rows.next()? {
        let seq: i64 = r.get("seq")?;
        let at: String = r.get("at")?;
        let actor: Option<String> = r.get("actor")?;
        let action: String = r.get("action")?;
        let subject: Option<String> = r.get("subject")?;
        let detail: String = r.get("detail")?;
        let prev_hash: String = r.get("prev_hash")?;
        let hash: String = r.get("hash")?;
        let broken = |reason: String| AuditVerifyReport {
            ok: false,
            rows_checked: checked,
            first_broken_seq: Some(seq),
            reason: Some(reason),
            ..unanchored()
        };
        if seq != expected_seq {
            return Ok(AuditVerifyReport {
                first_broken_seq: Some(expected_seq),
                ..broken(format!("Baris {expected_seq} hilang (berikutnya baris {seq})."))
            });
        }
        if prev_hash != prev {
            return Ok(broken(format!("Baris {seq} tidak tersambung ke baris sebelumnya.")));
        }
        if row_hash(&prev, seq, &at, actor.as_deref(), &action, subject.as_deref(), &detail) != hash {
            return Ok(broken(format!("Isi baris {seq} telah diubah.")));
        }
        prev = hash;
        expected_seq += 1;
        checked += 1;
    }
    Ok(AuditVerifyReport { rows_checked: checked, ..unanchored() })
}

/// A whole chain whose end was not compared with anything (`verify` alone).
fn unanchored() -> AuditVerifyReport {
    AuditVerifyReport {
        ok: true,
        rows_checked: 0,
        first_broken_seq: None,
        reason: None,
        anchor: None,
        truncation: None,
        end_message: "Ujung rantai audit tidak diperiksa terhadap jangkar.".into(),
    }
}

pub fn register(r: &mut crate::api::Registry) {
    use crate::api::{Access, Empty, MANAGERS};
    r.add_staff("audit.list", Access::Roles(MANAGERS), "Audit trail, newest first, paged", |app, _, req: AuditListRequest| {
        let limit = req.limit.unwrap_or(50);
        if !(1..=500).contains(&limit) {
            return Err(crate::error::Error::field("limit", "Jumlah baris per halaman harus 1 sampai 500."));
        }
        app.store.read(|c| list(c, req.before_seq, limit))
    });
    r.add_staff(
        "audit.verify",
        Access::Roles(MANAGERS),
        "Recompute the audit hash chain and compare its end with the latest anchor (central's or a backup's)",
        |app, _, _: Empty| verify_app(app),
    );
}
