/**
 * Publish-and-download: the state machine alone, then the worker against the simulator in process (real
 * lib/sora endpoints, fake-indexeddb, a fake download manager that fetches what it is given from the
 * simulator and reports what came back).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DownloadJob } from '../../lib/db/download-record';
import type { FileSource, HistoryItem } from '../../lib/db/history-record';
import { listPostRecords } from '../../lib/db/posts';
import { type CompanionDb, openCompanionDb } from '../../lib/db/schema';
import { importFromSora } from '../../lib/history/import';
import { createResolver } from '../../lib/history/resolve';
import { createHistorySoraPort, type HistorySoraPort } from '../../lib/history/sora-port';
import type { DownloadItemLike, DownloadsApi, UrlCheck } from '../../lib/media/context';
import {
  ACTIVE_DOWNLOAD_STATES,
  type DownloadEvent,
  fellBackToOriginal,
  fileSourceOf,
  isCleanSource,
  MAX_STEP_ATTEMPTS,
  newDownloadJob,
  transitionDownload,
} from '../../lib/media/model';
import { askParseService, ParseServiceError, parseServiceEndpoint } from '../../lib/media/parse-service';
import { sidecarText, textDataUrl } from '../../lib/media/sidecar';
import { createMediaWorker, type MediaDeps, PUBLISH_SETTLE_MS, WAIT_MS } from '../../lib/media/worker';
import { DEFAULT_SETTINGS, type Settings } from '../../lib/settings';
import { choosePostFile, fileIdentity, mediaFileIdentities } from '../../lib/sora/media';
import { loadFixture, reachedBackend, type Sim } from '../sim/app';
import type { SimConfigPatch } from '../sim/types';
import { simClient } from './harness/sim-client';

const EMAIL = 'ada@example.com';
const DAY = 86_400_000;

// ------------------------------------------------------------------------------------------ state machine

const job = (patch: Partial<DownloadJob> = {}): DownloadJob => ({
  ...newDownloadJob({
    id: 'dl_1',
    itemId: 'gen_1',
    batchId: 'b',
    index: 1,
    total: 1,
    mode: 'clean',
    keepPublished: false,
    sidecar: 'none',
    now: 0,
  }),
  ...patch,
});

function run(start: DownloadJob, events: DownloadEvent[]): DownloadJob {
  let j = start;
  events.forEach((e, i) => {
    const next = transitionDownload(j, e, i + 1);
    if (next === null) throw new Error(`${e.type} does not apply in ${j.state}`);
    j = next;
  });
  return j;
}

describe('download state machine', () => {
  it('clean: publish → resolve → download → unpublish → done', () => {
    const j = run(job(), [
      { type: 'start' },
      { type: 'publishSending' },
      { type: 'published', postId: 's_1', kept: false },
      { type: 'resolved', url: 'https://v/clean.mp4', source: 'post_attachment' },
      { type: 'downloadRequested', filename: 'Sora/a.mp4' },
      { type: 'downloadStarted', downloadId: 7 },
      { type: 'downloaded', savedAs: 'a.mp4' },
    ]);
    expect(j).toMatchObject({ state: 'unpublishing', after: 'done', postId: 's_1', downloadId: 7 });
    expect(run(j, [{ type: 'unpublished', leftPublished: false }])).toMatchObject({
      state: 'done',
      after: null,
    });
  });

  it('keeps the post when asked, and never deletes a post it found kept', () => {
    const kept = run(job({ keepPublished: true }), [
      { type: 'start' },
      { type: 'published', postId: 's_1', kept: false },
      { type: 'resolved', url: 'u', source: 'post_attachment' },
      { type: 'downloaded', savedAs: 'a.mp4' },
    ]);
    expect(kept.state).toBe('done');
    const found = run(job(), [
      { type: 'start' },
      { type: 'published', postId: 's_1', kept: true },
      { type: 'noClean', message: 'none' },
    ]);
    expect(found).toMatchObject({ state: 'no_clean', lastError: { code: 'no_clean_source' } });
  });

  it('no clean source after publishing still deletes the post, then says so', () => {
    const j = run(job(), [
      { type: 'start' },
      { type: 'published', postId: 's_1', kept: false },
      { type: 'noClean', message: 'nothing clean' },
    ]);
    expect(j).toMatchObject({ state: 'unpublishing', after: 'no_clean' });
    expect(run(j, [{ type: 'unpublished', leftPublished: false }]).state).toBe('no_clean');
  });

  it('retries a step with backoff, then fails (through unpublishing when it owns a post)', () => {
    let j = run(job(), [{ type: 'start' }, { type: 'published', postId: 's_1', kept: false }]);
    for (let i = 1; i < MAX_STEP_ATTEMPTS; i++) {
      j = transitionDownload(
        j,
        { type: 'retry', delayMs: 1000, error: { code: 'network', message: 'x' } },
        10,
      ) as DownloadJob;
      expect(j).toMatchObject({ state: 'resolving', attempts: i, nextAttemptAt: 1010 });
    }
    j = transitionDownload(
      j,
      { type: 'retry', delayMs: 1000, error: { code: 'network', message: 'x' } },
      20,
    ) as DownloadJob;
    expect(j).toMatchObject({ state: 'unpublishing', after: 'failed' });
  });

  it('waits out a condition without spending attempts, and a refused publish is not a resend', () => {
    let j = run(job(), [{ type: 'start' }, { type: 'publishSending' }, { type: 'publishRefused' }]);
    for (let i = 0; i < MAX_STEP_ATTEMPTS + 2; i++) {
      j = transitionDownload(
        j,
        { type: 'wait', delayMs: 60_000, error: { code: 'daily_limit', message: 'x' } },
        10,
      ) as DownloadJob;
    }
    expect(j).toMatchObject({ state: 'publishing', attempts: 0, nextAttemptAt: 60_010, publishSentAt: null });
    expect(j.lastError?.code).toBe('daily_limit');
  });

  it('an expired URL while downloading goes back to resolving', () => {
    const j = run(job({ mode: 'original' }), [
      { type: 'start' },
      { type: 'resolved', url: 'u', source: 'original' },
      { type: 'downloadRequested', filename: 'a.mp4' },
      { type: 'downloadStarted', downloadId: 3 },
      { type: 'urlExpired', message: 'SERVER_FORBIDDEN' },
    ]);
    expect(j).toMatchObject({ state: 'resolving', downloadId: null, sourceUrl: null, urlRenewals: 1 });
  });

  it('a URL that stops working every time ends the job instead of looping: a new URL does not reset the count', () => {
    const expiring: DownloadEvent[] = [
      { type: 'resolved', url: 'u', source: 'parse_service' },
      { type: 'downloadRequested', filename: 'a.mp4' },
      { type: 'downloadStarted', downloadId: 3 },
      { type: 'urlExpired', message: 'The file URL stopped working (SERVER_FORBIDDEN).' },
    ];
    let j = run(job(), [{ type: 'start' }, { type: 'published', postId: 's_1', kept: false }]);
    for (let i = 1; i < MAX_STEP_ATTEMPTS; i++) {
      j = run(j, expiring);
      expect(j).toMatchObject({ state: 'resolving', urlRenewals: i });
    }
    j = run(j, expiring);
    // Through unpublishing: the post made for it is deleted, then the job is failed with the reason.
    expect(j).toMatchObject({ state: 'unpublishing', after: 'failed' });
    expect(j.lastError).toMatchObject({
      code: 'download_failed',
      message: expect.stringContaining('FORBIDDEN'),
    });
  });

  it('cancel: straight to canceled without a post, through unpublishing with one; stale events are ignored', () => {
    expect(run(job(), [{ type: 'start' }, { type: 'cancel' }]).state).toBe('canceled');
    const j = run(job(), [
      { type: 'start' },
      { type: 'published', postId: 's_1', kept: false },
      { type: 'cancel' },
    ]);
    expect(j).toMatchObject({ state: 'unpublishing', after: 'canceled' });
    expect(transitionDownload(j, { type: 'resolved', url: 'u', source: 'post_attachment' }, 9)).toBeNull();
    expect(run(j, [{ type: 'unpublished', leftPublished: false }]).state).toBe('canceled');
    expect(transitionDownload({ ...j, state: 'done' }, { type: 'cancel' }, 9)).toBeNull();
  });

  it('an ambiguous publish failure keeps publishSentAt: the next try looks before it sends', () => {
    const j = run(job(), [
      { type: 'start' },
      { type: 'publishSending' },
      { type: 'retry', delayMs: 1000, error: { code: 'network', message: 'answer lost' } },
      { type: 'wait', delayMs: 60_000, error: { code: 'logged_out', message: 'x' } },
    ]);
    expect(j).toMatchObject({ state: 'publishing', publishSentAt: 2, attempts: 1 });
    // Out of attempts with a publish possibly out: through unpublishing, to find and delete its post.
    const out = { ...j, attempts: MAX_STEP_ATTEMPTS - 1 };
    expect(
      transitionDownload(out, { type: 'retry', delayMs: 1, error: { code: 'timeout', message: 'x' } }, 9),
    ).toMatchObject({ state: 'unpublishing', after: 'failed', postId: null });
  });

  it('unsure: waits for the user without a slot; publish again clears the send, cancel says a post may be left', () => {
    const j = run(job(), [
      { type: 'start' },
      { type: 'publishSending' },
      { type: 'unsure', message: 'no feed' },
    ]);
    expect(j).toMatchObject({ state: 'unsure', lastError: { code: 'publish_unsure' }, publishSentAt: 2 });
    expect(ACTIVE_DOWNLOAD_STATES).not.toContain('unsure');
    expect(run(j, [{ type: 'publishAgain' }])).toMatchObject({
      state: 'publishing',
      publishSentAt: null,
      lastError: null,
    });
    expect(run(j, [{ type: 'cancel' }])).toMatchObject({ state: 'canceled', postMaybeLeft: true });
  });

  it('cancel while a publish is out: unpublishing without a post id, then the answer names the post', () => {
    const j = run(job(), [{ type: 'start' }, { type: 'publishSending' }, { type: 'cancel' }]);
    expect(j).toMatchObject({ state: 'unpublishing', after: 'canceled', postId: null });
    const named = run(j, [{ type: 'published', postId: 's_9', kept: false }]);
    expect(named).toMatchObject({ state: 'unpublishing', postId: 's_9' });
    // A second name never replaces the first.
    expect(transitionDownload(named, { type: 'published', postId: 's_8', kept: false }, 9)).toBeNull();
    expect(run(named, [{ type: 'unpublished', leftPublished: false }])).toMatchObject({ state: 'canceled' });
    // A cancel before anything was sent has nothing to look for.
    expect(run(job(), [{ type: 'start' }, { type: 'cancel' }]).state).toBe('canceled');
    // Kept-on-purpose posts are not hunted down.
    const kept = run(job({ keepPublished: true }), [
      { type: 'start' },
      { type: 'publishSending' },
      { type: 'cancel' },
    ]);
    expect(kept.state).toBe('canceled');
  });

  it('original mode never publishes', () => {
    expect(run(job({ mode: 'original' }), [{ type: 'start' }]).state).toBe('resolving');
  });

  it('a clean job that resolved to the original fell back; an original job did not', () => {
    const fell = run(job(), [
      { type: 'start' },
      { type: 'published', postId: 's_1', kept: false },
      { type: 'resolved', url: 'u', source: 'original' },
    ]);
    expect(fell).toMatchObject({ state: 'downloading', source: 'original' });
    expect(fellBackToOriginal(fell)).toBe(true);
    expect(fellBackToOriginal({ mode: 'original', source: 'original' })).toBe(false);
    expect(fellBackToOriginal({ mode: 'clean', source: 'post_attachment' })).toBe(false);
  });
});

// ------------------------------------------------------------------------------------------ file source

describe('which file is clean', () => {
  const signed = (path: string, sig: string) =>
    `https://videos.openai.com${path}?se=2026-01-01T00%3A00%3A00Z&sp=r&sig=${sig}`;
  const WM = '/vg-assets/assets/task_1/abc/videos/00000/src.mp4';
  const CLEAN = '/vg-assets/assets/task_1/def/videos/00000/source.mp4';
  const draft = {
    url: signed(WM, 'a'),
    downloadable_url: signed(WM, 'b'),
    encodings: { source: { path: signed(WM, 'c') } },
  };
  const own = mediaFileIdentities(draft);

  it('names a file by host and path, never by its signature', () => {
    expect(fileIdentity(signed(WM, 'one'))).toBe(fileIdentity(signed(WM, 'two')));
    expect(fileIdentity(signed(WM, 'one'))).toBe(`videos.openai.com${WM}`);
    expect(fileIdentity('https://VIDEOS.openai.com/x.mp4?sig=1')).toBe('videos.openai.com/x.mp4');
    expect(fileIdentity('')).toBeUndefined();
    expect(own).toEqual([`videos.openai.com${WM}`]);
  });

  it('a post attachment naming another file is clean; in NOTES order', () => {
    expect(
      choosePostFile(
        {
          ...draft,
          downloadable_url: signed(CLEAN, 'x'),
          encodings: { source: { path: signed(CLEAN, 'y') } },
        },
        own,
      ),
    ).toEqual({ kind: 'other', url: signed(CLEAN, 'y') });
    // The source path is the draft's own, the downloadable URL another file: that one.
    expect(choosePostFile({ ...draft, downloadable_url: signed(CLEAN, 'x') }, own)).toEqual({
      kind: 'other',
      url: signed(CLEAN, 'x'),
    });
  });

  it('an attachment naming only the draft’s own file (freshly signed) is the watermarked original', () => {
    const again = {
      url: signed(WM, 'new1'),
      downloadable_url: signed(WM, 'new2'),
      encodings: { source: { path: signed(WM, 'new3') } },
    };
    expect(choosePostFile(again, own)).toEqual({ kind: 'draft_file', url: signed(WM, 'new3') });
    expect(choosePostFile({ url: signed(WM, 'z') }, own)).toEqual({
      kind: 'draft_file',
      url: signed(WM, 'z'),
    });
    expect(choosePostFile({ url: null, downloadable_url: '', encodings: { source: null } }, own)).toEqual({
      kind: 'none',
    });
    // Nothing known of the draft: nothing can be told apart, so nothing is called clean.
    expect(choosePostFile({ url: signed(CLEAN, 'q') }, [])).toEqual({
      kind: 'draft_file',
      url: signed(CLEAN, 'q'),
    });
  });

  it('only post attachment and parse service are clean; values of older versions are not known', () => {
    expect(isCleanSource('post_attachment')).toBe(true);
    expect(isCleanSource('parse_service')).toBe(true);
    expect(isCleanSource('original')).toBe(false);
    expect(fileSourceOf('post_source')).toBeNull();
    expect(fileSourceOf('post_downloadable')).toBeNull();
    expect(isCleanSource(fileSourceOf('post_source'))).toBe(false);
  });
});

// ------------------------------------------------------------------------------------------ sidecar

describe('sidecar', () => {
  const it0: HistoryItem = {
    id: 'gen_1',
    taskId: 'task_1',
    jobId: null,
    kind: 'video',
    prompt: 'A lighthouse',
    params: { orientation: 'landscape' },
    url: 'https://videos.openai.com/a.mp4?sig=1',
    createdAt: Date.UTC(2026, 0, 2),
    status: 'ready',
  };
  const side = (format: 'txt' | 'json', source: FileSource | null, fellBack = false, item = it0) =>
    sidecarText(format, item, { source, fellBack }, null).text;

  it('says in plain words which file was saved and where from', () => {
    expect(side('txt', 'post_attachment')).toContain("file: watermark-free, from the post's attachment");
    expect(side('txt', 'post_attachment')).toContain('watermark-free: yes');
    expect(side('txt', 'parse_service')).toContain('file: watermark-free, from your parse service');
    expect(side('txt', 'original')).toMatch(/file: watermarked original\n/);
    expect(side('txt', 'original')).toContain('watermark-free: no');
    expect(side('txt', 'original', true)).toContain(
      'file: watermarked original: you asked for a watermark-free file, but no clean file was found',
    );
    expect(side('txt', 'original', false, { ...it0, kind: 'image' })).toContain(
      'file: the original file, as Sora serves it',
    );
    // An older record's unchecked source claims nothing.
    expect(side('txt', null)).toContain('watermark-free: no');
    expect(side('txt', null)).toContain('file: not recorded');
  });

  it('JSON carries the source as a value and in words, and no URL', () => {
    const clean = JSON.parse(side('json', 'post_attachment'));
    expect(clean).toMatchObject({ watermarkFree: true, fileSource: 'post_attachment' });
    expect(clean.file).toMatch(/post's attachment/);
    expect(clean.fellBackToOriginal).toBeUndefined();
    const fell = JSON.parse(side('json', 'original', true));
    expect(fell).toMatchObject({ watermarkFree: false, fileSource: 'original', fellBackToOriginal: true });
    expect(fell.file).toMatch(/^watermarked original/);
    expect(side('json', 'parse_service')).not.toMatch(/https?:/);
  });
});

// ------------------------------------------------------------------------------------------ parse service

describe('parse service', () => {
  const shareUrl = 'https://sora.chatgpt.com/p/s_0123456789abcdef0123456789abcdef';
  it('posts the share link (and nothing else) and returns the download link', async () => {
    let sent: { url: string; body: unknown } | null = null;
    const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
      sent = { url: String(input), body: JSON.parse(String(init?.body)) };
      return new Response(JSON.stringify({ download_link: 'https://cdn.example/clean.mp4' }));
    }) as typeof fetch;
    expect(await askParseService(fetchFn, 'https://parse.example/', shareUrl)).toBe(
      'https://cdn.example/clean.mp4',
    );
    expect(sent).toEqual({ url: 'https://parse.example/get-sora-link', body: { url: shareUrl } });
    expect(parseServiceEndpoint('https://x.example/get-sora-link/')).toBe('https://x.example/get-sora-link');
  });

  it('turns {error}, bad links, bad JSON and http: bases into ParseServiceError', async () => {
    const answer = (body: string, status = 200) =>
      (async () => new Response(body, { status })) as typeof fetch;
    await expect(
      askParseService(answer('{"error":"private video"}', 400), 'https://p.example', shareUrl),
    ).rejects.toThrow(/private video/);
    await expect(
      askParseService(answer('{"download_link":"http://insecure"}'), 'https://p.example', shareUrl),
    ).rejects.toBeInstanceOf(ParseServiceError);
    await expect(askParseService(answer('<html>'), 'https://p.example', shareUrl)).rejects.toThrow(
      /without JSON/,
    );
    await expect(askParseService(answer('{}'), 'http://p.example', shareUrl)).rejects.toThrow(/https/);
  });
});

// ------------------------------------------------------------------------------------------ worker vs sim

let n = 0;
const dbs: CompanionDb[] = [];
const workers: { settle(): Promise<void> }[] = [];
afterEach(async () => {
  // A step still using IndexedDB when its database closes would fail (and log it): let them finish first.
  await Promise.all(workers.splice(0).map((w) => w.settle()));
  for (const db of dbs.splice(0)) db.close();
});

interface FakeDownload extends DownloadItemLike {
  headers: Record<string, string>;
  bytes: Uint8Array | null;
  text: string | null;
}

/** The browser's download manager, standing in: it fetches from the simulator at once. */
function fakeDownloads(sim: Sim, opts: { hangDownloads?: boolean } = {}) {
  const all: FakeDownload[] = [];
  let nextId = 1;
  let active = 0;
  let maxActive = 0;
  const api: DownloadsApi = {
    async download({ url, filename }) {
      const id = nextId++;
      const d: FakeDownload = {
        id,
        url,
        filename: `/downloads/${filename}`,
        state: 'in_progress',
        bytesReceived: 0,
        totalBytes: 0,
        startTime: new Date().toISOString(),
        headers: {},
        bytes: null,
        text: null,
      };
      all.push(d);
      if (opts.hangDownloads) return new Promise<number>(() => {});
      if (url.startsWith('data:')) {
        d.text = decodeURIComponent(url.slice(url.indexOf(',') + 1));
        d.state = 'complete';
        return id;
      }
      active++;
      maxActive = Math.max(maxActive, active);
      const res = await sim.fetch(url);
      active--;
      d.headers = Object.fromEntries(res.headers.entries());
      if (res.ok) {
        d.bytes = new Uint8Array(await res.arrayBuffer());
        d.state = 'complete';
        d.bytesReceived = d.totalBytes = d.bytes.length;
      } else {
        d.state = 'interrupted';
        d.error = res.status === 403 ? 'SERVER_FORBIDDEN' : 'SERVER_BAD_CONTENT';
      }
      return id;
    },
    async search(query) {
      return all.filter(
        (d) =>
          (query.id === undefined || d.id === query.id) && (query.url === undefined || d.url === query.url),
      );
    },
    async cancel(id) {
      const d = all.find((x) => x.id === id);
      if (d) Object.assign(d, { state: 'interrupted', error: 'USER_CANCELED' });
    },
  };
  return { api, all, maxActive: () => maxActive };
}

async function setup(
  opts: {
    settings?: Partial<Settings>;
    sora?: (p: HistorySoraPort) => HistorySoraPort;
    hangDownloads?: boolean;
    sim?: SimConfigPatch;
  } = {},
) {
  const { sim, http } = simClient({ email: EMAIL, seed: 11, plan: 'pro', config: opts.sim });
  const db = await openCompanionDb({ name: `media-${++n}` });
  dbs.push(db);
  const realPort = createHistorySoraPort(http);
  const sora = opts.sora ? opts.sora(realPort) : realPort;
  const downloads = fakeDownloads(sim, { hangDownloads: opts.hangDownloads });
  const settings: Settings = {
    ...DEFAULT_SETTINGS,
    filenameTemplate: '{index}_{prompt:20}_{id}',
    ...opts.settings,
  };
  const now = () => sim.clock.now();
  const resolver = createResolver({ db: async () => db, sora: realPort, now, batchDelayMs: 0 });
  const checkUrl = async (url: string): Promise<UrlCheck> => {
    const res = await sim.fetch(url, { method: 'HEAD' });
    return res.ok ? 'ok' : res.status === 403 || res.status === 404 ? 'dead' : 'unknown';
  };
  const itemsChanged: HistoryItem[] = [];
  const deps: MediaDeps = {
    db: async () => db,
    sora,
    downloads: downloads.api,
    resolveItem: (id) => resolver.resolve(id),
    checkUrl,
    askParseService: async () => {
      throw new ParseServiceError('no service in this test');
    },
    settings: async () => settings,
    now,
    random: () => 0.5,
    setTimer: () => () => {},
    onItemsChanged: (items) => itemsChanged.push(...items),
    textUrl: textDataUrl,
  };
  const worker = createMediaWorker(deps);
  // Hung downloads never settle; their steps wait on the download, not on the database.
  if (!opts.hangDownloads) workers.push(worker);
  const seed = async (count: number) => {
    const ids = sim.control.seedDrafts({ count, email: EMAIL, promptPrefix: 'Harbor at night' });
    await importFromSora(db, realPort, { now });
    return ids;
  };
  const posts = () => sim.control.log({ path: '/backend/project_y/post*' });
  return { sim, db, worker, deps, downloads, settings, seed, posts, itemsChanged, realPort };
}

const CLEAN_LANDSCAPE = loadFixture('video-clean-landscape.mp4');

describe('publish-and-download worker', () => {
  it('downloads the clean file under the templated name, then deletes the post', async () => {
    const s = await setup({ settings: { sidecar: 'json' } });
    const [id] = await s.seed(1);
    const [queued] = await s.worker.enqueue([id as string], 'clean');
    await s.worker.settle();
    const done = (await s.db.get('downloads', queued!.id))!;
    expect(done).toMatchObject({
      state: 'done',
      source: 'post_attachment',
      filename: `Sora/1_Harbor at night 1_${id}.mp4`,
    });
    const file = s.downloads.all.find((d) => d.bytes)!;
    expect(file.headers['x-sim-watermark']).toBe('none');
    expect(file.bytes).toEqual(CLEAN_LANDSCAPE);
    const calls = s.posts().map((e) => `${e.method} ${e.status}`);
    expect(calls).toEqual(['POST 200', 'GET 200', 'DELETE 200']);
    expect(s.sim.state.posts.get(done.postId!)?.deleted).toBe(true);
    const item = (await s.db.get('history', id as string))!;
    expect(item).toMatchObject({
      downloadedClean: true,
      downloadedSource: 'post_attachment',
      downloadedFellBack: false,
      downloadedFile: `1_Harbor at night 1_${id}.mp4`,
    });
    expect(item.downloadedAt).toBeGreaterThan(0);
    expect(item.postId).toBeUndefined();
    // The sidecar: next to the file, the prompt and settings, no URL.
    const side = s.downloads.all.find((d) => d.text !== null)!;
    expect(side.filename).toBe(`/downloads/Sora/1_Harbor at night 1_${id}.json`);
    expect(JSON.parse(side.text!)).toMatchObject({
      id,
      prompt: 'Harbor at night 1',
      watermarkFree: true,
      fileSource: 'post_attachment',
    });
    expect(side.text).not.toMatch(/https?:\/\/videos/);
  });

  it('keeps the post published when the setting says so and records the share link', async () => {
    const s = await setup({ settings: { keepPublished: true } });
    const [id] = await s.seed(1);
    await s.worker.enqueue([id as string], 'clean');
    await s.worker.settle();
    expect(s.posts().map((e) => e.method)).toEqual(['POST', 'GET']);
    const item = (await s.db.get('history', id as string))!;
    expect(item.postId).toMatch(/^s_[0-9a-f]{32}$/);
    // A second download reuses the kept post instead of publishing again.
    await s.worker.enqueue([id as string], 'clean');
    await s.worker.settle();
    expect(s.posts().filter((e) => e.method === 'POST')).toHaveLength(1);
  });

  it('asks the parse service when one is configured, with the share link', async () => {
    const s = await setup({ settings: { parseServiceUrl: 'https://parse.example' } });
    const asked: string[] = [];
    s.deps.askParseService = async (_base, shareUrl) => {
      asked.push(shareUrl);
      // The service answers with a clean link (here: the post's own clean source).
      const post = await s.realPort.getPost(shareUrl);
      return post.attachments![0]!.encodings!.source!.path!;
    };
    const worker = createMediaWorker(s.deps);
    const [id] = await s.seed(1);
    const [queued] = await worker.enqueue([id as string], 'clean');
    await worker.settle();
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatch(/^https:\/\/sora\.chatgpt\.com\/p\/s_[0-9a-f]{32}$/);
    expect(await s.db.get('downloads', queued!.id)).toMatchObject({ state: 'done', source: 'parse_service' });
    expect(s.downloads.all[0]?.headers['x-sim-watermark']).toBe('none');
    expect((await s.db.get('history', id as string))?.downloadedSource).toBe('parse_service');
  });

  it('a parse service naming the video’s own file is not clean: the post’s attachment is read instead', async () => {
    const s = await setup({ settings: { parseServiceUrl: 'https://parse.example' } });
    const [id] = await s.seed(1);
    // The service hands back the draft's own file, freshly signed (the signature differs, the file does not).
    s.deps.askParseService = async () => {
      const { items } = await s.realPort.listDrafts(10);
      return items.find((d) => d.id === id)!.url!;
    };
    const worker = createMediaWorker(s.deps);
    const [queued] = await worker.enqueue([id as string], 'clean');
    await worker.settle();
    expect(await s.db.get('downloads', queued!.id)).toMatchObject({
      state: 'done',
      source: 'post_attachment',
    });
    const file = s.downloads.all.find((d) => d.bytes)!;
    expect(file.bytes).toEqual(CLEAN_LANDSCAPE);
  });

  it('a post attachment naming the draft’s own file is saved as the watermarked original, and says so', async () => {
    const s = await setup({
      sim: { variants: { postAttachmentFile: 'draft' } },
      settings: { sidecar: 'txt' },
    });
    const [id] = await s.seed(1);
    const [queued] = await s.worker.enqueue([id as string], 'clean');
    await s.worker.settle();
    const done = (await s.db.get('downloads', queued!.id))!;
    expect(done).toMatchObject({ state: 'done', mode: 'clean', source: 'original' });
    // The bytes saved are the watermarked ones: the label matches them.
    const file = s.downloads.all.find((d) => d.bytes)!;
    expect(file.bytes).toEqual(loadFixture('video-wm-landscape.mp4'));
    expect(file.headers['x-sim-watermark']).toBe('present');
    expect(await s.db.get('history', id as string)).toMatchObject({
      downloadedClean: false,
      downloadedSource: 'original',
      downloadedFellBack: true,
    });
    const side = s.downloads.all.find((d) => d.text !== null)!;
    expect(side.text).toContain('watermark-free: no');
    expect(side.text).toContain('file: watermarked original: you asked for a watermark-free file');
    // The post it made is deleted all the same.
    expect(s.posts().map((e) => e.method)).toEqual(['POST', 'GET', 'DELETE']);
  });

  it('falls back to the post when the parse service fails', async () => {
    const s = await setup({ settings: { parseServiceUrl: 'https://parse.example' } });
    const [id] = await s.seed(1);
    const [queued] = await s.worker.enqueue([id as string], 'clean');
    await s.worker.settle();
    expect(await s.db.get('downloads', queued!.id)).toMatchObject({
      state: 'done',
      source: 'post_attachment',
    });
  });

  it('says when no clean source exists, unpublishes, and then offers the normal file honestly', async () => {
    const s = await setup({
      sora: (p) => ({
        ...p,
        // Sora answers a post whose attachment has no file URL at all.
        getPost: async (postId) => {
          const post = await p.getPost(postId);
          return {
            ...post,
            attachments: post.attachments?.map((a) => ({
              ...a,
              encodings: { source: null },
              downloadable_url: null,
              url: null,
            })),
          };
        },
      }),
    });
    const [id] = await s.seed(1);
    const [clean] = await s.worker.enqueue([id as string], 'clean');
    await s.worker.settle();
    const failed = (await s.db.get('downloads', clean!.id))!;
    expect(failed).toMatchObject({ state: 'no_clean', lastError: { code: 'no_clean_source' } });
    expect(s.downloads.all).toHaveLength(0);
    expect(s.posts().map((e) => e.method)).toEqual(['POST', 'GET', 'DELETE']);

    const [original] = await s.worker.enqueue([id as string], 'original');
    await s.worker.settle();
    expect(await s.db.get('downloads', original!.id)).toMatchObject({ state: 'done', source: 'original' });
    expect(s.downloads.all[0]?.headers['x-sim-watermark']).toBe('present');
    expect(await s.db.get('history', id as string)).toMatchObject({
      downloadedClean: false,
      downloadedSource: 'original',
      // Asked for the normal file: nothing fell back.
      downloadedFellBack: false,
    });
  });

  it('waits while Sora refuses to publish (daily limit), showing why, then finishes once it clears', async () => {
    const s = await setup();
    const [id] = await s.seed(1);
    s.sim.control.addFault({ method: 'POST', path: '/backend/project_y/post', kind: 'rate_limit_exhausted' });
    const [queued] = await s.worker.enqueue([id as string], 'clean');
    // Longer than every counted retry together: a waiting download never fails by itself.
    for (let i = 0; i < MAX_STEP_ATTEMPTS + 2; i++) {
      await s.worker.settle();
      s.sim.control.setClock({ advanceMs: WAIT_MS });
    }
    const waiting = (await s.db.get('downloads', queued!.id))!;
    expect(waiting).toMatchObject({ state: 'publishing', attempts: 0 });
    expect(waiting.lastError?.code).toBe('daily_limit');
    s.sim.control.clearFaults();
    s.sim.control.setClock({ advanceMs: WAIT_MS });
    await s.worker.settle();
    expect(await s.db.get('downloads', queued!.id)).toMatchObject({
      state: 'done',
      source: 'post_attachment',
    });
    const accepted = s.posts().filter((e) => e.method === 'POST' && e.status === 200 && !e.fault);
    expect(accepted).toHaveLength(1);
  });

  it('waits while sora.chatgpt.com is not the Sora app (a 404 page), then finishes once it answers', async () => {
    const s = await setup();
    const [id] = await s.seed(1);
    s.sim.control.setConfig({ service: 'gone_404' });
    const [queued] = await s.worker.enqueue([id as string], 'clean');
    for (let i = 0; i < MAX_STEP_ATTEMPTS + 2; i++) {
      await s.worker.settle();
      s.sim.control.setClock({ advanceMs: WAIT_MS });
    }
    const waiting = (await s.db.get('downloads', queued!.id))!;
    expect(waiting).toMatchObject({ state: 'publishing', attempts: 0 });
    expect(waiting.lastError?.code).toBe('service_unavailable');
    s.sim.control.setConfig({ service: 'normal' });
    s.sim.control.setClock({ advanceMs: WAIT_MS });
    await s.worker.settle();
    expect(await s.db.get('downloads', queued!.id)).toMatchObject({
      state: 'done',
      source: 'post_attachment',
    });
  });

  it('continues after a restart between publishing and reading the post, without publishing twice', async () => {
    const s = await setup();
    const [id] = await s.seed(1);
    // First life: the post read never answers (the worker is stopped while it waits).
    const stuck = createMediaWorker({
      ...s.deps,
      sora: { ...s.deps.sora, getPost: () => new Promise(() => {}) },
    });
    const [queued] = await stuck.enqueue([id as string], 'clean');
    await vi.waitFor(async () => {
      await stuck.tick();
      const mid = (await s.db.get('downloads', queued!.id))!;
      expect(mid).toMatchObject({ state: 'resolving' });
      expect(mid.postId).toMatch(/^s_/);
    });
    // Second life: a fresh worker on the same database picks it up.
    const fresh = createMediaWorker(s.deps);
    await fresh.settle();
    expect(await s.db.get('downloads', queued!.id)).toMatchObject({ state: 'done' });
    expect(s.posts().filter((e) => e.method === 'POST')).toHaveLength(1);
    expect(s.posts().filter((e) => e.method === 'DELETE')).toHaveLength(1);
  });

  it('adopts a download the stopped worker had started instead of starting a second one', async () => {
    const s = await setup({ hangDownloads: true });
    const [id] = await s.seed(1);
    const [queued] = await s.worker.enqueue([id as string], 'clean');
    await vi.waitFor(async () => {
      await s.worker.tick();
      expect((await s.db.get('downloads', queued!.id))?.downloadRequestedAt).not.toBeNull();
    });
    const mid = (await s.db.get('downloads', queued!.id))!;
    expect(mid).toMatchObject({ state: 'downloading', downloadId: null });
    expect(s.downloads.all).toHaveLength(1);
    // The browser finished that download while no worker was running.
    Object.assign(s.downloads.all[0]!, { state: 'complete' });
    const fresh = createMediaWorker(s.deps);
    await fresh.settle();
    expect(await s.db.get('downloads', queued!.id)).toMatchObject({ state: 'done', downloadId: 1 });
    expect(s.downloads.all).toHaveLength(1);
  });

  it('re-reads an expired media URL (403) before downloading the normal file', async () => {
    const s = await setup();
    const [id] = await s.seed(1);
    const before = (await s.db.get('history', id as string))!.url;
    s.sim.clock.advance(4 * DAY);
    expect((await s.sim.fetch(before, { method: 'HEAD' })).status).toBe(403);
    const draftsReads = () => s.sim.control.log({ path: '/backend/project_y/profile/drafts*' }).length;
    const readsBefore = draftsReads();
    const [queued] = await s.worker.enqueue([id as string], 'original');
    await s.worker.settle();
    expect(await s.db.get('downloads', queued!.id)).toMatchObject({ state: 'done' });
    expect(draftsReads()).toBeGreaterThan(readsBefore);
    const after = (await s.db.get('history', id as string))!;
    expect(after.url).not.toBe(before);
    expect(s.downloads.all[0]?.state).toBe('complete');
  });

  it('goes back to resolving when the browser reports the URL forbidden mid-download', async () => {
    const s = await setup();
    const [id] = await s.seed(1);
    let first = true;
    const api = s.deps.downloads;
    const worker = createMediaWorker({
      ...s.deps,
      downloads: {
        ...api,
        async download(o) {
          if (!first) return api.download(o);
          first = false;
          // The first URL expires between resolving and downloading.
          return api.download({ ...o, url: `${o.url.split('?')[0]}?se=2000-01-01T00%3A00%3A00Z&sig=x` });
        },
      },
    });
    const [queued] = await worker.enqueue([id as string], 'clean');
    await worker.settle();
    const done = (await s.db.get('downloads', queued!.id))!;
    expect(done.state).toBe('done');
    expect(s.downloads.all.map((d) => d.state)).toEqual(['interrupted', 'complete']);
    expect(s.posts().filter((e) => e.method === 'GET').length).toBe(2);
  });

  it('a file URL that is forbidden every time: the job fails with the reason, the browser asked a bounded number of times, the post deleted', async () => {
    const s = await setup();
    const [id] = await s.seed(1);
    const api = s.deps.downloads;
    const worker = createMediaWorker({
      ...s.deps,
      downloads: {
        ...api,
        // Every URL handed to the browser has expired by the time it asks for the file.
        download: (o) =>
          api.download({ ...o, url: `${o.url.split('?')[0]}?se=2000-01-01T00%3A00%3A00Z&sig=x` }),
      },
    });
    workers.push(worker);
    const [queued] = await worker.enqueue([id as string], 'clean');
    await worker.settle();
    const failed = (await s.db.get('downloads', queued!.id))!;
    expect(failed).toMatchObject({ state: 'failed', postLeftPublished: false });
    expect(failed.lastError?.message).toMatch(/stopped working/);
    expect(s.downloads.all.map((d) => d.state)).toEqual(Array(MAX_STEP_ATTEMPTS).fill('interrupted'));
    expect(s.posts().filter((e) => e.method === 'DELETE')).toHaveLength(1);
  });

  it('bulk: five items, at most two at a time, numbered in order', async () => {
    const s = await setup({ settings: { filenameTemplate: '{index}_{id}' } });
    const ids = await s.seed(5);
    const jobs = await s.worker.enqueue(ids, 'clean');
    let maxActive = 0;
    // Sample how many run at once on every step until all have finished.
    await vi.waitFor(
      async () => {
        await s.worker.tick();
        const all = await s.db.getAll('downloads');
        maxActive = Math.max(
          maxActive,
          all.filter((j) => ['publishing', 'resolving', 'downloading', 'unpublishing'].includes(j.state))
            .length,
        );
        expect(all.every((j) => ['done', 'failed', 'no_clean', 'canceled'].includes(j.state))).toBe(true);
      },
      { interval: 1, timeout: 5000 },
    );
    await s.worker.settle();
    const final = await s.db.getAll('downloads');
    expect(final.every((j) => j.state === 'done')).toBe(true);
    expect(maxActive).toBeLessThanOrEqual(2);
    const names = jobs.map((j) => final.find((f) => f.id === j.id)!.filename);
    expect(names).toEqual(ids.map((id, i) => `Sora/${i + 1}_${id}.mp4`));
    expect(s.downloads.all.every((d) => d.headers['x-sim-watermark'] === 'none')).toBe(true);
    expect(s.posts().filter((e) => e.method === 'DELETE')).toHaveLength(5);
  });

  it('cancels a job and still deletes the post it made', async () => {
    const s = await setup();
    const [id] = await s.seed(1);
    const slow = createMediaWorker({
      ...s.deps,
      sora: { ...s.deps.sora, getPost: () => new Promise(() => {}) },
    });
    const [queued] = await slow.enqueue([id as string], 'clean');
    for (let i = 0; i < 20 && (await s.db.get('downloads', queued!.id))?.state !== 'resolving'; i++)
      await slow.tick();
    await slow.cancel([queued!.id]);
    const fresh = createMediaWorker(s.deps);
    await fresh.settle();
    expect(await s.db.get('downloads', queued!.id)).toMatchObject({ state: 'canceled' });
    expect(s.posts().filter((e) => e.method === 'DELETE')).toHaveLength(1);
  });

  it('images take the file as Sora serves it (no post)', async () => {
    const s = await setup();
    await s.db.put('history', {
      id: 'gen_img1',
      taskId: 'task_img1',
      jobId: null,
      kind: 'image',
      prompt: 'a red kite',
      params: {},
      url: 'https://videos.openai.com/missing.png',
      createdAt: 1,
      status: 'ready',
    });
    const [queued] = await s.worker.enqueue(['gen_img1'], 'clean');
    expect(queued?.mode).toBe('original');
  });

  it('share and unpublish keep the item in step with Sora', async () => {
    const s = await setup();
    const [id] = await s.seed(1);
    const { postId, url } = await s.worker.share(id as string);
    expect(url).toBe(`https://sora.chatgpt.com/p/${postId}`);
    expect((await s.worker.share(id as string)).postId).toBe(postId);
    expect((await s.db.get('history', id as string))?.postId).toBe(postId);
    await s.worker.unpublishItem(id as string);
    expect(s.sim.state.posts.get(postId)?.deleted).toBe(true);
    expect((await s.db.get('history', id as string))?.postId).toBeUndefined();
  });
});

describe('publish exactly once, never left public', () => {
  /** What a user would notice: posts Sora accepted, posts still online, files saved, posts still listed. */
  async function outcome(s: Awaited<ReturnType<typeof setup>>, itemId: string) {
    const made = [...s.sim.state.posts.values()].filter((p) => p.generationId === itemId);
    return {
      publishesAccepted: s.posts().filter((e) => e.method === 'POST' && e.status === 200 && reachedBackend(e))
        .length,
      postsMade: made.length,
      postsOnline: made.filter((p) => !p.deleted).length,
      filesSaved: s.downloads.all.filter((d) => d.bytes !== null).length,
      recorded: (await listPostRecords(s.db)).length,
    };
  }
  const once = { publishesAccepted: 1, postsMade: 1, postsOnline: 0, filesSaved: 1, recorded: 0 };

  /** A worker of this test's world whose publish is `publish` (the real one stays `s.deps.sora.publish`). */
  const withPublish = (s: Awaited<ReturnType<typeof setup>>, publish: MediaDeps['sora']['publish']) =>
    createMediaWorker({ ...s.deps, sora: { ...s.deps.sora, publish } });

  /** Lets a stopped step's retry come due, as the alarm would. */
  async function settleThrough(s: Awaited<ReturnType<typeof setup>>, worker = s.worker, rounds = 6) {
    for (let i = 0; i < rounds; i++) {
      await worker.settle();
      s.sim.control.setClock({ advanceMs: WAIT_MS });
    }
    await worker.settle();
  }

  it('a lost publish answer: the post is found among the user’s posts, not published again', async () => {
    const s = await setup();
    const [id] = await s.seed(1);
    s.sim.control.addFault({
      method: 'POST',
      path: '/backend/project_y/post',
      kind: 'answer_lost',
      times: 1,
    });
    const [queued] = await s.worker.enqueue([id as string], 'clean');
    await settleThrough(s);
    expect(await s.db.get('downloads', queued!.id)).toMatchObject({
      state: 'done',
      source: 'post_attachment',
    });
    expect(await outcome(s, id as string)).toEqual(once);
    expect(s.sim.control.log({ path: '/backend/project_y/profile_feed/me' })).toHaveLength(1);
  });

  it('the flat shape of the feed is read too', async () => {
    const s = await setup({ sim: { variants: { profileFeed: 'flat' } } });
    const [id] = await s.seed(1);
    s.sim.control.addFault({
      method: 'POST',
      path: '/backend/project_y/post',
      kind: 'answer_lost',
      times: 1,
    });
    const [queued] = await s.worker.enqueue([id as string], 'clean');
    await settleThrough(s);
    expect((await s.db.get('downloads', queued!.id))?.state).toBe('done');
    expect(await outcome(s, id as string)).toEqual(once);
  });

  it('a worker stopped while its publish was out: the next life finds the post, or publishes once if none', async () => {
    const s = await setup();
    const [a, b] = await s.seed(2);
    // First life: one publish reaches Sora and the worker stops before the answer is used; the other's
    // request left but never reached Sora.
    const stopped = withPublish(s, async (gen, opts) => {
      if (gen === a) await s.deps.sora.publish(gen, opts);
      else await opts?.beforeSend?.();
      return new Promise(() => {});
    });
    const queued = await stopped.enqueue([a as string, b as string], 'clean');
    await vi.waitFor(async () => {
      await stopped.tick();
      for (const q of queued) expect((await s.db.get('downloads', q.id))?.publishSentAt).not.toBeNull();
    });
    expect((await outcome(s, a as string)).postsMade).toBe(1);
    const fresh = createMediaWorker(s.deps);
    workers.push(fresh);
    await settleThrough(s, fresh);
    for (const q of queued) expect((await s.db.get('downloads', q.id))?.state).toBe('done');
    const oa = await outcome(s, a as string);
    const ob = await outcome(s, b as string);
    expect(oa.postsMade + ob.postsMade).toBe(2);
    expect(oa.postsOnline + ob.postsOnline).toBe(0);
    expect(s.downloads.all.filter((d) => d.bytes !== null)).toHaveLength(2);
    expect(await listPostRecords(s.db)).toEqual([]);
  });

  it('a stopped worker’s publish that Sora handles late is still found: "not there" is believed only after a while', async () => {
    const s = await setup();
    const [id] = await s.seed(1);
    let arrive: (() => Promise<unknown>) | null = null;
    const stopped = withPublish(s, async (gen, opts) => {
      // The request is on its way; Sora handles it later, after the worker is gone.
      await opts?.beforeSend?.();
      arrive = () => s.deps.sora.publish(gen);
      return new Promise(() => {});
    });
    const [queued] = await stopped.enqueue([id as string], 'clean');
    await vi.waitFor(async () => {
      await stopped.tick();
      expect(arrive).not.toBeNull();
    });
    const fresh = createMediaWorker(s.deps);
    workers.push(fresh);
    await fresh.settle();
    // Looked once, found nothing, and did not publish: the send is too recent to be sure.
    expect(s.sim.control.log({ path: '/backend/project_y/profile_feed/me' })).toHaveLength(1);
    expect(await s.db.get('downloads', queued!.id)).toMatchObject({ state: 'publishing' });
    await arrive!();
    s.sim.control.setClock({ advanceMs: PUBLISH_SETTLE_MS });
    await settleThrough(s, fresh);
    expect((await s.db.get('downloads', queued!.id))?.state).toBe('done');
    expect(await outcome(s, id as string)).toEqual(once);
  });

  it('cancel during the publish: the post its answer names is deleted, nothing downloaded', async () => {
    const s = await setup();
    const [id] = await s.seed(1);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = withPublish(s, async (gen, opts) => {
      const res = await s.deps.sora.publish(gen, opts);
      await gate;
      return res;
    });
    workers.push(slow);
    const [queued] = await slow.enqueue([id as string], 'clean');
    await vi.waitFor(async () => {
      await slow.tick();
      expect(s.posts().filter((e) => e.method === 'POST' && e.status === 200)).toHaveLength(1);
    });
    await slow.cancel([queued!.id]);
    release();
    await settleThrough(s, slow);
    expect(await s.db.get('downloads', queued!.id)).toMatchObject({ state: 'canceled' });
    expect(await outcome(s, id as string)).toEqual({ ...once, filesSaved: 0 });
  });

  it('a worker stopped, or a cancel, while the publish token is made: nothing was sent, so nothing is looked for', async () => {
    const s = await setup();
    const [a, b] = await s.seed(2);
    let tokens = 0;
    // The sentinel token takes a while; neither request leaves this life.
    const making = withPublish(s, () => {
      tokens++;
      return new Promise(() => {});
    });
    const [qa, qb] = await making.enqueue([a as string, b as string], 'clean');
    await vi.waitFor(async () => {
      await making.tick();
      expect(tokens).toBe(2);
    });
    await making.cancel([qb!.id]);
    const fresh = createMediaWorker(s.deps);
    workers.push(fresh);
    await settleThrough(s, fresh);
    expect(await s.db.get('downloads', qa!.id)).toMatchObject({ state: 'done' });
    expect(await s.db.get('downloads', qb!.id)).toMatchObject({ state: 'canceled' });
    expect(await outcome(s, a as string)).toEqual(once);
    expect((await outcome(s, b as string)).postsMade).toBe(0);
    expect(s.sim.control.log({ path: '/backend/project_y/profile_feed/me' })).toHaveLength(0);
  });

  it('cancel during a publish whose answer is lost: the lookup names the post, which is deleted', async () => {
    const s = await setup();
    const [id] = await s.seed(1);
    s.sim.control.addFault({
      method: 'POST',
      path: '/backend/project_y/post',
      kind: 'answer_lost',
      times: 1,
    });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = withPublish(s, async (gen, opts) => {
      // The request has left; the user cancels while it is on its way, and Sora's answer is lost.
      await opts?.beforeSend?.();
      await gate;
      return s.deps.sora.publish(gen);
    });
    workers.push(slow);
    const [queued] = await slow.enqueue([id as string], 'clean');
    await vi.waitFor(async () => {
      await slow.tick();
      expect((await s.db.get('downloads', queued!.id))?.publishSentAt).not.toBeNull();
    });
    await slow.cancel([queued!.id]);
    release();
    await settleThrough(s, slow);
    expect(await s.db.get('downloads', queued!.id)).toMatchObject({ state: 'canceled' });
    expect(await outcome(s, id as string)).toEqual({ ...once, filesSaved: 0 });
  });

  it('no way to look (the feed is 404): the user decides; nothing is sent blind', async () => {
    const s = await setup({ sim: { variants: { profileFeed: 'not_found' } } });
    const [a, b] = await s.seed(2);
    s.sim.control.addFault({
      method: 'POST',
      path: '/backend/project_y/post',
      kind: 'answer_lost',
      times: 2,
    });
    const [qa, qb] = await s.worker.enqueue([a as string, b as string], 'clean');
    await settleThrough(s);
    for (const q of [qa, qb])
      expect(await s.db.get('downloads', q!.id)).toMatchObject({
        state: 'unsure',
        lastError: { code: 'publish_unsure' },
      });
    // Waiting for days sends nothing more.
    await settleThrough(s);
    expect(s.posts().filter((e) => e.method === 'POST')).toHaveLength(2);
    // One the user drops: they are told a post may still be online. The other they publish again.
    await s.worker.cancel([qa!.id]);
    expect(await s.db.get('downloads', qa!.id)).toMatchObject({ state: 'canceled', postMaybeLeft: true });
    await s.worker.publishAgain([qb!.id]);
    await settleThrough(s);
    expect(await s.db.get('downloads', qb!.id)).toMatchObject({ state: 'done', source: 'post_attachment' });
    expect(s.posts().filter((e) => e.method === 'POST')).toHaveLength(3);
    expect((await outcome(s, b as string)).filesSaved).toBe(1);
  });

  it('a share link whose publish answer is lost is found and kept, not left unknown', async () => {
    const s = await setup();
    const [id] = await s.seed(1);
    s.sim.control.addFault({
      method: 'POST',
      path: '/backend/project_y/post',
      kind: 'answer_lost',
      times: 1,
    });
    const { postId } = await s.worker.share(id as string);
    expect(s.sim.state.posts.get(postId)?.deleted).toBe(false);
    expect((await s.db.get('history', id as string))?.postId).toBe(postId);
    expect((await s.worker.listPosts()).map((p) => [p.id, p.purpose, p.kept])).toEqual([
      [postId, 'share', true],
    ]);
    expect(s.posts().filter((e) => e.method === 'POST')).toHaveLength(1);
  });

  it('every post made is listed until deleted: a kept share link, a post a download could not delete', async () => {
    const s = await setup();
    const [a, b] = await s.seed(2);
    const changed: number[] = [];
    const worker = createMediaWorker({ ...s.deps, onPostsChanged: (p) => changed.push(p.length) });
    workers.push(worker);
    const { postId: shared } = await worker.share(a as string);
    s.sim.control.addFault({
      method: 'DELETE',
      path: '/backend/project_y/post/*',
      kind: 'status',
      status: 403,
    });
    const [q] = await worker.enqueue([b as string], 'clean');
    await settleThrough(s, worker);
    const left = (await s.db.get('downloads', q!.id))!;
    expect(left).toMatchObject({ state: 'done', postLeftPublished: true });
    // The page hears of it when the job ends (its post is no longer the job's to delete).
    expect(changed.at(-1)).toBe(2);
    const listed = await worker.listPosts();
    expect(listed.map((p) => [p.id, p.kept, p.purpose])).toEqual([
      [left.postId, false, 'download'],
      [shared, true, 'share'],
    ]);
    // The user deletes both from the list once Sora lets them.
    await expect(worker.deleteRecordedPost(shared)).rejects.toThrow();
    expect((await worker.listPosts()).find((p) => p.id === shared)?.lastError).toBeTruthy();
    s.sim.control.clearFaults();
    await worker.deleteRecordedPost(shared);
    expect(await worker.deleteRecordedPost(left.postId as string)).toEqual([]);
    expect(s.sim.state.posts.get(shared)?.deleted).toBe(true);
    expect(s.sim.state.posts.get(left.postId as string)?.deleted).toBe(true);
    expect((await s.db.get('history', a as string))?.postId).toBeUndefined();
    expect(changed.at(-1)).toBe(0);
  });
});

describe('downloads only from where Sora keeps media', () => {
  const FOREIGN = 'cdn.elsewhere.example';
  const foreignLog = (s: { sim: Sim }) => s.sim.control.log({ host: FOREIGN });

  it('refuses a draft whose file is on a foreign host: no HEAD, no download, a readable failure', async () => {
    const s = await setup();
    const headed: string[] = [];
    const realCheck = s.deps.checkUrl;
    s.deps.checkUrl = async (url) => {
      headed.push(url);
      return realCheck(url);
    };
    const worker = createMediaWorker(s.deps);
    const [id] = await s.seed(1);
    // What Sora's answer said, as history stored it.
    const stored = (await s.db.get('history', id as string))!;
    await s.db.put('history', {
      ...stored,
      url: `https://${FOREIGN}/v/${id}.mp4`,
      downloadUrl: `https://${FOREIGN}/v/${id}.mp4`,
    });
    const [queued] = await worker.enqueue([id as string], 'original');
    await worker.settle();
    expect(await s.db.get('downloads', queued!.id)).toMatchObject({
      state: 'failed',
      lastError: { code: 'foreign_host', host: FOREIGN },
    });
    expect(headed).toEqual([]);
    expect(s.downloads.all).toEqual([]);
    expect(foreignLog(s)).toEqual([]);
  });

  it("does not take a post attachment off Sora's media host, says so and deletes the post", async () => {
    const s = await setup({
      sora: (p) => ({
        ...p,
        getPost: async (postId) => {
          const post = await p.getPost(postId);
          return {
            ...post,
            attachments: post.attachments?.map((a) => ({
              ...a,
              encodings: { source: { path: `https://${FOREIGN}/clean.mp4` } },
              downloadable_url: `https://${FOREIGN}/dl.mp4`,
            })),
          };
        },
      }),
    });
    const [id] = await s.seed(1);
    const [queued] = await s.worker.enqueue([id as string], 'clean');
    await s.worker.settle();
    const done = (await s.db.get('downloads', queued!.id))!;
    expect(done.state).toBe('no_clean');
    expect(done.lastError?.message).toContain(FOREIGN);
    expect(s.posts().map((e) => e.method)).toEqual(['POST', 'GET', 'DELETE']);
    expect(s.downloads.all).toEqual([]);
    expect(foreignLog(s)).toEqual([]);
  });

  it('holds a parse-service link on a new host until the user confirms that host, then downloads it', async () => {
    // The foreign host does not exist for the simulator: the browser's download is left hanging.
    const s = await setup({ settings: { parseServiceUrl: 'https://parse.example' }, hangDownloads: true });
    let asked = 0;
    s.deps.askParseService = async () => {
      asked++;
      return `https://${FOREIGN}/clean/video.mp4`;
    };
    const worker = createMediaWorker(s.deps);
    const [id] = await s.seed(1);
    const [queued] = await worker.enqueue([id as string], 'clean');
    await worker.settle();
    const waiting = (await s.db.get('downloads', queued!.id))!;
    expect(waiting).toMatchObject({
      state: 'resolving',
      lastError: { code: 'host_unconfirmed', host: FOREIGN },
    });
    expect(waiting.nextAttemptAt).toBeGreaterThan(s.sim.clock.now());
    expect(s.downloads.all).toEqual([]);
    expect(foreignLog(s)).toEqual([]);
    expect(asked).toBe(1);

    // Another host confirmed changes nothing.
    expect(await worker.hostConfirmed('other.example')).toEqual([]);

    s.settings.trustedMediaHosts = [FOREIGN];
    const woken = await worker.hostConfirmed(FOREIGN);
    expect(woken.map((j) => j.id)).toEqual([queued!.id]);
    // The browser is handed the link on the confirmed host, as the parse service's file.
    await expect
      .poll(() => s.downloads.all.map((d) => d.url))
      .toEqual([`https://${FOREIGN}/clean/video.mp4`]);
    expect(asked).toBe(2);
    expect(await s.db.get('downloads', queued!.id)).toMatchObject({
      state: 'downloading',
      source: 'parse_service',
    });
  });

  it('never hands the browser a foreign URL a job stored before this check existed', async () => {
    const s = await setup();
    const [id] = await s.seed(1);
    const [queued] = await s.worker.enqueue([id as string], 'original');
    // A stored job from an older build, already past resolving with a foreign URL.
    const stored = (await s.db.get('downloads', queued!.id))!;
    await s.db.put('downloads', {
      ...stored,
      state: 'downloading',
      sourceUrl: `https://${FOREIGN}/old.mp4`,
      source: 'original',
    });
    await s.worker.settle();
    expect(await s.db.get('downloads', queued!.id)).toMatchObject({
      state: 'failed',
      lastError: { code: 'foreign_host', host: FOREIGN },
    });
    expect(s.downloads.all).toEqual([]);
  });
});
