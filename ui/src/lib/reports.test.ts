import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  csvRequest,
  daysBetween,
  errorField,
  formatAmount,
  formatHours,
  formatWait,
  isDay,
  keepSection,
  multiDay,
  presetRange,
  rangeErrors,
  refresher,
  reportRange,
  sectionsFor,
  syncTone,
  waitTone,
  weekStart,
} from './reports';

describe('report periods', () => {
  it('reads only real calendar days', () => {
    expect(isDay('2026-11-23')).toBe(true);
    expect(isDay('2026-02-29')).toBe(false);
    expect(isDay('2028-02-29')).toBe(true);
    expect(isDay('23-11-2026')).toBe(false);
    expect(isDay('')).toBe(false);
  });

  it('counts both ends of a range', () => {
    expect(daysBetween('2026-11-23', '2026-11-23')).toBe(1);
    expect(daysBetween('2026-11-01', '2026-11-30')).toBe(30);
    expect(daysBetween('2025-12-01', '2026-11-30')).toBe(365);
  });

  it('starts the week on Monday', () => {
    expect(weekStart('2026-11-23')).toBe('2026-11-23'); // Monday
    expect(weekStart('2026-11-26')).toBe('2026-11-23'); // Thursday
    expect(weekStart('2026-11-29')).toBe('2026-11-23'); // Sunday
    expect(weekStart('2026-12-02')).toBe('2026-11-30'); // Wednesday, across the month
  });

  it('turns the presets into office days ending today at the latest', () => {
    expect(presetRange('this_week', '2026-12-02')).toEqual({ from: '2026-11-30', to: '2026-12-02' });
    expect(presetRange('this_month', '2026-12-02')).toEqual({ from: '2026-12-01', to: '2026-12-02' });
    expect(presetRange('last_month', '2026-12-02')).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    expect(presetRange('last_month', '2026-03-15')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(presetRange('last_month', '2027-01-05')).toEqual({ from: '2026-12-01', to: '2026-12-31' });
    expect(presetRange('custom', '2026-12-02')).toBeNull();
  });

  it('asks for one day as from = to', () => {
    expect(reportRange('daily', '2026-11-23', '2026-11-01', '2026-11-30')).toEqual({ from: '2026-11-23', to: '2026-11-23' });
    expect(reportRange('period', '2026-11-23', '2026-11-01', '2026-11-30')).toEqual({ from: '2026-11-01', to: '2026-11-30' });
  });
});

describe('checking the days before asking the hub', () => {
  const today = '2026-12-02';
  it('accepts today and past days', () => {
    expect(rangeErrors('daily', today, '', '', today)).toEqual({});
    expect(rangeErrors('period', '', '2026-11-01', '2026-11-30', today)).toEqual({});
  });

  it('names the day field for a daily report', () => {
    expect(rangeErrors('daily', '', '', '', today)).toEqual({ day: 'common.required' });
    expect(rangeErrors('daily', '2026-12-03', '', '', today)).toEqual({ day: 'rep.err_future' });
    expect(rangeErrors('daily', '2026-13-01', '', '', today)).toEqual({ day: 'rep.err_format' });
  });

  it('names from or to for a period', () => {
    expect(rangeErrors('period', '', '', '2026-11-30', today)).toEqual({ from: 'common.required' });
    expect(rangeErrors('period', '', '2026-11-01', '2026-12-05', today)).toEqual({ to: 'rep.err_future' });
    expect(rangeErrors('period', '', '2026-11-30', '2026-11-01', today)).toEqual({ to: 'rep.err_order' });
    expect(rangeErrors('period', '', '2025-11-01', '2026-11-30', today)).toEqual({ to: 'rep.err_too_long' });
    expect(rangeErrors('period', '', '2025-12-01', '2026-12-01', today)).toEqual({});
  });

  it('puts the hub’s errors next to the field the form shows', () => {
    expect(errorField('daily', 'to')).toBe('day');
    expect(errorField('daily', 'from')).toBe('day');
    expect(errorField('period', 'to')).toBe('to');
    expect(errorField('period', 'section')).toBe('section');
    expect(errorField('daily', 'separator')).toBe('style');
    expect(errorField('period', 'decimal')).toBe('style');
    expect(errorField('daily', undefined)).toBeUndefined();
  });
});

describe('file requests', () => {
  const range = { from: '2026-11-23', to: '2026-11-23' };
  it('writes CSV for Excel in Indonesian by default, or in English', () => {
    expect(csvRequest(range, 'queue', 'id')).toEqual({ ...range, section: 'queue', separator: ';', decimal: 'comma' });
    expect(csvRequest(range, 'queue', 'en')).toEqual({ ...range, section: 'queue', separator: ',', decimal: 'point' });
  });

  it('offers the sections the hub marks period-only for a range of several days only', () => {
    // As `reports.index` lists them: the period-only ones first, as a period report prints them.
    const index = [
      { id: 'comparison', title: 'Perbandingan dengan periode sebelumnya', period_only: true },
      { id: 'per_day', title: 'Per hari', period_only: true },
      { id: 'queue', title: 'Antrean', period_only: false },
      { id: 'trend', title: 'Tren 14 hari', period_only: false },
    ];
    const ids = (several: boolean) => sectionsFor(several, index).map((s) => s.id);
    expect(ids(false)).toEqual(['queue', 'trend']);
    expect(ids(true)).toEqual(['comparison', 'per_day', 'queue', 'trend']);
    expect(sectionsFor(true, index)[1]).toEqual(index[1]);
    expect(keepSection('per_day', sectionsFor(false, index))).toBe('queue');
    expect(keepSection('trend', index)).toBe('trend');
    expect(keepSection('x', [])).toBe('');
  });

  it('calls a report multi-day only for a period of two real days or more', () => {
    expect(multiDay('period', '2026-11-01', '2026-11-30')).toBe(true);
    expect(multiDay('period', '2026-11-23', '2026-11-24')).toBe(true);
    // A period of one day is the daily report: the hub makes no comparison or per-day part for it.
    expect(multiDay('period', '2026-11-23', '2026-11-23')).toBe(false);
    expect(multiDay('daily', '2026-11-01', '2026-11-30')).toBe(false);
    expect(multiDay('period', '2026-11-30', '2026-11-01')).toBe(false);
    expect(multiDay('period', '', '2026-11-30')).toBe(false);
    expect(multiDay('period', '2026-02-30', '2026-03-02')).toBe(false);
  });
});

describe('the dashboard', () => {
  it('colours the sync backlog and the longest wait by age', () => {
    expect(syncTone(0, null)).toBeNull();
    expect(syncTone(3, 0.2)).toBeNull();
    expect(syncTone(3, 2)).toBe('amber');
    expect(syncTone(3, 24)).toBe('red');
    expect(waitTone(null)).toBeNull();
    expect(waitTone(14.9)).toBeNull();
    expect(waitTone(15)).toBe('amber');
    expect(waitTone(30)).toBe('red');
  });

  it('writes amounts with one decimal in the office’s language', () => {
    expect(formatAmount(2.46)).toBe('2,5');
    expect(formatAmount(2.46, 'en')).toBe('2.5');
    expect(formatAmount(12)).toBe('12');
    expect(formatAmount(null)).toBe('—');
    expect(formatHours(0)).toBe('< 1');
    expect(formatHours(26.25)).toBe('26,3');
    expect(formatHours(null)).toBe('—');
    expect(formatWait(null)).toBe('—');
    expect(formatWait(0.4)).toBe('< 1 mnt');
    expect(formatWait(0.4, 'en')).toBe('< 1 min');
    expect(formatWait(12.34)).toBe('12,3 mnt');
  });

  afterEach(() => vi.useRealTimers());

  it('refreshes once after a burst of events and every minute', () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    const r = refresher(fn, { everyMs: 60_000, debounceMs: 500 });
    r.trigger();
    vi.advanceTimersByTime(300);
    r.trigger();
    vi.advanceTimersByTime(300);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(200);
    expect(fn).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(60_000);
    expect(fn).toHaveBeenCalledTimes(2);
    r.trigger();
    r.stop();
    vi.advanceTimersByTime(120_000);
    expect(fn).toHaveBeenCalledTimes(2);
  });
});
