/**
 * Limits both the pages (before anything is sent) and the engine check. Apart from input.ts so the popup's
 * quick prompt can check them without loading the engine's input validation.
 */

/** Longest prompt accepted (the backend's limit is undocumented; this stops pasting a whole document). */
export const MAX_PROMPT_CHARS = 10_000;

/**
 * True when nothing visible is left: `trim()` already drops every Unicode space (no-break, ideographic),
 * but not zero-width and other format characters, which a paste can carry and which Sora would get as an
 * "empty" prompt.
 */
export function isBlankText(text: string): boolean {
  return /^[\s\p{Cf}]*$/u.test(text);
}
