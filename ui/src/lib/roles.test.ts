import { describe, expect, it } from 'vitest';
import { canOpen, tilesFor } from './roles';

describe('home tiles per role', () => {
  it('gives a counter officer only counter tiles, the queue one live', () => {
    const tiles = tilesFor(['counter_officer']);
    expect(tiles.map((t) => t.id)).toEqual(['queue', 'documents']);
    expect(tiles.find((t) => t.id === 'queue')?.href).toBe('/counter');
    expect(tiles.find((t) => t.id === 'documents')?.href).toBeUndefined();
    expect(canOpen(['counter_officer'], 'staff')).toBe(false);
    expect(canOpen(['counter_officer'], 'counter')).toBe(true);
    expect(canOpen(['counter_officer'], 'queue-settings')).toBe(false);
  });

  it('lets a supervisor work a counter and manage the queue; an administrator only manage it', () => {
    expect(canOpen(['supervisor'], 'counter')).toBe(true);
    expect(canOpen(['supervisor'], 'queue-metrics')).toBe(true);
    expect(canOpen(['administrator'], 'queue-settings')).toBe(true);
    expect(canOpen(['administrator'], 'counter')).toBe(false);
    expect(tilesFor(['administrator']).map((t) => t.id)).toEqual(['queue-settings', 'queue-metrics', 'staff', 'audit', 'settings']);
  });

  it('shows shared tiles once for a supervisor who is also administrator', () => {
    const ids = tilesFor(['administrator', 'supervisor']).map((t) => t.id);
    expect(ids).toEqual(['queue', 'queue-settings', 'queue-metrics', 'daily-report', 'staff', 'audit', 'settings']);
    expect(canOpen(['administrator'], 'audit')).toBe(true);
  });
});
