/**
 * The simulator's engine: config, clock, data, log and faults, the shared account/token/media helpers the
 * routes use, and the dispatcher that logs every request, applies faults and routes by host.
 */
import { randomBytes } from 'node:crypto';
import type { Hono } from 'hono';
import {
  AUTH_CLAIM,
  DEVICE_ID_COOKIE,
  PROFILE_CLAIM,
  parseCookies,
  SESSION_COOKIE,
  sessionCookies,
  sessionTokenFromCookies,
  signJwt,
  verifyJwt,
} from './auth';
import { SimClock } from './clock';
import { defaultConfig, mergeConfig } from './config';
import { errors, SimDropError, type SimHttpError } from './errors';
import { FaultRegistry, faultAction, RandomFaultSource, validateRandomFaults } from './faults';
import { IdFactory, Rng } from './ids';
import { bodyText, RequestLog } from './log';
import { type FixtureName, FOREIGN_MEDIA_HOST, MEDIA_HOST, signedMediaUrl } from './media';
import { activeTaskCount, imageTaskView, videoTaskView } from './model/tasks';
import { PARSE_HOST } from './routes/parse';
import { serviceAnswer } from './routes/service';
import { classifySentinelToken, sentinelAccepted } from './sentinel';
import { type AssetRec, type SessionRec, SimState, type UserRec, type VideoAssets } from './state';
import {
  type LogEntry,
  type LoginResult,
  type Plan,
  SERVICE_MODES,
  type SentinelSource,
  type SimConfig,
  type SimConfigPatch,
  type UserView,
} from './types';
import { variant } from './variants';

export const SORA_HOST = 'sora.chatgpt.com';
export const AUTH_HOST = 'auth.openai.com';
/** OpenAI's sentinel service (requirements exchange of hand-made tokens). */
export const SENTINEL_HOST = 'chatgpt.com';
export { FOREIGN_MEDIA_HOST, MEDIA_HOST, PARSE_HOST };

const DAY_MS = 86_400_000;
/** The session endpoint hands out the cached AT until it is this close to expiry. */
const AT_REUSE_MARGIN_MS = 5 * 60_000;

export interface SimEnv {
  Bindings: { entry: LogEntry };
  Variables: { user: UserRec };
}

export interface SubApps {
  sora: Hono<SimEnv>;
  media: Hono<SimEnv>;
  auth: Hono<SimEnv>;
  sentinel: Hono<SimEnv>;
  control: Hono;
  /** A third-party parse service (routes/parse.ts). */
  parse: Hono<SimEnv>;
}

export class SimCore {
  readonly initialConfig: SimConfig;
  config: SimConfig;
  readonly clock: SimClock;
  state = new SimState();
  ids: IdFactory;
  /** Signs JWTs and media URLs; per instance, so tokens of another sim never verify here. */
  readonly secret = randomBytes(32).toString('hex');
  readonly log: RequestLog;
  readonly faults = new FaultRegistry();
  readonly randomFaults = new RandomFaultSource();
  apps!: SubApps;
  #hangs = new Set<() => void>();

  constructor(options: SimConfigPatch = {}) {
    validateRandomFaults(options.randomFaults);
    this.initialConfig = mergeConfig(defaultConfig(), options);
    this.config = this.initialConfig;
    this.clock = new SimClock(this.config.speed, this.config.startAt);
    this.ids = new IdFactory(new Rng(this.config.seed));
    this.log = new RequestLog(this.config.logLimit);
    this.seedWorld();
  }

  now(): number {
    return this.clock.now();
  }

  /** Back to the state right after creation: config, clock, data, log, stats and faults. */
  reset(): void {
    this.releaseHangs();
    this.config = this.initialConfig;
    this.clock.reset(this.config.speed, this.config.startAt);
    this.state = new SimState();
    this.ids = new IdFactory(new Rng(this.config.seed));
    this.log.reset();
    this.log.setLimit(this.config.logLimit);
    this.faults.clear();
    this.randomFaults.restart();
    this.seedWorld();
  }

  setConfig(patch: SimConfigPatch): SimConfig {
    validateRandomFaults(patch.randomFaults);
    if (patch.service !== undefined && !(SERVICE_MODES as readonly string[]).includes(patch.service)) {
      throw new TypeError(`service must be one of ${SERVICE_MODES.join(', ')}`);
    }
    const next = mergeConfig(this.config, patch);
    if (patch.speed !== undefined) this.clock.setSpeed(next.speed);
    if (patch.logLimit !== undefined) this.log.setLimit(next.logLimit);
    this.config = next;
    return next;
  }

  // ---- users and quota -------------------------------------------------------------------------------

  ensureUser(email: string, opts: { plan?: Plan; name?: string; seeded?: boolean } = {}): UserRec {
    const normalized = email.trim().toLowerCase();
    const existing = this.state.userByEmail(normalized);
    if (existing) return existing;
    const now = this.now();
    const local = normalized.split('@')[0] ?? 'user';
    const user: UserRec = {
      id: this.ids.user(),
      email: normalized,
      name: opts.name ?? local.replace(/[._-]+/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase()),
      username: null,
      image: '',
      plan: opts.plan ?? this.config.defaultPlan,
      planEndsAt: Math.floor((now + 30 * DAY_MS) / 1000),
      quota: {
        allowance: this.config.dailyAllowance,
        remaining: this.config.dailyAllowance,
        resetAt: now + DAY_MS,
      },
      inviteCode: this.ids.opaque(6).toUpperCase(),
      redeemedCount: 0,
      totalCount: 5,
      inviteAccepted: false,
      inviteDeviceId: null,
      soraActivated: false,
      tokenEpoch: 0,
      createdAt: now,
      seeded: opts.seeded ?? false,
    };
    const avatar = `/az/avatars/${user.id}/${this.ids.hex(16)}.webp`;
    this.registerAsset(avatar, { fixture: 'profile.webp' });
    user.image = avatar;
    this.state.users.set(user.id, user);
    return user;
  }

  /** Applies the rolling 24 h window: once it has passed, the allowance is back. */
  refreshQuota(user: UserRec): UserRec['quota'] {
    const now = this.now();
    if (now >= user.quota.resetAt) {
      user.quota.remaining = user.quota.allowance;
      user.quota.resetAt = now + DAY_MS;
    }
    return user.quota;
  }

  quotaBody(user: UserRec) {
    const q = this.refreshQuota(user);
    return {
      estimated_num_videos_remaining: Math.max(0, q.remaining),
      rate_limit_reached: q.remaining <= 0,
      access_resets_in_seconds: Math.max(0, Math.ceil((q.resetAt - this.now()) / 1000)),
    };
  }

  userView(u: UserRec): UserView {
    const q = this.quotaBody(u);
    return {
      id: u.id,
      email: u.email,
      name: u.name,
      username: u.username,
      plan: u.plan,
      quota: {
        remaining: q.estimated_num_videos_remaining,
        allowance: u.quota.allowance,
        resetsInSec: q.access_resets_in_seconds,
      },
      inviteCode: u.inviteCode,
      inviteAccepted: u.inviteAccepted,
      inviteDeviceId: u.inviteDeviceId,
      soraActivated: u.soraActivated,
      tokenEpoch: u.tokenEpoch,
    };
  }

  activeTasks(user: UserRec): number {
    return activeTaskCount(this.state, user.id, this.now(), this.config);
  }

  isUsernameTaken(name: string): boolean {
    const n = name.toLowerCase();
    if (this.config.takenUsernames.some((t) => t.toLowerCase() === n)) return true;
    for (const u of this.state.users.values()) if (u.username?.toLowerCase() === n) return true;
    for (const c of this.state.characters.values())
      if (!c.deleted && c.username.toLowerCase() === n) return true;
    return false;
  }

  // ---- sessions and tokens ---------------------------------------------------------------------------

  login(email: string): LoginResult {
    const user = this.ensureUser(email);
    const now = this.now();
    const token = `sim.${this.ids.opaque(180)}`;
    const session: SessionRec = {
      token,
      userId: user.id,
      createdAt: now,
      expiresAt: now + this.config.sessionLifetimeSec * 1000,
      ended: false,
      at: null,
    };
    this.state.sessions.set(token, session);
    this.state.lastLoginEmail = user.email;
    const cookies = sessionCookies(token, this.config.chunkedCookie);
    const deviceId = { name: DEVICE_ID_COOKIE, value: this.ids.uuid() };
    return {
      email: user.email,
      cookieName: cookies[0]?.name ?? SESSION_COOKIE,
      cookieNames: cookies.map((c) => c.name),
      value: token,
      cookies,
      deviceId,
      cookieHeader: [...cookies, deviceId].map((c) => `${c.name}=${c.value}`).join('; '),
    };
  }

  /** The live session the request's cookies name, if any. */
  sessionOf(req: Request): SessionRec | null {
    const token = sessionTokenFromCookies(parseCookies(req.headers.get('cookie')));
    if (!token) return null;
    const s = this.state.sessions.get(token);
    if (!s || s.ended || s.expiresAt <= this.now()) return null;
    return s;
  }

  /** The session's AT: the same one until it is within 5 minutes of expiry or invalidated. */
  sessionAccessToken(session: SessionRec): { token: string; exp: number } {
    const user = this.state.users.get(session.userId);
    if (!user) throw new Error(`session of unknown user ${session.userId}`);
    const at = session.at;
    if (at && at.epoch === user.tokenEpoch && at.exp * 1000 - this.now() > AT_REUSE_MARGIN_MS) return at;
    const minted = this.mintAccessToken(user, this.config.tokenLifetimeSec, session.token);
    session.at = { ...minted, epoch: user.tokenEpoch };
    return minted;
  }

  mintAccessToken(user: UserRec, lifetimeSec: number, sessionToken?: string): { token: string; exp: number } {
    const iat = Math.floor(this.now() / 1000);
    const exp = iat + Math.round(lifetimeSec);
    const token = signJwt(
      {
        aud: ['https://api.openai.com/v1'],
        client_id: 'app_X8zY6vW2pQ9tR3dE7nK1jL5gH',
        exp,
        iat,
        nbf: iat,
        iss: 'https://auth.openai.com',
        jti: this.ids.uuid(),
        scp: ['openid', 'email', 'profile', 'offline_access', 'model.request', 'model.read'],
        sub: user.id,
        session_id: sessionToken ? `authsess_${sessionToken.slice(4, 28)}` : undefined,
        sim_epoch: user.tokenEpoch,
        [PROFILE_CLAIM]: { email: user.email, email_verified: true },
        [AUTH_CLAIM]: { user_id: user.id, chatgpt_plan_type: user.plan },
      },
      this.secret,
    );
    return { token, exp };
  }

  /** The user a backend call acts for, or the 401 Sora answers. */
  authenticate(authorization: string | undefined): UserRec {
    const m = /^bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!m?.[1]) throw errors.missingBearer();
    const claims = verifyJwt(m[1], this.secret);
    if (!claims) throw errors.unparsableToken();
    const user = this.state.users.get(claims.sub);
    if (!user) throw errors.unparsableToken();
    if (claims.sim_epoch !== user.tokenEpoch) throw errors.tokenInvalidated();
    if (claims.exp * 1000 <= this.now()) throw errors.tokenExpired();
    return user;
  }

  // ---- media -----------------------------------------------------------------------------------------

  registerAsset(path: string, rec: AssetRec): string {
    this.state.assets.set(path, rec);
    return path;
  }

  /** A signed media URL; `entity` (a draft or post id) lets the `mediaHost` variant point it elsewhere. */
  mediaUrl(path: string, entity?: string): string {
    const foreign = entity !== undefined && variant(this.config, 'mediaHost', entity) === 'foreign';
    return signedMediaUrl(
      this.secret,
      path,
      this.now() + this.config.mediaUrlLifetimeSec * 1000,
      foreign ? FOREIGN_MEDIA_HOST : MEDIA_HOST,
    );
  }

  newVideoAssets(prefix: string, orientation: 'landscape' | 'portrait'): VideoAssets {
    const wm: FixtureName = `video-wm-${orientation}.mp4`;
    const thumb: FixtureName = `thumb-${orientation}.webp`;
    const dir = (name: string) => `/vg-assets/assets/${prefix}/${this.ids.hex(16)}/${name}`;
    return {
      wm: this.registerAsset(dir('videos/00000/src.mp4'), { fixture: wm, watermark: 'present' }),
      md: this.registerAsset(dir('videos/00000/md.mp4'), { fixture: wm, watermark: 'present' }),
      gif: this.registerAsset(dir('preview.webp'), { fixture: thumb }),
      thumb: this.registerAsset(dir('thumbnail.webp'), { fixture: thumb }),
      cleanDownload: this.registerAsset(dir('videos/00000/download.mp4'), {
        fixture: `video-clean-${orientation}.mp4`,
        watermark: 'none',
      }),
    };
  }

  // ---- answers ---------------------------------------------------------------------------------------

  errorResponse(e: SimHttpError, entity: string): Response {
    const body: Record<string, unknown> = { error: e.body };
    if (variant(this.config, 'errorStatusField', entity)) body.status = e.status;
    return new Response(JSON.stringify(body), {
      status: e.status,
      headers: { 'content-type': 'application/json', ...e.headers },
    });
  }

  classifySentinel(value: string, deviceId: string | null): SentinelSource {
    return classifySentinelToken({
      value,
      deviceId,
      pageKeys: this.state.pageKeys,
      challenges: this.state.sentinelChallenges,
      config: this.config,
      now: Date.now(),
    });
  }

  /** Whether a sentinel source passes under the current `sentinelMode`. */
  sentinelAccepted(source: SentinelSource | null): boolean {
    return sentinelAccepted(this.config.sentinelMode, source);
  }

  // ---- dispatch --------------------------------------------------------------------------------------

  async handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    if (url.pathname === '/__sim' || url.pathname.startsWith('/__sim/')) return this.apps.control.fetch(req);
    const entry = await this.log.begin(req, url, this.now());
    if (entry.sentinel !== null) entry.sentinelSource = this.classifySentinel(entry.sentinel, entry.deviceId);
    try {
      let res: Response | null = null;
      const fault =
        this.faults.take(req.method, url.hostname, url.pathname, bodyText(entry)) ??
        this.randomFaults.take(this.config.randomFaults, req.method, url.hostname, url.pathname);
      const action = fault ? faultAction(fault, this.config.ceiling) : null;
      if (fault && action) {
        this.log.counters.faultsTriggered++;
        if (fault.id === 'random') {
          const byKind = this.log.counters.randomFaultsByKind;
          byKind[fault.kind] = (byKind[fault.kind] ?? 0) + 1;
        }
        entry.fault = { id: fault.id, kind: fault.kind };
        if (fault.delayMs) await abortableDelay(fault.delayMs, req.signal);
        if (action.type === 'drop') throw new SimDropError();
        if (action.type === 'hang') await this.#hang(req.signal);
        if (action.type === 'error') {
          res = this.errorResponse(action.error, String(entry.seq));
          entry.errorCode = action.error.body.code;
        } else if (action.type === 'response') {
          res = action.response;
          entry.errorCode = action.errorCode;
        }
      }
      res ??= await this.#route(req, url, entry);
      if (res.status >= 400 && entry.errorCode === undefined) entry.errorCode = await errorCodeOf(res);
      if (action?.type === 'lose_answer') {
        // The backend did the work (the log keeps its status); only the answer is lost on the way.
        this.log.finish(entry, res.status, 'dropped');
        throw new SimDropError(res.status);
      }
      this.log.finish(entry, res.status, 'response');
      return res;
    } catch (e) {
      if (e instanceof SimDropError) {
        if (entry.outcome !== 'dropped') this.log.finish(entry, 0, 'dropped');
        throw e;
      }
      if (req.signal.aborted) {
        this.log.finish(entry, 0, 'aborted');
        throw e;
      }
      console.error('[sora-sim] unexpected error', e);
      this.log.finish(entry, 500, 'response');
      return this.errorResponse(errors.serverError(), String(entry.seq));
    }
  }

  async #route(req: Request, url: URL, entry: LogEntry): Promise<Response> {
    const env = { entry };
    switch (url.hostname) {
      case SORA_HOST:
        return serviceAnswer(this.config.service) ?? this.apps.sora.fetch(req, env);
      case MEDIA_HOST:
        return this.apps.media.fetch(req, env);
      case AUTH_HOST:
        return this.apps.auth.fetch(req, env);
      case SENTINEL_HOST:
        return this.apps.sentinel.fetch(req, env);
      // A parse service's mirror serves the same signed files; requests there are logged like any other.
      case FOREIGN_MEDIA_HOST:
        return this.apps.media.fetch(req, env);
      case PARSE_HOST:
        return this.apps.parse.fetch(req, env);
      default:
        return this.errorResponse(
          errors.notFound(`Host ${url.hostname} (the simulator serves only /__sim/ here)`),
          '',
        );
    }
  }

  #hang(signal: AbortSignal): Promise<never> {
    return new Promise<never>((_, reject) => {
      const cleanup = () => {
        this.#hangs.delete(release);
        signal.removeEventListener('abort', onAbort);
      };
      const release = () => {
        cleanup();
        reject(new SimDropError());
      };
      const onAbort = () => {
        cleanup();
        reject(signal.reason ?? new DOMException('The operation was aborted.', 'AbortError'));
      };
      if (signal.aborted) return onAbort();
      this.#hangs.add(release);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Ends every hung request as a dropped connection (on reset, fault clearing and server close). */
  releaseHangs(): void {
    for (const release of [...this.#hangs]) release();
  }

  // ---- seed data -------------------------------------------------------------------------------------

  /** Other users and their public posts: remix targets and feed content that exist before any test runs. */
  seedWorld(): void {
    const now = this.now();
    const creators = [
      this.ensureUser('mira@creators.sim', { name: 'Mira Lune', plan: 'pro', seeded: true }),
      this.ensureUser('tomo@creators.sim', { name: 'Tomo Ishida', plan: 'plus', seeded: true }),
    ];
    if (creators[0]) creators[0].username = 'miralune';
    if (creators[1]) creators[1].username = 'tomo.films';
    const seeds: [number, string, 'landscape' | 'portrait', number][] = [
      [0, 'A paper boat sails down a rainy neon street, cinematic', 'landscape', 300],
      [1, 'A golden retriever surfs a small wave at sunset', 'portrait', 450],
      [0, 'Koi fish swim through the air of a night market', 'portrait', 300],
      [1, 'Time-lapse of a city skyline turning from day to night', 'landscape', 450],
    ];
    seeds.forEach(([who, prompt, orientation, nFrames], i) => {
      const owner = creators[who];
      if (!owner) return;
      const taskId = this.ids.task();
      const genId = this.ids.generation();
      const createdAt = now - (i + 2) * DAY_MS;
      this.state.seededDrafts.set(genId, {
        id: genId,
        taskId,
        userId: owner.id,
        createdAt,
        prompt,
        title: prompt.split(',')[0] ?? prompt,
        nFrames,
        orientation,
        size: 'small',
        assets: this.newVideoAssets(taskId, orientation),
      });
      const postId = this.ids.post();
      this.state.posts.set(postId, {
        id: postId,
        userId: owner.id,
        text: prompt,
        postedAt: createdAt + 3_600_000,
        generationId: genId,
        unlisted: false,
        deleted: false,
        cleanPath: this.registerAsset(
          `/vg-assets/assets/${taskId}/${this.ids.hex(16)}/videos/00000/source.mp4`,
          {
            fixture: `video-clean-${orientation}.mp4`,
            watermark: 'none',
          },
        ),
        seeded: true,
      });
      this.state.seededPostIds.push(postId);
    });
  }

  /** Task counts for the stats answer. */
  taskCounts() {
    const now = this.now();
    const video = { total: 0, active: 0, done: 0, failed: 0 };
    for (const t of this.state.videoTasks.values()) {
      video.total++;
      const v = videoTaskView(t, now, this.config);
      if (v.active) video.active++;
      else if (v.status === 'gone' && t.outcome === 'ok') video.done++;
      else video.failed++;
    }
    const image = { total: 0, active: 0, done: 0, failed: 0 };
    for (const t of this.state.imageTasks.values()) {
      image.total++;
      const v = imageTaskView(t, now, this.config);
      if (v.active) image.active++;
      else if (v.status === 'succeeded') image.done++;
      else image.failed++;
    }
    return { video, image };
  }
}

async function errorCodeOf(res: Response): Promise<string | null | undefined> {
  if (!(res.headers.get('content-type') ?? '').includes('application/json')) return undefined;
  try {
    const body = (await res.clone().json()) as { error?: { code?: unknown } };
    const code = body.error?.code;
    return typeof code === 'string' ? code : null;
  } catch {
    return undefined;
  }
}

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason ?? new DOMException('The operation was aborted.', 'AbortError'));
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
