import { describe, expect, it } from 'vitest';
import { canOpen, tilesFor } from './roles';

describe('home tiles per role', () => {
  it('gives a counter officer only counter tiles, none live', () => {
    const tiles = tilesFor(['counter_officer']);
    expect(tiles.map((t) => t.id)).toEqual(['queue', 'documents']);
    expect(tiles.every((t) => !t.href)).toBe(true);
    expect(canOpen(['counter_officer'], 'staff')).toBe(false);
  });

  it('shows shared tiles once for a supervisor who is also administrator', () => {
    const ids = tilesFor(['administrator', 'supervisor']).map((t) => t.id);
    expect(ids).toEqual(['daily-report', 'staff', 'audit', 'settings']);
    expect(canOpen(['administrator'], 'audit')).toBe(true);
  });
});
