import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventHub, parseEvent, TAURI_EVENT, type EventSourceLike, type ListenFn, type LoketEvent } from './events';

class FakeEventSource implements EventSourceLike {
  static all: FakeEventSource[] = [];
  readyState = 0;
  closed = false;
  onopen: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  constructor(public url: string) {
    FakeEventSource.all.push(this);
  }
  close() {
    this.closed = true;
    this.readyState = 2;
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  send(data: unknown) {
    this.onmessage?.({ data: typeof data === 'string' ? data : JSON.stringify(data) });
  }
  fail(giveUp = false) {
    this.readyState = giveUp ? 2 : 0;
    this.onerror?.({});
  }
}

const called: LoketEvent = {
  topic: 'ticket_called',
  ticket_id: 't1',
  number: 'A-001',
  service_name: 'Perekaman KTP-el Baru',
  counter_number: 1,
  counter_name: 'Loket 1',
  call_count: 1,
  clips: ['chime', 'nomor-antrian', 'huruf-a', 'satu', 'silakan-menuju', 'loket', 'satu'],
};

function browserHub() {
  return new EventHub({
    host: () => ({}),
    eventSource: (url) => new FakeEventSource(url),
    retryMs: 1000,
  });
}

beforeEach(() => {
  FakeEventSource.all = [];
});

afterEach(() => {
  vi.useRealTimers();
});

describe('parseEvent', () => {
  it('reads both topics from JSON text or objects and drops anything else', () => {
    expect(parseEvent('{"topic":"queue_changed"}')).toEqual({ topic: 'queue_changed' });
    expect(parseEvent('{"topic":"sync_changed"}')).toEqual({ topic: 'sync_changed' });
    expect(parseEvent('{"topic":"print_changed"}')).toEqual({ topic: 'print_changed' });
    expect(parseEvent('{"topic":"recording_changed"}')).toEqual({ topic: 'recording_changed' });
    expect(parseEvent(called)).toEqual(called);
    expect(parseEvent(JSON.stringify(called))).toEqual(called);
    expect(parseEvent('not json')).toBeNull();
    expect(parseEvent({ topic: 'something_else' })).toBeNull();
    expect(parseEvent({ topic: 'ticket_called', number: 'A-001' })).toBeNull();
    expect(parseEvent(null)).toBeNull();
  });
});

describe('EventHub in a LAN browser (server-sent events)', () => {
  it('opens one EventSource for all subscribers and closes it after the last one leaves', () => {
    const hub = browserHub();
    const a: LoketEvent[] = [];
    const b: LoketEvent[] = [];
    const offA = hub.subscribe((e) => a.push(e));
    const offB = hub.subscribe((e) => b.push(e));
    expect(FakeEventSource.all).toHaveLength(1);
    const es = FakeEventSource.all[0];
    expect(es.url).toBe('/api/v1/events');
    es.open();
    es.send(called);
    es.send({ topic: 'queue_changed' });
    es.send('garbage');
    expect(a).toEqual([called, { topic: 'queue_changed' }]);
    expect(b).toEqual(a);
    offA();
    offA(); // twice is harmless
    expect(es.closed).toBe(false);
    offB();
    expect(es.closed).toBe(true);
  });

  it('reports the connection state and asks for a refetch after a reconnect', () => {
    const hub = browserHub();
    const got: LoketEvent[] = [];
    const states: string[] = [];
    hub.subscribe((e) => got.push(e), (s) => states.push(s));
    const es = FakeEventSource.all[0];
    es.open();
    expect(got).toEqual([]); // the first connection is no reconnect
    es.fail(); // the browser retries by itself
    es.open();
    expect(states).toEqual(['connecting', 'open', 'lost', 'open']);
    expect(got).toEqual([{ topic: 'queue_changed' }]);
    expect(FakeEventSource.all).toHaveLength(1);
  });

  it('opens a new EventSource when the browser gave up on the old one', () => {
    vi.useFakeTimers();
    const hub = browserHub();
    const got: LoketEvent[] = [];
    hub.subscribe((e) => got.push(e));
    FakeEventSource.all[0].open();
    FakeEventSource.all[0].fail(true);
    expect(FakeEventSource.all[0].closed).toBe(true);
    vi.advanceTimersByTime(999);
    expect(FakeEventSource.all).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeEventSource.all).toHaveLength(2);
    FakeEventSource.all[1].open();
    expect(got).toEqual([{ topic: 'queue_changed' }]);
  });

  it('does not reconnect after everyone unsubscribed', () => {
    vi.useFakeTimers();
    const hub = browserHub();
    const off = hub.subscribe(() => {});
    FakeEventSource.all[0].fail(true);
    off();
    vi.advanceTimersByTime(5000);
    expect(FakeEventSource.all).toHaveLength(1);
  });

  it('keeps delivering to others when one handler throws', () => {
    const hub = browserHub();
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const got: LoketEvent[] = [];
    hub.subscribe(() => {
      throw new Error('boom');
    });
    hub.subscribe((e) => got.push(e));
    FakeEventSource.all[0].send({ topic: 'queue_changed' });
    expect(got).toHaveLength(1);
    expect(errors).toHaveBeenCalled();
    errors.mockRestore();
  });
});

describe('EventHub in the desktop window (Tauri events)', () => {
  it('listens to `loket-event` instead of opening an EventSource', async () => {
    let handler: ((e: { payload: unknown }) => void) | null = null;
    const unlisten = vi.fn();
    const listen: ListenFn = vi.fn(async (name, h) => {
      expect(name).toBe(TAURI_EVENT);
      handler = h;
      return unlisten;
    });
    const hub = new EventHub({
      host: () => ({ __TAURI_INTERNALS__: {} }),
      eventSource: () => {
        throw new Error('no EventSource inside Tauri');
      },
      loadListen: async () => listen,
    });
    const got: LoketEvent[] = [];
    const states: string[] = [];
    const off = hub.subscribe((e) => got.push(e), (s) => states.push(s));
    await vi.waitFor(() => expect(handler).not.toBeNull());
    handler!({ payload: called });
    handler!({ payload: { topic: 'queue_changed' } });
    expect(got).toEqual([called, { topic: 'queue_changed' }]);
    expect(states).toEqual(['connecting', 'open']);
    off();
    expect(unlisten).toHaveBeenCalledOnce();
  });

  it('drops a listener that arrives after the subscriber already left', async () => {
    const unlisten = vi.fn();
    let resolve: (() => void) | null = null;
    const listen: ListenFn = () =>
      new Promise((r) => {
        resolve = () => r(unlisten);
      });
    const hub = new EventHub({ host: () => ({ __TAURI_INTERNALS__: {} }), loadListen: async () => listen });
    const off = hub.subscribe(() => {});
    await vi.waitFor(() => expect(resolve).not.toBeNull());
    off();
    resolve!();
    await vi.waitFor(() => expect(unlisten).toHaveBeenCalledOnce());
  });
});
