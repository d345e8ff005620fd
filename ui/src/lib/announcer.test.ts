import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Announcer, type AnnouncementItem } from './announcer';

/** A fake player: each clip "plays" for `ms` of fake time; logs start/end with the fake clock. */
function fakePlayer(ms = 500) {
  const log: { clip: string; start: number; end: number }[] = [];
  let playing = 0;
  let maxPlaying = 0;
  const play = (clip: string) =>
    new Promise<void>((resolve) => {
      playing += 1;
      maxPlaying = Math.max(maxPlaying, playing);
      const start = Date.now();
      setTimeout(() => {
        playing -= 1;
        log.push({ clip, start, end: Date.now() });
        resolve();
      }, ms);
    });
  return { play, log, maxPlaying: () => maxPlaying };
}

const clips = (letter: string, n: string, counter: string) => [
  'chime',
  'nomor-antrian',
  `huruf-${letter}`,
  n,
  'silakan-menuju',
  'loket',
  counter,
];

function call(id: string, number: string, counter: number, count = 1): AnnouncementItem {
  const [letter] = number.toLowerCase().split('-');
  return {
    ticket_id: id,
    number,
    counter_number: counter,
    call_count: count,
    clips: clips(letter, 'satu', counter === 1 ? 'satu' : 'dua'),
  };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(0);
});

afterEach(() => {
  vi.useRealTimers();
});

describe('Announcer', () => {
  it('plays the clips of one call in order with the gap between them', async () => {
    const p = fakePlayer(500);
    const a = new Announcer({ play: p.play, gapMs: 120, now: () => Date.now() });
    a.enqueue(call('t1', 'A-001', 1));
    await vi.runAllTimersAsync();
    await a.idle();
    expect(p.log.map((l) => l.clip)).toEqual(clips('a', 'satu', 'satu'));
    for (let i = 1; i < p.log.length; i++) {
      expect(p.log[i].start - p.log[i - 1].end).toBe(120);
    }
    expect(a.spoken).toHaveLength(1);
    expect(a.spoken[0]).toMatchObject({ number: 'A-001', counter_number: 1, call_count: 1, started_at: 0, muted: false });
    expect(a.spoken[0].ended_at).toBe(7 * 500 + 6 * 120);
  });

  it('never overlaps: calls arriving together are spoken one after the other, in arrival order', async () => {
    const p = fakePlayer(300);
    const a = new Announcer({ play: p.play, gapMs: 120, pauseMs: 700, now: () => Date.now() });
    a.enqueue(call('t1', 'A-001', 1));
    a.enqueue(call('t2', 'A-002', 2));
    await vi.advanceTimersByTimeAsync(100);
    a.enqueue(call('t3', 'B-001', 1));
    expect(a.pending).toBe(2);
    await vi.runAllTimersAsync();
    await a.idle();
    expect(p.maxPlaying()).toBe(1);
    expect(a.spoken.map((s) => s.number)).toEqual(['A-001', 'A-002', 'B-001']);
    expect(a.queued.map((s) => s.number)).toEqual(['A-001', 'A-002', 'B-001']);
    for (let i = 1; i < a.spoken.length; i++) {
      expect(a.spoken[i].started_at).toBeGreaterThanOrEqual(a.spoken[i - 1].ended_at + 700);
    }
    // Every clip of every call played to its end: 3 × 7 clips.
    expect(p.log).toHaveLength(21);
  });

  it('speaks a recall again, and a transferred ticket called again with the same call count', async () => {
    const p = fakePlayer(100);
    const a = new Announcer({ play: p.play, now: () => Date.now() });
    a.enqueue(call('t1', 'A-001', 1, 1));
    a.enqueue(call('t1', 'A-001', 1, 2));
    // Transferred to another service, its call count starts again.
    a.enqueue(call('t1', 'A-001', 2, 1));
    await vi.runAllTimersAsync();
    await a.idle();
    expect(a.spoken.map((s) => [s.number, s.counter_number, s.call_count])).toEqual([
      ['A-001', 1, 1],
      ['A-001', 1, 2],
      ['A-001', 2, 1],
    ]);
    expect(p.log).toHaveLength(21);
  });

  it('goes on after a clip that fails', async () => {
    const played: string[] = [];
    const a = new Announcer({
      play: async (clip) => {
        played.push(clip);
        if (clip === 'huruf-a') throw new Error('cannot decode');
      },
    });
    a.enqueue(call('t1', 'A-001', 1));
    await vi.runAllTimersAsync();
    await a.idle();
    expect(played).toEqual(clips('a', 'satu', 'satu'));
    expect(a.spoken).toHaveLength(1);
  });

  it('shows but does not play while the sound is off, and tells when a call starts and ends', async () => {
    const p = fakePlayer(100);
    let on = false;
    const started: string[] = [];
    const ended: string[] = [];
    const a = new Announcer({
      play: p.play,
      enabled: () => on,
      onStart: (i) => started.push(i.number),
      onEnd: (i) => ended.push(i.number),
    });
    a.enqueue(call('t1', 'A-001', 1));
    await vi.runAllTimersAsync();
    await a.idle();
    expect(p.log).toHaveLength(0);
    expect(a.spoken[0].muted).toBe(true);
    on = true;
    a.enqueue(call('t2', 'A-002', 2));
    expect(started).toEqual(['A-001', 'A-002']);
    expect(a.current?.number).toBe('A-002');
    await vi.runAllTimersAsync();
    await a.idle();
    expect(ended).toEqual(['A-001', 'A-002']);
    expect(a.current).toBeNull();
    expect(p.log).toHaveLength(7);
  });

  it('drops calls not yet started on clear()', async () => {
    const p = fakePlayer(100);
    const a = new Announcer({ play: p.play });
    a.enqueue(call('t1', 'A-001', 1));
    a.enqueue(call('t2', 'A-002', 1));
    a.clear();
    await vi.runAllTimersAsync();
    await a.idle();
    expect(a.spoken.map((s) => s.number)).toEqual(['A-001']);
  });
});
