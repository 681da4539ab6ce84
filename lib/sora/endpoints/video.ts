/** Video generation: create (text, image, remix), storyboard, the pending list and drafts. */
import { SoraError } from '../errors';
import type { CallOptions, SoraHttp } from '../http';
import { parsePostId } from '../ids';
import {
  DEFAULT_MODEL,
  DEFAULT_SIZE,
  type Orientation,
  type StyleId,
  type VideoModel,
  type VideoSize,
} from '../quota';
import {
  type DraftsResponse,
  DraftsResponseSchema,
  type NfCreateResponse,
  NfCreateResponseSchema,
  type PendingTasksResponse,
  PendingTasksResponseSchema,
} from '../schemas';
import { SENTINEL_FLOWS } from '../sentinel';
import { invalid, requireNonEmpty } from './validate';

/** Length used when the caller gives none: 300 frames = 10 s. */
export const DEFAULT_N_FRAMES = 300;
export const DEFAULT_ORIENTATION: Orientation = 'landscape';

export interface VideoOptions {
  orientation?: Orientation;
  /** `small` (default) or `large` (Pro). */
  size?: VideoSize;
  /** 150 / 300 / 450 / 750 (Pro). Default 300. */
  nFrames?: number;
  /** `sy_8` (default) or `sy_ore` (Pro). */
  model?: VideoModel;
  styleId?: StyleId | null;
  /** Image-to-video: the id `uploadImage` returned. */
  uploadId?: string;
}

export interface CreateVideoParams extends VideoOptions {
  prompt: string;
  /** Remix: the post to remix, as `s_…` id or share link. */
  remixTargetId?: string;
  /** Characters used in the prompt (`@username`). Always sent (as `[]` by default) for a remix. */
  cameoIds?: string[];
  /** Remix only. Default `{}`. */
  cameoReplacements?: Record<string, unknown>;
}

function inpaintItems(uploadId: string | undefined): Array<{ kind: 'upload'; upload_id: string }> {
  if (uploadId === undefined) return [];
  return [{ kind: 'upload', upload_id: requireNonEmpty(uploadId, 'The upload id') }];
}

function checkFrames(nFrames: number): number {
  if (!Number.isInteger(nFrames) || nFrames <= 0) invalid('The video length (frames) is not valid.');
  return nFrames;
}

/** The JSON body of `POST /nf/create`, exactly as the reference sends it. */
export function buildVideoBody(params: CreateVideoParams): Record<string, unknown> {
  const body: Record<string, unknown> = {
    kind: 'video',
    prompt: requireNonEmpty(params.prompt, 'The prompt'),
    orientation: params.orientation ?? DEFAULT_ORIENTATION,
    size: params.size ?? DEFAULT_SIZE,
    n_frames: checkFrames(params.nFrames ?? DEFAULT_N_FRAMES),
    model: params.model ?? DEFAULT_MODEL,
    inpaint_items: inpaintItems(params.uploadId),
    style_id: params.styleId ?? null,
  };
  if (params.remixTargetId !== undefined) {
    const target = parsePostId(params.remixTargetId);
    if (target === null) invalid('The remix target is not a Sora post id or link.');
    body.remix_target_id = target;
    body.cameo_ids = params.cameoIds ?? [];
    body.cameo_replacements = params.cameoReplacements ?? {};
  } else if (params.cameoIds !== undefined && params.cameoIds.length > 0) {
    body.cameo_ids = params.cameoIds;
  }
  return body;
}

/**
 * Starts a video (text-to-video, image-to-video with `uploadId`, or remix with `remixTargetId`):
 * `POST /nf/create` with `openai-sentinel-token` (flow `sora_2_create_task`) → `{id:"task_…", priority?,
 * task_type?, rate_limit_and_credit_balance?}`.
 */
export async function createVideo(
  http: SoraHttp,
  params: CreateVideoParams,
  opts: CallOptions = {},
): Promise<NfCreateResponse> {
  return http.request({
    method: 'POST',
    path: '/nf/create',
    json: buildVideoBody(params),
    sentinel: SENTINEL_FLOWS.createTask,
    schema: NfCreateResponseSchema,
    ...opts,
  });
}

export interface CreateStoryboardParams extends VideoOptions {
  /** The storyboard prompt text ("current timeline:\nShot 1:\n…"), see lib/storyboard. */
  prompt: string;
  /** Default "Draft your video". */
  title?: string;
}

/** The JSON body of `POST /nf/create/storyboard` as the reference sends it, null fields kept. */
export function buildStoryboardBody(params: CreateStoryboardParams): Record<string, unknown> {
  return {
    kind: 'video',
    prompt: requireNonEmpty(params.prompt, 'The storyboard'),
    title: params.title?.trim() ? params.title : 'Draft your video',
    orientation: params.orientation ?? DEFAULT_ORIENTATION,
    size: params.size ?? DEFAULT_SIZE,
    n_frames: checkFrames(params.nFrames ?? DEFAULT_N_FRAMES),
    storyboard_id: null,
    inpaint_items: inpaintItems(params.uploadId),
    remix_target_id: null,
    model: params.model ?? DEFAULT_MODEL,
    metadata: null,
    style_id: params.styleId ?? null,
    cameo_ids: null,
    cameo_replacements: null,
    audio_caption: null,
    audio_transcript: null,
    video_caption: null,
  };
}

/**
 * Starts a multi-shot video: `POST /nf/create/storyboard` with `openai-sentinel-token` (flow
 * `sora_2_create_task`) → `{id:"task_…", …}`.
 */
export async function createStoryboard(
  http: SoraHttp,
  params: CreateStoryboardParams,
  opts: CallOptions = {},
): Promise<NfCreateResponse> {
  return http.request({
    method: 'POST',
    path: '/nf/create/storyboard',
    json: buildStoryboardBody(params),
    sentinel: SENTINEL_FLOWS.createTask,
    schema: NfCreateResponseSchema,
    ...opts,
  });
}

/**
 * Every unfinished video task of the account in one read: `GET /nf/pending/v2` → a bare array
 * `[{id, status, progress_pct (0–1 | null), …}]`. A task that left this list is finished: look for it in
 * the drafts.
 */
export async function getPendingTasks(http: SoraHttp, opts: CallOptions = {}): Promise<PendingTasksResponse> {
  return http.request({ method: 'GET', path: '/nf/pending/v2', schema: PendingTasksResponseSchema, ...opts });
}

export const DRAFTS_PATH = '/project_y/profile/drafts/v2';
export const LEGACY_DRAFTS_PATH = '/project_y/profile/drafts';

/** Http cores on which the v2 drafts path answered 404: they use the legacy path from then on. */
const legacyDrafts = new WeakSet<SoraHttp>();

export interface GetDraftsParams {
  limit: number;
  cursor?: string;
}

/**
 * The newest drafts (results and refusals): `GET /project_y/profile/drafts/v2?limit=N[&cursor=…]` →
 * `{items:[…], cursor}`. When v2 answers 404 this falls back to the legacy
 * `GET /project_y/profile/drafts` (same shape) and keeps using it for the life of `http`.
 */
export async function getDrafts(
  http: SoraHttp,
  params: GetDraftsParams,
  opts: CallOptions = {},
): Promise<DraftsResponse> {
  if (!Number.isInteger(params.limit) || params.limit <= 0) invalid('The drafts limit is not valid.');
  const query = { limit: params.limit, cursor: params.cursor };
  const read = (path: string) =>
    http.request({ method: 'GET', path, query, schema: DraftsResponseSchema, ...opts });
  if (legacyDrafts.has(http)) return read(LEGACY_DRAFTS_PATH);
  try {
    return await read(DRAFTS_PATH);
  } catch (e) {
    if (!(e instanceof SoraError) || e.code !== 'not_found') throw e;
    legacyDrafts.add(http);
    return read(LEGACY_DRAFTS_PATH);
  }
}
