/**
 * One step of one job: the state's step (./publish.ts, ./resolve.ts, ./download.ts, ./unpublish.ts) decides
 * an event, which goes through the state machine (./model.ts) against the stored record. Every step can be
 * repeated after a service-worker stop: it starts from what is stored, whatever happened before.
 */
import type { DownloadJob } from '../db/download-record';
import type { MediaContext } from './context';
import { downloadStep } from './download';
import { type DownloadEvent, isFinalDownload } from './model';
import { publishStep } from './publish';
import { applyEvent, patchItem, readJob } from './repo';
import { resolveStep } from './resolve';
import { unpublishStep } from './unpublish';

export async function runStep(ctx: MediaContext, seen: DownloadJob): Promise<void> {
  // The list this step was chosen from may be stale (another step of this job just finished): act only on
  // the stored record, and only when it is still the one that was seen.
  const job = await readJob(ctx, seen.id);
  if (!job || job.state !== seen.state || job.updatedAt !== seen.updatedAt) return;
  let event: DownloadEvent | null;
  switch (job.state) {
    case 'publishing':
      event = await publishStep(ctx, job);
      break;
    case 'resolving':
      event = await resolveStep(ctx, job);
      break;
    case 'downloading':
      event = await downloadStep(ctx, job);
      break;
    case 'unpublishing':
      event = await unpublishStep(ctx, job);
      break;
    default:
      event = null;
  }
  if (event === null) return;
  const next = await applyEvent(ctx, job.id, event);
  // A post left behind on a failed unpublish stays visible to the user with its link.
  if (next && isFinalDownload(next.state) && next.postLeftPublished && next.postId) {
    await patchItem(ctx, next.itemId, { postId: next.postId });
  }
}
