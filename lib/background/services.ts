/**
 * Builds the background's long-lived services from the browser's APIs. Everything here is cheap to
 * construct and holds no state that matters across a service-worker stop: auth state lives in
 * storage.session, the account snapshot in storage.local.
 */
import { browser } from 'wxt/browser';
import { createAccountService } from '../account/service';
import type { AccountSnapshot } from '../account/snapshot';
import { createSora2Service } from '../account/sora2';
import { createAuth, createSessionStore } from '../auth';
import { emit } from '../messaging/transport';
import { createServiceStatusTracker, type ServiceStatus } from '../service-status/status';
import { checkQuota, fetchSession, getMe, getSubscriptions } from '../sora/endpoints';
import { SoraError } from '../sora/errors';
import { createReachability, createSoraHttp } from '../sora/http';
import type { SentinelSource } from '../sora/sentinel';
import { accountSnapshotItem, serviceStatusItem } from '../util/storage-items';
import { followPatience, requestTimeout } from './patience';

export interface ServicesOptions {
  /** Where sentinel tokens come from (./page-sentinel.ts: a Sora tab's SDK, else hand-made). */
  sentinel: SentinelSource;
  /** Every new account snapshot (after it is cached and sent to pages). */
  onAccountChange?: (snapshot: AccountSnapshot) => void;
  /** Sora started or stopped answering as the Sora app (the record is already in storage.local). */
  onServiceStateChange?: (status: ServiceStatus) => void;
}

export function createServices(options: ServicesOptions) {
  const fetchFn: typeof fetch = (input, init) => fetch(input, init);
  const serviceStatus = createServiceStatusTracker({
    area: serviceStatusItem,
    onStateChange: (next) => options.onServiceStateChange?.(next),
  });
  const reachability = createReachability();
  const waits = followPatience();
  const timeoutMs = requestTimeout(waits);
  const auth = createAuth({
    fetchSession: async () => {
      try {
        const session = await fetchSession(fetchFn, { reachability, timeoutMs: await timeoutMs() });
        void serviceStatus.observe(null);
        return session;
      } catch (e) {
        if (e instanceof SoraError) void serviceStatus.observe(e);
        throw e;
      }
    },
    cookies: browser.cookies,
    store: createSessionStore(),
  });
  const http = createSoraHttp({
    fetch: fetchFn,
    getAccessToken: (opts) => auth.getAccessToken(opts),
    getDeviceId: () => auth.getDeviceId(),
    sentinel: options.sentinel,
    reachability,
    timeoutMs,
    onOutcome: (error) => void serviceStatus.observe(error),
  });
  const account = createAccountService({
    readers: {
      readMe: () => getMe(http),
      readSubscriptions: () => getSubscriptions(http),
      readQuota: async () => (await checkQuota(http)).rate_limit_and_credit_balance,
    },
    cache: accountSnapshotItem,
    onChange: (snapshot) => {
      void emit('account.changed', snapshot);
      options.onAccountChange?.(snapshot);
    },
  });
  // — account & settings —
  const sora2 = createSora2Service({ http, refreshAccount: () => account.refresh() });
  return { auth, http, account, sora2, serviceStatus, waits };
}

export type Services = ReturnType<typeof createServices>;
