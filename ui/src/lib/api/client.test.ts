import { describe, expect, it, vi } from 'vitest';
import { ApiClient, ApiError, fileUrl, toApiError } from './client';

function memoryStorage() {
  const m = new Map<string, string>();
  return {
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
    removeItem: (k: string) => void m.delete(k),
    map: m,
  };
}

function jsonResponse(status: number, body: unknown): Response {
  return new Response(typeof body === 'string' ? body : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

describe('api client over HTTP (LAN browser)', () => {
  it('POSTs the payload to /api/v1/<name> with the bearer token', async () => {
    const fetch = vi.fn(async () => jsonResponse(200, { items: [] }));
    const storage = memoryStorage();
    const client = new ApiClient({ fetch, host: () => ({}), storage: () => storage });
    client.setToken('tok-123');
    const res = await client.call('staff.list', { include_inactive: true });
    expect(res).toEqual({ items: [] });
    expect(fetch).toHaveBeenCalledTimes(1);
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/v1/staff.list');
    expect(init.method).toBe('POST');
    const headers = init.headers as Record<string, string>;
    expect(headers.authorization).toBe('Bearer tok-123');
    expect(headers['content-type']).toBe('application/json');
    expect(JSON.parse(init.body as string)).toEqual({ include_inactive: true });
    expect(storage.map.get('loket.token')).toBe('tok-123');
  });

  it('sends no authorization header without a token and restores a stored token', async () => {
    const fetch = vi.fn(async () => jsonResponse(200, { initialised: false, office: null }));
    const client = new ApiClient({ fetch, host: () => ({}), storage: () => memoryStorage() });
    await client.call('setup.status', {});
    const init = (fetch.mock.calls[0] as unknown as [string, RequestInit])[1];
    expect((init.headers as Record<string, string>).authorization).toBeUndefined();

    const storage = memoryStorage();
    storage.setItem('loket.token', 'saved');
    expect(new ApiClient({ fetch, host: () => ({}), storage: () => storage }).getToken()).toBe('saved');
  });

  it('turns a non-2xx answer into an ApiError with code, message and field', async () => {
    const fetch = vi.fn(async () =>
      jsonResponse(422, { code: 'VALIDATION', message: 'Nama pengguna sudah dipakai.', field: 'username' }),
    );
    const client = new ApiClient({ fetch, host: () => ({}), storage: () => memoryStorage() });
    const err = await client
      .call('staff.create', { username: 'a', full_name: 'A', roles: ['counter_officer'], initial_password: 'x' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('VALIDATION');
    expect((err as ApiError).message).toBe('Nama pengguna sudah dipakai.');
    expect((err as ApiError).field).toBe('username');
    expect((err as ApiError).status).toBe(422);
  });

  it('reports an error body without a field, and a body that is not JSON', async () => {
    const client1 = new ApiClient({
      fetch: async () => jsonResponse(423, { code: 'ACCOUNT_LOCKED', message: 'Akun terkunci.' }),
      host: () => ({}),
      storage: () => memoryStorage(),
    });
    const e1 = (await client1.call('auth.login', { username: 'a', password: 'b' }).catch((e) => e)) as ApiError;
    expect(e1.code).toBe('ACCOUNT_LOCKED');
    expect(e1.field).toBeUndefined();

    const client2 = new ApiClient({
      fetch: async () => new Response('<html>Bad gateway</html>', { status: 502 }),
      host: () => ({}),
      storage: () => memoryStorage(),
    });
    const e2 = (await client2.call('auth.me', {}).catch((e) => e)) as ApiError;
    expect(e2).toBeInstanceOf(ApiError);
    expect(e2.code).toBe('BAD_RESPONSE');
    expect(e2.message).toContain('502');
  });

  it('reports a network failure as NETWORK', async () => {
    const client = new ApiClient({
      fetch: async () => {
        throw new TypeError('Failed to fetch');
      },
      host: () => ({}),
      storage: () => memoryStorage(),
    });
    const e = (await client.call('setup.status', {}).catch((x) => x)) as ApiError;
    expect(e.code).toBe('NETWORK');
  });

  it('tells the app about UNAUTHENTICATED and PASSWORD_CHANGE_REQUIRED', async () => {
    const codes = ['UNAUTHENTICATED', 'PASSWORD_CHANGE_REQUIRED', 'FORBIDDEN'];
    let i = 0;
    const client = new ApiClient({
      fetch: async () => jsonResponse(401, { code: codes[i++], message: 'm' }),
      host: () => ({}),
      storage: () => memoryStorage(),
    });
    const seen: string[] = [];
    client.onAuthFailure((e) => seen.push(e.code));
    for (let n = 0; n < 3; n++) await client.call('auth.me', {}).catch(() => {});
    expect(seen).toEqual(['UNAUTHENTICATED', 'PASSWORD_CHANGE_REQUIRED']);
  });
});

describe('one call as another person (a supervisor approving at a desk)', () => {
  it('sends that token, keeps the session token, and never signs this window out', async () => {
    const fetch = vi.fn(async () => jsonResponse(401, { code: 'UNAUTHENTICATED', message: 'Sesi berakhir.' }));
    const client = new ApiClient({ fetch, host: () => ({}), storage: () => memoryStorage() });
    client.setToken('operator');
    const signedOut = vi.fn();
    client.onAuthFailure(signedOut);
    const err = await client
      .callAs('supervisor-token', 'recording.approve_exception', { recording_id: 'r', part: { finger: 'left_little' } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('UNAUTHENTICATED');
    const init = (fetch.mock.calls[0] as unknown as [string, RequestInit])[1];
    expect((init.headers as Record<string, string>).authorization).toBe('Bearer supervisor-token');
    expect(signedOut).not.toHaveBeenCalled();
    expect(client.getToken()).toBe('operator');
  });

  it('passes that token to the rpc command inside Tauri', async () => {
    const invoke = vi.fn(async () => ({}));
    const client = new ApiClient({ host: () => ({ __TAURI_INTERNALS__: { invoke } }), storage: () => undefined });
    client.setToken('operator');
    await client.callAs('sup', 'auth.logout', {});
    expect(invoke).toHaveBeenCalledWith('rpc', { name: 'auth.logout', token: 'sup', payload: {} });
  });
});

describe('api client inside Tauri', () => {
  it('uses __TAURI_INTERNALS__.invoke("rpc") and not fetch', async () => {
    const invoke = vi.fn(async () => ({ idle_timeout_minutes: 15, lan_access: false }));
    const fetch = vi.fn();
    const storage = memoryStorage();
    const client = new ApiClient({
      fetch,
      host: () => ({ __TAURI_INTERNALS__: { invoke } }),
      storage: () => storage,
    });
    client.setToken('desk-token');
    const res = await client.call('settings.get', {});
    expect(res).toEqual({ idle_timeout_minutes: 15, lan_access: false });
    expect(fetch).not.toHaveBeenCalled();
    expect(invoke).toHaveBeenCalledWith('rpc', { name: 'settings.get', token: 'desk-token', payload: {} });
    // The desktop keeps its token in memory only.
    expect(storage.map.size).toBe(0);
  });

  it('turns a rejected invoke into an ApiError', async () => {
    const invoke = vi.fn(async () => {
      throw { code: 'WRONG_PASSWORD', message: 'Nama pengguna atau kata sandi salah.' };
    });
    const client = new ApiClient({ host: () => ({ __TAURI_INTERNALS__: { invoke } }), storage: () => undefined });
    const e = (await client.call('auth.login', { username: 'a', password: 'b' }).catch((x) => x)) as ApiError;
    expect(e).toBeInstanceOf(ApiError);
    expect(e.code).toBe('WRONG_PASSWORD');
    expect(e.message).toBe('Nama pengguna atau kata sandi salah.');
  });

  it('asks the shell to make, save and open a file output with the session token', async () => {
    const invoke = vi.fn(async () => ({ path: '/data/cetak/slip-a5.pdf', opened: true }));
    const client = new ApiClient({ host: () => ({ __TAURI_INTERNALS__: { invoke } }), storage: () => undefined });
    client.setToken('desk-token');
    const res = await client.openFileInDesktop('intake.return_slip', { application_id: 'app-1', paper: 'a5' });
    expect(res).toEqual({ path: '/data/cetak/slip-a5.pdf', opened: true });
    expect(invoke).toHaveBeenCalledWith('open_file', {
      name: 'intake.return_slip', token: 'desk-token', payload: { application_id: 'app-1', paper: 'a5' },
    });
  });

  it('fetches a file output over HTTP with the token in the header and the name from the hub', async () => {
    const seen: { url: string; init: RequestInit }[] = [];
    const fetch = vi.fn(async (url: string, init: RequestInit) => {
      seen.push({ url, init });
      return new Response(new Blob(['%PDF-1.7']), {
        status: 200,
        headers: { 'content-type': 'application/pdf', 'content-disposition': 'inline; filename="bukti-perekaman-BP-1-80.pdf"' },
      });
    });
    const client = new ApiClient({ host: () => undefined, fetch, storage: () => undefined });
    client.setToken('lan-token');
    const f = await client.file('recording.receipt', { recording_id: 'r 1', paper: '80' });
    expect(f.fileName).toBe('bukti-perekaman-BP-1-80.pdf');
    expect(await f.blob.text()).toBe('%PDF-1.7');
    expect(seen[0].url).toBe('/api/v1/files/recording.receipt?recording_id=r+1&paper=80');
    expect(seen[0].init.headers).toEqual({ authorization: 'Bearer lan-token' });
    expect(fileUrl('queue.ticket_pdf', { ticket_id: 't-1' })).toBe('/api/v1/files/queue.ticket_pdf?ticket_id=t-1');
  });

  it('sends a reset-password refusal of a file to the password change', async () => {
    const fetch = vi.fn(async () =>
      new Response(JSON.stringify({ code: 'PASSWORD_CHANGE_REQUIRED', message: 'Ganti kata sandi.' }), { status: 403 }),
    );
    const client = new ApiClient({ host: () => undefined, fetch, storage: () => undefined });
    const seen: string[] = [];
    client.onAuthFailure((e) => seen.push(e.code));
    const e = (await client.file('intake.return_slip', { application_id: 'a' }).catch((x) => x)) as ApiError;
    expect(e.code).toBe('PASSWORD_CHANGE_REQUIRED');
    expect(e.status).toBe(403);
    expect(seen).toEqual(['PASSWORD_CHANGE_REQUIRED']);
  });

  it('signs out when the shell refuses a PDF for an expired session', async () => {
    const invoke = vi.fn(async () => {
      throw { code: 'UNAUTHENTICATED', message: 'Sesi berakhir.' };
    });
    const client = new ApiClient({ host: () => ({ __TAURI_INTERNALS__: { invoke } }), storage: () => undefined });
    const seen: string[] = [];
    client.onAuthFailure((e) => seen.push(e.code));
    const e = (await client
      .openFileInDesktop('recording.receipt', { recording_id: 'r', paper: '80' })
      .catch((x) => x)) as ApiError;
    expect(e.code).toBe('UNAUTHENTICATED');
    expect(seen).toEqual(['UNAUTHENTICATED']);
  });

  it('reads a plain string rejection too', () => {
    expect(toApiError('command rpc not found').code).toBe('INTERNAL');
    expect(toApiError('{"code":"FORBIDDEN","message":"x"}').code).toBe('FORBIDDEN');
  });
});
