/** Video generation: create (plain, remix, image-to-video, storyboard), pending, drafts. */
import type { Hono } from 'hono';
import type { SimCore, SimEnv } from '../core';
import { errors, SimHttpError } from '../errors';
import { type Ctx, type Json, limitParam, readJson, requireSentinel, str } from '../http';
import { type DraftData, listDrafts, matchesAny, videoPhasesMs, videoTaskView } from '../model/tasks';
import type { UserRec, VideoTaskRec } from '../state';
import { variant } from '../variants';
import { draftJson } from './views';

export const FRAME_COUNTS = [150, 300, 450, 750];
export const STYLES = [
  'festive',
  'kakalaka',
  'news',
  'selfie',
  'handheld',
  'golden',
  'anime',
  'retro',
  'nostalgic',
  'comic',
];
const POST_ID_RE = /^s_[0-9a-f]{32}$/;

export function registerVideo(app: Hono<SimEnv>, core: SimCore): void {
  app.post('/backend/nf/create', (c) => createVideo(core, c, 'create'));
  app.post('/backend/nf/create/storyboard', (c) => createVideo(core, c, 'storyboard'));

  app.get('/backend/nf/pending/v2', (c) => {
    const user = c.get('user');
    const now = core.now();
    const items: Json[] = [];
    const tasks = [...core.state.videoTasks.values()]
      .filter((t) => t.userId === user.id)
      .sort((a, b) => b.createdAt - a.createdAt);
    for (const t of tasks) {
      const v = videoTaskView(t, now, core.config);
      if (v.status === 'gone') continue;
      const item: Json = { id: t.id, status: v.status, progress_pct: v.progress };
      if (variant(core.config, 'pendingFields', t.id) === 'full') {
        Object.assign(item, {
          prompt: t.storedPrompt ?? t.prompt,
          title: t.title,
          failure_reason: v.failureReason,
          generations: [],
        });
      } else if (v.failureReason) {
        item.failure_reason = v.failureReason;
      }
      items.push(item);
    }
    return c.json(items);
  });

  const drafts = (c: Ctx) => {
    const all = listDrafts(core.state, c.get('user').id, core.now(), core.config);
    const limit = limitParam(c, 20, 200);
    const cursor = c.req.query('cursor');
    let start = 0;
    if (cursor) {
      const after = decodeCursor(cursor);
      if (!after) throw errors.invalid('cursor', 'Invalid cursor.');
      start = all.findIndex((d) => d.createdAt < after[0] || (d.createdAt === after[0] && d.id < after[1]));
      if (start < 0) start = all.length;
    }
    const items = all.slice(start, start + limit);
    const last = items[items.length - 1];
    const more = start + limit < all.length;
    return c.json({
      items: items.map((d) => draftJson(core, d)),
      cursor: more && last ? encodeCursor(last) : null,
    });
  };
  app.get('/backend/project_y/profile/drafts/v2', (c) => {
    if (variant(core.config, 'draftsV2', 'drafts') === 'not_found') throw errors.notFound('Route');
    return drafts(c);
  });
  app.get('/backend/project_y/profile/drafts', drafts);
}

const encodeCursor = (d: DraftData) => Buffer.from(JSON.stringify([d.createdAt, d.id])).toString('base64url');

function decodeCursor(cursor: string): [number, string] | null {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && typeof v[0] === 'number' && typeof v[1] === 'string') return [v[0], v[1]];
  } catch {
    // an invalid cursor is answered below
  }
  return null;
}

async function createVideo(core: SimCore, c: Ctx, source: 'create' | 'storyboard'): Promise<Response> {
  const user = c.get('user');
  const kind = source === 'storyboard' ? 'storyboard' : 'video';
  try {
    requireSentinel(core, c);
    const body = await readJson(c);
    const spec = validateVideoBody(core, user, body, source);
    const quota = core.refreshQuota(user);
    if (quota.remaining <= 0) throw errors.rateLimitExhausted();
    const active = core.activeTasks(user);
    if (active >= core.config.ceiling) throw errors.tooManyConcurrent(active);

    // An allowance smaller than the cost still lets one video through; the estimate then reads 0.
    quota.remaining = Math.max(0, quota.remaining - (core.config.costByFrames[String(spec.nFrames)] ?? 1));
    const id = core.ids.task();
    const policy = matchesAny(spec.prompt, core.config.blockedPrompts);
    const failing = !policy && matchesAny(spec.prompt, core.config.failingPrompts);
    const task: VideoTaskRec = {
      ...spec,
      id,
      userId: user.id,
      source,
      createdAt: core.now(),
      body,
      phasesMs: videoPhasesMs(spec.nFrames, core.config),
      outcome: policy ? 'policy' : failing ? 'failed' : 'ok',
      generationId: core.ids.generation(),
      assets: core.newVideoAssets(id, spec.orientation),
      ...(variant(core.config, 'rewritePrompts', id) && source === 'create'
        ? { storedPrompt: rewritePrompt(spec.prompt) }
        : {}),
    };
    core.state.videoTasks.set(id, task);
    core.log.countCreate(kind, true);
    core.log.observeConcurrency(user.email, active + 1);
    const every = variant(core.config, 'outsideTaskEvery', id);
    if (every > 0 && active + 2 <= core.config.ceiling) {
      const ours = [...core.state.videoTasks.values()].filter((t) => t.userId === user.id && !t.outside);
      if (ours.length % every === 0) startOutsideTask(core, user, spec);
    }

    const shape = variant(core.config, 'createResponse', id);
    const answer: Json = { id };
    if (shape === 'with_priority' || shape === 'full') answer.priority = 1;
    if (shape === 'with_task_type' || shape === 'full') answer.task_type = 'video_gen';
    if (shape === 'with_quota' || shape === 'full')
      answer.rate_limit_and_credit_balance = core.quotaBody(user);
    return c.json(answer);
  } catch (e) {
    if (e instanceof SimHttpError) core.log.countCreate(kind, false, e.body.code);
    throw e;
  }
}

/**
 * What `enable_rewrite` does to a prompt, roughly: the words asked for, wrapped in more of them (so a client
 * matching by exact text finds nothing, and one matching by meaning still can).
 */
export function rewritePrompt(prompt: string): string {
  return `Cinematic shot, richly detailed: ${prompt.trim()}. Soft natural light, gentle camera movement.`;
}

/**
 * A video task started outside the extension (as if in Sora's own page) with the given settings: it takes a
 * slot and shows in pending and drafts like any other, but no client of ours created it.
 */
export function startOutsideTask(
  core: SimCore,
  user: UserRec,
  spec: Pick<VideoSpec, 'prompt' | 'nFrames' | 'orientation'> & Partial<VideoSpec>,
): VideoTaskRec {
  const id = core.ids.task();
  const full: VideoSpec = {
    title: null,
    size: 'small',
    model: 'sy_8',
    remixTargetId: null,
    uploadIds: [],
    cameoIds: [],
    storyboard: null,
    ...spec,
  };
  const task: VideoTaskRec = {
    ...full,
    id,
    userId: user.id,
    source: 'create',
    createdAt: core.now(),
    body: { prompt: spec.prompt, outside: true },
    phasesMs: videoPhasesMs(full.nFrames, core.config),
    outcome: 'ok',
    generationId: core.ids.generation(),
    assets: core.newVideoAssets(id, full.orientation),
    outside: true,
  };
  core.state.videoTasks.set(id, task);
  return task;
}

type VideoSpec = Pick<
  VideoTaskRec,
  | 'prompt'
  | 'title'
  | 'nFrames'
  | 'orientation'
  | 'size'
  | 'model'
  | 'remixTargetId'
  | 'uploadIds'
  | 'cameoIds'
  | 'storyboard'
>;

function validateVideoBody(
  core: SimCore,
  user: UserRec,
  body: Json,
  source: 'create' | 'storyboard',
): VideoSpec {
  if (body.kind !== undefined && body.kind !== 'video') throw errors.invalid('kind', 'kind must be "video".');
  const prompt = str(body.prompt)?.trim();
  if (!prompt) throw errors.invalid('prompt', 'A prompt is required.');
  if (prompt.length > 10_000) throw errors.invalid('prompt', 'The prompt is too long.');
  const nFrames = body.n_frames;
  if (typeof nFrames !== 'number' || !FRAME_COUNTS.includes(nFrames)) {
    throw errors.invalid('n_frames', `n_frames must be one of ${FRAME_COUNTS.join(', ')}.`);
  }
  const orientation = body.orientation;
  if (orientation !== 'landscape' && orientation !== 'portrait') {
    throw errors.invalid('orientation', 'orientation must be "landscape" or "portrait".');
  }
  const size = body.size ?? 'small';
  if (size !== 'small' && size !== 'large') throw errors.invalid('size', 'size must be "small" or "large".');
  const model = body.model ?? 'sy_8';
  if (model !== 'sy_8' && model !== 'sy_ore')
    throw errors.invalid('model', 'model must be "sy_8" or "sy_ore".');
  const style = body.style_id;
  if (style !== undefined && style !== null && !STYLES.includes(String(style))) {
    throw errors.invalid('style_id', 'Unknown style_id.');
  }
  if (user.plan !== 'pro') {
    if (model === 'sy_ore') throw errors.proRequired('model');
    if (size === 'large') throw errors.proRequired('size');
    if (nFrames === 750) throw errors.proRequired('n_frames');
  }

  const uploadIds: string[] = [];
  const inpaint = body.inpaint_items ?? [];
  if (!Array.isArray(inpaint)) throw errors.invalid('inpaint_items', 'inpaint_items must be an array.');
  for (const item of inpaint as unknown[]) {
    const it = (item ?? {}) as Json;
    const uploadId = str(it.upload_id);
    if (it.kind !== 'upload' || !uploadId) {
      throw errors.invalid('inpaint_items', 'Each inpaint item must be {kind:"upload", upload_id}.');
    }
    const up = core.state.uploads.get(uploadId);
    if (!up || up.userId !== user.id)
      throw errors.invalid('inpaint_items', 'Unknown upload_id.', 'invalid_upload');
    uploadIds.push(uploadId);
  }

  const remix = body.remix_target_id;
  let remixTargetId: string | null = null;
  if (remix !== undefined && remix !== null) {
    if (typeof remix !== 'string' || !POST_ID_RE.test(remix)) {
      throw errors.invalid('remix_target_id', 'remix_target_id must be a post id (s_ and 32 hex digits).');
    }
    const target = core.state.posts.get(remix);
    if (!target || target.deleted) throw errors.notFound('Remix target');
    remixTargetId = remix;
  }

  const cameoIds: string[] = [];
  const cameos = body.cameo_ids ?? [];
  if (!Array.isArray(cameos)) throw errors.invalid('cameo_ids', 'cameo_ids must be an array.');
  for (const id of cameos as unknown[]) {
    const ch = typeof id === 'string' ? core.state.characters.get(id) : undefined;
    if (!ch || ch.deleted)
      throw errors.invalid('cameo_ids', `Unknown character ${String(id)}.`, 'invalid_cameo');
    cameoIds.push(ch.id);
  }

  return {
    prompt,
    title: source === 'storyboard' ? (str(body.title) ?? 'Draft your video') : null,
    nFrames,
    orientation,
    size,
    model,
    remixTargetId,
    uploadIds,
    cameoIds,
    storyboard: source === 'storyboard' ? parseStoryboard(prompt) : null,
  };
}

/** The shot list of a storyboard prompt (NOTES.md format), kept on the task so tests can check it. */
export function parseStoryboard(prompt: string): NonNullable<VideoTaskRec['storyboard']> {
  const shots: { durationSec: number; scene: string }[] = [];
  const re = /Shot\s+\d+:\s*\n\s*duration:\s*([\d.]+)\s*sec\s*\n\s*Scene:\s*([^\n]*)/gi;
  for (const m of prompt.matchAll(re)) shots.push({ durationSec: Number(m[1]), scene: (m[2] ?? '').trim() });
  const ins = /\ninstructions:\s*\n([\s\S]*)$/i.exec(prompt);
  return { shots, instructions: ins?.[1]?.trim() || null };
}
