/**
 * Isolated-world half of the page-sentinel bridge: turns the background's request into a window message
 * for the MAIN-world script and waits for the answer carrying the same nonce. Answers from the page are
 * page-controlled; they are checked, and an unknown nonce is ignored.
 */
import {
  isOwnWindowMessage,
  readWindowAnswer,
  type SentinelTokenAnswer,
  WINDOW_CHANNEL,
  type WindowLike,
  type WindowRequest,
} from './messages';

/** The SDK's proof of work can take a few seconds; the background gives up sooner on its own. */
export const BRIDGE_TIMEOUT_MS = 10_000;
/** More open requests than this means something is wrong; refuse rather than grow. */
const MAX_PENDING = 8;

export interface SentinelBridge {
  request(flow: string, deviceId: string, nonce: string): Promise<SentinelTokenAnswer>;
}

export function createSentinelBridge(win: WindowLike, opts: { timeoutMs?: number } = {}): SentinelBridge {
  const timeoutMs = opts.timeoutMs ?? BRIDGE_TIMEOUT_MS;
  const pending = new Map<string, (answer: SentinelTokenAnswer) => void>();

  win.addEventListener('message', (e) => {
    if (!isOwnWindowMessage(win, e)) return;
    const answer = readWindowAnswer(e.data);
    const settle = answer ? pending.get(answer.nonce) : undefined;
    if (!answer || !settle) return;
    settle(
      answer.token !== undefined
        ? { nonce: answer.nonce, token: answer.token }
        : { nonce: answer.nonce, error: answer.error ?? 'no_token' },
    );
  });

  return {
    request(flow, deviceId, nonce) {
      if (pending.has(nonce) || pending.size >= MAX_PENDING) {
        return Promise.resolve({ nonce, error: 'busy' });
      }
      return new Promise<SentinelTokenAnswer>((resolve) => {
        const timer = setTimeout(() => settle({ nonce, error: 'timeout' }), timeoutMs);
        const settle = (answer: SentinelTokenAnswer) => {
          clearTimeout(timer);
          pending.delete(nonce);
          resolve(answer);
        };
        pending.set(nonce, settle);
        const message: WindowRequest = { channel: WINDOW_CHANNEL, kind: 'request', flow, deviceId, nonce };
        win.postMessage(message, win.location.origin);
      });
    },
  };
}
