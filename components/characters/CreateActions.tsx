import { t } from '../../lib/i18n';
import type { SerializedError } from '../../lib/sora/errors';
import { ErrorNotice } from '../ErrorNotice';

/** The end of both "new character" forms: the error with Retry, then Create (busy while sending) and Cancel. */
export function CreateActions({
  error,
  ready,
  busy,
  onRetry,
  onCancel,
}: {
  error: SerializedError | null;
  ready: boolean;
  busy: boolean;
  onRetry(): void;
  onCancel?(): void;
}) {
  return (
    <>
      {error && <ErrorNotice error={error} onRetry={onRetry} />}
      <div class="ch-actions">
        <button type="submit" class="btn btn-primary" disabled={!ready || busy}>
          {busy ? t('characters.creating') : t('characters.create')}
        </button>
        {onCancel && (
          <button type="button" class="btn" onClick={onCancel}>
            {t('characters.cancel')}
          </button>
        )}
      </div>
    </>
  );
}
