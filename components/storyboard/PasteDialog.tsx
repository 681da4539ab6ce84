import { useMemo, useState } from 'preact/hooks';
import { t } from '../../lib/i18n';
import { useStoryboard } from '../../lib/stores/storyboard';
import { MAX_SHOTS, type ParseError, parseAny } from '../../lib/storyboard';
import { secs } from './issues';
import { Modal } from './Modal';

export function parseErrorText(error: ParseError): string {
  if (error.code === 'too_many_shots') {
    return t('storyboard.paste.tooManyShots', { count: error.count ?? '?', max: MAX_SHOTS });
  }
  return error.code === 'empty' ? t('storyboard.paste.empty') : t('storyboard.paste.unrecognized');
}

/**
 * "Paste storyboard": a storyboard prompt ("Shot 1: / duration: / Scene:") or the shorthand
 * `intro [5s] first scene [5s] second scene` becomes the board. What was recognised shows while typing.
 */
export function PasteDialog({ onClose }: { onClose(): void }) {
  const paste = useStoryboard((s) => s.paste);
  const [text, setText] = useState('');
  const [error, setError] = useState<ParseError | null>(null);
  const [busy, setBusy] = useState(false);
  const found = useMemo(() => (text.trim() ? parseAny(text) : null), [text]);

  async function apply() {
    if (busy) return;
    setBusy(true);
    const problem = await paste(text);
    setBusy(false);
    if (problem) setError(problem);
    else onClose();
  }

  return (
    <Modal labelledBy="sb-paste-title" describedBy="sb-paste-help" onClose={onClose}>
      <form
        class="sb-paste"
        onSubmit={(e) => {
          e.preventDefault();
          void apply();
        }}
      >
        <h2 id="sb-paste-title">{t('storyboard.paste.title')}</h2>
        <p id="sb-paste-help" class="muted small">
          {t('storyboard.paste.help')}
        </p>
        <label class="field-label" for="sb-paste-text">
          {t('storyboard.paste.label')}
        </label>
        <textarea
          id="sb-paste-text"
          rows={8}
          value={text}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'sb-paste-error' : 'sb-paste-found'}
          onInput={(e) => {
            setText(e.currentTarget.value);
            setError(null);
          }}
        />
        <p id="sb-paste-found" class="muted small" aria-live="polite" data-testid="sb-paste-found">
          {found?.ok
            ? t(
                found.format === 'timeline'
                  ? 'storyboard.paste.foundPrompt'
                  : 'storyboard.paste.foundShorthand',
                {
                  count: found.storyboard.shots.length,
                  length: secs(found.storyboard.lengthS),
                },
              )
            : ''}
        </p>
        {error && (
          <p id="sb-paste-error" class="field-issues" role="alert" data-testid="sb-paste-error">
            {parseErrorText(error)}
          </p>
        )}
        <p class="muted small">{t('storyboard.paste.replaces')}</p>
        <div class="sb-row sb-dialog-actions">
          <button type="button" class="btn" onClick={onClose}>
            {t('storyboard.cancel')}
          </button>
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {t('storyboard.paste.apply')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
