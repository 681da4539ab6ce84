/**
 * What callers hand to `enqueue`, checked and normalized into stored requests before anything is written
 * (bad input never reaches the queue, let alone Sora).
 */

import type { JobRequest, VideoParams } from '../db/job-record';
import { JOB_STATES, type JobState } from '../db/job-record';
import { SoraError } from '../sora/errors';
import { isGenerationId, parsePostId } from '../sora/ids';
import { isExtensionSeconds } from '../sora/options';
import {
  DEFAULT_MODEL,
  DEFAULT_SIZE,
  IMAGE_SIZES,
  isStyleId,
  ORIENTATIONS,
  type Orientation,
  type StyleId,
  VIDEO_MODELS,
  VIDEO_SIZES,
  type VideoModel,
  type VideoSize,
} from '../sora/quota';
import { typeOfContent } from '../util/file-type';
import { isBlankText, MAX_PROMPT_CHARS } from './limits';

/** A start image: a new file (stored with the job), a file already put with `putFile`, or an upload id. */
export type StartImageInput = { blob: Blob; fileName: string } | { fileId: string } | { uploadId: string };

export interface VideoParamsInput {
  orientation?: Orientation;
  nFrames?: number;
  model?: VideoModel;
  size?: VideoSize;
  styleId?: StyleId | null;
  cameoIds?: string[];
}

export type JobInput =
  | ({ kind: 'video'; prompt: string; startImage?: StartImageInput } & VideoParamsInput)
  | ({
      kind: 'remix';
      prompt: string /** `s_…` or `https://sora.chatgpt.com/p/s_…`. */;
      remixTarget: string;
    } & VideoParamsInput)
  | ({ kind: 'storyboard'; prompt: string; title?: string; startImage?: StartImageInput } & VideoParamsInput)
  | {
      kind: 'image';
      prompt: string;
      width?: number;
      height?: number;
      nVariants?: number;
      startImage?: StartImageInput;
    }
  | {
      kind: 'extend';
      /** What happens next. */
      prompt: string;
      /** The video to continue: `gen_…`. */
      source: string;
      /** 10 or 15. */
      seconds: number;
      sourceHistoryId?: string;
      sourceDurationS?: number;
      sourceLabel?: string;
    };

/** What Sora takes as a start image. */
export const START_IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;

export { isBlankText, MAX_PROMPT_CHARS };

const FRAME_CHOICES = [150, 300, 450, 750];

const bad = (message: string): never => {
  throw new SoraError('bad_request', message, { local: true });
};

function prompt(value: unknown, what = 'The prompt'): string {
  if (typeof value !== 'string' || isBlankText(value)) bad(`${what} is empty.`);
  const s = (value as string).trim();
  if (s.length > MAX_PROMPT_CHARS) bad(`${what} is longer than ${MAX_PROMPT_CHARS} characters.`);
  return s;
}

function videoParams(input: VideoParamsInput): VideoParams {
  const orientation = input.orientation ?? 'landscape';
  if (!ORIENTATIONS.includes(orientation)) bad('The orientation is not valid.');
  const nFrames = input.nFrames ?? 300;
  if (!FRAME_CHOICES.includes(nFrames)) bad('The video length is not one Sora offers (5, 10, 15 or 25 s).');
  const model = input.model ?? DEFAULT_MODEL;
  if (!VIDEO_MODELS.includes(model)) bad('The model is not valid.');
  const size = input.size ?? DEFAULT_SIZE;
  if (!VIDEO_SIZES.includes(size)) bad('The size is not valid.');
  const styleId = input.styleId ?? null;
  if (styleId !== null && !isStyleId(styleId)) bad('The style is not valid.');
  const cameoIds = input.cameoIds ?? [];
  if (!Array.isArray(cameoIds) || cameoIds.some((c) => typeof c !== 'string' || c === '')) {
    bad('The character ids are not valid.');
  }
  return { orientation, nFrames, model, size, styleId, cameoIds: [...cameoIds] };
}

function positiveInt(value: number | undefined, fallback: number, what: string, max: number): number {
  const n = value ?? fallback;
  if (!Number.isInteger(n) || n <= 0 || n > max) bad(`${what} is not valid.`);
  return n;
}

export function checkStartImage(start: StartImageInput | undefined): void {
  if (start === undefined) return;
  if ('blob' in start) {
    if (!(start.blob instanceof Blob) || start.blob.size === 0) bad('The start image is empty.');
    if (start.blob.type !== '' && !start.blob.type.startsWith('image/'))
      bad('The start image is not an image.');
    if (typeof start.fileName !== 'string' || start.fileName.trim() === '')
      bad('The start image has no name.');
  } else if ('fileId' in start) {
    if (typeof start.fileId !== 'string' || start.fileId === '') bad('The start image is missing.');
  } else if (typeof start.uploadId !== 'string' || start.uploadId === '') {
    bad('The start image upload id is empty.');
  }
}

/**
 * A start image's bytes, not only its type (which follows the file name): a page that skipped its checks
 * must not get a renamed video or document uploaded as a picture. Missing files are left to the queue,
 * which says so. Throws SoraError `bad_request` (local).
 */
export async function checkStartImageBytes(
  inputs: readonly JobInput[],
  blobOf: (fileId: string) => Promise<Blob | undefined>,
): Promise<void> {
  for (const input of inputs) {
    const start = 'startImage' in input ? input.startImage : undefined;
    if (!start || input.kind === 'remix' || !('blob' in start || 'fileId' in start)) continue;
    const blob = 'blob' in start ? start.blob : await blobOf(start.fileId);
    if (!(blob instanceof Blob) || blob.size === 0) continue;
    const content = await typeOfContent(blob);
    if (content?.startsWith('video/')) bad('The start image is a video, not a picture.');
    if (!(START_IMAGE_TYPES as readonly (string | null)[]).includes(content)) {
      bad('The start image is not a PNG, JPEG or WebP picture.');
    }
  }
}

/**
 * The stored request for an input, without its start image (the queue resolves that inside its
 * transaction). Throws SoraError `bad_request` with a readable message.
 */
export function toRequest(input: JobInput): JobRequest {
  switch (input.kind) {
    case 'video':
      checkStartImage(input.startImage);
      return { kind: 'video', prompt: prompt(input.prompt), ...videoParams(input) };
    case 'remix': {
      const target = typeof input.remixTarget === 'string' ? parsePostId(input.remixTarget) : null;
      if (target === null) bad('The remix target is not a Sora post id (s_…) or link.');
      return {
        kind: 'remix',
        prompt: prompt(input.prompt),
        remixTargetId: target as string,
        ...videoParams(input),
      };
    }
    case 'storyboard':
      checkStartImage(input.startImage);
      return {
        kind: 'storyboard',
        prompt: prompt(input.prompt, 'The storyboard'),
        ...(input.title?.trim() ? { title: input.title.trim() } : {}),
        ...videoParams(input),
      };
    case 'image':
      checkStartImage(input.startImage);
      return {
        kind: 'image',
        prompt: prompt(input.prompt),
        width: positiveInt(input.width, IMAGE_SIZES.square.width, 'The image width', 4096),
        height: positiveInt(input.height, IMAGE_SIZES.square.height, 'The image height', 4096),
        nVariants: positiveInt(input.nVariants, 1, 'The number of images', 4),
      };
    case 'extend':
      return extendRequest(input);
    default:
      return bad('Unknown job kind.');
  }
}

const SOURCE_LABEL_CHARS = 80;

function extendRequest(input: Extract<JobInput, { kind: 'extend' }>): JobRequest {
  if (!isGenerationId(input.source)) bad('The video to extend is not a Sora generation id (gen_…).');
  if (!isExtensionSeconds(input.seconds)) bad('An extension is 10 or 15 seconds long.');
  const text = prompt(input.prompt, 'The "what happens next" prompt');
  const history = input.sourceHistoryId;
  if (history !== undefined && (typeof history !== 'string' || history.trim() === '')) {
    bad('The history item of the video to extend is not valid.');
  }
  const duration = input.sourceDurationS;
  if (
    duration !== undefined &&
    (typeof duration !== 'number' || !Number.isFinite(duration) || duration <= 0)
  ) {
    bad('The length of the video to extend is not valid.');
  }
  const label = typeof input.sourceLabel === 'string' ? input.sourceLabel.trim() : '';
  return {
    kind: 'extend',
    prompt: text,
    sourceGenerationId: input.source,
    ...(history === undefined ? {} : { sourceHistoryId: history }),
    ...(duration === undefined ? {} : { sourceDurationS: duration }),
    ...(label === '' ? {} : { sourceLabel: [...label].slice(0, SOURCE_LABEL_CHARS).join('') }),
    extensionSeconds: input.seconds as 10 | 15,
  };
}

/** The `states` of a list request, checked: a list of known job states, or nothing (every job). */
export function checkStates(value: unknown): JobState[] | undefined {
  if (value === undefined) return undefined;
  const known: readonly unknown[] = JOB_STATES;
  if (!Array.isArray(value) || !value.every((s) => known.includes(s))) {
    bad(`The job states to list must be some of: ${JOB_STATES.join(', ')}.`);
  }
  return value as JobState[];
}
