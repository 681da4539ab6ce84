/**
 * What stops a storyboard from being sent. Every issue is an error (the submit button stays disabled); the UI
 * shows `describeIssue(issue)` or its own localised text per `code`, with `shotIndex` (0-based) pointing at
 * the shot to highlight.
 */
import { isBlankText } from '../jobs/input';
import { instructionsAmbiguity, normalizeText, sceneAmbiguity } from './format';
import type { StoryboardIssue } from './issues';
import {
  DURATION_STEP_S,
  isOnStep,
  MAX_INSTRUCTIONS_CHARS,
  MAX_SCENE_CHARS,
  MIN_SHOT_S,
  maxShotsFor,
  roundSeconds,
  type Storyboard,
  totalDuration,
} from './model';

/** Code points, not UTF-16 units, so an emoji counts as one character like the user sees it. */
function charCount(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

/**
 * All issues, in display order: storyboard-wide first, then per shot in shot order, then the total and the
 * instructions. An empty list means the storyboard can be submitted.
 */
export function validateStoryboard(sb: Storyboard): StoryboardIssue[] {
  const issues: StoryboardIssue[] = [];
  const count = sb.shots.length;
  if (count === 0) issues.push({ code: 'no_shots', params: {} });
  const max = maxShotsFor(sb.lengthS);
  if (count > max)
    issues.push({ code: 'too_many_shots', params: { max, actual: count, lengthS: sb.lengthS } });

  sb.shots.forEach((shot, shotIndex) => {
    const scene = normalizeText(shot.scene);
    if (isBlankText(scene)) issues.push({ code: 'empty_scene', shotIndex, params: {} });
    const actual = shot.durationS;
    if (typeof actual !== 'number' || !Number.isFinite(actual)) {
      issues.push({ code: 'duration_invalid', shotIndex, params: {} });
    } else if (actual < MIN_SHOT_S) {
      issues.push({ code: 'duration_too_short', shotIndex, params: { min: MIN_SHOT_S, actual } });
    } else if (actual > sb.lengthS) {
      issues.push({ code: 'duration_too_long', shotIndex, params: { max: sb.lengthS, actual } });
    } else if (!isOnStep(actual)) {
      const nearest = Math.max(MIN_SHOT_S, Math.round(actual / DURATION_STEP_S) * DURATION_STEP_S);
      issues.push({
        code: 'duration_not_step',
        shotIndex,
        params: { step: DURATION_STEP_S, actual, nearest },
      });
    }
    const length = charCount(scene);
    if (length > MAX_SCENE_CHARS) {
      issues.push({ code: 'scene_too_long', shotIndex, params: { max: MAX_SCENE_CHARS, actual: length } });
    }
    const ambiguity = sceneAmbiguity(scene, shotIndex, count);
    if (ambiguity) {
      issues.push({
        code: 'ambiguous_scene',
        shotIndex,
        params: { reason: ambiguity, nextShot: shotIndex + 2 },
      });
    }
  });

  const total = totalDuration(sb);
  if (count > 0 && Math.abs(total - sb.lengthS) > 1e-9) {
    issues.push({
      code: 'total_mismatch',
      params: { expected: sb.lengthS, actual: total, difference: roundSeconds(total - sb.lengthS) },
    });
  }

  const instructions = normalizeText(sb.instructions);
  const instructionsLength = charCount(instructions);
  if (instructionsLength > MAX_INSTRUCTIONS_CHARS) {
    issues.push({
      code: 'instructions_too_long',
      params: { max: MAX_INSTRUCTIONS_CHARS, actual: instructionsLength },
    });
  }
  if (instructionsAmbiguity(instructions, count)) {
    issues.push({ code: 'ambiguous_instructions', params: { nextShot: count + 1 } });
  }
  return issues;
}

export function isStoryboardValid(sb: Storyboard): boolean {
  return validateStoryboard(sb).length === 0;
}
