/**
 * Firefox smoke test: the real Firefox build (`wxt build -b firefox`) in Debian's firefox-esr, driven by
 * puppeteer-core over WebDriver BiDi, against the simulator serving sora.chatgpt.com on 127.0.0.1:443.
 *
 * moz-extension:// pages cannot be opened from puppeteer, so the checks go through what a web page can
 * reach: the user logs in on the simulator's own login page, and the background's cookie watcher must then
 * read the session and the quota with a Bearer token (seen in the simulator's request log). The MAIN-world
 * content script is checked the way the isolated one talks to it, with a window message.
 *
 * Run: `npm run build:firefox && npm run test:firefox` (needs root for port 443). FIREFOX_PATH overrides
 * /usr/bin/firefox-esr. Prints one line per check and `N passed, M failed`; exits 1 on any failure.
 */

import { existsSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as pollInterval } from 'node:timers/promises';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import type { Sim } from '../sim/app';
import { type SimServer, startSimServer } from '../sim/server';

const EXTENSION_DIR = path.resolve(import.meta.dirname, '../../.output/firefox-mv3');
const EMAIL = 'fox@example.com';
const ORIGIN = 'https://sora.chatgpt.com';
/** Time the checks get after the login, all waits together (launch has puppeteer's own 30 s limit). */
const CHECKS_BUDGET_MS = 30_000;
const POLL_MS = 100;
let deadline = Date.now() + CHECKS_BUDGET_MS;

function firefoxPath(): string {
  const candidates = [process.env.FIREFOX_PATH, '/usr/bin/firefox-esr', '/usr/bin/firefox'];
  const found = candidates.find((p): p is string => !!p && existsSync(p));
  if (!found) throw new Error('No Firefox found: apt-get install firefox-esr, or set FIREFOX_PATH.');
  return found;
}

/** Polls `probe` until it returns a value (not undefined) or the run's deadline passes. */
async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await pollInterval(POLL_MS);
  }
}

async function launch(): Promise<Browser> {
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: firefoxPath(),
    headless: true,
    acceptInsecureCerts: true,
    extraPrefsFirefox: {
      // The Sora hosts resolve to 127.0.0.1, where the simulator listens on 443.
      'network.dns.localDomains': 'sora.chatgpt.com,videos.openai.com',
      // No remote settings, updates or telemetry: the machine has no internet and the run must not wait.
      'services.settings.server': 'data:,#',
      'app.update.disabledForTesting': true,
      'datareporting.policy.dataSubmissionEnabled': false,
      'toolkit.telemetry.reportingpolicy.firstRun': false,
      'network.captive-portal-service.enabled': false,
      'network.connectivity-service.enabled': false,
      'extensions.getAddons.cache.enabled': false,
    },
  });
}

async function logIn(page: Page): Promise<void> {
  await page.goto(`${ORIGIN}/login`);
  await page.type('#email', EMAIL);
  await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
}

/** Asks the MAIN-world content script for a token the way the isolated script does, from the page. */
const SMOKE_DEVICE = '5b0f3c1e-8f2a-4d3b-9c61-2f7e4a9d0b13';

function askMainWorld(page: Page): Promise<unknown> {
  return page.evaluate(
    (DEVICE) =>
      new Promise((resolve) => {
        const nonce = 'SmokeTestNonce0123456789';
        const timer = setTimeout(() => resolve('no answer'), 5000);
        window.addEventListener('message', (e) => {
          const d = e.data as { channel?: string; kind?: string; nonce?: string } | null;
          if (d?.channel !== 'companion.sentinel' || d.kind !== 'answer' || d.nonce !== nonce) return;
          clearTimeout(timer);
          resolve(d);
        });
        window.postMessage(
          {
            channel: 'companion.sentinel',
            kind: 'request',
            flow: 'sora_2_create_task',
            deviceId: DEVICE,
            nonce,
          },
          location.origin,
        );
      }),
    SMOKE_DEVICE,
  );
}

type Check = [name: string, run: (ctx: { sim: Sim; page: Page }) => Promise<void>];

const checks: Check[] = [
  [
    'the background reads the session once the page has set the cookie',
    async ({ sim }) => {
      await until('GET /api/auth/session for the user', () =>
        sim.control.log({ path: '/api/auth/session' }).find((e) => e.user === EMAIL && e.status === 200),
      );
    },
  ],
  [
    'the background reads the quota with its Bearer token',
    async ({ sim }) => {
      const entry = await until('GET /backend/nf/check', () =>
        sim.control.log({ path: '/backend/nf/check' }).find((e) => e.status === 200),
      );
      if (!entry.hasBearer || entry.user !== EMAIL) {
        throw new Error(`nf/check came without the user's Bearer token (user ${entry.user})`);
      }
    },
  ],
  [
    'the MAIN-world content script hands out the page SDK token, made with the device id',
    async ({ sim, page }) => {
      sim.control.setConfig({ pageSentinel: true });
      await page.goto(`${ORIGIN}/`);
      const answer = (await askMainWorld(page)) as { token?: string };
      const token =
        typeof answer?.token === 'string' ? (JSON.parse(answer.token) as { c?: string; id?: string }) : null;
      if (!token?.c || !sim.state.pageKeys.has(token.c) || token.id !== SMOKE_DEVICE) {
        throw new Error(`unexpected answer: ${JSON.stringify(answer)}`);
      }
    },
  ],
];

async function main(): Promise<number> {
  if (!existsSync(path.join(EXTENSION_DIR, 'manifest.json'))) {
    console.error(`The Firefox build is missing: run "npm run build:firefox" first (${EXTENSION_DIR}).`);
    return 1;
  }
  const started = Date.now();
  let server: SimServer | undefined;
  let browser: Browser | undefined;
  let passed = 0;
  let failed = 0;
  try {
    server = await startSimServer({ port: 443, host: '127.0.0.1' });
    browser = await launch();
    const id = await browser.installExtension(EXTENSION_DIR);
    console.info(`firefox ${await browser.version()}, extension ${id}`);
    const page = await browser.newPage();
    const loginAt = Date.now();
    await logIn(page);
    deadline = loginAt + CHECKS_BUDGET_MS;
    for (const [name, run] of checks) {
      try {
        await run({ sim: server.sim, page });
        passed++;
        console.info(`  ✓ ${name} (${Date.now() - loginAt} ms after the login)`);
      } catch (e) {
        failed++;
        console.info(`  ✗ ${name}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  } catch (e) {
    failed++;
    console.error(`  ✗ setup: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    await browser?.close().catch(() => {});
    await server?.close().catch(() => {});
  }
  const total = checks.length;
  const notRun = Math.max(0, total - passed - failed);
  console.info(
    `${passed} passed, ${failed + notRun} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  return failed + notRun === 0 && passed === total ? 0 : 1;
}

process.exitCode = await main();
