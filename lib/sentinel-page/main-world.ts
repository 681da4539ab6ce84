/**
 * MAIN-world half of the page-sentinel bridge: answers the isolated content script's window messages with
 * a token from the page's SDK. Gets nothing but a flow name, the device id and a nonce, gives back nothing but a token.
 */
import { pageSdkToken } from './adapter';
import {
  isOwnWindowMessage,
  readWindowRequest,
  WINDOW_CHANNEL,
  type WindowAnswer,
  type WindowLike,
} from './messages';

export type TokenGetter = (win: WindowLike, flow: string, deviceId: string) => Promise<string>;

/** Starts answering; returns a stop function. */
export function serveSentinelInPage(win: WindowLike, getToken: TokenGetter = pageSdkToken): () => void {
  const listener = (e: { data: unknown; origin: string; source: unknown }) => {
    if (!isOwnWindowMessage(win, e)) return;
    const req = readWindowRequest(e.data);
    if (!req) return;
    void getToken(win, req.flow, req.deviceId)
      .then(
        (token): WindowAnswer => ({ channel: WINDOW_CHANNEL, kind: 'answer', nonce: req.nonce, token }),
        (): WindowAnswer => ({
          channel: WINDOW_CHANNEL,
          kind: 'answer',
          nonce: req.nonce,
          error: 'unavailable',
        }),
      )
      .then((answer) => win.postMessage(answer, win.location.origin));
  };
  win.addEventListener('message', listener);
  return () => win.removeEventListener('message', listener);
}
