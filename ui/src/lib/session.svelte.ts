import { api } from './api/client';
import type { Office, Role, SessionInfo } from './api/types.gen';
import { syncState } from './sync-state.svelte';

export type Notice = { kind: 'info' | 'error' | 'success'; text: string };

class AppState {
  /** From setup.status; null until the office has been set up. */
  office = $state<Office | null>(null);
  initialised = $state(false);
  session = $state<SessionInfo | null>(null);
  /** A message to show on the next screen (e.g. on the login screen after a logout). */
  notice = $state<Notice | null>(null);

  get roles(): Role[] {
    return this.session?.staff.roles ?? [];
  }

  /** The office of the session when logged in, otherwise from setup.status. */
  get zoneOffice(): Office | null {
    return this.session?.office ?? this.office;
  }

  signedIn(token: string, session: SessionInfo): void {
    api.setToken(token);
    this.session = session;
    this.office = session.office;
    this.notice = null;
  }

  signedOut(notice: Notice | null = null): void {
    api.setToken(null);
    this.session = null;
    this.notice = notice;
    syncState.reset();
  }
}

export const app = new AppState();
