import { describe, expect, it } from 'vitest';
import { absolutePath, sizeLabel, validateBackupForm, validTime } from './backup';

const ok = { enabled: true, time: '17:30', folder: '/media/usb/cadangan-loket', generations: 7 };

describe('the backup settings form', () => {
  it('accepts good settings, and an empty folder while scheduling is off', () => {
    expect(validateBackupForm(ok)).toEqual({});
    expect(validateBackupForm({ ...ok, enabled: false, folder: '' })).toEqual({});
    expect(validateBackupForm({ ...ok, folder: 'E:\\Cadangan' })).toEqual({});
  });

  it('names the field, in Bahasa Indonesia', () => {
    expect(validateBackupForm({ ...ok, time: '24:00' })).toEqual({ time: expect.stringContaining('Jam cadangan') });
    expect(validateBackupForm({ ...ok, time: '7:30' })).toHaveProperty('time');
    expect(validateBackupForm({ ...ok, folder: '' })).toEqual({ folder: expect.stringContaining('wajib') });
    expect(validateBackupForm({ ...ok, folder: 'cadangan' })).toEqual({ folder: expect.stringContaining('alamat lengkap') });
    for (const g of [0, 61, 2.5, '', 'tujuh']) {
      expect(validateBackupForm({ ...ok, generations: g }), String(g)).toEqual({ generations: expect.stringContaining('1 sampai 60') });
    }
    expect(validateBackupForm({ ...ok, generations: '60' })).toEqual({});
  });

  it('speaks English when asked', () => {
    expect(validateBackupForm({ ...ok, time: 'x' }, 'en').time).toContain('HH:MM');
  });

  it('reads times and paths as the hub does', () => {
    expect(['00:00', '23:59', ' 17:30 '].every(validTime)).toBe(true);
    expect(['24:00', '12:60', '1730', ''].some(validTime)).toBe(false);
    expect(absolutePath('/mnt/usb')).toBe(true);
    expect(absolutePath('./usb')).toBe(false);
  });

  it('shows sizes for people', () => {
    expect(sizeLabel(512)).toBe('512 B');
    expect(sizeLabel(12_345_678)).toBe('12,3 MB');
    expect(sizeLabel(12_345_678, 'en')).toBe('12.3 MB');
  });
});
