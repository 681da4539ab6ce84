/**
 * The device id sent as `oai-device-id`. The Sora web app's own `oai-did` cookie is preferred so requests look
 * like they come from the same browser; without it a random uuid is kept in storage.local (not a secret).
 */
import { browser } from 'wxt/browser';
import { type CookiesLike, readDeviceId } from './cookies';
import type { StorageAreaLike } from './store';

export const DEVICE_ID_KEY = 'device.id';

export function createDeviceIdSource(
  cookies: Pick<CookiesLike, 'get'>,
  local: StorageAreaLike = browser.storage.local,
): () => Promise<string> {
  let fallback: Promise<string> | undefined;

  const loadFallback = async (): Promise<string> => {
    const stored = (await local.get(DEVICE_ID_KEY))[DEVICE_ID_KEY];
    if (typeof stored === 'string' && stored !== '') return stored;
    const id = crypto.randomUUID();
    await local.set({ [DEVICE_ID_KEY]: id });
    return id;
  };

  return async () => {
    const fromCookie = await readDeviceId(cookies).catch(() => undefined);
    if (fromCookie !== undefined) return fromCookie;
    // Shared so two first callers cannot each mint and store a different uuid.
    fallback ??= loadFallback().catch((e: unknown) => {
      fallback = undefined;
      throw e;
    });
    return fallback;
  };
}
