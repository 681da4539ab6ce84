import type { ImportedBatch, Issue } from '../../lib/create/types';
import { t } from '../../lib/i18n';
import { describedBy, FieldIssues } from './FieldIssues';

interface Props {
  imported: ImportedBatch | null;
  issues: readonly Issue[] | undefined;
  onImported(batch: ImportedBatch | null, issue: Issue | null): void;
}

/**
 * The CSV and JSON readers are loaded when a file is picked, not with the panel's first paint; a reader
 * that cannot be loaded (the extension was updated under the open panel) is a file that could not be read.
 */
function readBatchFile(file: File): Promise<{ batch: ImportedBatch | null; issue: Issue | null }> {
  return import('../../lib/create/import').then(
    (m) => m.readBatchFile(file),
    () => ({
      batch: null,
      issue: { field: 'import', key: 'create.error.importRead', at: { file: file.name } },
    }),
  );
}

/** CSV / JSON import: the rows join the typed prompts; a broken file says where it is broken. */
export function ImportControl({ imported, issues, onImported }: Props) {
  const hasIssue = (issues?.length ?? 0) > 0;
  return (
    <div class="field">
      <div class="file-row">
        <input
          id="create-import"
          class="file-input visually-hidden"
          type="file"
          accept=".csv,.json,.tsv,.txt,text/csv,application/json"
          onChange={async (e) => {
            const input = e.currentTarget;
            const file = input.files?.[0];
            input.value = '';
            if (!file) return;
            const { batch, issue } = await readBatchFile(file);
            onImported(batch, issue);
          }}
          {...describedBy('create-import-issues', issues, 'create-import-hint')}
        />
        <label for="create-import" class="btn">
          {t('create.import')}
        </label>
        {imported && (
          <span class="file-status" data-testid="import-status">
            {t('create.import.loaded', { count: imported.rows.length, file: imported.name })}
          </span>
        )}
        {(imported || hasIssue) && (
          <button
            type="button"
            class="btn btn-icon"
            aria-label={t('create.import.remove', { file: imported?.name ?? issues?.[0]?.at?.file ?? '' })}
            onClick={() => onImported(null, null)}
          >
            <span aria-hidden="true">×</span>
          </button>
        )}
      </div>
      <p id="create-import-hint" class="muted small">
        {t('create.import.hint')}
      </p>
      <FieldIssues id="create-import-issues" issues={issues} />
    </div>
  );
}
