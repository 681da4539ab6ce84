/**
 * The fault matrix (issue #8) in Chromium: the shipped build against the simulator over HTTPS.
 *
 * One test per fault; in each, the eight journeys (quota, video, batch, image, remix, storyboard, clean
 * download, character) run at once in one browser, as a user with several things going on would. Passing
 * trouble fires once per journey, aimed at that journey's own request by path or by its unique prompt
 * (`bodyIncludes`); lasting conditions are account-wide in reality, so they go on every journey's key
 * endpoint at once. Jobs are started through the extension's own message layer from an extension page (as
 * the Create view does, only faster); the outcome is read in the real UI: Queue rows and the pause banner,
 * the Downloads list in History, the character card, the popup's quota card. Each state must be a sentence
 * from lib/i18n/en.ts, not a code. Then the condition clears (the fault is removed, the user logs in again)
 * and every job must finish, by itself or on the user's Resume / Retry: nothing lost, nothing sent twice.
 *
 * Outcomes go to tests/e2e/.reliability.json; `npx tsx tests/reliability/render.ts` puts them into
 * docs/RELIABILITY.md.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import type { Page } from '@playwright/test';
import type { DownloadState } from '../../lib/db/download-record';
import { sidePanelEn } from '../../lib/i18n/en';
import { popupEn } from '../../lib/i18n/popup.en';
import { DOWNLOAD_WAIT_CODES, FINAL_DOWNLOAD_STATES } from '../../lib/media/model';
import {
  FAULTS,
  type FaultKind,
  JOURNEY_NAMES,
  type JourneyName,
  KNOWN_TWICE,
  LASTING,
  type Results,
  saveMatrix,
} from '../reliability/matrix';
import { fixturePath, type LogEntry, reachedBackend, type Sim } from '../sim/app';
import type { FaultSpec } from '../sim/types';
import { ask, type ExtensionHelpers, expect, test } from './fixtures';

/** Every English UI string (the popup's part and the side panel's). */
const en = { ...popupEn, ...sidePanelEn };

const EMAIL = 'ada@example.com';
/**
 * Sora's generations take seconds. The simulator's clock stays on real time (speed 1) and its phases are
 * short instead: a faster sim clock would run ahead of the browser's, and the product rightly refuses to
 * match a lost create with a draft dated minutes in the future.
 */
const FAST_SORA = {
  speed: 1,
  videoPhasesSec: { preprocessing: 1, queued: 1, running: 3, processing: 1 },
  imagePhasesSec: { queued: 1, running: 2 },
  cameoPhasesSec: { uploading: 1, processing: 2, generating_profile: 2 },
};
/**
 * Long enough for hung creates one after another: each waits out the request timeout, then holds its slot
 * for twice that while the engine gives an unanswered create time to show up on Sora before sending it again
 * (it may be running there); with three slots the last of nine jobs can wait three rounds of that. The
 * fixture sets those waits short (E2E_PATIENCE_SEC: 8 s, so 24 s a round instead of the default's 90 s);
 * this ceiling is kept for the default too, and a loaded machine.
 */
const SETTLE_MS = 240_000;
/** How long a paused queue gets to resume by itself before the user presses Resume. */
const BY_ITSELF_MS = 10_000;

// ---- what the user reads ---------------------------------------------------------------------------

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A catalogue string as a pattern: its `{placeholders}` match any text. */
const templateRe = (template: string, anchored = false) => {
  const body = escapeRe(template).replace(/\\\{\w+\\\}/g, '.+');
  return new RegExp(anchored ? `^${body}$` : body, 's');
};
/** Catalogue strings with words of their own (not a bare `{message}`). */
const SENTENCES = Object.values(en)
  .filter((v) => v.replace(/\{\w+\}/g, '').replace(/[^A-Za-z]/g, '').length >= 4)
  .map((v) => templateRe(v, true));

const ERROR_KEYS = ['error', 'job.error', 'characters.error'];

/**
 * A sentence of the English catalogue, never a raw code: the catalogue's sentence for `code` (under one of
 * `prefixes`; a pause reason's has variants like `daily_limitSoon`) where it has one.
 */
function expectReadable(
  text: string | null | undefined,
  code?: string | null,
  prefixes = ERROR_KEYS,
): string {
  const s = (text ?? '').trim();
  expect(s, 'a sentence is shown').toMatch(/[A-Za-z]+ [A-Za-z]+/);
  expect(s, 'no raw code is shown').not.toMatch(/\b[a-z]+_[a-z_]+\b/);
  const keys = (Object.keys(en) as (keyof typeof en)[]).filter((k) =>
    prefixes.some((p) => code && k.startsWith(`${p}.${code}`)),
  );
  const patterns = keys.length > 0 ? keys.map((k) => templateRe(en[k])) : SENTENCES;
  const which = `the catalogue's sentence for ${code ?? 'it'}`;
  expect(
    patterns.some((re) => re.test(s)),
    `"${s}" is ${which}`,
  ).toBe(true);
  if (code) shown[code] ??= s;
  return s;
}

// ---- the run -----------------------------------------------------------------------------------------

interface Ctx {
  sim: Sim;
  extension: ExtensionHelpers;
  fault: FaultKind;
  /** Side panel pages, one per view, open side by side. */
  queue: Page;
  history: Page;
  characters: Page;
  /** Fault ids per journey (to tell "after retry" from a journey the fault never reached). */
  faultIds: Partial<Record<JourneyName, string>>;
  /** A journey has reached a state to read; once all have, the condition is cleared. */
  settled(name: JourneyName): void;
  /** Resolves when the fault is gone (and the user logged in again), with how a paused queue went on. */
  cleared: Promise<{ queueResumed: string }>;
  /**
   * Runs clicks in the shared Queue page one at a time: a click scrolls its row into view, and a parallel
   * one scrolling elsewhere in between would make it land on the wrong spot.
   */
  inQueue(click: () => Promise<void>): Promise<void>;
}

/** Whether the journey's own fault fired (the log names it even after the fault was cleared). */
const hit = (ctx: Ctx, name: JourneyName) =>
  ctx.sim.control.log().some((e) => e.fault && e.fault.id === ctx.faultIds[name]);

/** Script errors and console errors of the pages a cell opened, printed when the cell fails. */
const pageErrors = new WeakMap<Page, string[]>();

/** A side panel page on one view, its script and console errors kept for a failure's report. */
async function openView(extension: ExtensionHelpers, tab: RegExp): Promise<Page> {
  const page = await extension.openSidePanel();
  const errors: string[] = [];
  pageErrors.set(page, errors);
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  await page.getByRole('tab', { name: tab }).click();
  return page;
}

/** "2× done after retry, 1× failed: heavy_load": the distinct outcomes of a set of jobs. */
function summarize(outcomes: string[]): string {
  const counts = new Map<string, number>();
  for (const s of outcomes) counts.set(s, (counts.get(s) ?? 0) + 1);
  if (outcomes.length === 1) return outcomes[0] as string;
  return [...counts].map(([s, n]) => `${n}× ${s}`).join(', ');
}

// ---- generation jobs: Queue rows ---------------------------------------------------------------------

interface Row {
  id: string;
  state: string;
  errorCode: string | null;
  errorText: string | null;
}

const SETTLED_JOBS = /^((done|failed|canceled|paused)( |$))+$/;

function readRows(page: Page, ids: string[]): Promise<Row[]> {
  return page.evaluate(
    (wanted) =>
      wanted.map((id) => {
        const row = document.querySelector(`[data-testid="job-row"][data-job-id="${id}"]`);
        const error = row?.querySelector('[data-testid="job-error"]');
        return {
          id,
          state: row?.getAttribute('data-state') ?? 'missing',
          errorCode: error?.getAttribute('data-error-code') ?? null,
          errorText: error?.textContent ?? null,
        };
      }),
    ids,
  );
}

/**
 * The banner in one read: it can go between an `isVisible()` and a `getAttribute()`, and the second would then wait
 * for it to come back until the poll reading it gave up (what made the character card look stale, #15).
 */
async function pauseBanner(page: Page): Promise<{ reason: string; text: string } | null> {
  const [banner] = await page.getByTestId('pause-banner').evaluateAll((els) =>
    els
      .filter((el) => el.checkVisibility())
      .map((el) => ({
        reason: el.getAttribute('data-reason') ?? '',
        text: el.querySelector('p')?.textContent ?? '',
      })),
  );
  return banner ?? null;
}

/** Unique words of each job's prompt, to find its creates in the simulator's log. */
interface JobSpec {
  marker: string;
  input: Record<string, unknown>;
}

const CREATE_PATHS = /^\/backend\/(nf\/create(\/storyboard)?|video_gen)$/;

function acceptedCreates(sim: Sim, marker: string): LogEntry[] {
  return sim.control
    .log({ method: 'POST' })
    .filter(
      (e) =>
        CREATE_PATHS.test(e.path) && e.status === 200 && reachedBackend(e) && !!e.rawBody?.includes(marker),
    );
}

async function jobsJourney(ctx: Ctx, name: JourneyName, specs: JobSpec[]): Promise<string> {
  const { jobs } = await ask<{ jobs: { id: string }[] }>(ctx.queue, 'jobs.enqueue', {
    inputs: specs.map((s) => s.input),
  });
  const ids = jobs.map((j) => j.id);
  const rows = () => readRows(ctx.queue, ids);
  await expect
    .poll(async () => (await rows()).map((r) => r.state).join(' '), { timeout: SETTLE_MS })
    .toMatch(SETTLED_JOBS);
  // Rows and the banner are read together: a pause that has just ended reaches the banner (the engine's
  // status) a moment before the rows (their own job changes), so a paused row without a banner is read again
  // until the page agrees with itself — or the poll runs out and the outcome below says "stuck".
  let seen: { states: Row[]; banner: Awaited<ReturnType<typeof pauseBanner>> } = { states: [], banner: null };
  await expect
    .poll(
      async () => {
        const states = await rows();
        seen = { states, banner: await pauseBanner(ctx.queue) };
        const paused = states.some((r) => r.state === 'paused');
        return SETTLED_JOBS.test(states.map((r) => r.state).join(' ')) && (!paused || seen.banner !== null);
      },
      { timeout: SETTLE_MS },
    )
    .toBe(true)
    .catch(() => {});
  const { banner } = seen;
  const outcomes = seen.states.map((r) => {
    if (r.state === 'done') return hit(ctx, name) ? 'done after retry' : 'done';
    if (r.state === 'failed') {
      expectReadable(r.errorText, r.errorCode);
      return `failed: ${r.errorCode}`;
    }
    if (r.state === 'paused' && banner) {
      expectReadable(banner.text, banner.reason, ['queue.paused']);
      return `paused: ${banner.reason}`;
    }
    return `stuck: ${r.state}`;
  });
  let outcome = summarize(outcomes);
  expect(outcome, 'every job ends in a state to read').not.toMatch(/stuck/);
  ctx.settled(name);

  const after = await rows();
  if (after.some((r) => r.state !== 'done')) {
    const { queueResumed } = await ctx.cleared;
    const failed = after.filter((r) => r.state === 'failed');
    for (const r of failed) {
      const prompt = specs[ids.indexOf(r.id)]?.input.prompt as string;
      const retry = ctx.queue.getByRole('button', { name: `Retry “${prompt.replace(/\s+/g, ' ')}”` });
      await ctx.inQueue(() => retry.click());
    }
    await expect
      .poll(async () => (await rows()).map((r) => r.state), { timeout: SETTLE_MS })
      .toEqual(ids.map(() => 'done'));
    outcome += `; done ${failed.length > 0 ? 'on Retry' : queueResumed} once it clears`;
  }
  // Nothing sent twice: at most one create Sora accepted per job, and each finished job has its one.
  for (const s of specs) {
    expect(acceptedCreates(ctx.sim, s.marker), `accepted creates of "${s.marker}"`).toHaveLength(1);
  }
  return outcome;
}

const JOB_SPECS: Record<'video' | 'batch' | 'image' | 'remix' | 'storyboard', (sim: Sim) => JobSpec[]> = {
  video: () => [{ marker: 'a lighthouse', input: { kind: 'video', prompt: 'a lighthouse', nFrames: 150 } }],
  batch: () =>
    [1, 2, 3, 4, 5].map((i) => ({
      marker: `a paper boat no${i}`,
      input: { kind: 'video', prompt: `a paper boat no${i}`, nFrames: 150 },
    })),
  image: () => [{ marker: 'a paper crane', input: { kind: 'image', prompt: 'a paper crane' } }],
  remix: (sim) => [
    {
      marker: 'make it rain',
      input: { kind: 'remix', prompt: 'make it rain', remixTarget: sim.state.seededPostIds[0], nFrames: 150 },
    },
  ],
  storyboard: () => [
    {
      marker: 'a door opens',
      input: { kind: 'storyboard', prompt: '[0-2s] a door opens\n[2-5s] light pours in', nFrames: 150 },
    },
  ],
};

// ---- the other journeys ------------------------------------------------------------------------------

/** The popup's quota card: opened while the fault is on, read once its own refresh has ended. */
async function quotaJourney(ctx: Ctx): Promise<string> {
  const since = ctx.sim.control.log().at(-1)?.seq ?? 0;
  const popup = await ctx.extension.openPopup();
  const card = popup.locator('main section.card').first();
  const refresh = popup.getByRole('button', { name: 'Refresh' });
  const loggedOut = popup.getByRole('heading', { name: en['auth.loggedOutTitle'] });
  // Settled: the popup has asked Sora, nothing is in flight, and it is not refreshing any more.
  await expect
    .poll(
      async () => {
        const checks = ctx.sim.control.log({ since, path: '/backend/nf/check' });
        if (await loggedOut.isVisible()) return true;
        return (
          checks.length > 0 && checks.every((e) => e.outcome !== 'pending') && (await refresh.isEnabled())
        );
      },
      { timeout: SETTLE_MS },
    )
    .toBe(true);
  let outcome: string;
  // One read of the card, as the character journey's (a later refresh could change it between two reads).
  const seen = await card.evaluate((el) => {
    const visible = (e: Element | null | undefined) => (e?.checkVisibility() ? e : undefined);
    const title = visible(el.querySelector('#logged-out-title'));
    const alert = visible(el.querySelector('[role="alert"]'));
    return {
      loggedOut: title ? [title.textContent, el.querySelector('p')?.textContent ?? ''] : undefined,
      alert: alert
        ? { code: alert.getAttribute('data-error-code'), text: alert.querySelector('p')?.textContent ?? '' }
        : undefined,
    };
  });
  if (seen.loggedOut) {
    for (const text of seen.loggedOut) expectReadable(text);
    outcome = 'logged out';
  } else if (seen.alert) {
    const { code, text } = seen.alert;
    expectReadable(text, code);
    // The last known figures stay next to the error.
    await expect(popup.getByTestId('videos-left')).toBeVisible();
    outcome = `error shown: ${code}`;
  } else {
    await expect(popup.getByTestId('videos-left')).toHaveText(/\d/);
    outcome = hit(ctx, 'quota') ? 'quota shown after retry' : 'quota shown';
  }
  ctx.settled('quota');
  if (outcome.startsWith('quota shown')) return outcome;
  await ctx.cleared;
  // The user opens the popup again (or presses Refresh): figures, no error.
  await popup.reload();
  await expect(popup.getByTestId('videos-left')).toHaveText(/\d/, { timeout: 30_000 });
  await expect(card.getByRole('alert')).toBeHidden({ timeout: 30_000 });
  return `${outcome}; quota shown once it clears`;
}

type DownloadRecord = { createdAt: number; state: DownloadState; lastError?: { code: string } | null };

/** History → a finished video → "Download without watermark"; read in the History row and Downloads list. */
async function downloadJourney(ctx: Ctx): Promise<string> {
  const page = ctx.history;
  const item = page.getByTestId('history-row').filter({ hasText: 'clip to download' });
  await item.click();
  await page.getByTestId('history-download-clean').click();
  await page.keyboard.press('Escape');
  const latest = async () => {
    const { jobs } = await ask<{ jobs: DownloadRecord[] }>(page, 'media.list', {});
    return jobs.sort((a, b) => b.createdAt - a.createdAt)[0] as DownloadRecord;
  };
  // Settled: finished, or waiting out a lasting condition (lib/media/worker.ts: no counted retry).
  const waits = (j: DownloadRecord | undefined) =>
    !!j && !FINAL_DOWNLOAD_STATES.includes(j.state) && DOWNLOAD_WAIT_CODES.includes(j.lastError?.code ?? '');
  await expect
    .poll(
      async () => {
        const j = await latest();
        return (!!j && FINAL_DOWNLOAD_STATES.includes(j.state)) || waits(j);
      },
      { timeout: SETTLE_MS },
    )
    .toBe(true);
  const job = await latest();
  const finished = async () => {
    await expect(page.getByTestId('history-dl-count')).toHaveText(/^(\d+) of \1 finished$/);
    await expect(item).toContainText(en['history.source.post_attachment']);
  };
  let outcome: string;
  if (job.state === 'done') {
    await finished();
    outcome = hit(ctx, 'clean download') ? 'done after retry' : 'done';
  } else if (waits(job)) {
    expectReadable(await page.locator('.hdl-error').first().textContent(), job.lastError?.code);
    ctx.settled('clean download');
    await ctx.cleared;
    // The same download goes on by itself (it looks again after twice the patience setting, a minute by default).
    await expect.poll(async () => (await latest())?.state, { timeout: SETTLE_MS + 60_000 }).toBe('done');
    await finished();
    outcome = `waiting: ${job.lastError?.code}; done by itself once it clears`;
  } else {
    expectReadable(await page.locator('.hdl-error').first().textContent(), job.lastError?.code);
    outcome = `${job.state}: ${job.lastError?.code}`;
  }
  ctx.settled('clean download');
  if (job.state !== 'done' && !waits(job)) {
    await ctx.cleared;
    await page.getByTestId('history-dl-row').getByRole('button', { name: en['common.retry'] }).click();
    await expect.poll(async () => (await latest())?.state, { timeout: SETTLE_MS }).toBe('done');
    await finished();
    outcome += '; done on Retry once it clears';
  }
  const publishes = ctx.sim.control
    .log({ method: 'POST', path: '/backend/project_y/post' })
    .filter((e) => e.status === 200 && reachedBackend(e)).length;
  const left = ctx.sim.control.state().posts.filter((p) => p.user === EMAIL && !p.deleted).length;
  return (
    outcome + sentTwice(ctx, 'clean download', publishes, `published twice: ${left} post(s) left public`)
  );
}

/** Cells in KNOWN_TWICE must send exactly twice (so the list is emptied once fixed); others at most once. */
function sentTwice(ctx: Ctx, name: JourneyName, accepted: number, what: string): string {
  if (!KNOWN_TWICE.has(`${name} × ${ctx.fault}`)) {
    expect(accepted, `${name}: accepted requests`).toBe(1);
    return '';
  }
  expect(accepted, `${name} × ${ctx.fault} is fixed: take it out of KNOWN_TWICE`).toBe(2);
  return ` ⚠ ${what}`;
}

const WAITING = en['characters.error.waiting'].replace('{error}', '');

/** Characters → a 1 s range of a small MP4 → Create; the finish form when Sora is done → Create. */
async function characterJourney(ctx: Ctx): Promise<string> {
  const page = ctx.characters;
  await page.getByLabel('Choose a video').setInputFiles(fixturePath('video-clean-landscape.mp4'));
  await page.getByRole('spinbutton', { name: 'Start (s)' }).fill('0.5');
  await page.getByRole('spinbutton', { name: 'End (s)' }).fill('1.5');
  await page.getByRole('button', { name: en['characters.create'] }).click();
  const card = page.getByTestId('character-card');
  const error = card.getByTestId('character-error');
  /** ready | failed | waiting (an automatic step showing "Waiting: …"), answering the finish form on the way. */
  const settle = async (acceptWaiting: boolean): Promise<string> => {
    for (;;) {
      let state = '';
      await expect
        .poll(
          async () => {
            // One read of the card: the error line may go between an `isVisible()` and a `textContent()`, and
            // the second then waits for it to come back until the poll gives up (the "stale card" of #15).
            const [seen, text] = await card.evaluate((el) => [
              el.getAttribute('data-state') ?? '',
              el.querySelector('[data-testid="character-error"]')?.textContent ?? '',
            ]);
            state = seen ?? '';
            if (acceptWaiting && !['ready', 'failed', 'waiting_for_user'].includes(state)) {
              if (text?.startsWith(WAITING)) state = 'waiting';
            }
            return state;
          },
          { timeout: SETTLE_MS },
        )
        .toMatch(/^(ready|failed|waiting_for_user|waiting)$/);
      if (state !== 'waiting_for_user') return state;
      const form = page.getByRole('form', { name: /^Finish / });
      await form.getByRole('button', { name: en['characters.finish.submit'] }).click();
      await expect(form).toBeHidden({ timeout: 30_000 });
    }
  };
  const list = async () =>
    (
      await ask<{ characters: { state: string; lastError?: { code: string } }[] }>(
        page,
        'characters.list',
        {},
      )
    ).characters;
  let state = await settle(true);
  const code = (await list())[0]?.lastError?.code;
  let outcome = state === 'ready' ? (hit(ctx, 'character') ? 'ready after retry' : 'ready') : '';
  if (state !== 'ready') {
    expectReadable(await error.textContent(), code);
    outcome = `${state}: ${code}`;
  }
  ctx.settled('character');
  const accepted = (path: string) =>
    ctx.sim.control.log({ method: 'POST', path }).filter((e) => e.status === 200 && reachedBackend(e)).length;
  const uploads = () => accepted('/backend/characters/upload');
  // Uploads the product sent by itself: a Retry after `upload_unsure` is the user's decision to send again, so
  // one that reached Sora before the click is the one counted; without one, the Retry's upload is the first.
  let beforeRetry = 0;
  if (state !== 'ready') {
    await ctx.cleared;
    const how = state === 'failed' ? 'on Retry' : 'by itself';
    if (state === 'failed') {
      beforeRetry = uploads();
      await card.getByRole('button', { name: /^Try again: / }).click();
      // The card leaves `failed` first (settling on the old state would end the wait at once).
      await expect(card).not.toHaveAttribute('data-state', 'failed', { timeout: 30_000 });
    }
    state = await settle(false);
    expect(state).toBe('ready');
    outcome += `; ready ${how} once it clears`;
  }
  await expect(card.getByTestId('character-visibility')).toBeVisible();
  expect(accepted('/backend/characters/finalize'), 'finalized once').toBe(1);
  const cameos = ctx.sim.control.state().cameos.filter((c) => c.user === EMAIL).length;
  const uploadsByItself = beforeRetry > 0 ? beforeRetry : uploads();
  return outcome + sentTwice(ctx, 'character', uploadsByItself, `uploaded twice: ${cameos} cameos`);
}

// ---- faults ------------------------------------------------------------------------------------------

/** Each journey's key request: the path, and the words of its prompt where several share a path. */
const KEY_REQUEST: Record<JourneyName, Pick<FaultSpec, 'method' | 'path' | 'bodyIncludes'>> = {
  quota: { method: 'GET', path: '/backend/nf/check' },
  video: { method: 'POST', path: '/backend/nf/create', bodyIncludes: 'a lighthouse' },
  batch: { method: 'POST', path: '/backend/nf/create', bodyIncludes: 'a paper boat' },
  image: { method: 'POST', path: '/backend/video_gen' },
  remix: { method: 'POST', path: '/backend/nf/create', bodyIncludes: 'make it rain' },
  storyboard: { method: 'POST', path: '/backend/nf/create/storyboard' },
  'clean download': { method: 'POST', path: '/backend/project_y/post' },
  character: { method: 'POST', path: '/backend/characters/upload' },
};

function inject(sim: Sim, fault: FaultKind): Partial<Record<JourneyName, string>> {
  // The session ends and every token issued so far is refused: the user is logged out everywhere.
  if (fault === 'token_invalidated') sim.control.endSession({ email: EMAIL, invalidateTokens: true });
  const ids: Partial<Record<JourneyName, string>> = {};
  for (const name of JOURNEY_NAMES) {
    const spec: FaultSpec = { ...KEY_REQUEST[name], kind: fault };
    if (!LASTING.has(fault)) spec.times = 1;
    if (fault === 'rate_limited') spec.retryAfterSec = 2;
    ids[name] = sim.control.addFault(spec).id;
  }
  return ids;
}

const firstLine = (e: unknown) => stripVTControlCharacters(String((e as Error).message)).split('\n')[0];

// ---- the matrix --------------------------------------------------------------------------------------

const results: Results = {};
const shown: Record<string, string> = {};

// The cells are independent (each its own simulator and browser profile) and spend most of their time in the
// product's own waits: they are spread over the workers. Each worker saves the cells it ran (saveMatrix merges).
test.describe.configure({ mode: 'parallel' });

test.afterAll(() => {
  saveMatrix(fileURLToPath(new URL('./.reliability.json', import.meta.url)), results, shown);
});

for (const fault of FAULTS) {
  test(`every journey at once × ${fault}`, async ({ sim, extension }) => {
    // Hung creates in rounds (see SETTLE_MS), a character waiting to look again, a loaded machine.
    test.setTimeout(480_000);
    sim.control.setConfig(FAST_SORA);
    sim.control.upsertUser({ email: EMAIL, quota: { remaining: 30 } });
    sim.control.seedDrafts({ count: 1, email: EMAIL, promptPrefix: 'clip to download' });
    await extension.login(EMAIL);

    const queue = await openView(extension, /^Queue/);
    // The figures the popup shows while Sora misbehaves, and the video to download.
    await ask(queue, 'account.get', { refresh: true });
    const history = await openView(extension, /^History/);
    await history.getByTestId('history-import').click();
    await expect(history.getByTestId('history-count')).toHaveText('1 item');
    const characters = await openView(extension, /^Characters/);

    let left = new Set<JourneyName>(JOURNEY_NAMES);
    let queueClicks = Promise.resolve();
    let clear: (v: { queueResumed: string }) => void = () => {};
    const cleared = new Promise<{ queueResumed: string }>((r) => {
      clear = r;
    });
    /** Once every journey has a state to read: the condition clears, a paused queue goes on. */
    const clearCondition = async () => {
      sim.control.clearFaults();
      if (fault === 'token_invalidated') await extension.login(EMAIL);
      let queueResumed = 'by itself';
      if (await queue.getByTestId('pause-banner').isVisible()) {
        try {
          await expect(queue.getByTestId('pause-banner')).toBeHidden({ timeout: BY_ITSELF_MS });
        } catch {
          await queue.getByRole('button', { name: en['queue.resume'] }).click();
          queueResumed = 'on Resume';
        }
      }
      clear({ queueResumed });
    };
    const ctx: Ctx = {
      sim,
      extension,
      fault,
      queue,
      history,
      characters,
      faultIds: inject(sim, fault),
      settled(name) {
        if (!left.delete(name) || left.size > 0) return;
        left = new Set();
        void clearCondition();
      },
      cleared,
      inQueue(click) {
        const next = queueClicks.then(click);
        queueClicks = next.catch(() => {});
        return next;
      },
    };

    const runs: Record<JourneyName, () => Promise<string>> = {
      quota: () => quotaJourney(ctx),
      video: () => jobsJourney(ctx, 'video', JOB_SPECS.video(sim)),
      batch: () => jobsJourney(ctx, 'batch', JOB_SPECS.batch(sim)),
      image: () => jobsJourney(ctx, 'image', JOB_SPECS.image(sim)),
      remix: () => jobsJourney(ctx, 'remix', JOB_SPECS.remix(sim)),
      storyboard: () => jobsJourney(ctx, 'storyboard', JOB_SPECS.storyboard(sim)),
      'clean download': () => downloadJourney(ctx),
      character: () => characterJourney(ctx),
    };
    const settledRuns = await Promise.allSettled(
      JOURNEY_NAMES.map(async (name) => {
        try {
          return await runs[name]();
        } finally {
          // A journey that failed must not keep the others waiting for the condition to clear.
          ctx.settled(name);
        }
      }),
    );
    const failures: string[] = [];
    settledRuns.forEach((r, i) => {
      const name = JOURNEY_NAMES[i] as JourneyName;
      results[name] ??= {};
      const row = results[name] as Record<string, string>;
      if (r.status === 'fulfilled') row[fault] = r.value;
      else {
        row[fault] = `✗ test failed: ${firstLine(r.reason)}`;
        failures.push(`${name}: ${(r.reason as Error).message}`);
      }
    });
    if (failures.length > 0) {
      const errors = [queue, history, characters].flatMap((p) => pageErrors.get(p) ?? []);
      if (errors.length > 0) failures.push(`page errors: ${JSON.stringify(errors)}`);
      // What the background and the simulator hold, next to Playwright's own output, to see why.
      const state = {
        jobs: await ask(queue, 'jobs.list', {}),
        downloads: await ask(queue, 'media.list', {}),
        characters: await ask(queue, 'characters.list', {}),
        requests: sim.control
          .log()
          .map((e) =>
            [e.realTime, e.method, e.path, e.status, e.outcome, e.fault?.kind, e.errorCode, e.sentinel]
              .concat((e.body as { prompt?: string } | undefined)?.prompt ?? [])
              .join(' '),
          ),
      };
      writeFileSync(test.info().outputPath('state.json'), JSON.stringify(state, null, 1));
    }
    expect(failures, 'journeys that went wrong').toEqual([]);
  });
}
