/**
 * What a step's failure means for its job: which refusals wait, which are tried again, which end it, and
 * which leave a publish possibly sent. Pure: the event is applied by ./steps.ts.
 */

import type { DownloadJob } from '../db/download-record';
import { SoraError, type SoraErrorCode } from '../sora/errors';
import { httpsHostOf } from '../sora/media-hosts';
import type { MediaContext } from './context';
import { DOWNLOAD_WAIT_CODES, type DownloadEvent, retryDelayMs } from './model';
import { ParseServiceError } from './parse-service';

/** Errors worth another try after a pause. */
const TRANSIENT: readonly SoraErrorCode[] = [
  'network',
  'timeout',
  'server_error',
  'heavy_load',
  'rate_limited',
  'sentinel_rejected',
  'bad_response',
];

/**
 * Failures after which a publish may still have reached Sora and made a post: the connection died, the
 * answer never came or came unreadable, or a gateway answered for a service that may have done the work.
 */
export const MAYBE_SENT: readonly string[] = ['network', 'timeout', 'server_error', 'bad_response'];

/** A file URL off Sora's media host: refused before any request, with the host for the user to see. */
export function foreignHost(url: string): DownloadEvent {
  const host = httpsHostOf(url) ?? '';
  return {
    type: 'fail',
    error: {
      code: 'foreign_host',
      message: host ? `The file is on ${host}, not on Sora's media host.` : 'The file URL is not https.',
      host,
    },
  };
}

export const errorOf = (
  e: unknown,
): { code: SoraErrorCode | 'parse_service' | 'download_failed'; message: string } => {
  if (e instanceof SoraError) return { code: e.code, message: e.message };
  if (e instanceof ParseServiceError) return { code: 'parse_service', message: e.message };
  return { code: 'download_failed', message: e instanceof Error ? e.message : String(e) };
};

/** A failed step: another try later when it may help, else the job fails (or leaves its post behind). */
export function failure(
  ctx: Pick<MediaContext, 'waits' | 'random'>,
  job: DownloadJob,
  e: unknown,
): DownloadEvent {
  const error = errorOf(e);
  const retryAfterMs = e instanceof SoraError ? (e.retryAfterMs ?? 0) : 0;
  if (DOWNLOAD_WAIT_CODES.includes(error.code)) {
    return { type: 'wait', delayMs: Math.max(ctx.waits().waitMs, retryAfterMs), error };
  }
  if ((TRANSIENT as readonly string[]).includes(error.code)) {
    return {
      type: 'retry',
      delayMs: Math.max(retryDelayMs(job.attempts + 1, ctx.random), retryAfterMs),
      error,
    };
  }
  return { type: 'fail', error };
}

export const waitsOrRetries = (code: string) =>
  (TRANSIENT as readonly string[]).includes(code) || DOWNLOAD_WAIT_CODES.includes(code);
