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

export const useSettings = create<SettingsState>((set) => ({
  settings: null,
  saving: false,
  savedAt: null,
  error: null,
  start() {
    const stop = onSettingsChanged((settings) => set({ settings }));
    void loadSettings().then(
      (settings) => set((s) => (s.settings ? {} : { settings })),
      (e: unknown) => set({ error: toSerializedError(e) }),
    );
    return stop;
  },
  async save(patch) {
    set({ saving: true, error: null });
    try {
      const settings = await saveSettings(patch);
      set({ settings, savedAt: Date.now() });
    } catch (e) {
      set({ error: toSerializedError(e) });
    } finally {
      set({ saving: false });
    }
  },
}));
