/**
 * Whether sora.chatgpt.com answers as the Sora app (NOTES.md "Service status"), as one small record in
 * storage.local next to the account snapshot. It holds no secret: what was seen (status, content type,
 * redirect host, the call), since when, and when Sora last answered. The background writes it from every
 * classified answer of the request core and the session read; pages read it directly, like the account
 * snapshot, so the popup can say it before the worker wakes.
 *
 *            Sora's app answers (2xx JSON or its own error envelope)
 *        ┌──────────────────────────────────────────────────┐
 *        ▼                                                  │
 *   answering ── service_unavailable (404/410 page, HTML, ──► not_answering ──┐
 *                redirect away, no connection while online)      ▲           │ another one: `seen` is
 *                                                                └───────────┘ updated, `since` kept
 *   Network down (offline), timeouts, Cloudflare and 5xx change nothing: they say nothing about the app.
 */
import type { ServiceSeen, SoraError, SoraErrorCode } from '../sora/errors';
import type { ValueSlot } from '../util/storage-items';

export interface ServiceStatus {
  state: 'answering' | 'not_answering';
  /** not_answering: the last thing seen instead of the Sora app. */
  seen?: ServiceSeen;
  /** not_answering: since when. */
  since?: number;
  /** The last time Sora's app answered (absent: never, since this record exists). */
  lastAnsweredAt?: number;
}

/** Answers only the Sora app gives (its JSON error envelope): it is there, even if it said no. */
const APP_ANSWERS: ReadonlySet<SoraErrorCode> = new Set<SoraErrorCode>([
  'auth_expired',
  'sentinel_rejected',
  'too_many_concurrent',
  'daily_limit',
  'rate_limited',
  'heavy_load',
  'unsupported_country',
  'not_found',
  'bad_request',
  'policy_violation',
]);

/** Don't rewrite storage on every poll: a normal answer refreshes `lastAnsweredAt` at most this often. */
export const ANSWERED_WRITE_INTERVAL_MS = 60_000;

/**
 * The record after one outcome (`null`: a normal answer), or `undefined` when nothing worth writing
 * changed. Pure.
 */
export function nextServiceStatus(
  prev: ServiceStatus | undefined,
  outcome: Pick<SoraError, 'code' | 'seen'> | null,
  now: number,
): ServiceStatus | undefined {
  if (outcome === null || APP_ANSWERS.has(outcome.code)) {
    if (
      prev?.state === 'answering' &&
      prev.lastAnsweredAt !== undefined &&
      now - prev.lastAnsweredAt < ANSWERED_WRITE_INTERVAL_MS
    ) {
      return undefined;
    }
    return { state: 'answering', lastAnsweredAt: now };
  }
  if (outcome.code !== 'service_unavailable') return undefined;
  const seen = outcome.seen ?? { kind: 'status' };
  const since = prev?.state === 'not_answering' && prev.since !== undefined ? prev.since : now;
  const next: ServiceStatus = { state: 'not_answering', seen: { ...seen }, since };
  if (prev?.lastAnsweredAt !== undefined) next.lastAnsweredAt = prev.lastAnsweredAt;
  if (prev?.state === 'not_answering' && sameSeen(prev.seen, seen)) return undefined;
  return next;
}

function sameSeen(a: ServiceSeen | undefined, b: ServiceSeen): boolean {
  return (
    a !== undefined &&
    a.kind === b.kind &&
    a.status === b.status &&
    a.contentType === b.contentType &&
    a.host === b.host &&
    a.what === b.what
  );
}

export interface ServiceStatusTrackerDeps {
  /** lib/util/storage-items.ts `serviceStatusItem`. */
  area: ValueSlot;
  now?: () => number;
  /** After a write that changed `state` (e.g. resume the queue when Sora answers again). */
  onStateChange?: (next: ServiceStatus, prev: ServiceStatus | undefined) => void;
}

/**
 * Keeps the record from outcomes. Writes are serialized; the last written record is remembered so a burst
 * of normal answers costs no writes. Losing the memory (a stopped worker) costs one read.
 */
export function createServiceStatusTracker(deps: ServiceStatusTrackerDeps) {
  const now = deps.now ?? Date.now;
  let last: ServiceStatus | undefined;
  let loaded = false;
  let chain: Promise<void> = Promise.resolve();

  async function read(): Promise<ServiceStatus | undefined> {
    if (!loaded) {
      last = ((await deps.area.getValue().catch(() => null)) ?? undefined) as ServiceStatus | undefined;
      loaded = true;
    }
    return last;
  }

  function observe(outcome: Pick<SoraError, 'code' | 'seen'> | null): Promise<void> {
    chain = chain
      .then(async () => {
        const prev = await read();
        const next = nextServiceStatus(prev, outcome, now());
        if (next === undefined) return;
        await deps.area.setValue(next);
        last = next;
        if (prev?.state !== next.state) deps.onStateChange?.(next, prev);
      })
      .catch(() => {});
    return chain;
  }

  return { observe, current: read };
}

export type ServiceStatusTracker = ReturnType<typeof createServiceStatusTracker>;
