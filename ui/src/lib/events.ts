// Live updates for the queue screens (kiosk, display board, counter), the sync indicator, the
// print station and blank stock screens and the supervisor's dashboard, in one place.
//
// A LAN browser reads the hub's server-sent events at `GET /api/v1/events` (no login needed); inside
// the Tauri desktop window the same events arrive as Tauri events named `loket-event`. Either way a
// subscriber gets the JSON `Event` of types.gen.ts. All subscribers share one connection.
//
// After the connection was lost and comes back, subscribers get a `queue_changed` so that they fetch
// again whatever they missed.

import type { Event as LoketEvent } from './api/types.gen';

export type { LoketEvent };
export type EventCallback = (event: LoketEvent) => void;
/** `connecting` before the first connection, `open` while connected, `lost` while reconnecting. */
export type ConnectionState = 'connecting' | 'open' | 'lost';
export type StateCallback = (state: ConnectionState) => void;

/** The part of the browser's EventSource this module uses. */
export interface EventSourceLike {
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  close(): void;
}

export type EventSourceFactory = (url: string) => EventSourceLike;
export type UnlistenFn = () => void;
/** `listen` of `@tauri-apps/api/event`. */
export type ListenFn = (event: string, handler: (e: { payload: unknown }) => void) => Promise<UnlistenFn>;

export interface EventHubOptions {
  /** The window to look for `__TAURI_INTERNALS__` on. */
  host?: () => { __TAURI_INTERNALS__?: unknown } | undefined;
  eventSource?: EventSourceFactory;
  /** Loads Tauri's `listen` (imported only inside the desktop window). */
  loadListen?: () => Promise<ListenFn>;
  url?: string;
  /** Wait before opening a new EventSource after the browser gave up on one. */
  retryMs?: number;
}

export const EVENTS_URL = '/api/v1/events';
export const TAURI_EVENT = 'loket-event';
const CLOSED = 2; // EventSource.CLOSED

/** Reads one event (a JSON string from SSE or an object from Tauri); null for anything unknown. */
export function parseEvent(raw: unknown): LoketEvent | null {
  let v = raw;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      return null;
    }
  }
  if (typeof v !== 'object' || v === null) return null;
  const topic = (v as { topic?: unknown }).topic;
  if (topic === 'queue_changed') return { topic: 'queue_changed' };
  if (topic === 'sync_changed') return { topic: 'sync_changed' };
  if (topic === 'print_changed') return { topic: 'print_changed' };
  if (topic === 'recording_changed') return { topic: 'recording_changed' };
  if (topic === 'ticket_called') {
    const a = v as Record<string, unknown>;
    if (typeof a.number !== 'string' || typeof a.counter_number !== 'number' || !Array.isArray(a.clips)) return null;
    return v as LoketEvent;
  }
  return null;
}

function defaultHost() {
  return typeof window === 'undefined' ? undefined : (window as unknown as { __TAURI_INTERNALS__?: unknown });
}

function defaultEventSource(url: string): EventSourceLike {
  return new EventSource(url) as unknown as EventSourceLike;
}

async function defaultLoadListen(): Promise<ListenFn> {
  const mod = await import('@tauri-apps/api/event');
  return mod.listen as unknown as ListenFn;
}

export class EventHub {
  private readonly host: NonNullable<EventHubOptions['host']>;
  private readonly makeSource: EventSourceFactory;
  private readonly loadListen: () => Promise<ListenFn>;
  private readonly url: string;
  private readonly retryMs: number;
  private readonly listeners = new Set<EventCallback>();
  private readonly stateListeners = new Set<StateCallback>();
  private source: EventSourceLike | null = null;
  private unlisten: UnlistenFn | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  /** Bumped on every start/stop, so a late Tauri `listen` answer of an old start is dropped. */
  private generation = 0;
  private wasLost = false;
  state: ConnectionState = 'connecting';

  constructor(opts: EventHubOptions = {}) {
    this.host = opts.host ?? defaultHost;
    this.makeSource = opts.eventSource ?? defaultEventSource;
    this.loadListen = opts.loadListen ?? defaultLoadListen;
    this.url = opts.url ?? EVENTS_URL;
    this.retryMs = opts.retryMs ?? 3000;
  }

  inTauri(): boolean {
    return !!this.host()?.__TAURI_INTERNALS__;
  }

  /** Calls `cb` for every event until the returned function is called. */
  subscribe(cb: EventCallback, onState?: StateCallback): () => void {
    this.listeners.add(cb);
    if (onState) {
      this.stateListeners.add(onState);
      onState(this.state);
    }
    if (this.listeners.size === 1) this.start();
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.listeners.delete(cb);
      if (onState) this.stateListeners.delete(onState);
      if (this.listeners.size === 0) this.stop();
    };
  }

  private setState(s: ConnectionState) {
    if (this.state === s) return;
    this.state = s;
    for (const f of [...this.stateListeners]) f(s);
  }

  private dispatch(raw: unknown) {
    const event = parseEvent(raw);
    if (!event) return;
    for (const cb of [...this.listeners]) {
      try {
        cb(event);
      } catch (e) {
        console.error('loket event handler failed', e);
      }
    }
  }

  private start() {
    const gen = ++this.generation;
    this.wasLost = false;
    if (this.inTauri()) {
      this.loadListen()
        .then((listen) => listen(TAURI_EVENT, (e) => this.dispatch(e.payload)))
        .then((un) => {
          if (gen !== this.generation) un();
          else {
            this.unlisten = un;
            this.setState('open');
          }
        })
        .catch((e) => {
          console.error('cannot listen to loket events', e);
          if (gen === this.generation) this.setState('lost');
        });
      return;
    }
    this.openSource(gen);
  }

  private openSource(gen: number) {
    let es: EventSourceLike;
    try {
      es = this.makeSource(this.url);
    } catch {
      this.setState('lost');
      this.scheduleRetry(gen);
      return;
    }
    this.source = es;
    es.onopen = () => {
      if (gen !== this.generation) return;
      const resync = this.wasLost;
      this.wasLost = false;
      this.setState('open');
      if (resync) this.dispatch({ topic: 'queue_changed' });
    };
    es.onmessage = (m) => {
      if (gen === this.generation) this.dispatch(m.data);
    };
    es.onerror = () => {
      if (gen !== this.generation) return;
      this.wasLost = true;
      this.setState('lost');
      // The browser retries by itself unless it gave up (e.g. the hub answered with an error).
      if (es.readyState === CLOSED) {
        es.close();
        if (this.source === es) this.source = null;
        this.scheduleRetry(gen);
      }
    };
  }

  private scheduleRetry(gen: number) {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (gen === this.generation && this.listeners.size > 0) {
        this.wasLost = true;
        this.openSource(gen);
      }
    }, this.retryMs);
  }

  private stop() {
    this.generation++;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.source) {
      this.source.onopen = this.source.onerror = this.source.onmessage = null;
      this.source.close();
      this.source = null;
    }
    this.unlisten?.();
    this.unlisten = null;
    this.state = 'connecting';
  }
}

export const events = new EventHub();

/** Live queue events; returns the function that stops them. */
export function subscribe(cb: EventCallback, onState?: StateCallback): () => void {
  return events.subscribe(cb, onState);
}
