/**
 * "Remix this" in the browser: the context-menu items (created on install and startup, retitled when the
 * language setting changes) and the click, which opens the side panel at once — inside the click's user
 * gesture, before anything is awaited — and then stores the remix intent the panel picks up.
 */
import { browser } from 'wxt/browser';
import { loadLocale, popupStrings, provideCatalogue, sidePanelStrings, t } from '../i18n';
import { popupZhCN } from '../i18n/popup.zh_CN';
import { sidePanelZhCN } from '../i18n/zh_CN';

// A service worker may not use import(): the menu title's catalogues come bundled.
provideCatalogue(popupStrings, 'zh_CN', popupZhCN);
provideCatalogue(sidePanelStrings, 'zh_CN', sidePanelZhCN);

import { describePost } from '../remix/intent';
import {
  handleRemixClick,
  isRemixMenuItem,
  type MenusLike,
  registerRemixMenu,
  retitleRemixMenu,
} from '../remix/menu';
import { postIdUnderPointerRequest, readPostIdAnswer } from '../remix/messages';
import type { RemixClickInfo } from '../remix/resolve';
import { loadSettings, onSettingsChanged } from '../settings';
import { getPost } from '../sora/endpoints';
import type { SoraHttp } from '../sora/http';
import { remixIntentItem } from '../util/storage-items';
import { defineFeature } from './feature';

/** How long the post's thumbnail and prompt may delay the intent. */
const DESCRIBE_TIMEOUT_MS = 2500;

interface PanelApis {
  sidePanel?: { open(options: { tabId: number }): Promise<void> };
  sidebarAction?: { open(): Promise<void> };
}

/** Chrome's side panel for the tab, or Firefox's sidebar. Must run synchronously inside the click. */
export function openPanelFor(tabId: number | undefined): void {
  // Failing to open (no gesture, e.g. a synthetic click) must not stop the intent: an open panel follows it.
  const ignore = (e: unknown) => console.info('side panel not opened', e instanceof Error ? e.message : e);
  try {
    const chromePanel = (globalThis as { chrome?: PanelApis }).chrome?.sidePanel;
    if (chromePanel && tabId !== undefined && tabId >= 0) void chromePanel.open({ tabId }).catch(ignore);
    else void (browser as unknown as PanelApis).sidebarAction?.open().catch(ignore);
  } catch (e) {
    ignore(e);
  }
}

/** The browser's menus; a failed create is reported through lastError, which is read so it is not logged. */
function menus(): MenusLike {
  const api = browser.contextMenus as unknown as MenusLike;
  return {
    create: (props, done) =>
      api.create(props, () => {
        void browser.runtime.lastError;
        done?.();
      }),
    remove: (id) => api.remove(id),
    update: (id, props) => api.update(id, props),
  };
}

async function menuTitle(): Promise<string> {
  await loadLocale((await loadSettings()).language);
  return t('remix.menuTitle');
}

export function createRemixMenu(http: SoraHttp) {
  const createItems = () =>
    void menuTitle()
      .then((title) => registerRemixMenu(menus(), title))
      .catch((e) => console.warn('remix menu not created', e instanceof Error ? e.message : e));

  const onClicked = (info: RemixClickInfo, tab?: { id?: number }) => {
    if (!isRemixMenuItem(info.menuItemId)) return;
    openPanelFor(tab?.id);
    void handleRemixClick(info, tab?.id, {
      askContentScript: async (tabId, frameId) =>
        readPostIdAnswer(await browser.tabs.sendMessage(tabId, postIdUnderPointerRequest(), { frameId })),
      describePost: async (postId) =>
        describePost(await getPost(http, postId, { timeoutMs: DESCRIBE_TIMEOUT_MS })),
      writeIntent: (intent) => remixIntentItem.setValue(intent),
      describeTimeoutMs: DESCRIBE_TIMEOUT_MS,
    }).catch((e) => console.warn('remix intent not stored', e instanceof Error ? e.message : e));
  };

  return {
    /** Registers the listeners; call synchronously in the background's main(). */
    register(): void {
      browser.runtime.onInstalled.addListener(createItems);
      browser.runtime.onStartup.addListener(createItems);
      browser.contextMenus.onClicked.addListener(onClicked);
      onSettingsChanged((settings) => {
        void loadLocale(settings.language).then(() => retitleRemixMenu(menus(), t('remix.menuTitle')));
      });
    },
    onClicked,
  };
}

export const remixFeature = defineFeature((ctx) => {
  const menu = createRemixMenu(ctx.http);
  return { start: menu.register };
});
