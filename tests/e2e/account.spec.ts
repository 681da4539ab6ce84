/**
 * The side panel's Account view against the simulator: who is logged in, Sora 2 access (activate, own
 * invite code, redeem), the username (live check, set), and the settings.
 */
import type { Page } from '@playwright/test';
import { backendCalls, type ExtensionHelpers, expect, test } from './fixtures';

const EMAIL = 'ada@example.com';

/** The parts of `chrome` these tests read in the service worker (the test build has no chrome types). */
interface WorkerChrome {
  storage: { local: { get(key: string): Promise<Record<string, unknown>> } };
  commands: { getAll(): Promise<Array<{ name?: string; shortcut?: string }>> };
}

/** The side panel on its Account tab (it opens on another view). */
async function openAccountTab(extension: ExtensionHelpers, tabName = 'Account'): Promise<Page> {
  const panel = await extension.openSidePanel();
  await panel.getByRole('tab', { name: tabName }).click();
  return panel;
}

async function openAccount(extension: ExtensionHelpers): Promise<Page> {
  const panel = await openAccountTab(extension);
  await expect(panel.getByTestId('profile')).toBeVisible();
  return panel;
}

test.describe('account view', () => {
  test('shows the profile, the subscription, videos left and the own invite code', async ({
    sim,
    extension,
  }) => {
    const endsAt = Math.floor(Date.UTC(2031, 2, 14, 12) / 1000);
    sim.control.upsertUser({
      email: EMAIL,
      name: 'Ada Lovelace',
      username: 'ada',
      plan: 'pro',
      planEndsAt: endsAt,
      quota: { remaining: 17, resetsInSec: 3 * 3600 },
    });
    sim.control.setConfig({ variants: { endTs: 'epoch' } });
    await extension.login(EMAIL);
    const panel = await openAccount(extension);
    await expect(panel.getByTestId('profile-name')).toHaveText('Ada Lovelace');
    await expect(panel.getByTestId('profile-username')).toHaveText('ada');
    await expect(panel.getByTestId('profile-email')).toHaveText(EMAIL);
    await expect(panel.getByTestId('profile-plan')).toHaveText('ChatGPT Pro');
    await expect(panel.getByTestId('profile-plan-ends')).toHaveText('Mar 14, 2031');
    await expect(panel.getByTestId('profile-resets')).toContainText(/in [23] h \d+ min/);
    await expect(panel.getByTestId('videos-left')).toHaveText('17');

    const code = sim.state.userByEmail(EMAIL)!.inviteCode;
    await expect(panel.getByTestId('invite-code')).toHaveText(code);
    await expect(panel.getByTestId('invite-usage')).toHaveText('0 of 5 used');

    // Headless pages have no focus for the real clipboard (and extension origins cannot be granted it):
    // record what the page writes instead.
    await panel.evaluate(() => {
      const w = window as unknown as { copied: string[] };
      w.copied = [];
      navigator.clipboard.writeText = async (text: string) => {
        w.copied.push(text);
      };
    });
    const copy = panel.getByRole('button', { name: `Copy invite code ${code}` });
    await copy.click();
    await expect(panel.getByTestId('copy-result')).toHaveText('Copied to the clipboard.');
    expect(await panel.evaluate(() => (window as unknown as { copied: string[] }).copied)).toEqual([code]);

    // Clipboard refused: say so, and select the code so Ctrl+C still works.
    await panel.evaluate(() => {
      navigator.clipboard.writeText = () => Promise.reject(new DOMException('no focus', 'NotAllowedError'));
    });
    await copy.click();
    await expect(panel.getByTestId('copy-result')).toHaveText(
      'Could not copy. Select the code and copy it by hand.',
    );
    expect(await panel.evaluate(() => getSelection()?.toString())).toBe(code);
  });

  test('redeems an invite code: format refused locally, bad code refused, good code accepted', async ({
    sim,
    extension,
  }) => {
    await extension.login(EMAIL);
    const panel = await openAccount(extension);
    const field = panel.getByRole('textbox', { name: 'Invite code' });
    const redeem = panel.getByRole('button', { name: 'Redeem', exact: true });

    await field.fill('not a code!');
    await redeem.click();
    await expect(panel.getByRole('alert')).toHaveText(
      'Invite codes contain only letters, digits, “-” and “_”.',
    );
    await expect(field).toHaveAttribute('aria-invalid', 'true');
    expect(backendCalls(sim, '/backend/project_y/invite/accept')).toHaveLength(0);

    await field.fill('NOPE42');
    await redeem.click();
    await expect(panel.getByTestId('redeem-result')).toHaveText(
      'Sora did not accept this invite code. Check it and try again.',
    );
    expect(backendCalls(sim, '/backend/project_y/invite/accept').map((c) => c.status)).toEqual([400]);

    await field.fill(' SIMCODE ');
    await redeem.click();
    await expect(panel.getByTestId('redeem-result')).toHaveText(
      'Invite code accepted. Sora 2 is ready for you.',
    );
    const accept = backendCalls(sim, '/backend/project_y/invite/accept').at(-1)!;
    expect(accept.body).toEqual({ invite_code: 'SIMCODE' });
    // The browser's own oai-did cookie went along (credentials: 'include'), as the reference requires.
    const [did] = await extension.context
      .cookies('https://sora.chatgpt.com')
      .then((cs) => cs.filter((c) => c.name === 'oai-did'));
    expect(did?.value).toBeTruthy();
    expect(accept.deviceIdCookie).toBe(did?.value);
    expect(sim.state.userByEmail(EMAIL)!.inviteDeviceId).toBe(did?.value);
    await expect(panel.getByTestId('sora2-status')).toHaveText('Sora 2 is active on this account.');

    await redeem.click();
    await expect(panel.getByTestId('redeem-result')).toHaveText(
      'This account has already accepted an invite; nothing changed.',
    );
  });

  test('activates Sora 2', async ({ sim, extension }) => {
    await extension.login(EMAIL);
    const panel = await openAccount(extension);
    await expect(panel.getByTestId('sora2-status')).toHaveText('Sora 2 is not active on this account yet.');
    await panel.getByRole('button', { name: 'Activate Sora 2' }).click();
    await expect(panel.getByTestId('activate-result')).toHaveText('Done: Sora 2 is active.');
    expect(backendCalls(sim, '/backend/m/bootstrap').map((c) => c.status)).toEqual([200]);
    expect(sim.state.userByEmail(EMAIL)!.soraActivated).toBe(true);
    await expect(panel.getByTestId('sora2-status')).toHaveText('Sora 2 is active on this account.');
  });

  test('activation failure is shown with a retry', async ({ sim, extension }) => {
    await extension.login(EMAIL);
    const panel = await openAccount(extension);
    sim.control.addFault({ path: '/backend/m/bootstrap', kind: 'unsupported_country', times: 1 });
    await panel.getByRole('button', { name: 'Activate Sora 2' }).click();
    await expect(panel.getByRole('alert')).toContainText('not available in your country or region (XX)');
  });

  test('username: refused locally, taken, free (few checks while typing), then set', async ({
    sim,
    extension,
  }) => {
    await extension.login(EMAIL);
    const panel = await openAccount(extension);
    const checks = () => backendCalls(sim, '/backend/project_y/profile/username/check');
    const field = panel.getByRole('textbox', { name: 'New username' });
    const set = panel.getByRole('button', { name: 'Set username' });
    await expect(panel.getByTestId('username-current')).toHaveText('You have no username yet.');
    await expect(field).toHaveAccessibleDescription(/3–30 characters/);

    await field.fill('Ada');
    await expect(panel.getByTestId('username-check')).toHaveText('Use lowercase letters only.');
    await field.fill('.ada');
    await expect(panel.getByTestId('username-check')).toHaveText('Start with a letter or a digit.');
    await expect(set).toBeDisabled();
    expect(checks()).toHaveLength(0);

    await field.fill('');
    await field.pressSequentially('taken', { delay: 40 });
    await expect(panel.getByTestId('username-check')).toHaveText('“taken” is taken.');
    await expect(field).toHaveAttribute('aria-invalid', 'true');
    await expect(set).toBeDisabled();
    const names = () => checks().map((c) => (c.body as { username: string }).username);
    const first = names();
    expect(first.at(-1)).toBe('taken');
    expect(first.length).toBeLessThanOrEqual(2);

    await field.fill('');
    await field.pressSequentially('ada.lovelace', { delay: 40 });
    await expect(panel.getByTestId('username-check')).toHaveText('“ada.lovelace” is available.');
    // Twelve keystrokes, one request: the check waits for a pause in typing. On a loaded machine the keystrokes
    // themselves may come a pause apart (seen once at load 17): a few checks, never one per keystroke, the last
    // one for the whole name.
    const second = names().slice(first.length);
    expect(second.at(-1)).toBe('ada.lovelace');
    expect(second.length).toBeLessThanOrEqual(3);

    await set.click();
    await expect(panel.getByTestId('username-result')).toHaveText('Your username is now ada.lovelace.');
    expect(sim.state.userByEmail(EMAIL)!.username).toBe('ada.lovelace');
    await expect(panel.getByTestId('profile-username')).toHaveText('ada.lovelace');
    await expect(panel.getByTestId('username-current')).toHaveText('Your username: ada.lovelace');
    await expect(field).toHaveValue('');
  });

  test('a username taken between the check and the click is reported, not set', async ({
    sim,
    extension,
  }) => {
    await extension.login(EMAIL);
    const panel = await openAccount(extension);
    const field = panel.getByRole('textbox', { name: 'New username' });
    await field.fill('quick.one');
    await expect(panel.getByTestId('username-check')).toHaveText('“quick.one” is available.');
    sim.control.upsertUser({ email: 'other@example.com', username: 'quick.one' });
    await panel.getByRole('button', { name: 'Set username' }).click();
    await expect(panel.getByTestId('username-check')).toHaveText('“quick.one” is taken.');
    expect(sim.state.userByEmail(EMAIL)!.username).toBeNull();
  });

  test('logged out: offers the log-in and still shows the settings', async ({ sim, extension }) => {
    const panel = await openAccountTab(extension);
    await expect(panel.getByRole('button', { name: 'Log in to Sora' })).toBeVisible();
    await expect(panel.getByRole('heading', { name: 'Settings' })).toBeVisible();
    await expect(panel.getByTestId('sora2')).toHaveCount(0);
    expect(backendCalls(sim, '/backend/*')).toHaveLength(0);
  });
});

test.describe('settings', () => {
  test('are saved and still there when the side panel is opened again', async ({ extension }) => {
    let panel = await openAccountTab(extension);
    const saved = panel.getByTestId('settings-saved');
    await expect(panel.getByRole('heading', { name: 'Settings' })).toBeVisible();

    const concurrency = panel.getByRole('spinbutton', { name: 'Generations at once' });
    await expect(concurrency).toHaveValue('3');
    await expect(concurrency).toHaveAccessibleDescription(/Sora usually allows 3 at once/);
    await concurrency.fill('12');
    await concurrency.press('Enter');
    await expect(panel.getByRole('alert')).toHaveText('Enter a whole number from 1 to 10.');
    await concurrency.fill('5');
    await concurrency.press('Enter');
    await expect(saved).toHaveText('Saved.');

    await panel.getByRole('checkbox', { name: /Notify me/ }).uncheck();
    await panel.getByRole('checkbox', { name: /Keep the share link/ }).check();
    await panel.getByRole('combobox', { name: /Save the prompt/ }).selectOption('json');

    const folder = panel.getByRole('textbox', { name: 'Download folder' });
    await folder.fill('../escape');
    await folder.press('Enter');
    await expect(panel.getByRole('alert')).toContainText('relative folder name');
    await folder.fill('Sora/clips');
    await folder.press('Tab');

    const template = panel.getByRole('textbox', { name: 'File name template' });
    await template.fill('{date}_{id}');
    await template.press('Tab');

    const parse = panel.getByRole('textbox', { name: /Parse service URL/ });
    await parse.fill('http://parse.example.com');
    await parse.press('Enter');
    await expect(panel.getByRole('alert')).toHaveText(
      'Enter an address starting with https://, or leave the field empty.',
    );
    await parse.fill('https://parse.example.com');
    await parse.press('Tab');

    const worker = await extension.worker();
    const expected = {
      concurrency: 5,
      notifications: false,
      downloadFolder: 'Sora/clips',
      filenameTemplate: '{date}_{id}',
      parseServiceUrl: 'https://parse.example.com',
      keepPublished: true,
      sidecar: 'json',
    };
    await expect
      .poll(() =>
        worker.evaluate(
          async () =>
            (await (globalThis as unknown as { chrome: WorkerChrome }).chrome.storage.local.get('settings'))
              .settings,
        ),
      )
      .toMatchObject(expected);

    await panel.close();
    panel = await openAccountTab(extension);
    await expect(panel.getByRole('spinbutton', { name: 'Generations at once' })).toHaveValue('5');
    await expect(panel.getByRole('checkbox', { name: /Notify me/ })).not.toBeChecked();
    await expect(panel.getByRole('checkbox', { name: /Keep the share link/ })).toBeChecked();
    await expect(panel.getByRole('combobox', { name: /Save the prompt/ })).toHaveValue('json');
    await expect(panel.getByRole('textbox', { name: 'Download folder' })).toHaveValue('Sora/clips');
    await expect(panel.getByRole('textbox', { name: 'File name template' })).toHaveValue('{date}_{id}');
    await expect(panel.getByRole('textbox', { name: /Parse service URL/ })).toHaveValue(
      'https://parse.example.com',
    );
  });

  test('switching the language re-renders the open pages in Chinese at once', async ({ extension }) => {
    await extension.login(EMAIL);
    const panel = await openAccount(extension);
    const popup = await extension.openPopup();
    await expect(popup.getByRole('button', { name: 'Open side panel' })).toBeVisible();

    // Typed text survives the switch: the view re-renders, it is not rebuilt.
    await panel.getByRole('textbox', { name: 'New username' }).fill('kept.text');
    await panel.getByRole('combobox', { name: 'Language' }).selectOption('zh_CN');
    await expect(panel.getByRole('heading', { name: '设置' })).toBeVisible();
    await expect(panel.getByRole('tab', { name: '账户' })).toBeVisible();
    await expect(panel.locator('html')).toHaveAttribute('lang', 'zh-CN');
    await expect(panel.getByRole('textbox', { name: '新用户名' })).toHaveValue('kept.text');
    await expect(panel.getByRole('heading', { name: 'Settings' })).toHaveCount(0);
    // The popup that was already open follows too.
    await expect(popup.getByRole('button', { name: '打开侧边栏' })).toBeVisible();

    // A page opened afterwards starts in Chinese.
    const again = await openAccountTab(extension, '账户');
    await expect(again.getByRole('heading', { name: '设置' })).toBeVisible();

    await again.getByRole('combobox', { name: '语言' }).selectOption('en');
    await expect(panel.getByRole('heading', { name: 'Settings' })).toBeVisible();
    await expect(popup.getByRole('button', { name: 'Open side panel' })).toBeVisible();
  });
});

test.describe('keyboard shortcuts', () => {
  test('the popup and the side panel have suggested shortcuts', async ({ extension }) => {
    const worker = await extension.worker();
    const commands = await worker.evaluate(() =>
      (globalThis as unknown as { chrome: WorkerChrome }).chrome.commands.getAll(),
    );
    const byName = Object.fromEntries(commands.map((c) => [c.name, c.shortcut]));
    expect(byName).toMatchObject({ _execute_action: 'Alt+Shift+O', 'open-side-panel': 'Alt+Shift+S' });
  });
});
