/**
 * Storyboards read back from storage (a saved record, the autosaved draft) are untrusted: an older version
 * may have written another shape, or a record may be damaged. `reviveStoryboard` keeps what is usable and
 * never throws, so one bad record cannot break the editor.
 */
import {
  DEFAULT_LENGTH_S,
  isStoryboardLength,
  MAX_SHOTS,
  newShotId,
  type Shot,
  type Storyboard,
} from './model';

function reviveShot(value: unknown, seen: Set<string>): Shot | null {
  if (!value || typeof value !== 'object') return null;
  const v = value as Record<string, unknown>;
  const scene = typeof v.scene === 'string' ? v.scene : '';
  // A non-number stays NaN: validation then points at the shot instead of silently inventing a duration.
  const durationS = typeof v.durationS === 'number' ? v.durationS : Number.NaN;
  let id = typeof v.id === 'string' && v.id !== '' ? v.id : newShotId();
  if (seen.has(id)) id = newShotId();
  seen.add(id);
  return { id, durationS, scene };
}

export function reviveStoryboard(value: unknown): Storyboard | null {
  if (!value || typeof value !== 'object') return null;
  const v = value as Record<string, unknown>;
  if (!Array.isArray(v.shots)) return null;
  const seen = new Set<string>();
  const shots = v.shots
    // Far more shots than any valid board can hold means garbage, not a board to edit.
    .slice(0, MAX_SHOTS * 3)
    .map((shot) => reviveShot(shot, seen))
    .filter((shot): shot is Shot => shot !== null);
  return {
    shots,
    instructions: typeof v.instructions === 'string' ? v.instructions : '',
    lengthS: isStoryboardLength(v.lengthS) ? v.lengthS : DEFAULT_LENGTH_S,
  };
}
