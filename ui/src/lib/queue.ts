// Small helpers shared by the queue screens: labels, weekdays, numbers and the counter shortcuts.

import type { Priority, ServiceKind, TicketStatus } from './api/types.gen';
import { formatDate } from './format';
import type { Lang, MessageKey } from './i18n/dict';

export const PRIORITIES: readonly Priority[] = ['elderly', 'disability', 'pregnant', 'child'];
export const SERVICE_KINDS: readonly ServiceKind[] = ['recording', 'replacement', 'pickup', 'letter', 'other'];

export const priorityKey = (p: Priority): MessageKey => `queue.priority.${p}` as MessageKey;
export const statusKey = (s: TicketStatus): MessageKey => `queue.status.${s}` as MessageKey;
export const kindKey = (k: ServiceKind): MessageKey => `queue.kind.${k}` as MessageKey;

/** ISO weekdays 1 (Senin) … 7 (Minggu), with their short label keys. */
export const WEEKDAYS: readonly { day: number; key: MessageKey }[] = [1, 2, 3, 4, 5, 6, 7].map((day) => ({
  day,
  key: `queue.day.${day}` as MessageKey,
}));

/** `"135"` → `[1, 3, 5]`; anything but 1–7 is ignored. */
export function daysFromString(s: string): number[] {
  const out = new Set<number>();
  for (const ch of s) {
    const n = Number(ch);
    if (Number.isInteger(n) && n >= 1 && n <= 7) out.add(n);
  }
  return [...out].sort((a, b) => a - b);
}

/** `[5, 1, 3, 3]` → `"135"`. */
export function daysToString(days: readonly number[]): string {
  return daysFromString(days.join('')).join('');
}

/** Minutes with one decimal in the language's style: `4,5 mnt` / `4.5 min`; `—` when unknown. */
export function formatMinutes(v: number | null | undefined, lang: Lang = 'id'): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const rounded = Math.round(v * 10) / 10;
  const text = Number.isInteger(rounded) ? String(rounded) : rounded.toFixed(1);
  return `${lang === 'id' ? text.replace('.', ',') : text} ${lang === 'id' ? 'mnt' : 'min'}`;
}

/** A share 0–1 as a whole percentage: `0.834` → `83%`; `—` when unknown. */
export function formatPercent(share: number | null | undefined): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return '—';
  return `${Math.round(share * 100)}%`;
}

/** Labels of the waiting-time buckets of `Stats.waiting_buckets` (minutes). */
export const BUCKET_LABELS: readonly string[] = ['0–3', '3–6', '6–9', '9–12', '12–15', '15+'];

/** The office-local date `YYYY-MM-DD` of an instant. */
export function officeDay(now: Date | number, utcOffsetMinutes: number): string {
  const t = (now instanceof Date ? now.getTime() : now) + utcOffsetMinutes * 60_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** An office-local day `2026-11-21` as `21 November 2026` (no zone shift: it is a day already). */
export function formatDay(day: string, lang: Lang = 'id'): string {
  return formatDate(`${day}T00:00:00Z`, { time_zone: '', utc_offset_minutes: 0 }, lang);
}

/** `YYYY-MM-DD` plus `days` (may be negative). */
export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export type CounterAction = 'next' | 'recall' | 'start' | 'finish' | 'park' | 'transfer' | 'no_show';

/**
 * Keyboard shortcuts of the counter screen. Single letters (Bahasa Indonesia mnemonics) rather than
 * F-keys: F3, F5, F6, F7 and F11 belong to the browser (find, reload, address bar, caret browsing,
 * full screen). Ignored while typing in a field or with Ctrl/Alt/Meta.
 */
export const COUNTER_SHORTCUTS: Record<CounterAction, string> = {
  next: 'B', // Berikutnya
  recall: 'U', // Ulang
  start: 'M', // Mulai
  finish: 'S', // Selesai
  park: 'P', // Parkir
  transfer: 'A', // Alihkan
  no_show: 'T', // Tidak hadir
};

export interface KeyLike {
  key: string;
  ctrlKey?: boolean;
  altKey?: boolean;
  metaKey?: boolean;
  repeat?: boolean;
  target?: unknown;
}

/** Whether a key press happens while typing (a text field, a select, an editable area). */
export function isTypingTarget(target: unknown): boolean {
  if (!target || typeof target !== 'object') return false;
  const el = target as { tagName?: string; isContentEditable?: boolean; type?: string };
  if (el.isContentEditable) return true;
  const tag = (el.tagName ?? '').toUpperCase();
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (el.type ?? 'text').toLowerCase();
    return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color'].includes(type);
  }
  return false;
}

/** The counter action a key press asks for, or null (typing, modifiers, key repeat, other keys). */
export function shortcutAction(e: KeyLike): CounterAction | null {
  if (e.ctrlKey || e.altKey || e.metaKey || e.repeat) return null;
  if (isTypingTarget(e.target)) return null;
  const key = e.key.length === 1 ? e.key.toUpperCase() : e.key;
  for (const [action, k] of Object.entries(COUNTER_SHORTCUTS)) {
    if (k === key) return action as CounterAction;
  }
  return null;
}

/** Calls a function at most once per `ms`, at the end (the refetch after a burst of events). */
export function debounce(fn: () => void, ms: number): { (): void; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const run = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      fn();
    }, ms);
  };
  run.cancel = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  return run;
}
