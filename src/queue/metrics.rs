//! Queue metrics per service, counter and officer over office-local days, against the service
//! standard (mutu baku). The daily report uses the same command.
//!
//! Definitions: waiting = last call − issued (a recalled ticket counts its last call); walk = start −
//! last call; service = finish − start; total = finish − issued. "Within standard" is the share of
//! served tickets whose service time is at most the service's standard. Tickets are counted under the
//! service they ended in; `transferred` counts transfers out of a service.

use super::MANAGERS;
use crate::api::{Access, Registry};
use crate::app::App;
use crate::error::{Error, Result};
use chrono::NaiveDate;
use rusqlite::params;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

/// Upper bounds of the waiting-time buckets, in minutes: 0–3, 3–6, 6–9, 9–12, 12–15, 15+.
pub const BUCKETS: [f64; 5] = [3.0, 6.0, 9.0, 12.0, 15.0];

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct MetricsRequest {
    /// First office-local day, `2026-11-21`.
    pub from: String,
    /// Last office-local day (inclusive).
    pub to: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema, TS)]
pub struct Stats {
    pub arrived: u32,
    pub served: u32,
    pub no_show: u32,
    pub transferred: u32,
    pub closed_unserved: u32,
    pub waiting_avg_minutes: Option<f64>,
    pub waiting_max_minutes: Option<f64>,
    pub waiting_median_minutes: Option<f64>,
    /// 90 of every 100 waited at most this long.
    pub waiting_p90_minutes: Option<f64>,
    pub walk_avg_minutes: Option<f64>,
    pub service_avg_minutes: Option<f64>,
    pub total_avg_minutes: Option<f64>,
    /// Share (0–1) of served tickets within the service's time standard.
    pub within_standard: Option<f64>,
    /// Counts of waiting times in 0–3, 3–6, 6–9, 9–12, 12–15, 15+ minutes.
    pub waiting_buckets: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema, TS)]
pub struct GroupStats {
    pub key: String,
    pub label: String,
    pub stats: Stats,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema, TS)]
pub struct Metrics {
    pub from: String,
    pub to: String,
    pub total: Stats,
    pub by_service: Vec<GroupStats>,
    pub by_counter: Vec<GroupStats>,
    pub by_officer: Vec<GroupStats>,
}

struct Row {
    service: (String, String),
    counter: Option<(String, String)>,
    officer: Option<(String, String)>,
    status: String,
    waiting: Option<f64>,
    walk: Option<f64>,
    service_time: Option<f64>,
    total: Option<f64>,
    standard: f64,
}

#[derive(Default)]
struct Acc {
    stats: Stats,
    waits: Vec<f64>,
    walks: Vec<f64>,
    services: Vec<f64>,
    totals: Vec<f64>,
    within: u32,
}

/// The nearest-rank percentile of sorted values, rounded to a tenth.
pub fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    Some((sorted[rank - 1] * 10.0).round() / 10.0)
}

fn avg(v: &[f64]) -> Option<f64> {
    (!v.is_empty()).then(|| (v.iter().sum::<f64>() / v.len() as f64 * 10.0).round() / 10.0)
}

impl Acc {
    fn add(&mut self, r: &Row) {
        self.stats.arrived += 1;
        match r.status.as_str() {
            "done" => self.stats.served += 1,
            "no_show" => self.stats.no_show += 1,
            "closed" => self.stats.closed_unserved += 1,
            _ => {}
        }
        if let Some(w) = r.waiting {
            self.waits.push(w);
        }
        if let Some(w) = r.walk {
            self.walks.push(w);
        }
        if let (Some(s), "done") = (r.service_time, r.status.as_str()) {
            self.services.push(s);
            if s <= r.standard {
                self.within += 1;
            }
        }
        if let (Some(t), "done") = (r.total, r.status.as_str()) {
            self.totals.push(t);
        }
    }

    fn finish(mut self, bounds: &[f64]) -> Stats {
        let mut buckets = vec![0u32; bounds.len() + 1];
        for w in &self.waits {
            buckets[bounds.iter().position(|b| w < b).unwrap_or(bounds.len())] += 1;
        }
        self.waits.sort_by(f64::total_cmp);
        self.stats.waiting_median_minutes = percentile(&self.waits, 0.5);
        self.stats.waiting_p90_minutes = percentile(&self.waits, 0.9);
        self.stats.waiting_buckets = buckets;
        self.stats.waiting_avg_minutes = avg(&self.waits);
        self.stats.waiting_max_minutes = self.waits.iter().copied().fold(None, |m, w| Some(m.map_or(w, |m: f64| m.max(w))));
        self.stats.walk_avg_minutes = avg(&self.walks);
        self.stats.service_avg_minutes = avg(&self.services);
        self.stats.total_avg_minutes = avg(&self.totals);
        self.stats.within_standard =
            (self.stats.served > 0).then(|| (self.within as f64 / self.stats.served as f64 * 1000.0).round() / 1000.0);
        self.stats
    }
}

pub fn metrics(app: &App, req: &MetricsRequest) -> Result<Metrics> {
    let from = NaiveDate::parse_from_str(req.from.trim(), "%Y-%m-%d")
        .map_err(|_| Error::field("from", "Tanggal awal ditulis TTTT-BB-HH, misalnya 2026-11-21."))?;
    let to = NaiveDate::parse_from_str(req.to.trim(), "%Y-%m-%d")
        .map_err(|_| Error::field("to", "Tanggal akhir ditulis TTTT-BB-HH, misalnya 2026-11-21."))?;
    if to < from {
        return Err(Error::field("to", "Tanggal akhir tidak boleh sebelum tanggal awal."));
    }
    if (to - from).num_days() > 366 {
        return Err(Error::field("to", "Rentang paling panjang satu tahun."));
    }
    let (from, to) = (from.format("%Y-%m-%d").to_string(), to.format("%Y-%m-%d").to_string());
    app.store.read(|c| compute(c, &from, &to, &BUCKETS))
}

/// The metrics of the office-local days `[from, to]` with waits counted in buckets bounded by
/// `bounds` (minutes). The daily report reads the same numbers.
pub fn compute(c: &rusqlite::Connection, from: &str, to: &str, bounds: &[f64]) -> Result<Metrics> {
    let mut stmt = c.prepare(
        "SELECT s.id AS service_id, s.prefix || ' ' || s.name AS service_label, s.time_standard_minutes, k.id AS counter_id,
                k.name AS counter_name, st.id AS officer_id, st.full_name AS officer_name, t.status,
                t.issued_at, t.last_called_at, t.started_at, t.finished_at
         FROM ticket t JOIN service s ON s.id = t.service_id
         LEFT JOIN counter k ON k.id = t.counter_id LEFT JOIN staff st ON st.id = t.staff_id
         WHERE t.day BETWEEN ?1 AND ?2",
    )?;
    let mins = |a: &Option<String>, b: &Option<String>| match (a, b) {
        (Some(a), Some(b)) => Some(super::minutes_between(a, b).max(0.0)),
        _ => None,
    };
    let rows: Vec<Row> = stmt
        .query_map(params![from, to], |r| {
            let issued: Option<String> = r.get("issued_at")?;
            let called: Option<String> = r.get("last_called_at")?;
            let started: Option<String> = r.get("started_at")?;
            let finished: Option<String> = r.get("finished_at")?;
            let counter: Option<i64> = r.get("counter_id")?;
            let officer: Option<String> = r.get("officer_id")?;
            Ok(Row {
                service: (r.get::<_, i64>("service_id")?.to_string(), r.get("service_label")?),
                standard: r.get::<_, f64>("time_standard_minutes")?,
                counter: match counter { Some(id) => Some((id.to_string(), r.get("counter_name")?)), None => None },
                officer: match officer { Some(id) => Some((id, r.get("officer_name")?)), None => None },
                status: r.get("status")?,
                waiting: mins(&issued, &called),
                walk: mins(&called, &started),
                service_time: mins(&started, &finished),
                total: mins(&issued, &finished),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut total = Acc::default();
    let mut by: [BTreeMap<(String, String), Acc>; 3] = Default::default();
    for r in &rows {
        total.add(r);
        by[0].entry(r.service.clone()).or_default().add(r);
        if let Some(k) = &r.counter {
            by[1].entry(k.clone()).or_default().add(r);
        }
        if let Some(o) = &r.officer {
            by[2].entry(o.clone()).or_default().add(r);
        }
    }
    let transferred: Vec<(String, u32)> = c
        .prepare(
            "SELECT e.service_id, COUNT(*) FROM ticket_event e JOIN ticket t ON t.id = e.ticket_id
             WHERE e.kind = 'transferred' AND t.day BETWEEN ?1 AND ?2 GROUP BY e.service_id",
        )?
        .query_map(params![from, to], |r| Ok((r.get::<_, i64>(0)?.to_string(), r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut groups = by.map(|m| {
        m.into_iter().map(|((key, label), acc)| GroupStats { key, label, stats: acc.finish(bounds) }).collect::<Vec<_>>()
    });
    let mut total = total.finish(bounds);
    for (service_id, n) in transferred {
        total.transferred += n;
        match groups[0].iter_mut().find(|g| g.key == service_id) {
            Some(g) => g.stats.transferred += n,
            None => {
                let label: String = c.query_row("SELECT prefix || ' ' || name FROM service WHERE id = ?1", [&service_id], |r| r.get(0))?;
                groups[0].push(GroupStats { key: service_id, label, stats: Stats { transferred: n, waiting_buckets: vec![0; bounds.len() + 1], ..Default::default() } });
            }
        }
    }
    let [by_service, by_counter, by_officer] = groups;
    Ok(Metrics { from: from.to_string(), to: to.to_string(), total, by_service, by_counter, by_officer })
}

pub fn register(r: &mut Registry) {
    r.add_staff("queue.metrics", Access::Roles(MANAGERS), "Queue metrics per service, counter and officer", |app, _, req: MetricsRequest| {
        metrics(app, &req)
    });
}
