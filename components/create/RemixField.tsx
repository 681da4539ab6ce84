import type { Issue } from '../../lib/create/types';
import { t } from '../../lib/i18n';
import { describedBy, FieldIssues } from './FieldIssues';

interface Props {
  value: string;
  issues: readonly Issue[] | undefined;
  onChange(value: string): void;
}

export function RemixField({ value, issues, onChange }: Props) {
  return (
    <div class="field">
      <label class="field-label" for="create-remix">
        {t('create.remix')}
      </label>
      <input
        id="create-remix"
        type="text"
        inputMode="url"
        autoComplete="off"
        spellcheck={false}
        value={value}
        placeholder={t('create.remix.placeholder')}
        onInput={(e) => onChange(e.currentTarget.value)}
        {...describedBy('create-remix-issues', issues, 'create-remix-hint')}
      />
      <p id="create-remix-hint" class="muted small">
        {t('create.remix.hint')}
      </p>
      <FieldIssues id="create-remix-issues" issues={issues} />
    </div>
  );
}
