/**
 * The few Sora calls the job engine makes, in the engine's own types, and the adapter onto the real
 * endpoint functions of lib/sora. Tests give the engine a fake port; the background and the benchmark give
 * it `createSoraPort(http)`. Errors are `SoraError`s (the engine branches on `code`).
 */

import type { JobRequest } from '../db/job-record';
import type { MediaFields } from '../db/media-fields';
import { checkQuota } from '../sora/endpoints/account';
import { extendVideo } from '../sora/endpoints/extend';
import { createImage, getRecentTasks } from '../sora/endpoints/image';
import { uploadImage } from '../sora/endpoints/uploads';
import { createStoryboard, createVideo, getDrafts, getPendingTasks } from '../sora/endpoints/video';
import type { SoraHttp } from '../sora/http';
import { classifyDraft, mediaFileIdentities } from '../sora/media';
import type { DraftItem, RecentTask } from '../sora/schemas';

export interface PendingTaskInfo {
  taskId: string;
  /** `preprocessing` → `queued` → `running` → `processing`; `failed` / `error` are failures. */
  status: string | null;
  /** 0–1, or null when Sora does not say yet. */
  progress: number | null;
  prompt: string | null;
  failureReason: string | null;
  /** A storyboard's title, when Sora sends it (optional in NOTES.md). */
  title?: string | null;
}

export interface DraftInfo extends MediaFields {
  generationId: string;
  taskId: string | null;
  prompt: string | null;
  /** Epoch ms, when Sora gave a readable time. */
  createdAt: number | null;
  title?: string | null;
  /** `n_frames` (optional in NOTES.md). */
  nFrames?: number | null;
  /** `no_url_yet`: listed, but without a file URL so far (poll a little longer). */
  state: 'ready' | 'no_url_yet' | 'violation' | 'failed';
  /** Sora's reason of a violation or failure. */
  reason?: string;
  url?: string;
  /** The draft's own files, without signatures (lib/sora/media.ts `mediaFileIdentities`). */
  files?: string[];
}

export interface DraftsPage {
  items: DraftInfo[];
  cursor: string | null;
}

export interface ImageTaskInfo {
  taskId: string;
  /** `queued` → `running` → `succeeded` | `failed`. */
  status: string | null;
  progress: number | null;
  prompt: string | null;
  failureReason: string | null;
  generations: { generationId: string; url: string | null; width?: number; height?: number }[];
}

export interface QuotaInfo {
  remaining: number | null;
  /** Milliseconds until the rolling allowance resets, when Sora says. */
  resetsInMs: number | null;
}

export interface SoraPort {
  /**
   * Starts the task of a job; `uploadId` is the start image uploaded before. Resolves with the task id.
   * `beforeSend` is awaited right before the request leaves (each time it does); if it throws, nothing is sent.
   */
  create(
    request: JobRequest,
    uploadId: string | null,
    opts?: { beforeSend?: () => Promise<void> },
  ): Promise<{ taskId: string }>;
  uploadImage(file: Blob, fileName: string): Promise<{ uploadId: string }>;
  /** Every unfinished video task of the account (one GET for all). */
  listPending(): Promise<PendingTaskInfo[]>;
  /** Newest drafts first. */
  listDrafts(limit: number, cursor?: string): Promise<DraftsPage>;
  /** Newest image tasks first. */
  listImageTasks(limit: number): Promise<ImageTaskInfo[]>;
  checkQuota(): Promise<QuotaInfo>;
}

const FPS = 30;
const text = (s: string | null | undefined): string | null => (typeof s === 'string' && s !== '' ? s : null);
const numberOrUndefined = (n: number | null | undefined): number | undefined =>
  typeof n === 'number' && Number.isFinite(n) ? n : undefined;

/** `created_at` comes as RFC 3339 text or epoch seconds (or ms). */
export function parseTimestamp(value: string | number | null | undefined): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value < 1e12 ? value * 1000 : value;
  if (typeof value === 'string' && value.trim() !== '') {
    if (/^\d+(\.\d+)?$/.test(value.trim())) return parseTimestamp(Number(value));
    const t = Date.parse(value);
    return Number.isNaN(t) ? null : t;
  }
  return null;
}

export function toDraftInfo(item: DraftItem): DraftInfo {
  const classified = classifyDraft(item);
  const info: DraftInfo = {
    generationId: item.id,
    taskId: text(item.task_id),
    prompt: text(item.prompt),
    createdAt: parseTimestamp(item.created_at),
    title: text(item.title),
    nFrames: numberOrUndefined(item.n_frames) ?? null,
    state: classified.state,
  };
  if (
    (classified.state === 'violation' || classified.state === 'failed') &&
    classified.reason !== undefined
  ) {
    info.reason = classified.reason;
  }
  if (classified.state === 'ready') {
    info.url = classified.url;
    if (classified.thumbnailUrl !== undefined) info.thumbnailUrl = classified.thumbnailUrl;
    const download = text(item.downloadable_url);
    if (download !== null) info.downloadUrl = download;
    info.files = mediaFileIdentities(item);
  }
  const width = numberOrUndefined(item.width);
  const height = numberOrUndefined(item.height);
  const frames = numberOrUndefined(item.n_frames);
  if (width !== undefined) info.width = width;
  if (height !== undefined) info.height = height;
  if (frames !== undefined) info.durationS = frames / FPS;
  return info;
}

export function toImageTaskInfo(task: RecentTask): ImageTaskInfo {
  return {
    taskId: task.id,
    status: text(task.status),
    progress: numberOrUndefined(task.progress_pct) ?? null,
    prompt: text(task.prompt),
    failureReason: text(task.failure_reason) ?? text(task.error_message),
    generations: (task.generations ?? []).map((g) => {
      const gen: ImageTaskInfo['generations'][number] = { generationId: g.id, url: text(g.url) };
      const width = numberOrUndefined(g.width);
      const height = numberOrUndefined(g.height);
      if (width !== undefined) gen.width = width;
      if (height !== undefined) gen.height = height;
      return gen;
    }),
  };
}

/** The engine's port onto the real lib/sora client. */
export function createSoraPort(http: SoraHttp): SoraPort {
  return {
    async create(request, uploadId, opts = {}) {
      const upload = uploadId ?? undefined;
      const call = opts.beforeSend ? { beforeSend: opts.beforeSend } : {};
      switch (request.kind) {
        case 'video':
        case 'remix': {
          const res = await createVideo(
            http,
            {
              prompt: request.prompt,
              orientation: request.orientation,
              size: request.size,
              nFrames: request.nFrames,
              model: request.model,
              styleId: request.styleId,
              ...(request.kind === 'remix'
                ? { remixTargetId: request.remixTargetId, cameoIds: request.cameoIds }
                : {
                    uploadId: upload,
                    ...(request.cameoIds.length > 0 ? { cameoIds: request.cameoIds } : {}),
                  }),
            },
            call,
          );
          return { taskId: res.id };
        }
        case 'storyboard': {
          const res = await createStoryboard(
            http,
            {
              prompt: request.prompt,
              ...(request.title === undefined ? {} : { title: request.title }),
              orientation: request.orientation,
              size: request.size,
              nFrames: request.nFrames,
              model: request.model,
              styleId: request.styleId,
              uploadId: upload,
            },
            call,
          );
          return { taskId: res.id };
        }
        case 'extend': {
          const res = await extendVideo(
            http,
            {
              generationId: request.sourceGenerationId,
              prompt: request.prompt,
              seconds: request.extensionSeconds,
            },
            call,
          );
          return { taskId: res.id };
        }
        case 'image': {
          const res = await createImage(
            http,
            {
              prompt: request.prompt,
              width: request.width,
              height: request.height,
              nVariants: request.nVariants,
              uploadMediaId: upload,
            },
            call,
          );
          return { taskId: res.id };
        }
      }
    },
    async uploadImage(file, fileName) {
      const res = await uploadImage(http, { file, fileName });
      return { uploadId: res.id };
    },
    async listPending() {
      const list = await getPendingTasks(http);
      return list.map((t) => ({
        taskId: t.id,
        status: text(t.status),
        progress: numberOrUndefined(t.progress_pct) ?? null,
        prompt: text(t.prompt),
        failureReason: text(t.failure_reason),
        title: text(t.title),
      }));
    },
    async listDrafts(limit, cursor) {
      const res = await getDrafts(http, cursor === undefined ? { limit } : { limit, cursor });
      return { items: res.items.map(toDraftInfo), cursor: text(res.cursor) };
    },
    async listImageTasks(limit) {
      const res = await getRecentTasks(http, { limit });
      return res.task_responses.map(toImageTaskInfo);
    },
    async checkQuota() {
      const res = await checkQuota(http);
      const b = res.rate_limit_and_credit_balance;
      const resetsIn = numberOrUndefined(b.access_resets_in_seconds);
      return {
        remaining: numberOrUndefined(b.estimated_num_videos_remaining) ?? null,
        resetsInMs: resetsIn === undefined ? null : Math.max(0, resetsIn * 1000),
      };
    },
  };
}
