import { useEffect } from 'preact/hooks';
import { READ_ONLY_MESSAGE } from '../lib/db/schema';
import { errorText } from '../lib/i18n/popup';
import { STORAGE_FULL_MESSAGE } from '../lib/sora/errors';
import { useStorage } from '../lib/stores/storage';

/**
 * The side panel's lasting notices about the database: the browser refuses writes for quota (nothing is
 * lost: the queue carries on when there is room), or the history is a newer version's (read and export
 * only).
 */
export function StorageNotice() {
  const start = useStorage((s) => s.start);
  const refusedAt = useStorage((s) => s.refusedAt);
  const readOnly = useStorage((s) => s.readOnly);
  useEffect(() => start(), [start]);
  return (
    <>
      {readOnly && (
        <div class="notice notice-warn" role="alert" data-testid="storage-read-only">
          <p>{errorText({ code: 'storage_read_only', message: READ_ONLY_MESSAGE })}</p>
        </div>
      )}
      {refusedAt !== null && (
        <div class="notice notice-error" role="alert" data-testid="storage-full">
          <p>{errorText({ code: 'storage_full', message: STORAGE_FULL_MESSAGE })}</p>
        </div>
      )}
    </>
  );
}
