/**
 * Public types of the Sora simulator and its control API. Tests import these; the README documents the same
 * contract in prose. Times are milliseconds of SIM time unless a name says otherwise.
 */

export type Plan = 'free' | 'plus' | 'pro';

/**
 * Shapes the real service is not known to send one way only (NOTES.md marks them *unverified*). Each can be
 * fixed here, or drawn per response from `SimConfig.randomVariants`.
 */
export interface Variants {
  /** Extra fields of the `/nf/create` and `/nf/create/storyboard` answer besides `id`. */
  createResponse: 'id_only' | 'with_priority' | 'with_task_type' | 'with_quota' | 'full';
  /** `full`: pending items carry `prompt`, `title`, `failure_reason`, `generations`; `minimal`: only the rest. */
  pendingFields: 'full' | 'minimal';
  /** `not_found`: `/project_y/profile/drafts/v2` answers 404, so clients must fall back to the legacy path. */
  draftsV2: 'ok' | 'not_found';
  /** Sim seconds a new draft is listed without any URL (0 = URLs at once). */
  draftUrlDelaySec: number;
  /** `full`: encodings also carry `md` and `gif`; `minimal`: only `source` and `thumbnail`. */
  encodings: 'full' | 'minimal';
  /** A draft's `downloadable_url` serves the clean (watermark-free) file. */
  downloadableUrlClean: boolean;
  /** A policy-violating task shows as `failed` with `failure_reason` in pending before it leaves. */
  policyFailedFirst: boolean;
  /** Sim seconds a `succeeded` image task is listed with `url: null`. */
  imageUrlDelaySec: number;
  /** `/billing/subscriptions` `end_ts` as RFC 3339 text or epoch seconds. */
  endTs: 'rfc3339' | 'epoch';
  /** Status of `DELETE /project_y/post/{id}`. */
  deletePostStatus: 200 | 204;
  /** Whether post answers carry `permalink`. */
  postPermalink: boolean;
  /** How a finished cameo says it is done (it always carries `profile_asset_url`). */
  cameoDone: 'finalized' | 'completed_message' | 'asset_url_only';
  /** Error envelopes also carry a top-level `status` (the HTTP status). */
  errorStatusField: boolean;
  /**
   * What a post's attachment names (NOTES.md: whether a web session's post read carries a clean file is
   * unverified): `clean`, a new watermark-free file per post in `encodings.source.path` and
   * `downloadable_url`; `draft`, the draft's own files again (freshly signed, so only the path is the same).
   */
  postAttachmentFile: 'clean' | 'draft';
  /**
   * Where drafts' and posts' media URLs point: Sora's media host, or `foreign` — a host that is not Sora's
   * (`FOREIGN_MEDIA_HOST`), which a client must not fetch from. Never drawn by random variants.
   */
  mediaHost: 'sora' | 'foreign';
  /**
   * `GET /project_y/profile_feed/me` (NOTES.md: seen in one client's notes only, unverified): `ok` lists the
   * user's own posts as `{items:[{post, profile}], cursor}`; `flat` as `{posts:[post…]}`; `not_found` answers
   * 404 (the route does not exist).
   */
  profileFeed: 'ok' | 'flat' | 'not_found';
  /** Sora stores a rewritten prompt (enable_rewrite): pending items and drafts echo it, not the one sent. */
  rewritePrompts: boolean;
  /** Every Nth accepted create, the same prompt is also started "in Sora's own page" (0 = never). */
  outsideTaskEvery: number;
}

export type VariantKey = keyof Variants;

export interface VideoPhasesSec {
  preprocessing: number;
  queued: number;
  running: number;
  processing: number;
}

export interface ImagePhasesSec {
  queued: number;
  running: number;
}

export interface CameoPhasesSec {
  uploading: number;
  processing: number;
  generating_profile: number;
}

export interface SimConfig {
  /** Seed of the id generator (same seed, same ids). Default: random. */
  seed: number;
  /** Sim milliseconds per real millisecond. 0 freezes the clock (only `advance` moves it). Default 1. */
  speed: number;
  /** Sim epoch (ms) at creation and reset. Default: the real time then. */
  startAt: number | null;
  /** Unfinished video + image tasks a user may have (429 too_many_concurrent_tasks at this count). */
  ceiling: number;
  /** Lifetime of an access token (JWT `exp`). Default 8 days. */
  tokenLifetimeSec: number;
  /** Lifetime of a browser session (the `expires` of /api/auth/session). Default 90 days. */
  sessionLifetimeSec: number;
  /** Lifetime of a signed media URL (`se=`). Default 3 days. */
  mediaUrlLifetimeSec: number;
  /** Set the session cookie as next-auth chunks `.0`, `.1` instead of one cookie. */
  chunkedCookie: boolean;
  /** Plan of users created on the fly (login, token mint). */
  defaultPlan: Plan;
  /** Videos per rolling 24 h window of a new user. */
  dailyAllowance: number;
  /** Quota cost per `n_frames` (keys are the frame counts as strings). */
  costByFrames: Record<string, number>;
  /** Phase durations of a 300-frame (10 s) video. */
  videoPhasesSec: VideoPhasesSec;
  /** Scale every phase by n_frames / 300. */
  scaleVideoDuration: boolean;
  imagePhasesSec: ImagePhasesSec;
  cameoPhasesSec: CameoPhasesSec;
  /** How long a failed task stays in pending / recent tasks before it leaves (sim seconds). */
  failedVisibleSec: number;
  /** Size limit of `/uploads` and `/project_y/file/upload`. */
  uploadMaxBytes: number;
  /** Size limit of `/characters/upload`. */
  characterUploadMaxBytes: number;
  /** Invite codes `/project_y/invite/accept` takes (besides other users' own codes). */
  validInviteCodes: string[];
  /** Usernames always taken (besides every user's and character's). */
  takenUsernames: string[];
  /** HTML pages define `window.SentinelSDK` whose tokens the sim logs with source `page`. */
  pageSentinel: boolean;
  /**
   * `lenient`: any non-empty token passes; `page_only`: only page-SDK tokens; `strict`: page-SDK tokens with the
   * device id and verified hand-made proofs only (sentinel.ts).
   */
  sentinelMode: 'lenient' | 'page_only' | 'strict';
  /** Hex difficulty of issued proof-of-work challenges (a hash's first hex digits must be ≤ it). */
  sentinelDifficulty: string;
  /** Real seconds a hand-made token's challenge stays valid. */
  sentinelTokenLifeSec: number;
  /** Each challenge may back one request only (a second use is `replayed`). */
  sentinelSingleUse: boolean;
  /** Prompt substrings (case-insensitive) that end a task as a policy violation. */
  blockedPrompts: string[];
  /** Prompt substrings (case-insensitive) that make a task fail (not a policy violation). */
  failingPrompts: string[];
  /** Entries kept in the request log (oldest dropped first). */
  logLimit: number;
  variants: Variants;
  /** When set, every variant not listed in `fixed` is drawn per response from this seed. */
  randomVariants: { seed: number; fixed?: VariantKey[] } | null;
  /** When set, matching requests no injected fault claims fail at random (see `RandomFaults`). */
  randomFaults: RandomFaults | null;
  /**
   * How sora.chatgpt.com answers as a whole (NOTES.md "Service status": what the closed site answers today
   * is unverified). `normal`: the Sora app. The others answer EVERY request to that host (pages, the session
   * endpoint, /backend/*) the way a closed site might: see README "Service modes".
   */
  service: ServiceMode;
}

export const SERVICE_MODES = ['normal', 'gone_404', 'gone_410', 'html', 'redirect', 'unreachable'] as const;
export type ServiceMode = (typeof SERVICE_MODES)[number];

/** Fault kinds that stand for a real failure of the service ('status' and 'delay' are tools). */
export type RealFaultKind = Exclude<FaultKind, 'status' | 'delay'>;

/**
 * Random faults: each matching request fails with probability `rate`, its kind drawn from `kinds`. Both draws
 * are a pure function of `seed` and the request's number among matching requests, so a run that sends the
 * same requests in the same order meets the same faults.
 */
export interface RandomFaults {
  /** 0..1: share of matching requests that fail. */
  rate: number;
  seed: number;
  /** Default: every real-failure kind. */
  kinds?: RealFaultKind[];
  /** Path glob like `FaultSpec.path` (default `/backend/*`: every backend call). */
  path?: string;
  /** Host (default any). */
  host?: string;
}

/** What `createSim` and `POST /__sim/config` take: any subset, nested objects merged. */
export type SimConfigPatch = Partial<
  Omit<SimConfig, 'variants' | 'videoPhasesSec' | 'imagePhasesSec' | 'cameoPhasesSec' | 'costByFrames'>
> & {
  variants?: Partial<Variants>;
  videoPhasesSec?: Partial<VideoPhasesSec>;
  imagePhasesSec?: Partial<ImagePhasesSec>;
  cameoPhasesSec?: Partial<CameoPhasesSec>;
  costByFrames?: Record<string, number>;
};

export const FAULT_KINDS = [
  'token_expired',
  'token_invalidated',
  'sentinel_block',
  'too_many_concurrent',
  'rate_limit_exhausted',
  'rate_limited',
  'heavy_load',
  'server_error',
  'hang',
  'malformed_json',
  'drop',
  'answer_lost',
  'cloudflare',
  'unsupported_country',
  'status',
  'delay',
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

export const REAL_FAULT_KINDS = FAULT_KINDS.filter(
  (k): k is RealFaultKind => k !== 'status' && k !== 'delay',
);

export interface FaultSpec {
  /** HTTP method (any when absent). */
  method?: string;
  /** Host name, e.g. `videos.openai.com` (any when absent). */
  host?: string;
  /** Path relative to the host, exact or with `*` (any characters, `/` included): `/backend/nf/*`. */
  path: string;
  /**
   * Only requests whose body contains this text (case-sensitive): JSON / form text as sent; for multipart,
   * the field values and file names. Lets a fault pick one job's create among many on the same path.
   */
  bodyIncludes?: string;
  kind: FaultKind;
  /** Overrides the kind's HTTP status (required meaning for `status`, default 500 there). */
  status?: number;
  /** Overrides `error.code`. */
  code?: string;
  /** Overrides `error.message`. */
  message?: string;
  /** Overrides `error.param` (unsupported_country: the country, default "XX"). */
  param?: string;
  /** Real milliseconds to wait before answering (any kind; `delay` only waits, then answers normally). */
  delayMs?: number;
  /** How many times it fires; unlimited when absent. */
  times?: number;
  /** Let the first N matching requests through. */
  after?: number;
  /** `retry-after` header in seconds (rate_limited default 30; also honoured by heavy_load, status). */
  retryAfterSec?: number;
}

export interface Fault extends FaultSpec {
  id: string;
  /** Matching requests seen so far (including those let through by `after`). */
  matched: number;
  /** Times it fired. */
  triggered: number;
}

/** What kind of sentinel token a request carried (see sentinel.ts). */
export type SentinelSource =
  | 'random'
  | 'page'
  | 'page_no_device'
  | 'pow'
  | 'bad_proof'
  | 'expired'
  | 'replayed'
  | 'json'
  | 'invalid'
  | 'missing';

export interface MultipartSummary {
  fields: Record<string, string>;
  files: { field: string; name: string; type: string; size: number }[];
}

export interface LogEntry {
  seq: number;
  /** Real epoch ms when the request arrived. */
  realTime: number;
  /** Sim epoch ms when the request arrived. */
  simTime: number;
  method: string;
  host: string;
  path: string;
  query: Record<string, string>;
  /** HTTP status; 0 while in flight and for dropped, hung or aborted requests. */
  status: number;
  outcome: 'pending' | 'response' | 'dropped' | 'aborted';
  /** Real ms from arrival to answer. */
  durationMs: number;
  hasBearer: boolean;
  /** Email of the user the bearer token or session cookie belongs to. */
  user: string | null;
  /** `openai-sentinel-token` header value. */
  sentinel: string | null;
  sentinelSource: SentinelSource | null;
  /** `oai-device-id` header. */
  deviceId: string | null;
  /** `oai-did` cookie. */
  deviceIdCookie: string | null;
  /** Names (not values) of the cookies sent. */
  cookies: string[];
  contentType: string | null;
  /** JSON body (parsed), or the form fields of an urlencoded body. */
  body?: unknown;
  /** The body as text (JSON / text / urlencoded), at most 64 KiB. */
  rawBody?: string;
  multipart?: MultipartSummary;
  /** `error.code` of a JSON error answer (or `cloudflare`). */
  errorCode?: string | null;
  fault?: { id: string; kind: FaultKind };
}

export interface LogFilter {
  /** Only entries with seq greater than this. */
  since?: number;
  method?: string;
  host?: string;
  /** Exact or `*` glob, like fault paths. */
  path?: string;
  limit?: number;
}

export interface SimStats {
  requests: number;
  /** `METHOD host/path` with ids replaced by `:id`, e.g. `GET sora.chatgpt.com/backend/nf/pending/v2`. */
  byRoute: Record<string, number>;
  byStatus: Record<string, number>;
  creates: {
    video: number;
    storyboard: number;
    image: number;
    extend: number;
    accepted: number;
    rejected: number;
    rejectedByCode: Record<string, number>;
  };
  /** Highest number of unfinished tasks any user had at once (measured at each accepted create). */
  maxConcurrentObserved: number;
  maxConcurrentByUser: Record<string, number>;
  faultsTriggered: number;
  /** Faults fired by `randomFaults`, by kind. */
  randomFaultsByKind: Record<string, number>;
  tasks: {
    video: { total: number; active: number; done: number; failed: number };
    image: { total: number; active: number; done: number; failed: number };
  };
}

export interface ClockView {
  now: number;
  iso: string;
  speed: number;
}

export interface LoginResult {
  email: string;
  /** The cookie name when not chunked, else the first chunk's. */
  cookieName: string;
  cookieNames: string[];
  /** The whole session token (chunks concatenated). */
  value: string;
  /** Cookies to set on https://sora.chatgpt.com (Secure, HttpOnly, SameSite=Lax, Path=/). */
  cookies: { name: string; value: string }[];
  /** The `oai-did` cookie (not HttpOnly). */
  deviceId: { name: string; value: string };
  /** Ready for a `cookie` request header: the session cookies and `oai-did`. */
  cookieHeader: string;
}

export interface UserSpec {
  email: string;
  name?: string;
  username?: string | null;
  plan?: Plan;
  /** Epoch seconds the subscription ends. */
  planEndsAt?: number;
  quota?: QuotaSpec;
}

export interface QuotaSpec {
  remaining: number;
  /** Seconds (sim) until the window resets and `remaining` returns to the allowance. */
  resetsInSec?: number;
  allowance?: number;
  /** Only this user (all users when absent). */
  email?: string;
}

export interface UserView {
  id: string;
  email: string;
  name: string;
  username: string | null;
  plan: Plan;
  quota: { remaining: number; allowance: number; resetsInSec: number };
  inviteCode: string;
  inviteAccepted: boolean;
  inviteDeviceId: string | null;
  soraActivated: boolean;
  tokenEpoch: number;
}

export type CameoOutcome = 'normal' | 'fail' | 'stall';

export interface SeedDraftsSpec {
  count: number;
  promptPrefix?: string;
  /** Owner (default: the most recently logged-in user, else `user@example.com`). */
  email?: string;
  orientation?: 'landscape' | 'portrait';
  nFrames?: number;
}

export interface TokenOptions {
  /** Lifetime in sim seconds (negative mints an already expired token). */
  expiresInSec?: number;
}

/** `GET /__sim/state`: everything, with lazily computed task statuses at the current sim time. */
export interface SimStateSnapshot {
  now: number;
  speed: number;
  config: SimConfig;
  users: UserView[];
  sessions: { email: string; ended: boolean; expiresAt: number }[];
  videoTasks: {
    id: string;
    user: string;
    status: string;
    progress_pct: number | null;
    prompt: string;
    n_frames: number;
    source: 'create' | 'storyboard' | 'extension';
    createdAt: number;
    doneAt: number;
    outcome: 'ok' | 'policy' | 'failed';
    generationId: string;
    /** What pending and drafts echo instead of `prompt` (`rewritePrompts`). */
    storedPrompt?: string;
    /** Started outside the extension (Sora's own page). */
    outside?: boolean;
  }[];
  imageTasks: { id: string; user: string; status: string; prompt: string; generationIds: string[] }[];
  drafts: { id: string; user: string; kind: string; taskId: string; prompt: string; created_at: number }[];
  posts: { id: string; user: string; generationId: string; deleted: boolean; unlisted: boolean }[];
  seededPostIds: string[];
  uploads: { id: string; user: string; name: string; type: string; size: number }[];
  cameos: { id: string; user: string; status: string; outcome: CameoOutcome }[];
  characters: { id: string; user: string; cameoId: string; username: string; deleted: boolean }[];
  faults: Fault[];
  policy: { blocked: string[]; failing: string[] };
}
