import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { SetUsernameResult } from '../../lib/account/sora2';
import { createUsernameChecker, type UsernameCheckState } from '../../lib/account/username-check';
import type { UsernameProblem } from '../../lib/account/validate';
import { errorText, type MessageKey, t } from '../../lib/i18n';
import { send } from '../../lib/messaging/transport';
import { showAccountSnapshot } from '../../lib/stores/account';
import { ErrorNotice } from '../ErrorNotice';
import { useAction } from './useAction';

export const USERNAME_PROBLEM_TEXT: Record<UsernameProblem, MessageKey | null> = {
  empty: null,
  too_short: 'username.tooShort',
  too_long: 'username.tooLong',
  uppercase: 'username.uppercase',
  chars: 'username.chars',
  start: 'username.start',
};

/** The line under the field: what the live check says about the name typed so far. */
function checkText(state: UsernameCheckState): { text: string; tone: 'muted' | 'ok' | 'error' } | null {
  switch (state.kind) {
    case 'idle':
      return null;
    case 'invalid': {
      const key = USERNAME_PROBLEM_TEXT[state.problem];
      return key ? { text: t(key), tone: 'error' } : null;
    }
    case 'current':
      return { text: t('username.isCurrent'), tone: 'muted' };
    case 'checking':
      return { text: t('username.checking'), tone: 'muted' };
    case 'available':
      return { text: t('username.available', { username: state.username }), tone: 'ok' };
    case 'taken':
      return { text: t('username.taken', { username: state.username }), tone: 'error' };
    case 'refused':
      return { text: t('username.refused'), tone: 'error' };
    case 'error':
      return { text: errorText(state.error), tone: 'error' };
  }
}

const TONE_CLASS = { muted: 'help', ok: 'field-ok', error: 'field-error' } as const;

/** Username: live availability while typing (debounced, stale answers dropped), then "Set username". */
export function UsernameCard({ current }: { current?: string }) {
  const [value, setValue] = useState('');
  const [check, setCheck] = useState<UsernameCheckState>({ kind: 'idle' });
  const currentRef = useRef(current);
  currentRef.current = current;
  const checker = useMemo(
    () =>
      createUsernameChecker({
        check: (username) => send('account.checkUsername', { username }),
        onState: setCheck,
        current: () => currentRef.current,
      }),
    [],
  );
  useEffect(() => checker.dispose, [checker]);

  const { state: setState, start: startSet } = useAction((username: string) =>
    send('account.setUsername', { username }),
  );

  const submit = async (e: Event) => {
    e.preventDefault();
    if (check.kind !== 'available') return;
    const res: SetUsernameResult | undefined = await startSet(check.username);
    if (!res) return;
    if (res.outcome === 'set') {
      if (res.account) showAccountSnapshot(res.account);
      setValue('');
      checker.input('');
    } else if (res.outcome === 'taken') {
      // Someone took it between the check and the click.
      setCheck({ kind: 'taken', username: res.username });
    } else {
      setCheck(
        res.problem ? { kind: 'invalid', problem: res.problem } : { kind: 'refused', username: res.username },
      );
    }
  };

  const line = checkText(check);
  const invalid = check.kind === 'invalid' || check.kind === 'taken' || check.kind === 'refused';
  return (
    <section class="card" aria-labelledby="username-title" data-testid="username">
      <h2 id="username-title">{t('username.title')}</h2>
      <p data-testid="username-current">
        {current ? t('username.current', { username: current }) : t('username.none')}
      </p>
      <form class="stack" onSubmit={(e) => void submit(e)} noValidate>
        <div class="field">
          <label for="username-input">{t('username.label')}</label>
          <input
            id="username-input"
            class="input"
            type="text"
            autocomplete="off"
            autocapitalize="none"
            spellcheck={false}
            maxLength={64}
            value={value}
            aria-invalid={invalid}
            aria-describedby="username-rules username-check"
            onInput={(e) => {
              setValue(e.currentTarget.value);
              checker.input(e.currentTarget.value);
            }}
          />
          <p class="help" id="username-rules">
            {t('username.rules')}
          </p>
          <p
            id="username-check"
            class={line ? TONE_CLASS[line.tone] : 'help'}
            aria-live="polite"
            data-testid="username-check"
            data-state={check.kind}
          >
            {line?.text ?? ''}
          </p>
          {check.kind === 'error' && (
            <div>
              <button type="button" class="btn" onClick={() => checker.recheck(value)}>
                {t('common.retry')}
              </button>
            </div>
          )}
        </div>
        <div class="row">
          <button
            type="submit"
            class="btn btn-primary"
            disabled={check.kind !== 'available' || setState.kind === 'busy'}
          >
            {setState.kind === 'busy' ? t('username.setting') : t('username.set')}
          </button>
        </div>
        <div aria-live="polite" data-testid="username-result">
          {setState.kind === 'done' && setState.value.outcome === 'set' && (
            <p class="notice notice-ok">{t('username.done', { username: setState.value.username })}</p>
          )}
        </div>
        {setState.kind === 'failed' && <ErrorNotice error={setState.error} />}
      </form>
    </section>
  );
}
