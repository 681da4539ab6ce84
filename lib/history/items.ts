/**
 * History items from what Sora lists (drafts, image tasks). Background only (it reads Sora's shapes); the
 * merge rule for items with the same id is in ./merge.ts.
 */

import type { HistoryItem } from '../db/history-record';
import type { JobKind } from '../db/job-record';
import { mediaFieldsOf } from '../db/media-fields';
import { parseTimestamp, toDraftInfo } from '../jobs/sora-port';
import type { DraftItem, RecentTask } from '../sora/schemas';
import { isStoryboardPrompt, orientationFromSize } from './fields';

/** A draft as a history item; `null` while it has no file yet (it comes with a later import). */
export function itemFromDraft(draft: DraftItem, now: number): HistoryItem | null {
  const info = toDraftInfo(draft);
  if (info.state === 'no_url_yet') return null;
  const prompt = info.prompt ?? '';
  const kind: JobKind = isStoryboardPrompt(prompt) ? 'storyboard' : 'video';
  const orientation = orientationFromSize(info.width, info.height);
  const nFrames = typeof draft.n_frames === 'number' ? draft.n_frames : undefined;
  const params: Record<string, unknown> = {};
  if (orientation === 'landscape' || orientation === 'portrait') params.orientation = orientation;
  if (nFrames !== undefined) params.nFrames = nFrames;
  const title = typeof draft.title === 'string' && draft.title.trim() !== '' ? draft.title.trim() : undefined;
  return {
    id: info.generationId,
    taskId: info.taskId ?? '',
    jobId: null,
    kind,
    prompt,
    params,
    url: info.url ?? '',
    ...mediaFieldsOf(info),
    ...(info.files === undefined ? {} : { draftFiles: info.files }),
    createdAt: info.createdAt ?? now,
    status: info.state === 'ready' ? 'ready' : info.state,
    ...(info.reason === undefined ? {} : { reason: info.reason }),
    source: 'sora',
    ...(title === undefined ? {} : { title }),
    ...(orientation === undefined ? {} : { orientation }),
    ...(nFrames === undefined ? {} : { nFrames }),
    resolvedAt: now,
  };
}

/** The finished images of an image task (one item per image); none while it runs or when it failed. */
export function itemsFromImageTask(task: RecentTask, now: number): HistoryItem[] {
  if (task.status !== 'succeeded') return [];
  const created = parseTimestamp((task as { created_at?: string | number | null }).created_at) ?? now;
  const generations = task.generations ?? [];
  return generations.flatMap((g): HistoryItem[] => {
    if (typeof g.url !== 'string' || g.url === '') return [];
    const width = typeof g.width === 'number' ? g.width : undefined;
    const height = typeof g.height === 'number' ? g.height : undefined;
    const orientation = orientationFromSize(width, height);
    return [
      {
        id: g.id,
        taskId: task.id,
        jobId: null,
        kind: 'image',
        prompt: task.prompt ?? '',
        params: {
          ...(width === undefined ? {} : { width }),
          ...(height === undefined ? {} : { height }),
          nVariants: generations.length,
        },
        url: g.url,
        ...(width === undefined ? {} : { width }),
        ...(height === undefined ? {} : { height }),
        createdAt: created,
        status: 'ready',
        source: 'sora',
        ...(orientation === undefined ? {} : { orientation }),
        resolvedAt: now,
      },
    ];
  });
}
