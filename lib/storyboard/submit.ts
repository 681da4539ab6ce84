/**
 * From an edited storyboard and its format options to the one `JobInput` the queue takes, with the checks
 * the shot model cannot make itself: what the plan allows (Pro) and how long the whole prompt may be.
 */
import { type JobInput, MAX_PROMPT_CHARS, type StartImageInput } from '../jobs/input';
import {
  DEFAULT_MODEL,
  DEFAULT_SIZE,
  isStyleId,
  ORIENTATIONS,
  type Orientation,
  requiresPro,
  type StyleId,
  VIDEO_MODELS,
  VIDEO_SIZES,
  type VideoModel,
  type VideoSize,
} from '../sora/quota';
import { serializeStoryboard } from './format';
import { framesFor, type Storyboard } from './model';

/** The format of the video, chosen above the shots. */
export interface StoryboardOptions {
  orientation: Orientation;
  model: VideoModel;
  size: VideoSize;
  styleId: StyleId | null;
}

export const DEFAULT_STORYBOARD_OPTIONS: StoryboardOptions = {
  orientation: 'landscape',
  model: DEFAULT_MODEL,
  size: DEFAULT_SIZE,
  styleId: null,
};

/** The title Sora's own editor sends when the user gave none (NOTES.md "Storyboard prompt format"). */
export const DEFAULT_TITLE = 'Draft your video';

export type PlanIssue =
  | { code: 'pro_length'; params: { lengthS: number } }
  | { code: 'pro_model'; params: { model: string } }
  | { code: 'pro_size'; params: { size: string } }
  | { code: 'prompt_too_long'; params: { length: number; max: number } };

/** Options read back from storage or a message: anything unknown falls back to the default. */
export function normalizeOptions(value: unknown): StoryboardOptions {
  const v = value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  const pick = <T extends string>(allowed: readonly T[], x: unknown, fallback: T): T =>
    allowed.includes(x as T) ? (x as T) : fallback;
  return {
    orientation: pick(ORIENTATIONS, v.orientation, DEFAULT_STORYBOARD_OPTIONS.orientation),
    model: pick(VIDEO_MODELS, v.model, DEFAULT_STORYBOARD_OPTIONS.model),
    size: pick(VIDEO_SIZES, v.size, DEFAULT_STORYBOARD_OPTIONS.size),
    styleId: isStyleId(v.styleId) ? v.styleId : null,
  };
}

/** What the plan or the queue would refuse, found before anything is sent. */
export function planIssues(sb: Storyboard, options: StoryboardOptions, isPro: boolean): PlanIssue[] {
  const issues: PlanIssue[] = [];
  if (!isPro) {
    if (requiresPro({ nFrames: framesFor(sb.lengthS) }))
      issues.push({ code: 'pro_length', params: { lengthS: sb.lengthS } });
    if (requiresPro({ model: options.model }))
      issues.push({ code: 'pro_model', params: { model: options.model } });
    if (requiresPro({ size: options.size }))
      issues.push({ code: 'pro_size', params: { size: options.size } });
  }
  // The queue refuses longer prompts (lib/jobs/input.ts); ten full scenes can get there.
  const length = serializeStoryboard(sb).length;
  if (length > MAX_PROMPT_CHARS) {
    issues.push({ code: 'prompt_too_long', params: { length, max: MAX_PROMPT_CHARS } });
  }
  return issues;
}

/** The title sent with the storyboard: its name, or Sora's default. */
export function storyboardTitle(name: string): string {
  const trimmed = name.trim();
  return trimmed === '' ? DEFAULT_TITLE : trimmed;
}

/** The queue input for a storyboard that passed validation. */
export function toStoryboardInput(
  sb: Storyboard,
  options: StoryboardOptions,
  extra: { name: string; startImage?: StartImageInput },
): JobInput {
  return {
    kind: 'storyboard',
    prompt: serializeStoryboard(sb),
    title: storyboardTitle(extra.name),
    nFrames: framesFor(sb.lengthS),
    orientation: options.orientation,
    model: options.model,
    size: options.size,
    styleId: options.styleId,
    ...(extra.startImage ? { startImage: extra.startImage } : {}),
  };
}
