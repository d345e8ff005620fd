// The "Cadangan data" form's own checks (the hub checks the same and has the last word) and the
// small helpers of the backup screen and the home notice.

import { translate, type Lang } from './i18n/dict';

export interface BackupForm {
  enabled: boolean;
  time: string;
  folder: string;
  generations: number | string;
}

/** `HH:MM`, 00:00–23:59. */
export function validTime(v: string): boolean {
  const m = /^(\d{2}):(\d{2})$/.exec(v.trim());
  return !!m && Number(m[1]) < 24 && Number(m[2]) < 60;
}

/** A full path: `/…` on the hub's Linux, `C:\…` or `\\server\…` on Windows. */
export function absolutePath(v: string): boolean {
  return /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(v.trim());
}

/** Field → message for what the hub would refuse; empty when the form may be sent. */
export function validateBackupForm(f: BackupForm, lang: Lang = 'id'): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!validTime(f.time)) errors.time = translate(lang, 'backup.err_time');
  const folder = f.folder.trim();
  if (!folder) {
    if (f.enabled) errors.folder = translate(lang, 'backup.err_folder_required');
  } else if (!absolutePath(folder)) {
    errors.folder = translate(lang, 'backup.err_folder_absolute');
  }
  const n = Number(f.generations);
  if (String(f.generations).trim() === '' || !Number.isInteger(n) || n < 1 || n > 60) {
    errors.generations = translate(lang, 'backup.err_generations');
  }
  return errors;
}

/** `12,3 MB`: a file's size for people. */
export function sizeLabel(bytes: number, lang: Lang = 'id'): string {
  const locale = lang === 'id' ? 'id-ID' : 'en-GB';
  const units = ['B', 'KB', 'MB', 'GB'];
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v.toLocaleString(locale, { maximumFractionDigits: i === 0 ? 0 : 1 })} ${units[i]}`;
}
