/**
 * The UI's copy of the account snapshot. It paints from the storage.local cache first (no round trip to
 * the background, which may be asleep), then asks the background for fresh figures and follows its
 * `account.changed` events.
 */
import { browser } from 'wxt/browser';
import { create } from 'zustand';
import { ACCOUNT_CACHE_KEY } from '../account/service';
import type { AccountSnapshot } from '../messaging/protocol';
import { listen, send } from '../messaging/transport';
import { toSerializedError } from '../sora/errors';

interface AccountState {
  snapshot: AccountSnapshot | null;
  refreshing: boolean;
  /** Paint the cache, then refresh; returns an unsubscribe for the live updates. */
  start(): () => void;
  refresh(): Promise<void>;
}

export const useAccount = create<AccountState>((set, get) => ({
  snapshot: null,
  refreshing: false,
  start() {
    void browser.storage.local.get(ACCOUNT_CACHE_KEY).then((stored) => {
      const cached = stored[ACCOUNT_CACHE_KEY] as AccountSnapshot | undefined;
      if (cached && !get().snapshot) set({ snapshot: cached });
    });
    const stop = listen('account.changed', (snapshot) => set({ snapshot }));
    void get().refresh();
    return stop;
  },
  async refresh() {
    set({ refreshing: true });
    try {
      set({ snapshot: await send('account.get', { refresh: true }) });
    } catch (e) {
      const previous = get().snapshot;
      set({ snapshot: { ...(previous ?? { status: 'error' }), error: toSerializedError(e) } });
    } finally {
      set({ refreshing: false });
    }
  },
}));
