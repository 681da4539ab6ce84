/**
 * Which task an uncertain create started, told from what Sora's lists echo (lib/jobs/match.ts): the cases a
 * batch of similar prompts makes, where every task fits every job by most of its words.
 */
import { describe, expect, it } from 'vitest';
import type { Job } from '../../lib/db/job-record';
import { toRequest } from '../../lib/jobs/input';
import { type Candidate, matchOrphans, textFit } from '../../lib/jobs/match';
import { newJob } from '../../lib/jobs/model';

const T0 = Date.UTC(2026, 0, 1);

function orphan(id: string, prompt: string): Job {
  const job = newJob({
    id,
    request: toRequest({ kind: 'video', prompt }),
    batchId: 'b',
    order: 0,
    now: T0,
  });
  return { ...job, state: 'submitting', createSentAt: T0 };
}

/** A task as the pending list shows it: a prompt, no time, no size. */
const pending = (taskId: string, prompt: string): Candidate => ({
  taskId,
  prompt,
  title: null,
  createdAt: null,
  nFrames: null,
  width: null,
  height: null,
});
const draft = (taskId: string, prompt: string): Candidate => ({
  ...pending(taskId, prompt),
  createdAt: T0 + 1000,
  nFrames: 300,
  width: 1280,
  height: 720,
});

const rewrite = (p: string) => `Cinematic, richly detailed: ${p}, soft natural light.`;

describe('numbered takes of one prompt', () => {
  it('a rewrite of "take 10" contains "take 1" as text but not as words', () => {
    expect(textFit('a lighthouse in fog, take 1', rewrite('a lighthouse in fog, take 10'))).toBe('related');
    expect(textFit('a lighthouse in fog, take 10', rewrite('a lighthouse in fog, take 10'))).toBe('contains');
  });

  for (const [name, make] of [
    ['in the pending list', pending],
    ['among the drafts', draft],
  ] as const) {
    it(`each orphan gets the task of its own take, ${name}, stored as sent or rewritten`, () => {
      const jobs = [1, 10, 2, 11].map((n) => orphan(`job_${n}`, `a lighthouse in fog, take ${n}`));
      for (const shown of [(p: string) => p, rewrite]) {
        const tasks = jobs.map((j) => make(`task_${j.id}`, shown(j.request.prompt)));
        const out = matchOrphans(jobs, tasks.reverse(), true);
        for (const j of jobs) expect(out.get(j.id)).toEqual({ kind: 'matched', taskId: `task_${j.id}` });
      }
    });
  }

  it('an outside task worded like one take is still not claimed when our own was rewritten', () => {
    const jobs = [orphan('job_1', 'a night market'), orphan('job_2', 'a night market, take 2')];
    const out = matchOrphans(
      jobs,
      [
        draft('outside', 'a night market'),
        draft('ours_1', rewrite('a night market')),
        draft('ours_2', rewrite('a night market, take 2')),
      ],
      true,
    );
    expect(out.get('job_1')).toEqual({ kind: 'ambiguous' });
    expect(out.get('job_2')).toEqual({ kind: 'matched', taskId: 'ours_2' });
  });
});
