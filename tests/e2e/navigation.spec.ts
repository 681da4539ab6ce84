/**
 * The side panel's sections at its narrowest width (320 px): every tab visible without scrolling, by mouse
 * and by keyboard (the tabs pattern: Left / Right / Home / End), each view loaded on first open, axe clean,
 * in English and in Chinese.
 */
import type { Page } from '@playwright/test';
import { expectAccessible } from './axe';
import { expect, test } from './fixtures';

const WIDTH = 320;
const NAMES = ['Create', 'Storyboard', 'Queue', 'History', 'Characters', 'Account'];

async function expectNoHorizontalScroll(panel: Page, where: string): Promise<void> {
  const sizes = await panel.evaluate(() => {
    const nav = document.querySelector('[role="tablist"]') as HTMLElement;
    return {
      page: document.documentElement.scrollWidth,
      nav: nav.scrollWidth - nav.clientWidth,
      tabs: [...nav.querySelectorAll('[role="tab"]')].map((tab) => {
        const box = tab.getBoundingClientRect();
        return { left: box.left, right: box.right, clipped: tab.scrollWidth > tab.clientWidth };
      }),
    };
  });
  expect(sizes.page, `${where}: page width`).toBeLessThanOrEqual(WIDTH);
  expect(sizes.nav, `${where}: tab bar overflow`).toBeLessThanOrEqual(0);
  for (const tab of sizes.tabs) {
    expect(tab.left, where).toBeGreaterThanOrEqual(0);
    expect(tab.right, where).toBeLessThanOrEqual(WIDTH);
    expect(tab.clipped, `${where}: a tab's label is cut off`).toBe(false);
  }
}

for (const colorScheme of ['light', 'dark'] as const) {
  test(`at ${WIDTH} px every section is visible and reachable by mouse and keyboard (${colorScheme})`, async ({
    sim,
    extension,
  }) => {
    sim.control.upsertUser({ email: 'nav@example.com', username: 'nav' });
    await extension.login('nav@example.com');
    const panel = await extension.openSidePanel();
    await panel.setViewportSize({ width: WIDTH, height: 640 });
    await panel.emulateMedia({ colorScheme });
    await expect(panel.getByRole('tab')).toHaveText(NAMES);
    await expectNoHorizontalScroll(panel, 'first view');
    for (const name of NAMES) await expect(panel.getByRole('tab', { name })).toBeInViewport({ ratio: 1 });

    // Keyboard: one tab stop; the arrows walk every section (wrapping), Home / End jump.
    const create = panel.getByRole('tab', { name: 'Create' });
    await create.focus();
    for (const name of [...NAMES.slice(1), 'Create']) {
      await panel.keyboard.press('ArrowRight');
      const tab = panel.getByRole('tab', { name });
      await expect(tab).toBeFocused();
      await expect(tab).toHaveAttribute('aria-selected', 'true');
      const view = panel.getByRole('tabpanel', { name });
      await expect(view).toBeVisible();
      await expect(view).toHaveAttribute('aria-busy', 'false');
      await expect(view).not.toBeEmpty();
      await expectNoHorizontalScroll(panel, name);
      await expectAccessible(panel, `"${name}" at ${WIDTH} px, ${colorScheme}`);
    }
    await panel.keyboard.press('ArrowLeft');
    await expect(panel.getByRole('tab', { name: 'Account' })).toBeFocused();
    await panel.keyboard.press('Home');
    await expect(panel.getByRole('tab', { name: 'Create' })).toBeFocused();
    await panel.keyboard.press('End');
    await expect(panel.getByRole('tab', { name: 'Account' })).toHaveAttribute('aria-selected', 'true');
    // Tab leaves the tab bar for the open view: only the selected tab is a tab stop.
    await panel.keyboard.press('Tab');
    expect(await panel.evaluate(() => document.activeElement?.getAttribute('role'))).not.toBe('tab');

    // A view keeps what was typed while another one is looked at.
    await panel.getByRole('tab', { name: 'Create' }).click();
    const prompt = panel.getByRole('tabpanel', { name: 'Create' }).getByRole('textbox').first();
    await prompt.fill('a heron at dawn');
    await panel.getByRole('tab', { name: 'History' }).click();
    await panel.getByRole('tab', { name: 'Create' }).click();
    await expect(prompt).toHaveValue('a heron at dawn');
  });
}

test.describe('in Chinese', () => {
  test.use({ locale: 'zh-CN' });
  test(`at ${WIDTH} px the Chinese section names fit too`, async ({ sim, extension }) => {
    sim.control.upsertUser({ email: 'nav@example.com' });
    await extension.login('nav@example.com');
    const panel = await extension.openSidePanel();
    await panel.setViewportSize({ width: WIDTH, height: 640 });
    await expect(panel.getByRole('tab')).toHaveText(['创作', '分镜', '队列', '历史', '角色', '账户']);
    await expectNoHorizontalScroll(panel, 'Chinese');
    await panel.getByRole('tab', { name: '账户' }).click();
    await expect(panel.getByRole('tabpanel', { name: '账户' })).not.toBeEmpty();
    await expectAccessible(panel, 'Chinese, Account');
  });
});
