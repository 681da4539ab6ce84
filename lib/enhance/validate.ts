/**
 * What an "Enhance prompt" request must be before anything goes to Sora. The pages check it to say what is
 * wrong in the user's language; the background checks it again (a page is not trusted to have done so).
 */
import { isBlankText, MAX_PROMPT_CHARS } from '../jobs/limits';
import {
  ENHANCE_DURATIONS,
  type EnhanceDuration,
  EXPANSION_LEVELS,
  type ExpansionLevel,
} from '../sora/options';

export { ENHANCE_DURATIONS, type EnhanceDuration, EXPANSION_LEVELS, type ExpansionLevel };

/** What the pages ask for (`prompt.enhance`). */
export interface EnhanceRequest {
  prompt: string;
  expansionLevel: ExpansionLevel;
  durationS: EnhanceDuration;
}

export type EnhanceProblem = 'empty' | 'too_long' | 'level' | 'duration';

export type EnhanceCheck =
  | { ok: true; request: EnhanceRequest }
  | { ok: false; problem: EnhanceProblem; message: string };

/** English text of each problem (the background's refusal; pages show their own translation). */
const MESSAGES: Record<EnhanceProblem, string> = {
  empty: 'The prompt is empty: write something to enhance.',
  too_long: `The prompt is longer than ${MAX_PROMPT_CHARS} characters.`,
  level: 'The expansion level must be medium or long.',
  duration: 'The length must be 10, 15, 20 or 25 seconds.',
};

const fail = (problem: EnhanceProblem): EnhanceCheck => ({ ok: false, problem, message: MESSAGES[problem] });

/**
 * Checks a request as it arrives (any shape) and gives it back normalized: the prompt trimmed, since
 * surrounding blank lines only cost characters. Blank includes zero-width characters only (`isBlankText`).
 */
export function checkEnhanceRequest(value: unknown): EnhanceCheck {
  const req = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const prompt = req.prompt;
  if (typeof prompt !== 'string' || isBlankText(prompt)) return fail('empty');
  const trimmed = prompt.trim();
  if (trimmed.length > MAX_PROMPT_CHARS) return fail('too_long');
  if (!(EXPANSION_LEVELS as readonly unknown[]).includes(req.expansionLevel)) return fail('level');
  if (!(ENHANCE_DURATIONS as readonly unknown[]).includes(req.durationS)) return fail('duration');
  return {
    ok: true,
    request: {
      prompt: trimmed,
      expansionLevel: req.expansionLevel as ExpansionLevel,
      durationS: req.durationS as EnhanceDuration,
    },
  };
}

/**
 * The enhancer's `duration_s` for a video length in seconds. The enhancer knows 10, 15, 20 and 25 s; our
 * videos are 5, 10, 15 or 25 s. Each length maps to the nearest value the enhancer knows, ties going to the
 * longer one, so 5 s asks for 10 s: the shortest description Sora writes, which is still the closest to
 * what a 5 s video can show. Anything not a finite number gets 10 s.
 */
export function enhanceDurationFor(seconds: number): EnhanceDuration {
  if (!Number.isFinite(seconds)) return ENHANCE_DURATIONS[0];
  let best: EnhanceDuration = ENHANCE_DURATIONS[0];
  for (const d of ENHANCE_DURATIONS) {
    if (Math.abs(d - seconds) <= Math.abs(best - seconds)) best = d;
  }
  return best;
}
