// The hub's sync status, shared by the header's indicator and the sync screen: one `sync.status`
// at a time, refreshed on `sync_changed` events, every 30 s, and after the screen's own actions.

import { api, toApiError } from './api/client';
import type { SyncStatus } from './api/types.gen';

export const REFRESH_MS = 30_000;

class SyncState {
  status = $state<SyncStatus | null>(null);
  /** The hub's message when the last `sync.status` failed; the last good status stays shown. */
  error = $state<string | null>(null);
  /** When the numbers were read (ages are counted from here up to now). */
  readAt = $state<Date>(new Date());
  private running = false;
  private again = false;

  /** Reads the status; a refresh asked for while one runs is done once, right after it. */
  async refresh(): Promise<void> {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    try {
      do {
        this.again = false;
        try {
          this.set(await api.call('sync.status', {}));
        } catch (e) {
          this.error = toApiError(e).message;
          this.readAt = new Date();
        }
      } while (this.again);
    } finally {
      this.running = false;
    }
  }

  /** A status another command answered with (sync.now, sync.enroll, sync.settings). */
  set(s: SyncStatus): void {
    this.status = s;
    this.error = null;
    // The hub's clock: a LAN PC with a wrong clock still shows the right ages.
    const hubNow = new Date(s.now);
    this.readAt = Number.isNaN(hubNow.getTime()) ? new Date() : hubNow;
  }

  /** Forget everything (after a logout, so the next person never sees the previous figures). */
  reset(): void {
    this.status = null;
    this.error = null;
  }
}

export const syncState = new SyncState();
