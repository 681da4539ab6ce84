/**
 * A job's states as plain data, apart from the state machine in model.ts: the pages' job store needs these
 * and nothing else of the engine, and the popup loads that store.
 */
import type { JobState } from '../db/job-record';

export const FINAL_STATES: readonly JobState[] = ['done', 'failed', 'canceled'];
export const OPEN_STATES: readonly JobState[] = ['queued', 'paused', 'submitting', 'running', 'resolving'];

export const isFinal = (state: JobState): boolean => FINAL_STATES.includes(state);
/** Not yet sent to Sora: may be reordered. */
export const isWaiting = (state: JobState): boolean => state === 'queued' || state === 'paused';
