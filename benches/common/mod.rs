//! What the hand-rolled benches share: the timing loop (median and p95 of N runs) and the
//! machine line of their tables.
#![allow(dead_code)]

use std::hint::black_box;
use std::time::{Duration, Instant};

/// The median and the 95th percentile of a set of timed runs.
pub struct Timing {
    pub median: Duration,
    pub p95: Duration,
}

/// Calls `f` `warmup` times untimed, then `runs` times timed.
pub fn time_runs(warmup: usize, runs: usize, mut f: impl FnMut()) -> Timing {
    for _ in 0..warmup {
        f();
    }
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    Timing { median: times[runs / 2], p95: times[(runs * 95).div_ceil(100) - 1] }
}

/// One row of a table: what was measured, its timing, and the size of its last output.
pub struct Row {
    pub name: String,
    pub median: Duration,
    pub p95: Duration,
    pub bytes: usize,
}

/// `f` timed as [`time_runs`] does, with the size of its last output.
pub fn measure(name: &str, warmup: usize, runs: usize, mut f: impl FnMut() -> Vec<u8>) -> Row {
    let mut bytes = 0;
    let t = time_runs(warmup, runs, || bytes = black_box(f()).len());
    Row { name: name.to_string(), median: t.median, p95: t.p95, bytes }
}

/// The CPU's model name from /proc/cpuinfo, or "unknown".
pub fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("model name")).map(|l| l[l.find(':').unwrap_or(0) + 1..].trim().to_string()))
        .unwrap_or_else(|| "unknown".into())
}
