import { useEffect, useRef, useState } from 'preact/hooks';
import type { HistoryItem } from '../../lib/db/history-record';
import { type MessageKey, t } from '../../lib/i18n';
import { isBlankText, MAX_PROMPT_CHARS } from '../../lib/jobs/limits';
import type { SerializedError } from '../../lib/sora/errors';
import { useHistory } from '../../lib/stores/history';
import { ErrorNotice } from '../ErrorNotice';

const LENGTHS = [10, 15] as const;

/** What is wrong with the prompt, checked before anything is sent (the queue checks again). */
export function extendPromptProblem(
  text: string,
): { key: MessageKey; params?: Record<string, number> } | null {
  if (isBlankText(text)) return { key: 'history.extend.error.empty' };
  if (text.trim().length > MAX_PROMPT_CHARS) {
    return { key: 'history.extend.error.tooLong', params: { max: MAX_PROMPT_CHARS } };
  }
  return null;
}

/** "Extend this video": 10 or 15 s more, and what happens next. Queued like any other job. */
export function ExtendForm({
  item,
  onDone,
  onCancel,
}: {
  item: HistoryItem;
  onDone(): void;
  onCancel(): void;
}) {
  const [seconds, setSeconds] = useState<10 | 15>(10);
  const [text, setText] = useState('');
  const [checked, setChecked] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<SerializedError | null>(null);
  const promptRef = useRef<HTMLTextAreaElement>(null);
  useEffect(() => promptRef.current?.focus(), []);

  const problem = checked ? extendPromptProblem(text) : null;
  const submit = async () => {
    setChecked(true);
    if (extendPromptProblem(text) !== null) {
      promptRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const refused = await useHistory.getState().extend(item.id, seconds, text);
      if (refused) setError(refused);
      else onDone();
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      class="hextend card"
      data-testid="extend-form"
      aria-labelledby="hextend-title"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h3 id="hextend-title">{t('history.extend.title')}</h3>
      <fieldset class="field">
        <legend>{t('history.extend.length')}</legend>
        <div class="segmented">
          {LENGTHS.map((s) => (
            <label key={s}>
              <input
                type="radio"
                name="hextend-seconds"
                value={s}
                checked={seconds === s}
                onChange={() => setSeconds(s)}
              />
              {t('history.extend.seconds', { seconds: s })}
            </label>
          ))}
        </div>
      </fieldset>
      <label class="field-label" for="hextend-prompt">
        {t('history.extend.prompt')}
      </label>
      <textarea
        id="hextend-prompt"
        ref={promptRef}
        rows={3}
        dir="auto"
        value={text}
        placeholder={t('history.extend.placeholder')}
        aria-invalid={problem ? true : undefined}
        aria-describedby={problem ? 'hextend-hint hextend-error' : 'hextend-hint'}
        onInput={(e) => setText(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            void submit();
          }
        }}
      />
      <p id="hextend-hint" class="muted small">
        {t('history.extend.cost')}
      </p>
      {problem && (
        <p class="field-error" id="hextend-error" role="alert" data-testid="extend-error">
          {t(problem.key, problem.params)}
        </p>
      )}
      {error && <ErrorNotice error={error} onRetry={() => void submit()} />}
      <div class="hdialog-actions">
        <button type="submit" class="btn btn-primary" disabled={busy} data-testid="extend-submit">
          {t('history.extend.submit')}
        </button>
        <button type="button" class="btn" onClick={onCancel}>
          {t('history.extend.cancel')}
        </button>
      </div>
    </form>
  );
}
