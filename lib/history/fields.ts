/** Small facts about history items, shared by the background and the History view (no Sora code here). */
import type { HistoryItem, HistoryOrientation } from '../db/history-record';
import { isVideoKind } from '../jobs/model';

/** Storyboard prompts start like this (lib/storyboard's format). */
const STORYBOARD_PREFIX = /^\s*current timeline:/i;

export const isStoryboardPrompt = (prompt: string): boolean => STORYBOARD_PREFIX.test(prompt);

export function orientationFromSize(width?: number, height?: number): HistoryOrientation | undefined {
  if (!width || !height) return undefined;
  if (Math.abs(width - height) / Math.max(width, height) < 0.05) return 'square';
  return width > height ? 'landscape' : 'portrait';
}

/** The orientation of any item: stored, from its settings, or from its size. */
export function orientationOf(item: HistoryItem): HistoryOrientation | undefined {
  if (item.orientation) return item.orientation;
  const o = item.params.orientation;
  if (o === 'landscape' || o === 'portrait') return o;
  const w = typeof item.params.width === 'number' ? item.params.width : item.width;
  const h = typeof item.params.height === 'number' ? item.params.height : item.height;
  return orientationFromSize(w, h);
}

/** Whether an item is a video Sora can publish (images are not posts). */
export const isPublishable = (item: HistoryItem): boolean =>
  isVideoKind(item.kind) && item.status === 'ready';

/** The picture a row shows: the thumbnail, or the image itself. */
export const previewImageOf = (item: HistoryItem): string | undefined =>
  item.thumbnailUrl || (item.kind === 'image' && item.url ? item.url : undefined);

/** Frames of a video item (30 fps), from its settings or its length. */
export function framesOf(item: HistoryItem): number | undefined {
  if (typeof item.params.nFrames === 'number') return item.params.nFrames;
  if (item.nFrames !== undefined) return item.nFrames;
  return item.durationS === undefined ? undefined : Math.round(item.durationS * 30);
}

/**
 * Signed media URLs carry their expiry in `se=` (ISO time). Epoch ms, or null when the URL says nothing.
 */
export function signedUrlExpiry(url: string | undefined): number | null {
  if (!url) return null;
  try {
    const se = new URL(url).searchParams.get('se');
    if (!se) return null;
    const t = Date.parse(se);
    return Number.isNaN(t) ? null : t;
  } catch {
    return null;
  }
}

/** True when the URL's signature has expired or will within `marginMs`. Unknown expiry counts as fine. */
export function isUrlExpired(url: string | undefined, now: number, marginMs = 5 * 60_000): boolean {
  const at = signedUrlExpiry(url);
  return at !== null && at - marginMs <= now;
}
