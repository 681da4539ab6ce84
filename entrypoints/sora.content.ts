/**
 * Isolated-world content script on sora.chatgpt.com: remembers what was right-clicked (for "Remix this" on
 * a video without a post link) and relays sentinel-token requests to the MAIN-world script. It talks to
 * the background only by answering the background's own questions; it never sends anything unasked.
 */
import { browser } from 'wxt/browser';
import { defineContentScript } from 'wxt/utils/define-content-script';
import { createContentListener } from '../lib/remix/content-listener';
import { createPointerTracker } from '../lib/remix/pointer';
import { createSentinelBridge } from '../lib/sentinel-page/bridge';

export default defineContentScript({
  matches: ['https://sora.chatgpt.com/*'],
  runAt: 'document_start',
  main() {
    const runtime = browser.runtime as unknown as { id: string; getURL(path: string): string };
    const root = new URL(runtime.getURL('/'));
    const listener = createContentListener({
      extensionId: runtime.id,
      extensionOrigin: `${root.protocol}//${root.host}`.toLowerCase(),
      postIdUnderPointer: createPointerTracker(window, () => location.href).postIdUnderPointer,
      sentinel: createSentinelBridge(window),
    });
    browser.runtime.onMessage.addListener(
      listener as Parameters<typeof browser.runtime.onMessage.addListener>[0],
    );
  },
});
