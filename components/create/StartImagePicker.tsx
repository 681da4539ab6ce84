import { useEffect, useState } from 'preact/hooks';
import { MAX_START_IMAGE_BYTES, START_IMAGE_TYPES } from '../../lib/create/build';
import { formatBytes } from '../../lib/create/messages';
import type { Issue } from '../../lib/create/types';
import { t } from '../../lib/i18n';
import { describedBy, FieldIssues } from './FieldIssues';

interface Props {
  file: File | null;
  issues: readonly Issue[] | undefined;
  onChange(file: File | null): void;
}

/** A preview URL for the picked file, revoked when the file changes or the picker goes away. */
function usePreview(file: File | null): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!file || !(START_IMAGE_TYPES as readonly string[]).includes(file.type)) {
      setUrl(null);
      return;
    }
    const next = URL.createObjectURL(file);
    setUrl(next);
    return () => URL.revokeObjectURL(next);
  }, [file]);
  return url;
}

/**
 * Start image by file picker or drag-and-drop. Any file is taken in and then judged by the form's
 * validation, so a wrong file gets its reason ("this is a video") instead of being silently ignored.
 */
export function StartImagePicker({ file, issues, onChange }: Props) {
  const preview = usePreview(file);
  const [over, setOver] = useState(false);
  return (
    <div class="field">
      <fieldset
        class={over ? 'dropzone dropzone-over' : 'dropzone'}
        data-testid="start-image-drop"
        onDragOver={(e) => {
          e.preventDefault();
          if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          const dropped = e.dataTransfer?.files?.[0];
          if (dropped) onChange(dropped);
        }}
      >
        <legend class="field-label">{t('create.startImage')}</legend>
        {file ? (
          <div class="start-image">
            {preview && <img src={preview} alt={t('create.startImage.preview', { name: file.name })} />}
            <span class="file-status" data-testid="start-image-name">
              {file.name}
            </span>
            {/* Takes the input's id while a file is picked, so "focus the first problem" lands here. */}
            <button
              id="create-start-image"
              type="button"
              class="btn btn-icon"
              aria-label={t('create.startImage.remove', { name: file.name })}
              onClick={() => onChange(null)}
              aria-describedby={issues?.length ? 'create-start-issues' : undefined}
            >
              <span aria-hidden="true">×</span>
            </button>
          </div>
        ) : (
          <div class="file-row">
            <input
              id="create-start-image"
              class="file-input visually-hidden"
              type="file"
              accept={START_IMAGE_TYPES.join(',')}
              onChange={(e) => {
                const picked = e.currentTarget.files?.[0] ?? null;
                e.currentTarget.value = '';
                if (picked) onChange(picked);
              }}
              {...describedBy('create-start-issues', issues, 'create-start-hint')}
            />
            <label for="create-start-image" class="btn">
              {t('create.startImage.choose')}
            </label>
            <span id="create-start-hint" class="muted small">
              {t('create.startImage.drop', { max: formatBytes(MAX_START_IMAGE_BYTES) })}
            </span>
          </div>
        )}
      </fieldset>
      <FieldIssues id="create-start-issues" issues={issues} />
    </div>
  );
}
