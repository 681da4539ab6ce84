/**
 * Checks run before anything is sent: in the page (to explain the problem beside the field) and again in
 * the background (a page is not trusted to have checked). The limits mirror what Sora is known to accept:
 * the simulator caps the time range at 10 s and the upload at 50 MB.
 */
import { USERNAME_MIN, validateUsername } from '../account/validate';
import type { HistoryItem } from '../db/history-record';
import { isVideoKind } from '../jobs/model';
import { isGenerationId } from '../sora/ids';
import { typeOfContent } from '../util/file-type';
import type { Visibility } from './model';

export const VIDEO_TYPE = 'video/mp4';
export const MAX_VIDEO_BYTES = 50 * 1024 * 1024;
export const MAX_VIDEO_SEC = 60;
/** Longest part of the video Sora takes. */
export const MAX_RANGE_SEC = 10;
/** Shortest part worth sending (a character needs a few frames of a face). */
export const MIN_RANGE_SEC = 1;
export const MAX_DISPLAY_NAME = 40;
export const MAX_INSTRUCTIONS = 2000;

export type VideoProblem = 'type' | 'empty' | 'too_big' | 'too_long' | 'unreadable';

export interface VideoFacts {
  type: string;
  name: string;
  size: number;
  /** null: the length could not be read. */
  durationSec: number | null;
}

/** The type and size, before the video's length is read. */
export function videoFileProblem(file: Pick<VideoFacts, 'type' | 'name' | 'size'>): VideoProblem | null {
  const type = file.type.toLowerCase();
  // Some systems hand over an .mp4 without a type; the name is then all there is.
  const isMp4 = type === VIDEO_TYPE || (type === '' && /\.mp4$/i.test(file.name));
  if (!isMp4) return 'type';
  if (file.size === 0) return 'empty';
  if (file.size > MAX_VIDEO_BYTES) return 'too_big';
  return null;
}

export function videoProblem(file: VideoFacts): VideoProblem | null {
  const first = videoFileProblem(file);
  if (first) return first;
  if (file.durationSec === null || !Number.isFinite(file.durationSec) || file.durationSec <= 0) {
    return 'unreadable';
  }
  if (file.durationSec > MAX_VIDEO_SEC + 0.5) return 'too_long';
  return null;
}

/**
 * Sentences for the background's refusals (a message that skipped the page's checks): English like every
 * SoraError message, and never a bare code.
 */
export const VIDEO_PROBLEM_TEXT: Record<VideoProblem, string> = {
  type: 'The file is not an MP4 video.',
  empty: 'The video file is empty.',
  too_big: `The video is larger than ${MAX_VIDEO_BYTES / (1024 * 1024)} MB.`,
  too_long: `The video is longer than ${MAX_VIDEO_SEC} s.`,
  unreadable: 'The length of the video could not be read.',
};

export interface VideoCheck {
  problem: VideoProblem | null;
  /** null: not read (refused before) or unreadable. */
  durationSec: number | null;
  /** What its bytes are, when that is what refused it. */
  content?: string | null;
}

/**
 * Every check of a picked video, in the order the user should hear about them: type and size, then its
 * bytes (a renamed WebM plays in the browser but is not what Sora takes), then its length, read by
 * `readDuration` (the page's `<video>` element, else the MP4 header).
 */
export async function checkVideoFile(
  file: Blob & { name: string },
  readDuration: (file: Blob) => Promise<number | null>,
): Promise<VideoCheck> {
  const early = videoFileProblem(file);
  if (early) return { problem: early, durationSec: null };
  const content = await typeOfContent(file).catch(() => null);
  if (content !== VIDEO_TYPE) return { problem: 'type', durationSec: null, content };
  const durationSec = await readDuration(file);
  const problem = videoProblem({
    type: file.type || VIDEO_TYPE,
    name: file.name,
    size: file.size,
    durationSec,
  });
  return { problem, durationSec };
}

export type RangeProblem = 'invalid' | 'order' | 'too_short' | 'too_long' | 'past_end';

export const RANGE_PROBLEM_TEXT: Record<RangeProblem, string> = {
  invalid: 'The start and end of the part to use are not numbers of seconds.',
  order: 'The part to use ends before it starts.',
  too_short: `The part to use is shorter than ${MIN_RANGE_SEC} s.`,
  too_long: `The part to use is longer than ${MAX_RANGE_SEC} s.`,
  past_end: 'The part to use goes past the end of the video.',
};

/** Rounds to tenths, the precision of the range picker and of what is sent. */
export const tenth = (n: number): number => Math.round(n * 10) / 10;

export function rangeProblem(start: number, end: number, durationSec: number | null): RangeProblem | null {
  if (!Number.isFinite(start) || !Number.isFinite(end) || start < 0) return 'invalid';
  if (end <= start) return 'order';
  const length = tenth(end - start);
  if (length < MIN_RANGE_SEC) return 'too_short';
  if (length > MAX_RANGE_SEC) return 'too_long';
  // Metadata durations can be a hair shorter than the last frame time; allow a tenth.
  if (durationSec !== null && end > durationSec + 0.1) return 'past_end';
  return null;
}

/** The range a freshly picked video starts with: from the start, as long as allowed. */
export function defaultRange(durationSec: number): [number, number] {
  return [0, tenth(Math.min(durationSec, MAX_RANGE_SEC))];
}

/** Sora makes videos at 30 frames a second (`n_frames` 300 = 10 s). */
const SORA_FPS = 30;

/** The length of a video made on Sora, from its History item: its duration, else its frames; null: unknown. */
export function generationDurationSec(
  item: Pick<HistoryItem, 'durationS' | 'nFrames' | 'params'>,
): number | null {
  if (typeof item.durationS === 'number' && item.durationS > 0) return item.durationS;
  const frames = typeof item.params.nFrames === 'number' ? item.params.nFrames : item.nFrames;
  return typeof frames === 'number' && frames > 0 ? frames / SORA_FPS : null;
}

/** A History item a character can be made from: a finished video with a generation id and a known length. */
export function isCharacterSource(item: HistoryItem): boolean {
  return (
    item.status === 'ready' &&
    isVideoKind(item.kind) &&
    isGenerationId(item.id) &&
    generationDurationSec(item) !== null
  );
}

export type GenerationProblem = 'id' | 'not_video' | 'unknown_length';

export const GENERATION_PROBLEM_TEXT: Record<GenerationProblem, string> = {
  id: 'The video is not one made on Sora (its id does not start with gen_).',
  not_video: 'Only a finished video can become a character.',
  unknown_length: 'The length of this video is not known.',
};

export type FinishField = 'username' | 'displayName' | 'instructions' | 'visibility';
export type FinishProblem =
  | { field: 'username'; problem: 'empty' | 'too_short' | 'too_long' | 'uppercase' | 'chars' | 'start' }
  | { field: 'displayName'; problem: 'empty' | 'too_long' }
  | { field: 'instructions'; problem: 'too_long' }
  | { field: 'visibility'; problem: 'invalid' };

export interface FinishFormValues {
  username: string;
  displayName: string;
  instructions: string;
  visibility: Visibility;
}

const FINISH_FIELD_NAME: Record<FinishField, string> = {
  username: 'username',
  displayName: 'display name',
  instructions: 'instructions',
  visibility: '"who can use it" choice',
};

const FINISH_PROBLEM_TEXT: Record<string, string> = {
  empty: 'is empty',
  too_short: `is shorter than ${USERNAME_MIN} characters`,
  too_long: 'is too long',
  uppercase: 'has capital letters (use lowercase)',
  chars: 'may only hold a–z, 0–9, dots and underscores',
  start: 'must start with a letter or a digit',
  invalid: 'is not one of the choices',
};

export function finishProblemText(p: FinishProblem): string {
  return `The ${FINISH_FIELD_NAME[p.field]} ${FINISH_PROBLEM_TEXT[p.problem]}.`;
}

export function finishProblems(values: FinishFormValues): FinishProblem[] {
  const out: FinishProblem[] = [];
  const user = validateUsername(values.username.replace(/^@/, ''));
  if (!user.ok) out.push({ field: 'username', problem: user.problem });
  const name = values.displayName.trim();
  if (name === '') out.push({ field: 'displayName', problem: 'empty' });
  else if (name.length > MAX_DISPLAY_NAME) out.push({ field: 'displayName', problem: 'too_long' });
  if (values.instructions.length > MAX_INSTRUCTIONS) out.push({ field: 'instructions', problem: 'too_long' });
  if (values.visibility !== 'public' && values.visibility !== 'private') {
    out.push({ field: 'visibility', problem: 'invalid' });
  }
  return out;
}

/** The text the form shows for Sora's suggested instructions (their shape is unverified). */
export function instructionsText(instructionSet: unknown): string {
  if (typeof instructionSet === 'string') return instructionSet;
  if (instructionSet && typeof instructionSet === 'object') {
    const description = (instructionSet as { description?: unknown }).description;
    if (typeof description === 'string') return description;
  }
  return '';
}

/**
 * What finalize gets as `instruction_set`: Sora's own suggestion untouched when the user kept its text,
 * else the same shape with the new text (an object with `description`, or a string), or null when empty.
 */
export function instructionSetFor(text: string, hint: unknown): unknown {
  const trimmed = text.trim();
  if (trimmed === instructionsText(hint).trim() && hint !== undefined && hint !== null) return hint;
  if (trimmed === '') return null;
  if (typeof hint === 'string') return trimmed;
  if (hint && typeof hint === 'object') return { ...(hint as object), description: trimmed };
  return { description: trimmed };
}
