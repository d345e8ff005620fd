// What the header's sync indicator and the sync screen say about the link to the central server.
// Pure functions of a `SyncStatus` (sync.status) and the current time, so they are unit-tested.

import type { SyncStatus } from './api/types.gen';
import { formatDate, formatDateTime, formatTime, type ZoneInfo } from './format';
import { translate, type Lang, type MessageKey } from './i18n/dict';

/** The generated types say `bigint` for 64-bit counts; JSON gives plain numbers. */
export function num(v: bigint | number | null | undefined): number {
  if (v === null || v === undefined) return 0;
  const n = Number(v);
  return Number.isFinite(n) ? n : 0;
}

/**
 * `online` and `offline` after an exchange with central, `connecting` when enrolled but not tried
 * yet, `unenrolled` before enrollment, `unknown` when the hub could not be asked.
 */
export type SyncTone = 'online' | 'offline' | 'connecting' | 'unenrolled' | 'unknown';

export function syncTone(s: SyncStatus | null): SyncTone {
  if (!s) return 'unknown';
  if (!s.enrolled) return 'unenrolled';
  if (s.online === true) return 'online';
  if (s.online === false) return 'offline';
  return 'connecting';
}

export const TONE_KEYS: Record<SyncTone, MessageKey> = {
  online: 'sync.state_online',
  offline: 'sync.state_offline',
  connecting: 'sync.state_connecting',
  unenrolled: 'sync.state_unenrolled',
  unknown: 'sync.state_unknown',
};

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function time(v: string | Date | number): number {
  return (v instanceof Date ? v : new Date(v)).getTime();
}

/** How long ago: `kurang dari 1 menit`, `5 menit`, `2 jam`, `3 hari` (rounded down; never negative). */
export function ageLabel(from: string | Date | number, now: Date | number, lang: Lang = 'id'): string {
  const then = time(from);
  if (Number.isNaN(then)) return translate(lang, 'common.none');
  const ms = Math.max(0, time(now) - then);
  const pick = (n: number, one: MessageKey, many: MessageKey) => translate(lang, n === 1 ? one : many, { n });
  if (ms < MINUTE) return translate(lang, 'sync.age_under_minute');
  if (ms < HOUR) return pick(Math.floor(ms / MINUTE), 'sync.age_minute', 'sync.age_minutes');
  if (ms < DAY) return pick(Math.floor(ms / HOUR), 'sync.age_hour', 'sync.age_hours');
  return pick(Math.floor(ms / DAY), 'sync.age_day', 'sync.age_days');
}

/** `21 November 2026 14.05 WIB` in the office's zone. */
export function whenLabel(v: string, zone: ZoneInfo, lang: Lang = 'id'): string {
  return `${formatDate(v, zone, lang)} ${formatTime(v, zone, lang)}`;
}

/** `21 November 2026, 14.05 WIB`, or `fallback` for a missing time. */
export function dateTimeOr(v: string | null | undefined, zone: ZoneInfo, lang: Lang, fallback: string): string {
  return v ? formatDateTime(v, zone, lang) : fallback;
}

export interface IndicatorText {
  tone: SyncTone;
  /** `Pusat: tersambung` */
  state: string;
  /** `3 menunggu`; null when the hub could not be asked. */
  waiting: string | null;
  /** `tertua 3 hari`; null when nothing waits. */
  oldest: string | null;
  /** `2 ditolak`; null when central refused nothing. */
  quarantined: string | null;
  /** `terakhir berhasil 21 November 2026 14.05 WIB` or `belum pernah berhasil`. */
  lastSuccess: string | null;
  /** Whether the indicator should draw the eye (records waiting while offline, or refused ones). */
  attention: boolean;
}

export function indicatorText(s: SyncStatus | null, now: Date | number, zone: ZoneInfo, lang: Lang = 'id'): IndicatorText {
  const tone = syncTone(s);
  const state = translate(lang, TONE_KEYS[tone]);
  if (!s) return { tone, state, waiting: null, oldest: null, quarantined: null, lastSuccess: null, attention: false };
  const waiting = num(s.waiting);
  const refused = num(s.quarantined);
  return {
    tone,
    state,
    waiting: translate(lang, 'sync.waiting_count', { n: waiting }),
    oldest: waiting > 0 && s.oldest_waiting_at ? translate(lang, 'sync.oldest', { age: ageLabel(s.oldest_waiting_at, now, lang) }) : null,
    quarantined: refused > 0 ? translate(lang, 'sync.refused_count', { n: refused }) : null,
    lastSuccess: s.last_success_at
      ? translate(lang, 'sync.last_success', { when: whenLabel(s.last_success_at, zone, lang) })
      : translate(lang, 'sync.never_succeeded'),
    attention: refused > 0 || (waiting > 0 && (tone === 'offline' || tone === 'unenrolled')),
  };
}

/**
 * The supervisor's warning in the chosen language, when the hub set `warning`. The hub's rule: not
 * enrolled with records waiting, or records waiting and nothing reached central for longer than
 * `warn_after_days` (counted from the later of the last success and the oldest waiting record).
 * Falls back to the hub's own (Indonesian) text when the times cannot be read.
 */
export function warningText(s: SyncStatus | null, now: Date | number, lang: Lang = 'id'): string | null {
  if (!s?.warning) return null;
  if (!s.enrolled) return translate(lang, 'sync.warning_unenrolled', { n: num(s.waiting) });
  const times = [s.last_success_at, s.oldest_waiting_at].filter((v): v is string => !!v).map(time);
  if (times.length === 0 || times.some(Number.isNaN)) return s.warning;
  const days = Math.floor(Math.max(0, time(now) - Math.max(...times)) / DAY);
  const age = translate(lang, days === 1 ? 'sync.age_day' : 'sync.age_days', { n: days });
  return translate(lang, 'sync.warning_stale', { age, n: num(s.waiting) });
}

/** `invalid` → `tidak sah`, … for the quarantine list. */
export function outcomeKey(outcome: string): MessageKey {
  switch (outcome) {
    case 'invalid':
      return 'sync.outcome_invalid';
    case 'conflict':
      return 'sync.outcome_conflict';
    case 'unsendable':
      return 'sync.outcome_unsendable';
    default:
      return 'sync.outcome_other';
  }
}
