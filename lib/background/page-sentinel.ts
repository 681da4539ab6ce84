/**
 * The sentinel source the background hands to the Sora client: a token from an open sora.chatgpt.com tab
 * when its page offers OpenAI's SDK, else the reference's random token.
 */
import { browser } from 'wxt/browser';
import { pageSentinel } from '../sentinel-page/source';
import { SORA_ORIGIN } from '../sora/config';
import { fallbackSentinel, randomSentinel, type SentinelSource } from '../sora/sentinel';

/** Per tab asked; the page SDK's proof of work usually takes well under this. */
const PAGE_TIMEOUT_MS = 4000;
/** Overall wait before the random token is used instead. */
const FALLBACK_AFTER_MS = 5000;

export function createBackgroundSentinel(): SentinelSource {
  const page = pageSentinel({
    findTabs: () => browser.tabs.query({ url: `${SORA_ORIGIN}/*` }),
    sendToTab: (tabId, message) => browser.tabs.sendMessage(tabId, message, { frameId: 0 }),
    timeoutMs: PAGE_TIMEOUT_MS,
  });
  return fallbackSentinel(page, randomSentinel(), { timeoutMs: FALLBACK_AFTER_MS });
}
