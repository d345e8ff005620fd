import { describe, expect, it } from 'vitest';
import {
  addDays,
  daysFromString,
  daysToString,
  formatDay,
  formatMinutes,
  formatPercent,
  isTypingTarget,
  officeDay,
  shortcutAction,
} from './queue';

describe('queue helpers', () => {
  it('turns weekday checkboxes into the API string and back', () => {
    expect(daysToString([5, 1, 3, 3])).toBe('135');
    expect(daysToString([1, 2, 3, 4, 5, 6, 7])).toBe('1234567');
    expect(daysToString([])).toBe('');
    expect(daysFromString('12345')).toEqual([1, 2, 3, 4, 5]);
    expect(daysFromString('7 1 9x')).toEqual([1, 7]);
  });

  it('formats minutes and shares in the office style', () => {
    expect(formatMinutes(4.54)).toBe('4,5 mnt');
    expect(formatMinutes(4.54, 'en')).toBe('4.5 min');
    expect(formatMinutes(12)).toBe('12 mnt');
    expect(formatMinutes(null)).toBe('—');
    expect(formatPercent(0.834)).toBe('83%');
    expect(formatPercent(1)).toBe('100%');
    expect(formatPercent(null)).toBe('—');
  });

  it('finds the office day, not the browser one', () => {
    // 20:30 UTC is already the next day in WIB (UTC+7).
    expect(officeDay(new Date('2026-11-21T20:30:00Z'), 420)).toBe('2026-11-22');
    expect(officeDay(new Date('2026-11-21T16:30:00Z'), 420)).toBe('2026-11-21');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(formatDay('2026-08-17')).toBe('17 Agustus 2026');
  });

  it('maps counter shortcuts, but never while typing or with modifiers', () => {
    const body = { tagName: 'BODY' };
    expect(shortcutAction({ key: 'b', target: body })).toBe('next');
    expect(shortcutAction({ key: 'B', target: body })).toBe('next');
    expect(shortcutAction({ key: 'u', target: body })).toBe('recall');
    expect(shortcutAction({ key: 't', target: body })).toBe('no_show');
    expect(shortcutAction({ key: 'Enter', target: body })).toBeNull();
    expect(shortcutAction({ key: ' ', target: body })).toBeNull();
    expect(shortcutAction({ key: 'b', ctrlKey: true, target: body })).toBeNull();
    expect(shortcutAction({ key: 'b', repeat: true, target: body })).toBeNull();
    expect(shortcutAction({ key: 'b', target: { tagName: 'INPUT', type: 'text' } })).toBeNull();
    expect(shortcutAction({ key: 'b', target: { tagName: 'TEXTAREA' } })).toBeNull();
    expect(shortcutAction({ key: 'b', target: { tagName: 'DIV', isContentEditable: true } })).toBeNull();
    expect(isTypingTarget({ tagName: 'INPUT', type: 'checkbox' })).toBe(false);
    expect(isTypingTarget({ tagName: 'SELECT' })).toBe(true);
  });
});
