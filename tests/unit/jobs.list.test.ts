/**
 * `jobs.list` with a `states` filter, on the real background: the popup asks only for the jobs on Sora now,
 * and a filter that is not a list of job states is refused with a readable message.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import background from '../../entrypoints/background/index';
import type { Job } from '../../lib/db/job-record';
import { setUpWorld, tearDownWorld } from './harness/background';

describe('jobs.list', () => {
  afterAll(tearDownWorld);

  it('lists only the jobs in the asked states, in queue order, and refuses unknown states', async () => {
    fakeBrowser.reset();
    const w = setUpWorld();
    background.main?.();
    // Paused first, so the jobs stay where they are put.
    expect((await w.ask('jobs.pause', {})).ok).toBe(true);
    const enqueued = await w.ask('jobs.enqueue', {
      inputs: ['one', 'two', 'three'].map((prompt) => ({ kind: 'video', prompt, nFrames: 150 })),
    });
    const [, second] = (enqueued.value as { jobs: Job[] }).jobs;
    expect((await w.ask('jobs.cancel', { ids: [second?.id] })).ok).toBe(true);

    const prompts = async (req: unknown) => {
      const answer = await w.ask('jobs.list', req);
      return (answer.value as { jobs: Job[] }).jobs.map((j) => `${j.request.prompt}:${j.state}`);
    };
    expect(await prompts({})).toEqual(['one:paused', 'two:canceled', 'three:paused']);
    expect(await prompts({ states: ['paused'] })).toEqual(['one:paused', 'three:paused']);
    expect(await prompts({ states: ['canceled', 'paused'] })).toEqual([
      'one:paused',
      'two:canceled',
      'three:paused',
    ]);
    expect(await prompts({ states: ['submitting', 'running', 'resolving'] })).toEqual([]);

    for (const states of [['finished'], 'running', [3]]) {
      expect(await w.ask('jobs.list', { states })).toEqual({
        ok: false,
        error: expect.objectContaining({
          code: 'bad_request',
          message: expect.stringContaining('queued, paused, submitting, running, resolving, done'),
        }),
      });
    }
  });
});
