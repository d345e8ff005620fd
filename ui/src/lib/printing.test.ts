import { describe, expect, it } from 'vitest';
import type { JobState, JobView } from './api/types.gen';
import { dictionaries } from './i18n/dict';
import {
  asCount,
  CAUSE_LABELS,
  cleanSearch,
  cleanSerial,
  countDifference,
  expectedClosing,
  isFinished,
  JOB_STEPS,
  jobActions,
  monthStart,
  previousMonth,
  parseSerials,
  printerStateKey,
  printerTone,
  REPRINT_LABELS,
  reprintRule,
  shouldPoll,
  spoilErrors,
  stepIndex,
  typingIn,
  wholeNumber,
} from './printing';

const n = (v: number) => v as unknown as bigint;

function job(state: JobState, extra: Partial<JobView> = {}): JobView {
  return {
    id: 'j1',
    recording_id: 'r1',
    receipt_number: 'PRK-1',
    nik: '6101091708050001',
    full_name: 'RUDI HARTONO',
    state,
    state_label: state,
    serial: 'KTP-0001',
    printer_id: 1,
    printer_name: 'Printer 1',
    printer_job_id: null,
    chip_uid: null,
    reprint_reason: null,
    reprint_note: null,
    needs_approval: false,
    approved_by: null,
    cause: null,
    message: null,
    created_by: 'op',
    created_at: '',
    updated_at: '',
    ...extra,
  };
}

describe('job states', () => {
  it('shows three steps and polls only while the printer or the encoder works', () => {
    expect(JOB_STEPS.map((s) => s.state)).toEqual(['printing', 'personalising', 'checking']);
    expect(stepIndex('printing')).toBe(0);
    expect(stepIndex('checking')).toBe(2);
    expect(stepIndex('queued')).toBe(-1);
    const polled = (['queued', 'printing', 'personalising', 'checking', 'done', 'spoiled', 'interrupted', 'cancelled'] as const).filter(shouldPoll);
    expect(polled).toEqual(['printing', 'personalising']);
    expect(isFinished('done') && isFinished('spoiled') && isFinished('cancelled')).toBe(true);
    expect(isFinished('interrupted')).toBe(false);
    for (const s of JOB_STEPS) expect(dictionaries.id).toHaveProperty([s.label]);
  });

  it('offers the buttons the job rule allows in each state', () => {
    expect(jobActions(null)).toMatchObject({ print: true, confirm: false, spoil: false });
    expect(jobActions(job('checking'))).toMatchObject({ confirm: true, spoil: true, print: false, resolve: false });
    expect(jobActions(job('interrupted'))).toMatchObject({ resolve: true, spoil: true, confirm: false });
    expect(jobActions(job('personalising'))).toEqual({ confirm: false, spoil: false, resolve: false, cancel: false, approve: false, print: false });
    expect(jobActions(job('queued'))).toMatchObject({ print: true, cancel: true, approve: false });
    expect(jobActions(job('queued', { needs_approval: true }))).toMatchObject({ print: false, cancel: true, approve: true });
    expect(jobActions(job('queued', { needs_approval: true, approved_by: 'spv' }))).toMatchObject({ print: true, approve: false });
    expect(jobActions(job('done')).print).toBe(true);
  });
});

describe('reprints', () => {
  it('asks for no reason the first time, spoiled_in_print after a spoiled print, a chosen reason for an existing card', () => {
    expect(reprintRule({ cards_printed: 0, last_spoiled: false, open_job: null })).toBe('none');
    expect(reprintRule({ cards_printed: 0, last_spoiled: true, open_job: null })).toBe('spoiled');
    expect(reprintRule({ cards_printed: 1, last_spoiled: false, open_job: null })).toBe('choose');
    expect(reprintRule({ cards_printed: 1, last_spoiled: true, open_job: null })).toBe('choose');
    // An open job carries its reason already.
    expect(reprintRule({ cards_printed: 1, last_spoiled: false, open_job: job('queued', { needs_approval: true }) })).toBe('none');
    expect(reprintRule({ cards_printed: 0, last_spoiled: true, open_job: job('spoiled') })).toBe('spoiled');
    for (const k of Object.values(REPRINT_LABELS)) expect(dictionaries.id).toHaveProperty([k]);
  });

  it('needs a cause, a note for lainnya, and the cut corner to spoil a card', () => {
    expect(spoilErrors('', '', false)).toEqual({ cause: 'print.spoil_choose_cause', corner_cut: 'print.spoil_corner_needed' });
    expect(spoilErrors('lainnya', '  ', true)).toEqual({ note: 'print.spoil_note_needed' });
    expect(spoilErrors('lainnya', 'kartu tergores', true)).toEqual({});
    expect(spoilErrors('printer_macet', '', true)).toEqual({});
    for (const k of Object.values(CAUSE_LABELS)) expect(dictionaries.id).toHaveProperty([k]);
  });
});

describe('serials and searches from a scanner', () => {
  it('cleans a serial', () => {
    expect(cleanSerial(' ktp-0001\r\n')).toBe('KTP-0001');
    expect(cleanSerial('KTP 0001')).toBe('KTP0001');
    expect(cleanSerial('\u0002KTP-0009\u0003')).toBe('KTP-0009');
    expect(cleanSerial('')).toBe('');
  });

  it('reads a pasted or scanned list, each serial once, in order', () => {
    expect(parseSerials('KTP-0003\nktp-0001, KTP-0002;KTP-0003\r\n\n KTP-0004 ')).toEqual(['KTP-0003', 'KTP-0001', 'KTP-0002', 'KTP-0004']);
    expect(parseSerials('  \n ')).toEqual([]);
  });

  it('keeps the search whole but without the scanner’s control characters', () => {
    expect(cleanSearch('  PRK-61010920261123-0001\r')).toBe('PRK-61010920261123-0001');
    expect(cleanSearch('siti aminah')).toBe('siti aminah');
  });
});

describe('the stock balance', () => {
  it('is opening + received − printed − spoiled − returned, and the count is compared with it', () => {
    const day = { opening: n(0), movements: { received: n(10), printed: n(2), spoiled: n(1), returned: n(0) } };
    expect(expectedClosing(day)).toBe(7);
    expect(countDifference(n(7), 7)).toBe(0);
    expect(countDifference(n(7), 6)).toBe(-1);
  });

  it('reads whole numbers only and sends counts as JSON numbers', () => {
    expect(wholeNumber('7')).toBe(7);
    expect(wholeNumber(' 12 ')).toBe(12);
    expect(wholeNumber('-1')).toBeNull();
    expect(wholeNumber('1.5')).toBeNull();
    expect(wholeNumber('')).toBeNull();
    expect(JSON.stringify({ c: asCount(7) })).toBe('{"c":7}');
  });

  it('finds the month of a day', () => {
    expect(monthStart('2026-11-23')).toBe('2026-11-01');
  });
});

describe('the screen helpers', () => {
  it('knows when a key press goes to a text field', () => {
    const el = (tagName: string, type?: string) => ({ tagName, type, isContentEditable: false }) as unknown as EventTarget;
    expect(typingIn(el('INPUT', 'text'))).toBe(true);
    expect(typingIn(el('INPUT', 'search'))).toBe(true);
    expect(typingIn(el('INPUT', 'checkbox'))).toBe(false);
    expect(typingIn(el('TEXTAREA'))).toBe(true);
    expect(typingIn(el('BUTTON'))).toBe(false);
    expect(typingIn(null)).toBe(false);
  });

  it('colours the printer by what it says', () => {
    expect(printerTone(null)).toBe('unknown');
    expect(printerTone({ reachable: false, refusal: 'tidak terjangkau', reasons: [] })).toBe('refused');
    expect(printerTone({ reachable: true, refusal: 'dijeda', reasons: ['Dijeda'] })).toBe('refused');
    expect(printerTone({ reachable: true, refusal: null, reasons: ['Pita hampir habis'] })).toBe('warn');
    expect(printerTone({ reachable: true, refusal: null, reasons: [] })).toBe('ok');
    expect(printerStateKey({ reachable: true, state: 'idle' })).toBe('print.printer_idle');
    expect(printerStateKey({ reachable: true, state: 'stopped' })).toBe('print.printer_stopped');
    expect(printerStateKey({ reachable: true, state: 'warming' })).toBe('print.printer_reachable');
    expect(printerStateKey({ reachable: false, state: null })).toBe('print.printer_unreachable');
  });
});

describe('previousMonth', () => {
  it('is the month before, across a year', () => {
    expect(previousMonth('2026-12-02')).toBe('2026-11');
    expect(previousMonth('2027-01-03')).toBe('2026-12');
    expect(previousMonth('2026-10-31')).toBe('2026-09');
  });
});
