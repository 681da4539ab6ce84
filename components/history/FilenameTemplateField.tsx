import { useEffect, useState } from 'preact/hooks';
import { buildFilename, unknownTokens } from '../../lib/history/filename';
import { t } from '../../lib/i18n';

/** The item the preview names: fixed, so the preview reads the same every time. */
const SAMPLE = {
  id: 'gen_01k2example',
  kind: 'video',
  prompt: 'A lighthouse on a cliff at dusk, waves crashing below',
  createdAt: new Date(2025, 5, 1, 18, 30, 5).getTime(),
  orientation: 'landscape',
  index: 3,
  total: 12,
};

interface Props {
  id: string;
  value: string;
  /** The download folder, shown at the front of the preview. */
  folder: string;
  onSave(template: string): void;
}

/**
 * The file-name template with a live preview of the exact path a download gets (sanitised as it will be),
 * and a warning for tokens that are not understood. Saved on Enter or when the field is left. For the
 * History view's settings and for the main Settings form alike.
 */
export function FilenameTemplateField({ id, value, folder, onSave }: Props) {
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  const preview = buildFilename(SAMPLE, { template: draft, folder, extension: '.mp4' });
  const unknown = unknownTokens(draft);
  const commit = () => {
    if (draft.trim() !== value) onSave(draft.trim());
  };
  return (
    <div class="field">
      <label for={id}>{t('settings.filenameTemplate')}</label>
      <input
        id={id}
        class="input"
        type="text"
        spellcheck={false}
        autocomplete="off"
        value={draft}
        aria-describedby={`${id}-help ${id}-preview${unknown.length > 0 ? ` ${id}-unknown` : ''}`}
        onInput={(e) => setDraft(e.currentTarget.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
        }}
      />
      <p class="help" id={`${id}-help`}>
        {t('history.template.tokens')}{' '}
        <code>{'{date} {time} {prompt:40} {id} {kind} {orientation} {index}'}</code>
      </p>
      <p class="help" id={`${id}-preview`} data-testid="filename-preview">
        {t('history.template.preview')} <code class="hpreview">{preview}</code>
      </p>
      {unknown.length > 0 && (
        <p class="field-error" id={`${id}-unknown`}>
          {t('history.template.unknown', { tokens: unknown.join(' ') })}
        </p>
      )}
    </div>
  );
}
