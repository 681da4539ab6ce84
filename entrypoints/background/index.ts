import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { createServices } from '../../lib/background/services';
import { serve } from '../../lib/messaging/transport';

export default defineBackground({
  type: 'module',
  // Listeners are registered synchronously in main() so a woken service worker sees the event that woke it.
  main() {
    const { auth, account } = createServices();

    serve({
      'account.get': (req) => account.get(req),
      'auth.openLogin': async () => ({
        tabId: (await browser.tabs.create({ url: 'https://sora.chatgpt.com/' })).id,
      }),
    });

    auth.watchCookies();
    auth.onChange((state) => {
      if (state.status === 'logged_out') void account.markLoggedOut();
      else void account.refresh();
    });

    // Chrome opens the side panel from our popup button; the toolbar click keeps opening the popup.
    const sidePanel = (
      globalThis as { chrome?: { sidePanel?: { setPanelBehavior(o: object): Promise<void> } } }
    ).chrome?.sidePanel;
    void sidePanel?.setPanelBehavior({ openPanelOnActionClick: false }).catch(() => {});
  },
});
