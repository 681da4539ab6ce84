/**
 * The UI's copy of the settings. Pages read and write storage.local directly (lib/settings.ts); following
 * `onSettingsChanged` keeps every open page in step, so a language picked in the side panel also switches
 * an open popup.
 */
import { create } from 'zustand';
import { loadSettings, onSettingsChanged, type Settings, saveSettings } from '../settings';
import { type SerializedError, toSerializedError } from '../sora/errors';

interface SettingsState {
  /** null until the first read from storage. */
  settings: Settings | null;
  saving: boolean;
  /** Epoch ms of the last successful save, for the "Saved" note. */
  savedAt: number | null;
  error: SerializedError | null;
  /** Reads the settings and follows changes; returns an unsubscribe. */
  start(): () => void;
  save(patch: Partial<Settings>): Promise<void>;
}

// Saves of this page still in flight: change events they cause would briefly show older values.
let pendingSaves = 0;

export const useSettings = create<SettingsState>((set) => ({
  settings: null,
  saving: false,
  savedAt: null,
  error: null,
  start() {
    const stop = onSettingsChanged((settings) => {
      if (pendingSaves === 0) set({ settings });
    });
    void loadSettings().then(
      (settings) => set((s) => (s.settings ? {} : { settings })),
      (e: unknown) => set({ error: toSerializedError(e) }),
    );
    return stop;
  },
  async save(patch) {
    pendingSaves++;
    // Shown at once: a checkbox must not flip back while the write is on its way.
    set((s) => ({
      saving: true,
      error: null,
      settings: s.settings ? { ...s.settings, ...patch } : s.settings,
    }));
    try {
      const settings = await saveSettings(patch);
      if (pendingSaves === 1) set({ settings, savedAt: Date.now() });
      else set({ savedAt: Date.now() });
    } catch (e) {
      set({ error: toSerializedError(e) });
    } finally {
      pendingSaves--;
      set({ saving: pendingSaves > 0 });
    }
  },
}));
