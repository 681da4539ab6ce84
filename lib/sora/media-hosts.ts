/**
 * Which URLs the extension may fetch, preview or hand to the download manager (lib/sora/config.ts
 * `MEDIA_HOSTS`). A media URL comes from Sora's answers or from a parse service; whatever it points at would
 * be requested from the user's browser, so anything that is not `https:` on one of Sora's media hosts (or a
 * host the user confirmed for their parse service) is refused before any request. Pure: pages import it too.
 */
import { MEDIA_HOSTS } from './config';

/** The lower-case host of an `https:` URL (port included when not 443), else null. */
export function httpsHostOf(url: string | null | undefined): string | null {
  if (typeof url !== 'string' || url === '') return null;
  try {
    const u = new URL(url);
    // Credentials in a URL would be sent to whatever host follows the `@`: never accept them.
    if (u.protocol !== 'https:' || u.username !== '' || u.password !== '') return null;
    return u.host.toLowerCase();
  } catch {
    return null;
  }
}

/** Whether a URL is on one of Sora's own media hosts. */
export function isSoraMediaUrl(url: string | null | undefined): boolean {
  const host = httpsHostOf(url);
  return host !== null && MEDIA_HOSTS.includes(host);
}

export type MediaUrlVerdict =
  /** Sora's media host, or a host the user confirmed: go ahead. */
  | { ok: true; host: string }
  /** Not `https:`, unreadable, or carries credentials: never fetched. */
  | { ok: false; reason: 'not_https' }
  /** A well-formed `https:` URL on a host nobody confirmed. */
  | { ok: false; reason: 'foreign_host'; host: string };

/**
 * The check every fetch, HEAD, preview and download of a media URL passes. `confirmed` are the hosts the
 * user accepted for their parse service (settings); Sora's own answers get no such leeway (pass none).
 */
export function checkMediaUrl(
  url: string | null | undefined,
  confirmed: readonly string[] = [],
): MediaUrlVerdict {
  const host = httpsHostOf(url);
  if (host === null) return { ok: false, reason: 'not_https' };
  if (MEDIA_HOSTS.includes(host) || confirmed.map((h) => h.toLowerCase()).includes(host))
    return { ok: true, host };
  return { ok: false, reason: 'foreign_host', host };
}

/** A preview source only when it is on Sora's media host (or a local blob/data URL the page made itself). */
export function safePreviewSrc(url: string | null | undefined): string | undefined {
  if (typeof url !== 'string' || url === '') return undefined;
  if (url.startsWith('blob:') || url.startsWith('data:image/')) return url;
  return isSoraMediaUrl(url) ? url : undefined;
}

/** A host name as `httpsHostOf` gives it (lower case, optional port), or null when it is not one. */
export function normalizeHost(host: string): string | null {
  const trimmed = host.trim().toLowerCase();
  if (trimmed === '' || /[/?#@\\\s]/.test(trimmed)) return null;
  return httpsHostOf(`https://${trimmed}/`) === trimmed ? trimmed : null;
}
