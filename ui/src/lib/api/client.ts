// The one command layer: every action of the UI is `api.call(name, payload)`, every file the hub
// makes (PDF, …) is `api.file(name, request)`. Inside the Tauri desktop window they go through the
// `rpc` and `open_file` commands; in a LAN browser they are `POST /api/v1/<name>` and
// `GET /api/v1/files/<name>?…`, with a bearer token.

import type { Commands, FileCommands } from './types.gen';

export type CommandName = keyof Commands;
export type RequestOf<K extends CommandName> = Commands[K]['request'];
export type ResponseOf<K extends CommandName> = Commands[K]['response'];
export type FileCommandName = keyof FileCommands;
export type FileRequestOf<K extends FileCommandName> = FileCommands[K]['request'];

/** Codes produced by the client itself, next to the server's codes. */
export const NETWORK_ERROR = 'NETWORK';
export const BAD_RESPONSE = 'BAD_RESPONSE';

export class ApiError extends Error {
  readonly code: string;
  readonly field: string | undefined;
  readonly status: number | undefined;

  constructor(code: string, message: string, field?: string | null, status?: number) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.field = field ?? undefined;
    this.status = status;
  }
}

interface TauriInternals {
  invoke(cmd: string, args: Record<string, unknown>): Promise<unknown>;
}

interface HostWindow {
  __TAURI_INTERNALS__?: TauriInternals;
}

type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface ClientOptions {
  /** The window to look for `__TAURI_INTERNALS__` on; read at every call. */
  host?: () => HostWindow | undefined;
  fetch?: FetchLike;
  /** Where the LAN browser keeps its token (sessionStorage). Not used inside Tauri. */
  storage?: () => StorageLike | undefined;
  baseUrl?: string;
}

/** Where the desktop shell saved a file, and whether a viewer was started on it. */
export interface DesktopFile {
  path: string;
  opened: boolean;
}

/** A file the hub made, with the name it suggests (from Content-Disposition). */
export interface FetchedFile {
  blob: Blob;
  fileName: string;
}

/** `/api/v1/files/<name>?field=value`: where a LAN browser fetches a file output. */
export function fileUrl<K extends FileCommandName>(name: K, request: FileRequestOf<K>, baseUrl = '/api/v1/'): string {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(request as Record<string, string | undefined>)) {
    if (v !== undefined && v !== null) query.set(k, String(v));
  }
  const q = query.toString();
  return `${baseUrl}files/${encodeURIComponent(name)}${q ? '?' + q : ''}`;
}

/** The file name in `inline; filename="x.pdf"`, or `fallback`. */
export function dispositionFileName(header: string | null, fallback: string): string {
  const m = header ? /filename="([^"]+)"/.exec(header) : null;
  return m ? m[1] : fallback;
}

export type AuthFailureHandler = (error: ApiError) => void;

const TOKEN_KEY = 'loket.token';

const NETWORK_MESSAGE =
  'Tidak dapat menghubungi server Loket. Periksa sambungan jaringan, lalu coba lagi.';

function isErrorBody(v: unknown): v is { code: string; message: string; field?: string | null } {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as { code?: unknown }).code === 'string' &&
    typeof (v as { message?: unknown }).message === 'string'
  );
}

function defaultHost(): HostWindow | undefined {
  return typeof window === 'undefined' ? undefined : (window as unknown as HostWindow);
}

function defaultStorage(): StorageLike | undefined {
  try {
    return typeof sessionStorage === 'undefined' ? undefined : sessionStorage;
  } catch {
    return undefined;
  }
}

export class ApiClient {
  private token: string | null = null;
  private readonly host: () => HostWindow | undefined;
  private readonly fetchImpl: FetchLike | undefined;
  private readonly storage: () => StorageLike | undefined;
  private readonly baseUrl: string;
  private authFailure: AuthFailureHandler | null = null;

  constructor(opts: ClientOptions = {}) {
    this.host = opts.host ?? defaultHost;
    this.fetchImpl = opts.fetch;
    this.storage = opts.storage ?? defaultStorage;
    this.baseUrl = opts.baseUrl ?? '/api/v1/';
    if (!this.inTauri()) {
      this.token = this.storage()?.getItem(TOKEN_KEY) ?? null;
    }
  }

  inTauri(): boolean {
    const h = this.host();
    return !!h && typeof h.__TAURI_INTERNALS__?.invoke === 'function';
  }

  getToken(): string | null {
    return this.token;
  }

  setToken(token: string | null): void {
    this.token = token;
    if (this.inTauri()) return;
    const s = this.storage();
    if (!s) return;
    if (token) s.setItem(TOKEN_KEY, token);
    else s.removeItem(TOKEN_KEY);
  }

  /** Called for UNAUTHENTICATED and PASSWORD_CHANGE_REQUIRED after the call has failed. */
  onAuthFailure(handler: AuthFailureHandler | null): void {
    this.authFailure = handler;
  }

  async call<K extends CommandName>(name: K, payload: RequestOf<K>): Promise<ResponseOf<K>> {
    try {
      return (await this.send(name, payload)) as ResponseOf<K>;
    } catch (e) {
      throw this.authChecked(e);
    }
  }

  /**
   * One call with another person's token (a supervisor approving at this desk), leaving this
   * window's session alone: an error here never signs this window out.
   */
  async callAs<K extends CommandName>(token: string, name: K, payload: RequestOf<K>): Promise<ResponseOf<K>> {
    try {
      return (await this.send(name, payload, token)) as ResponseOf<K>;
    } catch (e) {
      throw toApiError(e);
    }
  }

  /**
   * A file output (LAN browser): fetched with the session's token in the header (never in the
   * address, so never in a log).
   */
  async file<K extends FileCommandName>(name: K, request: FileRequestOf<K>): Promise<FetchedFile> {
    try {
      const f = this.fetchImpl ?? (globalThis.fetch as FetchLike | undefined);
      if (!f) throw new ApiError(NETWORK_ERROR, NETWORK_MESSAGE);
      const headers: Record<string, string> = {};
      if (this.token) headers.authorization = 'Bearer ' + this.token;
      let res: Response;
      try {
        res = await f(fileUrl(name, request, this.baseUrl), { method: 'GET', headers });
      } catch {
        throw new ApiError(NETWORK_ERROR, NETWORK_MESSAGE);
      }
      if (!res.ok) {
        const body: unknown = await res.json().catch(() => null);
        if (isErrorBody(body)) throw new ApiError(body.code, body.message, body.field, res.status);
        throw new ApiError(BAD_RESPONSE, `Server Loket memberi jawaban yang tidak dikenali (HTTP ${res.status}). Coba lagi.`, undefined, res.status);
      }
      return { blob: await res.blob(), fileName: dispositionFileName(res.headers.get('content-disposition'), name) };
    } catch (e) {
      throw this.authChecked(e);
    }
  }

  /**
   * Desktop window only: the shell makes the file through the same access check, saves it under the
   * data folder and opens it in the computer's viewer (WebKitGTK cannot show or download PDFs).
   */
  async openFileInDesktop<K extends FileCommandName>(name: K, request: FileRequestOf<K>): Promise<DesktopFile> {
    const tauri = this.host()?.__TAURI_INTERNALS__;
    if (!tauri || typeof tauri.invoke !== 'function') {
      throw new ApiError(BAD_RESPONSE, 'Hanya tersedia di aplikasi desktop.');
    }
    try {
      return (await tauri.invoke('open_file', { name, token: this.token, payload: request })) as DesktopFile;
    } catch (e) {
      throw this.authChecked(e);
    }
  }

  /** The error of a failed call, after telling the app when the session is gone or must change. */
  private authChecked(e: unknown): ApiError {
    const err = toApiError(e);
    if ((err.code === 'UNAUTHENTICATED' || err.code === 'PASSWORD_CHANGE_REQUIRED') && this.authFailure) {
      this.authFailure(err);
    }
    return err;
  }

  private async send(name: string, payload: unknown, token: string | null = this.token): Promise<unknown> {
    const tauri = this.host()?.__TAURI_INTERNALS__;
    if (tauri && typeof tauri.invoke === 'function') {
      return tauri.invoke('rpc', { name, token, payload });
    }
    const f = this.fetchImpl ?? (globalThis.fetch as FetchLike | undefined);
    if (!f) throw new ApiError(NETWORK_ERROR, NETWORK_MESSAGE);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.authorization = 'Bearer ' + token;
    let res: Response;
    try {
      res = await f(this.baseUrl + name, {
        method: 'POST',
        headers,
        body: JSON.stringify(payload ?? {}),
      });
    } catch {
      throw new ApiError(NETWORK_ERROR, NETWORK_MESSAGE);
    }
    const text = await res.text();
    let body: unknown = undefined;
    if (text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
    }
    if (!res.ok) {
      if (isErrorBody(body)) {
        throw new ApiError(body.code, body.message, body.field, res.status);
      }
      throw new ApiError(
        BAD_RESPONSE,
        `Server Loket memberi jawaban yang tidak dikenali (HTTP ${res.status}). Coba lagi.`,
        undefined,
        res.status,
      );
    }
    if (text.length > 0 && body === undefined) {
      throw new ApiError(BAD_RESPONSE, 'Server Loket memberi jawaban yang tidak dapat dibaca.');
    }
    return body ?? {};
  }
}

/** Turns anything thrown (an ApiError, the Tauri error object, a string, an Error) into an ApiError. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (isErrorBody(e)) return new ApiError(e.code, e.message, e.field);
  if (typeof e === 'string') {
    try {
      const parsed: unknown = JSON.parse(e);
      if (isErrorBody(parsed)) return new ApiError(parsed.code, parsed.message, parsed.field);
    } catch {
      /* not JSON */
    }
    return new ApiError('INTERNAL', e);
  }
  if (e instanceof Error) return new ApiError('INTERNAL', e.message);
  return new ApiError('INTERNAL', 'Terjadi kesalahan yang tidak diketahui.');
}

export const api = new ApiClient();
