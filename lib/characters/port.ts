/**
 * The character flow's narrow view of Sora: the endpoint functions of lib/sora, plus the download of the
 * suggested picture. Tests swap it for a fake; the real one is `createCharacterPort(http)`.
 */
import {
  type CameoStatus,
  createCharacterFromGeneration,
  deleteCharacter,
  finalizeCharacter,
  getCameoStatus,
  setCharacterVisibility,
  uploadCharacterVideo,
  uploadProfileImage,
} from '../sora/endpoints/characters';
import { SoraError } from '../sora/errors';
import type { FetchFn, SoraHttp } from '../sora/http';
import { httpsHostOf, isSoraMediaUrl } from '../sora/media-hosts';
import type { Visibility } from './model';

export interface FinalizeInput {
  cameoId: string;
  username: string;
  displayName: string;
  profileAssetPointer: string;
  instructionSet: unknown;
}

export interface CharacterPort {
  uploadVideo(file: Blob, fileName: string, timestamps: [number, number]): Promise<{ cameoId: string }>;
  /** The first step for a video the user made on Sora: its generation id and the part to use. */
  fromGeneration(generationId: string, timestamps: [number, number]): Promise<{ cameoId: string }>;
  cameoStatus(cameoId: string): Promise<CameoStatus>;
  /** Downloads the suggested picture. An expired or missing URL throws SoraError 'not_found'. */
  fetchPicture(url: string): Promise<Blob>;
  uploadPicture(file: Blob, fileName: string): Promise<{ assetPointer: string }>;
  finalize(input: FinalizeInput): Promise<{ characterId: string; username?: string; displayName?: string }>;
  setVisibility(cameoId: string, visibility: Visibility): Promise<void>;
  /** A character id, or the cameo id of one that was never finalized. */
  deleteCharacter(id: string): Promise<void>;
}

export const PICTURE_TIMEOUT_MS = 30_000;

/**
 * GETs a media URL without credentials. The URL comes from Sora's answer and lives on the media host, so
 * it must never get the access token: this is a plain fetch, not the request core.
 */
export async function fetchMedia(
  fetchFn: FetchFn,
  url: string,
  timeoutMs = PICTURE_TIMEOUT_MS,
): Promise<Blob> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SoraError('bad_response', 'Sora gave a picture address that is not a URL.');
  }
  if (parsed.protocol !== 'https:')
    throw new SoraError('bad_response', 'Sora gave a picture address that is not https.');
  if (!isSoraMediaUrl(url))
    throw new SoraError(
      'bad_response',
      `Sora gave a picture address on ${httpsHostOf(url)}, not on its media host; it was not fetched.`,
    );
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const res = await fetchFn(parsed.toString(), { credentials: 'omit', signal: controller.signal });
    if (res.status === 403 || res.status === 404 || res.status === 410) {
      throw new SoraError('not_found', 'The picture link has expired.', { status: res.status });
    }
    if (res.status >= 500)
      throw new SoraError('server_error', `The picture host answered ${res.status}.`, { status: res.status });
    if (!res.ok)
      throw new SoraError('bad_request', `The picture host answered ${res.status}.`, { status: res.status });
    const blob = await res.blob();
    if (blob.size === 0) throw new SoraError('bad_response', 'The picture is empty.');
    return blob;
  } catch (e) {
    if (e instanceof SoraError) throw e;
    if (controller.signal.aborted) throw new SoraError('timeout', 'The picture did not download in time.');
    throw new SoraError('network', 'Could not download the picture.', {
      cause: e instanceof Error ? new Error(e.message) : undefined,
    });
  } finally {
    clearTimeout(timer);
  }
}

export function createCharacterPort(
  http: SoraHttp,
  fetchFn: FetchFn = (i, init) => fetch(i, init),
): CharacterPort {
  return {
    async uploadVideo(file, fileName, timestamps) {
      const res = await uploadCharacterVideo(http, { file, fileName, timestamps });
      return { cameoId: res.id };
    },
    async fromGeneration(generationId, timestamps) {
      const res = await createCharacterFromGeneration(http, { generationId, timestamps });
      return { cameoId: res.id };
    },
    cameoStatus: (cameoId) => getCameoStatus(http, cameoId),
    fetchPicture: (url) => fetchMedia(fetchFn, url),
    async uploadPicture(file, fileName) {
      const res = await uploadProfileImage(http, { file, fileName });
      return { assetPointer: res.asset_pointer };
    },
    async finalize(input) {
      const res = await finalizeCharacter(http, {
        cameoId: input.cameoId,
        username: input.username,
        displayName: input.displayName,
        profileAssetPointer: input.profileAssetPointer,
        instructionSet: input.instructionSet,
        safetyInstructionSet: null,
      });
      const c = res.character;
      return {
        characterId: c.character_id,
        ...(c.username ? { username: c.username } : {}),
        ...(c.display_name ? { displayName: c.display_name } : {}),
      };
    },
    async setVisibility(cameoId, visibility) {
      await setCharacterVisibility(http, cameoId, visibility);
    },
    async deleteCharacter(id) {
      await deleteCharacter(http, id);
    },
  };
}
