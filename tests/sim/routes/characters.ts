/** The six steps of character (cameo) creation, plus visibility and deletion. */
import type { Hono } from 'hono';
import type { SimCore, SimEnv } from '../core';
import { errors } from '../errors';
import { checkUsernameFormat, formFile, imageType, readForm, readJson, str } from '../http';
import { cameoView } from '../model/cameos';
import { findDraft } from '../model/tasks';
import type { CameoRec, UserRec } from '../state';

export function registerCharacters(app: Hono<SimEnv>, core: SimCore): void {
  app.post('/backend/characters/upload', async (c) => {
    const user = c.get('user');
    const form = await readForm(c);
    const file = formFile(form, 'file');
    if (file.type !== 'video/mp4')
      throw errors.invalid('file', 'The character video must be video/mp4.', 'invalid_file_type');
    if (file.size === 0) throw errors.invalid('file', 'The file is empty.', 'invalid_file');
    if (file.size > core.config.characterUploadMaxBytes) {
      throw errors.invalid('file', 'The video is too large.', 'file_too_large');
    }
    const ts = /^\s*(\d+(?:\.\d+)?)\s*,\s*(\d+(?:\.\d+)?)\s*$/.exec(str(form.get('timestamps')) ?? '');
    const start = Number(ts?.[1]);
    const end = Number(ts?.[2]);
    if (!ts || !(end > start) || end - start > 10) {
      throw errors.invalid(
        'timestamps',
        'timestamps must be "start,end" in seconds, end after start, at most 10 s.',
      );
    }
    const id = newCameo(core, user, [start, end], file.name);
    return c.json({ id });
  });

  // A character from a finished video of the user's own: after the cameo id, the same steps as an upload.
  app.post('/backend/characters/from-generation', async (c) => {
    const user = c.get('user');
    const body = await readJson(c);
    const genId = str(body.generation_id);
    if (!genId || !/^gen_[A-Za-z0-9]+$/.test(genId)) {
      throw errors.invalid('generation_id', 'generation_id must be a generation id (gen_…).');
    }
    if (body.character_id !== null && body.character_id !== undefined) {
      throw errors.invalid('character_id', 'character_id must be null for a new character.');
    }
    // Someone else's video, one still being made, or none at all: the same answer, nothing given away.
    const draft = findDraft(core.state, genId, core.now(), core.config);
    if (!draft || draft.userId !== user.id) throw errors.notFound('Generation');
    if (draft.kind !== 'sora_draft') {
      throw errors.invalid('generation_id', 'This generation has no video.', 'invalid_generation');
    }
    const ts = body.timestamps;
    const durationSec = draft.nFrames / 30;
    const [start, end] = Array.isArray(ts) && ts.length === 2 ? ts : [Number.NaN, Number.NaN];
    if (
      typeof start !== 'number' ||
      typeof end !== 'number' ||
      !(start >= 0) ||
      !(end > start) ||
      end - start > 10 ||
      end > durationSec
    ) {
      throw errors.invalid(
        'timestamps',
        `timestamps must be [start, end] in seconds, end after start, at most 10 s, within the video (${durationSec} s).`,
      );
    }
    const id = newCameo(core, user, [start, end], `${genId}.mp4`, genId);
    return c.json({ id, status: 'uploading', generation_id: genId });
  });

  app.get('/backend/project_y/cameos/in_progress/:id', (c) => {
    const cameo = core.state.cameos.get(c.req.param('id'));
    if (!cameo || cameo.userId !== c.get('user').id) throw errors.notFound('Cameo');
    const v = cameoView(cameo, core.now(), core.config);
    return c.json({
      id: cameo.id,
      status: v.status,
      status_message: v.statusMessage,
      progress_pct: v.progress,
      display_name_hint: v.done ? cameo.displayNameHint : null,
      username_hint: v.done ? cameo.usernameHint : null,
      profile_asset_url: v.done ? core.mediaUrl(cameo.profilePath) : null,
      instruction_set_hint: v.done
        ? { description: `${cameo.displayNameHint}, friendly, expressive.` }
        : null,
    });
  });

  app.post('/backend/project_y/file/upload', async (c) => {
    const user = c.get('user');
    const form = await readForm(c);
    const file = formFile(form, 'file');
    const useCase = str(form.get('use_case'));
    if (useCase !== 'profile') throw errors.invalid('use_case', 'use_case must be "profile".');
    const type = await imageType(file);
    if (!type)
      throw errors.invalid('file', 'Only PNG, JPEG and WebP images can be uploaded.', 'invalid_file_type');
    if (file.size > core.config.uploadMaxBytes)
      throw errors.invalid('file', 'The file is too large.', 'file_too_large');
    const pointer = core.ids.filePointer();
    core.state.files.set(pointer, {
      pointer,
      userId: user.id,
      useCase,
      name: file.name,
      type,
      size: file.size,
    });
    return c.json({ asset_pointer: pointer });
  });

  app.post('/backend/characters/finalize', async (c) => {
    const user = c.get('user');
    const body = await readJson(c);
    const cameo = core.state.cameos.get(str(body.cameo_id) ?? '');
    if (!cameo || cameo.userId !== user.id) throw errors.notFound('Cameo');
    if (!cameoView(cameo, core.now(), core.config).done) {
      throw errors.invalid('cameo_id', 'This cameo is not ready yet.', 'cameo_not_ready');
    }
    if (cameo.characterId)
      throw errors.conflict('cameo_id', 'This cameo is already finalized.', 'already_finalized');
    const username = checkUsernameFormat(body.username);
    if (core.isUsernameTaken(username))
      throw errors.conflict('username', 'This username is taken.', 'username_taken');
    const displayName = str(body.display_name)?.trim();
    if (!displayName) throw errors.invalid('display_name', 'display_name is required.');
    const pointer = str(body.profile_asset_pointer) ?? '';
    const file = core.state.files.get(pointer);
    if (!file || file.userId !== user.id) {
      throw errors.invalid(
        'profile_asset_pointer',
        'Unknown profile_asset_pointer.',
        'invalid_asset_pointer',
      );
    }
    const id = core.ids.character();
    core.state.characters.set(id, {
      id,
      cameoId: cameo.id,
      userId: user.id,
      username,
      displayName,
      assetPointer: pointer,
      instructionSet: body.instruction_set ?? null,
      deleted: false,
    });
    cameo.characterId = id;
    return c.json({
      character: { character_id: id, username, display_name: displayName, cameo_id: cameo.id },
    });
  });

  app.post('/backend/project_y/cameos/by_id/:id/update_v2', async (c) => {
    const cameo = core.state.cameos.get(c.req.param('id'));
    if (!cameo || cameo.userId !== c.get('user').id) throw errors.notFound('Cameo');
    const visibility = (await readJson(c)).visibility;
    if (visibility !== 'public' && visibility !== 'private') {
      throw errors.invalid('visibility', 'visibility must be "public" or "private".');
    }
    cameo.visibility = visibility;
    return c.json({ id: cameo.id, visibility });
  });

  app.delete('/backend/project_y/characters/:id', (c) => {
    const id = c.req.param('id');
    // A cameo stuck before finalize has no character id; deleting it by cameo id is how clients clean up.
    const stuck = core.state.cameos.get(id);
    if (stuck && stuck.userId === c.get('user').id && !stuck.characterId) {
      core.state.cameos.delete(id);
      return c.json({ success: true });
    }
    const ch = core.state.characters.get(id);
    if (!ch || ch.deleted || ch.userId !== c.get('user').id) throw errors.notFound('Character');
    ch.deleted = true;
    return c.json({ success: true });
  });
}

/** A new cameo, uploaded or from a generation: both go through the same processing phases. */
function newCameo(
  core: SimCore,
  user: UserRec,
  timestamps: [number, number],
  fileName: string,
  sourceGenerationId?: string,
): string {
  const id = core.ids.cameo();
  const p = core.config.cameoPhasesSec;
  const local = user.email.split('@')[0] ?? 'friend';
  const cameo: CameoRec = {
    id,
    userId: user.id,
    createdAt: core.now(),
    timestamps,
    fileName,
    phasesMs: [p.uploading * 1000, p.processing * 1000, p.generating_profile * 1000],
    outcome: core.state.defaultCameoOutcome,
    profilePath: core.registerAsset(`/az/files/${core.ids.hex(32)}/profile.webp`, {
      fixture: 'profile.webp',
    }),
    displayNameHint: local.replace(/[._-]+/g, ' ').replace(/\b\w/g, (ch) => ch.toUpperCase()),
    usernameHint: `${
      local
        .toLowerCase()
        .replace(/[^a-z0-9]/g, '')
        .slice(0, 20) || 'cameo'
    }.${core.ids.hex(4)}`,
    visibility: 'private',
    characterId: null,
    ...(sourceGenerationId ? { sourceGenerationId } : {}),
  };
  core.state.cameos.set(id, cameo);
  return id;
}
