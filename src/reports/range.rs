//! The days a report covers, in the office's zone: the first and last office-local day and the UTC
//! instants that bound them, so "recorded on 23 November" means what the office's clock said.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, TimeZone, Utc};

use crate::clock::to_db;
use crate::error::{Error, Result};

/// The longest range a report takes.
pub const MAX_DAYS: i64 = 366;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Range {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub offset: FixedOffset,
    /// `from` 00:00 office time, as stored text (UTC).
    pub start: String,
    /// The day after `to`, 00:00 office time: the bound is exclusive.
    pub end: String,
}

impl Range {
    pub fn new(from: NaiveDate, to: NaiveDate, offset: FixedOffset) -> Range {
        let at = |d: NaiveDate| -> DateTime<Utc> {
            offset.from_local_datetime(&d.and_hms_opt(0, 0, 0).expect("midnight")).single().expect("a fixed offset").with_timezone(&Utc)
        };
        Range { from, to, offset, start: to_db(at(from)), end: to_db(at(to + Duration::days(1))) }
    }

    pub fn day(d: NaiveDate, offset: FixedOffset) -> Range {
        Range::new(d, d, offset)
    }

    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    /// Every day of the range, in order.
    pub fn each_day(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        (0..self.days()).map(|i| self.from + Duration::days(i))
    }

    /// The range of the same length just before this one.
    pub fn previous(&self) -> Range {
        let n = Duration::days(self.days());
        Range::new(self.from - n, self.to - n, self.offset)
    }

    /// A stored UTC time as the office's local date and time, `YYYY-MM-DD HH:MM`.
    pub fn local(&self, stored: &str) -> String {
        crate::clock::from_db(stored).with_timezone(&self.offset).format("%Y-%m-%d %H:%M").to_string()
    }

    /// The office-local hour (0–23) of a stored UTC time.
    pub fn hour(&self, stored: &str) -> u32 {
        use chrono::Timelike;
        crate::clock::from_db(stored).with_timezone(&self.offset).hour()
    }
}

/// Reads `YYYY-MM-DD` for `field`, naming it when it is not a date.
pub fn parse_day(field: &str, s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| Error::field(field, "Tanggal ditulis TTTT-BB-HH, misalnya 2026-11-23."))
}

/// A range a report may cover: not after today, not before the office was set up, at most a year.
pub fn checked(from: NaiveDate, to: NaiveDate, today: NaiveDate, first_day: NaiveDate, offset: FixedOffset) -> Result<Range> {
    if to < from {
        return Err(Error::field("to", "Tanggal akhir tidak boleh sebelum tanggal awal."));
    }
    if (to - from).num_days() + 1 > MAX_DAYS {
        return Err(Error::field("to", format!("Rentang laporan paling panjang {MAX_DAYS} hari.")));
    }
    if to > today {
        return Err(Error::field("to", format!(
            "Tanggal {} belum terjadi: laporan paling jauh sampai hari ini ({}).",
            crate::setup::date_words(to),
            crate::setup::date_words(today)
        )));
    }
    if from < first_day {
        return Err(Error::field("from", format!("Kantor ini mulai memakai Loket pada {}: tidak ada data sebelum itu.", crate::setup::date_words(first_day))));
    }
    Ok(Range::new(from, to, offset))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_wib_day_is_bounded_in_utc() {
        let wib = FixedOffset::east_opt(7 * 3600).unwrap();
        let r = Range::day(d("2026-11-23"), wib);
        assert_eq!(r.start, "2026-11-22T17:00:00.000Z");
        assert_eq!(r.end, "2026-11-23T17:00:00.000Z");
        assert_eq!(r.local("2026-11-23T01:05:00.000Z"), "2026-11-23 08:05");
        assert_eq!(r.hour("2026-11-22T23:30:00.000Z"), 6);
        let week = Range::new(d("2026-11-16"), d("2026-11-22"), wib);
        assert_eq!((week.days(), week.previous().from, week.previous().to), (7, d("2026-11-09"), d("2026-11-15")));
    }

    #[test]
    fn ranges_outside_the_office_life_or_too_long_are_refused() {
        let wit = FixedOffset::east_opt(9 * 3600).unwrap();
        let (today, first) = (d("2026-11-23"), d("2025-01-01"));
        assert!(checked(d("2026-11-23"), d("2026-11-23"), today, first, wit).is_ok());
        assert_eq!(checked(d("2026-11-24"), d("2026-11-24"), today, first, wit).unwrap_err().field.as_deref(), Some("to"));
        assert_eq!(checked(d("2024-12-31"), d("2025-01-02"), today, first, wit).unwrap_err().field.as_deref(), Some("from"));
        assert_eq!(checked(d("2025-01-01"), d("2026-01-02"), today, first, wit).unwrap_err().field.as_deref(), Some("to"));
        assert_eq!(checked(d("2025-11-10"), d("2025-11-09"), today, first, wit).unwrap_err().field.as_deref(), Some("to"));
        assert!(checked(d("2025-01-01"), d("2026-01-01"), today, first, wit).is_ok(), "366 days");
    }
}
