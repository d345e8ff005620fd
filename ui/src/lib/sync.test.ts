import { describe, expect, it } from 'vitest';
import type { SyncStatus } from './api/types.gen';
import { ageLabel, dateTimeOr, indicatorText, num, outcomeKey, syncTone, warningText, whenLabel } from './sync';

const WIB = { time_zone: 'WIB', utc_offset_minutes: 420 };
const WIT = { time_zone: 'WIT', utc_offset_minutes: 540 };
const NOW = new Date('2026-11-21T07:05:00Z'); // 14.05 WIB

// JSON gives plain numbers where the generated types say bigint.
const n = (v: number) => v as unknown as bigint;

function status(over: Partial<Record<keyof SyncStatus, unknown>> = {}): SyncStatus {
  return {
    enrolled: true,
    central_url: 'http://127.0.0.1:8480',
    device_id: '0193a0b4-0000-7000-8000-000000000001',
    online: true,
    waiting: n(0),
    oldest_waiting_at: null,
    last_success_at: '2026-11-21T07:05:00.000Z',
    last_attempt_at: '2026-11-21T07:05:00.000Z',
    last_error: null,
    next_attempt_at: '2026-11-21T07:06:00.000Z',
    quarantined: n(0),
    warn_after_days: 3,
    warning: null,
    now: '2026-11-21T07:05:00.000Z',
    ...over,
  } as SyncStatus;
}

describe('age of the oldest waiting record', () => {
  it('counts minutes, hours and days, rounded down', () => {
    expect(ageLabel('2026-11-21T07:04:30Z', NOW)).toBe('kurang dari 1 menit');
    expect(ageLabel('2026-11-21T07:04:00Z', NOW)).toBe('1 menit');
    expect(ageLabel('2026-11-21T06:06:00Z', NOW)).toBe('59 menit');
    expect(ageLabel('2026-11-21T06:05:00Z', NOW)).toBe('1 jam');
    expect(ageLabel('2026-11-20T07:06:00Z', NOW)).toBe('23 jam');
    expect(ageLabel('2026-11-20T07:05:00Z', NOW)).toBe('1 hari');
    expect(ageLabel('2026-11-18T01:00:00Z', NOW)).toBe('3 hari');
  });

  it('speaks English with plurals', () => {
    expect(ageLabel('2026-11-21T07:04:30Z', NOW, 'en')).toBe('under a minute');
    expect(ageLabel('2026-11-21T07:04:00Z', NOW, 'en')).toBe('1 minute');
    expect(ageLabel('2026-11-21T05:00:00Z', NOW, 'en')).toBe('2 hours');
    expect(ageLabel('2026-11-20T07:05:00Z', NOW, 'en')).toBe('1 day');
    expect(ageLabel('2026-11-16T07:05:00Z', NOW, 'en')).toBe('5 days');
  });

  it('never goes negative (a record stamped by a clock that ran ahead) and survives garbage', () => {
    expect(ageLabel('2026-11-23T07:05:00Z', NOW)).toBe('kurang dari 1 menit');
    expect(ageLabel('not a time', NOW)).toBe('—');
  });
});

describe('the header indicator', () => {
  it('says online, nothing waiting and the last success in the office zone', () => {
    const x = indicatorText(status(), NOW, WIB);
    expect(x).toEqual({
      tone: 'online',
      state: 'Pusat: tersambung',
      waiting: '0 menunggu',
      oldest: null,
      quarantined: null,
      lastSuccess: 'terakhir berhasil 21 November 2026 14.05 WIB',
      attention: false,
    });
    expect(indicatorText(status(), NOW, WIT, 'en').lastSuccess).toBe('last success 21 November 2026 16:05 WIT');
  });

  it('says offline with the waiting records and the age of the oldest, and draws the eye', () => {
    const x = indicatorText(
      status({ online: false, waiting: n(3), oldest_waiting_at: '2026-11-18T06:00:00.000Z' }),
      NOW,
      WIB,
    );
    expect([x.tone, x.state, x.waiting, x.oldest, x.attention]).toEqual([
      'offline',
      'Pusat: terputus',
      '3 menunggu',
      'tertua 3 hari',
      true,
    ]);
  });

  it('says "belum terdaftar" before enrollment and "belum pernah berhasil" before the first success', () => {
    const x = indicatorText(status({ enrolled: false, central_url: null, device_id: null, online: null, last_success_at: null }), NOW, WIB);
    expect([x.tone, x.state, x.lastSuccess]).toEqual(['unenrolled', 'Belum terdaftar di pusat', 'belum pernah berhasil']);
    expect(x.attention).toBe(false);
    const waiting = indicatorText(status({ enrolled: false, online: null, waiting: n(1), oldest_waiting_at: '2026-11-21T07:00:00Z' }), NOW, WIB);
    expect(waiting.attention).toBe(true);
    expect(waiting.oldest).toBe('tertua 5 menit');
  });

  it('says "connecting" when enrolled but not tried yet, and counts refused records', () => {
    const x = indicatorText(status({ online: null, quarantined: n(2) }), NOW, WIB);
    expect([x.tone, x.state, x.quarantined, x.attention]).toEqual(['connecting', 'Pusat: menghubungi…', '2 ditolak', true]);
  });

  it('says the status is unavailable when the hub could not be asked', () => {
    const x = indicatorText(null, NOW, WIB);
    expect([x.tone, x.state, x.waiting, x.lastSuccess]).toEqual(['unknown', 'Status sinkronisasi tidak tersedia', null, null]);
    expect(syncTone(null)).toBe('unknown');
  });
});

describe('the supervisors\u2019 warning', () => {
  it('is shown only when the hub set one', () => {
    expect(warningText(status(), NOW)).toBeNull();
    expect(warningText(null, NOW)).toBeNull();
  });

  it('counts the days since the later of the last success and the oldest waiting record', () => {
    const s = status({
      online: false,
      waiting: n(4),
      last_success_at: '2026-11-16T07:05:00.000Z',
      oldest_waiting_at: '2026-11-17T07:00:00.000Z',
      warning: 'Tidak ada sinkronisasi ke server pusat selama 4 hari; periksa sambungan internet.',
    });
    expect(warningText(s, NOW)).toBe(
      'Sudah 4 hari tidak ada data yang sampai ke server pusat, dan 4 data menunggu. Periksa sambungan internet.',
    );
    expect(warningText(s, NOW, 'en')).toBe(
      'Nothing has reached the central server for 4 days, and 4 records are waiting. Check the internet connection.',
    );
  });

  it('names a missing enrollment, and falls back to the hub\u2019s text when times are unreadable', () => {
    const unenrolled = status({ enrolled: false, waiting: n(2), warning: 'Kantor ini belum terdaftar di server pusat: data belum pernah dikirim.' });
    expect(warningText(unenrolled, NOW)).toBe('Kantor ini belum terdaftar di server pusat: 2 data menunggu dan belum pernah dikirim.');
    const odd = status({ last_success_at: 'x', oldest_waiting_at: null, warning: 'teks hub' });
    expect(warningText(odd, NOW)).toBe('teks hub');
  });
});

describe('small helpers', () => {
  it('reads counts that JSON gives as numbers', () => {
    expect(num(n(3))).toBe(3);
    expect(num(null)).toBe(0);
    expect(num(undefined)).toBe(0);
  });

  it('formats times in the office zone, with a fallback for none', () => {
    expect(whenLabel('2026-11-21T07:05:00Z', WIB)).toBe('21 November 2026 14.05 WIB');
    expect(dateTimeOr('2026-11-21T07:05:00Z', WIB, 'id', '—')).toBe('21 November 2026, 14.05 WIB');
    expect(dateTimeOr(null, WIB, 'id', '—')).toBe('—');
  });

  it('names central\u2019s refusals', () => {
    expect(outcomeKey('invalid')).toBe('sync.outcome_invalid');
    expect(outcomeKey('conflict')).toBe('sync.outcome_conflict');
    expect(outcomeKey('unsendable')).toBe('sync.outcome_unsendable');
    expect(outcomeKey('other')).toBe('sync.outcome_other');
  });
});
