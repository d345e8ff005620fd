// The report screen's rules (Laporan) and the supervisor's dashboard, without the DOM: the period
// presets as office-local days (from the hub's today, which `reports.index` gives), the checks made
// before asking the hub, the sections offered, the file requests, where the hub's field errors go,
// and the tone of the dashboard's alerts.

import type { CsvReportRequest, ReportRequest, SectionInfo } from './api/types.gen';
import type { MessageKey } from './i18n/dict';
import { addDays, formatMinutes } from './queue';

/** A daily report (one day) or a period report (from–to). */
export type ReportMode = 'daily' | 'period';

export type PeriodPreset = 'this_week' | 'this_month' | 'last_month' | 'custom';

export const PRESETS: readonly PeriodPreset[] = ['this_week', 'this_month', 'last_month', 'custom'];

/** The longest range the hub makes a report for. */
export const MAX_DAYS = 366;

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

/** Whether `s` is a real calendar day written `YYYY-MM-DD`. */
export function isDay(s: string): boolean {
  if (!DAY_RE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** Days from `from` to `to`, both counted (`2026-11-23`..`2026-11-23` is 1). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

/** Monday (the Indonesian week's first working day) of the week of `day`. */
export function weekStart(day: string): string {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return addDays(day, -((weekday + 6) % 7));
}

/**
 * The days of a preset, `today` being the office-local day: this week (Monday to today), this month
 * (the 1st to today), last month (the whole month). `custom` keeps nothing: null.
 */
export function presetRange(preset: PeriodPreset, today: string): { from: string; to: string } | null {
  switch (preset) {
    case 'this_week':
      return { from: weekStart(today), to: today };
    case 'this_month':
      return { from: `${today.slice(0, 7)}-01`, to: today };
    case 'last_month': {
      const first = `${today.slice(0, 7)}-01`;
      const last = addDays(first, -1);
      return { from: `${last.slice(0, 7)}-01`, to: last };
    }
    case 'custom':
      return null;
  }
}

/** The report's days as the hub takes them: a daily report is from = to = the day. */
export function reportRange(mode: ReportMode, day: string, from: string, to: string): ReportRequest {
  return mode === 'daily' ? { from: day, to: day } : { from, to };
}

/** The fields of the form: `day` for a daily report, `from` and `to` for a period. */
export type RangeField = 'day' | 'from' | 'to';

/**
 * What is wrong with the chosen days before the hub is asked (it checks again, and also knows the day
 * the office started): an empty field, a malformed day, a day after today, an end before the start,
 * a range over 366 days. Empty when all is well.
 */
export function rangeErrors(mode: ReportMode, day: string, from: string, to: string, today: string): Partial<Record<RangeField, MessageKey>> {
  const out: Partial<Record<RangeField, MessageKey>> = {};
  const one = (field: RangeField, v: string) => {
    if (!v) out[field] = 'common.required';
    else if (!isDay(v)) out[field] = 'rep.err_format';
    else if (v > today) out[field] = 'rep.err_future';
  };
  if (mode === 'daily') {
    one('day', day);
    return out;
  }
  one('from', from);
  one('to', to);
  if (!out.from && !out.to) {
    if (to < from) out.to = 'rep.err_order';
    else if (daysBetween(from, to) > MAX_DAYS) out.to = 'rep.err_too_long';
  }
  return out;
}

/**
 * The form field a hub error belongs next to: a daily report shows `from`/`to` at its one day field,
 * and `separator`/`decimal` go to the CSV format choice (`style`).
 */
export function errorField(mode: ReportMode, field: string | undefined): string | undefined {
  if (mode === 'daily' && (field === 'from' || field === 'to')) return 'day';
  if (field === 'separator' || field === 'decimal') return 'style';
  return field;
}

/** The fields of the report form an error may be shown next to. */
export const FORM_FIELDS = ['day', 'from', 'to', 'section', 'style'] as const;

/** How a CSV is written: for Excel in Indonesian (`;` and a decimal comma) or in English (`,` and a point). */
export type CsvStyle = 'id' | 'en';

export function csvRequest(range: ReportRequest, section: string, style: CsvStyle): CsvReportRequest {
  return style === 'en'
    ? { ...range, section, separator: ',', decimal: 'point' }
    : { ...range, section, separator: ';', decimal: 'comma' };
}

/** Whether the chosen days make a report over several days (a period of at least two real days). */
export function multiDay(mode: ReportMode, from: string, to: string): boolean {
  return mode === 'period' && isDay(from) && isDay(to) && from < to;
}

/**
 * The sections a CSV may be made of: those `reports.index` lists, less the ones it marks
 * `period_only` (the comparison and the figures per day) unless the report covers several days; the
 * hub makes no such section for one day, whichever way it was asked for.
 */
export function sectionsFor(severalDays: boolean, sections: readonly SectionInfo[]): SectionInfo[] {
  return sections.filter((s) => severalDays || !s.period_only);
}

/** Keeps the chosen section when it is still offered, otherwise the first one. */
export function keepSection(current: string, offered: readonly SectionInfo[]): string {
  return offered.some((s) => s.id === current) ? current : (offered[0]?.id ?? '');
}

/** The tone of a dashboard tile: red or amber when its figure needs the supervisor, otherwise none. */
export type TileTone = 'red' | 'amber' | null;

/** Sync backlog: amber once something waits over an hour, red from a day (the hub's alert). */
export function syncTone(waiting: number, oldestHours: number | null): TileTone {
  if (!waiting || oldestHours === null) return null;
  if (oldestHours >= 24) return 'red';
  return oldestHours >= 1 ? 'amber' : null;
}

/** Longest wait in a service: amber from 15 minutes, red from 30 (the hub's alert). */
export function waitTone(minutes: number | null): TileTone {
  if (minutes === null) return null;
  if (minutes >= 30) return 'red';
  return minutes >= 15 ? 'amber' : null;
}

/** A count that needs the supervisor when above zero. */
export const countTone = (n: number, tone: 'red' | 'amber' = 'amber'): TileTone => (n > 0 ? tone : null);

/** `1,5` / `1.5` hours or days, one decimal at most; `—` when unknown. */
export function formatAmount(v: number | null | undefined, lang: 'id' | 'en' = 'id'): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const r = Math.round(v * 10) / 10;
  const text = Number.isInteger(r) ? String(r) : r.toFixed(1);
  return lang === 'id' ? text.replace('.', ',') : text;
}

/** An age in hours: `< 1` for less than an hour, otherwise as `formatAmount`. */
export function formatHours(v: number | null | undefined, lang: 'id' | 'en' = 'id'): string {
  return v !== null && v !== undefined && v >= 0 && v < 1 ? '< 1' : formatAmount(v, lang);
}

/** A wait in minutes: `< 1 mnt` for a ticket just taken, `—` when nobody waits. */
export function formatWait(minutes: number | null | undefined, lang: 'id' | 'en' = 'id'): string {
  if (minutes === null || minutes === undefined || !Number.isFinite(minutes)) return '—';
  return minutes < 1 ? `< 1 ${lang === 'id' ? 'mnt' : 'min'}` : formatMinutes(minutes, lang);
}

/** Calls `fn` every `ms` and after a burst of `trigger()` calls (`debounceMs` after the last); `stop()` ends both. */
export function refresher(fn: () => void, { everyMs = 60_000, debounceMs = 500 } = {}): { trigger(): void; stop(): void } {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const interval = setInterval(fn, everyMs);
  return {
    trigger() {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = null;
        fn();
      }, debounceMs);
    },
    stop() {
      if (timer) clearTimeout(timer);
      timer = null;
      clearInterval(interval);
    },
  };
}
