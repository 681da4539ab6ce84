/**
 * MAIN-world content script on sora.chatgpt.com: the page's side of the sentinel bridge. It has no
 * extension APIs and receives only a flow name and a nonce (lib/sentinel-page/main-world.ts).
 */
import { defineContentScript } from 'wxt/utils/define-content-script';
import { serveSentinelInPage } from '../lib/sentinel-page/main-world';

export default defineContentScript({
  matches: ['https://sora.chatgpt.com/*'],
  world: 'MAIN',
  runAt: 'document_start',
  main() {
    serveSentinelInPage(window);
  },
});
