/** Image generation (text-to-image, image-to-image) and its task list. */
import type { CallOptions, SoraHttp } from '../http';
import { IMAGE_SIZES } from '../quota';
import {
  type RecentTasksResponse,
  RecentTasksResponseSchema,
  type VideoGenResponse,
  VideoGenResponseSchema,
} from '../schemas';
import { SENTINEL_FLOWS } from '../sentinel';
import { invalid, requireNonEmpty } from './validate';

export interface CreateImageParams {
  prompt: string;
  /** Default 360 (square). */
  width?: number;
  /** Default 360 (square). */
  height?: number;
  /** Images per task. Default 1. */
  nVariants?: number;
  /** Image-to-image: the id `uploadImage` returned. Makes the operation `remix`. */
  uploadMediaId?: string;
}

const positiveInt = (n: number, name: string) => {
  if (!Number.isInteger(n) || n <= 0) invalid(`${name} is not valid.`);
  return n;
};

/** The JSON body of `POST /video_gen` as the reference sends it. */
export function buildImageBody(params: CreateImageParams): Record<string, unknown> {
  const upload = params.uploadMediaId;
  return {
    type: 'image_gen',
    operation: upload === undefined ? 'simple_compose' : 'remix',
    prompt: requireNonEmpty(params.prompt, 'The prompt'),
    width: positiveInt(params.width ?? IMAGE_SIZES.square.width, 'The width'),
    height: positiveInt(params.height ?? IMAGE_SIZES.square.height, 'The height'),
    n_variants: positiveInt(params.nVariants ?? 1, 'The number of images'),
    n_frames: 1,
    inpaint_items:
      upload === undefined
        ? []
        : [{ type: 'image', frame_index: 0, upload_media_id: requireNonEmpty(upload, 'The upload id') }],
  };
}

/**
 * Starts an image task: `POST /video_gen` `{type:"image_gen", operation:"simple_compose"|"remix", …}` with
 * `openai-sentinel-token` (flow `sora_2_create_task`) → `{id:"task_…"}`. Follow it with
 * {@link getRecentTasks}.
 */
export async function createImage(
  http: SoraHttp,
  params: CreateImageParams,
  opts: CallOptions = {},
): Promise<VideoGenResponse> {
  return http.request({
    method: 'POST',
    path: '/video_gen',
    json: buildImageBody(params),
    sentinel: SENTINEL_FLOWS.createTask,
    schema: VideoGenResponseSchema,
    ...opts,
  });
}

export interface GetRecentTasksParams {
  limit: number;
}

/**
 * The newest image tasks in one read: `GET /v2/recent_tasks?limit=N` → `{task_responses:[{id, status,
 * progress_pct, generations:[{id, url, …}], …}]}`; statuses `queued` → `running` → `succeeded` | `failed`.
 */
export async function getRecentTasks(
  http: SoraHttp,
  params: GetRecentTasksParams,
  opts: CallOptions = {},
): Promise<RecentTasksResponse> {
  return http.request({
    method: 'GET',
    path: '/v2/recent_tasks',
    query: { limit: positiveInt(params.limit, 'The limit') },
    schema: RecentTasksResponseSchema,
    ...opts,
  });
}
