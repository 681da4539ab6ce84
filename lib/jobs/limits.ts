/**
 * Limits both the pages (before anything is sent) and the engine check. Apart from input.ts so the popup's
 * quick prompt can check them without loading the engine's input validation.
 */

/** Longest prompt accepted (the backend's limit is undocumented; this stops pasting a whole document). */
export const MAX_PROMPT_CHARS = 10_000;
