import { useState } from 'preact/hooks';
import { MAX_START_IMAGE_BYTES, START_IMAGE_TYPES, startImageIssue } from '../../lib/create/build';
import { formatBytes, issueText } from '../../lib/create/messages';
import { t } from '../../lib/i18n';
import { useStoryboard } from '../../lib/stores/storyboard';
import type { StoryboardImage } from '../../lib/storyboard/repo';
import { typeOfContent } from '../../lib/util/file-type';
import { useObjectUrl } from '../useObjectUrl';
import { IssueList, type ViewIssue } from './issues';

/**
 * Optional start image by file picker or drop. A file is checked (PNG / JPEG / WebP, size) the moment it is
 * picked: a wrong one is refused with its reason and never stored with the board, let alone sent.
 */
export function StartImageField({
  image,
  issues,
}: {
  image: StoryboardImage | null;
  issues: readonly ViewIssue[];
}) {
  const setStartImage = useStoryboard((s) => s.setStartImage);
  const preview = useObjectUrl(image?.blob);
  const [over, setOver] = useState(false);
  const [refused, setRefused] = useState<string | null>(null);

  async function take(file: File | undefined | null) {
    if (!file) return;
    const content = await typeOfContent(file).catch(() => null);
    const issue = startImageIssue({ name: file.name, type: file.type, size: file.size, content });
    if (issue) {
      setRefused(issueText(issue));
      return;
    }
    setRefused(null);
    setStartImage({ blob: file, name: file.name, type: file.type, size: file.size });
  }

  const shown: ViewIssue[] = refused
    ? [{ place: 'startImage', code: 'refused', text: refused }, ...issues]
    : [...issues];
  return (
    <fieldset
      class={over ? 'sb-image dropzone dropzone-over' : 'sb-image dropzone'}
      data-testid="sb-image-drop"
      onDragOver={(e) => {
        if (!e.dataTransfer?.types.includes('Files')) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        if (!e.dataTransfer?.types.includes('Files')) return;
        e.preventDefault();
        setOver(false);
        void take(e.dataTransfer.files[0]);
      }}
    >
      <legend class="field-label">{t('storyboard.startImage')}</legend>
      {image ? (
        <div class="start-image">
          {preview && <img src={preview} alt={t('create.startImage.preview', { name: image.name })} />}
          <span class="file-status" data-testid="sb-image-name">
            {image.name} · {formatBytes(image.size)}
          </span>
          <button
            type="button"
            class="btn btn-icon"
            aria-label={t('create.startImage.remove', { name: image.name })}
            onClick={() => setStartImage(null)}
          >
            <span aria-hidden="true">×</span>
          </button>
        </div>
      ) : (
        <div class="file-row">
          <input
            id="sb-start-image"
            class="file-input visually-hidden"
            type="file"
            accept={START_IMAGE_TYPES.join(',')}
            aria-describedby={['sb-image-hint', shown.length > 0 ? 'sb-image-issues' : ''].join(' ').trim()}
            onChange={(e) => {
              const picked = e.currentTarget.files?.[0];
              e.currentTarget.value = '';
              void take(picked);
            }}
          />
          <label for="sb-start-image" class="btn">
            {t('create.startImage.choose')}
          </label>
          <span id="sb-image-hint" class="muted small">
            {t('create.startImage.drop', { max: formatBytes(MAX_START_IMAGE_BYTES) })}
          </span>
        </div>
      )}
      <IssueList id="sb-image-issues" issues={shown} />
    </fieldset>
  );
}
