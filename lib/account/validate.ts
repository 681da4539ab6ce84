/**
 * Client-side checks run before anything is sent to Sora. The username rule mirrors what Sora is known to
 * accept (the simulator's USERNAME_RE): refusing locally saves a round trip and lets the field explain the
 * exact problem instead of a generic "invalid".
 */

export const USERNAME_MIN = 3;
export const USERNAME_MAX = 30;
export const USERNAME_RE = /^[a-z0-9][a-z0-9._]{2,29}$/;

export type UsernameProblem = 'empty' | 'too_short' | 'too_long' | 'uppercase' | 'chars' | 'start';

export type UsernameValidation = { ok: true; username: string } | { ok: false; problem: UsernameProblem };

/** Surrounding spaces are forgiven (pasted text); anything else outside the rule is named precisely. */
export function validateUsername(raw: string): UsernameValidation {
  const username = raw.trim();
  if (username === '') return { ok: false, problem: 'empty' };
  if (/[A-Z]/.test(username) && /^[A-Za-z0-9._]*$/.test(username)) return { ok: false, problem: 'uppercase' };
  if (!/^[a-z0-9._]*$/.test(username)) return { ok: false, problem: 'chars' };
  if (!/^[a-z0-9]/.test(username)) return { ok: false, problem: 'start' };
  if (username.length < USERNAME_MIN) return { ok: false, problem: 'too_short' };
  if (username.length > USERNAME_MAX) return { ok: false, problem: 'too_long' };
  // The checks above are the same rule spelt out; the regex stays the single source of truth.
  return USERNAME_RE.test(username) ? { ok: true, username } : { ok: false, problem: 'chars' };
}

export const INVITE_CODE_MAX = 64;
/** Sora's codes are short uppercase alphanumerics; dashes and underscores are allowed in case that changes. */
const INVITE_CODE_RE = /^[A-Za-z0-9_-]+$/;

export type InviteCodeProblem = 'empty' | 'too_long' | 'chars';

export type InviteCodeValidation = { ok: true; code: string } | { ok: false; problem: InviteCodeProblem };

export function validateInviteCode(raw: string): InviteCodeValidation {
  const code = raw.trim();
  if (code === '') return { ok: false, problem: 'empty' };
  if (code.length > INVITE_CODE_MAX) return { ok: false, problem: 'too_long' };
  if (!INVITE_CODE_RE.test(code)) return { ok: false, problem: 'chars' };
  return { ok: true, code };
}
