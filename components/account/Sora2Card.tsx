import { useEffect } from 'preact/hooks';
import { t } from '../../lib/i18n';
import { send } from '../../lib/messaging/transport';
import { useSora2 } from '../../lib/stores/account';
import { ErrorNotice } from '../ErrorNotice';
import { InviteCode } from './InviteCode';
import { RedeemInviteForm } from './RedeemInviteForm';
import { useAction } from './useAction';

/** Sora 2 access: activation, the account's own invite code, and redeeming someone else's. */
export function Sora2Card({ email }: { email?: string }) {
  const { status, loading, error, load } = useSora2();
  // Read again when another account logs in: the code and activation belong to the account.
  useEffect(() => {
    void load();
  }, [load, email]);
  return (
    <section class="card" aria-labelledby="sora2-title" data-testid="sora2">
      <h2 id="sora2-title">{t('sora2.title')}</h2>
      {status?.activated !== undefined && (
        <p data-testid="sora2-status">{t(status.activated ? 'sora2.active' : 'sora2.inactive')}</p>
      )}
      <Activate primary={status?.activated !== true} onActivated={() => void load()} />

      <h3>{t('sora2.inviteTitle')}</h3>
      {status ? (
        <InviteCode invite={status.invite} />
      ) : loading ? (
        <p class="muted" aria-busy="true">
          {t('common.loading')}
        </p>
      ) : null}
      {error && <ErrorNotice error={error} onRetry={() => void load()} />}

      <h3 id="redeem-title">{t('sora2.redeemTitle')}</h3>
      <RedeemInviteForm onAccepted={() => void load()} />
    </section>
  );
}

/** `primary` while activation is still to be done; once active the button stays, quieter, for a redo. */
function Activate({ primary, onActivated }: { primary: boolean; onActivated: () => void }) {
  const { state, start } = useAction(() => send('account.activate', {}));
  const activate = async () => {
    const res = await start();
    if (res?.activated) onActivated();
  };
  return (
    <div class="stack">
      <div class="row">
        <button
          type="button"
          class={primary ? 'btn btn-primary' : 'btn'}
          onClick={() => void activate()}
          disabled={state.kind === 'busy'}
          aria-describedby="sora2-activate-help"
        >
          {state.kind === 'busy' ? t('sora2.activating') : t('sora2.activate')}
        </button>
      </div>
      <p class="help" id="sora2-activate-help">
        {t('sora2.activateHelp')}
      </p>
      <div aria-live="polite" data-testid="activate-result">
        {state.kind === 'done' && (
          <p class={state.value.activated ? 'notice notice-ok' : 'notice notice-warn'}>
            {t(state.value.activated ? 'sora2.activated' : 'sora2.notActivated')}
          </p>
        )}
      </div>
      {state.kind === 'failed' && <ErrorNotice error={state.error} onRetry={() => void activate()} />}
    </div>
  );
}
