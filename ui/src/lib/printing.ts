// The print station's and the blank stock's rules that the screens share: what a job's state lets
// the operator do, the progress steps, when a print is a reprint, how a scanned serial is cleaned,
// and the day balance of the stock. Pure functions, unit-tested.

import type { DayBalance, JobState, JobView, QueueItem, ReprintReason, SpoilCause } from './api/types.gen';
import type { MessageKey } from './i18n/dict';
import { num } from './sync';

export { num };

/** The three steps the progress bar shows, in order. */
export const JOB_STEPS = [
  { state: 'printing', label: 'print.step_printing' },
  { state: 'personalising', label: 'print.step_personalising' },
  { state: 'checking', label: 'print.step_checking' },
] as const satisfies readonly { state: JobState; label: MessageKey }[];

/** Which progress step a state is at (0–2), or -1 when the job is not under way. */
export function stepIndex(state: JobState): number {
  return JOB_STEPS.findIndex((s) => s.state === state);
}

/** The job moves on only while the screen asks (`printing.job`): poll in these states. */
export function shouldPoll(state: JobState): boolean {
  return state === 'printing' || state === 'personalising';
}

/** A job that is over: the record goes back to "choose a blank and print". */
export function isFinished(state: JobState): boolean {
  return state === 'done' || state === 'spoiled' || state === 'cancelled';
}

export interface JobActions {
  /** Sesuai — selesai. */
  confirm: boolean;
  /** Rusak…: the spoil dialog. */
  spoil: boolean;
  /** Blangko belum terpakai / Kartu tercetak baik. */
  resolve: boolean;
  cancel: boolean;
  /** A supervisor approves the reprint at the desk. */
  approve: boolean;
  /** Press Cetak again (a queued job: the printer refused it, or it was approved). */
  print: boolean;
}

/** What the operator may do with a job in its state (as the hub's job rule allows). */
export function jobActions(job: Pick<JobView, 'state' | 'needs_approval' | 'approved_by'> | null): JobActions {
  const none: JobActions = { confirm: false, spoil: false, resolve: false, cancel: false, approve: false, print: false };
  if (!job) return { ...none, print: true };
  const waiting = job.needs_approval && !job.approved_by;
  switch (job.state) {
    case 'queued':
      return { ...none, cancel: true, approve: waiting, print: !waiting };
    case 'printing':
      return { ...none, spoil: true };
    case 'checking':
      return { ...none, confirm: true, spoil: true };
    case 'interrupted':
      return { ...none, resolve: true, spoil: true };
    case 'done':
    case 'spoiled':
    case 'cancelled':
      return { ...none, print: true };
    default:
      return none;
  }
}

/**
 * Whether printing this record is a reprint: `none` (the first card), `spoiled` (the last print
 * spoiled its blank: reason spoiled_in_print, no approval), or `choose` (a card exists: the
 * operator picks the reason and a supervisor approves). A job that is open keeps its own reason.
 */
export type ReprintRule = 'none' | 'spoiled' | 'choose';

export function reprintRule(item: Pick<QueueItem, 'cards_printed' | 'last_spoiled' | 'open_job'>): ReprintRule {
  if (item.open_job && !isFinished(item.open_job.state)) return 'none';
  if (item.cards_printed > 0) return 'choose';
  if (item.last_spoiled) return 'spoiled';
  return 'none';
}

/** The reasons the operator may choose for a card that exists (spoiled_in_print is set by the rule). */
export const CHOSEN_REPRINT_REASONS = ['lost', 'damaged', 'data_change'] as const satisfies readonly ReprintReason[];

export const REPRINT_LABELS: Record<ReprintReason, MessageKey> = {
  lost: 'print.reason_lost',
  damaged: 'print.reason_damaged',
  data_change: 'print.reason_data_change',
  spoiled_in_print: 'print.reason_spoiled_in_print',
};

export const SPOIL_CAUSES = ['rusak_fisik', 'salah_cetak', 'printer_macet', 'gagal_encoding', 'lainnya'] as const satisfies readonly SpoilCause[];

export const CAUSE_LABELS: Record<SpoilCause, MessageKey> = {
  rusak_fisik: 'print.cause_rusak_fisik',
  salah_cetak: 'print.cause_salah_cetak',
  printer_macet: 'print.cause_printer_macet',
  gagal_encoding: 'print.cause_gagal_encoding',
  lainnya: 'print.cause_lainnya',
};

/** What is missing in the spoil form, by field (`note` for lainnya, `corner_cut` always). */
export function spoilErrors(cause: SpoilCause | '', note: string, cornerCut: boolean): Record<string, MessageKey> {
  const out: Record<string, MessageKey> = {};
  if (!cause) out.cause = 'print.spoil_choose_cause';
  if (cause === 'lainnya' && !note.trim()) out.note = 'print.spoil_note_needed';
  if (!cornerCut) out.corner_cut = 'print.spoil_corner_needed';
  return out;
}

/**
 * A blank's serial as typed or scanned: spaces, tabs and control characters a scanner adds are
 * dropped, letters upper-cased ("ktp 0001\r" → "KTP0001"; "ktp-0001" → "KTP-0001").
 */
export function cleanSerial(raw: string): string {
  // eslint-disable-next-line no-control-regex
  return raw.replace(/[\s\u0000-\u001f\u007f]+/g, '').toUpperCase();
}

/**
 * A list of serials pasted or scanned one after another (lines, commas, semicolons or spaces
 * between them), cleaned, each once, in the order given.
 */
export function parseSerials(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const part of text.split(/[\s,;]+/)) {
    const s = cleanSerial(part);
    if (s && !seen.has(s)) {
      seen.add(s);
      out.push(s);
    }
  }
  return out;
}

/** A search as the scanner types it: the receipt QR's content, trimmed (the hub matches it whole). */
export function cleanSearch(raw: string): string {
  // eslint-disable-next-line no-control-regex
  return raw.replace(/[\u0000-\u001f\u007f]+/g, '').trim();
}

/** The stock's day balance: opening + received − printed − spoiled − returned. */
export function expectedClosing(b: Pick<DayBalance, 'opening' | 'movements'>): number {
  const m = b.movements;
  return num(b.opening) + num(m.received) - num(m.printed) - num(m.spoiled) - num(m.returned);
}

/** Counted minus expected: 0 when the drawer agrees with the books. */
export function countDifference(closing: bigint | number, physical: number): number {
  return physical - num(closing);
}

/** A whole number of blanks typed in a field, or null. */
export function wholeNumber(v: string | number): number | null {
  const s = String(v).trim();
  if (!/^\d{1,7}$/.test(s)) return null;
  return Number(s);
}

/** A count the generated types call `bigint`: JSON carries it as a plain number. */
export function asCount(n: number): bigint {
  return n as unknown as bigint;
}

/** The first day of `day`'s month. */
export function monthStart(day: string): string {
  return `${day.slice(0, 8)}01`;
}

/** The month before the one `day` (`YYYY-MM-DD`) is in, as `YYYY-MM`: the monthly report's default. */
export function previousMonth(day: string): string {
  const y = Number(day.slice(0, 4));
  const m = Number(day.slice(5, 7));
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/** Whether a key press belongs to a text field (then the screen's one-key shortcuts stay off). */
export function typingIn(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || typeof el.tagName !== 'string') return false;
  const tag = el.tagName.toLowerCase();
  if (tag === 'textarea' || tag === 'select' || el.isContentEditable) return true;
  if (tag !== 'input') return false;
  const type = ((el as HTMLInputElement).type || 'text').toLowerCase();
  return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(type);
}

/** A printer's live state for the picker: `ok`, `warn` (reasons but printing), `refused`. */
export type PrinterTone = 'ok' | 'warn' | 'refused' | 'unknown';

export function printerTone(s: { reachable: boolean; refusal: string | null; reasons: readonly string[] } | null): PrinterTone {
  if (!s) return 'unknown';
  if (!s.reachable || s.refusal) return 'refused';
  return s.reasons.length ? 'warn' : 'ok';
}

/** The printer's IPP state (idle | processing | stopped) in words; unknown states read as reachable. */
export function printerStateKey(s: { reachable: boolean; state: string | null }): MessageKey {
  if (!s.reachable) return 'print.printer_unreachable';
  if (s.state === 'idle') return 'print.printer_idle';
  if (s.state === 'processing') return 'print.printer_processing';
  if (s.state === 'stopped') return 'print.printer_stopped';
  return 'print.printer_reachable';
}
