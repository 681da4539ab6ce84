import { useState } from 'preact/hooks';
import type { RedeemResult } from '../../lib/account/sora2';
import { type InviteCodeProblem, validateInviteCode } from '../../lib/account/validate';
import { type MessageKey, t } from '../../lib/i18n';
import { send } from '../../lib/messaging/transport';
import { ErrorNotice } from '../ErrorNotice';
import { useAction } from './useAction';

export const INVITE_PROBLEM_TEXT: Record<InviteCodeProblem, MessageKey> = {
  empty: 'sora2.codeEmpty',
  too_long: 'sora2.codeTooLong',
  chars: 'sora2.codeChars',
};

function resultText(res: RedeemResult): { key: MessageKey; ok: boolean } {
  if (res.outcome === 'accepted') return { key: 'sora2.redeemAccepted', ok: true };
  if (res.outcome === 'already_accepted') return { key: 'sora2.redeemAlready', ok: true };
  return { key: 'sora2.redeemRefused', ok: false };
}

/** Redeems someone's invite code; the format is checked here so an obvious typo costs no request. */
export function RedeemInviteForm({ onAccepted }: { onAccepted: () => void }) {
  const [code, setCode] = useState('');
  const [problem, setProblem] = useState<InviteCodeProblem | null>(null);
  const { state, start, reset } = useAction((c: string) => send('account.redeemInvite', { code: c }));

  const submit = async (e: Event) => {
    e.preventDefault();
    const valid = validateInviteCode(code);
    if (!valid.ok) {
      reset();
      setProblem(valid.problem);
      return;
    }
    setProblem(null);
    const res = await start(valid.code);
    if (res?.outcome === 'accepted') onAccepted();
  };

  const result = state.kind === 'done' ? resultText(state.value) : null;
  const describedBy = ['redeem-help', problem && 'redeem-problem'].filter(Boolean).join(' ');
  return (
    <form class="stack" onSubmit={(e) => void submit(e)} aria-labelledby="redeem-title" noValidate>
      <div class="field">
        <label for="redeem-code">{t('sora2.redeemLabel')}</label>
        <div class="row">
          <input
            id="redeem-code"
            class="input"
            type="text"
            autocomplete="off"
            spellcheck={false}
            autocapitalize="characters"
            value={code}
            aria-invalid={problem !== null}
            aria-describedby={describedBy}
            onInput={(e) => {
              setCode(e.currentTarget.value);
              setProblem(null);
            }}
          />
          <button type="submit" class="btn" disabled={state.kind === 'busy'}>
            {state.kind === 'busy' ? t('sora2.redeeming') : t('sora2.redeem')}
          </button>
        </div>
        <p class="help" id="redeem-help">
          {t('sora2.redeemHelp')}
        </p>
        {problem && (
          <p class="field-error" id="redeem-problem" role="alert">
            {t(INVITE_PROBLEM_TEXT[problem])}
          </p>
        )}
      </div>
      <div aria-live="polite" data-testid="redeem-result">
        {result && (
          <p
            class={result.ok ? 'notice notice-ok' : 'notice notice-error'}
            data-outcome={state.kind === 'done' ? state.value.outcome : undefined}
          >
            {t(result.key)}
          </p>
        )}
      </div>
      {state.kind === 'failed' && <ErrorNotice error={state.error} />}
    </form>
  );
}
