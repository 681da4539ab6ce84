/**
 * The one place that knows the page's sentinel SDK (runs in the page's MAIN world).
 *
 * The real SDK's API is not documented. The simulator's stand-in is `window.SentinelSDK.token(flow)` →
 * `Promise<string>` (JSON `{p,t,c,id,flow}`), which is also how OpenAI's sentinel SDK is commonly driven.
 * If the real page differs, this function is the whole edit.
 */
import type { WindowLike } from './messages';

interface SentinelSdkLike {
  token(flow: string): unknown;
}

export async function pageSdkToken(win: WindowLike, flow: string): Promise<string> {
  const sdk = (win as unknown as { SentinelSDK?: Partial<SentinelSdkLike> }).SentinelSDK;
  if (typeof sdk?.token !== 'function') throw new Error('no sentinel SDK on this page');
  const token = await sdk.token(flow);
  if (typeof token !== 'string' || token === '') throw new Error('the sentinel SDK gave no token');
  return token;
}
