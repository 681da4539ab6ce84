/** Typed control methods; `/__sim/*` is a thin JSON layer over the same calls. */
import type { SimCore } from './core';
import { validateFault } from './faults';
import { cameoView } from './model/cameos';
import { imageTaskView, listDrafts, titleFromPrompt, videoTaskView } from './model/tasks';
import { startOutsideTask } from './routes/video';
import type { UserRec } from './state';
import type {
  CameoOutcome,
  ClockView,
  Fault,
  FaultSpec,
  LogEntry,
  LogFilter,
  LoginResult,
  QuotaSpec,
  SeedDraftsSpec,
  SimConfig,
  SimConfigPatch,
  SimStateSnapshot,
  SimStats,
  TokenOptions,
  UserSpec,
  UserView,
} from './types';

const DEFAULT_EMAIL = 'user@example.com';

export class SimControl {
  constructor(private readonly core: SimCore) {}

  state(): SimStateSnapshot {
    const core = this.core;
    const now = core.now();
    const cfg = core.config;
    const emailOf = (id: string) => core.state.users.get(id)?.email ?? id;
    const s = core.state;
    return {
      now,
      speed: core.clock.speed,
      config: cfg,
      users: [...s.users.values()].map((u) => core.userView(u)),
      sessions: [...s.sessions.values()].map((x) => ({
        email: emailOf(x.userId),
        ended: x.ended,
        expiresAt: x.expiresAt,
      })),
      videoTasks: [...s.videoTasks.values()].map((t) => {
        const v = videoTaskView(t, now, cfg);
        return {
          id: t.id,
          user: emailOf(t.userId),
          status: v.status,
          progress_pct: v.progress,
          prompt: t.prompt,
          n_frames: t.nFrames,
          source: t.source,
          createdAt: t.createdAt,
          doneAt: v.leavesAt,
          outcome: t.outcome,
          generationId: t.generationId,
          ...(t.storedPrompt === undefined ? {} : { storedPrompt: t.storedPrompt }),
          ...(t.outside ? { outside: true } : {}),
        };
      }),
      imageTasks: [...s.imageTasks.values()].map((t) => ({
        id: t.id,
        user: emailOf(t.userId),
        status: imageTaskView(t, now, cfg).status,
        prompt: t.prompt,
        generationIds: t.generations.map((g) => g.id),
      })),
      drafts: [...s.users.values()].flatMap((u) =>
        listDrafts(s, u.id, now, cfg).map((d) => ({
          id: d.id,
          user: u.email,
          kind: d.kind,
          taskId: d.taskId,
          prompt: d.prompt,
          created_at: d.createdAt / 1000,
        })),
      ),
      posts: [...s.posts.values()].map((p) => ({
        id: p.id,
        user: emailOf(p.userId),
        generationId: p.generationId,
        deleted: p.deleted,
        unlisted: p.unlisted,
      })),
      seededPostIds: [...s.seededPostIds],
      uploads: [...s.uploads.values()].map((u) => ({
        id: u.id,
        user: emailOf(u.userId),
        name: u.name,
        type: u.type,
        size: u.size,
      })),
      cameos: [...s.cameos.values()].map((c) => ({
        id: c.id,
        user: emailOf(c.userId),
        status: cameoView(c, now, cfg).status,
        outcome: c.outcome,
      })),
      characters: [...s.characters.values()].map((c) => ({
        id: c.id,
        user: emailOf(c.userId),
        cameoId: c.cameoId,
        username: c.username,
        deleted: c.deleted,
      })),
      faults: core.faults.list(),
      policy: { blocked: [...cfg.blockedPrompts], failing: [...cfg.failingPrompts] },
    };
  }

  /** Everything back to how `createSim` made it (config, clock, data, log, stats, faults). */
  reset(): void {
    this.core.reset();
  }

  config(): SimConfig {
    return this.core.config;
  }

  setConfig(patch: SimConfigPatch): SimConfig {
    return this.core.setConfig(patch);
  }

  /** `setQuota(0)` or `setQuota({remaining, resetsInSec?, allowance?, email?})`; all users when no email. */
  setQuota(spec: number | QuotaSpec, opts: Omit<QuotaSpec, 'remaining'> = {}): UserView[] {
    const q: QuotaSpec = typeof spec === 'number' ? { ...opts, remaining: spec } : spec;
    if (!Number.isFinite(q.remaining) || q.remaining < 0)
      throw new TypeError('remaining must be a number >= 0');
    const users = q.email ? [this.core.ensureUser(q.email)] : [...this.core.state.users.values()];
    for (const u of users) this.#applyQuota(u, q);
    return users.map((u) => this.core.userView(u));
  }

  #applyQuota(u: UserRec, q: Omit<QuotaSpec, 'email'>): void {
    this.core.refreshQuota(u);
    if (q.allowance !== undefined) u.quota.allowance = q.allowance;
    u.quota.remaining = q.remaining;
    if (q.resetsInSec !== undefined) u.quota.resetAt = this.core.now() + q.resetsInSec * 1000;
  }

  upsertUser(spec: UserSpec): UserView {
    if (!spec?.email?.includes('@')) throw new TypeError('users need an email');
    const u = this.core.ensureUser(spec.email, { plan: spec.plan, name: spec.name });
    if (spec.plan) u.plan = spec.plan;
    if (spec.name) u.name = spec.name;
    if (spec.username !== undefined) u.username = spec.username;
    if (spec.planEndsAt !== undefined) u.planEndsAt = spec.planEndsAt;
    if (spec.quota) this.#applyQuota(u, spec.quota);
    return this.core.userView(u);
  }

  /** A new browser session for `email` (created on the fly): the cookies to set, as `POST /login` would. */
  login(email: string = DEFAULT_EMAIL): LoginResult {
    return this.core.login(email);
  }

  /** Ends sessions (all, or one user's): `/api/auth/session` then answers `{}`. ATs stay valid unless asked. */
  endSession(opts: { email?: string; invalidateTokens?: boolean } = {}): number {
    const user = opts.email ? this.core.state.userByEmail(opts.email) : undefined;
    let n = 0;
    for (const s of this.core.state.sessions.values()) {
      if (user && s.userId !== user.id) continue;
      if (!s.ended) n++;
      s.ended = true;
    }
    if (opts.invalidateTokens) this.invalidateTokens({ email: opts.email });
    return n;
  }

  /** Every AT issued so far (all users, or one) answers 401 token_invalidated; new ones work. */
  invalidateTokens(opts: { email?: string } = {}): void {
    for (const u of this.core.state.users.values()) {
      if (!opts.email || u.email === opts.email.trim().toLowerCase()) u.tokenEpoch++;
    }
  }

  /** An AT for `email` without a browser session (user created on the fly). */
  accessToken(email: string = DEFAULT_EMAIL, opts: TokenOptions = {}): string {
    const user = this.core.ensureUser(email);
    return this.core.mintAccessToken(user, opts.expiresInSec ?? this.core.config.tokenLifetimeSec).token;
  }

  /** A refresh token for `POST https://auth.openai.com/oauth/token`. */
  refreshToken(email: string = DEFAULT_EMAIL): string {
    const user = this.core.ensureUser(email);
    const rt = `rt_${this.core.ids.opaque(40)}`;
    this.core.state.refreshTokens.set(rt, user.id);
    return rt;
  }

  /** Prompt substrings for tasks created from now on (case-insensitive). */
  setPolicy(policy: { blocked?: string[]; failing?: string[] }): { blocked: string[]; failing: string[] } {
    const cfg = this.core.setConfig({
      ...(policy.blocked ? { blockedPrompts: policy.blocked.map(String) } : {}),
      ...(policy.failing ? { failingPrompts: policy.failing.map(String) } : {}),
    });
    return { blocked: cfg.blockedPrompts, failing: cfg.failingPrompts };
  }

  addFault(spec: FaultSpec): Fault {
    validateFault(spec);
    return this.core.faults.add(spec);
  }

  faults(): Fault[] {
    return this.core.faults.list();
  }

  removeFault(id: string): boolean {
    return this.core.faults.remove(id);
  }

  /** Removes every fault and ends requests hung by one (as dropped connections). */
  clearFaults(): void {
    this.core.faults.clear();
    this.core.releaseHangs();
  }

  log(filter: LogFilter = {}): LogEntry[] {
    return this.core.log.entries(filter);
  }

  clearLog(): void {
    this.core.log.clear();
  }

  stats(): SimStats {
    return { ...structuredClone(this.core.log.counters), tasks: this.core.taskCounts() };
  }

  clock(): ClockView {
    return this.core.clock.view();
  }

  setClock(opts: { speed?: number; advanceMs?: number }): ClockView {
    if (opts.speed !== undefined) this.core.setConfig({ speed: opts.speed });
    if (opts.advanceMs !== undefined) this.core.clock.advance(opts.advanceMs);
    return this.core.clock.view();
  }

  /** Drafts "made elsewhere" (on sora.com, another device): listed at once, spaced a minute apart. */
  /**
   * A video task started outside the extension, as if in Sora's own page (default 300 frames, landscape):
   * a same-prompt task that no client of ours may claim. Returns its task id.
   */
  outsideTask(spec: {
    prompt: string;
    email?: string;
    nFrames?: number;
    orientation?: 'landscape' | 'portrait';
  }): string {
    const core = this.core;
    if (typeof spec.prompt !== 'string' || spec.prompt.trim() === '')
      throw new TypeError('prompt is required');
    const user = core.ensureUser(spec.email ?? core.state.lastLoginEmail ?? DEFAULT_EMAIL);
    return startOutsideTask(core, user, {
      prompt: spec.prompt.trim(),
      nFrames: spec.nFrames ?? 300,
      orientation: spec.orientation ?? 'landscape',
    }).id;
  }

  seedDrafts(spec: SeedDraftsSpec): string[] {
    const core = this.core;
    const count = Math.floor(spec.count);
    if (!Number.isFinite(count) || count < 1 || count > 10_000) throw new TypeError('count must be 1–10000');
    const email = spec.email ?? core.state.lastLoginEmail ?? DEFAULT_EMAIL;
    const user = core.ensureUser(email);
    const orientation = spec.orientation ?? 'landscape';
    const nFrames = spec.nFrames ?? 300;
    const prefix = spec.promptPrefix ?? 'Seeded draft';
    const now = core.now();
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const taskId = core.ids.task();
      const id = core.ids.generation();
      const prompt = `${prefix} ${i + 1}`;
      core.state.seededDrafts.set(id, {
        id,
        taskId,
        userId: user.id,
        createdAt: now - (count - i) * 60_000,
        prompt,
        title: titleFromPrompt(prompt),
        nFrames,
        orientation,
        size: 'small',
        assets: core.newVideoAssets(taskId, orientation),
      });
      ids.push(id);
    }
    return ids;
  }

  /** Outcome of one cameo, or (without id) of every cameo created from now on. */
  setCameoOutcome(opts: { id?: string; outcome: CameoOutcome }): void {
    if (!['normal', 'fail', 'stall'].includes(opts.outcome))
      throw new TypeError('outcome: normal | fail | stall');
    if (!opts.id) {
      this.core.state.defaultCameoOutcome = opts.outcome;
      return;
    }
    const cameo = this.core.state.cameos.get(opts.id);
    if (!cameo) throw new RangeError(`unknown cameo ${opts.id}`);
    cameo.outcome = opts.outcome;
  }
}
