/**
 * The pages' copy of the service-status record (lib/service-status): read straight from storage.local,
 * like the account snapshot, and followed through storage change events. The background writes it.
 */
import { browser } from 'wxt/browser';
import { create } from 'zustand';
import { SERVICE_STATUS_KEY, type ServiceStatus } from '../service-status/status';

interface ServiceState {
  status: ServiceStatus | null;
  /** Reads the record and follows it; returns an unsubscribe. */
  start(): () => void;
}

export const useServiceStatus = create<ServiceState>((set) => ({
  status: null,
  start() {
    void browser.storage.local.get(SERVICE_STATUS_KEY).then((stored) => {
      const value = stored[SERVICE_STATUS_KEY] as ServiceStatus | undefined;
      if (value) set({ status: value });
    });
    const onChanged = (changes: Record<string, { newValue?: unknown }>, area: string) => {
      if (area !== 'local' || !(SERVICE_STATUS_KEY in changes)) return;
      set({ status: (changes[SERVICE_STATUS_KEY]?.newValue as ServiceStatus | undefined) ?? null });
    };
    browser.storage.onChanged.addListener(onChanged);
    return () => browser.storage.onChanged.removeListener(onChanged);
  },
}));
