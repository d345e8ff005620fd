// A supervisor's approval at someone else's desk (a biometric exception, a reprint): they type
// their own username and password, one call is made with their session, and that session ends at
// once; the person at the desk stays logged in.

import { ApiError, api } from './api/client';
import { translate, type Lang } from './i18n/dict';

/** Logs the supervisor in, runs `fn` with their token, logs them out; refuses staff who are not supervisors. */
export async function asSupervisor<T>(username: string, password: string, lang: Lang, fn: (token: string) => Promise<T>): Promise<T> {
  const login = await api.call('auth.login', { username: username.trim(), password });
  try {
    if (!login.session.staff.roles.includes('supervisor')) {
      throw new ApiError('FORBIDDEN', translate(lang, 'rec.approve_not_supervisor', { name: login.session.staff.full_name }));
    }
    return await fn(login.token);
  } finally {
    api.callAs(login.token, 'auth.logout', {}).catch(() => {});
  }
}
