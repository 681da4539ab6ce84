import type { ComponentChildren } from 'preact';
import type { CreateForm, Issue } from '../../lib/create/types';
import { t } from '../../lib/i18n';
import { describedBy, FieldIssues } from './FieldIssues';

interface Props {
  form: CreateForm;
  issues: readonly Issue[] | undefined;
  onChange(patch: Partial<CreateForm>): void;
  onBlur(): void;
  onSubmit(): void;
  /**
   * Shown right under the field, above its hint and messages: a message appearing when the field loses
   * focus must not move these controls away from the pointer that is clicking them.
   */
  children?: ComponentChildren;
}

/** Single prompt or a batch (one a line), with the variables hint. */
export function PromptEntry({ form, issues, onChange, onBlur, onSubmit, children }: Props) {
  return (
    <fieldset class="field">
      <legend>{t('create.entry')}</legend>
      <div class="segmented">
        {([false, true] as const).map((batch) => (
          <label key={String(batch)}>
            <input
              type="radio"
              name="create-entry"
              checked={form.batch === batch}
              onChange={() => onChange({ batch })}
            />
            {t(batch ? 'create.entry.batch' : 'create.entry.single')}
          </label>
        ))}
      </div>
      <label class="field-label" for="create-prompt">
        {t(form.batch ? 'create.prompts' : 'create.prompt')}
      </label>
      <textarea
        id="create-prompt"
        rows={form.batch ? 6 : 4}
        value={form.text}
        dir="auto"
        placeholder={t(form.batch ? 'create.prompts.placeholder' : 'create.prompt.placeholder')}
        onInput={(e) => onChange({ text: e.currentTarget.value })}
        onBlur={onBlur}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            onSubmit();
          }
        }}
        {...describedBy('create-prompt-issues', issues, 'create-prompt-hint')}
      />
      {children}
      <p id="create-prompt-hint" class="muted small">
        {t('create.prompt.hint')}
      </p>
      <FieldIssues id="create-prompt-issues" issues={issues} />
    </fieldset>
  );
}
