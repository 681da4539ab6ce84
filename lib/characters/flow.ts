/**
 * The character flow: an idempotent `tick()` that runs, for every record whose turn it is, the step its
 * state names (model.ts draws the states), saves the result, and arms ONE timer for the next due record.
 * Call it on any wake-up (startup, a message, the alarm); concurrent calls coalesce into one run plus at
 * most one re-run. Everything that matters is in the `characters` store: this object holds only the timer
 * and the ids of records whose step is running in this worker life.
 *
 * Calls that are not idempotent (video upload, picture upload, finalize) run only while the record is in
 * their state, and their result moves the record on in the same write, so once a result is saved the call
 * is never made again. The video upload (and the from-generation call, the first step for a video made on
 * Sora) is never sent again blind: `uploadSentAt` is saved before it goes out, and a call that may have
 * reached Sora without its answer (lost answer, timeout, unreadable answer, or a stopped worker that finds
 * `uploadSentAt` set) fails as `upload_unsure` — no endpoint lists cameos, so there is nothing to look it up
 * in — and the user decides: try again (at worst one unused cameo) or remove. A clear refusal clears
 * `uploadSentAt` and is retried as before. The picture upload leaves at worst an unused file; for finalize
 * Sora answers `already_finalized`, which ends in a clear state.
 */
import { getFile } from '../db/files';
import { getHistoryItem } from '../db/history';
import type { CompanionDb, StoredFile } from '../db/schema';
import { isSoraError, isTransient, type SerializedError, SoraError, toSerializedError } from '../sora/errors';
import { isGenerationId } from '../sora/ids';
import { backoffDelay } from '../util/backoff';
import { typeOfContent } from '../util/file-type';
import { randomId } from '../util/id';
import { DEFAULT_PATIENCE_WAITS } from '../util/patience';
import { createTicker, defaultSetTimer, type SetTimer } from '../util/ticker';
import {
  type CharacterError,
  type CharacterErrorCode,
  type CharacterRecord,
  type CharacterState,
  type CharacterStep,
  canRetry,
  generationOf,
  isAuto,
  needsNewUpload,
  newCharacterRecord,
  newGenerationCharacterRecord,
  type Visibility,
} from './model';
import { mp4DurationSec } from './mp4';
import { asWebp, PICTURE_NAME } from './picture';
import type { CharacterPort } from './port';
import {
  addCharacter,
  deleteCharacterRecord,
  findByVideoFile,
  getCharacter,
  listCharacters,
  updateCharacter,
} from './repo';
import {
  finishProblems,
  finishProblemText,
  GENERATION_PROBLEM_TEXT,
  generationDurationSec,
  instructionSetFor,
  RANGE_PROBLEM_TEXT,
  rangeProblem,
  tenth,
  VIDEO_PROBLEM_TEXT,
  VIDEO_TYPE,
  videoProblem,
} from './validate';

export interface FlowOptions {
  /** Between two reads of the cameo's processing state. */
  pollIntervalMs: number;
  /** Processing longer than this (from the upload) ends as `cameo_stalled`. */
  stallMs: number;
  /** Transient failures of one step before the record fails (processing is bounded by `stallMs`). */
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Logged out, browser check, limits: look again after this. */
  waitMs: number;
  /** Steps one record may take per run (tests use 1 to stop the worker between every two steps). */
  stepsPerRun: number;
}

export const DEFAULT_FLOW_OPTIONS: FlowOptions = {
  pollIntervalMs: 5000,
  stallMs: 10 * 60_000,
  maxAttempts: 6,
  backoffBaseMs: 2000,
  backoffMaxMs: 60_000,
  // Follows the user's "wait for Sora to answer" setting (lib/util/patience.ts); this is its default.
  waitMs: DEFAULT_PATIENCE_WAITS.recheckMs,
  stepsPerRun: 8,
};

export interface CharactersChanged {
  characters: CharacterRecord[];
  removed: string[];
}

export interface CreateFromUploadRequest {
  source?: 'upload';
  /** The video, put into the `files` store by the page. */
  fileId: string;
  timestamps: [number, number];
  /** What the page measured with a `<video>` element (used when the background cannot read the MP4). */
  durationSec?: number | null;
}

/** A character from a video the user made on Sora: no file, the generation id instead. */
export interface CreateFromGenerationRequest {
  source: 'generation';
  /** `gen_…`. */
  generationId: string;
  /** The History item it was picked from (its length and title are read from there). */
  historyId?: string | null;
  timestamps: [number, number];
  /** The page's idea of the video's length, used only when History does not know it. */
  durationSec?: number | null;
}

export type CreateCharacterRequest = CreateFromUploadRequest | CreateFromGenerationRequest;

export interface FinishRequest {
  username: string;
  displayName: string;
  instructions: string;
  visibility: Visibility;
}

export interface CharacterFlowDeps {
  db: CompanionDb | (() => Promise<CompanionDb>);
  port: CharacterPort;
  now?: () => number;
  setTimer?: SetTimer;
  /** 0..1 for backoff jitter. */
  random?: () => number;
  options?: Partial<FlowOptions>;
  /**
   * The waits that follow the user's setting, read before every run (a change applies to the next wait);
   * they win over `options`. A failed read keeps the last ones.
   */
  waits?: () => Pick<FlowOptions, 'waitMs'> | Promise<Pick<FlowOptions, 'waitMs'>>;
  /** Run `tick()` after every operation. Default true. */
  autoTick?: boolean;
  onError?: (error: unknown) => void;
  newId?: () => string;
}

export interface CharacterFlow {
  /** Does whatever is due and arms the next timer. Never rejects. */
  tick(): Promise<void>;
  list(): Promise<CharacterRecord[]>;
  create(req: CreateCharacterRequest): Promise<CharacterRecord>;
  /** The finish form: names, instructions, visibility → finalize. */
  finish(id: string, req: FinishRequest): Promise<CharacterRecord>;
  retry(id: string): Promise<CharacterRecord>;
  /** Deletes on Sora (when there is something there) and locally. Null when gone, else the record. */
  remove(id: string): Promise<CharacterRecord | null>;
  setVisibility(id: string, visibility: Visibility): Promise<CharacterRecord>;
  /** Whether a record waits for the flow (the background keeps its alarm while so). */
  hasOpenWork(): Promise<boolean>;
  onChanged(fn: (change: CharactersChanged) => void): () => void;
  dispose(): void;
}

/** Codes that need the user or time, not a counted retry. */
/**
 * Failures after which the first step's call may still have reached Sora: the connection died, no answer came
 * in time, or it came unreadable. (A 5xx is an answer: Sora did not take the video.)
 */
const MAYBE_SENT = new Set<string>(['network', 'timeout', 'bad_response', 'aborted']);

const WAIT_CODES = new Set<string>([
  'logged_out',
  'auth_expired',
  'cloudflare_challenge',
  'daily_limit',
  'too_many_concurrent',
  'service_unavailable',
]);

const bad = (message: string): never => {
  throw new SoraError('bad_request', message, { local: true });
};

export function createCharacterFlow(deps: CharacterFlowDeps): CharacterFlow {
  const baseOptions: FlowOptions = { ...DEFAULT_FLOW_OPTIONS, ...deps.options };
  let options: FlowOptions = baseOptions;
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const setTimer = deps.setTimer ?? defaultSetTimer;
  const autoTick = deps.autoTick ?? true;
  const onError = deps.onError ?? ((e: unknown) => console.warn('[characters] tick failed', e));
  const newId = deps.newId ?? (() => randomId('char'));
  const getDb = typeof deps.db === 'function' ? deps.db : () => Promise.resolve(deps.db as CompanionDb);
  const { port } = deps;

  const listeners = new Set<(change: CharactersChanged) => void>();
  const inflight = new Set<string>();
  const ticker = createTicker({ run: runOnce, now, setTimer, onError, retryMs: options.pollIntervalMs });
  const { tick, arm } = ticker;

  function emit(change: CharactersChanged): void {
    if (change.characters.length === 0 && change.removed.length === 0) return;
    for (const fn of [...listeners]) {
      try {
        fn(change);
      } catch {
        // A listener's failure must not break the flow.
      }
    }
  }

  /** Writes through `decide` (see repo.updateCharacter) and tells the listeners. */
  async function save(
    db: CompanionDb,
    id: string,
    decide: (current: CharacterRecord) => CharacterRecord | null,
    files?: readonly StoredFile[],
  ): Promise<CharacterRecord | null> {
    const saved = await updateCharacter(
      db,
      id,
      (current) => {
        const next = decide(current);
        return next ? { ...next, updatedAt: now() } : null;
      },
      files,
    );
    if (saved) emit({ characters: [saved], removed: [] });
    return saved;
  }

  const errorOf = (e: unknown, code?: CharacterErrorCode): CharacterError => {
    const s: SerializedError = toSerializedError(e);
    return { code: code ?? s.code, message: s.message, at: now() };
  };

  /**
   * Saves a step's result only while the record is still in that step. A removal requested meanwhile
   * still gets the ids of what now exists on Sora, so the deletion removes it there too.
   */
  function inStep(
    db: CompanionDb,
    record: CharacterRecord,
    patch: (current: CharacterRecord) => Partial<CharacterRecord>,
    ids?: Partial<Pick<CharacterRecord, 'cameoId' | 'characterId'>>,
    files?: readonly StoredFile[],
  ) {
    return save(
      db,
      record.id,
      (current) => {
        if (current.state === record.state) return { ...current, ...patch(current) };
        if (current.state === 'deleting' && ids) {
          const merged = { ...current };
          if (ids.cameoId && current.cameoId === null) merged.cameoId = ids.cameoId;
          if (ids.characterId && current.characterId === null) merged.characterId = ids.characterId;
          return merged;
        }
        return null;
      },
      files,
    );
  }

  function fail(db: CompanionDb, record: CharacterRecord, step: CharacterStep, error: CharacterError) {
    return inStep(db, record, () => ({ state: 'failed', failedStep: step, lastError: error, attempts: 0 }));
  }

  /** Moves a record on to `state`, due now, with a clean slate of attempts. */
  const advanceTo =
    (state: CharacterState, extra: Partial<CharacterRecord> = {}) =>
    (): Partial<CharacterRecord> => ({
      state,
      attempts: 0,
      lastError: null,
      nextAttemptAt: now(),
      ...extra,
    });

  /** A failed call: wait, retry with backoff, or fail the step. */
  function stepFailed(db: CompanionDb, record: CharacterRecord, step: CharacterStep, e: unknown) {
    const error = errorOf(e);
    const t = now();
    const retryAfter = isSoraError(e) ? (e.retryAfterMs ?? 0) : 0;
    if (WAIT_CODES.has(error.code)) {
      return inStep(db, record, () => ({
        lastError: error,
        nextAttemptAt: t + Math.max(options.waitMs, retryAfter),
      }));
    }
    if (isTransient(error.code as SerializedError['code']) || error.code === 'aborted') {
      const attempts = record.attempts + 1;
      if (step !== 'processing' && attempts >= options.maxAttempts) return fail(db, record, step, error);
      const delay = backoffDelay(attempts - 1, {
        baseMs: options.backoffBaseMs,
        maxMs: options.backoffMaxMs,
        random,
      });
      return inStep(db, record, () => ({
        attempts,
        lastError: error,
        nextAttemptAt: t + Math.max(delay, retryAfter),
      }));
    }
    return fail(db, record, step, error);
  }

  // ------------------------------------------------------------------------------------------- steps

  /**
   * Saves `uploadSentAt` before the first step's call goes out; refuses (upload_unsure) when an earlier call
   * may already have reached Sora. Null when the step must not send (the record moved on, or it failed).
   */
  async function beforeUpload(db: CompanionDb, r: CharacterRecord): Promise<CharacterRecord | null> {
    if (r.uploadSentAt) {
      await fail(db, r, 'uploading', {
        code: 'upload_unsure',
        message: 'The worker stopped while the video was being sent.',
        at: now(),
      });
      return null;
    }
    return inStep(db, r, () => ({ uploadSentAt: now() }));
  }

  /** The first step's call failed: unsure when it may have reached Sora, else as any step. */
  async function uploadFailed(db: CompanionDb, r: CharacterRecord, e: unknown) {
    const error = errorOf(e);
    if (MAYBE_SENT.has(error.code)) {
      return fail(db, r, 'uploading', { code: 'upload_unsure', message: error.message, at: now() });
    }
    const cleared = await inStep(db, r, () => ({ uploadSentAt: null }));
    return cleared ? stepFailed(db, cleared, 'uploading', e) : null;
  }

  /** The first step for a video made on Sora; what follows is the same as after an upload. */
  async function fromGeneration(db: CompanionDb, record: CharacterRecord, generationId: string) {
    const r = await beforeUpload(db, record);
    if (!r) return null;
    let cameoId: string;
    try {
      ({ cameoId } = await port.fromGeneration(generationId, r.timestamps));
    } catch (e) {
      return uploadFailed(db, r, e);
    }
    return cameoSaved(db, r, cameoId);
  }

  function cameoSaved(db: CompanionDb, r: CharacterRecord, cameoId: string) {
    const t = now();
    return inStep(
      db,
      r,
      () => ({
        ...advanceTo('processing')(),
        cameoId,
        uploadedAt: t,
        uploadSentAt: null,
        soraStatus: null,
        progress: null,
        // The cameo cannot be done at once: the first look is one interval later.
        nextAttemptAt: t + options.pollIntervalMs,
      }),
      { cameoId },
    );
  }

  async function upload(db: CompanionDb, r: CharacterRecord) {
    const generation = generationOf(r);
    if (generation) return fromGeneration(db, r, generation.generationId);
    const file = r.video.fileId === null ? undefined : await getFile(db, r.video.fileId);
    if (!file) {
      return fail(db, r, 'uploading', {
        code: 'video_missing',
        message: 'The video is no longer stored.',
        at: now(),
      });
    }
    const blob = file.blob.type === VIDEO_TYPE ? file.blob : new Blob([file.blob], { type: VIDEO_TYPE });
    const sending = await beforeUpload(db, r);
    if (!sending) return null;
    let cameoId: string;
    try {
      ({ cameoId } = await port.uploadVideo(blob, file.name || 'character.mp4', sending.timestamps));
    } catch (e) {
      return uploadFailed(db, sending, e);
    }
    return cameoSaved(db, sending, cameoId);
  }

  const stalled = (r: CharacterRecord) => r.uploadedAt !== null && now() - r.uploadedAt >= options.stallMs;
  const stallError = (): CharacterError => ({
    code: 'cameo_stalled',
    message: 'Sora has been processing this video for too long.',
    at: now(),
  });

  async function poll(db: CompanionDb, r: CharacterRecord) {
    if (r.cameoId === null) return inStep(db, r, advanceTo('uploading'));
    let status: Awaited<ReturnType<CharacterPort['cameoStatus']>>;
    try {
      status = await port.cameoStatus(r.cameoId);
    } catch (e) {
      if (stalled(r)) return fail(db, r, 'processing', stallError());
      return stepFailed(db, r, 'processing', e);
    }
    if (status.state === 'failed') {
      return fail(db, r, 'processing', {
        code: 'cameo_failed',
        message: status.statusMessage ?? 'Sora could not make a character from this video.',
        at: now(),
      });
    }
    if (status.state === 'ready' && status.profileAssetUrl !== undefined) {
      return inStep(
        db,
        r,
        advanceTo('preparing', {
          soraStatus: status.status ?? null,
          progress: 1,
          profileAssetUrl: status.profileAssetUrl,
          hints: {
            displayName: status.displayNameHint ?? null,
            username: status.usernameHint ?? null,
            instructionSet: status.instructionSetHint ?? null,
          },
          username: r.username ?? status.usernameHint ?? null,
          displayName: r.displayName ?? status.displayNameHint ?? null,
        }),
      );
    }
    // Still processing (any status Sora has not documented counts as that; so does "done" without a picture).
    if (stalled(r)) return fail(db, r, 'processing', stallError());
    return inStep(db, r, () => ({
      soraStatus: status.status ?? null,
      progress: status.progressPct ?? r.progress,
      lastError: null,
      nextAttemptAt: now() + options.pollIntervalMs,
    }));
  }

  async function prepare(db: CompanionDb, r: CharacterRecord) {
    if (r.pictureFileId === null) {
      if (r.profileAssetUrl === null) return inStep(db, r, advanceTo('processing'));
      let picture: Blob;
      try {
        picture = await asWebp(await port.fetchPicture(r.profileAssetUrl));
      } catch (e) {
        if (isSoraError(e) && e.code === 'not_found') {
          // The signed link expired: the processing state hands out a fresh one.
          const attempts = r.attempts + 1;
          if (attempts >= options.maxAttempts) return fail(db, r, 'preparing', errorOf(e));
          return inStep(db, r, () => ({
            state: 'processing',
            profileAssetUrl: null,
            attempts,
            lastError: errorOf(e),
            nextAttemptAt: now(),
          }));
        }
        return stepFailed(db, r, 'preparing', e);
      }
      const file: StoredFile = {
        id: randomId('file'),
        blob: picture,
        name: PICTURE_NAME,
        type: picture.type,
        createdAt: now(),
      };
      return inStep(db, r, () => ({ pictureFileId: file.id, attempts: 0, lastError: null }), undefined, [
        file,
      ]);
    }
    if (r.profileAssetPointer === null) {
      const file = await getFile(db, r.pictureFileId);
      if (!file) return inStep(db, r, () => ({ pictureFileId: null, nextAttemptAt: now() }));
      let assetPointer: string;
      try {
        ({ assetPointer } = await port.uploadPicture(file.blob, PICTURE_NAME));
      } catch (e) {
        return stepFailed(db, r, 'preparing', e);
      }
      return inStep(db, r, advanceTo('waiting_for_user', { profileAssetPointer: assetPointer }));
    }
    return inStep(db, r, advanceTo('waiting_for_user'));
  }

  async function finalize(db: CompanionDb, r: CharacterRecord) {
    if (r.finish === null) return inStep(db, r, advanceTo('waiting_for_user'));
    if (r.cameoId === null || r.profileAssetPointer === null) return inStep(db, r, advanceTo('preparing'));
    let result: Awaited<ReturnType<CharacterPort['finalize']>>;
    try {
      result = await port.finalize({
        cameoId: r.cameoId,
        username: r.finish.username,
        displayName: r.finish.displayName,
        profileAssetPointer: r.profileAssetPointer,
        instructionSet: r.finish.instructionSet,
      });
    } catch (e) {
      const server = isSoraError(e) ? e.serverCode : undefined;
      if (server === 'already_finalized') return fail(db, r, 'finalizing', errorOf(e, 'already_finalized'));
      if (server === 'cameo_not_ready')
        return inStep(db, r, advanceTo('processing', { lastError: errorOf(e) }));
      if (server === 'invalid_asset_pointer') {
        return inStep(db, r, advanceTo('preparing', { profileAssetPointer: null, lastError: errorOf(e) }));
      }
      if (server === 'username_taken') {
        return inStep(db, r, () => ({ state: 'waiting_for_user', lastError: errorOf(e, 'username_taken') }));
      }
      // Any other refusal is about what the user typed: back to the form, which shows why.
      if (isSoraError(e) && e.code === 'bad_request') {
        return inStep(db, r, () => ({ state: 'waiting_for_user', lastError: errorOf(e) }));
      }
      return stepFailed(db, r, 'finalizing', e);
    }
    const t = now();
    const finish = r.finish;
    return inStep(
      db,
      r,
      (current) => ({
        ...advanceTo('publishing')(),
        characterId: result.characterId,
        username: result.username ?? finish.username,
        displayName: result.displayName ?? finish.displayName,
        finalizedAt: t,
        // The video was kept for a fresh upload; a finished character no longer needs it.
        video: { ...current.video, fileId: null },
      }),
      { characterId: result.characterId },
    );
  }

  async function publish(db: CompanionDb, r: CharacterRecord) {
    const wanted = r.finish?.visibility ?? 'private';
    if (r.cameoId === null) return inStep(db, r, advanceTo('ready'));
    try {
      await port.setVisibility(r.cameoId, wanted);
    } catch (e) {
      const error = errorOf(e);
      const retryable = isTransient(error.code as SerializedError['code']) || WAIT_CODES.has(error.code);
      // The character exists either way: after the retries it is ready, and the error says the visibility
      // was not set (the list offers to set it again).
      if (retryable && r.attempts + 1 < options.maxAttempts) return stepFailed(db, r, 'publishing', e);
      return inStep(db, r, () => ({ state: 'ready', attempts: 0, lastError: error }));
    }
    return inStep(db, r, advanceTo('ready', { visibility: wanted }));
  }

  async function removeOnSora(db: CompanionDb, r: CharacterRecord) {
    const target = r.characterId ?? r.cameoId;
    if (target !== null) {
      try {
        await port.deleteCharacter(target);
      } catch (e) {
        const code = isSoraError(e) ? e.code : toSerializedError(e).code;
        // Gone already, or a half-made cameo Sora will not delete: nothing usable is left there.
        const nothingThere = code === 'not_found' || (r.characterId === null && code === 'bad_request');
        if (!nothingThere) {
          const error = errorOf(e);
          const retryable = isTransient(error.code as SerializedError['code']) || error.code === 'aborted';
          const attempts = r.attempts + 1;
          if (retryable && attempts < options.maxAttempts) {
            const delay = backoffDelay(attempts - 1, {
              baseMs: options.backoffBaseMs,
              maxMs: options.backoffMaxMs,
              random,
            });
            return inStep(db, r, () => ({ attempts, lastError: error, nextAttemptAt: now() + delay }));
          }
          return inStep(db, r, (current) => ({
            state: current.stateBeforeDelete ?? 'failed',
            stateBeforeDelete: null,
            attempts: 0,
            lastError: error,
            nextAttemptAt: now(),
          }));
        }
      }
    }
    for (const old of r.abandonedCameoIds) {
      await port.deleteCharacter(old).catch(() => {});
    }
    if (await deleteCharacterRecord(db, r.id)) emit({ characters: [], removed: [r.id] });
    return null;
  }

  function runStep(db: CompanionDb, r: CharacterRecord): Promise<CharacterRecord | null> {
    switch (r.state) {
      case 'uploading':
        return upload(db, r);
      case 'processing':
        return poll(db, r);
      case 'preparing':
        return prepare(db, r);
      case 'finalizing':
        return finalize(db, r);
      case 'publishing':
        return publish(db, r);
      case 'deleting':
        return removeOnSora(db, r);
      default:
        return Promise.resolve(null);
    }
  }

  async function advance(db: CompanionDb, record: CharacterRecord): Promise<void> {
    inflight.add(record.id);
    try {
      let r: CharacterRecord | null = record;
      for (let i = 0; i < options.stepsPerRun && r && isAuto(r.state) && r.nextAttemptAt <= now(); i++) {
        r = await runStep(db, r);
      }
    } finally {
      inflight.delete(record.id);
    }
  }

  async function runOnce(): Promise<void> {
    if (deps.waits) {
      try {
        options = { ...baseOptions, ...(await deps.waits()) };
      } catch {
        // Keep the waits last read: a passing storage hiccup must not stop the flow.
      }
    }
    const db = await getDb();
    const t = now();
    const due = (await listCharacters(db)).filter(
      (r) => isAuto(r.state) && r.nextAttemptAt <= t && !inflight.has(r.id),
    );
    await Promise.all(due.map((r) => advance(db, r)));
    const open = (await listCharacters(db)).filter((r) => isAuto(r.state));
    arm(open.length === 0 ? null : Math.min(...open.map((r) => r.nextAttemptAt)));
  }

  /**
   * Checks a character from a video made on Sora before anything is sent: a `gen_…` id, a finished video
   * (when History has it), a known length, and the same range rules as an upload. A repeated request for the
   * same part of the same video answers the record already made.
   */
  async function createFromGeneration(req: CreateFromGenerationRequest): Promise<CharacterRecord> {
    const generationId = String(req.generationId ?? '');
    if (!isGenerationId(generationId)) bad(GENERATION_PROBLEM_TEXT.id);
    const db = await getDb();
    const historyId = typeof req.historyId === 'string' && req.historyId !== '' ? req.historyId : null;
    const item = await getHistoryItem(db, historyId ?? generationId);
    if (item && (item.status !== 'ready' || item.kind === 'image')) bad(GENERATION_PROBLEM_TEXT.not_video);
    const known = item ? generationDurationSec(item) : null;
    const given = typeof req.durationSec === 'number' && req.durationSec > 0 ? req.durationSec : null;
    const durationSec = known ?? given;
    if (durationSec === null) return bad(GENERATION_PROBLEM_TEXT.unknown_length);
    const [start, end] = Array.isArray(req.timestamps) ? req.timestamps : [Number.NaN, Number.NaN];
    const range = rangeProblem(Number(start), Number(end), durationSec);
    if (range) bad(RANGE_PROBLEM_TEXT[range]);
    // The range check allows a tenth past the end (metadata rounding); Sora is sent no more than the video.
    const timestamps: [number, number] = [tenth(Number(start)), Math.min(tenth(Number(end)), durationSec)];
    const existing = (await listCharacters(db)).find(
      (r) =>
        r.state !== 'deleting' &&
        generationOf(r)?.generationId === generationId &&
        r.timestamps[0] === timestamps[0] &&
        r.timestamps[1] === timestamps[1],
    );
    if (existing) return existing;
    const title = (item?.title || item?.prompt || generationId).replace(/\s+/g, ' ').trim().slice(0, 80);
    const record = newGenerationCharacterRecord(
      newId(),
      { generationId, historyId: item ? item.id : historyId, title, durationSec, timestamps },
      now(),
    );
    await addCharacter(db, record);
    emit({ characters: [record], removed: [] });
    kick();
    return record;
  }

  const kick = () => {
    if (autoTick) void tick();
  };

  async function mustGet(db: CompanionDb, id: string): Promise<CharacterRecord> {
    const r = await getCharacter(db, id);
    if (!r) throw new SoraError('not_found', 'This character is no longer stored.');
    return r;
  }

  return {
    tick,
    async list() {
      return listCharacters(await getDb());
    },

    async create(req) {
      if (req?.source === 'generation') return createFromGeneration(req);
      const db = await getDb();
      const existing = await findByVideoFile(db, req.fileId);
      if (existing) return existing;
      const file = await getFile(db, req.fileId);
      if (!file) bad('The video is no longer stored. Pick it again.');
      const stored = file as StoredFile;
      const measured = await mp4DurationSec(stored.blob);
      const durationSec = measured ?? (typeof req.durationSec === 'number' ? req.durationSec : null);
      // By its bytes, not its name: a WebM or a picture renamed .mp4 is not uploaded.
      const isMp4 = (await typeOfContent(stored.blob)) === VIDEO_TYPE;
      const problem = isMp4
        ? videoProblem({
            type: stored.blob.type || stored.type,
            name: stored.name,
            size: stored.blob.size,
            durationSec,
          })
        : 'type';
      if (problem) bad(VIDEO_PROBLEM_TEXT[problem]);
      const [start, end] = Array.isArray(req.timestamps) ? req.timestamps : [Number.NaN, Number.NaN];
      const range = rangeProblem(Number(start), Number(end), durationSec);
      if (range) bad(RANGE_PROBLEM_TEXT[range]);
      const record = newCharacterRecord(
        newId(),
        {
          fileId: stored.id,
          fileName: stored.name,
          size: stored.blob.size,
          durationSec,
          timestamps: [tenth(Number(start)), tenth(Number(end))],
        },
        now(),
      );
      await addCharacter(db, record);
      emit({ characters: [record], removed: [] });
      kick();
      return record;
    },

    async finish(id, req) {
      const db = await getDb();
      const values = {
        username: String(req.username ?? '')
          .trim()
          .replace(/^@/, ''),
        displayName: String(req.displayName ?? '').trim(),
        instructions: String(req.instructions ?? ''),
        visibility: req.visibility,
      };
      const problem = finishProblems(values)[0];
      if (problem) bad(finishProblemText(problem));
      const saved = await save(db, id, (current) => {
        if (current.state !== 'waiting_for_user') return null;
        return {
          ...current,
          state: 'finalizing',
          finish: {
            username: values.username,
            displayName: values.displayName,
            instructionSet: instructionSetFor(values.instructions, current.hints?.instructionSet ?? null),
            visibility: values.visibility,
          },
          username: values.username,
          displayName: values.displayName,
          attempts: 0,
          lastError: null,
          nextAttemptAt: now(),
        };
      });
      if (!saved) {
        const current = await mustGet(db, id);
        // A repeated message after the first one went through: harmless.
        if (current.state === 'finalizing' && current.finish?.username === values.username) return current;
        bad('This character is not waiting for its name.');
      }
      kick();
      return saved as CharacterRecord;
    },

    async retry(id) {
      const db = await getDb();
      const saved = await save(db, id, (current) => {
        if (!canRetry(current)) return null;
        const base = { ...current, attempts: 0, lastError: null, nextAttemptAt: now(), failedStep: null };
        if (needsNewUpload(current)) {
          if (current.video.fileId === null && !generationOf(current)) {
            // Only a stall can be retried without the video: give Sora another window.
            return { ...base, state: 'processing', uploadedAt: now() };
          }
          return {
            ...base,
            state: 'uploading',
            abandonedCameoIds: current.cameoId
              ? [...current.abandonedCameoIds, current.cameoId]
              : current.abandonedCameoIds,
            cameoId: null,
            uploadedAt: null,
            // The user chose to send it again: not a blind resend.
            uploadSentAt: null,
            soraStatus: null,
            progress: null,
            hints: null,
            profileAssetUrl: null,
            pictureFileId: null,
            profileAssetPointer: null,
          };
        }
        return { ...base, state: current.failedStep ?? 'uploading' };
      });
      if (!saved) {
        const current = await mustGet(db, id);
        if (isAuto(current.state)) return current;
        bad('This character cannot be tried again.');
      }
      kick();
      return saved as CharacterRecord;
    },

    async remove(id) {
      const db = await getDb();
      const marked = await save(db, id, (current) =>
        current.state === 'deleting'
          ? null
          : {
              ...current,
              state: 'deleting',
              stateBeforeDelete: current.state,
              attempts: 0,
              lastError: null,
              nextAttemptAt: now(),
            },
      );
      if (!marked && !(await getCharacter(db, id))) return null;
      await tick();
      return (await getCharacter(db, id)) ?? null;
    },

    async setVisibility(id, visibility) {
      if (visibility !== 'public' && visibility !== 'private') bad('The visibility is not valid.');
      const db = await getDb();
      const r = await mustGet(db, id);
      if (r.state !== 'ready' || r.cameoId === null) bad('Only a finished character can change visibility.');
      await port.setVisibility(r.cameoId as string, visibility);
      const saved = await save(db, id, (current) =>
        current.state === 'ready' ? { ...current, visibility, lastError: null } : null,
      );
      return saved ?? mustGet(db, id);
    },

    async hasOpenWork() {
      return (await listCharacters(await getDb())).some((r) => isAuto(r.state));
    },
    onChanged(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    dispose() {
      ticker.dispose();
    },
  };
}
