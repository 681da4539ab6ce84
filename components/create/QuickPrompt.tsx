import { useState } from 'preact/hooks';
import { promptIssue } from '../../lib/create/prompt';
import { errorText, t } from '../../lib/i18n/popup';
import { toSerializedError } from '../../lib/sora/errors';
import { useJobs } from '../../lib/stores/jobs';

/**
 * The popup's one-liner: a single 10 s landscape video, checked before it is sent. No variables or
 * options here on purpose; the side panel has those.
 */
export function QuickPrompt() {
  const enqueue = useJobs((s) => s.enqueue);
  const [text, setText] = useState('');
  const [message, setMessage] = useState<{ kind: 'error' | 'ok'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  async function generate() {
    if (busy) return;
    const issue = promptIssue(text);
    if (issue) {
      setMessage({ kind: 'error', text: t(issue.key, issue.params) });
      return;
    }
    setBusy(true);
    try {
      await enqueue([{ kind: 'video', prompt: text.trim(), orientation: 'landscape', nFrames: 300 }]);
      setText('');
      setMessage({ kind: 'ok', text: t('popup.quick.queued') });
    } catch (e) {
      setMessage({ kind: 'error', text: errorText(toSerializedError(e)) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      class="card quick"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void generate();
      }}
    >
      <label for="quick-prompt" class="quick-label">
        {t('popup.quick')} <span class="muted small">{t('popup.quick.hint')}</span>
      </label>
      <textarea
        id="quick-prompt"
        rows={2}
        dir="auto"
        value={text}
        placeholder={t('popup.quick.placeholder')}
        aria-invalid={message?.kind === 'error' ? true : undefined}
        aria-describedby={message ? 'quick-message' : undefined}
        onInput={(e) => {
          setText(e.currentTarget.value);
          setMessage(null);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            void generate();
          }
        }}
      />
      <div class="quick-footer">
        <p
          id="quick-message"
          class={message?.kind === 'error' ? 'quick-message quick-error small' : 'quick-message muted small'}
          role="status"
          data-testid="quick-message"
        >
          {message?.text ?? ''}
        </p>
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {t('popup.quick.generate')}
        </button>
      </div>
    </form>
  );
}
