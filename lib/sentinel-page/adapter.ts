/**
 * The one place that knows the page's sentinel SDK (runs in the page's MAIN world).
 *
 * NOTES.md: the sora.chatgpt.com app page has OpenAI's SDK (`https://chatgpt.com/backend-api/sentinel/sdk.js`)
 * and newer clients call `SentinelSDK.token("sora_2_create_task", deviceId)` → the header value, whose `id` is
 * the device id; the same id goes out as `oai-device-id`. If the real page differs, this function is the edit.
 */
import type { WindowLike } from './messages';

interface SentinelSdkLike {
  token(flow: string, deviceId?: string): unknown;
}

export async function pageSdkToken(win: WindowLike, flow: string, deviceId: string): Promise<string> {
  const sdk = (win as unknown as { SentinelSDK?: Partial<SentinelSdkLike> }).SentinelSDK;
  if (typeof sdk?.token !== 'function') throw new Error('no sentinel SDK on this page');
  const token = await (deviceId ? sdk.token(flow, deviceId) : sdk.token(flow));
  if (typeof token !== 'string' || token === '') throw new Error('the sentinel SDK gave no token');
  return token;
}
