/**
 * The pages' copy of the service-status record (lib/service-status): read straight from storage.local,
 * like the account snapshot, and followed through storage change events. The background writes it.
 */
import { create } from 'zustand';
import type { ServiceStatus } from '../service-status/status';
import { serviceStatusItem } from '../util/storage-items';

interface ServiceState {
  status: ServiceStatus | null;
  /** Reads the record and follows it; returns an unsubscribe. */
  start(): () => void;
}

export const useServiceStatus = create<ServiceState>((set) => ({
  status: null,
  start() {
    void serviceStatusItem.getValue().then((value) => {
      if (value) set({ status: value as ServiceStatus });
    });
    return serviceStatusItem.watch((value) => set({ status: value as ServiceStatus | null }));
  },
}));
