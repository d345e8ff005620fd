import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from './api/client';
import { asSupervisor } from './supervisor';

function session(roles: string[]) {
  return { token: 'sup-token', session: { staff: { full_name: 'Maria Ulfa', roles } } } as never;
}

afterEach(() => vi.restoreAllMocks());

describe('a supervisor approving at another desk', () => {
  it('runs the call with the supervisor’s token and ends their session', async () => {
    const call = vi.spyOn(api, 'call').mockResolvedValue(session(['supervisor']));
    const callAs = vi.spyOn(api, 'callAs').mockResolvedValue({} as never);
    const out = await asSupervisor(' spv ', 'Rahasia-1', 'id', async (token) => `approved with ${token}`);
    expect(out).toBe('approved with sup-token');
    expect(call).toHaveBeenCalledWith('auth.login', { username: 'spv', password: 'Rahasia-1' });
    expect(callAs).toHaveBeenCalledWith('sup-token', 'auth.logout', {});
  });

  it('refuses staff who are not supervisors, and still logs them out', async () => {
    vi.spyOn(api, 'call').mockResolvedValue(session(['print_operator']));
    const callAs = vi.spyOn(api, 'callAs').mockResolvedValue({} as never);
    const fn = vi.fn();
    await expect(asSupervisor('op', 'x', 'id', fn)).rejects.toThrow('Maria Ulfa bukan supervisor.');
    expect(fn).not.toHaveBeenCalled();
    expect(callAs).toHaveBeenCalledWith('sup-token', 'auth.logout', {});
  });
});
