//! Append-only audit trail. Each row carries the hash of the previous row, so editing or deleting a
//! row anywhere breaks the chain from there on; `verify` names the first broken row. Triggers in the
//! schema refuse UPDATE and DELETE; the chain catches edits made around them (another tool, a copy).

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
    /// The first row whose hash or link does not match; everything from here on is suspect.
    #[ts(type = "number | null")]
    pub first_broken_seq: Option<i64>,
    pub reason: Option<String>,
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
        let broken = |reason: String| AuditVerifyReport { ok: false, rows_checked: checked, first_broken_seq: Some(seq), reason: Some(reason) };
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
    Ok(AuditVerifyReport { ok: true, rows_checked: checked, first_broken_seq: None, reason: None })
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
    r.add_staff("audit.verify", Access::Roles(MANAGERS), "Recompute the audit hash chain", |app, _, _: Empty| {
        app.store.read(verify)
    });
}
