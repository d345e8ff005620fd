//! Rate limits for the commands anyone on the LAN may call without logging in (the kiosk's tickets
//! and status, and login): a token bucket per client address. Only the HTTP adapter applies them;
//! the registry knows nothing of addresses. The desktop window (IPC) and a browser on the hub PC
//! itself (127.0.0.1, ::1) are never limited.
//!
//! The numbers, for one office with one or two kiosks:
//! - tickets (`queue.issue`, `queue.check_in`, `queue.reprint`, which feeds the ticket printer): 10 at once, then one every 6 s. A person at the
//!   kiosk needs 10–20 s to pick a service and take the slip, so a family taking several tickets
//!   fits in the burst and a kiosk in constant use never waits; a script cannot fill a service's
//!   daily quota (hundreds of tickets) in minutes.
//! - status (`intake.public_status`, `complaints.public_status`, and `suket.verify` for a scanned letter): 20 at once, then one a second: someone typing a few NIKs in
//!   a row is fine; walking the NIK space is not.
//! - login (`auth.login`): 10 at once, then one every 10 s, on top of the per-account lockout:
//!   officers at a shared counter PC logging in at the start of a shift fit; trying passwords
//!   across many accounts from one computer does not.

use crate::clock::Clock;
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

/// Which bucket a command draws from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Class {
    Tickets,
    Status,
    Login,
}

/// A bucket's size and how fast it fills again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub burst: u32,
    /// Seconds for one token to come back.
    pub refill_secs: u32,
}

impl Class {
    /// The limited commands; every other command is not limited here.
    pub fn of(command: &str) -> Option<Class> {
        match command {
            "queue.issue" | "queue.check_in" | "queue.reprint" => Some(Class::Tickets),
            "intake.public_status" | "suket.verify" | "complaints.public_status" => Some(Class::Status),
            "auth.login" => Some(Class::Login),
            _ => None,
        }
    }

    pub fn rate(self) -> Rate {
        match self {
            Class::Tickets => Rate { burst: 10, refill_secs: 6 },
            Class::Status => Rate { burst: 20, refill_secs: 1 },
            Class::Login => Rate { burst: 10, refill_secs: 10 },
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    /// Tokens in millis of a token, so partial refills add up exactly.
    milli: u64,
    at: DateTime<Utc>,
}

/// Past this many buckets, full ones (clients that have been quiet) are forgotten.
const PRUNE_ABOVE: usize = 4096;

pub struct Limits {
    clock: Arc<dyn Clock>,
    buckets: Mutex<HashMap<(Class, IpAddr), Bucket>>,
}

impl Limits {
    /// Time comes from `clock` (the app's), so a test moves it instead of sleeping.
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        Limits { clock, buckets: Mutex::new(HashMap::new()) }
    }

    /// Takes one token for `ip`, or says in how many whole seconds the next one comes back.
    pub fn take(&self, class: Class, ip: IpAddr) -> Result<(), u64> {
        if super::listen::is_this_computer(ip) {
            return Ok(());
        }
        let rate = class.rate();
        let full = u64::from(rate.burst) * 1000;
        let per_ms = u64::from(rate.refill_secs).max(1); // one milli-token per this many ms
        let now = self.clock.now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() > PRUNE_ABOVE {
            buckets.retain(|(c, _), b| refilled(*b, now, c.rate()).milli < u64::from(c.rate().burst) * 1000);
        }
        let b = buckets.entry((class, ip)).or_insert(Bucket { milli: full, at: now });
        *b = refilled(*b, now, rate);
        if b.milli >= 1000 {
            b.milli -= 1000;
            Ok(())
        } else {
            // `b.at` may lag `now` by the part of a milli-token not yet counted.
            let ready = b.at + chrono::Duration::milliseconds(i64::try_from((1000 - b.milli) * per_ms).unwrap_or(i64::MAX));
            let wait_ms = u64::try_from((ready - now).num_milliseconds()).unwrap_or(0);
            Err(wait_ms.div_ceil(1000).max(1))
        }
    }
}

/// The bucket at `now`: what came back since `b.at`, counting from the last whole milli-token so
/// nothing is lost between takes (a clock moved backwards adds nothing).
fn refilled(b: Bucket, now: DateTime<Utc>, rate: Rate) -> Bucket {
    let full = u64::from(rate.burst) * 1000;
    let per_ms = u64::from(rate.refill_secs).max(1);
    let elapsed_ms = u64::try_from((now - b.at).num_milliseconds()).unwrap_or(0);
    let gained = elapsed_ms / per_ms;
    if b.milli.saturating_add(gained) >= full {
        return Bucket { milli: full, at: now.max(b.at) };
    }
    let used_ms = i64::try_from(gained * per_ms).unwrap_or(i64::MAX);
    Bucket { milli: b.milli + gained, at: b.at + chrono::Duration::milliseconds(used_ms) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use chrono::TimeZone;

    fn limits() -> (Arc<ManualClock>, Limits) {
        let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 0).unwrap()));
        (clock.clone(), Limits::new(clock))
    }

    #[test]
    fn a_burst_then_one_token_per_refill_and_the_wait_is_said_in_whole_seconds() {
        let (clock, l) = limits();
        let ip: IpAddr = "192.168.1.20".parse().unwrap();
        for _ in 0..10 {
            l.take(Class::Tickets, ip).unwrap();
        }
        assert_eq!(l.take(Class::Tickets, ip), Err(6));
        clock.advance(chrono::Duration::seconds(4));
        assert_eq!(l.take(Class::Tickets, ip), Err(2));
        clock.advance(chrono::Duration::seconds(2));
        assert_eq!(l.take(Class::Tickets, ip), Ok(()));
        assert_eq!(l.take(Class::Tickets, ip), Err(6));
        // Another class and another address have their own buckets.
        assert_eq!(l.take(Class::Login, ip), Ok(()));
        assert_eq!(l.take(Class::Tickets, "192.168.1.21".parse().unwrap()), Ok(()));
    }

    #[test]
    fn the_hub_pc_itself_is_never_limited_but_the_rest_of_loopback_is() {
        let (_, l) = limits();
        for _ in 0..100 {
            l.take(Class::Login, "127.0.0.1".parse().unwrap()).unwrap();
            l.take(Class::Login, "::1".parse().unwrap()).unwrap();
        }
        let other: IpAddr = "127.0.0.2".parse().unwrap();
        assert!((0..11).map(|_| l.take(Class::Login, other)).any(|r| r.is_err()));
    }

    #[test]
    fn commands_and_their_classes() {
        assert_eq!(Class::of("queue.issue"), Some(Class::Tickets));
        assert_eq!(Class::of("queue.check_in"), Some(Class::Tickets));
        assert_eq!(Class::of("intake.public_status"), Some(Class::Status));
        assert_eq!(Class::of("complaints.public_status"), Some(Class::Status));
        assert_eq!(Class::of("auth.login"), Some(Class::Login));
        assert_eq!(Class::of("queue.call_next"), None);
    }
}
