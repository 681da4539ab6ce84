/**
 * The UI's copy of the account snapshot. It paints from the storage.local cache first (no round trip to
 * the background, which may be asleep), then asks the background for fresh figures and follows its
 * `account.changed` events.
 */
import { create } from 'zustand';
import type { AccountSnapshot } from '../account/snapshot';
import type { Sora2Status } from '../account/sora2';
import { listen, send } from '../messaging/transport';
import { type SerializedError, toSerializedError } from '../sora/errors';
import { accountSnapshotItem } from '../util/storage-items';

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
    void accountSnapshotItem.getValue().then((stored) => {
      const cached = stored as AccountSnapshot | null;
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

// — account & settings —

interface Sora2State {
  status: Sora2Status | null;
  loading: boolean;
  error: SerializedError | null;
  /** Reads the invite code and activation; keeps the last status on failure. */
  load(): Promise<void>;
}

/** Sora 2 access as the Account view shows it; asked for only while a session exists. */
export const useSora2 = create<Sora2State>((set) => ({
  status: null,
  loading: false,
  error: null,
  async load() {
    set({ loading: true, error: null });
    try {
      set({ status: await send('account.sora2', {}) });
    } catch (e) {
      set({ error: toSerializedError(e) });
    } finally {
      set({ loading: false });
    }
  },
}));

/** Puts a snapshot the background handed back (e.g. after setting the username) on screen at once. */
export function showAccountSnapshot(snapshot: AccountSnapshot): void {
  useAccount.setState({ snapshot });
}
