import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatLongDate, formatTime, officeHour } from './format';

const WIB = { time_zone: 'WIB', utc_offset_minutes: 420 };
const WITA = { time_zone: 'WITA', utc_offset_minutes: 480 };
const WIT = { time_zone: 'WIT', utc_offset_minutes: 540 };

describe('office date and time formatting', () => {
  it('formats dates with Indonesian month names', () => {
    expect(formatDate('2026-11-21T07:05:00Z', WIB)).toBe('21 November 2026');
    expect(formatDate('2026-01-05T03:00:00Z', WIB)).toBe('5 Januari 2026');
    expect(formatDate('2026-08-17T03:00:00Z', WIB)).toBe('17 Agustus 2026');
    expect(formatDate('2026-05-02T03:00:00Z', WIB)).toBe('2 Mei 2026');
  });

  it('formats English month names when asked', () => {
    expect(formatDate('2026-08-17T03:00:00Z', WIB, 'en')).toBe('17 August 2026');
  });

  it('formats times in the office offset with the zone name', () => {
    // 07:05 UTC is 14.05 WIB, 15.05 WITA, 16.05 WIT.
    expect(formatTime('2026-11-21T07:05:00Z', WIB)).toBe('14.05 WIB');
    expect(formatTime('2026-11-21T07:05:00Z', WITA)).toBe('15.05 WITA');
    expect(formatTime('2026-11-21T07:05:00Z', WIT)).toBe('16.05 WIT');
    expect(formatTime('2026-11-21T07:05:00Z', WIB, 'en')).toBe('14:05 WIB');
  });

  it('moves the date across midnight by the office offset, not the browser zone', () => {
    // 20:30 UTC on the 21st is already the 22nd in WIB (UTC+7).
    expect(formatDate('2026-11-21T20:30:00Z', WIB)).toBe('22 November 2026');
    expect(formatTime('2026-11-21T20:30:00Z', WIB)).toBe('03.30 WIB');
    expect(formatDate('2026-11-21T16:30:00Z', WIB)).toBe('21 November 2026');
    expect(formatDate('2026-11-21T16:30:00Z', WIT)).toBe('22 November 2026');
    expect(formatDateTime('2026-12-31T17:00:00Z', WIB)).toBe('1 Januari 2027, 00.00 WIB');
  });

  it('gives the weekday in the office zone', () => {
    expect(formatLongDate('2026-11-21T07:05:00Z', WIB)).toBe('Sabtu, 21 November 2026');
    expect(formatLongDate('2026-11-21T20:00:00Z', WIB)).toBe('Minggu, 22 November 2026');
    expect(officeHour('2026-11-21T20:00:00Z', WITA)).toBe(4);
  });

  it('passes through a value it cannot read', () => {
    expect(formatDate('not a date', WIB)).toBe('not a date');
  });
});
