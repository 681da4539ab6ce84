/**
 * The one map of everything the extension's pages may ask the background. Each entry names the request
 * and the response type; `send` and `serve` in ./transport.ts are typed from it. Errors never cross as
 * exceptions with stacks: they arrive as `SerializedError` ({code, message}); branch on `code`.
 *
 * The access token never appears in any request, response or event here.
 */
import type { EngineStatus, JobsChanged } from '../jobs/engine';
import type { JobInput } from '../jobs/input';
import type { Job } from '../jobs/model';
import type { MoveDirection } from '../jobs/queue';
import type { SerializedError } from '../sora/errors';

export interface PlanInfo {
  id: string;
  title: string;
  isPro: boolean;
  /** Renewal or end date, epoch ms, when Sora gives one. */
  endsAt?: number;
}

export interface QuotaInfo {
  remaining: number;
  rateLimitReached: boolean;
  /** Epoch ms when the rolling allowance resets (now + access_resets_in_seconds at fetch time). */
  resetsAt?: number;
}

/** What the popup shows; cached in storage.local (it holds no secret) so the popup paints at once. */
export interface AccountSnapshot {
  status: 'ok' | 'logged_out' | 'error';
  email?: string;
  name?: string;
  username?: string;
  plan?: PlanInfo | null;
  quota?: QuotaInfo | null;
  /** Epoch ms of the last successful read. */
  fetchedAt?: number;
  /** Set when the last refresh failed; the figures above are then the last known ones. */
  error?: SerializedError;
}

export interface Protocol {
  /** The account, plan and quota. `refresh: false` may answer from the background's cache. */
  'account.get': { req: { refresh?: boolean }; res: AccountSnapshot };
  /** Opens sora.chatgpt.com in a tab so the user can log in (or pass a Cloudflare check). */
  'auth.openLogin': { req: Record<string, never>; res: { tabId?: number } };

  /**
   * Queue generation jobs (one batch). Blobs cannot cross the message layer: a start image is first put
   * into IndexedDB by the page (`putFile`) and passed as `{fileId}`.
   */
  'jobs.enqueue': { req: { inputs: JobInput[] }; res: { jobs: Job[] } };
  'jobs.list': { req: Record<string, never>; res: { jobs: Job[]; status: EngineStatus } };
  'jobs.cancel': { req: { ids: string[] }; res: { jobs: Job[] } };
  'jobs.retry': { req: { ids: string[] }; res: { jobs: Job[] } };
  'jobs.move': { req: { id: string; direction: MoveDirection }; res: null };
  'jobs.clearFinished': { req: Record<string, never>; res: { removed: number } };
  /** The user pauses / resumes the whole queue (running tasks are still followed). */
  'jobs.pause': { req: Record<string, never>; res: EngineStatus };
  'jobs.resume': { req: Record<string, never>; res: EngineStatus };
}

export type RequestName = keyof Protocol;
export type RequestOf<K extends RequestName> = Protocol[K]['req'];
export type ResponseOf<K extends RequestName> = Protocol[K]['res'];

/** Events the background broadcasts to open extension pages. */
export interface Events {
  'account.changed': AccountSnapshot;
  /** Jobs that changed (full records) and ids removed. */
  'jobs.changed': JobsChanged;
  'jobs.status': EngineStatus;
}
export type EventName = keyof Events;

/** Wire format of one request and its answer. */
export interface RequestEnvelope<K extends RequestName = RequestName> {
  channel: 'companion';
  kind: 'request';
  name: K;
  req: RequestOf<K>;
}
export interface EventEnvelope<K extends EventName = EventName> {
  channel: 'companion';
  kind: 'event';
  name: K;
  payload: Events[K];
}
export type ResponseEnvelope<T> = { ok: true; value: T } | { ok: false; error: SerializedError };
