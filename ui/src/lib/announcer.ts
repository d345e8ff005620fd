// Speaks queue calls on the display board: one announcement at a time, every clip to its end, a short
// gap between clips and a pause between announcements. Every call is spoken, a recall (call_count > 1)
// too. (There is no de-duplication: an announcement has no id of its own, and a ticket transferred and
// called again legitimately repeats ticket, counter and call count.)
//
// The player is injected, so the order and timing can be tested without audio.

export interface AnnouncementItem {
  ticket_id?: string;
  number: string;
  counter_number: number;
  counter_name?: string;
  service_name?: string;
  call_count: number;
  clips: string[];
}

/** What the test log keeps of a queued announcement. */
export interface QueuedRecord {
  number: string;
  counter_number: number;
  call_count: number;
  clips: string[];
  queued_at: number;
}

/** What the test log keeps of a finished announcement; times from `now()` (ms). */
export interface SpokenRecord {
  number: string;
  counter_number: number;
  call_count: number;
  clips: string[];
  started_at: number;
  ended_at: number;
  /** The sound was off: shown, not heard. */
  muted: boolean;
}

/** Plays one clip; resolves when it has finished (or failed), never earlier. */
export type ClipPlayer = (clip: string) => Promise<void>;

export interface AnnouncerOptions {
  play: ClipPlayer;
  /** Silence between two clips of one announcement (ms). */
  gapMs?: number;
  /** Silence between two announcements (ms). */
  pauseMs?: number;
  /** Whether the sound is on; when off, announcements pass without playing (still shown and logged). */
  enabled?: () => boolean;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  onStart?: (item: AnnouncementItem) => void;
  onEnd?: (item: AnnouncementItem, record: SpokenRecord) => void;
}

export const CLIP_GAP_MS = 120;
export const ANNOUNCEMENT_PAUSE_MS = 700;

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const defaultNow = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

export class Announcer {
  private readonly opts: Required<Omit<AnnouncerOptions, 'onStart' | 'onEnd'>> &
    Pick<AnnouncerOptions, 'onStart' | 'onEnd'>;
  private readonly waiting: AnnouncementItem[] = [];
  private running = false;
  private current_: AnnouncementItem | null = null;
  /** Every announcement queued, in order (test log). */
  readonly queued: QueuedRecord[] = [];
  /** Every announcement finished, in order (test log). */
  readonly spoken: SpokenRecord[] = [];
  /** Settles when the queue is empty and nothing plays. */
  private idleWaiters: (() => void)[] = [];

  constructor(opts: AnnouncerOptions) {
    this.opts = {
      gapMs: CLIP_GAP_MS,
      pauseMs: ANNOUNCEMENT_PAUSE_MS,
      enabled: () => true,
      sleep: defaultSleep,
      now: defaultNow,
      ...opts,
    };
  }

  /** The announcement being spoken now. */
  get current(): AnnouncementItem | null {
    return this.current_;
  }

  /** Announcements waiting for their turn (not counting the current one). */
  get pending(): number {
    return this.waiting.length;
  }

  /** Queues a call; it is spoken after those queued before it. */
  enqueue(item: AnnouncementItem): void {
    const copy = { ...item, clips: [...item.clips] };
    this.waiting.push(copy);
    this.queued.push({
      number: copy.number,
      counter_number: copy.counter_number,
      call_count: copy.call_count,
      clips: [...copy.clips],
      queued_at: this.opts.now(),
    });
    void this.run();
  }

  /** Drops the announcements not yet started. */
  clear(): void {
    this.waiting.length = 0;
  }

  /** Resolves when everything queued has been spoken. */
  idle(): Promise<void> {
    if (!this.running && this.waiting.length === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const { play, gapMs, pauseMs, enabled, sleep, now, onStart, onEnd } = this.opts;
    try {
      while (this.waiting.length > 0) {
        const item = this.waiting.shift()!;
        this.current_ = item;
        const muted = !enabled();
        const started = now();
        try {
          onStart?.(item);
        } catch (e) {
          console.error(e);
        }
        if (!muted) {
          for (let i = 0; i < item.clips.length; i++) {
            if (i > 0) await sleep(gapMs);
            try {
              await play(item.clips[i]);
            } catch {
              /* a clip that cannot play is skipped; the rest is still spoken */
            }
          }
        }
        const record: SpokenRecord = {
          number: item.number,
          counter_number: item.counter_number,
          call_count: item.call_count,
          clips: [...item.clips],
          started_at: started,
          ended_at: now(),
          muted,
        };
        this.spoken.push(record);
        this.current_ = null;
        try {
          onEnd?.(item, record);
        } catch (e) {
          console.error(e);
        }
        if (this.waiting.length > 0 && !muted) await sleep(pauseMs);
      }
    } finally {
      this.running = false;
      this.current_ = null;
      const waiters = this.idleWaiters.splice(0);
      for (const w of waiters) w();
    }
  }
}

/**
 * Plays `/audio/<clip>.wav` with an HTMLAudioElement and resolves when it has ended. A clip that
 * fails, is blocked, or hangs (past `timeoutMs`) resolves too, so one bad clip never stalls the queue.
 */
export function audioElementPlayer(opts: { base?: string; timeoutMs?: number; volume?: () => number } = {}): ClipPlayer {
  const base = opts.base ?? '/audio/';
  const timeoutMs = opts.timeoutMs ?? 8000;
  return (clip) =>
    new Promise<void>((resolve) => {
      const audio = new Audio(`${base}${clip}.wav`);
      if (opts.volume) audio.volume = opts.volume();
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        audio.onended = null;
        audio.onerror = null;
        if (!audio.ended) audio.pause();
        resolve();
      };
      const timer = setTimeout(finish, timeoutMs);
      audio.onended = finish;
      audio.onerror = finish;
      audio.play().catch(finish);
    });
}
