/**
 * Playwright fixtures: a fresh simulator and a fresh browser profile per test, the real built extension,
 * and the helpers user journeys need (open popup / side panel, log in, stop the service worker, restart
 * the browser on the same profile).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, test as base, expect, type Page, type Worker } from '@playwright/test';
import type { Job } from '../../lib/db/job-record';
import type { Sim } from '../sim/app';
import { createSim } from '../sim/app';
import { startSimServer } from '../sim/server';
import {
  E2E_SIM_CONFIG,
  extensionIdOf,
  extensionWorker,
  launchWithExtension,
  newProfileDir,
  soraLoginCookies,
} from './browser';

export interface SimHandle {
  port: number;
  sim: Sim;
}

export interface ExtensionHelpers {
  id: string;
  context: BrowserContext;
  worker(): Promise<Worker>;
  /** Opens popup.html as a tab (the toolbar popup cannot be opened headless). */
  openPopup(): Promise<Page>;
  openSidePanel(): Promise<Page>;
  /** Sets the session cookie the simulator issues for `email`, as logging in on sora.chatgpt.com would. */
  login(email?: string): Promise<void>;
  logout(): Promise<void>;
  /** Stops every service worker through CDP, as Chrome does when the worker is idle. */
  stopServiceWorker(): Promise<void>;
  /** Closes the browser and opens it again on the same profile. */
  restartBrowser(): Promise<void>;
  downloadsDir: string;
}

/**
 * The "Wait for Sora to answer" setting every test starts with, in seconds. The simulator answers within
 * milliseconds (its slowest `delay` fault in these tests is 5 s), so a short wait changes no outcome; it only
 * keeps the product's own waits for a silent Sora (the request timeout, the grace before an unanswered create
 * or publish is sent again, re-checks: lib/util/patience.ts) from running in minutes of real time.
 */
export const E2E_PATIENCE_SEC = 8;

/** `locale` is Playwright's own option (`test.use({ locale: 'zh-CN' })`), passed on to Chromium's --lang. */
interface Fixtures {
  /**
   * Written into the extension's stored settings, where the Settings view writes it, before the test runs;
   * `null` leaves the setting at the product's default (`test.use({ patienceSec: null })`).
   */
  patienceSec: number | null;
  simServer: SimHandle;
  sim: Sim;
  extension: ExtensionHelpers;
}

export const test = base.extend<Fixtures>({
  patienceSec: [E2E_PATIENCE_SEC, { option: true }],
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads the fixture's dependencies from this pattern.
  simServer: async ({}, use) => {
    // Strict sentinel mode: every create, publish and extension must carry a real token (a page SDK token with
    // the device id, or a verified proof of work), as the real service demands since January 2026.
    const server = await startSimServer({ port: 0, sim: createSim(E2E_SIM_CONFIG) });
    await use({ port: server.port, sim: server.sim });
    await server.close();
  },
  sim: async ({ simServer }, use) => {
    await use(simServer.sim);
  },
  extension: async ({ simServer, locale, patienceSec }, use) => {
    const downloadsDir = mkdtempSync(path.join(tmpdir(), 'companion-downloads-'));
    const profileDir = newProfileDir(downloadsDir);
    const launch = () => launchWithExtension({ port: simServer.port, profileDir, locale });
    let context = await launch();
    const firstWorker = await extensionWorker(context);
    let id = extensionIdOf(firstWorker);
    if (patienceSec !== null) await patchStoredSettings(firstWorker, { patienceSec });

    const helpers: ExtensionHelpers = {
      get id() {
        return id;
      },
      get context() {
        return context;
      },
      downloadsDir,
      worker: () => extensionWorker(context),
      async openPopup() {
        const page = await context.newPage();
        await page.goto(`chrome-extension://${id}/popup.html`);
        return page;
      },
      async openSidePanel() {
        const page = await context.newPage();
        await page.goto(`chrome-extension://${id}/sidepanel.html`);
        return page;
      },
      async login(email) {
        const result = simServer.sim.control.login(email);
        await context.addCookies(soraLoginCookies(result));
      },
      async logout() {
        await context.clearCookies({ domain: 'sora.chatgpt.com' });
      },
      async stopServiceWorker() {
        const page = context.pages()[0] ?? (await context.newPage());
        const cdp = await context.newCDPSession(page);
        await cdp.send('ServiceWorker.enable');
        await cdp.send('ServiceWorker.stopAllWorkers');
        await cdp.detach();
      },
      async restartBrowser() {
        await context.close();
        context = await launch();
        id = extensionIdOf(await extensionWorker(context));
      },
    };
    await use(helpers);
    await context.close();
  },
});

export { expect };

/**
 * Merges `patch` into the extension's stored settings (storage.local `settings`, the key the Settings view
 * writes), from one of the extension's own pages or its service worker; the background and open pages follow
 * the change as they follow the view.
 */
export async function patchStoredSettings(
  where: Pick<Worker | Page, 'evaluate'>,
  patch: Record<string, unknown>,
): Promise<void> {
  await (where as Page).evaluate(async (p) => {
    // Typed here: the tests' tsconfig has no chrome types.
    type Local = { get(k: string): Promise<Record<string, unknown>>; set(v: object): Promise<void> };
    const local = (globalThis as unknown as { chrome: { storage: { local: Local } } }).chrome.storage.local;
    const stored = ((await local.get('settings')).settings as object | undefined) ?? {};
    await local.set({ settings: { ...stored, ...p } });
  }, patch);
}

/**
 * Runs `check`, and if it fails, its error with what `seen` adds and every call Sora saw under `pathGlob`: a red
 * run is then understood from its log alone (CI keeps nothing else).
 */
export async function explained(
  check: () => Promise<void>,
  sim: Sim,
  pathGlob: string,
  seen: () => Promise<unknown>,
): Promise<void> {
  try {
    await check();
  } catch (e) {
    const calls = backendCalls(sim, pathGlob).map((c) => `${c.method} ${c.path} ${c.status}`);
    const message = e instanceof Error ? e.message : String(e);
    throw new Error(`${message}\n${JSON.stringify({ seen: await seen(), calls }, null, 1)}`);
  }
}

/** Each stored job's state and the engine's status, as the background reports them: what a red run prints. */
export async function storedJobs(page: Page): Promise<unknown> {
  const { jobs, status } = await ask<{ jobs: Job[]; status: unknown }>(page, 'jobs.list', {});
  const states = jobs.map((j) => ({
    state: j.state,
    error: j.lastError,
    sent: j.createSentAt,
    task: j.taskId,
  }));
  return { states, status };
}

/** Requests the simulator saw for a backend path (e.g. '/backend/nf/check'). */
export function backendCalls(sim: Sim, pathGlob: string) {
  return sim.control.log({ path: pathGlob, host: 'sora.chatgpt.com' });
}

/** A request to the background through the protocol, from one of the extension's own pages (as its UI does). */
export async function ask<T>(page: Page, name: string, req: unknown): Promise<T> {
  const answer = (await page.evaluate(
    (message) =>
      (
        globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<unknown> } } }
      ).chrome.runtime.sendMessage(message),
    { channel: 'companion', kind: 'request', name, req },
  )) as { ok: boolean; value?: T; error?: unknown };
  if (!answer.ok) throw new Error(`${name}: ${JSON.stringify(answer.error)}`);
  return answer.value as T;
}
