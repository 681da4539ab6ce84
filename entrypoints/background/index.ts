import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { createJobsBackground, ENGINE_ALARM } from '../../lib/background/jobs';
import { createServices } from '../../lib/background/services';
import { serve } from '../../lib/messaging/transport';
import { SORA_ORIGIN } from '../../lib/sora/config';

export default defineBackground({
  type: 'module',
  // Listeners are registered synchronously in main() so a woken service worker sees the event that woke it.
  main() {
    const { auth, http, account } = createServices();
    const jobs = createJobsBackground(http);

    serve(
      {
        'account.get': (req) => account.get(req),
        'auth.openLogin': async () => ({ tabId: (await browser.tabs.create({ url: SORA_ORIGIN })).id }),
        ...jobs.handlers,
      },
      { onAnyMessage: jobs.wake },
    );

    auth.watchCookies();
    auth.onChange((state) => {
      if (state.status === 'logged_out') {
        void account.markLoggedOut();
      } else {
        void account.refresh();
        void jobs.engine.resume(['logged_out']);
      }
    });

    browser.alarms.onAlarm.addListener((alarm) => {
      if (alarm.name === ENGINE_ALARM) jobs.wake();
    });
    browser.runtime.onStartup.addListener(jobs.wake);
    browser.runtime.onInstalled.addListener(jobs.wake);
    jobs.wake();

    // Chrome opens the side panel from our popup button; the toolbar click keeps opening the popup.
    const sidePanel = (
      globalThis as { chrome?: { sidePanel?: { setPanelBehavior(o: object): Promise<void> } } }
    ).chrome?.sidePanel;
    void sidePanel?.setPanelBehavior({ openPanelOnActionClick: false }).catch(() => {});
  },
});
