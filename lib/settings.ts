/**
 * The user's settings, in storage.local under one key (`settingsItem`, lib/util/storage-items.ts). Pages read
 * and write them directly (no round trip through the background); the background follows `storage.onChanged`.
 * Nothing secret lives here.
 */
import * as v from 'valibot';
import { DEFAULT_LANGUAGE, LANGUAGE_SETTINGS, onStoredSettingsChanged } from './language-setting';
import { PATIENCE_SEC } from './util/patience';
import { settingsItem } from './util/storage-items';

const SettingsSchema = v.object({
  /** Most generations Sora may run at once for this account (NOTES.md: 3 is the usual ceiling). */
  concurrency: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(10)), 3),
  notifications: v.optional(v.boolean(), true),
  language: v.optional(v.picklist(LANGUAGE_SETTINGS), DEFAULT_LANGUAGE),
  /** Subfolder of the browser's download folder. */
  downloadFolder: v.optional(v.string(), 'Sora'),
  filenameTemplate: v.optional(v.string(), '{date}_{prompt:40}_{id}'),
  /** Optional user-run service that turns a share link into a clean download link. */
  parseServiceUrl: v.optional(v.string(), ''),
  keepPublished: v.optional(v.boolean(), false),
  sidecar: v.optional(v.picklist(['none', 'txt', 'json']), 'none'),
  /**
   * Hosts the user confirmed for their parse service's download links (besides Sora's own media host):
   * a link on any other host waits for the user. Revocable in Settings.
   */
  trustedMediaHosts: v.optional(v.array(v.string()), []),
  /** A JSON export of History into the download folder once a week (lib/background/history-export.ts). */
  autoExport: v.optional(v.boolean(), false),
  /**
   * Seconds to wait for Sora to answer a request; the other waits for a slow Sora follow from it
   * (lib/util/patience.ts). Whole seconds within the range; the default keeps every wait as it was.
   */
  patienceSec: v.optional(
    v.pipe(v.number(), v.integer(), v.minValue(PATIENCE_SEC.min), v.maxValue(PATIENCE_SEC.max)),
    PATIENCE_SEC.default,
  ),
});

export type Settings = v.InferOutput<typeof SettingsSchema>;
export const DEFAULT_SETTINGS: Settings = v.parse(SettingsSchema, {});

/** Stored values that no longer validate fall back to the default, one field at a time. */
export function normalizeSettings(raw: unknown): Settings {
  const input = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(SettingsSchema.entries)) {
    const field = SettingsSchema.entries[key as keyof Settings];
    const parsed = v.safeParse(field, input[key]);
    out[key] = parsed.success ? parsed.output : DEFAULT_SETTINGS[key as keyof Settings];
  }
  return out as Settings;
}

export async function loadSettings(): Promise<Settings> {
  return normalizeSettings(await settingsItem.getValue());
}

// Saves are read-merge-write: two in flight at once would each write the other's field back to its old
// value. One chain per page keeps them in order.
let saving: Promise<unknown> = Promise.resolve();

export function saveSettings(patch: Partial<Settings>): Promise<Settings> {
  const run = saving.then(async () => {
    const next = normalizeSettings({ ...(await loadSettings()), ...patch });
    await settingsItem.setValue(next);
    return next;
  });
  saving = run.catch(() => {});
  return run;
}

export function onSettingsChanged(fn: (settings: Settings) => void): () => void {
  return onStoredSettingsChanged((stored) => fn(normalizeSettings(stored)));
}
