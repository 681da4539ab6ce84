/** Characters (cameos): the six-step flow of NOTES.md "Characters". */
import type { CallOptions, SoraHttp } from '../http';
import { isGenerationId } from '../ids';
import {
  type AnyBody,
  AnyBodySchema,
  type CameoInProgressResponse,
  CameoInProgressResponseSchema,
  type CharacterFinalizeResponse,
  CharacterFinalizeResponseSchema,
  type CharacterFromGenerationResponse,
  CharacterFromGenerationResponseSchema,
  type CharacterUploadResponse,
  CharacterUploadResponseSchema,
  type FileUploadResponse,
  FileUploadResponseSchema,
} from '../schemas';
import { invalid, isPathSafe, requireId, requireNonEmpty } from './validate';

export interface UploadCharacterVideoParams {
  /** video/mp4. */
  file: Blob;
  /** The part of the video showing the character, in seconds: `[start, end]`. */
  timestamps: [number, number];
  /** Default `character.mp4`. */
  fileName?: string;
}

/**
 * Step 1 — uploads the source video: `POST /characters/upload`, multipart `file` + `timestamps` ("0,3")
 * → `{id:"cameo_…"}`.
 */
export async function uploadCharacterVideo(
  http: SoraHttp,
  params: UploadCharacterVideoParams,
  opts: CallOptions = {},
): Promise<CharacterUploadResponse> {
  const [start, end] = params.timestamps;
  if (!Number.isFinite(start) || !Number.isFinite(end) || start < 0 || end <= start) {
    invalid('The time range of the character video is not valid.');
  }
  const form = new FormData();
  form.append('file', params.file, params.fileName ?? 'character.mp4');
  form.append('timestamps', `${start},${end}`);
  return http.request({
    method: 'POST',
    path: '/characters/upload',
    form,
    schema: CharacterUploadResponseSchema,
    ...opts,
  });
}

export interface CharacterFromGenerationParams {
  /** A finished video of the user's own: `gen_…`. */
  generationId: string;
  /** The part of the video showing the character, in seconds: `[start, end]`. */
  timestamps: [number, number];
}

/**
 * Step 1, for a video made on Sora instead of an uploaded one: `POST /characters/from-generation`
 * `{generation_id, character_id: null, timestamps:[start, end]}` → `{id:"cameo_…"}`; steps 2–5 are the same
 * as after an upload. `character_id` is always null: this client only makes new characters.
 */
export async function createCharacterFromGeneration(
  http: SoraHttp,
  params: CharacterFromGenerationParams,
  opts: CallOptions = {},
): Promise<CharacterFromGenerationResponse> {
  if (!isGenerationId(params.generationId)) invalid('The video id is not a Sora generation id (gen_…).');
  const [start, end] = Array.isArray(params.timestamps) ? params.timestamps : [Number.NaN, Number.NaN];
  if (!Number.isFinite(start) || !Number.isFinite(end) || start < 0 || end <= start) {
    invalid('The time range of the character video is not valid.');
  }
  return http.request({
    method: 'POST',
    path: '/characters/from-generation',
    json: { generation_id: params.generationId, character_id: null, timestamps: [start, end] },
    schema: CharacterFromGenerationResponseSchema,
    ...opts,
  });
}

export type CameoState = 'processing' | 'ready' | 'failed';

export interface CameoStatus {
  /** `ready` when finalized / "Completed" / a profile asset exists; `failed` on failed / error. */
  state: CameoState;
  /** Sora's own `status`, kept for display and diagnostics. */
  status?: string;
  statusMessage?: string;
  /** 0–1, when Sora sends it. */
  progressPct?: number;
  displayNameHint?: string;
  usernameHint?: string;
  /** The picture to download and re-upload with {@link uploadProfileImage}. */
  profileAssetUrl?: string;
  /** Pass back as `instructionSet` to {@link finalizeCharacter}. */
  instructionSetHint?: unknown;
  raw: CameoInProgressResponse;
}

const FAILED_STATUSES = new Set(['failed', 'error']);

/** Normalises an in-progress answer (intermediate status strings are unverified: all mean processing). */
export function toCameoStatus(raw: CameoInProgressResponse): CameoStatus {
  const status = raw.status ?? undefined;
  const lower = status?.toLowerCase();
  const message = raw.status_message ?? undefined;
  const assetUrl = raw.profile_asset_url || undefined;
  let state: CameoState = 'processing';
  if (lower !== undefined && FAILED_STATUSES.has(lower)) state = 'failed';
  else if (lower === 'finalized' || message?.toLowerCase() === 'completed' || assetUrl !== undefined)
    state = 'ready';
  const out: CameoStatus = { state, raw };
  if (status !== undefined) out.status = status;
  if (message !== undefined) out.statusMessage = message;
  if (typeof raw.progress_pct === 'number') out.progressPct = raw.progress_pct;
  if (raw.display_name_hint) out.displayNameHint = raw.display_name_hint;
  if (raw.username_hint) out.usernameHint = raw.username_hint;
  if (assetUrl !== undefined) out.profileAssetUrl = assetUrl;
  if (raw.instruction_set_hint !== undefined && raw.instruction_set_hint !== null) {
    out.instructionSetHint = raw.instruction_set_hint;
  }
  return out;
}

/**
 * Step 2 — the processing state of an uploaded character video (poll about every 5 s, up to ~10 min):
 * `GET /project_y/cameos/in_progress/{cameoId}` → `{status, status_message?, display_name_hint,
 * username_hint, profile_asset_url, instruction_set_hint}`, normalised by {@link toCameoStatus}.
 */
export async function getCameoStatus(
  http: SoraHttp,
  cameoId: string,
  opts: CallOptions = {},
): Promise<CameoStatus> {
  const id = requireId(cameoId, 'The cameo id', isPathSafe);
  const raw = await http.request({
    method: 'GET',
    path: `/project_y/cameos/in_progress/${id}`,
    schema: CameoInProgressResponseSchema,
    ...opts,
  });
  return toCameoStatus(raw);
}

export interface UploadProfileImageParams {
  /** image/webp (the picture from `profile_asset_url`). */
  file: Blob;
  fileName: string;
}

/**
 * Step 3 — uploads the character's picture: `POST /project_y/file/upload`, multipart `file` +
 * `use_case=profile` → `{asset_pointer:"sediment://file_…"}`.
 */
export async function uploadProfileImage(
  http: SoraHttp,
  params: UploadProfileImageParams,
  opts: CallOptions = {},
): Promise<FileUploadResponse> {
  const form = new FormData();
  form.append('file', params.file, requireNonEmpty(params.fileName, 'The file name'));
  form.append('use_case', 'profile');
  return http.request({
    method: 'POST',
    path: '/project_y/file/upload',
    form,
    schema: FileUploadResponseSchema,
    ...opts,
  });
}

export interface FinalizeCharacterParams {
  cameoId: string;
  /** The `@username` prompts will use. */
  username: string;
  displayName: string;
  /** From {@link uploadProfileImage}. */
  profileAssetPointer: string;
  /** Default `null` (Sora's hint can be passed back). */
  instructionSet?: unknown;
  /** Default `null`. */
  safetyInstructionSet?: unknown;
}

/**
 * Step 4 — creates the character: `POST /characters/finalize` `{cameo_id, username, display_name,
 * profile_asset_pointer, instruction_set, safety_instruction_set}` → `{character:{character_id:"ch_…"}}`.
 */
export async function finalizeCharacter(
  http: SoraHttp,
  params: FinalizeCharacterParams,
  opts: CallOptions = {},
): Promise<CharacterFinalizeResponse> {
  return http.request({
    method: 'POST',
    path: '/characters/finalize',
    json: {
      cameo_id: requireNonEmpty(params.cameoId, 'The cameo id'),
      username: requireNonEmpty(params.username, 'The username'),
      display_name: requireNonEmpty(params.displayName, 'The display name'),
      profile_asset_pointer: requireNonEmpty(params.profileAssetPointer, 'The profile picture'),
      instruction_set: params.instructionSet ?? null,
      safety_instruction_set: params.safetyInstructionSet ?? null,
    },
    schema: CharacterFinalizeResponseSchema,
    ...opts,
  });
}

export type CharacterVisibility = 'public' | 'private';

/**
 * Step 5 (optional) — who may use the character: `POST /project_y/cameos/by_id/{cameoId}/update_v2`
 * `{visibility}`. The answer is undocumented and returned as is.
 */
export async function setCharacterVisibility(
  http: SoraHttp,
  cameoId: string,
  visibility: CharacterVisibility,
  opts: CallOptions = {},
): Promise<AnyBody> {
  const id = requireId(cameoId, 'The cameo id', isPathSafe);
  if (visibility !== 'public' && visibility !== 'private') invalid('The visibility is not valid.');
  return http.request({
    method: 'POST',
    path: `/project_y/cameos/by_id/${id}/update_v2`,
    json: { visibility },
    schema: AnyBodySchema,
    ...opts,
  });
}

/**
 * Deletes a character: `DELETE /project_y/characters/{characterId}` (any body, or none).
 */
export async function deleteCharacter(
  http: SoraHttp,
  characterId: string,
  opts: CallOptions = {},
): Promise<AnyBody> {
  const id = requireId(characterId, 'The character id', isPathSafe);
  return http.request({
    method: 'DELETE',
    path: `/project_y/characters/${id}`,
    schema: AnyBodySchema,
    ...opts,
  });
}
