import { afterEach, describe, expect, it, vi } from 'vitest';
import { watchIdle } from './idle';

class FakeTarget {
  listeners = new Map<string, Set<() => void>>();
  addEventListener(type: string, fn: () => void) {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)!.add(fn);
  }
  removeEventListener(type: string, fn: () => void) {
    this.listeners.get(type)?.delete(fn);
  }
  fire(type: string) {
    for (const fn of this.listeners.get(type) ?? []) fn();
  }
  count() {
    return [...this.listeners.values()].reduce((n, s) => n + s.size, 0);
  }
}

describe('idle logout', () => {
  afterEach(() => vi.useRealTimers());

  it('fires once after the idle minutes without activity, and activity postpones it', () => {
    vi.useFakeTimers();
    const target = new FakeTarget();
    const onIdle = vi.fn();
    const stop = watchIdle(2, onIdle, target as unknown as Window, Date);
    vi.advanceTimersByTime(90_000);
    target.fire('keydown');
    vi.advanceTimersByTime(90_000);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(45_000);
    expect(onIdle).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(600_000);
    expect(onIdle).toHaveBeenCalledTimes(1);
    stop();
    expect(target.count()).toBe(0);
  });
});
