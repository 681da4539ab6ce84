/**
 * The real background under test: `main()` of entrypoints/background/index.ts runs under WXT's fake
 * browser and fake-indexeddb, its fetch goes to the simulator in process. Shared by the security and the
 * reliability tests.
 */
import { IDBFactory } from 'fake-indexeddb';
import { vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { CookieChangeListener, CookieLike, CookiesLike } from '../../../lib/auth';
import type { Job } from '../../../lib/db/job-record';
import { DB_NAME } from '../../../lib/db/schema';
import { createSim, type Sim } from '../../sim/app';
import type { LoginResult } from '../../sim/types';
import {
  gateFetch,
  installServiceWorker,
  type ServiceWorker,
  uninstallServiceWorker,
} from './service-worker';

export const EMAIL = 'ada@example.com';
export const ID = 'test-extension-id';
export const ORIGIN = `chrome-extension://${ID}`;
export const SORA_TAB = { id: 42, index: 0, windowId: 1, url: 'https://sora.chatgpt.com/', active: true };
export const PAGE = { id: ID, url: `${ORIGIN}/sidepanel.html`, origin: ORIGIN };
export const CONTENT_SCRIPT = {
  id: ID,
  url: 'https://sora.chatgpt.com/explore',
  origin: 'https://sora.chatgpt.com',
  tab: SORA_TAB,
  frameId: 0,
};

// ---------------------------------------------------------------------------------------------------------
// The browser around the background: cookies, missing fake APIs, the Sora tab, fetch to the simulator

export class SimCookieJar implements CookiesLike {
  readonly jar = new Map<string, CookieLike>();
  readonly listeners = new Set<CookieChangeListener>();
  readonly onChanged = {
    addListener: (l: CookieChangeListener) => void this.listeners.add(l),
    removeListener: (l: CookieChangeListener) => void this.listeners.delete(l),
  };

  constructor(login: LoginResult) {
    for (const c of [...login.cookies, login.deviceId]) {
      this.jar.set(c.name, { name: c.name, value: c.value, domain: 'sora.chatgpt.com', hostOnly: true });
    }
  }

  async getAll(): Promise<CookieLike[]> {
    return [...this.jar.values()];
  }

  async get(details: { name: string }): Promise<CookieLike | null> {
    return this.jar.get(details.name) ?? null;
  }

  header(): string {
    return [...this.jar.values()].map((c) => `${c.name}=${c.value}`).join('; ');
  }

  remove(name: string): void {
    const cookie = this.jar.get(name);
    if (!cookie) return;
    this.jar.delete(name);
    for (const l of this.listeners) l({ removed: true, cookie, cause: 'explicit' });
  }
}

export type Listener = (...args: unknown[]) => unknown;
export type Mutable = Record<string, unknown>;

export interface World {
  sim: Sim;
  login: LoginResult;
  cookies: SimCookieJar;
  /** Every AT the simulator minted (session reads, refreshes). */
  minted: string[];
  /** Every Authorization value the extension sent, with the URL it went to. */
  bearers: { url: string; token: string }[];
  console: unknown[][];
  events: unknown[];
  answers: unknown[];
  toContentScripts: { tabId: number; message: unknown; options: unknown }[];
  dispatchers: Listener[];
  menuClicks: Listener[];
  /** Whether the extension may reach chatgpt.com (its sentinel service). */
  siteAccess: boolean;
  permissionListeners: Listener[];
  ask(
    name: string,
    req: unknown,
    sender?: object,
  ): Promise<{ ok: boolean; value?: unknown; error?: unknown }>;
}

export interface WorldOptions {
  /** Simulator options (default `{ speed: 0, seed: 11 }`). */
  sim?: Parameters<typeof createSim>[0];
  email?: string;
  plan?: 'free' | 'plus' | 'pro';
  /** Answers a request before the simulator does (return undefined to let it through). */
  intercept?: (request: Request, auth: string | null) => Promise<Response | undefined>;
}

/**
 * The browser around the real background: a fresh simulator with a logged-in user, fetch to it in process,
 * cookies, context menus, downloads, commands, the Sora tab, and every event / message recorded. Call it
 * inside the test (vitest's restoreMocks undoes spies made in a beforeAll), then `background.main()`.
 */
export function setUpWorld(options: WorldOptions = {}): World {
  const email = options.email ?? EMAIL;
  const sim = createSim(options.sim ?? { speed: 0, seed: 11 });
  sim.control.upsertUser({ email, plan: options.plan ?? 'pro' });
  const minted: string[] = [];
  const core = sim.core as unknown as { mintAccessToken: (...a: unknown[]) => { token: string } };
  const mint = core.mintAccessToken.bind(sim.core);
  core.mintAccessToken = (...args: unknown[]) => {
    const result = mint(...args);
    minted.push(result.token);
    return result;
  };
  const login = sim.control.login(email);
  const cookies = new SimCookieJar(login);
  const world: World = {
    sim,
    login,
    cookies,
    minted,
    bearers: [],
    console: [],
    events: [],
    answers: [],
    toContentScripts: [],
    dispatchers: [],
    menuClicks: [],
    siteAccess: true,
    permissionListeners: [],
    async ask(name, req, sender = PAGE) {
      const envelope = { channel: 'companion', kind: 'request', name, req };
      for (const dispatch of world.dispatchers) {
        const answer = dispatch(envelope, sender) as Promise<unknown> | undefined;
        if (answer === undefined) continue;
        const value = (await answer) as { ok: boolean; value?: unknown; error?: unknown };
        world.answers.push(value);
        return value;
      }
      throw new Error(`nobody answered ${name}`);
    },
  };

  // fetch: the simulator in process; the browser's cookies on credentialed Sora requests; Sora echoing
  // (optionally) `intercept` answering first.
  const send = gateFetch(async (request: Request) => {
    const url = new URL(request.url);
    const auth = request.headers.get('authorization');
    if (auth !== null) world.bearers.push({ url: `${url.origin}${url.pathname}`, token: auth.slice(7) });
    const headers = new Headers(request.headers);
    if (request.credentials === 'include' && url.hostname === 'sora.chatgpt.com') {
      headers.set('cookie', cookies.header());
    }
    const intercepted = await options.intercept?.(request, auth);
    if (intercepted) return intercepted;
    return sim.fetch(new Request(request, { headers }));
  });
  vi.stubGlobal('fetch', (input: RequestInfo | URL, init?: RequestInit) => send(new Request(input, init)));

  for (const level of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      world.console.push([level, ...args]);
    });
  }

  const b = fakeBrowser as unknown as Mutable;
  b.cookies = cookies;
  b.commands = { onCommand: { addListener() {}, removeListener() {} } };
  b.contextMenus = {
    create: (_props: unknown, done?: () => void) => {
      done?.();
      return 1;
    },
    remove: async () => {},
    update: async () => {},
    onClicked: { addListener: (l: Listener) => void world.menuClicks.push(l) },
  };
  // Site access to chatgpt.com (the sentinel service) is a host permission granted at install; a test may
  // withhold it (`world.siteAccess = false`) the way a user can in the browser's site-access settings.
  b.permissions = {
    contains: async (p: { origins?: string[] }) =>
      (p.origins ?? []).every((o) => !o.startsWith('https://chatgpt.com') || world.siteAccess),
    request: async () => false,
    onAdded: { addListener: (l: Listener) => void world.permissionListeners.push(l) },
    onRemoved: { addListener() {} },
  };
  b.downloads = {
    download: async () => 1,
    search: async () => [],
    cancel: async () => {},
    onChanged: { addListener() {}, removeListener() {} },
  };
  // The Sora tab: found by `tabs.query({url})`, its content script answers like the real one would
  // (a post id under the pointer; no page SDK, so no sentinel token: the random one is used).
  vi.spyOn(fakeBrowser.tabs, 'query').mockImplementation(async (q: { url?: string | string[] }) =>
    String(q.url ?? '').startsWith('https://sora.chatgpt.com') ? [SORA_TAB as never] : [],
  );
  (fakeBrowser.tabs as unknown as Mutable).sendMessage = async (
    tabId: number,
    message: { type?: string; nonce?: string },
    options: unknown,
  ) => {
    world.toContentScripts.push({ tabId, message: structuredClone(message), options });
    if (message.type === 'companion.postIdUnderPointer') return { postId: sim.state.seededPostIds[0] };
    return { nonce: message.nonce, error: 'unavailable' };
  };
  // A page's request reaches the background, as a store's `send` does in the side panel (an answer nobody
  // gives is Chrome's "no receiver"); the background's events to pages are recorded, not delivered.
  vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockImplementation(async (message: unknown) => {
    const m = structuredClone(message) as { kind?: string; name?: string; req?: unknown };
    if (m.kind === 'request' && typeof m.name === 'string') {
      return world.ask(m.name, m.req).then(
        (answer) => structuredClone(answer),
        () => undefined,
      );
    }
    world.events.push(m);
    return undefined;
  });
  vi.spyOn(fakeBrowser.runtime.onMessage, 'addListener').mockImplementation((l: unknown) => {
    world.dispatchers.push(l as Listener);
  });
  return world;
}

export const jobsOf = async (w: World): Promise<Job[]> => {
  const answer = await w.ask('jobs.list', {});
  return (answer.value as { jobs: Job[] }).jobs;
};

/**
 * The background as a service worker Chrome may stop (./service-worker.ts): call after `setUpWorld` and
 * `vi.useFakeTimers`, then `worker.start()` instead of calling `main()` yourself.
 */
export function serviceWorkerOf(w: World): ServiceWorker {
  return installServiceWorker(
    () => import('../../../entrypoints/background/index'),
    [w.dispatchers, w.menuClicks],
  );
}

/** The IndexedDB of the test before: deleting it closes the page side's shared connection (`getDb` reopens). */
let lastDb: IDBFactory | null = null;

/**
 * A fresh browser profile (the fake browser reset, an IndexedDB of its own) and a world whose background runs
 * in its own worker instance, stopped by `tearDownWorld`: one test's background must not live on into the
 * next (its engine would act on the next test's jobs, as no real browser would let it). `prepare` runs before
 * the worker starts, for fakes the background needs from its first moment.
 */
export async function bootWorld(options: WorldOptions = {}, prepare?: (w: World) => void): Promise<World> {
  fakeBrowser.reset();
  // Deleted without waiting: the stopped instance of the test before may still hold it open.
  lastDb?.deleteDatabase(DB_NAME);
  for (let i = 0; i < 6; i++) await new Promise<void>((r) => setImmediate(r));
  lastDb = new IDBFactory();
  vi.stubGlobal('indexedDB', lastDb);
  const w = setUpWorld(options);
  prepare?.(w);
  await serviceWorkerOf(w).start();
  return w;
}

/**
 * Fake time for a world's service worker: its timers and `Date` (`now` to start at a given moment). `setImmediate`
 * stays real: the harness settles the worker with it. Undone by `tearDownWorldAndClock`.
 */
export function useWorkerClock(now?: number): void {
  vi.useFakeTimers({
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
    ...(now === undefined ? {} : { now }),
  });
}

/** The worker instance goes first (its timers are fake ones), then fake time. */
export function tearDownWorldAndClock(): void {
  tearDownWorld();
  vi.clearAllTimers();
  vi.useRealTimers();
}

/** Undoes what `setUpWorld` added to the fake browser and the globals. */
export function tearDownWorld(): void {
  uninstallServiceWorker();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  for (const key of ['cookies', 'commands', 'contextMenus', 'downloads', 'permissions']) {
    delete (fakeBrowser as unknown as Mutable)[key];
  }
  delete (fakeBrowser.tabs as unknown as Mutable).sendMessage;
}
