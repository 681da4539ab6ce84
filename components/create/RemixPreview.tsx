import { t } from '../../lib/i18n';
import { postUrl } from '../../lib/sora/config';
import { parsePostId } from '../../lib/sora/ids';
import { safePreviewSrc } from '../../lib/sora/media-hosts';
import { useIntent } from '../../lib/stores/intent';
import './remix-preview.css';

/**
 * The video a "Remix this" click chose: thumbnail and original prompt, shown while the remix field still
 * holds that post (typing another target hides it).
 */
export function RemixPreview({ target }: { target: string }) {
  const applied = useIntent((s) => s.applied);
  if (!applied || parsePostId(target) !== applied.remixTarget) return null;
  // A thumbnail off Sora's media host is not loaded; the prompt alone still shows which video it is.
  const thumbnail = safePreviewSrc(applied.thumbnail);
  if (!thumbnail && !applied.prompt) return null;
  return (
    <figure class="remix-preview" data-testid="remix-preview" aria-label={t('remix.original')}>
      {thumbnail && (
        <img src={thumbnail} alt={t('remix.thumbnailAlt')} loading="lazy" referrerpolicy="no-referrer" />
      )}
      <figcaption>
        {applied.prompt && (
          <>
            <span class="muted small">{t('remix.originalPrompt')}</span>
            <p class="remix-preview-prompt">{applied.prompt}</p>
          </>
        )}
        <a href={postUrl(applied.remixTarget)} target="_blank" rel="noreferrer" class="small">
          {t('remix.openPost')}
        </a>
      </figcaption>
    </figure>
  );
}
