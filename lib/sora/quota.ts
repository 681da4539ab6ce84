/**
 * Video parameters and allowance helpers (NOTES.md "Video generation", "Quota and account").
 */
import type { RateLimitAndCreditBalance } from './schemas';

/** Sora counts video length in frames at 30 fps. */
export const FPS = 30;

/** The frame counts Sora accepts: 150 = 5 s, 300 = 10 s, 450 = 15 s, 750 = 25 s (Pro). */
export const FRAME_COUNTS = [150, 300, 450, 750] as const;
export type FrameCount = (typeof FRAME_COUNTS)[number];
/** Frame counts only Pro plans may use. */
export const PRO_FRAME_COUNTS: readonly number[] = [750];

/** Frames for a length in seconds (30 fps, rounded). */
export function frameCount(seconds: number): number {
  return Math.round(seconds * FPS);
}

/** Seconds for a frame count. */
export function secondsFromFrames(nFrames: number): number {
  return nFrames / FPS;
}

export const isFrameCount = (n: unknown): n is FrameCount =>
  typeof n === 'number' && (FRAME_COUNTS as readonly number[]).includes(n);

export const VIDEO_MODELS = ['sy_8', 'sy_ore'] as const;
export type VideoModel = (typeof VIDEO_MODELS)[number];
/** `sy_8` is the standard model; `sy_ore` needs Pro. */
export const DEFAULT_MODEL: VideoModel = 'sy_8';
export const PRO_MODELS: readonly string[] = ['sy_ore'];

export const VIDEO_SIZES = ['small', 'large'] as const;
export type VideoSize = (typeof VIDEO_SIZES)[number];
export const DEFAULT_SIZE: VideoSize = 'small';
export const PRO_SIZES: readonly string[] = ['large'];

export const ORIENTATIONS = ['landscape', 'portrait'] as const;
export type Orientation = (typeof ORIENTATIONS)[number];

export const STYLE_IDS = [
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
] as const;
export type StyleId = (typeof STYLE_IDS)[number];
export const isStyleId = (s: unknown): s is StyleId =>
  typeof s === 'string' && (STYLE_IDS as readonly string[]).includes(s);

/** Image sizes clients use (NOTES.md, unverified): square, landscape, portrait. */
export const IMAGE_SIZES = {
  square: { width: 360, height: 360 },
  landscape: { width: 540, height: 360 },
  portrait: { width: 360, height: 540 },
} as const;

/** The plan id of ChatGPT Pro (and variants such as `chatgpt_pro_yearly`). */
export function isProPlan(planId: string | null | undefined): boolean {
  return typeof planId === 'string' && (planId === 'chatgpt_pro' || planId.startsWith('chatgpt_pro_'));
}

/** Whether a choice of model, size and length needs a Pro plan. */
export function requiresPro(p: { model?: string; size?: string; nFrames?: number }): boolean {
  return (
    (p.model !== undefined && PRO_MODELS.includes(p.model)) ||
    (p.size !== undefined && PRO_SIZES.includes(p.size)) ||
    (p.nFrames !== undefined && PRO_FRAME_COUNTS.includes(p.nFrames))
  );
}

/**
 * Estimated allowance units one video costs (unverified: 10 s → 1, 15 s → 2, 25 s → 4; 5 s assumed 1).
 */
export function estimatedCost(nFrames: number): number {
  if (nFrames <= 300) return 1;
  if (nFrames <= 450) return 2;
  return 4;
}

/** Same shape as the messaging protocol's `QuotaInfo`. */
export interface QuotaSnapshot {
  remaining: number;
  rateLimitReached: boolean;
  /** Epoch ms when the rolling allowance resets. */
  resetsAt?: number;
}

/** The allowance as the UI needs it, from `/nf/check` (or the copy inside a create answer). */
export function toQuotaSnapshot(balance: RateLimitAndCreditBalance, now: number): QuotaSnapshot {
  const remaining = balance.estimated_num_videos_remaining ?? 0;
  const resetsIn = balance.access_resets_in_seconds;
  return {
    remaining,
    rateLimitReached: balance.rate_limit_reached ?? remaining <= 0,
    ...(typeof resetsIn === 'number' && resetsIn >= 0 ? { resetsAt: now + resetsIn * 1000 } : {}),
  };
}
