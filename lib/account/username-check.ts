/**
 * The live "is this username free?" check behind the username field. Typing asks Sora at most once per
 * pause (debounced), names that break the rule are refused without a request, and an answer that arrives
 * after the user typed on is dropped: only the answer for what the field holds now may be shown.
 */
import type { SerializedError } from '../sora/errors';
import { toSerializedError } from '../sora/errors';
import type { UsernameCheckResult } from './sora2';
import { type UsernameProblem, validateUsername } from './validate';

export type UsernameCheckState =
  | { kind: 'idle' }
  | { kind: 'invalid'; problem: UsernameProblem }
  /** The name the account already has: nothing to check or set. */
  | { kind: 'current'; username: string }
  | { kind: 'checking'; username: string }
  | { kind: 'available'; username: string }
  | { kind: 'taken'; username: string }
  /** Sora refused the name although it passed our rule. */
  | { kind: 'refused'; username: string }
  | { kind: 'error'; username: string; error: SerializedError };

export const USERNAME_CHECK_DELAY_MS = 400;

export interface UsernameCheckerDeps {
  check(username: string): Promise<UsernameCheckResult>;
  onState(state: UsernameCheckState): void;
  /** The account's present username, if any. */
  current?: () => string | undefined;
  delayMs?: number;
}

export function createUsernameChecker(deps: UsernameCheckerDeps) {
  const delayMs = deps.delayMs ?? USERNAME_CHECK_DELAY_MS;
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped on every keystroke; an answer carrying an older number is stale. */
  let generation = 0;

  function cancel(): void {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    generation++;
  }

  async function run(username: string, mine: number): Promise<void> {
    let next: UsernameCheckState;
    try {
      const res = await deps.check(username);
      if (res.status === 'invalid') {
        next = res.problem ? { kind: 'invalid', problem: res.problem } : { kind: 'refused', username };
      } else {
        next = { kind: res.status, username };
      }
    } catch (e) {
      next = { kind: 'error', username, error: toSerializedError(e) };
    }
    if (mine === generation) deps.onState(next);
  }

  return {
    /** Call on every edit of the field. */
    input(raw: string): void {
      cancel();
      if (raw.trim() === '') {
        deps.onState({ kind: 'idle' });
        return;
      }
      const valid = validateUsername(raw);
      if (!valid.ok) {
        deps.onState({ kind: 'invalid', problem: valid.problem });
        return;
      }
      if (valid.username === deps.current?.()) {
        deps.onState({ kind: 'current', username: valid.username });
        return;
      }
      const mine = generation;
      deps.onState({ kind: 'checking', username: valid.username });
      timer = setTimeout(() => {
        timer = undefined;
        void run(valid.username, mine);
      }, delayMs);
    },
    /** Checks again at once (after an error, or after a failed set told us the name was taken). */
    recheck(raw: string): void {
      cancel();
      const valid = validateUsername(raw);
      if (!valid.ok) {
        deps.onState({ kind: 'invalid', problem: valid.problem });
        return;
      }
      const mine = generation;
      deps.onState({ kind: 'checking', username: valid.username });
      void run(valid.username, mine);
    },
    dispose: cancel,
  };
}

export type UsernameChecker = ReturnType<typeof createUsernameChecker>;
