import { backendCalls, expect, test } from './fixtures';

test.describe('popup: account and videos left', () => {
  test('shows the email, plan and videos left from Sora', async ({ sim, extension }) => {
    sim.control.upsertUser({ email: 'ada@example.com', plan: 'pro', quota: { remaining: 27 } });
    await extension.login('ada@example.com');
    const popup = await extension.openPopup();
    await expect(popup.getByTestId('email')).toContainText('ada@example.com');
    await expect(popup.getByTestId('plan')).toContainText('ChatGPT Pro');
    await expect(popup.getByTestId('videos-left')).toHaveText('27');
    // Every call carried the access token the extension got from the session cookie.
    const calls = backendCalls(sim, '/backend/*');
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((c) => c.hasBearer && c.status === 200)).toBe(true);
  });

  test('logged out: offers the log-in button and asks Sora nothing', async ({ sim, extension }) => {
    const popup = await extension.openPopup();
    await expect(popup.getByRole('button', { name: 'Log in to Sora' })).toBeVisible();
    expect(backendCalls(sim, '/backend/*')).toHaveLength(0);
    expect(backendCalls(sim, '/api/auth/session')).toHaveLength(0);
    const [tab] = await Promise.all([
      extension.context.waitForEvent('page'),
      popup.getByRole('button', { name: 'Log in to Sora' }).click(),
    ]);
    await expect(tab).toHaveURL(/^https:\/\/sora\.chatgpt\.com\//);
  });

  test('a session split into chunked cookies counts as logged in', async ({ sim, extension }) => {
    sim.control.setConfig({ chunkedCookie: true });
    await extension.login('chunky@example.com');
    const popup = await extension.openPopup();
    await expect(popup.getByTestId('email')).toContainText('chunky@example.com');
  });

  test('an access token that expires between two opens is renewed without the user noticing', async ({
    sim,
    extension,
  }) => {
    sim.control.setConfig({ tokenLifetimeSec: 3600 });
    await extension.login('ada@example.com');
    const first = await extension.openPopup();
    await expect(first.getByTestId('videos-left')).toHaveText(/\d+/);
    await first.close();
    const sessionReads = backendCalls(sim, '/api/auth/session').length;

    sim.clock.advance(2 * 3600 * 1000);
    const second = await extension.openPopup();
    await expect(second.getByTestId('videos-left')).toHaveText(/\d+/);
    // The cached figure paints first; the refresh that renews the token follows.
    await expect.poll(() => backendCalls(sim, '/api/auth/session').length).toBeGreaterThan(sessionReads);
    await expect(second.getByText('Refreshing…')).toHaveCount(0);
    await expect(second.getByTestId('videos-left')).toHaveText(/\d+/);
    await expect(second.getByRole('alert')).toHaveCount(0);
  });

  test('heavy load twice, then the figures', async ({ sim, extension }) => {
    sim.control.upsertUser({ email: 'ada@example.com', quota: { remaining: 12 } });
    sim.control.addFault({ path: '/backend/nf/check', kind: 'heavy_load', times: 2 });
    await extension.login('ada@example.com');
    const popup = await extension.openPopup();
    await expect(popup.getByTestId('videos-left')).toHaveText('12');
    await expect(popup.getByRole('alert')).toHaveCount(0);
    expect(backendCalls(sim, '/backend/nf/check').map((c) => c.status)).toEqual([503, 503, 200]);
  });

  test('daily limit reached: shows the reset countdown', async ({ sim, extension }) => {
    sim.control.upsertUser({
      email: 'ada@example.com',
      quota: { remaining: 0, resetsInSec: 2 * 3600 + 600 },
    });
    await extension.login('ada@example.com');
    const popup = await extension.openPopup();
    await expect(popup.getByTestId('videos-left')).toHaveText('0');
    await expect(popup.getByTestId('reset-countdown')).toContainText(/Resets in 2 h 1\d min/);
  });

  test('still works after the service worker was stopped', async ({ sim, extension }) => {
    sim.control.upsertUser({ email: 'ada@example.com', quota: { remaining: 9 } });
    await extension.login('ada@example.com');
    const first = await extension.openPopup();
    await expect(first.getByTestId('videos-left')).toHaveText('9');
    await extension.stopServiceWorker();
    sim.control.setQuota(8, { email: 'ada@example.com' });
    await first.close();
    const second = await extension.openPopup();
    await expect(second.getByTestId('videos-left')).toHaveText('8');
  });

  test('cached figures appear before fresh ones arrive', async ({ sim, extension }) => {
    sim.control.upsertUser({ email: 'ada@example.com', quota: { remaining: 5 } });
    await extension.login('ada@example.com');
    const first = await extension.openPopup();
    await expect(first.getByTestId('videos-left')).toHaveText('5');
    await first.close();
    // Sora now answers slowly: the popup must show the last known figure meanwhile.
    sim.control.addFault({ path: '/backend/nf/check', kind: 'delay', delayMs: 3000 });
    sim.control.setQuota(4, { email: 'ada@example.com' });
    const second = await extension.openPopup();
    await expect(second.getByTestId('videos-left')).toHaveText('5', { timeout: 1500 });
    await expect(second.getByTestId('videos-left')).toHaveText('4');
  });
});

test.describe('popup: honest error states', () => {
  const cases = [
    { kind: 'unsupported_country' as const, text: /not available in your country or region \(XX\)/ },
    { kind: 'cloudflare' as const, text: /wants to check your browser/ },
  ];
  for (const { kind, text } of cases) {
    test(`${kind} becomes a readable message`, async ({ sim, extension }) => {
      await extension.login('ada@example.com');
      sim.control.addFault({ path: '/backend/*', kind });
      const popup = await extension.openPopup();
      await expect(popup.getByRole('alert')).toContainText(text);
    });
  }

  test('connections to Sora that keep dropping while the browser is online: Sora is not answering', async ({
    sim,
    extension,
  }) => {
    // Not "check your connection": the person's connection is fine (navigator.onLine), Sora's is not.
    await extension.login('ada@example.com');
    sim.control.addFault({ path: '/backend/*', kind: 'drop' });
    const popup = await extension.openPopup();
    const banner = popup.getByTestId('service-status');
    await expect(banner).toContainText('Sora is not answering at sora.chatgpt.com');
    await expect(banner).toContainText('no connection to sora.chatgpt.com');
    await expect(popup.getByText('Can’t reach Sora')).toHaveCount(0);
  });

  test('a Cloudflare check offers to open Sora, and refresh recovers', async ({ sim, extension }) => {
    await extension.login('ada@example.com');
    sim.control.addFault({ path: '/backend/*', kind: 'cloudflare' });
    const popup = await extension.openPopup();
    await expect(popup.getByRole('button', { name: 'Open sora.chatgpt.com' })).toBeVisible();
    sim.control.clearFaults();
    await popup.getByRole('button', { name: 'Refresh' }).click();
    await expect(popup.getByTestId('videos-left')).toHaveText(/\d+/);
    await expect(popup.getByRole('alert')).toHaveCount(0);
  });

  test('logging out on sora.chatgpt.com updates the extension at once', async ({ extension }) => {
    await extension.login('ada@example.com');
    const popup = await extension.openPopup();
    await expect(popup.getByTestId('email')).toContainText('ada@example.com');
    await extension.logout();
    await expect(popup.getByRole('button', { name: 'Log in to Sora' })).toBeVisible();
  });
});
