/**
 * "Save a copy of History every week": the same JSON as the Export button (./exchange.ts), handed to the
 * download manager by the background. A daily alarm checks whether a week has passed since the last copy, so
 * a browser closed on the day catches up at its next start; the time of the last copy is kept in
 * storage.local (lib/util/storage-items.ts `autoExportAtItem`: it must still be written when IndexedDB is
 * out of space).
 */
import type { CompanionDb } from '../db/schema';
import { exportJson } from './exchange';
import { queryHistory } from './repo';
import { DEFAULT_FILTER } from './search';

export const AUTO_EXPORT_ALARM = 'history.autoExport';
export const AUTO_EXPORT_EVERY_MS = 7 * 24 * 60 * 60 * 1000;
/** How often the alarm looks (a week between copies, checked daily). */
export const AUTO_EXPORT_CHECK_MINUTES = 24 * 60;

export const autoExportDue = (lastAt: number | null, now: number): boolean =>
  lastAt === null || now - lastAt >= AUTO_EXPORT_EVERY_MS;

/** `Sora/companion-history-2026-12-06.json` (the folder setting is checked where it is saved). */
export function autoExportFilename(folder: string, now: number): string {
  const name = `companion-history-${new Date(now).toISOString().slice(0, 10)}.json`;
  const dir = folder.trim().replace(/^\/+|\/+$/g, '');
  return dir === '' ? name : `${dir}/${name}`;
}

export interface AutoExportDeps {
  db: () => Promise<CompanionDb>;
  /** Hands the text to the download manager; resolves once it accepted it. */
  save(filename: string, text: string): Promise<void>;
  now: () => number;
}

/** Exports every History item (deleted ones left out, as the Export button does); returns the file name. */
export async function runAutoExport(deps: AutoExportDeps, folder: string): Promise<string> {
  const now = deps.now();
  const items = await queryHistory(await deps.db(), DEFAULT_FILTER);
  items.sort((a, b) => b.createdAt - a.createdAt);
  const filename = autoExportFilename(folder, now);
  await deps.save(filename, exportJson(items, now));
  return filename;
}
