import { MAX_START_IMAGE_BYTES, START_IMAGE_TYPES } from '../../lib/create/build';
import { formatBytes } from '../../lib/create/messages';
import type { Issue } from '../../lib/create/types';
import { t } from '../../lib/i18n';
import { FileChooser, useFileDrop } from '../FileDrop';
import { useObjectUrl } from '../useObjectUrl';
import { describedBy, FieldIssues } from './FieldIssues';

interface Props {
  file: File | null;
  issues: readonly Issue[] | undefined;
  onChange(file: File | null): void;
}

/**
 * Start image by file picker or drag-and-drop. Any file is taken in and then judged by the form's
 * validation, so a wrong file gets its reason ("this is a video") instead of being silently ignored.
 */
export function StartImagePicker({ file, issues, onChange }: Props) {
  // A preview only for a picture: anything else is refused by the form's validation, with its reason.
  const preview = useObjectUrl(
    file && (START_IMAGE_TYPES as readonly string[]).includes(file.type) ? file : null,
  );
  const drop = useFileDrop(onChange);
  return (
    <div class="field">
      <fieldset
        class={drop.over ? 'dropzone dropzone-over' : 'dropzone'}
        data-testid="start-image-drop"
        {...drop.handlers}
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
            <FileChooser
              id="create-start-image"
              inputClass="file-input"
              accept={START_IMAGE_TYPES.join(',')}
              label={t('create.startImage.choose')}
              aria={describedBy('create-start-issues', issues, 'create-start-hint')}
              onFile={onChange}
            />
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
