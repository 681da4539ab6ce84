/**
 * Builds the background's long-lived services from the browser's APIs. Everything here is cheap to
 * construct and holds no state that matters across a service-worker stop: auth state lives in
 * storage.session, the account snapshot in storage.local.
 */
import { browser } from 'wxt/browser';
import { createAccountService } from '../account/service';
import { createAuth, createSessionStore } from '../auth';
import { emit } from '../messaging/transport';
import { checkQuota, fetchSession, getMe, getSubscriptions } from '../sora/endpoints';
import { createSoraHttp } from '../sora/http';
import { randomSentinel } from '../sora/sentinel';

export function createServices() {
  const fetchFn: typeof fetch = (input, init) => fetch(input, init);
  const auth = createAuth({
    fetchSession: () => fetchSession(fetchFn),
    cookies: browser.cookies,
    store: createSessionStore(),
  });
  const http = createSoraHttp({
    fetch: fetchFn,
    getAccessToken: (opts) => auth.getAccessToken(opts),
    getDeviceId: () => auth.getDeviceId(),
    sentinel: randomSentinel(),
  });
  const account = createAccountService({
    readers: {
      readMe: () => getMe(http),
      readSubscriptions: () => getSubscriptions(http),
      readQuota: async () => (await checkQuota(http)).rate_limit_and_credit_balance ?? {},
    },
    cache: {
      get: (key) => browser.storage.local.get(key),
      set: (items) => browser.storage.local.set(items),
    },
    onChange: (snapshot) => void emit('account.changed', snapshot),
  });
  return { auth, http, account };
}

export type Services = ReturnType<typeof createServices>;
