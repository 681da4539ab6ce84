/**
 * Extending a finished video: `POST /project_y/profile/drafts/{gen_id}/long_video_extension`. The new task
 * is an ordinary video task (pending list, then a draft) whose length is the source's plus the extension and
 * whose prompt Sora has REWRITTEN (`enable_rewrite`): the client's text never comes back verbatim, so a
 * client that matches results by prompt text finds nothing.
 */
import type { Hono } from 'hono';
import type { SimCore, SimEnv } from '../core';
import { errors, SimHttpError } from '../errors';
import { type Ctx, type Json, readJson, requireSentinel, str } from '../http';
import { findDraft, matchesAny, videoPhasesMs } from '../model/tasks';
import type { VideoTaskRec } from '../state';
import { variant } from '../variants';

export const EXTENSION_SECONDS = [10, 15];
/** Allowance an extension costs (NOTES.md, unverified): 10 s → 1, 15 s → 2. */
export const EXTENSION_COST: Record<number, number> = { 10: 1, 15: 2 };
const FPS = 30;

/** What Sora's rewrite makes of the user's words: the same idea, other text. */
export function rewriteExtensionPrompt(userPrompt: string): string {
  const idea = userPrompt
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[.!?]+$/, '');
  return `Continuing seamlessly from the final frame of the previous shot: ${idea}. The camera keeps the same look, lighting and framing as the story moves on.`;
}

export function registerExtend(app: Hono<SimEnv>, core: SimCore): void {
  app.post('/backend/project_y/profile/drafts/:genId/long_video_extension', (c) => extend(core, c));
}

async function extend(core: SimCore, c: Ctx): Promise<Response> {
  const user = c.get('user');
  try {
    requireSentinel(core, c);
    const body = await readJson(c);
    const genId = c.req.param('genId') ?? '';
    const source = findDraft(core.state, genId, core.now(), core.config);
    if (!source || source.userId !== user.id) throw errors.notFound('Generation');
    if (source.kind !== 'sora_draft') {
      throw errors.invalid('gen_id', 'Only a finished video can be extended.', 'generation_not_extendable');
    }
    const userPrompt = str(body.user_prompt)?.trim();
    if (!userPrompt) throw errors.invalid('user_prompt', 'A prompt is required.');
    if (userPrompt.length > 10_000) throw errors.invalid('user_prompt', 'The prompt is too long.');
    const seconds = body.extension_duration_s;
    if (typeof seconds !== 'number' || !EXTENSION_SECONDS.includes(seconds)) {
      throw errors.invalid('extension_duration_s', 'extension_duration_s must be 10 or 15.');
    }
    if (body.enable_rewrite !== undefined && typeof body.enable_rewrite !== 'boolean') {
      throw errors.invalid('enable_rewrite', 'enable_rewrite must be a boolean.');
    }
    const quota = core.refreshQuota(user);
    if (quota.remaining <= 0) throw errors.rateLimitExhausted();
    const active = core.activeTasks(user);
    if (active >= core.config.ceiling) throw errors.tooManyConcurrent(active);

    quota.remaining = Math.max(0, quota.remaining - (EXTENSION_COST[seconds] ?? 1));
    const id = core.ids.task();
    const nFrames = source.nFrames + seconds * FPS;
    const policy = matchesAny(userPrompt, core.config.blockedPrompts);
    const failing = !policy && matchesAny(userPrompt, core.config.failingPrompts);
    const prompt = body.enable_rewrite === false ? userPrompt : rewriteExtensionPrompt(userPrompt);
    const task: VideoTaskRec = {
      id,
      userId: user.id,
      source: 'extension',
      createdAt: core.now(),
      body,
      prompt,
      title: null,
      nFrames,
      orientation: source.orientation,
      size: source.size,
      model: 'sy_8',
      remixTargetId: null,
      uploadIds: [],
      cameoIds: [],
      storyboard: null,
      extendsGenerationId: source.id,
      phasesMs: videoPhasesMs(nFrames, core.config),
      outcome: policy ? 'policy' : failing ? 'failed' : 'ok',
      generationId: core.ids.generation(),
      assets: core.newVideoAssets(id, source.orientation),
    };
    core.state.videoTasks.set(id, task);
    core.log.countCreate('extend', true);
    core.log.observeConcurrency(user.email, active + 1);

    const answer: Json = { id };
    const shape = variant(core.config, 'createResponse', id);
    if (shape === 'with_priority' || shape === 'full') answer.priority = 1;
    if (shape === 'with_task_type' || shape === 'full') answer.task_type = 'long_video_extension';
    if (shape === 'with_quota' || shape === 'full')
      answer.rate_limit_and_credit_balance = core.quotaBody(user);
    return c.json(answer);
  } catch (e) {
    if (e instanceof SimHttpError) core.log.countCreate('extend', false, e.body.code);
    throw e;
  }
}
