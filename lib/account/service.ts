/**
 * Keeps the account snapshot: reads the three account endpoints together, retries Sora's transient
 * failures a few times, caches the result in storage.local (it holds no secret) so the popup can paint
 * the last known figures before the background has even woken up, and tells open pages when it changes.
 */
import { isSoraError, isTransient, toSerializedError } from '../sora/errors';
import type { MeResponse, RateLimitAndCreditBalance, SubscriptionsResponse } from '../sora/schemas';
import { withRetry } from '../util/backoff';
import type { ValueSlot } from '../util/storage-items';
import { type AccountSnapshot, toSnapshot } from './snapshot';

export interface AccountReaders {
  readMe(): Promise<MeResponse>;
  readSubscriptions(): Promise<SubscriptionsResponse>;
  readQuota(): Promise<RateLimitAndCreditBalance | null | undefined>;
}

export interface AccountServiceDeps {
  readers: AccountReaders;
  /** lib/util/storage-items.ts `accountSnapshotItem`. */
  cache: ValueSlot;
  onChange?: (snapshot: AccountSnapshot) => void;
  now?: () => number;
  /** How long a snapshot counts as fresh for `get({refresh:false})`. */
  maxAgeMs?: number;
  retry?: { attempts: number; baseMs: number; sleep?: (ms: number) => Promise<void> };
}

export function createAccountService(deps: AccountServiceDeps) {
  const now = deps.now ?? Date.now;
  const maxAgeMs = deps.maxAgeMs ?? 30_000;
  const retry = deps.retry ?? { attempts: 4, baseMs: 500 };
  let inflight: Promise<AccountSnapshot> | null = null;
  /**
   * Bumped by every logout. A read that was already out when the person logged out answers for the ended
   * session: saving it would put the account back on screen after "logged out" was shown.
   */
  let session = 0;

  async function cached(): Promise<AccountSnapshot | undefined> {
    return ((await deps.cache.getValue()) ?? undefined) as AccountSnapshot | undefined;
  }

  async function save(snapshot: AccountSnapshot): Promise<AccountSnapshot> {
    await deps.cache.setValue(snapshot);
    deps.onChange?.(snapshot);
    return snapshot;
  }

  async function read(): Promise<AccountSnapshot> {
    const readFor = session;
    const ended = async () => (await cached()) ?? { status: 'logged_out' as const };
    try {
      const [me, subs, quota] = await withRetry(
        () =>
          Promise.all([deps.readers.readMe(), deps.readers.readSubscriptions(), deps.readers.readQuota()]),
        {
          attempts: retry.attempts,
          baseMs: retry.baseMs,
          sleep: retry.sleep,
          shouldRetry: (e) => isSoraError(e) && isTransient(e.code),
          delayFor: (e, computed) => (isSoraError(e) && e.retryAfterMs ? e.retryAfterMs : computed),
        },
      );
      if (readFor !== session) return await ended();
      return await save(toSnapshot(me, subs, quota, now()));
    } catch (e) {
      if (readFor !== session) return await ended();
      const error = toSerializedError(e);
      if (error.code === 'logged_out' || error.code === 'auth_expired') {
        // Another person may log in next: keep nothing of this account's figures.
        return await save({ status: 'logged_out', error });
      }
      const previous = await cached();
      if (previous?.status === 'ok') return await save({ ...previous, error });
      return await save({ status: 'error', error });
    }
  }

  return {
    /** Single flight: every caller during a read shares it. */
    refresh(): Promise<AccountSnapshot> {
      inflight ??= read().finally(() => {
        inflight = null;
      });
      return inflight;
    },
    async get(opts: { refresh?: boolean } = {}): Promise<AccountSnapshot> {
      if (!opts.refresh) {
        const last = await cached();
        if (
          last?.status === 'ok' &&
          !last.error &&
          last.fetchedAt !== undefined &&
          now() - last.fetchedAt < maxAgeMs
        ) {
          return last;
        }
      }
      return this.refresh();
    },
    /** The session went away: show "logged out" at once, without asking Sora. */
    async markLoggedOut(): Promise<AccountSnapshot> {
      session++;
      // The next refresh (a new login) must not share a read made for the ended session.
      inflight = null;
      return save({ status: 'logged_out' });
    },
    cached,
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
