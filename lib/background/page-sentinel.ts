/**
 * The sentinel source the background hands to the Sora client (docs/ARCHITECTURE.md, *Sentinel tokens*):
 *
 *   cached (per flow and device, for a token's useful life; renewed after a refusal)
 *     └─ chain: 1. an open sora.chatgpt.com tab's own SDK, with the device id
 *               2. hand-made: chatgpt.com's requirements exchange + proof of work, when the extension may
 *                  reach chatgpt.com (a host permission the user can withhold in the browser's site access)
 *
 * When neither can make a token the request is not sent (`sentinel_unavailable`); the queue waits, looks again
 * every few seconds (a Sora tab may have been opened: watching every tab would wake the worker on any tab of
 * the browser), and is woken at once by `onSentinelPossible` when site access to chatgpt.com is granted.
 */
import { browser } from 'wxt/browser';
import { pageSentinel } from '../sentinel-page/source';
import { SENTINEL_HOST_PATTERN, SENTINEL_ORIGIN, SORA_ORIGIN } from '../sora/config';
import { cachedSentinel, chainSentinel, type SentinelSource } from '../sora/sentinel';
import { powSentinel } from '../sora/sentinel-pow';
import { defineFeature } from './feature';

/** Per tab asked; the page SDK's proof of work usually takes well under this. */
const PAGE_TIMEOUT_MS = 4000;
/**
 * How long a made token is reused. The real life is not known; public clients reuse SDK tokens until refused.
 * Short enough that a refusal is rare, long enough that a batch does not solve a proof per create.
 */
export const SENTINEL_TOKEN_LIFE_MS = 3 * 60_000;

/** Whether the browser lets the extension reach chatgpt.com (granted at install; the user may withhold it). */
export async function hasSentinelAccess(): Promise<boolean> {
  return browser.permissions.contains({ origins: [SENTINEL_HOST_PATTERN] });
}

export function createBackgroundSentinel(): SentinelSource {
  const page = pageSentinel({
    findTabs: () => browser.tabs.query({ url: `${SORA_ORIGIN}/*` }),
    sendToTab: (tabId, message) => browser.tabs.sendMessage(tabId, message, { frameId: 0 }),
    timeoutMs: PAGE_TIMEOUT_MS,
  });
  const handMade = powSentinel({ hasAccess: hasSentinelAccess });
  return cachedSentinel(chainSentinel([page, handMade]), { lifeMs: SENTINEL_TOKEN_LIFE_MS });
}

/** Calls `wake` when the user grants site access to chatgpt.com. */
export function onSentinelPossible(wake: () => void): void {
  browser.permissions.onAdded.addListener((p) => {
    if (p.origins?.some((o) => o.startsWith(SENTINEL_ORIGIN))) wake();
  });
}

/** The source itself is built with the request core (./services.ts); this part only passes the grant on. */
export const sentinelFeature = defineFeature((ctx) => ({
  start: () => onSentinelPossible(() => ctx.signal('sentinel.possible', null)),
}));
