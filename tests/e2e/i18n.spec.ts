/**
 * A missing-string detector: with the browser in Simplified Chinese, the popup and every side panel view
 * must show Chinese and no English catalogue text (a string that skipped `t()` or a key rendered from the
 * wrong catalogue shows up here).
 */
import type { Page } from '@playwright/test';
import { sidePanelEn } from '../../lib/i18n/en';
import { popupEn } from '../../lib/i18n/popup.en';
import { popupZhCN } from '../../lib/i18n/popup.zh_CN';
import { sidePanelZhCN } from '../../lib/i18n/zh_CN';
import { expect, test } from './fixtures';

// Both parts: the side panel shows the popup's strings too.
const en = { ...popupEn, ...sidePanelEn };
const zh_CN = { ...popupZhCN, ...sidePanelZhCN };

const EMAIL = 'mei@example.com';

/**
 * The fixed parts of every English string that differs from its Chinese one. Placeholders split a string
 * into parts; parts too short or without a real word ("of", "(at") would match user data by chance.
 */
const ENGLISH_FRAGMENTS: ReadonlyArray<{ key: string; fragment: string }> = Object.entries(en).flatMap(
  ([key, text]) => {
    if (zh_CN[key as keyof typeof en] === text) return [];
    return text
      .split(/\{\w+\}/)
      .map((part) => part.trim())
      .filter((part) => part.length >= 4 && /[A-Za-z]{3}/.test(part))
      .map((fragment) => ({ key, fragment }));
  },
);

/** Everything a user can see or hear: visible text, accessible names, placeholders, titles, options. */
async function shownText(page: Page): Promise<string> {
  return page.evaluate(() => {
    // innerText on purpose: rendered text only, not the content of hidden elements.
    // biome-ignore lint/performance/useDomNodeTextContent: see above.
    const parts = [document.body.innerText, document.title];
    for (const el of document.querySelectorAll('[aria-label], [title], [placeholder], [alt], option')) {
      for (const attr of ['aria-label', 'title', 'placeholder', 'alt']) {
        const value = el.getAttribute(attr);
        if (value) parts.push(value);
      }
      if (el instanceof HTMLOptionElement) parts.push(el.text);
    }
    return parts.join('\n');
  });
}

async function expectNoEnglish(page: Page, where: string): Promise<void> {
  const text = await shownText(page);
  const found = ENGLISH_FRAGMENTS.filter(({ fragment }) => text.includes(fragment));
  expect(found, `English catalogue text in ${where}`).toEqual([]);
  expect(text, `${where} shows Chinese`).toMatch(/[\u4e00-\u9fff]/);
}

test.describe('Simplified Chinese browser', () => {
  test.use({ locale: 'zh-CN' });

  test('the popup and every side panel view are in Chinese, with no English left over', async ({
    sim,
    extension,
  }) => {
    expect(ENGLISH_FRAGMENTS.length).toBeGreaterThan(50);
    sim.control.upsertUser({
      email: EMAIL,
      plan: 'pro',
      username: 'mei',
      quota: { remaining: 0, resetsInSec: 5400 },
    });
    await extension.login(EMAIL);

    const popup = await extension.openPopup();
    await expect(popup.locator('html')).toHaveAttribute('lang', 'zh-CN');
    await expect(popup.getByTestId('videos-left')).toHaveText('0');
    await expect(popup.getByTestId('reset-countdown')).toContainText('今日额度已用完');
    await expectNoEnglish(popup, 'the popup');

    const panel = await extension.openSidePanel();
    await expect(panel.locator('html')).toHaveAttribute('lang', 'zh-CN');
    const tabs = panel.getByRole('tab');
    await expect(tabs.first()).toBeVisible();
    const names = await tabs.allInnerTexts();
    for (const name of names) {
      await panel.getByRole('tab', { name }).click();
      await expect(panel.getByRole('tabpanel', { name })).toBeVisible();
      if (name === '账户') {
        await expect(panel.getByTestId('invite-usage')).toBeVisible();
        await expect(panel.getByRole('heading', { name: '设置' })).toBeVisible();
        // Messages that only appear after an action are catalogue text too.
        await panel.getByRole('textbox', { name: '新用户名' }).fill('taken');
        await expect(panel.getByTestId('username-check')).toHaveText('“taken”已被占用。');
        await panel.getByRole('textbox', { name: '邀请码' }).fill('NOPE42');
        await panel.getByRole('button', { name: '兑换', exact: true }).click();
        await expect(panel.getByTestId('redeem-result')).toHaveText('Sora 未接受此邀请码，请检查后重试。');
      }
      await expectNoEnglish(panel, `the side panel view "${name}"`);
    }
  });

  test('the language setting overrides the browser language', async ({ extension }) => {
    const panel = await extension.openSidePanel();
    await panel.getByRole('tab', { name: '账户' }).click();
    await panel.getByRole('combobox', { name: '语言' }).selectOption('en');
    await expect(panel.getByRole('tab', { name: 'Account' })).toBeVisible();
    await expect(panel.locator('html')).toHaveAttribute('lang', 'en');
    const popup = await extension.openPopup();
    await expect(popup.getByRole('button', { name: 'Log in to Sora' })).toBeVisible();
  });
});
