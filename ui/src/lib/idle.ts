// Logs out locally after a period without keyboard or mouse activity (the server enforces it too).

const EVENTS = ['mousemove', 'mousedown', 'keydown', 'wheel', 'touchstart', 'focusin'] as const;

export interface IdleClock {
  now(): number;
}

/** Starts watching; returns a function that stops it. */
export function watchIdle(
  minutes: number,
  onIdle: () => void,
  target: Pick<Window, 'addEventListener' | 'removeEventListener'> = window,
  clock: IdleClock = Date,
): () => void {
  const limit = Math.max(1, minutes) * 60_000;
  let last = clock.now();
  let fired = false;
  const touch = () => {
    last = clock.now();
  };
  for (const ev of EVENTS) target.addEventListener(ev, touch, { passive: true });
  const timer = setInterval(() => {
    if (!fired && clock.now() - last >= limit) {
      fired = true;
      onIdle();
    }
  }, Math.min(15_000, limit / 4));
  return () => {
    clearInterval(timer);
    for (const ev of EVENTS) target.removeEventListener(ev, touch);
  };
}
