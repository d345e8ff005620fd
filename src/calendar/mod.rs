//! The office calendar: working days are Monday to Friday, less the national holidays, cuti bersama
//! and the office's own days off that a supervisor keeps here. Days are office-local (the office's
//! zone from setup). Deadlines counted in working days (complaints) use [`add_working_days`].

use crate::api::{Access, Registry, MANAGERS};
use crate::app::App;
use crate::auth::Caller;
use crate::clock::to_db;
use crate::error::{Error, ErrorCode, Result};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use rusqlite::{params, Connection, OptionalExtension};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::BTreeSet;
use ts_rs::TS;

/// Saturday and Sunday are never working days; a day in `holidays` is not either.
pub fn is_working_day(day: NaiveDate, holidays: &BTreeSet<NaiveDate>) -> bool {
    !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !holidays.contains(&day)
}

/// The day `n` working days after `start` (`start` itself is not counted, so a complaint received on
/// Friday with n = 1 is due on Monday). n = 0 is `start`.
pub fn add_working_days(start: NaiveDate, n: u32, holidays: &BTreeSet<NaiveDate>) -> NaiveDate {
    let mut day = start;
    let mut left = n;
    while left > 0 {
        day += Duration::days(1);
        if is_working_day(day, holidays) {
            left -= 1;
        }
    }
    day
}

/// The working days in `(a, b]`: after `a`, up to and including `b`; negative when `b` is before `a`.
pub fn working_days_between(a: NaiveDate, b: NaiveDate, holidays: &BTreeSet<NaiveDate>) -> i64 {
    if b < a {
        return -working_days_between(b, a, holidays);
    }
    let days = (b - a).num_days();
    // Whole weeks have five weekdays each; walk the rest.
    let mut count = days / 7 * 5;
    let mut d = a + Duration::days(days / 7 * 7);
    while d < b {
        d += Duration::days(1);
        if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            count += 1;
        }
    }
    let off = holidays.range((std::ops::Bound::Excluded(a), std::ops::Bound::Included(b)))
        .filter(|h| !matches!(h.weekday(), Weekday::Sat | Weekday::Sun))
        .count() as i64;
    count - off
}

/// The office's holidays (every one; the table is small: about 25 a year).
pub fn holidays(conn: &Connection) -> Result<BTreeSet<NaiveDate>> {
    let days: Vec<String> = conn.prepare_cached("SELECT date FROM office_holiday")?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(days.iter().filter_map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()).collect())
}

/// Today in the office's zone.
pub fn today(conn: &Connection, now: DateTime<Utc>) -> Result<NaiveDate> {
    Ok(now.with_timezone(&crate::setup::require_office(conn)?.offset()).date_naive())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum HolidayKind {
    LiburNasional,
    CutiBersama,
    LiburKantor,
}

impl HolidayKind {
    fn as_str(self) -> &'static str {
        match self {
            HolidayKind::LiburNasional => "libur_nasional",
            HolidayKind::CutiBersama => "cuti_bersama",
            HolidayKind::LiburKantor => "libur_kantor",
        }
    }

    fn parse(s: &str) -> HolidayKind {
        match s {
            "cuti_bersama" => HolidayKind::CutiBersama,
            "libur_kantor" => HolidayKind::LiburKantor,
            _ => HolidayKind::LiburNasional,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema, TS)]
pub struct Holiday {
    /// `YYYY-MM-DD`, office-local.
    pub date: String,
    pub kind: HolidayKind,
    pub name: String,
    /// The day falls on a Saturday or Sunday (it changes no deadline).
    pub weekend: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema, TS)]
pub struct HolidayList {
    pub year: i32,
    pub items: Vec<Holiday>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct CalendarListRequest {
    /// The office's current year when left out.
    #[serde(default)]
    #[ts(optional)]
    pub year: Option<i32>,
}

fn list(conn: &Connection, year: i32) -> Result<HolidayList> {
    let items = conn
        .prepare_cached("SELECT date, kind, name FROM office_holiday WHERE date LIKE ?1 || '-%' ORDER BY date")?
        .query_map([year.to_string()], |r| {
            let date: String = r.get(0)?;
            let weekend = NaiveDate::parse_from_str(&date, "%Y-%m-%d").is_ok_and(|d| matches!(d.weekday(), Weekday::Sat | Weekday::Sun));
            Ok(Holiday { date, kind: HolidayKind::parse(&r.get::<_, String>(1)?), name: r.get(2)?, weekend })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(HolidayList { year, items })
}

fn parse_date(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| (2000..=2100).contains(&d.year()))
        .ok_or_else(|| Error::field("date", "Tanggal harus berbentuk TTTT-BB-HH (misalnya 2026-12-25)."))
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct HolidaySaveRequest {
    /// `YYYY-MM-DD`.
    pub date: String,
    pub kind: HolidayKind,
    /// "Hari Raya Natal", "Cuti bersama Idulfitri", …
    #[serde(default)]
    pub name: String,
}

fn save(app: &App, caller: &Caller, req: HolidaySaveRequest) -> Result<HolidayList> {
    let date = parse_date(&req.date)?;
    let name = req.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(Error::field("name", "Nama hari libur wajib diisi (paling panjang 100 huruf)."));
    }
    let (now, caller) = (app.now(), caller.clone());
    app.store.write(move |tx| {
        tx.execute(
            "INSERT INTO office_holiday (date, kind, name, staff_id, saved_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (date) DO UPDATE SET kind = excluded.kind, name = excluded.name, staff_id = excluded.staff_id, saved_at = excluded.saved_at",
            params![date.to_string(), req.kind.as_str(), name, caller.staff_id, to_db(now)],
        )?;
        crate::audit::append(tx, now, Some(&caller.username), "holiday_saved", Some(&date.to_string()), json!({"kind": req.kind.as_str(), "name": name}))?;
        list(tx, date.year())
    })
}

#[derive(Debug, Clone, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct HolidayRemoveRequest {
    pub date: String,
}

fn remove(app: &App, caller: &Caller, req: HolidayRemoveRequest) -> Result<HolidayList> {
    let date = parse_date(&req.date)?;
    let (now, caller) = (app.now(), caller.clone());
    app.store.write(move |tx| {
        let name: Option<String> = tx.query_row("SELECT name FROM office_holiday WHERE date = ?1", [date.to_string()], |r| r.get(0)).optional()?;
        let Some(name) = name else {
            return Err(Error { code: ErrorCode::NotFound, ..Error::field("date", "Tanggal ini tidak ada dalam daftar hari libur.") });
        };
        tx.execute("DELETE FROM office_holiday WHERE date = ?1", [date.to_string()])?;
        crate::audit::append(tx, now, Some(&caller.username), "holiday_removed", Some(&date.to_string()), json!({"name": name}))?;
        list(tx, date.year())
    })
}

pub fn register(r: &mut Registry) {
    r.add_staff("calendar.list", Access::AnyStaff, "The office's holidays of a year (Monday–Friday are working days otherwise)", |app, _, req: CalendarListRequest| {
        let now = app.now();
        app.store.read(|c| list(c, req.year.unwrap_or(today(c, now)?.year())))
    });
    r.add_staff("calendar.save", Access::Roles(MANAGERS), "Add or change a holiday, cuti bersama or office day off", save);
    r.add_staff("calendar.remove", Access::Roles(MANAGERS), "Remove a holiday", remove);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn weekends_are_skipped() {
        let none = BTreeSet::new();
        // Monday 23 November 2026 + 5 working days: the next Monday.
        assert_eq!(add_working_days(d("2026-11-23"), 5, &none), d("2026-11-30"));
        // Friday + 1: Monday.
        assert_eq!(add_working_days(d("2026-11-27"), 1, &none), d("2026-11-30"));
        // Received on a Saturday: the five days are Monday to Friday.
        assert_eq!(add_working_days(d("2026-11-28"), 5, &none), d("2026-12-04"));
        assert_eq!(add_working_days(d("2026-11-28"), 0, &none), d("2026-11-28"));
        assert_eq!(working_days_between(d("2026-11-23"), d("2026-11-30"), &none), 5);
        assert_eq!(working_days_between(d("2026-11-30"), d("2026-11-23"), &none), -5);
        assert_eq!(working_days_between(d("2026-11-28"), d("2026-11-29"), &none), 0);
    }

    #[test]
    fn holidays_and_cuti_bersama_are_skipped() {
        // Christmas (Friday 25 December 2026) and cuti bersama on Thursday 24th.
        let h: BTreeSet<NaiveDate> = [d("2026-12-24"), d("2026-12-25"), d("2026-12-26")].into_iter().collect();
        // Tuesday 22nd + 5: Wed 23, Mon 28, Tue 29, Wed 30, Thu 31.
        assert_eq!(add_working_days(d("2026-12-22"), 5, &h), d("2026-12-31"));
        assert_eq!(working_days_between(d("2026-12-22"), d("2026-12-31"), &h), 5);
        // A holiday on a Saturday changes nothing.
        assert_eq!(working_days_between(d("2026-12-25"), d("2026-12-28"), &h), 1);
        assert!(!is_working_day(d("2026-12-24"), &h));
        assert!(is_working_day(d("2026-12-23"), &h));
    }

    fn day() -> impl Strategy<Value = NaiveDate> {
        (0i64..3000).prop_map(|n| d("2024-01-01") + Duration::days(n))
    }

    proptest! {
        #[test]
        fn counting_back_gives_n_and_lands_on_a_working_day(start in day(), n in 0u32..60, off in proptest::collection::btree_set(0i64..400, 0..40)) {
            let holidays: BTreeSet<NaiveDate> = off.iter().map(|o| start + Duration::days(*o)).collect();
            let due = add_working_days(start, n, &holidays);
            prop_assert_eq!(working_days_between(start, due, &holidays), i64::from(n));
            prop_assert!(due >= start);
            if n > 0 {
                prop_assert!(is_working_day(due, &holidays));
                // The day before it is one working day short.
                prop_assert_eq!(working_days_between(start, due - Duration::days(1), &holidays), i64::from(n) - 1);
            }
        }

        #[test]
        fn between_agrees_with_walking_day_by_day(a in day(), len in 0i64..400, off in proptest::collection::btree_set(0i64..400, 0..40)) {
            let b = a + Duration::days(len);
            let holidays: BTreeSet<NaiveDate> = off.iter().map(|o| a + Duration::days(*o)).collect();
            let walked = (1..=len).filter(|i| is_working_day(a + Duration::days(*i), &holidays)).count() as i64;
            prop_assert_eq!(working_days_between(a, b, &holidays), walked);
            prop_assert_eq!(working_days_between(b, a, &holidays), -walked);
        }
    }
}
