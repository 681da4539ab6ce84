/** What every part of the engine is given: the database, the port, the clock, the tunables. */
import type { CompanionDb } from '../db/schema';
import { DEFAULT_PATIENCE_WAITS } from '../util/patience';
import type { SoraPort } from './sora-port';

export interface EngineOptions {
  /** Pending-list interval while something runs. */
  pollIntervalMs: number;
  /** The interval grows up to this while reads change nothing. */
  maxPollIntervalMs: number;
  /** A read aimed at a task's expected end comes this long after it (see poller.ts `nextReadAt`). */
  etaMarginMs: number;
  /** Reads that change nothing before the interval starts to grow. */
  quietReadsBeforeSlowdown: number;
  /** A pending list older than this is read again before submitting (other tabs may have started tasks). */
  snapshotMaxAgeMs: number;
  /**
   * A create that may have reached Sora (worker stopped after sending, or no clear answer) is looked for in
   * the pending list and the drafts for this long after it was sent before it is sent again.
   */
  orphanGraceMs: number;
  /** Longest wait for an unclaimed prompt-less pending task to finish before sending an orphan again. */
  orphanMaxWaitMs: number;
  /** Drafts pages read at most when looking for an orphan's result. */
  orphanDraftPages: number;
  /** A task that left the pending list gets this long to show a result with a URL. */
  resolveTimeoutMs: number;
  /** An image task missing from recent tasks this long after it started is given up. */
  imageLostTimeoutMs: number;
  /** Counted submission attempts (transient errors) before the job fails. */
  maxAttempts: number;
  /** Sentinel refusals (each already retried once by the http core) before the job fails. */
  maxSentinelRejections: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** A ceiling learned from too_many_concurrent is forgotten after this (plans change). */
  learnedCeilingTtlMs: number;
  /** Re-check after a Cloudflare challenge this long after it. */
  cloudflareRecheckMs: number;
  /** How soon the queue looks again for a way to make a sentinel token (a Sora tab may have been opened). */
  sentinelRecheckMs: number;
  /** Daily limit without a readable reset time, or while /nf/check still shows videos left: check again after this. */
  dailyLimitFallbackMs: number;
  /** Slack added to the reset time so the first create after it is not refused again. */
  dailyLimitMarginMs: number;
  /** Sora not answering (NOTES.md "Service status"): first re-check after this, doubling… */
  serviceRecheckMs: number;
  /** …up to this. */
  serviceRecheckMaxMs: number;
}

export const DEFAULT_ENGINE_OPTIONS: EngineOptions = {
  pollIntervalMs: 2500,
  maxPollIntervalMs: 10_000,
  etaMarginMs: 300,
  quietReadsBeforeSlowdown: 4,
  snapshotMaxAgeMs: 30_000,
  // Both follow the user's "wait for Sora to answer" setting (lib/util/patience.ts); these are its default.
  orphanGraceMs: DEFAULT_PATIENCE_WAITS.orphanGraceMs,
  orphanMaxWaitMs: 30 * 60_000,
  orphanDraftPages: 3,
  resolveTimeoutMs: 3 * 60_000,
  imageLostTimeoutMs: 10 * 60_000,
  maxAttempts: 8,
  maxSentinelRejections: 3,
  backoffBaseMs: 5000,
  backoffMaxMs: 10 * 60_000,
  learnedCeilingTtlMs: 12 * 60 * 60_000,
  cloudflareRecheckMs: 5 * 60_000,
  sentinelRecheckMs: 15_000,
  dailyLimitFallbackMs: 15 * 60_000,
  dailyLimitMarginMs: 5000,
  serviceRecheckMs: DEFAULT_PATIENCE_WAITS.recheckMs,
  serviceRecheckMaxMs: 5 * 60_000,
};

/** The options that follow the user's "wait for Sora to answer" setting, read again before every tick. */
export type PatienceOptions = Pick<EngineOptions, 'orphanGraceMs' | 'serviceRecheckMs'>;

export interface EngineContext {
  db: CompanionDb;
  port: SoraPort;
  now: () => number;
  /** 0..1; tests pass a fixed one for backoff jitter. */
  random: () => number;
  options: EngineOptions;
}
