import { browser } from 'wxt/browser';

interface PanelApis {
  sidePanel?: { open(options: { windowId: number }): Promise<void> };
  sidebarAction?: { open(): Promise<void> };
}

// Chrome's sidePanel.open must run inside the click's user gesture, so the window id is looked up
// before the click, never awaited inside it.
let windowId: number | undefined;
export function prepareSidePanel(): void {
  void browser.windows.getCurrent().then((w) => {
    windowId = w.id;
  });
}

/** Opens the side panel (Chrome) or the sidebar (Firefox); must be called from a click handler. */
export async function openSidePanel(): Promise<void> {
  const apis = browser as unknown as PanelApis;
  const chromeApis = (globalThis as { chrome?: PanelApis }).chrome;
  const sidePanel = chromeApis?.sidePanel ?? apis.sidePanel;
  if (sidePanel && windowId !== undefined) await sidePanel.open({ windowId });
  else await apis.sidebarAction?.open();
}
