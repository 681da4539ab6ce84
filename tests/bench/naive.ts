/**
 * The baseline the engine is measured against: the obvious per-job poller. Each job takes a slot (same
 * ceiling), creates its task, then polls the pending list itself every interval; when its task is gone it
 * reads the drafts itself, writes its history item and hands the slot to the next job. Same port, same
 * database writes, same simulated clock: only the polling strategy differs.
 */
import { putHistoryItems } from '../../lib/db/history';
import type { HistoryItem } from '../../lib/db/history-record';
import type { JobRequest } from '../../lib/db/job-record';
import type { CompanionDb } from '../../lib/db/schema';
import type { SoraPort } from '../../lib/jobs/sora-port';
import type { ManualClock } from '../unit/fakes/jobs';

export interface NaiveOptions {
  port: SoraPort;
  db: CompanionDb;
  clock: ManualClock;
  requests: JobRequest[];
  ceiling: number;
  intervalMs: number;
}

export async function runNaive(o: NaiveOptions): Promise<void> {
  const events: { at: number; seq: number; run: () => Promise<void> }[] = [];
  let seq = 0;
  const schedule = (delayMs: number, run: () => Promise<void>) => {
    events.push({ at: o.clock.now() + delayMs, seq: seq++, run });
  };
  const queue = o.requests.map((request, index) => ({ request, index }));
  let running = 0;

  const startNext = async (): Promise<void> => {
    while (running < o.ceiling && queue.length > 0) {
      const job = queue.shift()!;
      running++;
      try {
        const { taskId } = await o.port.create(job.request, null);
        schedule(o.intervalMs, () => poll(job.index, job.request, taskId));
      } catch {
        running--;
        queue.unshift(job);
        schedule(o.intervalMs, startNext);
        return;
      }
    }
  };

  const poll = async (index: number, request: JobRequest, taskId: string): Promise<void> => {
    const again = () => {
      schedule(o.intervalMs, () => poll(index, request, taskId));
    };
    try {
      const pending = await o.port.listPending();
      if (pending.some((t) => t.taskId === taskId)) {
        again();
        return;
      }
      const page = await o.port.listDrafts(20);
      const drafts = page.items.filter((d) => d.taskId === taskId);
      if (drafts.length === 0 || drafts.some((d) => d.state === 'no_url_yet')) {
        again();
        return;
      }
      const now = o.clock.now();
      const items: HistoryItem[] = drafts
        .filter((d) => d.state === 'ready')
        .map((d) => ({
          id: d.generationId,
          taskId,
          jobId: `naive_${index}`,
          kind: request.kind,
          prompt: request.prompt,
          params: {},
          url: d.url ?? '',
          createdAt: now,
          status: 'ready' as const,
        }));
      await putHistoryItems(o.db, items);
      running--;
      await startNext();
    } catch {
      again();
    }
  };

  await startNext();
  while (events.length > 0) {
    events.sort((a, b) => a.at - b.at || a.seq - b.seq);
    const next = events.shift()!;
    o.clock.moveTo(next.at);
    await next.run();
  }
}
