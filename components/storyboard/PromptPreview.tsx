import { useState } from 'preact/hooks';
import { t } from '../../lib/i18n';

/** The exact prompt text that will be sent (serializeStoryboard), collapsed by default. */
export function PromptPreview({ prompt }: { prompt: string }) {
  const [copied, setCopied] = useState<'ok' | 'failed' | null>(null);
  return (
    <details class="sb-preview card">
      <summary>{t('storyboard.preview.title', { count: prompt.length })}</summary>
      <pre data-testid="sb-preview">{prompt}</pre>
      <div class="sb-row">
        <button
          type="button"
          class="btn"
          onClick={() => {
            navigator.clipboard.writeText(prompt).then(
              () => setCopied('ok'),
              () => setCopied('failed'),
            );
          }}
        >
          {t('storyboard.preview.copy')}
        </button>
        <span class="muted small" role="status">
          {copied === 'ok'
            ? t('storyboard.preview.copied')
            : copied === 'failed'
              ? t('storyboard.preview.copyFailed')
              : ''}
        </span>
      </div>
    </details>
  );
}
