// The complaints screen's own checks (the hub checks the same and has the last word) and the small
// pure helpers of the register, the detail and the kiosk's status check.

import type { ComplaintState, ComplaintView } from './api/types.gen';
import { translate, type Lang, type MessageKey } from './i18n/dict';

/** How a complaint reached the office (the hub's list, in its order). */
export const CHANNELS = ['langsung', 'telepon', 'whatsapp', 'email', 'kotak_saran'] as const;
/** What it is about (the hub's list, in its order). */
export const CATEGORIES = [
  'pelayanan_lambat',
  'sikap_petugas',
  'data_salah',
  'blangko_habis',
  'biaya_pungli',
  'sistem_gangguan',
  'persyaratan',
  'lainnya',
] as const;
export const STATES: readonly ComplaintState[] = ['diterima', 'diverifikasi', 'ditolak', 'ditindaklanjuti', 'selesai', 'ditutup'];
export const TEXT_MIN = 10;
export const TEXT_MAX = 2000;

export interface ComplaintForm {
  channel: string;
  category: string;
  text: string;
  nik: string;
  contact_phone: string;
}

/** Field → message for what the hub would refuse; empty when the form may be sent. */
export function validateComplaintForm(f: ComplaintForm, lang: Lang = 'id'): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!(CHANNELS as readonly string[]).includes(f.channel)) errors.channel = translate(lang, 'adu.err_channel');
  if (!(CATEGORIES as readonly string[]).includes(f.category)) errors.category = translate(lang, 'adu.err_category');
  const n = f.text.trim().length;
  if (n < TEXT_MIN || n > TEXT_MAX) errors.text = translate(lang, 'adu.err_text');
  const nik = f.nik.trim();
  if (nik && !/^\d{16}$/.test(nik)) errors.nik = translate(lang, 'adu.err_nik');
  const phone = f.contact_phone.trim();
  if (phone && (!/^[0-9+\- ]+$/.test(phone) || phone.replace(/\D/g, '').length < 8 || phone.length > 20)) {
    errors.contact_phone = translate(lang, 'adu.err_phone');
  }
  return errors;
}

/** What a step to `state` needs besides the click: a reason, an assignee or an answer. */
export function stepNeeds(state: ComplaintState): 'reason' | 'assignee_id' | 'answer' | null {
  if (state === 'ditolak') return 'reason';
  if (state === 'ditindaklanjuti') return 'assignee_id';
  if (state === 'selesai') return 'answer';
  return null;
}

/**
 * The steps this person may take on the complaint: managers every allowed one; the staff member it
 * is assigned to only the answer.
 */
export function stepsFor(c: Pick<ComplaintView, 'allowed' | 'assignee_id'>, staffId: string, manager: boolean): ComplaintState[] {
  return c.allowed.filter((s) => manager || (s === 'selesai' && c.assignee_id === staffId));
}

/** The button's label key of a step. */
export function stepLabel(state: ComplaintState): MessageKey {
  return `adu.step_${state}` as MessageKey;
}

/** A kiosk number that is a complaint's tracking number rather than an application's. */
export function isComplaintNumber(n: string): boolean {
  return /^ADU-[0-9-]+$/.test(n.trim().toUpperCase()) && n.trim().length > 4;
}

/** The register's row tone: red when overdue, muted when it is over. */
export function rowTone(c: Pick<ComplaintView, 'overdue' | 'state'>): 'overdue' | 'done' | 'open' {
  if (c.overdue) return 'overdue';
  return c.state === 'selesai' || c.state === 'ditutup' || c.state === 'ditolak' ? 'done' : 'open';
}
