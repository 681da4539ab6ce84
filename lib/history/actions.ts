/**
 * What the History view does with one item besides downloading: run it again with the same settings,
 * remix it, open a storyboard in the editor, open it on Sora.
 */
import type { HistoryItem } from '../db/history-record';
import type { JobInput } from '../jobs/input';
import { postUrl, SORA_ORIGIN } from '../sora/config';
import { isGenerationId, isPostId } from '../sora/ids';
import {
  isFrameCount,
  isStyleId,
  ORIENTATIONS,
  type Orientation,
  VIDEO_MODELS,
  VIDEO_SIZES,
} from '../sora/quota';
import { framesOf, orientationOf } from './fields';

const pick = <T extends string>(value: unknown, allowed: readonly T[]): T | undefined =>
  allowed.includes(value as T) ? (value as T) : undefined;

function videoSettings(item: HistoryItem) {
  const p = item.params;
  const o = pick<Orientation>(p.orientation, ORIENTATIONS) ?? orientationOf(item);
  const frames = framesOf(item);
  return {
    ...(o === 'landscape' || o === 'portrait' ? { orientation: o } : {}),
    ...(isFrameCount(frames) ? { nFrames: frames } : {}),
    ...(pick(p.model, VIDEO_MODELS) ? { model: pick(p.model, VIDEO_MODELS) } : {}),
    ...(pick(p.size, VIDEO_SIZES) ? { size: pick(p.size, VIDEO_SIZES) } : {}),
    ...(isStyleId(p.styleId) ? { styleId: p.styleId } : {}),
    ...(Array.isArray(p.cameoIds) && p.cameoIds.every((c) => typeof c === 'string')
      ? { cameoIds: p.cameoIds as string[] }
      : {}),
  };
}

export interface Rerun {
  input: JobInput;
  /** The original started from a picture that history does not keep: the new job runs without it. */
  withoutStartImage: boolean;
}

/** The job input that makes the same thing again, or null when the item has no prompt. */
export function rerunInput(item: HistoryItem): Rerun | null {
  if (item.prompt.trim() === '') return null;
  const withoutStartImage = item.params.hasStartImage === true;
  const p = item.params;
  switch (item.kind) {
    case 'image': {
      const width = typeof p.width === 'number' ? p.width : item.width;
      const height = typeof p.height === 'number' ? p.height : item.height;
      return {
        input: {
          kind: 'image',
          prompt: item.prompt,
          ...(width ? { width } : {}),
          ...(height ? { height } : {}),
          ...(typeof p.nVariants === 'number' ? { nVariants: p.nVariants } : {}),
        },
        withoutStartImage,
      };
    }
    case 'remix':
      if (isPostId(p.remixTargetId)) {
        return {
          input: { kind: 'remix', prompt: item.prompt, remixTarget: p.remixTargetId, ...videoSettings(item) },
          withoutStartImage: false,
        };
      }
      return { input: { kind: 'video', prompt: item.prompt, ...videoSettings(item) }, withoutStartImage };
    case 'storyboard': {
      const title = typeof p.title === 'string' ? p.title : item.title;
      return {
        input: {
          kind: 'storyboard',
          prompt: item.prompt,
          ...(title ? { title } : {}),
          ...videoSettings(item),
        },
        withoutStartImage,
      };
    }
    case 'extend':
      if (item.extendedFrom && (p.extensionSeconds === 10 || p.extensionSeconds === 15)) {
        return {
          input: {
            kind: 'extend',
            prompt: item.prompt,
            source: item.extendedFrom.generationId,
            seconds: p.extensionSeconds,
            ...(item.extendedFrom.historyId ? { sourceHistoryId: item.extendedFrom.historyId } : {}),
            ...(typeof p.sourceDurationS === 'number' ? { sourceDurationS: p.sourceDurationS } : {}),
            ...(typeof p.sourceLabel === 'string' ? { sourceLabel: p.sourceLabel } : {}),
          },
          withoutStartImage: false,
        };
      }
      return { input: { kind: 'video', prompt: item.prompt, ...videoSettings(item) }, withoutStartImage };
    default:
      return { input: { kind: 'video', prompt: item.prompt, ...videoSettings(item) }, withoutStartImage };
  }
}

/** Only a finished video Sora made (a `gen_…` draft) can be continued. */
export const isExtendable = (item: HistoryItem): boolean =>
  item.kind !== 'image' && item.status === 'ready' && isGenerationId(item.id);

/** The job that continues `item` by `seconds` with what happens next (checked again by the queue). */
export function extendInput(item: HistoryItem, seconds: 10 | 15, prompt: string): JobInput {
  const frames = framesOf(item);
  const durationS = item.durationS ?? (frames === undefined ? undefined : frames / 30);
  const label = (item.title || item.prompt).replace(/\s+/g, ' ').trim();
  return {
    kind: 'extend',
    prompt,
    source: item.id,
    seconds,
    sourceHistoryId: item.id,
    ...(durationS === undefined ? {} : { sourceDurationS: durationS }),
    ...(label === '' ? {} : { sourceLabel: label }),
  };
}

/**
 * Where the item lives on Sora: its share link when it has one, else its draft page (the web app's
 * `/d/gen_…` path; unverified beyond public reports, kept here so a change is one line).
 */
export function soraUrlOf(item: HistoryItem): string {
  return item.postId ? postUrl(item.postId) : `${SORA_ORIGIN}/d/${encodeURIComponent(item.id)}`;
}
