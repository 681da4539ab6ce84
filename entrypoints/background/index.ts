import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { CHARACTERS_ALARM, createCharactersBackground } from '../../lib/background/characters';
import { createEnhanceHandlers } from '../../lib/background/enhance';
import { createHistoryBackground } from '../../lib/background/history';
import { createJobsBackground, ENGINE_ALARM } from '../../lib/background/jobs';
import { onSentinelPossible } from '../../lib/background/page-sentinel';
import { createRemixMenu } from '../../lib/background/remix';
import { createServices, openSidePanelForCommand } from '../../lib/background/services';
import { createStorageBackground } from '../../lib/background/storage';
import { serve } from '../../lib/messaging/transport';
import { SORA_ORIGIN } from '../../lib/sora/config';

export default defineBackground({
  type: 'module',
  // Listeners are registered synchronously in main() so a woken service worker sees the event that woke it.
  main() {
    const { auth, http, account, sora2 } = createServices({
      // The allowance came back (seen in the popup or after the reset): don't wait for the engine's re-check.
      onAccountChange: (snapshot) => {
        const quota = snapshot.status === 'ok' && !snapshot.error ? snapshot.quota : null;
        if (quota && !quota.rateLimitReached && quota.remaining > 0) void jobs.engine.resume(['daily_limit']);
      },
      // Sora answers again (seen by any call, e.g. the popup's refresh): don't wait for the engine's re-check.
      onServiceStateChange: (status) => {
        if (status.state !== 'answering') return;
        void jobs.engine.resume(['service_unavailable']);
        characters.wake();
      },
    });
    // — storage —: quota refusals shown to pages, orphaned files, persistence.
    const storage = createStorageBackground();
    const jobs = createJobsBackground(http, { onTickError: storage.onError, onTickOk: storage.onOk });
    const characters = createCharactersBackground(http, storage.onError);
    // — history & downloads —
    const history = createHistoryBackground(http);

    serve(
      {
        'account.get': (req) => account.get(req),
        'auth.openLogin': async () => ({ tabId: (await browser.tabs.create({ url: SORA_ORIGIN })).id }),
        ...jobs.handlers,
        // — account & settings —
        'account.sora2': () => sora2.status(),
        'account.activate': () => sora2.activate(),
        'account.redeemInvite': (req) => sora2.redeemInvite(req.code),
        'account.checkUsername': (req) => sora2.checkUsername(req.username),
        'account.setUsername': (req) => sora2.setUsername(req.username),
        ...characters.handlers,
        // — history & downloads —
        ...history.handlers,
        // — enhance prompt —
        ...createEnhanceHandlers(http),
      },
      {
        onAnyMessage: () => {
          jobs.wake();
          characters.wake();
          storage.wake();
        },
      },
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

    // Site access to chatgpt.com given back: sentinel tokens can be made again.
    onSentinelPossible(() => void jobs.engine.resume(['sentinel_unavailable']));

    browser.alarms.onAlarm.addListener((alarm) => {
      if (alarm.name === ENGINE_ALARM) jobs.wake();
      if (alarm.name === CHARACTERS_ALARM) characters.wake();
    });
    browser.commands.onCommand.addListener(openSidePanelForCommand);
    // "Remix this" context menu: items on install / startup, the click opens the panel with the target.
    createRemixMenu(http).register();
    // — history & downloads —: download events, its alarm, and resuming open downloads on every start.
    history.register();
    browser.runtime.onStartup.addListener(jobs.wake);
    browser.runtime.onInstalled.addListener(jobs.wake);
    browser.runtime.onStartup.addListener(characters.wake);
    browser.runtime.onInstalled.addListener(characters.wake);
    jobs.wake();
    characters.wake();
    storage.wake();

    // Chrome opens the side panel from our popup button; the toolbar click keeps opening the popup.
    const sidePanel = (
      globalThis as { chrome?: { sidePanel?: { setPanelBehavior(o: object): Promise<void> } } }
    ).chrome?.sidePanel;
    void sidePanel?.setPanelBehavior({ openPanelOnActionClick: false }).catch(() => {});
  },
});
