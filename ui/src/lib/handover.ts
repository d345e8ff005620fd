// The rules the hand-over (Pengambilan KTP-el), Suket and kiosk screens share: what the application's
// kind asks of the old card, the hand-over request built from the form (with the fields refused
// before it is sent), a scanned file's type, and the colour of a card's, a Suket's and a QR check's
// state. Pure functions, unit-tested.

import type {
  ApplicationKind,
  CardStatus,
  Collector,
  DocumentKind,
  HandoverRequest,
  OldCard,
  SuketCheck,
  SuketState,
} from './api/types.gen';
import type { MessageKey } from './i18n/dict';

/** The colour of a state: green (done/valid), amber (wait/warn), red (refused), grey (neutral). */
export type Tone = 'ok' | 'warn' | 'bad' | 'neutral';

/** What the application's kind asks of the old card: damaged → handed in, data change → withdrawn. */
export function oldCardFor(kind: ApplicationKind): OldCard | null {
  if (kind === 'damaged') return 'handed_in';
  if (kind === 'data_change') return 'withdrawn';
  return null;
}

/** The explanation next to the old-card checkbox. */
export const OLD_CARD_LABELS: Record<OldCard, { label: MessageKey; hint: MessageKey }> = {
  handed_in: { label: 'ho.old_handed_in', hint: 'ho.old_handed_in_hint' },
  withdrawn: { label: 'ho.old_withdrawn', hint: 'ho.old_withdrawn_hint' },
};

export const DOCUMENT_KINDS = [
  { value: 'surat_kuasa', label: 'ho.doc_surat_kuasa' },
  { value: 'kk', label: 'ho.doc_kk' },
] as const satisfies readonly { value: DocumentKind; label: MessageKey }[];

/** The scans the hub accepts, by the file's type or, failing that, its name. */
const SCAN_TYPES: Record<string, string> = {
  'image/jpeg': 'image/jpeg',
  'image/jpg': 'image/jpeg',
  'image/png': 'image/png',
  'application/pdf': 'application/pdf',
};
const SCAN_EXTENSIONS: Record<string, string> = { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', pdf: 'application/pdf' };

/** The hub's limit for a scan (5 MiB). */
export const MAX_SCAN_BYTES = 5 * 1024 * 1024;

/** A picked file's type as the hub names it, or null when it is not a JPEG, PNG or PDF. */
export function scanMime(file: { name: string; type: string }): string | null {
  const byType = SCAN_TYPES[file.type.toLowerCase()];
  if (byType) return byType;
  if (file.type && file.type !== 'application/octet-stream') return null;
  const ext = file.name.toLowerCase().split('.').pop() ?? '';
  return SCAN_EXTENSIONS[ext] ?? null;
}

/** Why a picked file cannot be the scan (a message key), or null when it can. */
export function scanProblem(file: { name: string; type: string; size: number }): MessageKey | null {
  if (!scanMime(file)) return 'ho.scan_type';
  if (file.size > MAX_SCAN_BYTES) return 'ho.scan_too_big';
  if (file.size === 0) return 'ho.scan_empty';
  return null;
}

/** The hand-over form as the screen holds it. */
export interface HandoverForm {
  collector: Collector | '';
  repName: string;
  repNik: string;
  repRelationship: string;
  repDocumentKind: DocumentKind | '';
  /** The scan, already base64, and its type. */
  scan: { base64: string; mime: string; name: string } | null;
  /** The old card's box is ticked (only asked for damaged / data change). */
  oldCardDone: boolean;
  signature: string | null;
}

export const emptyHandoverForm = (): HandoverForm => ({
  collector: '',
  repName: '',
  repNik: '',
  repRelationship: '',
  repDocumentKind: 'surat_kuasa',
  scan: null,
  oldCardDone: false,
  signature: null,
});

/** A NIK as typed or scanned: digits only. */
export const cleanNik = (s: string): string => s.replace(/\D/g, '').slice(0, 16);

/** A scanner's or an officer's search: trimmed, inner spaces collapsed. */
export const cleanQuery = (s: string): string => s.trim().replace(/\s+/g, ' ');

export type HandoverBuild = { ok: true; request: HandoverRequest } | { ok: false; fields: Record<string, MessageKey> };

/**
 * The `handover.issue` request from the form, or the fields still empty (keys as the hub names its
 * fields, so its own errors land in the same places).
 */
export function buildHandover(recordingId: string, kind: ApplicationKind, f: HandoverForm): HandoverBuild {
  const fields: Record<string, MessageKey> = {};
  if (!f.collector) fields.collector = 'ho.collector_needed';
  const old = oldCardFor(kind);
  if (old && !f.oldCardDone) fields.old_card = old === 'handed_in' ? 'ho.old_handed_in_needed' : 'ho.old_withdrawn_needed';
  if (f.collector === 'representative') {
    if (!f.repName.trim()) fields['representative.name'] = 'common.required';
    if (cleanNik(f.repNik).length !== 16) fields['representative.nik'] = 'ho.nik_16';
    if (!f.repRelationship.trim()) fields['representative.relationship'] = 'common.required';
    if (!f.repDocumentKind) fields['representative.document_kind'] = 'common.required';
    if (!f.scan) fields['representative.document_scan_base64'] = 'ho.scan_needed';
  }
  if (!f.signature) fields.signature_png_base64 = 'ho.signature_needed';
  if (Object.keys(fields).length) return { ok: false, fields };
  const request: HandoverRequest = {
    recording_id: recordingId,
    collector: f.collector as Collector,
    signature_png_base64: f.signature!,
  };
  if (old) request.old_card = old;
  if (f.collector === 'representative') {
    request.representative = {
      name: f.repName.trim(),
      nik: cleanNik(f.repNik),
      relationship: f.repRelationship.trim(),
      document_kind: f.repDocumentKind as DocumentKind,
      document_scan_base64: f.scan!.base64,
      document_mime: f.scan!.mime,
    };
  }
  return { ok: true, request };
}

/** The fields the hand-over form shows errors next to (the hub's names). */
export const HANDOVER_FIELDS = [
  'collector',
  'old_card',
  'representative',
  'representative.name',
  'representative.nik',
  'representative.relationship',
  'representative.document_kind',
  'representative.document_scan_base64',
  'representative.document_mime',
  'signature_png_base64',
] as const;

export function cardTone(status: CardStatus): Tone {
  if (status === 'ready') return 'ok';
  if (status === 'handed_over') return 'neutral';
  return 'warn';
}

export const CARD_STATUS_LABELS: Record<CardStatus, MessageKey> = {
  not_printed: 'ho.card_not_printed',
  ready: 'ho.card_ready',
  handed_over: 'ho.card_handed_over',
};

export function suketTone(state: SuketState): Tone {
  if (state === 'valid') return 'ok';
  if (state === 'expired') return 'warn';
  return 'bad';
}

export const SUKET_STATES = ['valid', 'expired', 'superseded', 'withdrawn'] as const satisfies readonly SuketState[];

export const SUKET_STATE_LABELS: Record<SuketState, MessageKey> = {
  valid: 'suket.state_valid',
  expired: 'suket.state_expired',
  superseded: 'suket.state_superseded',
  withdrawn: 'suket.state_withdrawn',
};

/** What a QR check says in the fewest, biggest words: not genuine, or the letter's state. */
export function checkVerdict(c: SuketCheck): { tone: Tone; label: MessageKey } {
  if (!c.genuine || !c.state) return { tone: 'bad', label: 'suket.check_fake' };
  return { tone: suketTone(c.state), label: SUKET_STATE_LABELS[c.state] };
}

/** Days left of a letter in words: "berlaku 12 hari lagi", "hari terakhir", "lewat 3 hari". */
export function daysLeftKey(days: number): { key: MessageKey; count: number } {
  if (days > 0) return { key: 'suket.days_left', count: days };
  if (days === 0) return { key: 'suket.last_day', count: 0 };
  return { key: 'suket.days_over', count: -days };
}

/** The pickup service's tickets open the hand-over screen from the counter. */
export function handoverHref(ticket: { id: string; number: string }): string {
  return `/handover?ticket=${encodeURIComponent(ticket.id)}&number=${encodeURIComponent(ticket.number)}`;
}
