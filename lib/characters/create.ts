/**
 * A new character, checked again in the background before anything is stored (a page is not trusted to
 * have checked): from a video the user picked (in the `files` store) or from a video made on Sora (its
 * generation id). A repeated request answers the record already made, so a message sent twice does not
 * make two.
 */
import { getFile } from '../db/files';
import { getHistoryItem } from '../db/history';
import type { StoredFile } from '../db/schema';
import { isGenerationId } from '../sora/ids';
import { typeOfContent } from '../util/file-type';
import type { OperationContext } from './context';
import { type CharacterRecord, newCharacterRecord, newGenerationCharacterRecord } from './model';
import { mp4DurationSec } from './mp4';
import { bad } from './outcome';
import { addCharacter, findByGenerationRange, findByVideoFile } from './repo';
import {
  GENERATION_PROBLEM_TEXT,
  generationDurationSec,
  RANGE_PROBLEM_TEXT,
  rangeProblem,
  tenth,
  VIDEO_PROBLEM_TEXT,
  VIDEO_TYPE,
  videoProblem,
} from './validate';

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

export function createCharacter(
  ctx: OperationContext,
  req: CreateCharacterRequest,
): Promise<CharacterRecord> {
  if (req?.source === 'generation') return createFromGeneration(ctx, req);
  return createFromUpload(ctx, req);
}

/** Checks the picked video by its bytes (type, size, length) and the range before storing the record. */
async function createFromUpload(
  ctx: OperationContext,
  req: CreateFromUploadRequest,
): Promise<CharacterRecord> {
  const { db } = ctx;
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
    ctx.newId(),
    {
      fileId: stored.id,
      fileName: stored.name,
      size: stored.blob.size,
      durationSec,
      timestamps: [tenth(Number(start)), tenth(Number(end))],
    },
    ctx.now(),
  );
  return added(ctx, record);
}

/**
 * Checks a character from a video made on Sora before anything is sent: a `gen_…` id, a finished video
 * (when History has it), a known length, and the same range rules as an upload. A repeated request for the
 * same part of the same video answers the record already made.
 */
async function createFromGeneration(
  ctx: OperationContext,
  req: CreateFromGenerationRequest,
): Promise<CharacterRecord> {
  const generationId = String(req.generationId ?? '');
  if (!isGenerationId(generationId)) bad(GENERATION_PROBLEM_TEXT.id);
  const { db } = ctx;
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
  const existing = await findByGenerationRange(db, generationId, timestamps);
  if (existing) return existing;
  const title = (item?.title || item?.prompt || generationId).replace(/\s+/g, ' ').trim().slice(0, 80);
  const record = newGenerationCharacterRecord(
    ctx.newId(),
    { generationId, historyId: item ? item.id : historyId, title, durationSec, timestamps },
    ctx.now(),
  );
  return added(ctx, record);
}

async function added(ctx: OperationContext, record: CharacterRecord): Promise<CharacterRecord> {
  await addCharacter(ctx.db, record);
  ctx.emit({ characters: [record], removed: [] });
  ctx.kick();
  return record;
}
