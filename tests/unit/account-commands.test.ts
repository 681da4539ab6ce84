/** The keyboard shortcut that opens the side panel (background side). */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { browser } from 'wxt/browser';
import { OPEN_SIDE_PANEL_COMMAND, openSidePanelForCommand } from '../../lib/background/panel';

describe('open-side-panel command', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    delete (browser as unknown as { sidebarAction?: unknown }).sidebarAction;
  });

  it('opens Chrome’s side panel in the command’s window within the same call (the user gesture)', () => {
    const open = vi.fn(async () => {});
    vi.stubGlobal('chrome', { sidePanel: { open } });
    openSidePanelForCommand(OPEN_SIDE_PANEL_COMMAND, { windowId: 7 });
    // Synchronously: an await before open() would lose the gesture and Chrome would refuse.
    expect(open).toHaveBeenCalledWith({ windowId: 7 });
  });

  it('ignores other commands', () => {
    const open = vi.fn(async () => {});
    vi.stubGlobal('chrome', { sidePanel: { open } });
    openSidePanelForCommand('something-else', { windowId: 7 });
    expect(open).not.toHaveBeenCalled();
  });

  it('opens Firefox’s sidebar where there is no side panel API', () => {
    vi.stubGlobal('chrome', undefined);
    const open = vi.fn(async () => {});
    (browser as unknown as { sidebarAction: { open: () => Promise<void> } }).sidebarAction = { open };
    openSidePanelForCommand(OPEN_SIDE_PANEL_COMMAND);
    expect(open).toHaveBeenCalledTimes(1);
  });
});
