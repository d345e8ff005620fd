import { describe, expect, it } from 'vitest';
import { canOpen, tilesFor } from './roles';

describe('home tiles per role', () => {
  it('gives a recording operator the recording desk only', () => {
    const tiles = tilesFor(['recording_operator']);
    expect(tiles.map((t) => [t.id, t.href])).toEqual([['recording', '/recording']]);
    expect(canOpen(['recording_operator'], 'recording')).toBe(true);
    expect(canOpen(['recording_operator'], 'intake')).toBe(false);
    expect(canOpen(['supervisor'], 'recording')).toBe(true);
  });

  it('gives a counter officer only counter tiles: the queue and the intake', () => {
    const tiles = tilesFor(['counter_officer']);
    expect(tiles.map((t) => t.id)).toEqual(['queue', 'documents']);
    expect(tiles.find((t) => t.id === 'queue')?.href).toBe('/counter');
    expect(tiles.find((t) => t.id === 'documents')?.href).toBe('/intake');
    expect(canOpen(['counter_officer'], 'intake')).toBe(true);
    expect(canOpen(['counter_officer'], 'recording')).toBe(false);
    expect(canOpen(['counter_officer'], 'requirements')).toBe(false);
    expect(canOpen(['counter_officer'], 'staff')).toBe(false);
    expect(canOpen(['counter_officer'], 'counter')).toBe(true);
    expect(canOpen(['counter_officer'], 'queue-settings')).toBe(false);
  });

  it('lets a supervisor work a counter and manage the queue; an administrator only manage it', () => {
    expect(canOpen(['supervisor'], 'counter')).toBe(true);
    expect(canOpen(['supervisor'], 'queue-metrics')).toBe(true);
    expect(canOpen(['administrator'], 'queue-settings')).toBe(true);
    expect(canOpen(['administrator'], 'counter')).toBe(false);
    expect(tilesFor(['administrator']).map((t) => t.id)).toEqual([
      'queue-settings',
      'queue-metrics',
      'requirements',
      'sync',
      'staff',
      'audit',
      'settings',
    ]);
    expect(canOpen(['administrator'], 'recording')).toBe(false);
    expect(canOpen(['administrator'], 'requirements')).toBe(true);
  });

  it('shows shared tiles once for a supervisor who is also administrator', () => {
    const ids = tilesFor(['administrator', 'supervisor']).map((t) => t.id);
    expect(ids).toEqual([
      'queue',
      'documents',
      'recording',
      'queue-settings',
      'queue-metrics',
      'requirements',
      'sync',
      'daily-report',
      'staff',
      'audit',
      'settings',
    ]);
    expect(canOpen(['administrator'], 'audit')).toBe(true);
  });

  it('opens the sync screen to supervisors and administrators only', () => {
    expect(canOpen(['supervisor'], 'sync')).toBe(true);
    expect(canOpen(['administrator'], 'sync')).toBe(true);
    for (const role of ['counter_officer', 'recording_operator', 'print_operator'] as const) {
      expect(canOpen([role], 'sync')).toBe(false);
      expect(tilesFor([role]).some((t) => t.id === 'sync')).toBe(false);
    }
    expect(tilesFor(['supervisor']).find((t) => t.id === 'sync')?.href).toBe('/sync');
  });
});
