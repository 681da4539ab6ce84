import { useEffect, useRef, useState } from 'preact/hooks';
import { formatDate, formatTime, t } from '../../lib/i18n';
import { type SavedSummary, useStoryboard } from '../../lib/stores/storyboard';
import { ConfirmDialog } from './ConfirmDialog';
import { secs } from './issues';

function RenameForm({ item, onDone }: { item: SavedSummary; onDone(): void }) {
  const rename = useStoryboard((s) => s.rename);
  const [name, setName] = useState(item.name);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, []);
  const empty = name.trim() === '';
  const inputId = `sb-rename-${item.id}`;
  return (
    <form
      class="sb-rename"
      onSubmit={(e) => {
        e.preventDefault();
        if (empty) return;
        void rename(item.id, name).then(onDone);
      }}
    >
      <label class="visually-hidden" for={inputId}>
        {t('storyboard.saved.renameLabel', { name: item.name })}
      </label>
      <input
        ref={input}
        id={inputId}
        type="text"
        value={name}
        maxLength={120}
        aria-invalid={empty ? true : undefined}
        aria-describedby={empty ? `${inputId}-empty` : undefined}
        onInput={(e) => setName(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            onDone();
          }
        }}
      />
      <button type="submit" class="btn" disabled={empty}>
        {t('storyboard.saved.renameSave')}
      </button>
      <button type="button" class="btn" onClick={onDone}>
        {t('storyboard.cancel')}
      </button>
      {empty && (
        <p id={`${inputId}-empty`} class="field-issues">
          {t('storyboard.saved.nameEmpty')}
        </p>
      )}
    </form>
  );
}

function SavedRow({ item, current, onDelete }: { item: SavedSummary; current: boolean; onDelete(): void }) {
  const open = useStoryboard((s) => s.open);
  const duplicate = useStoryboard((s) => s.duplicate);
  const [renaming, setRenaming] = useState(false);
  const renameButton = useRef<HTMLButtonElement>(null);
  const refocus = useRef(false);
  useEffect(() => {
    // Back from the rename form: focus returns to the button that opened it.
    if (!renaming && refocus.current) renameButton.current?.focus();
    refocus.current = renaming;
  }, [renaming]);
  const name = item.name;
  return (
    <li class="sb-saved-item" data-testid="sb-saved-item" aria-current={current ? 'true' : undefined}>
      {renaming ? (
        <RenameForm item={item} onDone={() => setRenaming(false)} />
      ) : (
        <div class="sb-saved-main">
          <button
            type="button"
            class="btn-link sb-saved-name"
            aria-label={t('storyboard.saved.openNamed', { name })}
            onClick={() => void open(item.id)}
          >
            {name}
          </button>
          {current && <span class="sb-badge">{t('storyboard.saved.current')}</span>}
          <span class="muted small">
            {t('storyboard.saved.meta', {
              count: item.shotCount,
              length: secs(item.lengthS),
              when: `${formatDate(item.updatedAt)} ${formatTime(item.updatedAt)}`,
            })}
          </span>
        </div>
      )}
      {!renaming && (
        <div class="sb-row">
          <button
            ref={renameButton}
            type="button"
            class="btn"
            aria-label={t('storyboard.saved.renameNamed', { name })}
            onClick={() => setRenaming(true)}
          >
            {t('storyboard.saved.rename')}
          </button>
          <button
            type="button"
            class="btn"
            aria-label={t('storyboard.saved.duplicateNamed', { name })}
            onClick={() => void duplicate(item.id)}
          >
            {t('storyboard.saved.duplicate')}
          </button>
          <button
            type="button"
            class="btn"
            aria-label={t('storyboard.saved.deleteNamed', { name })}
            onClick={onDelete}
          >
            {t('storyboard.saved.delete')}
          </button>
        </div>
      )}
    </li>
  );
}

/** Saved storyboards, newest first: open, rename, duplicate, delete (after a confirmation). */
export function SavedList() {
  const saved = useStoryboard((s) => s.saved);
  const currentId = useStoryboard((s) => s.draft.savedId);
  const remove = useStoryboard((s) => s.remove);
  const [deleting, setDeleting] = useState<SavedSummary | null>(null);
  return (
    <details class="sb-saved card" data-testid="sb-saved">
      <summary>{t('storyboard.saved.title', { count: saved.length })}</summary>
      {saved.length === 0 ? (
        <p class="muted small">{t('storyboard.saved.empty')}</p>
      ) : (
        <ul class="sb-saved-list" aria-label={t('storyboard.saved.listLabel')}>
          {saved.map((item) => (
            <SavedRow
              key={item.id}
              item={item}
              current={item.id === currentId}
              onDelete={() => setDeleting(item)}
            />
          ))}
        </ul>
      )}
      {deleting && (
        <ConfirmDialog
          title={t('storyboard.saved.deleteTitle', { name: deleting.name })}
          body={t('storyboard.saved.deleteBody')}
          confirm={t('storyboard.saved.delete')}
          onCancel={() => setDeleting(null)}
          onConfirm={() => {
            const id = deleting.id;
            setDeleting(null);
            void remove(id);
          }}
        />
      )}
    </details>
  );
}
