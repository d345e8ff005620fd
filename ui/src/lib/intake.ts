// The counter officer's intake: the biodata form as the screen holds it, and its mapping to and from
// the API's Biodata; application kinds and checklist states.

import type {
  ApplicationKind,
  ApplicationStatus,
  Biodata,
  CheckStatus,
  ChecklistItem,
  NikInfo,
  Sex,
} from './api/types.gen';
import type { MessageKey } from './i18n/dict';

/**
 * What the form holds: every value a string (empty = not filled), the sex possibly unchosen, the
 * birth date as typed (`17-05-1990`).
 */
export interface BiodataForm {
  nik: string;
  kk_number: string;
  full_name: string;
  sex: Sex | '';
  birth_place: string;
  birth_date: string;
  blood_type: string;
  religion: string;
  marital_status: string;
  occupation: string;
  education: string;
  citizenship: string;
  address: string;
  rt: string;
  rw: string;
  village_code: string;
  postal_code: string;
  mobile: string;
  telephone: string;
  email: string;
}

/** Every field of the form, in screen order: the API's `field` names. */
export const BIODATA_FIELDS = [
  'nik',
  'kk_number',
  'full_name',
  'sex',
  'birth_place',
  'birth_date',
  'blood_type',
  'religion',
  'marital_status',
  'occupation',
  'education',
  'citizenship',
  'address',
  'rt',
  'rw',
  'village_code',
  'postal_code',
  'mobile',
  'telephone',
  'email',
] as const satisfies readonly (keyof BiodataForm)[];

/** Required on the registration form; the rest may stay empty. */
export const REQUIRED_FIELDS: readonly (keyof BiodataForm)[] = BIODATA_FIELDS.filter(
  (f) => f !== 'postal_code' && f !== 'telephone' && f !== 'email',
);

export function emptyForm(nik = ''): BiodataForm {
  return {
    nik,
    kk_number: '',
    full_name: '',
    sex: '',
    birth_place: '',
    birth_date: '',
    blood_type: '',
    religion: '',
    marital_status: '',
    occupation: '',
    education: '',
    citizenship: 'WNI',
    address: '',
    rt: '',
    rw: '',
    village_code: '',
    postal_code: '',
    mobile: '',
    telephone: '',
    email: '',
  };
}

/** `1990-05-17` → `17-05-1990`, the way dates are written on Indonesian forms. */
export function isoToDmy(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso.trim());
  return m ? `${m[3]}-${m[2]}-${m[1]}` : iso;
}

/** `17-05-1990` (or `17/5/1990`) → `1990-05-17`; null when it is not a real date. */
export function dmyToIso(dmy: string): string | null {
  const m = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(dmy.trim());
  if (!m) return null;
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** A date as it is typed: digits only, dashes put in (`17051990` → `17-05-1990`). */
export function typeDate(raw: string): string {
  const digits = raw.replace(/\D/g, '').slice(0, 8);
  if (digits.length <= 2) return digits;
  if (digits.length <= 4) return `${digits.slice(0, 2)}-${digits.slice(2)}`;
  return `${digits.slice(0, 2)}-${digits.slice(2, 4)}-${digits.slice(4)}`;
}

/** A new form for a NIK nobody has filled in yet: sex and birth date as the NIK says. */
export function formFromNik(nik: string, info: NikInfo): BiodataForm {
  return { ...emptyForm(nik), sex: info.sex, birth_date: isoToDmy(info.birth_date) };
}

/** The saved biodata back into the form (optional fields as empty strings). */
export function formFromBiodata(b: Biodata): BiodataForm {
  return {
    ...b,
    birth_date: isoToDmy(b.birth_date),
    postal_code: b.postal_code ?? '',
    telephone: b.telephone ?? '',
    email: b.email ?? '',
  };
}

/** The request for `intake.save_applicant`: trimmed; empty optional fields left out. */
export function biodataFromForm(f: BiodataForm): Biodata {
  const opt = (v: string) => (v.trim() === '' ? undefined : v.trim());
  const out: Biodata = {
    nik: f.nik.trim(),
    kk_number: f.kk_number.trim(),
    full_name: f.full_name.trim(),
    sex: (f.sex || 'L') as Sex,
    birth_place: f.birth_place.trim(),
    birth_date: dmyToIso(f.birth_date) ?? f.birth_date.trim(),
    blood_type: f.blood_type,
    religion: f.religion,
    marital_status: f.marital_status,
    occupation: f.occupation,
    education: f.education,
    citizenship: f.citizenship,
    address: f.address.trim(),
    rt: f.rt.trim(),
    rw: f.rw.trim(),
    village_code: f.village_code,
    mobile: f.mobile.trim(),
  };
  const postal = opt(f.postal_code);
  const phone = opt(f.telephone);
  const email = opt(f.email);
  if (postal) out.postal_code = postal;
  if (phone) out.telephone = phone;
  if (email) out.email = email;
  return out;
}

/** Empty required fields (checked before asking the hub, which checks everything again). */
export function missingRequired(f: BiodataForm): (keyof BiodataForm)[] {
  return REQUIRED_FIELDS.filter((k) => String(f[k]).trim() === '');
}

/**
 * The errors still worth showing: those whose field has not been changed since the error was given
 * (`snapshot` is the form at that moment). A field the officer corrected loses its old message.
 */
export function liveErrors(errors: Record<string, string>, form: BiodataForm, snapshot: BiodataForm | null): Record<string, string> {
  if (!snapshot) return errors;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(errors)) {
    if (!(k in form) || form[k as keyof BiodataForm] === snapshot[k as keyof BiodataForm]) out[k] = v;
  }
  return out;
}

/** A NIK as typed: digits only, at most 16. */
export function cleanNik(v: string): string {
  return v.replace(/\D/g, '').slice(0, 16);
}

export const isNik = (v: string): boolean => /^\d{16}$/.test(v.trim());

/**
 * The parents of a dotted kelurahan/desa code, for the region cascade:
 * `61.01.09.2002` → province `61`, regency `61.01`, district `61.01.09`.
 */
export function regionPath(villageCode: string): { province: string; regency: string; district: string; village: string } | null {
  const m = /^(\d{2})\.(\d{2})\.(\d{2})\.(\d{4})$/.exec(villageCode.trim());
  if (!m) return null;
  return { province: m[1], regency: `${m[1]}.${m[2]}`, district: `${m[1]}.${m[2]}.${m[3]}`, village: villageCode.trim() };
}

/** A district code's parents (`61.01.09` → `61`, `61.01`). */
export function districtPath(code: string): { province: string; regency: string; district: string } | null {
  const m = /^(\d{2})\.(\d{2})\.(\d{2})$/.exec(code.trim());
  return m ? { province: m[1], regency: `${m[1]}.${m[2]}`, district: code.trim() } : null;
}

export const APPLICATION_KINDS: readonly ApplicationKind[] = ['new', 'lost', 'damaged', 'data_change', 'moved_in'];
export const kindKey = (k: ApplicationKind): MessageKey => `intake.kind.${k}` as MessageKey;
export const kindDescKey = (k: ApplicationKind): MessageKey => `intake.kind.${k}.desc` as MessageKey;
export const appStatusKey = (s: ApplicationStatus): MessageKey => `intake.status.${s}` as MessageKey;

export const stepKey = (s: 'nik' | 'biodata' | 'kind' | 'documents'): MessageKey => `intake.step.${s}` as MessageKey;
export const sexKey = (s: Sex): MessageKey => `intake.sex.${s}` as MessageKey;

export const CHECK_STATUSES: readonly CheckStatus[] = ['present', 'missing', 'invalid'];
export const checkKey = (s: CheckStatus): MessageKey => `intake.check.${s}` as MessageKey;

/** What the officer can still do with a checklist. */
export function checklistState(items: readonly ChecklistItem[]): {
  unchecked: number;
  notPresent: number;
  canComplete: boolean;
  canReturn: boolean;
} {
  const unchecked = items.filter((i) => i.status === null).length;
  const notPresent = items.filter((i) => i.status !== 'present').length;
  return {
    unchecked,
    notPresent,
    canComplete: items.length > 0 && notPresent === 0,
    canReturn: notPresent > 0,
  };
}

/** Whether the documents of an application in this status may still be checked. */
export const checkable = (s: ApplicationStatus): boolean => s === 'checking' || s === 'returned';

/**
 * What the kiosk's status field keeps of what was typed or scanned: letters, digits and dashes,
 * upper case (`pmh-20261121-0001` → `PMH-20261121-0001`). A QR code holds the number itself.
 */
export function cleanStatusNumber(v: string): string {
  return v.toUpperCase().replace(/[^A-Z0-9-]/g, '').slice(0, 40);
}
