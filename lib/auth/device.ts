/**
 * The device id sent as `oai-device-id`. The Sora web app's own `oai-did` cookie is preferred so requests look
 * like they come from the same browser; without it a random uuid is kept in storage.local (not a secret;
 * lib/util/storage-items.ts `deviceIdItem`).
 */
import { deviceIdItem, type ValueSlot } from '../util/storage-items';
import { type CookiesLike, readDeviceId } from './cookies';

export function createDeviceIdSource(
  cookies: Pick<CookiesLike, 'get'>,
  local: ValueSlot<string | null> = deviceIdItem,
): () => Promise<string> {
  let fallback: Promise<string> | undefined;

  const loadFallback = async (): Promise<string> => {
    const stored = await local.getValue();
    if (typeof stored === 'string' && stored !== '') return stored;
    const id = crypto.randomUUID();
    await local.setValue(id);
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
