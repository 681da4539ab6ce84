/**
 * axe-core on the popup and on every side panel view, logged in against the simulator, in light and dark.
 * Any `serious` or `critical` violation fails. axe is evaluated through the DevTools protocol because the
 * extension pages' CSP refuses injected <script> tags.
 */
import { expectAccessible } from './axe';
import { expect, test } from './fixtures';

const EMAIL = 'ada@example.com';

for (const colorScheme of ['light', 'dark'] as const) {
  test.describe(`accessibility, ${colorScheme}`, () => {
    test('popup, logged in and logged out', async ({ sim, extension }) => {
      const loggedOut = await extension.openPopup();
      await loggedOut.emulateMedia({ colorScheme });
      await expect(loggedOut.getByRole('button', { name: 'Log in to Sora' })).toBeVisible();
      await expectAccessible(loggedOut, 'popup, logged out');

      sim.control.upsertUser({ email: EMAIL, plan: 'pro', quota: { remaining: 0, resetsInSec: 3600 } });
      await extension.login(EMAIL);
      const popup = await extension.openPopup();
      await popup.emulateMedia({ colorScheme });
      await expect(popup.getByTestId('reset-countdown')).toBeVisible();
      await expectAccessible(popup, 'popup, daily limit reached');
    });

    test('every side panel view, with the Account view’s messages showing', async ({ sim, extension }) => {
      sim.control.upsertUser({ email: EMAIL, plan: 'plus', username: 'ada' });
      await extension.login(EMAIL);
      const panel = await extension.openSidePanel();
      await panel.emulateMedia({ colorScheme });
      await panel.setViewportSize({ width: 360, height: 800 });
      const names = await panel.getByRole('tab').allInnerTexts();
      expect(names).toContain('Account');
      for (const name of names) {
        await panel.getByRole('tab', { name }).click();
        await expect(panel.getByRole('tabpanel', { name })).toBeVisible();
        if (name === 'Account') await expect(panel.getByTestId('invite-code')).toBeVisible();
        await expectAccessible(panel, `side panel view "${name}"`);
        // 360 px wide without horizontal scrolling.
        expect(await panel.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
      }

      // The Account view again with its success, warning and error texts on screen (their contrast).
      await panel.getByRole('tab', { name: 'Account' }).click();
      await panel.getByRole('textbox', { name: 'New username' }).fill('taken');
      await expect(panel.getByTestId('username-check')).toHaveText('“taken” is taken.');
      await panel.getByRole('textbox', { name: 'Invite code' }).fill('NOPE42');
      await panel.getByRole('button', { name: 'Redeem', exact: true }).click();
      await expect(panel.getByTestId('redeem-result')).toContainText('did not accept');
      await panel.getByRole('button', { name: 'Activate Sora 2' }).click();
      await expect(panel.getByTestId('activate-result')).toHaveText('Done: Sora 2 is active.');
      const folder = panel.getByRole('textbox', { name: 'Download folder' });
      await folder.fill('../x');
      await folder.press('Enter');
      await expect(panel.getByRole('alert')).toBeVisible();
      await expectAccessible(panel, 'Account view with messages');

      await panel.getByRole('textbox', { name: 'New username' }).fill('free.name');
      await expect(panel.getByTestId('username-check')).toHaveText('“free.name” is available.');
      await expectAccessible(panel, 'Account view, username available');
      expect(await panel.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    });

    test('every control is reachable by keyboard and shows its focus', async ({ sim, extension }) => {
      sim.control.upsertUser({ email: EMAIL });
      await extension.login(EMAIL);
      const panel = await extension.openSidePanel();
      await panel.emulateMedia({ colorScheme });
      await panel.getByRole('tab', { name: 'Account' }).click();
      await expect(panel.getByTestId('invite-code')).toBeVisible();
      const controls = panel
        .locator('#view-account')
        .locator('button:not([disabled]), input, select, a[href]');
      const expected = await controls.count();
      expect(expected).toBeGreaterThan(10);

      // Tab through the whole view: each control must take focus with a visible outline.
      await panel.getByRole('tab', { name: 'Account' }).focus();
      const reached = new Set<string>();
      for (let i = 0; i < expected + 10 && reached.size < expected; i++) {
        await panel.keyboard.press('Tab');
        const info = await panel.evaluate(() => {
          const el = document.activeElement as HTMLElement | null;
          if (!el?.closest('#view-account')) return null;
          const style = getComputedStyle(el);
          const key = el.id || `${el.tagName}:${el.getAttribute('aria-label') ?? el.textContent?.trim()}`;
          return { key, outline: style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) > 0 };
        });
        if (!info) continue;
        expect(info.outline, `focus outline on ${info.key}`).toBe(true);
        reached.add(info.key);
      }
      expect(reached.size).toBe(expected);
    });
  });
}
