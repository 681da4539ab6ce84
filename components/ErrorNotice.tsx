import { errorText, t } from '../lib/i18n/popup';
import type { SerializedError } from '../lib/sora/errors';
import { openSora } from './openSora';

/** Codes the user can fix by visiting sora.chatgpt.com in a tab. */
const FIXED_ON_SORA = new Set(['cloudflare_challenge', 'sentinel_rejected', 'auth_expired']);

export function ErrorNotice({ error, onRetry }: { error: SerializedError; onRetry?: () => void }) {
  return (
    <div class="notice notice-error" role="alert" data-error-code={error.code}>
      <p>{errorText(error)}</p>
      <div class="notice-actions">
        {FIXED_ON_SORA.has(error.code) && (
          <button type="button" class="btn" onClick={() => openSora()}>
            {t('error.openSora')}
          </button>
        )}
        {onRetry && error.code !== 'unsupported_country' && (
          <button type="button" class="btn" onClick={onRetry}>
            {t('common.retry')}
          </button>
        )}
      </div>
    </div>
  );
}
