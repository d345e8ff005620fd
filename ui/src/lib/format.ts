// Dates and times are shown in the office's own zone (WIB/WITA/WIT), never the browser's.

import type { Lang } from './i18n/dict';

export interface ZoneInfo {
  time_zone: string;
  utc_offset_minutes: number;
}

const MONTHS: Record<Lang, readonly string[]> = {
  id: ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember'],
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
};

const WEEKDAYS: Record<Lang, readonly string[]> = {
  id: ['Minggu', 'Senin', 'Selasa', 'Rabu', 'Kamis', 'Jumat', 'Sabtu'],
  en: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
};

function toDate(v: string | Date | number): Date | null {
  const d = v instanceof Date ? v : new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** A Date whose UTC fields read as the office's wall clock. */
function shifted(v: string | Date | number, zone: ZoneInfo): Date | null {
  const d = toDate(v);
  if (!d) return null;
  return new Date(d.getTime() + zone.utc_offset_minutes * 60_000);
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** `21 November 2026` */
export function formatDate(v: string | Date | number, zone: ZoneInfo, lang: Lang = 'id'): string {
  const s = shifted(v, zone);
  if (!s) return String(v);
  return `${s.getUTCDate()} ${MONTHS[lang][s.getUTCMonth()]} ${s.getUTCFullYear()}`;
}

/** `Sabtu, 21 November 2026` */
export function formatLongDate(v: string | Date | number, zone: ZoneInfo, lang: Lang = 'id'): string {
  const s = shifted(v, zone);
  if (!s) return String(v);
  return `${WEEKDAYS[lang][s.getUTCDay()]}, ${formatDate(v, zone, lang)}`;
}

/** `14.05 WIB` (Indonesian uses a dot between hours and minutes; English a colon). */
export function formatTime(v: string | Date | number, zone: ZoneInfo, lang: Lang = 'id'): string {
  const s = shifted(v, zone);
  if (!s) return String(v);
  const sep = lang === 'id' ? '.' : ':';
  return `${pad2(s.getUTCHours())}${sep}${pad2(s.getUTCMinutes())} ${zone.time_zone}`;
}

/** `21 November 2026, 14.05 WIB` */
export function formatDateTime(v: string | Date | number, zone: ZoneInfo, lang: Lang = 'id'): string {
  const s = shifted(v, zone);
  if (!s) return String(v);
  return `${formatDate(v, zone, lang)}, ${formatTime(v, zone, lang)}`;
}

/** The hour (0–23) on the office's clock. */
export function officeHour(v: string | Date | number, zone: ZoneInfo): number {
  const s = shifted(v, zone);
  return s ? s.getUTCHours() : 0;
}
