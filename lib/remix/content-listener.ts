/**
 * The isolated content script's one `runtime.onMessage` listener. It answers exactly two questions, and
 * only from this extension's background (a content script gets runtime messages only through
 * `tabs.sendMessage` from our own extension, but the check costs nothing):
 * - `companion.postIdUnderPointer` → `{postId}`
 * - `companion.sentinelToken` `{flow, deviceId, nonce}` → `{nonce, token}` or `{nonce, error}`
 * Anything else gets `undefined` synchronously, i.e. no answer.
 */
import type { SentinelBridge } from '../sentinel-page/bridge';
import { isSentinelTokenRequest, type SentinelTokenAnswer } from '../sentinel-page/messages';
import { isPostIdUnderPointerRequest, type PostIdUnderPointerAnswer } from './messages';

export interface SenderLike {
  id?: string;
  url?: string;
  tab?: unknown;
}

export interface ContentListenerDeps {
  extensionId: string;
  /** `chrome-extension://<id>` / `moz-extension://<uuid>` (scheme://host, lower case). */
  extensionOrigin: string;
  postIdUnderPointer(): string | null;
  sentinel: SentinelBridge;
}

function originOf(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.host === '' ? undefined : `${u.protocol}//${u.host}`.toLowerCase();
  } catch {
    return undefined;
  }
}

/** The background (service worker or event page): our id, no tab, and our origin when a URL is given. */
export function isOwnBackground(sender: SenderLike | undefined, deps: ContentListenerDeps): boolean {
  if (!sender || sender.id !== deps.extensionId || sender.tab !== undefined) return false;
  return sender.url === undefined || originOf(sender.url) === deps.extensionOrigin;
}

export function createContentListener(deps: ContentListenerDeps) {
  return (
    message: unknown,
    sender: SenderLike | undefined,
  ): Promise<PostIdUnderPointerAnswer | SentinelTokenAnswer> | undefined => {
    if (!isOwnBackground(sender, deps)) return undefined;
    if (isPostIdUnderPointerRequest(message)) return Promise.resolve({ postId: deps.postIdUnderPointer() });
    if (isSentinelTokenRequest(message))
      return deps.sentinel.request(message.flow, message.deviceId, message.nonce);
    return undefined;
  };
}
