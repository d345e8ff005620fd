//! The uploader: one per hub. It wakes on start, on each new outbox row, when asked ("Kirim
//! sekarang") and on a timer; after a failure it waits a capped exponential backoff with full
//! jitter, reset by the next success. Progress is written only after central answered, so a
//! crash at any point re-sends at most one batch, which central answers with "duplicate".
//! Every batch carries the head of the audit chain (when central says it keeps anchors); an
//! exchange with nothing to send still sends it (an empty batch) when central has not confirmed
//! that head yet. Central's answer names the
//! anchor it holds, and only that is kept (`audit::record_anchor`).

mod batching;

use super::central::{Central, Failure};
use super::outbox::{self, OutboxRow};
use super::state::{self, Credentials, Live};
use super::wire::{self, Batch, BatchResult, WireRecord};
use crate::clock::to_db;
use crate::error::{Error, Result};
use crate::App;
use batching::{Limits, Refusal, Shrink};
use rand::Rng;
use rusqlite::{params, Connection};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;

/// Timings; the defaults suit an office, tests shorten them through the environment.
#[derive(Debug, Clone)]
pub struct Timing {
    /// Base timeout of a request (a batch gets more per byte).
    pub timeout: Duration,
    /// How often an idle uploader looks for central's changes.
    pub interval: Duration,
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
    /// The slowest link a batch gets time for (kbit/s) on top of `timeout`.
    pub min_kbit_s: u64,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            timeout: Duration::from_secs(30),
            interval: Duration::from_secs(60),
            backoff_base: Duration::from_secs(1),
            backoff_cap: Duration::from_secs(300),
            min_kbit_s: 128,
        }
    }
}

impl Timing {
    /// `LOKET_SYNC_TIMEOUT_MS`, `LOKET_SYNC_INTERVAL_MS`, `LOKET_SYNC_BACKOFF_BASE_MS`,
    /// `LOKET_SYNC_BACKOFF_CAP_MS`, `LOKET_SYNC_MIN_KBIT_S`.
    pub fn from_env() -> Timing {
        let ms = |name: &str, default: Duration| {
            std::env::var(name).ok().and_then(|v| v.parse().ok()).map(Duration::from_millis).unwrap_or(default)
        };
        let d = Timing::default();
        Timing {
            timeout: ms("LOKET_SYNC_TIMEOUT_MS", d.timeout),
            interval: ms("LOKET_SYNC_INTERVAL_MS", d.interval),
            backoff_base: ms("LOKET_SYNC_BACKOFF_BASE_MS", d.backoff_base),
            backoff_cap: ms("LOKET_SYNC_BACKOFF_CAP_MS", d.backoff_cap),
            min_kbit_s: std::env::var("LOKET_SYNC_MIN_KBIT_S").ok().and_then(|v| v.parse().ok()).unwrap_or(d.min_kbit_s),
        }
    }

    /// Full jitter: a random wait between zero and the capped exponential for this failure count.
    pub fn backoff(&self, failures: u32) -> Duration {
        let exp = self.backoff_base.saturating_mul(1u32 << failures.min(20));
        let ceiling = exp.min(self.backoff_cap);
        ceiling.mul_f64(rand::thread_rng().gen_range(0.0..=1.0))
    }
}

/// Shared between the uploader task and the commands.
pub struct SyncHandle {
    wake: Notify,
    skip_backoff: AtomicBool,
    started: AtomicBool,
    pub live: Mutex<Live>,
    pub timing: Timing,
}

impl Default for SyncHandle {
    fn default() -> Self {
        SyncHandle::new(Timing::from_env())
    }
}

impl SyncHandle {
    pub fn new(timing: Timing) -> SyncHandle {
        SyncHandle { wake: Notify::new(), skip_backoff: AtomicBool::new(false), started: AtomicBool::new(false), live: Default::default(), timing }
    }

    /// Something may have been added to the outbox: look now (unless waiting out a backoff).
    pub fn nudge(&self) {
        self.wake.notify_one();
    }

    /// A person asked to sync now: skip the backoff too.
    pub fn now(&self) {
        self.skip_backoff.store(true, Ordering::SeqCst);
        self.wake.notify_one();
    }

    fn live(&self) -> std::sync::MutexGuard<'_, Live> {
        self.live.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Starts the hub's uploader (once per process).
pub fn spawn(app: Arc<App>) {
    if app.sync.started.swap(true, Ordering::SeqCst) {
        return;
    }
    app.sync.live().uploader_running = true;
    tokio::spawn(run(app));
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wake {
    Start,
    Timer,
    /// A command finished: maybe a new outbox row.
    Nudge,
    /// A person asked ("Kirim sekarang").
    Asked,
}

async fn run(app: Arc<App>) {
    let sync = &app.sync;
    let mut failures = 0u32;
    let mut wake = Wake::Start;
    let mut deadline = tokio::time::Instant::now();
    loop {
        // A nudge with nothing waiting costs one local count, not a request to central.
        let skip = wake == Wake::Nudge && {
            let a = app.clone();
            matches!(blocking(move || a.store.read(|c| Ok(c.query_row("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL", [], |r| r.get::<_, i64>(0))?))).await, Ok(0))
        };
        if !skip {
            let outcome = cycle(&app).await;
            let wait = match &outcome {
                Ok(_) => {
                    failures = 0;
                    sync.timing.interval
                }
                Err(f) => {
                    failures = failures.saturating_add(1);
                    tracing::warn!(failures, error = %f.message(), "sync failed");
                    sync.timing.backoff(failures)
                }
            };
            sync.live().next_attempt_at = Some(app.now() + chrono::Duration::from_std(wait).unwrap_or_default());
            app.events.publish(crate::events::Event::SyncChanged);
            // Skipped nudges keep this deadline, so frequent commands never postpone the pull.
            deadline = tokio::time::Instant::now() + wait;
        }
        wake = next_wake(sync, deadline, failures > 0).await;
        if wake == Wake::Asked {
            failures = 0;
        }
    }
}

async fn next_wake(sync: &SyncHandle, deadline: tokio::time::Instant, in_backoff: bool) -> Wake {
    loop {
        tokio::select! {
            _ = tokio::time::sleep_until(deadline) => return Wake::Timer,
            _ = sync.wake.notified() => {
                if sync.skip_backoff.swap(false, Ordering::SeqCst) {
                    return Wake::Asked;
                }
                // New rows do not cut a backoff short: they would hammer a dead link.
                if !in_backoff {
                    return Wake::Nudge;
                }
            }
        }
    }
}

/// The (seq, change id) of each record in a batch, to match central's answers.
type Sent = Vec<(i64, String)>;

/// What one cycle did.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct CycleReport {
    /// Whether central answered at all (false when not enrolled).
    pub exchanged: bool,
    pub sent: usize,
    pub quarantined: usize,
    /// Records central had lost (restored from an older backup) and that are being sent again.
    pub resent_after_loss: usize,
    pub changes_applied: usize,
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> std::result::Result<T, Failure> {
    match tokio::task::spawn_blocking(f).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(Failure::Rejected(format!("basis data kantor: {}", e.message))),
        Err(e) => Err(Failure::Rejected(format!("basis data kantor: {e}"))),
    }
}

/// One exchange with central: check where central is, send what waits, apply central's answers.
pub async fn cycle(app: &Arc<App>) -> std::result::Result<CycleReport, Failure> {
    let a = app.clone();
    let Some(creds) = blocking(move || a.store.read(state::credentials)).await? else {
        return Ok(CycleReport::default());
    };
    let started = app.now();
    app.sync.live().last_attempt_at = Some(started);
    let result = exchange(app, &creds).await;
    {
        let mut live = app.sync.live();
        live.online = Some(!matches!(result, Err(Failure::Unreachable(_))));
        live.last_error = result.as_ref().err().map(Failure::message);
    }
    if result.is_ok() {
        let (a, now) = (app.clone(), app.now());
        blocking(move || a.store.write(move |tx| state::record_success(tx, now))).await?;
    }
    result
}

async fn exchange(app: &Arc<App>, creds: &Credentials) -> std::result::Result<CycleReport, Failure> {
    let t = &app.sync.timing;
    let central = Central::new(&creds.central_url, &creds.device_id, &creds.secret, t.timeout, t.min_kbit_s);
    let mut report = CycleReport { exchanged: true, ..Default::default() };

    // Central may have been restored from an older backup: whatever it no longer holds goes again.
    let device = central.device().await?;
    // The audit head goes only to a central that keeps it (an older one refuses the field).
    let anchors = device.audit_anchors;
    if device.office != creds.office {
        return Err(Failure::Rejected(format!("server pusat mengenal perangkat ini untuk kantor {}", device.office)));
    }
    let a = app.clone();
    report.resent_after_loss = blocking(move || a.store.write(move |tx| {
        let n = rewind_after(tx, device.contiguous_seq)?;
        if state::change_cursor(tx)? > device.latest_change {
            state::set_change_cursor(tx, device.latest_change)?;
        }
        Ok(n)
    }))
    .await?;
    if report.resent_after_loss > 0 {
        tracing::warn!(records = report.resent_after_loss, "central lost records it had acknowledged; sending them again");
    }

    // One request in flight at a time. While it travels the next batch is read and encoded, and
    // while that one travels the answer to the previous is written down.
    let mut shrink = Shrink::default();
    let mut after_seq = 0i64;
    let mut in_flight: Option<(tokio::task::JoinHandle<std::result::Result<BatchResult, Failure>>, Sent)> = None;
    let mut batches = 0usize;
    loop {
        let (a, office) = (app.clone(), creds.office.clone());
        let next = blocking(move || next_batch(&a, &office, after_seq, shrink, anchors)).await?;
        let mut answered = None;
        if let Some((handle, seqs)) = in_flight.take() {
            let answer = handle.await.unwrap_or_else(|e| Err(Failure::Unreachable(e.to_string())));
            match answer {
                Ok(result) => answered = Some((result, seqs)),
                // Too big or unreadable for central: halve until the one record at fault is found,
                // then set it aside for a person so it never blocks the rest. The batch read
                // meanwhile is dropped; reading starts again from what is still waiting.
                Err(Failure::Refused { message, .. }) => match batching::refused(seqs.len()) {
                    Refusal::Retry(smaller) => {
                        tracing::warn!(records = seqs.len(), %message, "central refused a batch; halving");
                        shrink = smaller;
                        after_seq = 0;
                        continue;
                    }
                    Refusal::SetAside => {
                        let (a, now, seq) = (app.clone(), app.now(), seqs[0].0);
                        blocking(move || a.store.write(move |tx| mark_unsendable(tx, now, seq, &message))).await?;
                        report.quarantined += 1;
                        after_seq = 0;
                        continue;
                    }
                },
                Err(other) => return Err(other),
            }
        }
        let more = next.is_some();
        if let Some((encoded, seqs)) = next {
            after_seq = seqs.last().map(|(seq, _)| *seq).unwrap_or(after_seq);
            let central = central.clone();
            in_flight = Some((tokio::spawn(async move { central.send_batch(encoded).await }), seqs));
            batches += 1;
        }
        if let Some((result, seqs)) = answered {
            let (a, now, c) = (app.clone(), app.now(), creds.clone());
            let (sent, quarantined) = blocking(move || a.store.write(move |tx| apply_result(tx, now, &c, &seqs, &result))).await?;
            report.sent += sent;
            report.quarantined += quarantined;
            shrink = batching::accepted();
            app.events.publish(crate::events::Event::SyncChanged);
        }
        if !more && in_flight.is_none() {
            break;
        }
    }
    if batches == 0 && anchors {
        anchor_only(app, &central, creds).await?;
    }

    loop {
        let a = app.clone();
        let cursor = blocking(move || a.store.read(state::change_cursor)).await?;
        let page = central.changes(cursor, 500).await?;
        let n = page.changes.len();
        let (a, now) = (app.clone(), app.now());
        blocking(move || a.store.write(move |tx| super::pull::apply(tx, now, &page.changes))).await?;
        report.changes_applied += n;
        if n > 0 {
            app.events.publish(crate::events::Event::QueueChanged);
        }
        if !page.more || n == 0 {
            break;
        }
    }
    Ok(report)
}

/// Nothing waited to be sent: the audit head still goes, in an empty batch, unless central has
/// already confirmed it.
async fn anchor_only(app: &Arc<App>, central: &Central, creds: &Credentials) -> std::result::Result<(), Failure> {
    let a = app.clone();
    let (head, anchored) = blocking(move || a.store.read(|c| Ok((crate::audit::head(c)?, crate::audit::central_anchor(c)?)))).await?;
    let Some(head) = head else { return Ok(()) };
    if anchored.is_some_and(|(seq, hash, _)| seq == head.seq && hash == head.hash) {
        return Ok(());
    }
    let result = central.send_batch(wire::encode_batch(&Batch { protocol: wire::PROTOCOL, records: vec![], audit_head: Some(head) })).await?;
    let (a, now, c) = (app.clone(), app.now(), creds.clone());
    blocking(move || a.store.write(move |tx| apply_result(tx, now, &c, &[], &result))).await?;
    Ok(())
}

/// Rows central no longer holds (seq above its contiguous seq) are marked waiting again.
fn rewind_after(conn: &Connection, contiguous_seq: i64) -> Result<usize> {
    Ok(conn.execute(
        "UPDATE outbox SET delivered_at = NULL, outcome = NULL, reason = NULL
         WHERE seq > ?1 AND delivered_at IS NOT NULL AND outcome IN ('accepted', 'duplicate', 'invalid', 'conflict')",
        [contiguous_seq],
    )?)
}

/// The next batch after `after_seq`, encoded for the wire, with the (seq, id) of its records:
/// waiting rows in seq order, as many as `batching::next_batch_len` lets go, with the audit head
/// when central keeps it. A row that cannot be put on the wire at all is set aside (quarantined)
/// and skipped in the seq chain.
fn next_batch(app: &App, office: &str, after_seq: i64, shrink: Shrink, with_audit_head: bool) -> Result<Option<(Vec<u8>, Sent)>> {
    let now = app.now();
    loop {
        let (prev, rows) = app.store.read(|c| outbox::waiting(c, after_seq, shrink.record_cap(Limits::OFFICE)))?;
        if rows.is_empty() {
            return Ok(None);
        }
        let mut records: Vec<WireRecord> = Vec::with_capacity(rows.len());
        let mut unsendable: Option<(OutboxRow, Error)> = None;
        let take = app.store.read(|c| {
            let mut prev_seq = prev;
            // A row is encoded only when the planner asks for its size; an unencodable row ends the batch.
            let sizes = rows.iter().map_while(|row| match outbox::to_wire(c, office, prev_seq, row) {
                Ok(rec) => {
                    prev_seq = rec.seq;
                    let size = rec.raw_len();
                    records.push(rec);
                    Some(size)
                }
                Err(e) => {
                    unsendable = Some((row.clone(), e));
                    None
                }
            });
            Ok(batching::next_batch_len(sizes, Limits::OFFICE, shrink))
        })?;
        // The planner may have looked at one record more than fits.
        records.truncate(take);
        if let Some((row, e)) = unsendable {
            if records.is_empty() {
                app.store.write(move |tx| mark_unsendable(tx, now, row.seq, &e.message))?;
                continue;
            }
        }
        let seqs = records.iter().map(|r| (r.seq, r.id.clone())).collect();
        let audit_head = if with_audit_head { app.store.read(crate::audit::head)? } else { None };
        return Ok(Some((wire::encode_batch(&Batch { protocol: wire::PROTOCOL, records, audit_head }), seqs)));
    }
}

fn mark_unsendable(conn: &Connection, now: chrono::DateTime<chrono::Utc>, seq: i64, reason: &str) -> Result<()> {
    tracing::warn!(seq, reason, "record set aside: it cannot be sent");
    conn.execute(
        "UPDATE outbox SET delivered_at = ?2, outcome = 'unsendable', reason = ?3 WHERE seq = ?1",
        params![seq, to_db(now), format!("Tidak dapat dikirim: {reason}")],
    )?;
    Ok(())
}

/// Records central's per-record answers and the audit anchor it holds. Returns (delivered,
/// quarantined). Delivered records are written in one statement per outcome: a batch is hundreds
/// of rows.
fn apply_result(
    conn: &Connection,
    now: chrono::DateTime<chrono::Utc>,
    creds: &Credentials,
    sent: &[(i64, String)],
    result: &BatchResult,
) -> Result<(usize, usize)> {
    if let Some(anchor) = &result.audit_anchor {
        crate::audit::record_anchor(conn, anchor, now, &creds.central_url, &creds.device_id)?;
    }
    let (mut delivered, mut quarantined) = (Vec::new(), 0);
    let mut by_outcome: std::collections::BTreeMap<&'static str, Vec<i64>> = Default::default();
    for r in &result.results {
        // Only answers about what this batch carried count.
        if !sent.iter().any(|(seq, id)| *seq == r.seq && *id == r.id) {
            continue;
        }
        let outcome = match r.outcome {
            wire::Outcome::Accepted => "accepted",
            wire::Outcome::Duplicate => "duplicate",
            wire::Outcome::Invalid => "invalid",
            wire::Outcome::Conflict => "conflict",
        };
        if r.outcome.delivered() {
            by_outcome.entry(outcome).or_default().push(r.seq);
            delivered.push(r.seq);
        } else {
            quarantined += 1;
            conn.execute(
                "UPDATE outbox SET delivered_at = ?2, outcome = ?3, reason = ?4 WHERE seq = ?1",
                params![r.seq, to_db(now), outcome, r.reason],
            )?;
        }
    }
    for (outcome, seqs) in &by_outcome {
        let list = serde_json::to_string(seqs).map_err(Error::internal)?;
        conn.execute(
            "UPDATE outbox SET delivered_at = ?1, outcome = ?2, reason = NULL WHERE seq IN (SELECT value FROM json_each(?3))",
            params![to_db(now), outcome, list],
        )?;
    }
    let list = serde_json::to_string(&delivered).map_err(Error::internal)?;
    conn.execute(
        "UPDATE recording SET status = 'sent_for_enrollment' WHERE status = 'bio_captured' AND id IN
             (SELECT record_id FROM outbox WHERE kind = 'recording' AND seq IN (SELECT value FROM json_each(?1)))",
        [list],
    )?;
    // Central holds less than this batch assumed (restored meanwhile): send the gap again.
    if let Some((last, _)) = sent.last() {
        if result.contiguous_seq < *last {
            rewind_after(conn, result.contiguous_seq)?;
        }
    }
    Ok((delivered.len(), quarantined))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_is_capped_and_jittered() {
        let t = Timing { backoff_base: Duration::from_millis(100), backoff_cap: Duration::from_secs(2), ..Timing::default() };
        for failures in 0..30 {
            let ceiling = Duration::from_millis(100).saturating_mul(1 << failures.min(20)).min(Duration::from_secs(2));
            for _ in 0..20 {
                assert!(t.backoff(failures) <= ceiling);
            }
        }
        // Full jitter: across many draws at the cap, waits spread over the whole range.
        let draws: Vec<Duration> = (0..200).map(|_| t.backoff(10)).collect();
        assert!(draws.iter().any(|d| *d < Duration::from_millis(500)));
        assert!(draws.iter().any(|d| *d > Duration::from_millis(1500)));
    }
}
