/**
 * Opening the side panel from the background: the keyboard command, and Chrome's toolbar behaviour (the
 * toolbar click keeps opening the popup; the popup's button opens the panel).
 */
import { browser } from 'wxt/browser';
import { defineFeature } from './feature';

export const OPEN_SIDE_PANEL_COMMAND = 'open-side-panel';

interface PanelApis {
  sidePanel?: {
    open(options: { windowId: number }): Promise<void>;
    setPanelBehavior(options: { openPanelOnActionClick: boolean }): Promise<void>;
  };
  sidebarAction?: { open(): Promise<void> };
}

/**
 * The keyboard shortcut that opens the side panel. Chrome's `_execute_action` can only open the popup, so
 * this is a named command; the panel must be opened synchronously inside the command's user gesture,
 * hence the window id comes from the tab the command hands us rather than from an awaited lookup.
 */
export function openSidePanelForCommand(command: string, tab?: { windowId?: number }): void {
  if (command !== OPEN_SIDE_PANEL_COMMAND) return;
  const chromeApis = (globalThis as { chrome?: PanelApis }).chrome;
  const firefoxApis = browser as unknown as PanelApis;
  const fail = (e: unknown) =>
    console.warn('Could not open the side panel', e instanceof Error ? e.message : e);
  if (chromeApis?.sidePanel) {
    if (tab?.windowId !== undefined) {
      chromeApis.sidePanel.open({ windowId: tab.windowId }).catch(fail);
    } else {
      void browser.windows
        .getLastFocused()
        .then((w) => (w.id === undefined ? undefined : chromeApis.sidePanel?.open({ windowId: w.id })))
        .catch(fail);
    }
    return;
  }
  firefoxApis.sidebarAction?.open().catch(fail);
}

export const panelFeature = defineFeature(() => ({
  start() {
    browser.commands.onCommand.addListener(openSidePanelForCommand);
    const sidePanel = (globalThis as { chrome?: PanelApis }).chrome?.sidePanel;
    void sidePanel?.setPanelBehavior({ openPanelOnActionClick: false }).catch(() => {});
  },
}));
