/**
 * Characters (cameos): one persisted record per character, which is also the job that creates it.
 *
 * ```
 *   create ──► uploading ──(cameo id saved)──► processing ──(ready: hints + picture URL)──► preparing
 *                  │                              │  ▲ poll ~5 s                               │ picture
 *                  │                              │  └─ picture URL expired ◄──────────────────┤ downloaded,
 *                  │                              │ failed / stalled / gone                     │ re-uploaded
 *                  ▼                              ▼                                             ▼
 *                failed ◄──────────────────────failed                               waiting_for_user
 *                  ▲ (retry: back to the failed step,                                    │ finish form
 *                  │  or a fresh upload for a cameo Sora                                 ▼
 *                  │  gave up on)                              username taken ◄──── finalizing
 *                  │                                           (back to the form)        │ character id saved
 *                  └──────────────────────────────────────────── refused ───────────────┤
 *                                                                                        ▼
 *                                                          publishing (visibility) ──► ready
 *
 *   remove: any state ──► deleting ──► (record gone) | back to where it was, with the error
 *
 *   uploading, by source: a picked file ──► POST /characters/upload (the file, from the `files` store);
 *                         a video made on Sora ──► POST /characters/from-generation (its gen id; no file)
 * ```
 *
 * Every step saves its result on the record before the next one starts, and a step only runs while the
 * record is in that step's state, so a restarted service worker continues where it was and never repeats a
 * call whose result was saved (the video is never uploaded again once a cameo id is stored; finalize never
 * runs again once a character id is stored).
 *
 * The source only changes the first step: a character from a video made on Sora (`source`) sends the
 * generation id and the range instead of a file, so it has no stored video and nothing can go missing;
 * "a fresh upload" for it is the same from-generation call again. Everything after the cameo id is shared.
 *
 * Records are plain data, stored in the `characters` store as they are. Other views (the storyboard's
 * `@mentions`) may read them directly: only records in state `ready` have a `characterId`, and `username` /
 * `displayName` are the final names there (Sora's suggestions before that).
 */
import type { SoraErrorCode } from '../sora/errors';

export const CHARACTER_STATES = [
  'uploading',
  'processing',
  'preparing',
  'waiting_for_user',
  'finalizing',
  'publishing',
  'ready',
  'failed',
  'deleting',
] as const;
export type CharacterState = (typeof CHARACTER_STATES)[number];

/** States the flow works on by itself (everything but the user's turn and the two ends). */
export const AUTO_STATES: readonly CharacterState[] = [
  'uploading',
  'processing',
  'preparing',
  'finalizing',
  'publishing',
  'deleting',
];
export const isAuto = (state: CharacterState): boolean => AUTO_STATES.includes(state);

/** Refusals that need the user or time, not a counted retry (the card says "waiting" for them). */
export const WAIT_CODES: ReadonlySet<string> = new Set<string>([
  'logged_out',
  'auth_expired',
  'cloudflare_challenge',
  'daily_limit',
  'too_many_concurrent',
  'service_unavailable',
]);

/** The steps a failure can happen in, which retry goes back to. */
export type CharacterStep = 'uploading' | 'processing' | 'preparing' | 'finalizing' | 'publishing';

export type Visibility = 'public' | 'private';

/**
 * Codes a record can carry: Sora's own, plus the flow's:
 * - `cameo_failed`: Sora said it could not make a character from the video.
 * - `cameo_stalled`: Sora kept processing longer than the stall limit.
 * - `video_missing`: the picked video is no longer stored (retry cannot upload it again).
 * - `username_taken`: finalize refused the username (the form asks for another).
 * - `already_finalized`: Sora says the character exists, but its answer (the id) was lost.
 * - `upload_unsure`: the upload (or from-generation call) may have reached Sora without its answer (lost
 *   answer, timeout, unreadable answer, stopped worker). Nothing lists cameos to look it up, so it is not
 *   sent again by itself: the user tries again (a second cameo at worst) or removes it.
 */
export type CharacterErrorCode =
  | SoraErrorCode
  | 'cameo_failed'
  | 'cameo_stalled'
  | 'video_missing'
  | 'username_taken'
  | 'already_finalized'
  | 'upload_unsure';

export interface CharacterError {
  code: CharacterErrorCode;
  message: string;
  /** Epoch ms. */
  at: number;
}

/** Sora's suggestions once the cameo is processed. */
export interface CharacterHints {
  displayName: string | null;
  username: string | null;
  /** Passed back to finalize as is when the user keeps the suggested instructions (shape unverified). */
  instructionSet: unknown;
}

/** What the user chose in the finish form. */
export interface FinishInput {
  username: string;
  displayName: string;
  instructionSet: unknown;
  visibility: Visibility;
}

export interface CharacterVideo {
  /** In the `files` store until the character is finalized or removed (a retry may upload it again). */
  fileId: string | null;
  name: string;
  size: number;
  durationSec: number | null;
}

/** A video the user made on Sora, the other source of a character (absent on the record: an uploaded file). */
export type GenerationSource = {
  kind: 'generation';
  /** `gen_…`, sent to `/characters/from-generation`. */
  generationId: string;
  /** The History item it was picked from, when it was. */
  historyId: string | null;
};

/** A type alias (not an interface) so it is assignable to the store's `StoredRecord`. */
export type CharacterRecord = {
  id: string;
  /** Record format, for future migrations. */
  v: 1;
  createdAt: number;
  updatedAt: number;
  state: CharacterState;
  /** The step that failed, while `state` is `failed`. */
  failedStep: CharacterStep | null;
  /** Where a removal that fails goes back to. */
  stateBeforeDelete: CharacterState | null;
  video: CharacterVideo;
  /** Set for a character made from a video on Sora (then `video.fileId` is always null). */
  source?: GenerationSource;
  /** `[start, end]` in seconds, sent as "start,end". */
  timestamps: [number, number];
  // Step results, each saved before the next step starts.
  cameoId: string | null;
  /** When the cameo id was saved: the stall limit counts from here. */
  uploadedAt: number | null;
  /**
   * Set before the upload (or from-generation call) goes out, cleared by a clear refusal: a restart that
   * finds it without a cameo id knows the call may have reached Sora. Absent on records of older versions.
   */
  uploadSentAt?: number | null;
  soraStatus: string | null;
  /** 0–1 while Sora processes, when it says. */
  progress: number | null;
  hints: CharacterHints | null;
  /** Signed, expiring: only used right away to download the picture. */
  profileAssetUrl: string | null;
  /** The picture, in the `files` store (pages show it from there). */
  pictureFileId: string | null;
  profileAssetPointer: string | null;
  finish: FinishInput | null;
  characterId: string | null;
  /** Final after finalize; Sora's suggestion before. */
  username: string | null;
  displayName: string | null;
  /** As last confirmed by Sora; null when unknown. */
  visibility: Visibility | null;
  finalizedAt: number | null;
  /** Cameos of earlier tries (Sora gave up on them); deleted on Sora, best effort, when the record goes. */
  abandonedCameoIds: string[];
  /** Transient failures of the current step. */
  attempts: number;
  nextAttemptAt: number;
  lastError: CharacterError | null;
};

export interface NewCharacterInput {
  /** null for a video made on Sora (nothing is stored). */
  fileId: string | null;
  fileName: string;
  size: number;
  durationSec: number | null;
  timestamps: [number, number];
}

export interface NewGenerationCharacterInput {
  generationId: string;
  historyId: string | null;
  /** What the list shows for the video (its title or prompt). */
  title: string;
  durationSec: number;
  timestamps: [number, number];
}

/** A record whose first step is the from-generation call instead of an upload. */
export function newGenerationCharacterRecord(
  id: string,
  input: NewGenerationCharacterInput,
  now: number,
): CharacterRecord {
  const base = newCharacterRecord(
    id,
    {
      fileId: null,
      fileName: input.title,
      size: 0,
      durationSec: input.durationSec,
      timestamps: input.timestamps,
    },
    now,
  );
  return {
    ...base,
    source: { kind: 'generation', generationId: input.generationId, historyId: input.historyId },
  };
}

/** The generation a record is made from, or null for an uploaded file. */
export const generationOf = (record: CharacterRecord): GenerationSource | null =>
  record.source?.kind === 'generation' ? record.source : null;

/** What a record knows of its cameo on Sora: nothing yet (a new record, or a fresh upload after a retry). */
const NO_CAMEO = {
  cameoId: null,
  uploadedAt: null,
  soraStatus: null,
  progress: null,
  hints: null,
  profileAssetUrl: null,
  pictureFileId: null,
  profileAssetPointer: null,
} as const satisfies Partial<CharacterRecord>;

export function newCharacterRecord(id: string, input: NewCharacterInput, now: number): CharacterRecord {
  return {
    id,
    v: 1,
    createdAt: now,
    updatedAt: now,
    state: 'uploading',
    failedStep: null,
    stateBeforeDelete: null,
    video: {
      fileId: input.fileId,
      name: input.fileName,
      size: input.size,
      durationSec: input.durationSec,
    },
    timestamps: input.timestamps,
    ...NO_CAMEO,
    finish: null,
    characterId: null,
    username: null,
    displayName: null,
    visibility: null,
    finalizedAt: null,
    abandonedCameoIds: [],
    attempts: 0,
    nextAttemptAt: now,
    lastError: null,
  };
}

/**
 * Failed in a way only a fresh upload can fix (Sora gave up on the cameo). For a video made on Sora the
 * "upload" is the from-generation call, which needs nothing stored.
 */
export function needsNewUpload(record: CharacterRecord): boolean {
  return (
    record.state === 'failed' &&
    (record.failedStep === 'uploading' ||
      record.lastError?.code === 'cameo_failed' ||
      record.lastError?.code === 'cameo_stalled' ||
      (record.failedStep === 'processing' && record.lastError?.code === 'not_found'))
  );
}

/** Whether "Try again" can do anything for this record. */
export function canRetry(record: CharacterRecord): boolean {
  if (record.state !== 'failed') return false;
  const code = record.lastError?.code;
  if (code === 'already_finalized' || code === 'video_missing') return false;
  if (needsNewUpload(record) && record.video.fileId === null && !generationOf(record)) {
    return code === 'cameo_stalled';
  }
  return true;
}

/** Half-created: anything that is not a usable character and is not on its way to being one by itself. */
export const isHalfCreated = (record: CharacterRecord): boolean =>
  record.state !== 'ready' && record.characterId === null;

/** Where the record stands in the six steps (for the progress view), 0-based. */
export const STEP_ORDER: readonly CharacterState[] = CHARACTER_STATES.filter(
  (s) => s !== 'failed' && s !== 'deleting',
);

export function stepIndex(record: CharacterRecord): number {
  const state =
    record.state === 'failed'
      ? (record.failedStep ?? 'uploading')
      : record.state === 'deleting'
        ? (record.stateBeforeDelete ?? 'uploading')
        : record.state;
  return Math.max(0, STEP_ORDER.indexOf(state));
}

/** Newest first. */
export const byNewest = (a: CharacterRecord, b: CharacterRecord): number =>
  b.createdAt - a.createdAt || b.id.localeCompare(a.id);

// ------------------------------------------------------------------------------------------- transitions
// Pure: each takes the record as stored and the time, and gives the next record (or a patch of it). The
// flow applies them inside the one transaction that read the record (repo.updateCharacter), so a decision
// is never made on a stale copy.

/** Moves a record on to `state`, due at `at`, with a clean slate of attempts. */
export const advanced = (
  state: CharacterState,
  at: number,
  extra: Partial<CharacterRecord> = {},
): Partial<CharacterRecord> => ({
  state,
  attempts: 0,
  lastError: null,
  nextAttemptAt: at,
  ...extra,
});

/** A step ends in `failed`; retry goes back to `step`. */
export const failedIn = (step: CharacterStep, error: CharacterError): Partial<CharacterRecord> => ({
  state: 'failed',
  failedStep: step,
  lastError: error,
  attempts: 0,
});

/**
 * A step's result, kept only while the record is still in the state the step ran in (`stepState`). A removal
 * requested meanwhile still gets the ids of what now exists on Sora, so the deletion removes it there too.
 * Null: leave the record as it is.
 */
export function stepResult(
  current: CharacterRecord,
  stepState: CharacterState,
  patch: (current: CharacterRecord) => Partial<CharacterRecord>,
  ids?: Partial<Pick<CharacterRecord, 'cameoId' | 'characterId'>>,
): CharacterRecord | null {
  if (current.state === stepState) return { ...current, ...patch(current) };
  if (current.state === 'deleting' && ids) {
    const merged = { ...current };
    if (ids.cameoId && current.cameoId === null) merged.cameoId = ids.cameoId;
    if (ids.characterId && current.characterId === null) merged.characterId = ids.characterId;
    return merged;
  }
  return null;
}

/** The finish form: waiting_for_user ──► finalizing with what the user chose. Null from any other state. */
export function toFinalizing(
  current: CharacterRecord,
  finish: FinishInput,
  at: number,
): CharacterRecord | null {
  if (current.state !== 'waiting_for_user') return null;
  return {
    ...current,
    state: 'finalizing',
    finish,
    username: finish.username,
    displayName: finish.displayName,
    attempts: 0,
    lastError: null,
    nextAttemptAt: at,
  };
}

/**
 * "Try again": failed ──► the failed step, or a fresh upload for a cameo Sora gave up on. Null when
 * `canRetry` says there is nothing to do.
 */
export function toRetry(current: CharacterRecord, at: number): CharacterRecord | null {
  if (!canRetry(current)) return null;
  const base = { ...current, attempts: 0, lastError: null, nextAttemptAt: at, failedStep: null };
  if (needsNewUpload(current)) {
    if (current.video.fileId === null && !generationOf(current)) {
      // Only a stall can be retried without the video: give Sora another window.
      return { ...base, state: 'processing', uploadedAt: at };
    }
    return {
      ...base,
      state: 'uploading',
      abandonedCameoIds: current.cameoId
        ? [...current.abandonedCameoIds, current.cameoId]
        : current.abandonedCameoIds,
      ...NO_CAMEO,
      // The user chose to send it again: not a blind resend.
      uploadSentAt: null,
    };
  }
  return { ...base, state: current.failedStep ?? 'uploading' };
}

/** remove: any state ──► deleting (remembering where it was). Null when it is already being removed. */
export function toDeleting(current: CharacterRecord, at: number): CharacterRecord | null {
  if (current.state === 'deleting') return null;
  return {
    ...current,
    state: 'deleting',
    stateBeforeDelete: current.state,
    attempts: 0,
    lastError: null,
    nextAttemptAt: at,
  };
}

/** The deletion on Sora failed for good: back to where the record was, with the error. */
export const removalFailed = (
  current: CharacterRecord,
  error: CharacterError,
  at: number,
): Partial<CharacterRecord> => ({
  state: current.stateBeforeDelete ?? 'failed',
  stateBeforeDelete: null,
  attempts: 0,
  lastError: error,
  nextAttemptAt: at,
});
