import { describe, expect, it } from 'vitest';
import type { Biodata } from './api/types.gen';
import {
  BIODATA_FIELDS,
  biodataFromForm,
  checklistState,
  cleanNik,
  cleanStatusNumber,
  districtPath,
  dmyToIso,
  emptyForm,
  formFromBiodata,
  formFromNik,
  isNik,
  isoToDmy,
  liveErrors,
  missingRequired,
  regionPath,
  typeDate,
} from './intake';

const saved: Biodata = {
  nik: '6101091705900001',
  kk_number: '6101090101200001',
  full_name: 'BUDI HARTONO',
  sex: 'L',
  birth_place: 'SAMBAS',
  birth_date: '1990-05-17',
  blood_type: 'O',
  religion: 'ISLAM',
  marital_status: 'KAWIN',
  occupation: 'PETANI/PEKEBUN',
  education: 'SLTA/SEDERAJAT',
  citizenship: 'WNI',
  address: 'JL. PERBATASAN NO. 7',
  rt: '003',
  rw: '001',
  village_code: '61.01.09.2001',
  mobile: '081234567890',
  email: 'budi@example.id',
};

describe('the biodata form', () => {
  it('maps saved biodata to the form and back without losing a field', () => {
    const form = formFromBiodata(saved);
    expect(form.birth_date).toBe('17-05-1990');
    expect(form.postal_code).toBe('');
    expect(form.telephone).toBe('');
    expect(biodataFromForm(form)).toEqual(saved);
  });

  it('trims, and leaves empty optional fields out of the request', () => {
    const form = { ...formFromBiodata(saved), full_name: '  Budi Hartono ', email: '   ', postal_code: ' 79466 ' };
    const req = biodataFromForm(form);
    expect(req.full_name).toBe('Budi Hartono');
    expect('email' in req).toBe(false);
    expect(req.postal_code).toBe('79466');
  });

  it('starts a new applicant with the sex and birth date the NIK encodes', () => {
    const form = formFromNik('6101095705900001', {
      district_code: '61.01.09',
      district_name: 'Sajingan Besar',
      sex: 'P',
      birth_date: '1990-05-17',
    });
    expect(form).toMatchObject({ nik: '6101095705900001', sex: 'P', birth_date: '17-05-1990', citizenship: 'WNI' });
  });

  it('lists the empty required fields in screen order, never the optional ones', () => {
    const missing = missingRequired(emptyForm('6101091705900001'));
    expect(missing[0]).toBe('kk_number');
    expect(missing).toContain('sex');
    expect(missing).toContain('village_code');
    expect(missing).not.toContain('nik');
    expect(missing).not.toContain('citizenship');
    for (const optional of ['postal_code', 'telephone', 'email']) expect(missing).not.toContain(optional);
    expect(missingRequired(formFromBiodata(saved))).toEqual([]);
    // Every API field name is on the form.
    expect(BIODATA_FIELDS).toHaveLength(20);
  });

  it('writes dates day-month-year and sends them as ISO dates; impossible dates are caught', () => {
    expect(isoToDmy('1990-05-17')).toBe('17-05-1990');
    expect(dmyToIso('17-05-1990')).toBe('1990-05-17');
    expect(dmyToIso('7/5/1990')).toBe('1990-05-07');
    expect(dmyToIso('31-02-2000')).toBeNull();
    expect(dmyToIso('1990-05-17')).toBeNull();
    expect(typeDate('17051990')).toBe('17-05-1990');
    expect(typeDate('17-0')).toBe('17-0');
    expect(typeDate('1705199012')).toBe('17-05-1990');
    expect(biodataFromForm({ ...formFromBiodata(saved), birth_date: '01-01-2000' }).birth_date).toBe('2000-01-01');
  });

  it('drops the message of a field the officer changed since the error', () => {
    const before = formFromBiodata(saved);
    const errors = { email: 'Alamat email tidak sah.', full_name: 'Wajib diisi.', banner: 'x' };
    const now = { ...before, email: 'budi.hartono@example.id' };
    expect(liveErrors(errors, now, before)).toEqual({ full_name: 'Wajib diisi.', banner: 'x' });
    expect(liveErrors(errors, now, null)).toBe(errors);
  });

  it('keeps a typed NIK to 16 digits', () => {
    expect(cleanNik('6101 0917-0590 0001 99')).toBe('6101091705900001');
    expect(isNik('6101091705900001')).toBe(true);
    expect(isNik('610109170590000')).toBe(false);
  });

  it('finds the parents of a village and a district for the region cascade', () => {
    expect(regionPath('61.01.09.2001')).toEqual({
      province: '61',
      regency: '61.01',
      district: '61.01.09',
      village: '61.01.09.2001',
    });
    expect(regionPath('61.01.09')).toBeNull();
    expect(districtPath('61.01.09')).toEqual({ province: '61', regency: '61.01', district: '61.01.09' });
  });

  it('keeps what a QR scanner or the kiosk keypad types as a status number', () => {
    expect(cleanStatusNumber(' pmh-20261121-0001\n')).toBe('PMH-20261121-0001');
    expect(cleanStatusNumber('BP-610109-20261121-0001')).toBe('BP-610109-20261121-0001');
  });
});

describe('the checklist', () => {
  const item = (status: 'present' | 'missing' | 'invalid' | null) => ({
    requirement_id: 1,
    code: 'x',
    name: 'X',
    status,
    note: null,
    scan_type: null,
  });

  it('completes only when every item is present, and returns when any is not', () => {
    expect(checklistState([item('present'), item('present')])).toMatchObject({ canComplete: true, canReturn: false });
    expect(checklistState([item('present'), item('missing')])).toMatchObject({ canComplete: false, canReturn: true, notPresent: 1 });
    expect(checklistState([item(null), item('invalid')])).toMatchObject({ unchecked: 1, notPresent: 2, canReturn: true });
    expect(checklistState([])).toMatchObject({ canComplete: false, canReturn: false });
  });
});
