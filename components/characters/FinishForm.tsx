import { useState } from 'preact/hooks';
import type { CharacterRecord, Visibility } from '../../lib/characters/model';
import {
  type FinishProblem,
  finishProblems,
  instructionsText,
  MAX_DISPLAY_NAME,
  MAX_INSTRUCTIONS,
} from '../../lib/characters/validate';
import { type MessageKey, t } from '../../lib/i18n';
import type { SerializedError } from '../../lib/sora/errors';
import { useCharacters } from '../../lib/stores/characters';
import { ErrorNotice } from '../ErrorNotice';
import { nameOf, recordErrorText } from './text';

export function finishIssueText(p: FinishProblem): string {
  return t(`characters.finish.error.${p.field}.${p.problem}` as MessageKey, {
    max: p.field === 'instructions' ? MAX_INSTRUCTIONS : MAX_DISPLAY_NAME,
  });
}

/** The form fields start from the user's earlier choice (after a refusal), else from Sora's hints. */
function initialValues(r: CharacterRecord) {
  return {
    displayName: r.finish?.displayName ?? r.hints?.displayName ?? '',
    username: r.finish?.username ?? r.hints?.username ?? '',
    instructions: instructionsText(r.finish ? r.finish.instructionSet : r.hints?.instructionSet),
    visibility: (r.finish?.visibility ?? 'private') as Visibility,
  };
}

/** Finalize: names, instructions and visibility, prefilled from Sora's suggestions, with the picture. */
export function FinishForm({ record }: { record: CharacterRecord }) {
  const finish = useCharacters((s) => s.finish);
  const [values, setValues] = useState(() => initialValues(record));
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<SerializedError | null>(null);
  const id = (field: string) => `ch-${record.id}-${field}`;

  const problems = tried ? finishProblems(values) : [];
  const taken = record.lastError?.code === 'username_taken' && values.username === record.finish?.username;
  const issue = (field: FinishProblem['field']): string | null => {
    const p = problems.find((x) => x.field === field);
    if (p) return finishIssueText(p);
    if (field === 'username' && taken) return t('characters.finish.error.username.taken');
    return null;
  };
  // A refusal other than the username (Sora sent the form back): said above the button.
  const refusal = record.lastError && record.lastError.code !== 'username_taken' ? record.lastError : null;

  const set = (patch: Partial<typeof values>) => setValues((v) => ({ ...v, ...patch }));
  const described = (field: FinishProblem['field'], hint?: string) => {
    const ids = [hint, issue(field) ? id(`${field}-issue`) : undefined].filter(Boolean).join(' ');
    return {
      'aria-invalid': issue(field) ? true : undefined,
      'aria-describedby': ids === '' ? undefined : ids,
    } as const;
  };
  const issueLine = (field: FinishProblem['field']) =>
    issue(field) && (
      <p id={id(`${field}-issue`)} class="ch-issue">
        {issue(field)}
      </p>
    );

  async function submit() {
    setTried(true);
    const first = finishProblems(values)[0];
    if (first) {
      document.getElementById(id(first.field))?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    const failure = await finish(record.id, values);
    setBusy(false);
    if (failure) setError(failure);
  }

  const name = nameOf(record);
  return (
    <form
      class="ch-finish"
      aria-label={t('characters.finishOf', { name })}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <div>
        <h3>{t('characters.finish.title')}</h3>
        <p class="muted small">{t('characters.finish.hint')}</p>
      </div>
      {refusal && (
        <p class="ch-issue" role="alert">
          {recordErrorText(refusal)}
        </p>
      )}
      <div class="ch-field">
        <label for={id('displayName')}>{t('characters.finish.displayName')}</label>
        <input
          id={id('displayName')}
          type="text"
          value={values.displayName}
          maxLength={MAX_DISPLAY_NAME * 2}
          autoComplete="off"
          onInput={(e) => set({ displayName: e.currentTarget.value })}
          {...described('displayName')}
        />
        {issueLine('displayName')}
      </div>
      <div class="ch-field">
        <label for={id('username')}>{t('characters.finish.username')}</label>
        <input
          id={id('username')}
          type="text"
          value={values.username}
          autoComplete="off"
          spellcheck={false}
          autoCapitalize="none"
          onInput={(e) => set({ username: e.currentTarget.value })}
          {...described('username', id('username-hint'))}
        />
        <p id={id('username-hint')} class="muted small">
          {t('characters.finish.usernameHint', { username: values.username.trim().replace(/^@/, '') || '…' })}
        </p>
        {issueLine('username')}
      </div>
      <div class="ch-field">
        <label for={id('instructions')}>{t('characters.finish.instructions')}</label>
        <textarea
          id={id('instructions')}
          rows={3}
          value={values.instructions}
          onInput={(e) => set({ instructions: e.currentTarget.value })}
          {...described('instructions', id('instructions-hint'))}
        />
        <p id={id('instructions-hint')} class="muted small">
          {t('characters.finish.instructionsHint')}
        </p>
        {issueLine('instructions')}
      </div>
      <fieldset class="ch-field ch-visibility">
        <legend>{t('characters.visibility')}</legend>
        {(['private', 'public'] as const).map((v) => (
          <label key={v} class="ch-choice">
            <input
              type="radio"
              name={id('visibility')}
              checked={values.visibility === v}
              onChange={() => set({ visibility: v })}
            />
            <span>
              {t(`characters.visibility.${v}`)}
              <span class="muted small"> — {t(`characters.visibility.${v}Hint`)}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {error && <ErrorNotice error={error} onRetry={() => void submit()} />}
      <div class="ch-actions">
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {busy ? t('characters.finish.submitting') : t('characters.finish.submit')}
        </button>
      </div>
    </form>
  );
}
