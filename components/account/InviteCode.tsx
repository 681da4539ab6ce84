import { useRef, useState } from 'preact/hooks';
import type { InviteInfo } from '../../lib/account/sora2';
import { t } from '../../lib/i18n';

type CopyState = 'idle' | 'copied' | 'failed';

/** The account's own invite code, with a copy button and how many times it was used. */
export function InviteCode({ invite }: { invite: InviteInfo | null }) {
  const [copy, setCopy] = useState<CopyState>('idle');
  const codeRef = useRef<HTMLElement>(null);
  if (!invite) return <p class="muted">{t('sora2.inviteNone')}</p>;

  const copyCode = async () => {
    try {
      await navigator.clipboard.writeText(invite.code);
      setCopy('copied');
    } catch {
      // Clipboard access can be refused (no focus, policy): select the code so Ctrl+C still works.
      if (codeRef.current) globalThis.getSelection?.()?.selectAllChildren(codeRef.current);
      setCopy('failed');
    }
  };

  return (
    <div class="stack">
      <div class="row">
        <code class="invite-code" ref={codeRef} data-testid="invite-code">
          {invite.code}
        </code>
        <button
          type="button"
          class="btn"
          onClick={() => void copyCode()}
          aria-label={t('sora2.copyLabel', { code: invite.code })}
        >
          {t('sora2.copy')}
        </button>
      </div>
      <p class="muted small" data-testid="invite-usage">
        {t('sora2.inviteUsage', { redeemed: invite.redeemed, total: invite.total })}
      </p>
      <p class="small" aria-live="polite" data-testid="copy-result">
        {copy === 'copied' && <span class="field-ok">{t('sora2.copied')}</span>}
        {copy === 'failed' && <span class="field-error">{t('sora2.copyFailed')}</span>}
      </p>
    </div>
  );
}
