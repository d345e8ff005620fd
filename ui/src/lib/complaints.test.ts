import { describe, expect, it } from 'vitest';
import { isComplaintNumber, rowTone, stepNeeds, stepsFor, validateComplaintForm } from './complaints';

const ok = { channel: 'langsung', category: 'pelayanan_lambat', text: 'Antrean sangat lama sekali.', nik: '', contact_phone: '' };

describe('the complaint form', () => {
  it('accepts a good complaint with or without the optional parts', () => {
    expect(validateComplaintForm(ok)).toEqual({});
    expect(validateComplaintForm({ ...ok, nik: '6101091708050001', contact_phone: '+62 812-3456-7890' })).toEqual({});
  });

  it('names the field, in Bahasa Indonesia', () => {
    expect(validateComplaintForm({ ...ok, channel: '' })).toEqual({ channel: expect.stringContaining('saluran') });
    expect(validateComplaintForm({ ...ok, category: 'cuaca' })).toEqual({ category: expect.stringContaining('kategori') });
    expect(validateComplaintForm({ ...ok, text: '  pendek  ' })).toEqual({ text: expect.stringContaining('10 sampai 2000') });
    expect(validateComplaintForm({ ...ok, text: 'x'.repeat(2001) })).toHaveProperty('text');
    expect(validateComplaintForm({ ...ok, nik: '61010917' })).toEqual({ nik: expect.stringContaining('16 angka') });
    expect(validateComplaintForm({ ...ok, contact_phone: 'nomor saya' })).toHaveProperty('contact_phone');
    expect(validateComplaintForm({ ...ok, contact_phone: '0812' })).toHaveProperty('contact_phone');
  });

  it('speaks English when asked', () => {
    expect(validateComplaintForm({ ...ok, text: '' }, 'en').text).toContain('10 to 2000');
  });
});

describe('the steps of a complaint', () => {
  const assigned = { allowed: ['selesai' as const], assignee_id: 'budi' };
  it('gives managers every allowed step and the assignee only the answer', () => {
    expect(stepsFor({ allowed: ['diverifikasi', 'ditolak'], assignee_id: null }, 'kasih', true)).toEqual(['diverifikasi', 'ditolak']);
    expect(stepsFor({ allowed: ['diverifikasi', 'ditolak'], assignee_id: null }, 'kasih', false)).toEqual([]);
    expect(stepsFor(assigned, 'budi', false)).toEqual(['selesai']);
    expect(stepsFor(assigned, 'kasih', false)).toEqual([]);
  });

  it('asks for a reason, an assignee or an answer where the hub requires one', () => {
    expect(stepNeeds('ditolak')).toBe('reason');
    expect(stepNeeds('ditindaklanjuti')).toBe('assignee_id');
    expect(stepNeeds('selesai')).toBe('answer');
    expect(stepNeeds('diverifikasi')).toBeNull();
    expect(stepNeeds('ditutup')).toBeNull();
  });

  it('marks overdue rows red and finished ones muted', () => {
    expect(rowTone({ overdue: true, state: 'diterima' })).toBe('overdue');
    expect(rowTone({ overdue: false, state: 'ditolak' })).toBe('done');
    expect(rowTone({ overdue: false, state: 'diverifikasi' })).toBe('open');
  });
});

describe('the kiosk status number', () => {
  it('sends ADU- numbers to the complaints register and the rest to the applications', () => {
    expect(isComplaintNumber('ADU-610109-20261123-0001')).toBe(true);
    expect(isComplaintNumber('adu-610109-20261123-0001')).toBe(true);
    expect(isComplaintNumber('ADU-')).toBe(false);
    expect(isComplaintNumber('PMH-20261123-0001')).toBe(false);
    expect(isComplaintNumber('BP-610109-20261123-0001')).toBe(false);
  });
});
