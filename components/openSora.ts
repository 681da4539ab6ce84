import { browser } from 'wxt/browser';
import { SORA_ORIGIN } from '../lib/sora/config';

/** Opens sora.chatgpt.com in a new tab (to log in or to pass Cloudflare's check); no permission needed. */
export function openSora(): void {
  void browser.tabs.create({ url: SORA_ORIGIN });
}
