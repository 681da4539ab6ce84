/**
 * The storyboard model: a list of shots (duration + scene) plus overall instructions, for a video of a
 * fixed length. Pure data and pure functions only (no UI, no extension APIs), so every rule the editor
 * enforces can be unit-tested here.
 *
 * Bounds (all in seconds):
 * - Durations move in steps of `DURATION_STEP_S` = 0.5 s. The prompt format writes one decimal
 *   ("2.5sec"), so a 0.5 s grid is exactly representable and survives a serialize → parse round trip.
 * - A shot lasts at least `MIN_SHOT_S` = 1 s. Half a second is 15 frames, too short for Sora to render a
 *   recognisable scene before cutting away; 1 s keeps "many quick cuts" possible without inviting shots the
 *   model will simply merge or drop.
 * - A shot lasts at most the video's length (a single shot can fill the whole video).
 * - At most `MAX_SHOTS` = 10 shots, and never more than `lengthS / MIN_SHOT_S` (5 shots in a 5 s video):
 *   10 one-second shots exactly fill the shortest standard length (10 s), so the cap never makes a valid
 *   length unreachable, and the prompt stays short enough for the model to follow every cut.
 * - Scene and instruction texts are capped at `MAX_SCENE_CHARS` / `MAX_INSTRUCTIONS_CHARS` code points. The
 *   backend's real prompt limit is not documented (*unverified*); these guard against pasting a whole
 *   document into one field and can be raised if Sora turns out to accept more.
 */

export const FRAMES_PER_SECOND = 30;
/** 5 s (150 frames) is accepted by the backend although the web app does not offer it; 25 s is Pro only. */
export const STORYBOARD_LENGTHS = [5, 10, 15, 25] as const;
export type StoryboardLength = (typeof STORYBOARD_LENGTHS)[number];
export const DEFAULT_LENGTH_S: StoryboardLength = 10;

export const DURATION_STEP_S = 0.5;
export const MIN_SHOT_S = 1;
export const MAX_SHOTS = 10;
export const MAX_SCENE_CHARS = 2000;
export const MAX_INSTRUCTIONS_CHARS = 2000;

export interface Shot {
  /** Stable key for UI lists and drag-and-drop; never sent to Sora. */
  id: string;
  durationS: number;
  scene: string;
}

export interface Storyboard {
  shots: Shot[];
  /** Overall direction, written after the shots; empty means "no instructions section". */
  instructions: string;
  lengthS: StoryboardLength;
}

export function isStoryboardLength(value: unknown): value is StoryboardLength {
  return (STORYBOARD_LENGTHS as readonly unknown[]).includes(value);
}

/** `n_frames` for a storyboard length: 150 / 300 / 450 / 750. */
export function framesFor(lengthS: StoryboardLength): number {
  return lengthS * FRAMES_PER_SECOND;
}

/** The storyboard length of a finished video's `n_frames`, or null when it is not one of ours. */
export function lengthForFrames(nFrames: number | null | undefined): StoryboardLength | null {
  if (typeof nFrames !== 'number' || !Number.isFinite(nFrames)) return null;
  const seconds = Math.round(nFrames / FRAMES_PER_SECOND);
  return isStoryboardLength(seconds) ? seconds : null;
}

/**
 * The length to choose for shots that came without one (pasted text): the exact match when the shots add
 * up to a valid length, otherwise the shortest length they fit into, otherwise the longest one.
 */
export function lengthForTotal(totalS: number): StoryboardLength {
  for (const length of STORYBOARD_LENGTHS) {
    if (totalS <= length + EPSILON) return length;
  }
  return STORYBOARD_LENGTHS[STORYBOARD_LENGTHS.length - 1]!;
}

/** Most shots a storyboard of this length can hold while each keeps the minimum duration. */
export function maxShotsFor(lengthS: StoryboardLength): number {
  return Math.min(MAX_SHOTS, Math.floor(lengthS / MIN_SHOT_S));
}

// Durations on the 0.5 s grid sum exactly in floating point; the epsilon only absorbs off-grid input.
const EPSILON = 1e-9;

/** Rounds away float noise (0.1 + 0.2) so totals and differences display and compare cleanly. */
export function roundSeconds(value: number): number {
  return Math.round(value * 1000) / 1000;
}

export function isOnStep(durationS: number): boolean {
  const steps = durationS / DURATION_STEP_S;
  return Math.abs(steps - Math.round(steps)) < EPSILON;
}

/** Nearest grid value, never below the minimum; non-numbers become the minimum. */
export function snapDuration(durationS: number): number {
  if (!Number.isFinite(durationS)) return MIN_SHOT_S;
  return Math.max(MIN_SHOT_S, Math.round(durationS / DURATION_STEP_S) * DURATION_STEP_S);
}

let fallbackCounter = 0;

export function newShotId(): string {
  const uuid = globalThis.crypto?.randomUUID?.();
  if (uuid) return `shot_${uuid}`;
  // Only reached in exotic runtimes without WebCrypto; ids need to be unique per session, not secret.
  fallbackCounter += 1;
  return `shot_${Date.now().toString(36)}_${fallbackCounter.toString(36)}_${Math.random().toString(36).slice(2)}`;
}

export function makeShot(durationS: number, scene = ''): Shot {
  return { id: newShotId(), durationS, scene };
}

/** A fresh storyboard: one empty shot filling the whole length. */
export function createStoryboard(lengthS: StoryboardLength = DEFAULT_LENGTH_S): Storyboard {
  return { shots: [makeShot(lengthS)], instructions: '', lengthS };
}

export function totalDuration(sb: Pick<Storyboard, 'shots'>): number {
  let total = 0;
  for (const shot of sb.shots) total += Number.isFinite(shot.durationS) ? shot.durationS : 0;
  return roundSeconds(total);
}

/** Seconds still unassigned; negative when the shots run past the length (that is the excess). */
export function remainingSeconds(sb: Storyboard): number {
  return roundSeconds(sb.lengthS - totalDuration(sb));
}

export interface ShotShare {
  id: string;
  index: number;
  startS: number;
  durationS: number;
  /** Fraction of the timeline track (0–1) where the shot starts. */
  offset: number;
  /** Fraction of the timeline track (0–1) the shot covers. */
  share: number;
  /** The shot ends after the video's length: that part will be cut or compressed by Sora. */
  exceedsLength: boolean;
}

export interface Timeline {
  shots: ShotShare[];
  totalS: number;
  lengthS: StoryboardLength;
  /** Seconds left to assign (0 when full or over). */
  remainingS: number;
  /** Seconds beyond the length (0 when within). */
  excessS: number;
  /** The track spans max(total, length) so overlong boards still fit; the length sits at this fraction. */
  lengthMark: number;
}

/** Everything the live timeline bar needs: each shot's place and share, and what is left or too much. */
export function timeline(sb: Storyboard): Timeline {
  const totalS = totalDuration(sb);
  const scale = Math.max(totalS, sb.lengthS);
  const shots: ShotShare[] = [];
  let start = 0;
  sb.shots.forEach((shot, index) => {
    const durationS = Number.isFinite(shot.durationS) ? Math.max(0, shot.durationS) : 0;
    shots.push({
      id: shot.id,
      index,
      startS: roundSeconds(start),
      durationS,
      offset: start / scale,
      share: durationS / scale,
      exceedsLength: start + durationS > sb.lengthS + EPSILON,
    });
    start += durationS;
  });
  const remaining = roundSeconds(sb.lengthS - totalS);
  return {
    shots,
    totalS,
    lengthS: sb.lengthS,
    remainingS: Math.max(0, remaining),
    excessS: Math.max(0, -remaining),
    lengthMark: sb.lengthS / scale,
  };
}

export function shotShares(sb: Storyboard): ShotShare[] {
  return timeline(sb).shots;
}

/** Fitting is possible unless the shots cannot all keep the minimum duration within the length. */
export function canFitToLength(sb: Storyboard): boolean {
  return sb.shots.length > 0 && sb.shots.length * MIN_SHOT_S <= sb.lengthS + EPSILON;
}

/**
 * Makes the shots add up to exactly the length. Durations are first snapped to the 0.5 s grid (and to the
 * minimum); the remaining difference is then spread over the shots in proportion to their durations, so a
 * long shot gives or takes more than a short one, and no shot drops below the minimum. Whole steps are
 * handed out by largest remainder (ties to the earlier shot), which keeps the result deterministic and the
 * total exact. Returns the same object when nothing changes or fitting is impossible (see `canFitToLength`).
 */
export function fitToLength(sb: Storyboard): Storyboard {
  if (!canFitToLength(sb)) return sb;
  const unitsPerSecond = 1 / DURATION_STEP_S;
  const minUnits = Math.round(MIN_SHOT_S * unitsPerSecond);
  const targetUnits = Math.round(sb.lengthS * unitsPerSecond);
  const units = sb.shots.map((shot) => Math.round(snapDuration(shot.durationS) * unitsPerSecond));
  const total = units.reduce((a, b) => a + b, 0);
  const diff = targetUnits - total;
  if (diff > 0) {
    distribute(units, diff, units.slice(), () => Number.POSITIVE_INFINITY, 1);
  } else if (diff < 0) {
    distribute(units, -diff, units.slice(), (i) => units[i]! - minUnits, -1);
  }
  let changed = false;
  const shots = sb.shots.map((shot, i) => {
    const durationS = units[i]! / unitsPerSecond;
    if (durationS === shot.durationS) return shot;
    changed = true;
    return { ...shot, durationS };
  });
  return changed ? { ...sb, shots } : sb;
}

/**
 * Adds (sign 1) or removes (sign -1) `amount` whole units across `units`, proportionally to `weights`, never
 * beyond each entry's `capacity`. Shots that hit their capacity drop out and the rest share what is left,
 * so the loop ends as long as the total capacity covers the amount (guaranteed by canFitToLength).
 */
function distribute(
  units: number[],
  amount: number,
  weights: number[],
  capacity: (index: number) => number,
  sign: 1 | -1,
): void {
  let left = amount;
  while (left > 0) {
    const active = units.map((_, i) => i).filter((i) => capacity(i) > 0);
    if (active.length === 0) return;
    const weightSum = active.reduce((sum, i) => sum + weights[i]!, 0);
    const ideal = new Map<number, number>();
    let given = 0;
    for (const i of active) {
      const exact = weightSum > 0 ? (left * weights[i]!) / weightSum : left / active.length;
      const whole = Math.min(Math.floor(exact), capacity(i));
      ideal.set(i, exact - whole);
      units[i]! += sign * whole;
      given += whole;
    }
    left -= given;
    const byRemainder = active
      .filter((i) => capacity(i) > 0)
      .sort((a, b) => ideal.get(b)! - ideal.get(a)! || a - b);
    for (const i of byRemainder) {
      if (left === 0) break;
      units[i]! += sign;
      left -= 1;
    }
  }
}

export interface AddShotOptions {
  /** Insert before this index; default: at the end. */
  index?: number;
  durationS?: number;
  scene?: string;
}

export function canAddShot(sb: Storyboard): boolean {
  return sb.shots.length < maxShotsFor(sb.lengthS);
}

/**
 * Inserts a new shot. Without an explicit duration it takes the unassigned seconds (so adding shots to a
 * fresh board fills it up), or the minimum when nothing is left. Returns the same object when the
 * storyboard already holds the maximum number of shots.
 */
export function addShot(sb: Storyboard, options: AddShotOptions = {}): Storyboard {
  if (!canAddShot(sb)) return sb;
  const remaining = remainingSeconds(sb);
  const fallback =
    remaining >= MIN_SHOT_S ? Math.floor(remaining / DURATION_STEP_S) * DURATION_STEP_S : MIN_SHOT_S;
  const shot = makeShot(options.durationS ?? fallback, options.scene ?? '');
  const index = clampIndex(options.index ?? sb.shots.length, sb.shots.length);
  return { ...sb, shots: [...sb.shots.slice(0, index), shot, ...sb.shots.slice(index)] };
}

/** Inserts a copy (new id) right after the shot; same object when out of range or full. */
export function duplicateShot(sb: Storyboard, index: number): Storyboard {
  const source = sb.shots[index];
  if (!source || !canAddShot(sb)) return sb;
  const copy: Shot = { ...source, id: newShotId() };
  return { ...sb, shots: [...sb.shots.slice(0, index + 1), copy, ...sb.shots.slice(index + 1)] };
}

/** Same object when out of range. Removing the last shot is allowed; validation reports `no_shots`. */
export function removeShot(sb: Storyboard, index: number): Storyboard {
  if (!sb.shots[index]) return sb;
  return { ...sb, shots: sb.shots.filter((_, i) => i !== index) };
}

/** Moves the shot at `from` so it ends up at index `to`; same object when out of range or a no-op. */
export function moveShot(sb: Storyboard, from: number, to: number): Storyboard {
  const shot = sb.shots[from];
  if (!shot || to < 0 || to >= sb.shots.length || from === to) return sb;
  const shots = sb.shots.filter((_, i) => i !== from);
  shots.splice(to, 0, shot);
  return { ...sb, shots };
}

/** Replaces fields of one shot (never its id); same object when out of range. */
export function updateShot(
  sb: Storyboard,
  index: number,
  patch: Partial<Pick<Shot, 'durationS' | 'scene'>>,
): Storyboard {
  const shot = sb.shots[index];
  if (!shot) return sb;
  const shots = sb.shots.slice();
  shots[index] = { ...shot, ...patch, id: shot.id };
  return { ...sb, shots };
}

function clampIndex(index: number, length: number): number {
  if (!Number.isFinite(index)) return length;
  return Math.max(0, Math.min(length, Math.trunc(index)));
}
