/**
 * The access token (AT) rule, checked on the real background: `main()` of entrypoints/background/index.ts
 * runs under WXT's fake browser and fake-indexeddb, its fetch goes to the simulator in process, and the
 * product is exercised the way the pages and the browser drive it (account, a batch of jobs through a 401
 * refresh, Sora echoing the token in an error, import from Sora, a share link, "Remix this" asking the Sora
 * tab's content script, the page sentinel path, a logout). Then every place the extension can write or
 * send something is scanned for every AT the simulator issued and for the session cookie:
 * storage.local / sync / session (AT only under `auth.session`), every IndexedDB database and store, the
 * console, notifications, the badge, events and answers to pages, messages to content scripts, the JSON and
 * CSV history export, and every request the simulator saw (Bearer only on /backend/*, the AT in no body or
 * query). Messages to content scripts must also have exactly the expected fields, and a content-script
 * sender must be refused before any handler runs.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import background from '../../entrypoints/background/index';
import { listHistory } from '../../lib/db/history';
import type { HistoryItem } from '../../lib/db/history-record';
import { getDb } from '../../lib/db/schema';
import { exportCsv, exportJson } from '../../lib/history/exchange';
import { REFUSED } from '../../lib/messaging/transport';
import { createContentListener } from '../../lib/remix/content-listener';
import { createSentinelBridge } from '../../lib/sentinel-page/bridge';
import { WINDOW_CHANNEL, type WindowLike } from '../../lib/sentinel-page/messages';
import { authSessionItem } from '../../lib/util/storage-items';
import {
  CONTENT_SCRIPT,
  EMAIL,
  ID,
  jobsOf,
  ORIGIN,
  SORA_TAB,
  setUpWorld,
  tearDownWorld,
} from './harness/background';

const SESSION_STORE_KEY = authSessionItem.key;

const ECHO_PROMPT = 'ECHO the bearer back';
const WAIT = { timeout: 30_000, interval: 200 };

// ---------------------------------------------------------------------------------------------------------
// Serialising anything the extension may hold, so it can be searched as text

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

/** Text of a value, deep: errors with message, stack and cause; blobs and buffers decoded as bytes. */
async function dump(value: unknown, seen = new WeakSet<object>()): Promise<string> {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'string') return value;
  if (typeof value !== 'object') return typeof value === 'function' ? '' : String(value);
  if (seen.has(value)) return '';
  seen.add(value);
  if (value instanceof Blob) return latin1(new Uint8Array(await value.arrayBuffer()));
  if (value instanceof ArrayBuffer) return latin1(new Uint8Array(value));
  if (ArrayBuffer.isView(value))
    return latin1(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
  if (value instanceof Error) {
    return [value.name, value.message, value.stack ?? '', await dump(value.cause, seen)].join('\n');
  }
  if (value instanceof Map) return dump([...value.entries()], seen);
  if (value instanceof Set) return dump([...value], seen);
  if (value instanceof Date) return value.toISOString();
  const parts: string[] = [];
  for (const [k, v] of Object.entries(value)) parts.push(`${k}: ${await dump(v, seen)}`);
  return `{${parts.join(', ')}}`;
}

/** Every database and object store of the (fake) IndexedDB, with keys and values. */
async function dumpIndexedDb(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const request = <T>(r: IDBRequest<T>) =>
    new Promise<T>((resolve, reject) => {
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
  for (const info of await indexedDB.databases()) {
    const name = info.name as string;
    const open = indexedDB.open(name);
    const db = await request(open);
    for (const store of [...db.objectStoreNames]) {
      const tx = db.transaction(store, 'readonly');
      const keys = await request(tx.objectStore(store).getAllKeys());
      const values = await request(tx.objectStore(store).getAll());
      out[`${name}/${store}`] = await dump({ keys, values });
    }
    db.close();
  }
  return out;
}

/** The parts of a JWT that are unique to it (header segments are shared by every token). */
function secretParts(secret: string): string[] {
  const parts = secret.split('.');
  return parts.length === 3 ? [secret, parts[1]!, parts[2]!] : [secret];
}

const FINAL = ['done', 'failed', 'canceled'];

describe('the access token never leaves memory and storage.session (real background, simulator)', () => {
  afterAll(tearDownWorld);

  it('exercises account, jobs through a 401 refresh, import, share, remix and logout; no AT anywhere', async () => {
    // Set up inside the test: vitest's restoreMocks would undo spies made in a beforeAll.
    fakeBrowser.reset();
    const w = setUpWorld({
      // Sora echoing the caller's token in an error message for one prompt (a hostile or buggy backend).
      intercept: async (request, auth) => {
        if (request.method !== 'POST' || new URL(request.url).pathname !== '/backend/nf/create') return;
        const body = await request.clone().text();
        if (!body.includes(ECHO_PROMPT)) return;
        const error = {
          message: `Refused for ${auth}`,
          type: 'invalid_request_error',
          param: null,
          code: null,
        };
        return new Response(JSON.stringify({ error }), {
          status: 400,
          headers: { 'content-type': 'application/json' },
        });
      },
    });
    background.main?.();
    const { sim } = w;

    // Account (first AT from the session endpoint).
    const account = await w.ask('account.get', { refresh: true });
    expect(account).toMatchObject({ ok: true, value: { status: 'ok', email: EMAIL } });
    expect((await w.ask('account.sora2', {})).ok).toBe(true);

    // A batch: two videos, an image, and one whose create Sora answers with the caller's token echoed.
    const enqueued = await w.ask('jobs.enqueue', {
      inputs: [
        { kind: 'video', prompt: 'a lighthouse at dusk', nFrames: 150 },
        { kind: 'video', prompt: 'a paper boat on a puddle', orientation: 'portrait', nFrames: 150 },
        { kind: 'image', prompt: 'a paper crane' },
        { kind: 'video', prompt: ECHO_PROMPT, nFrames: 150 },
      ],
    });
    expect(enqueued.ok).toBe(true);
    const creates = () =>
      sim.control.log({ method: 'POST' }).filter((e) => /^\/backend\/(nf\/create|video_gen)$/.test(e.path));
    await expect.poll(() => creates().filter((e) => e.status === 200).length, WAIT).toBe(3);

    // Every AT issued so far stops working: the next call gets 401 and the background refreshes.
    sim.control.invalidateTokens({ email: EMAIL });
    sim.clock.advance(30 * 60_000);
    await expect.poll(async () => (await jobsOf(w)).every((j) => FINAL.includes(j.state)), WAIT).toBe(true);
    const jobs = await jobsOf(w);
    expect(jobs.filter((j) => j.state === 'done')).toHaveLength(3);
    const echoed = jobs.find((j) => j.request.prompt === ECHO_PROMPT);
    expect(echoed?.state).toBe('failed');
    expect(echoed?.lastError?.message).toContain('[redacted]');
    expect(new Set(w.minted).size).toBeGreaterThanOrEqual(2);

    // History: import drafts made elsewhere; publish one video as a share link.
    sim.control.seedDrafts({ count: 2, email: EMAIL, promptPrefix: 'Made on sora.com' });
    expect((await w.ask('history.importFromSora', {})).ok).toBe(true);
    const db = await getDb();
    const history = await listHistory(db, { limit: 1000 });
    expect(history.length).toBeGreaterThanOrEqual(5);
    const video = history.find((h) => h.kind === 'video' && h.status === 'ready' && h.source !== 'sora');
    expect(video).toBeDefined();
    expect((await w.ask('media.share', { id: video?.id })).ok).toBe(true);

    // "Remix this" on a video without a link: the background asks the tab's content script.
    const [onMenuClick] = w.menuClicks;
    onMenuClick?.(
      {
        menuItemId: 'companion.remix.target',
        srcUrl: 'https://videos.openai.com/az/files/x/raw',
        mediaType: 'video',
        pageUrl: 'https://sora.chatgpt.com/',
        frameId: 0,
      },
      SORA_TAB,
    );
    await expect
      .poll(async () => (await fakeBrowser.storage.session.get('ui.intent'))['ui.intent'], WAIT)
      .toBeTruthy();

    // The content script path was exercised both ways, and every message had exactly the expected fields.
    const messages = w.toContentScripts.map((m) => m.message as Record<string, unknown>);
    expect(messages.some((m) => m.type === 'companion.sentinelToken')).toBe(true);
    expect(messages.some((m) => m.type === 'companion.postIdUnderPointer')).toBe(true);
    for (const m of w.toContentScripts) {
      expect(m.tabId).toBe(SORA_TAB.id);
      expect(m.options).toEqual({ frameId: 0 });
      const message = m.message as Record<string, unknown>;
      if (message.type === 'companion.postIdUnderPointer') expect(message).toEqual({ type: message.type });
      else {
        expect(Object.keys(message).sort()).toEqual(['deviceId', 'flow', 'nonce', 'type']);
        expect(message.type).toBe('companion.sentinelToken');
        expect(message.flow).toMatch(/^sora_2_create_(task|post)$/);
        expect(message.nonce).toMatch(/^[A-Za-z0-9]{16,64}$/);
      }
    }

    // A content script (or anything that is not our page) is refused before any handler runs.
    const meReads = () => sim.control.log({ path: '/backend/me' }).length;
    const readsBefore = meReads();
    const refused = await w.ask(
      'jobs.enqueue',
      { inputs: [{ kind: 'video', prompt: 'from the page' }] },
      CONTENT_SCRIPT,
    );
    expect(refused).toEqual({ ok: false, error: REFUSED });
    expect(await w.ask('account.get', { refresh: true }, CONTENT_SCRIPT)).toEqual({
      ok: false,
      error: REFUSED,
    });
    const otherExtension = { id: 'another-extension', url: 'chrome-extension://another-extension/p.html' };
    expect(await w.ask('account.get', { refresh: true }, otherExtension)).toEqual({
      ok: false,
      error: REFUSED,
    });
    expect(await w.ask('account.get', { refresh: true }, { url: 'https://evil.example/' })).toEqual({
      ok: false,
      error: REFUSED,
    });
    expect(meReads()).toBe(readsBefore);
    expect((await jobsOf(w)).some((j) => j.request.prompt === 'from the page')).toBe(false);
    expect(sim.control.log().some((e) => e.rawBody?.includes('from the page'))).toBe(false);

    // --- The scan -------------------------------------------------------------------------------------
    const tokens = [...new Set([...w.minted, ...w.bearers.map((b) => b.token)])];
    expect(tokens.length).toBeGreaterThanOrEqual(2);
    // Every token the extension sent was one the simulator issued (the capture is complete).
    for (const b of w.bearers) expect(w.minted).toContain(b.token);
    const sessionCookie = [w.login.value, ...w.login.cookies.map((c) => c.value)];
    const secrets = [...tokens.flatMap(secretParts), ...sessionCookie];

    // storage.session holds the AT under `auth.session` (the detector works) and nowhere else.
    const session = await fakeBrowser.storage.session.get(null);
    const current = (session[SESSION_STORE_KEY] as { accessToken: string }).accessToken;
    expect(tokens).toContain(current);
    const { [SESSION_STORE_KEY]: _own, ...otherSession } = session;

    const history2 = await listHistory(db, { limit: 1000 });
    const places: Record<string, string> = {
      'storage.local': await dump(await fakeBrowser.storage.local.get(null)),
      'storage.sync': await dump(await fakeBrowser.storage.sync.get(null)),
      'storage.session (other keys)': await dump(otherSession),
      ...(await dumpIndexedDb()),
      console: await dump(w.console),
      notifications: await dump(await fakeBrowser.notifications.getAll()),
      badge: await dump(await fakeBrowser.action.getBadgeText({})),
      'events to pages': await dump(w.events),
      'answers to pages': await dump(w.answers),
      'messages to content scripts': await dump(w.toContentScripts),
      'export.json': exportJson(history2),
      'export.csv': exportCsv(history2),
      'requests (bodies and queries)': await dump(sim.control.log().map((e) => [e.query, e.rawBody, e.body])),
    };
    expect(Object.keys(places).filter((p) => p.startsWith('companion/'))).toEqual(
      expect.arrayContaining(['companion/jobs', 'companion/history', 'companion/meta']),
    );
    // The scan finds what is there: the session area does hold the AT.
    expect(await dump(session)).toContain(current);
    for (const [place, text] of Object.entries(places)) {
      for (const secret of secrets) expect(text.includes(secret), `${place} holds a secret`).toBe(false);
    }
    // No cookie value or AT-like field name in what is exported or stored.
    for (const place of ['storage.local', 'export.json', 'export.csv']) {
      expect(places[place]).not.toMatch(/accessToken|session-token|Bearer /i);
    }

    // The AT went only to the Sora backend, and the simulator saw it nowhere else.
    expect(w.bearers.length).toBeGreaterThan(5);
    for (const b of w.bearers) expect(b.url).toMatch(/^https:\/\/sora\.chatgpt\.com\/backend\//);
    for (const e of sim.control.log()) {
      if (e.host !== 'sora.chatgpt.com' || !e.path.startsWith('/backend/')) {
        expect(e.hasBearer, `${e.method} ${e.host}${e.path}`).toBe(false);
      }
    }

    // Logout: the session cookie goes, the AT is dropped from storage.session too.
    for (const c of w.login.cookies) w.cookies.remove(c.name);
    await expect
      .poll(async () => (await fakeBrowser.storage.session.get(SESSION_STORE_KEY))[SESSION_STORE_KEY], WAIT)
      .toBeUndefined();
  }, 90_000);
});

describe('what travels towards the Sora page', () => {
  it('the isolated script posts only {channel, kind, flow, deviceId, nonce}, to the page origin, never "*"', async () => {
    const posted: { data: unknown; target: string }[] = [];
    const win: WindowLike = {
      location: { origin: 'https://sora.chatgpt.com' },
      postMessage: (data, target) => void posted.push({ data, target }),
      addEventListener() {},
      removeEventListener() {},
    };
    const bridge = createSentinelBridge(win, { timeoutMs: 5 });
    const device = '5b0f3c1e-8f2a-4d3b-9c61-2f7e4a9d0b13';
    const answer = await bridge.request('sora_2_create_task', device, 'N0nceN0nceN0nceN0nce');
    expect(answer).toEqual({ nonce: 'N0nceN0nceN0nceN0nce', error: 'timeout' });
    expect(posted).toEqual([
      {
        data: {
          channel: WINDOW_CHANNEL,
          kind: 'request',
          flow: 'sora_2_create_task',
          deviceId: device,
          nonce: 'N0nceN0nceN0nceN0nce',
        },
        target: 'https://sora.chatgpt.com',
      },
    ]);
  });

  it('the history export keeps only whitelisted fields: no token, cookie or signed URL in params or item', () => {
    const at = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEifQ.c2lnbmF0dXJlLXNlY3JldA';
    const item: HistoryItem = {
      id: 'gen_01abc',
      taskId: 'task_01abc',
      jobId: 'job-1',
      kind: 'video',
      prompt: 'a lighthouse',
      // Whatever a future request parameter might carry, only the known setting keys travel.
      params: {
        orientation: 'landscape',
        nFrames: 150,
        accessToken: at,
        authorization: `Bearer ${at}`,
        headers: { authorization: `Bearer ${at}` },
        cookie: '__Secure-next-auth.session-token=abc',
        cameoIds: ['ch_1'],
      },
      url: `https://videos.openai.com/az/files/x/raw?se=2026-01-01&sig=${at}`,
      downloadUrl: `https://videos.openai.com/d?sig=${at}`,
      thumbnailUrl: `https://videos.openai.com/t?sig=${at}`,
      createdAt: 0,
      status: 'ready',
      postId: 's_0123456789abcdef0123456789abcdef',
    };
    for (const text of [exportJson([item], 0), exportCsv([item])]) {
      expect(text).toContain('a lighthouse');
      expect(text).toContain('landscape');
      for (const secret of secretParts(at)) expect(text).not.toContain(secret);
      expect(text).not.toMatch(
        /accessToken|authorization|session-token|cookie|Bearer|videos\.openai\.com|sig=/i,
      );
    }
  });

  it('the content script answers only our background, and only the two known questions', async () => {
    const sentinel = { request: vi.fn(async (_flow: string, nonce: string) => ({ nonce, token: 't' })) };
    const listener = createContentListener({
      extensionId: ID,
      extensionOrigin: ORIGIN,
      postIdUnderPointer: () => 's_0123456789abcdef0123456789abcdef',
      sentinel,
    });
    const fromBackground = { id: ID, url: `${ORIGIN}/background.js` };
    const question = { type: 'companion.postIdUnderPointer' };
    expect(await listener(question, fromBackground)).toEqual({
      postId: 's_0123456789abcdef0123456789abcdef',
    });
    // Not from our background: no answer at all.
    for (const sender of [
      { id: ID, url: 'https://sora.chatgpt.com/', tab: SORA_TAB },
      { id: ID, url: `${ORIGIN}/popup.html`, tab: { id: 3, url: `${ORIGIN}/popup.html` } },
      { id: 'another-extension' },
      undefined,
    ]) {
      expect(listener(question, sender)).toBeUndefined();
    }
    // Anything with more fields than a known question (say, a token) is not relayed to the page.
    const withExtra = { type: 'companion.sentinelToken', flow: 'f', nonce: 'N0nceN0nceN0nceN0nce', at: 'x' };
    expect(listener(withExtra, fromBackground)).toBeUndefined();
    expect(listener({ ...question, accessToken: 'x' }, fromBackground)).toBeUndefined();
    expect(sentinel.request).not.toHaveBeenCalled();
  });
});
