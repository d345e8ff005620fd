// The recording desk: biometric parts, their state as the operator reads it, and camera errors.

import type { BiometricPart, PartState } from './api/types.gen';
import type { MessageKey } from './i18n/dict';

/** `right_thumb`, `iris_left`: the scanner's file name and a stable key for the screen. */
export function partKey(p: BiometricPart): string {
  return 'finger' in p ? p.finger : `iris_${p.iris}`;
}

export const isIris = (p: BiometricPart): boolean => 'iris' in p;

export type PartStatus = 'missing' | 'good' | 'low' | 'exception_pending' | 'exception_approved';

export function partStatus(p: PartState): PartStatus {
  if (p.exception_reason !== null) return p.exception_approved ? 'exception_approved' : 'exception_pending';
  if (!p.captured) return 'missing';
  return p.acceptable ? 'good' : 'low';
}

export const partStatusKey = (s: PartStatus): MessageKey => `rec.part.${s}` as MessageKey;

/** Whether the part no longer blocks finishing. */
export const partDone = (s: PartStatus): boolean => s === 'good' || s === 'exception_approved';

export function biometricSummary(parts: readonly PartState[]): { done: number; total: number; pending: number } {
  const states = parts.map(partStatus);
  return {
    done: states.filter(partDone).length,
    total: parts.length,
    pending: states.filter((s) => s === 'exception_pending').length,
  };
}

export type CameraProblem = 'unsupported' | 'insecure' | 'denied' | 'not_found' | 'busy' | 'other';

/** What went wrong when asking for the camera, from the browser's error name. */
export function cameraProblem(e: unknown, secure: boolean, hasMediaDevices: boolean): CameraProblem {
  if (!hasMediaDevices) return secure ? 'unsupported' : 'insecure';
  const name = typeof e === 'object' && e !== null && 'name' in e ? String((e as { name: unknown }).name) : '';
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return 'denied';
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return 'not_found';
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return 'busy';
    default:
      return 'other';
  }
}

export const cameraProblemKey = (p: CameraProblem): MessageKey => `rec.camera.${p}` as MessageKey;

/** Reasons an office writes down most often for a finger or eye that cannot be captured. */
export const EXCEPTION_REASONS_FINGER = ['Jari diamputasi', 'Jari cacat sejak lahir', 'Jari terluka/diperban', 'Sidik jari aus (tidak terbaca)'];
export const EXCEPTION_REASONS_IRIS = ['Mata buta/cacat', 'Mata terluka/diperban', 'Memakai mata palsu'];

/**
 * The photo background the Dukcapil convention asks for, from the birth year in the NIK (digits
 * 11–12): red for an odd year, blue for an even one. The century never changes the parity.
 */
export function backgroundForNik(nik: string): 'red' | 'blue' | null {
  if (!/^\d{16}$/.test(nik)) return null;
  return Number(nik.slice(10, 12)) % 2 === 1 ? 'red' : 'blue';
}
