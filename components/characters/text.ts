/** Display strings for character records (every visible string goes through `t()`). */
import { type CharacterRecord, type CharacterState, generationOf } from '../../lib/characters/model';
import { errorText, type MessageKey, t } from '../../lib/i18n';
import type { SerializedError } from '../../lib/sora/errors';

/** The name to show: the chosen one, else Sora's suggestion, else a placeholder. */
export function nameOf(r: CharacterRecord): string {
  return r.displayName ?? r.hints?.displayName ?? r.username ?? t('characters.untitled');
}

export function formatSize(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MB`;
}

/** One decimal at most, without a trailing ".0". */
export const seconds = (n: number): string => String(Math.round(n * 10) / 10);

const OWN_CODES = new Set([
  'cameo_failed',
  'cameo_stalled',
  'video_missing',
  'already_finalized',
  'upload_unsure',
]);

/** The sentence for a record's error (its own codes first, then Sora's). */
export function recordErrorText(error: NonNullable<CharacterRecord['lastError']>): string {
  if (OWN_CODES.has(error.code)) {
    return t(`characters.error.${error.code}` as MessageKey, { message: error.message });
  }
  if (error.code === 'username_taken') return t('characters.finish.error.username.taken');
  return errorText(error as SerializedError);
}

/** A step's name; the first step of a character from a video made on Sora sends a range, not a file. */
export function stepText(r: CharacterRecord, state: CharacterState): string {
  if (state === 'uploading' && generationOf(r)) return t('characters.step.fromGeneration');
  return t(`characters.step.${state}` as MessageKey);
}
