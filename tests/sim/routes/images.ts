/** Image uploads, image generation (`/video_gen`) and its task list (`/v2/recent_tasks`). */
import type { Hono } from 'hono';
import type { SimCore, SimEnv } from '../core';
import { errors, SimHttpError } from '../errors';
import {
  formFile,
  imageType,
  type Json,
  limitParam,
  num,
  readForm,
  readJson,
  requireSentinel,
  str,
} from '../http';
import { imageTaskView, matchesAny } from '../model/tasks';
import type { ImageTaskRec } from '../state';

export function registerImages(app: Hono<SimEnv>, core: SimCore): void {
  app.post('/backend/uploads', async (c) => {
    const user = c.get('user');
    const form = await readForm(c);
    const file = formFile(form, 'file');
    const type = await imageType(file);
    if (!type)
      throw errors.invalid('file', 'Only PNG, JPEG and WebP images can be uploaded.', 'invalid_file_type');
    if (file.size > core.config.uploadMaxBytes) {
      throw errors.invalid(
        'file',
        `The file is larger than ${core.config.uploadMaxBytes} bytes.`,
        'file_too_large',
      );
    }
    if (file.size === 0) throw errors.invalid('file', 'The file is empty.', 'invalid_file');
    const id = core.ids.upload();
    const name = str(form.get('file_name')) || file.name || 'upload';
    core.state.uploads.set(id, { id, userId: user.id, name, type, size: file.size, createdAt: core.now() });
    return c.json({ id, file_name: name, mime_type: type, size_bytes: file.size });
  });

  app.post('/backend/video_gen', async (c) => {
    const user = c.get('user');
    try {
      requireSentinel(core, c);
      const body = await readJson(c);
      if (body.type !== 'image_gen') throw errors.invalid('type', 'type must be "image_gen".');
      const operation = str(body.operation) ?? 'simple_compose';
      if (operation !== 'simple_compose' && operation !== 'remix') {
        throw errors.invalid('operation', 'operation must be "simple_compose" or "remix".');
      }
      const prompt = str(body.prompt)?.trim();
      if (!prompt) throw errors.invalid('prompt', 'A prompt is required.');
      const width = num(body.width);
      const height = num(body.height);
      const okSide = (v: number | undefined): v is number =>
        v !== undefined && Number.isInteger(v) && v >= 64 && v <= 2048;
      if (!okSide(width) || !okSide(height))
        throw errors.invalid('width', 'width and height must be 64–2048.');
      const nVariants = num(body.n_variants) ?? 1;
      if (!Number.isInteger(nVariants) || nVariants < 1 || nVariants > 4) {
        throw errors.invalid('n_variants', 'n_variants must be 1–4.');
      }
      const uploadIds: string[] = [];
      const inpaint = body.inpaint_items ?? [];
      if (!Array.isArray(inpaint)) throw errors.invalid('inpaint_items', 'inpaint_items must be an array.');
      for (const item of inpaint as unknown[]) {
        const it = (item ?? {}) as Json;
        const uploadId = str(it.upload_media_id);
        const up = uploadId ? core.state.uploads.get(uploadId) : undefined;
        if (it.type !== 'image' || !up || up.userId !== user.id) {
          throw errors.invalid(
            'inpaint_items',
            'Each item must be {type:"image", frame_index, upload_media_id}.',
          );
        }
        uploadIds.push(up.id);
      }
      const active = core.activeTasks(user);
      if (active >= core.config.ceiling) throw errors.tooManyConcurrent(active);

      const id = core.ids.task();
      const policy = matchesAny(prompt, core.config.blockedPrompts);
      const failing = !policy && matchesAny(prompt, core.config.failingPrompts);
      const p = core.config.imagePhasesSec;
      const fixture = nVariants % 2 === 0 ? ('image.webp' as const) : ('image.png' as const);
      const task: ImageTaskRec = {
        id,
        userId: user.id,
        createdAt: core.now(),
        body,
        prompt,
        operation,
        width,
        height,
        uploadIds,
        phasesMs: [Math.round(p.queued * 1000), Math.round(p.running * 1000)],
        outcome: policy ? 'policy' : failing ? 'failed' : 'ok',
        generations: Array.from({ length: nVariants }, () => {
          const genId = core.ids.generation();
          const ext = fixture === 'image.png' ? 'png' : 'webp';
          return {
            id: genId,
            path: core.registerAsset(`/vg-assets/assets/${id}/${core.ids.hex(16)}/${genId}.${ext}`, {
              fixture,
            }),
          };
        }),
      };
      core.state.imageTasks.set(id, task);
      core.log.countCreate('image', true);
      core.log.observeConcurrency(user.email, active + 1);
      return c.json({ id });
    } catch (e) {
      if (e instanceof SimHttpError) core.log.countCreate('image', false, e.body.code);
      throw e;
    }
  });

  app.get('/backend/v2/recent_tasks', (c) => {
    const user = c.get('user');
    const now = core.now();
    const limit = limitParam(c, 20, 100);
    const tasks = [...core.state.imageTasks.values()]
      .filter((t) => t.userId === user.id)
      .sort((a, b) => b.createdAt - a.createdAt)
      .slice(0, limit);
    const task_responses = tasks.map((t) => {
      const v = imageTaskView(t, now, core.config);
      return {
        id: t.id,
        status: v.status,
        progress_pct: v.progress,
        prompt: t.prompt,
        created_at: t.createdAt / 1000,
        failure_reason: v.failureReason,
        error_message: v.errorMessage,
        generations:
          v.status === 'succeeded'
            ? t.generations.map((g) => ({
                id: g.id,
                url: v.urlsReady ? core.mediaUrl(g.path) : null,
                width: t.width,
                height: t.height,
              }))
            : [],
      };
    });
    return c.json({ task_responses });
  });
}
