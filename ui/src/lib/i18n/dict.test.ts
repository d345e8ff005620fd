import { describe, expect, it } from 'vitest';
import { dictionaries, LANGS, translate } from './dict';

describe('i18n dictionary', () => {
  it('has exactly the same keys in every language', () => {
    const idKeys = Object.keys(dictionaries.id).sort();
    for (const lang of LANGS) {
      expect(Object.keys(dictionaries[lang]).sort()).toEqual(idKeys);
    }
  });

  it('has no empty text', () => {
    for (const lang of LANGS) {
      for (const [key, text] of Object.entries(dictionaries[lang])) {
        expect(text.trim(), `${lang}:${key}`).not.toBe('');
      }
    }
  });

  it('uses the same placeholders in both languages', () => {
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(dictionaries.id) as (keyof typeof dictionaries.id)[]) {
      expect(names(dictionaries.en[key]), key).toEqual(names(dictionaries.id[key]));
    }
  });

  it('is Indonesian first and fills placeholders', () => {
    expect(translate('id', 'login.title')).toBe('Masuk');
    expect(translate('en', 'login.title')).toBe('Log in');
    expect(translate('id', 'home.greeting_morning', { name: 'Siti' })).toBe('Selamat pagi, Siti');
    expect(translate('id', 'staff.count', { count: 3 })).toBe('3 pegawai');
  });

  it('labels the five roles in Indonesian as the office names them', () => {
    expect(translate('id', 'role.counter_officer')).toBe('Petugas Loket');
    expect(translate('id', 'role.recording_operator')).toBe('Operator Rekam');
    expect(translate('id', 'role.print_operator')).toBe('Operator Cetak');
    expect(translate('id', 'role.supervisor')).toBe('Supervisor');
    expect(translate('id', 'role.administrator')).toBe('Administrator');
  });
});
