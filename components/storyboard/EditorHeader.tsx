import { useState } from 'preact/hooks';
import { errorText, t } from '../../lib/i18n';
import { isDirty, useStoryboard } from '../../lib/stores/storyboard';
import { DEFAULT_TITLE } from '../../lib/storyboard';
import { PasteDialog } from './PasteDialog';

function DraftStatus() {
  const autosave = useStoryboard((s) => s.autosave);
  const error = useStoryboard((s) => s.autosaveError);
  const dirty = useStoryboard(isDirty);
  const savedId = useStoryboard((s) => s.draft.savedId);
  const name = useStoryboard((s) => s.draft.name);
  let saved: string;
  if (savedId === null) saved = dirty ? t('storyboard.status.notSaved') : '';
  else saved = dirty ? t('storyboard.status.changed') : t('storyboard.status.saved', { name });
  let draft = '';
  if (autosave === 'pending' || autosave === 'saving') draft = t('storyboard.status.draftSaving');
  else if (autosave === 'saved') draft = t('storyboard.status.draftSaved');
  return (
    <p class="sb-status muted small">
      {saved && <span data-testid="sb-saved-status">{saved}</span>}
      {autosave === 'error' && error ? (
        <span class="field-issues" role="alert" data-testid="sb-draft-status" data-state="error">
          {t('storyboard.status.draftFailed', { error: errorText(error) })}
        </span>
      ) : (
        <span data-testid="sb-draft-status" data-state={autosave}>
          {draft}
        </span>
      )}
    </p>
  );
}

/** The board's name (sent as the video's title), where its work stands, and New / Save / Paste. */
export function EditorHeader() {
  const name = useStoryboard((s) => s.draft.name);
  const setName = useStoryboard((s) => s.setName);
  const save = useStoryboard((s) => s.save);
  const newStoryboard = useStoryboard((s) => s.newStoryboard);
  const dirty = useStoryboard(isDirty);
  const [pasting, setPasting] = useState(false);
  return (
    <div class="sb-header">
      <div class="field">
        <label class="field-label" for="sb-name">
          {t('storyboard.name')}
        </label>
        <input
          id="sb-name"
          type="text"
          value={name}
          maxLength={120}
          placeholder={DEFAULT_TITLE}
          aria-describedby="sb-name-hint"
          onInput={(e) => setName(e.currentTarget.value)}
        />
        <span id="sb-name-hint" class="muted small">
          {t('storyboard.nameHint', { title: DEFAULT_TITLE })}
        </span>
      </div>
      <DraftStatus />
      <div class="sb-row">
        <button type="button" class="btn" disabled={!dirty} onClick={() => void save()}>
          {t('storyboard.save')}
        </button>
        <button type="button" class="btn" onClick={() => void newStoryboard()}>
          {t('storyboard.new')}
        </button>
        <button type="button" class="btn" aria-haspopup="dialog" onClick={() => setPasting(true)}>
          {t('storyboard.paste.open')}
        </button>
      </div>
      {pasting && <PasteDialog onClose={() => setPasting(false)} />}
    </div>
  );
}
