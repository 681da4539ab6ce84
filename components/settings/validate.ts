/** Checks for the settings the user types; the stored schema (lib/settings.ts) only knows types. */
import { PATIENCE_SEC } from '../../lib/util/patience';

export const CONCURRENCY_MIN = 1;
export const CONCURRENCY_MAX = 10;

/** A whole number in range, or undefined. */
export function parseConcurrency(raw: string): number | undefined {
  const text = raw.trim();
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= CONCURRENCY_MIN && n <= CONCURRENCY_MAX ? n : undefined;
}

/** Seconds to wait for Sora to answer: a whole number in the setting's range, or undefined. */
export function parsePatience(raw: string): number | undefined {
  const text = raw.trim();
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= PATIENCE_SEC.min && n <= PATIENCE_SEC.max ? n : undefined;
}

/** Empty (no service) or an https:// URL with a host: the service receives share links, never over http. */
export function isValidParseServiceUrl(raw: string): boolean {
  const text = raw.trim();
  if (text === '') return true;
  try {
    const url = new URL(text);
    return url.protocol === 'https:' && url.hostname !== '';
  } catch {
    return false;
  }
}

/**
 * A folder under the browser's download folder: `downloads.download` refuses absolute paths, `..` and
 * characters Windows forbids, so they are refused here, where the user can still fix them. Empty means
 * the download folder itself.
 */
export function isValidDownloadFolder(raw: string): boolean {
  const text = raw.trim();
  if (text === '') return true;
  if (/^[/\\]/.test(text) || /[\\:*?"<>|]/.test(text)) return false;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused here.
  if (/[\u0000-\u001f]/.test(text)) return false;
  const parts = text.replace(/\/+$/, '').split('/');
  return parts.every((part) => part !== '..' && part !== '.' && part.trim() !== '');
}
