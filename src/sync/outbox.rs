//! The outbox: every change the central server must learn about, written in the same transaction
//! as the change. The uploader reads it in `seq` order.

use crate::clock::to_db;
use crate::error::Result;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};

/// Queues a record for central; call it inside the transaction that made the change.
pub fn enqueue(conn: &Connection, now: DateTime<Utc>, record_id: &str, kind: &str, payload: &serde_json::Value) -> Result<()> {
    conn.prepare_cached("INSERT INTO outbox (record_id, kind, payload, created_at) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![record_id, kind, payload.to_string(), to_db(now)])?;
    Ok(())
}
