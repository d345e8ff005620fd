import { describe, expect, it } from 'vitest';
import type { SuketCheck } from './api/types.gen';
import {
  buildHandover,
  cardTone,
  checkVerdict,
  cleanNik,
  cleanQuery,
  daysLeftKey,
  emptyHandoverForm,
  handoverHref,
  MAX_SCAN_BYTES,
  oldCardFor,
  scanMime,
  scanProblem,
  suketTone,
  type HandoverForm,
} from './handover';

const rep = (over: Partial<HandoverForm> = {}): HandoverForm => ({
  ...emptyHandoverForm(),
  collector: 'representative',
  repName: ' Siti Aminah ',
  repNik: '6101-0941 0190 0001',
  repRelationship: 'istri ',
  repDocumentKind: 'surat_kuasa',
  scan: { base64: 'JVBERi0=', mime: 'application/pdf', name: 'kuasa.pdf' },
  signature: 'iVBORw0=',
  ...over,
});

describe('oldCardFor', () => {
  it('asks for the damaged card back and withdraws it on a data change', () => {
    expect(oldCardFor('damaged')).toBe('handed_in');
    expect(oldCardFor('data_change')).toBe('withdrawn');
    for (const k of ['new', 'lost', 'moved_in'] as const) expect(oldCardFor(k)).toBeNull();
  });
});

describe('buildHandover', () => {
  it('builds the applicant request without representative or old card', () => {
    const r = buildHandover('rec-1', 'new', { ...emptyHandoverForm(), collector: 'applicant', signature: 'PNG' });
    expect(r).toEqual({ ok: true, request: { recording_id: 'rec-1', collector: 'applicant', signature_png_base64: 'PNG' } });
  });

  it('cleans the representative and names the scan type', () => {
    const r = buildHandover('rec-2', 'lost', rep());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.request.representative).toEqual({
      name: 'Siti Aminah',
      nik: '6101094101900001',
      relationship: 'istri',
      document_kind: 'surat_kuasa',
      document_scan_base64: 'JVBERi0=',
      document_mime: 'application/pdf',
    });
    expect(r.request.old_card).toBeUndefined();
  });

  it('adds the old card the kind needs once ticked, refuses without it', () => {
    expect(buildHandover('r', 'damaged', rep())).toEqual({ ok: false, fields: { old_card: 'ho.old_handed_in_needed' } });
    expect(buildHandover('r', 'data_change', rep())).toEqual({ ok: false, fields: { old_card: 'ho.old_withdrawn_needed' } });
    const ok = buildHandover('r', 'damaged', rep({ oldCardDone: true }));
    expect(ok.ok && ok.request.old_card).toBe('handed_in');
  });

  it('names every empty field with the hub’s field names', () => {
    const r = buildHandover('r', 'new', { ...emptyHandoverForm(), collector: 'representative', repDocumentKind: '' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.fields).sort()).toEqual([
      'representative.document_kind',
      'representative.document_scan_base64',
      'representative.name',
      'representative.nik',
      'representative.relationship',
      'signature_png_base64',
    ]);
    expect(buildHandover('r', 'new', emptyHandoverForm())).toEqual({
      ok: false,
      fields: { collector: 'ho.collector_needed', signature_png_base64: 'ho.signature_needed' },
    });
    expect(buildHandover('r', 'new', rep({ repNik: '12345' }))).toEqual({ ok: false, fields: { 'representative.nik': 'ho.nik_16' } });
  });
});

describe('scan files', () => {
  it('takes JPEG, PNG and PDF by type or, without one, by name', () => {
    expect(scanMime({ name: 'a.jpg', type: 'image/jpeg' })).toBe('image/jpeg');
    expect(scanMime({ name: 'a', type: 'image/png' })).toBe('image/png');
    expect(scanMime({ name: 'SURAT.PDF', type: '' })).toBe('application/pdf');
    expect(scanMime({ name: 'x.jpeg', type: 'application/octet-stream' })).toBe('image/jpeg');
    expect(scanMime({ name: 'a.gif', type: 'image/gif' })).toBeNull();
    expect(scanMime({ name: 'a.pdf', type: 'text/plain' })).toBeNull();
  });

  it('refuses the wrong type, an empty file and one over 5 MiB', () => {
    expect(scanProblem({ name: 'a.pdf', type: 'application/pdf', size: 1000 })).toBeNull();
    expect(scanProblem({ name: 'a.doc', type: 'application/msword', size: 1000 })).toBe('ho.scan_type');
    expect(scanProblem({ name: 'a.pdf', type: 'application/pdf', size: 0 })).toBe('ho.scan_empty');
    expect(scanProblem({ name: 'a.pdf', type: 'application/pdf', size: MAX_SCAN_BYTES + 1 })).toBe('ho.scan_too_big');
  });
});

describe('states in colour and words', () => {
  it('colours cards and letters', () => {
    expect(cardTone('ready')).toBe('ok');
    expect(cardTone('not_printed')).toBe('warn');
    expect(cardTone('handed_over')).toBe('neutral');
    expect(suketTone('valid')).toBe('ok');
    expect(suketTone('expired')).toBe('warn');
    expect(suketTone('superseded')).toBe('bad');
    expect(suketTone('withdrawn')).toBe('bad');
  });

  it('says not genuine for a forged QR, else the letter’s state', () => {
    const base: SuketCheck = {
      genuine: true, state: 'valid', number: 'SKT-1', full_name: 'A', nik: '1', issued_on: null, valid_until: null, message: '', photo_base64: null,
    };
    expect(checkVerdict(base)).toEqual({ tone: 'ok', label: 'suket.state_valid' });
    expect(checkVerdict({ ...base, state: 'superseded' })).toEqual({ tone: 'bad', label: 'suket.state_superseded' });
    expect(checkVerdict({ ...base, genuine: false, state: null })).toEqual({ tone: 'bad', label: 'suket.check_fake' });
  });

  it('counts the days left', () => {
    expect(daysLeftKey(5)).toEqual({ key: 'suket.days_left', count: 5 });
    expect(daysLeftKey(0)).toEqual({ key: 'suket.last_day', count: 0 });
    expect(daysLeftKey(-3)).toEqual({ key: 'suket.days_over', count: 3 });
  });
});

describe('input cleaning and links', () => {
  it('cleans NIKs and searches', () => {
    expect(cleanNik('6101 0941-0190 0001 99')).toBe('6101094101900001');
    expect(cleanQuery('  BP-610109  \n')).toBe('BP-610109');
    expect(cleanQuery('siti   aminah')).toBe('siti aminah');
  });

  it('opens the hand-over with the ticket', () => {
    expect(handoverHref({ id: 't 1', number: 'C-001' })).toBe('/handover?ticket=t%201&number=C-001');
  });
});
