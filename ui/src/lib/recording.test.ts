import { describe, expect, it } from 'vitest';
import type { PartState } from './api/types.gen';
import { backgroundForNik, biometricSummary, cameraProblem, partKey, partStatus } from './recording';

const part = (over: Partial<PartState>): PartState => ({
  part: { finger: 'right_thumb' },
  label: 'Ibu jari kanan',
  captured: false,
  score: null,
  acceptable: false,
  exception_reason: null,
  exception_approved: false,
  ...over,
});

describe('biometric parts', () => {
  it('names parts as the scanner files do', () => {
    expect(partKey({ finger: 'left_little' })).toBe('left_little');
    expect(partKey({ iris: 'right' })).toBe('iris_right');
  });

  it('reads each part’s state and counts what still blocks finishing', () => {
    const parts = [
      part({ captured: true, acceptable: true, score: 88 }),
      part({ captured: true, acceptable: false, score: 20 }),
      part({ exception_reason: 'Jari diamputasi' }),
      part({ exception_reason: 'Jari diamputasi', exception_approved: true }),
      part({}),
    ];
    expect(parts.map(partStatus)).toEqual(['good', 'low', 'exception_pending', 'exception_approved', 'missing']);
    expect(biometricSummary(parts)).toEqual({ done: 2, total: 5, pending: 1 });
  });
});

describe('the photo background', () => {
  it('is blue for an even birth year and red for an odd one, read from the NIK', () => {
    expect(backgroundForNik('6101091705900001')).toBe('blue'); // 1990
    expect(backgroundForNik('6101095705010001')).toBe('red'); // 2001
    expect(backgroundForNik('6101091705890001')).toBe('red'); // 1989
    expect(backgroundForNik('61010917059')).toBeNull();
  });
});

describe('camera problems', () => {
  it('tells a refused permission, no camera, a busy camera and an insecure page apart', () => {
    expect(cameraProblem({ name: 'NotAllowedError' }, true, true)).toBe('denied');
    expect(cameraProblem({ name: 'NotFoundError' }, true, true)).toBe('not_found');
    expect(cameraProblem({ name: 'NotReadableError' }, true, true)).toBe('busy');
    expect(cameraProblem(new Error('x'), true, true)).toBe('other');
    expect(cameraProblem(null, false, false)).toBe('insecure');
    expect(cameraProblem(null, true, false)).toBe('unsupported');
  });
});
