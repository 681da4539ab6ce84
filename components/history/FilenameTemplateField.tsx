import { useEffect, useState } from 'preact/hooks';
import {
  buildFilename,
  MAX_PATH_BYTES,
  type TemplateProblem,
  templateProblem,
  unknownTokens,
} from '../../lib/history/filename';
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

export function templateProblemText(p: { problem: TemplateProblem; name?: string }): string {
  return t(`history.template.error.${p.problem}`, { name: p.name ?? '', max: MAX_PATH_BYTES });
}

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
  const refused = templateProblem(draft);
  // A refused template is not saved; it stays in the field, beside its reason, for the user to fix.
  const commit = () => {
    if (!refused && draft.trim() !== value) onSave(draft.trim());
  };
  const described = [`${id}-help`, `${id}-preview`];
  if (unknown.length > 0) described.push(`${id}-unknown`);
  if (refused) described.push(`${id}-error`);
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
        aria-invalid={refused ? true : undefined}
        aria-describedby={described.join(' ')}
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
      {refused && (
        <p class="field-error" id={`${id}-error`} role="alert" data-testid="filename-template-error">
          {templateProblemText(refused)}
        </p>
      )}
      {unknown.length > 0 && (
        <p class="field-error" id={`${id}-unknown`}>
          {t('history.template.unknown', { tokens: unknown.join(' ') })}
        </p>
      )}
    </div>
  );
}
