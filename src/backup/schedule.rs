//! When a backup is due (pure: settings, the office zone, the app clock's now, the last runs), and
//! the hub's task that looks every `tick` (30 s; `LOKET_BACKUP_TICK_MS`) and runs it. Time is the
//! app clock's, so a test moving a `ManualClock` moves the schedule.

use super::{load_settings, office_offset, parse_time, run, BackupSettings};
use crate::app::App;
use crate::error::Result;
use chrono::{DateTime, Duration, FixedOffset, TimeZone, Utc};
use schemars::JsonSchema;
use serde::Serialize;
use std::sync::Arc;
use ts_rs::TS;

pub const DEFAULT_TICK: std::time::Duration = std::time::Duration::from_secs(30);
/// After a failed attempt (drive unplugged, say) the next try waits this long.
const RETRY_AFTER: Duration = Duration::hours(1);
/// On hub start a backup runs when the last good one is older than this.
const STARTUP_AFTER: Duration = Duration::days(1);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// The daily time.
    Schedule,
    /// The hub started and the last good backup was older than a day.
    Startup,
    /// "Cadangkan sekarang".
    Manual,
}

impl Trigger {
    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::Schedule => "schedule",
            Trigger::Startup => "startup",
            Trigger::Manual => "manual",
        }
    }
    pub fn parse(s: &str) -> Trigger {
        match s {
            "startup" => Trigger::Startup,
            "manual" => Trigger::Manual,
            _ => Trigger::Schedule,
        }
    }
}

/// The daily slot on the office-local day of `now`.
fn slot_on_day(s: &BackupSettings, offset: FixedOffset, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if !s.enabled || s.folder.trim().is_empty() {
        return None;
    }
    let time = parse_time(&s.time)?;
    let day = now.with_timezone(&offset).date_naive();
    offset.from_local_datetime(&day.and_time(time)).single().map(|t| t.with_timezone(&Utc))
}

/// The next scheduled backup after `now`, when scheduling is on.
pub fn next_run(s: &BackupSettings, offset: FixedOffset, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let slot = slot_on_day(s, offset, now)?;
    Some(if now < slot { slot } else { slot + Duration::days(1) })
}

/// Whether a backup is due now, and why.
pub fn due(
    s: &BackupSettings,
    offset: FixedOffset,
    now: DateTime<Utc>,
    last_good: Option<DateTime<Utc>>,
    last_attempt: Option<DateTime<Utc>>,
    hub_starting: bool,
) -> Option<Trigger> {
    let today = slot_on_day(s, offset, now)?;
    if hub_starting && last_good.is_none_or(|g| now - g > STARTUP_AFTER) {
        return Some(Trigger::Startup);
    }
    // The latest slot that has come (today's, else yesterday's).
    let slot = if now >= today { today } else { today - Duration::days(1) };
    let failed_last = match (last_good, last_attempt) {
        (_, None) => false,
        (None, Some(_)) => true,
        (Some(g), Some(a)) => a > g,
    };
    match last_attempt {
        None => Some(Trigger::Schedule),
        Some(a) if a < slot => Some(Trigger::Schedule),
        // A failure is retried hourly until a backup after the slot succeeds.
        Some(a) if failed_last && now - a >= RETRY_AFTER => Some(Trigger::Schedule),
        Some(_) => None,
    }
}

/// Looks once: runs a backup if one is due. Blocking.
pub fn tick(app: &App, hub_starting: bool) -> Result<Option<Trigger>> {
    let now = app.now();
    let (s, offset, (good, attempt)) = app.store.read(|c| Ok((load_settings(c)?, office_offset(c)?, super::last_times(c)?)))?;
    let Some(trigger) = due(&s, offset, now, good, attempt, hub_starting) else { return Ok(None) };
    // A failure is recorded (and logged) by `run`; the task goes on.
    let _ = run(app, trigger, None);
    Ok(Some(trigger))
}

/// Starts the hub's backup task (once per App), looking every `LOKET_BACKUP_TICK_MS` (default 30 s).
pub fn spawn(app: Arc<App>) {
    let tick = std::env::var("LOKET_BACKUP_TICK_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map(std::time::Duration::from_millis)
        .unwrap_or(DEFAULT_TICK);
    spawn_with(app, tick);
}

/// Starts the backup task with its own tick (tests use a short one). Needs a tokio runtime.
pub fn spawn_with(app: Arc<App>, every: std::time::Duration) {
    static STARTED: std::sync::Mutex<Vec<usize>> = std::sync::Mutex::new(Vec::new());
    {
        let mut started = STARTED.lock().unwrap_or_else(|p| p.into_inner());
        let key = Arc::as_ptr(&app) as usize;
        if started.contains(&key) {
            return;
        }
        started.push(key);
    }
    tokio::spawn(async move {
        let mut starting = true;
        loop {
            let a = app.clone();
            match tokio::task::spawn_blocking(move || tick(&a, starting)).await {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => tracing::warn!(message = %e.message, "backup schedule not checked"),
                Err(e) => tracing::error!(error = %e, "backup task failed"),
            }
            starting = false;
            tokio::time::sleep(every).await;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wib() -> FixedOffset {
        FixedOffset::east_opt(7 * 3600).unwrap()
    }
    fn at(h: u32, m: u32) -> DateTime<Utc> {
        // 23 November 2026, h:m WIB
        wib().with_ymd_and_hms(2026, 11, 23, h, m, 0).unwrap().with_timezone(&Utc)
    }
    fn on() -> BackupSettings {
        BackupSettings { enabled: true, time: "17:30".into(), folder: "/media/usb".into(), generations: 7 }
    }

    #[test]
    fn next_run_is_today_before_the_time_and_tomorrow_after_it() {
        assert_eq!(next_run(&on(), wib(), at(8, 0)), Some(at(17, 30)));
        assert_eq!(next_run(&on(), wib(), at(17, 30)), Some(at(17, 30) + Duration::days(1)));
        assert_eq!(next_run(&BackupSettings { enabled: false, ..on() }, wib(), at(8, 0)), None);
    }

    #[test]
    fn due_once_per_slot_retries_hourly_after_a_failure_and_on_start_when_a_day_old() {
        let s = on();
        let yesterday = at(17, 31) - Duration::days(1);
        // Yesterday's backup, now 16:00: not due; 17:30: due; after today's run: not due.
        assert_eq!(due(&s, wib(), at(16, 0), Some(yesterday), Some(yesterday), false), None);
        assert_eq!(due(&s, wib(), at(17, 30), Some(yesterday), Some(yesterday), false), Some(Trigger::Schedule));
        assert_eq!(due(&s, wib(), at(17, 40), Some(at(17, 30)), Some(at(17, 30)), false), None);
        // Today's attempt failed: retried an hour later, not before.
        assert_eq!(due(&s, wib(), at(18, 0), Some(yesterday), Some(at(17, 30)), false), None);
        assert_eq!(due(&s, wib(), at(18, 30), Some(yesterday), Some(at(17, 30)), false), Some(Trigger::Schedule));
        // Hub start: a day-old backup → now; a fresh one → wait for the slot.
        assert_eq!(due(&s, wib(), at(17, 32) , Some(yesterday - Duration::hours(1)), Some(at(17, 30)), true), Some(Trigger::Startup));
        assert_eq!(due(&s, wib(), at(9, 0), Some(yesterday), Some(yesterday), true), None);
        assert_eq!(due(&s, wib(), at(9, 0), None, None, true), Some(Trigger::Startup));
        assert_eq!(due(&BackupSettings { enabled: false, ..s }, wib(), at(9, 0), None, None, true), None);
    }
}
