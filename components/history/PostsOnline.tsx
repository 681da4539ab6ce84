import { useEffect } from 'preact/hooks';
import { errorText, t } from '../../lib/i18n';
import { postUrl } from '../../lib/sora/config';
import { useHistory } from '../../lib/stores/history';
import { usePosts } from '../../lib/stores/posts';

/**
 * "Posts still online": every post Companion made on Sora and has not deleted (share links the user kept,
 * posts a download could not remove), each with its link and a Delete button. Hidden when there is none.
 */
export function PostsOnline() {
  const posts = usePosts((s) => s.posts);
  const deleting = usePosts((s) => s.deleting);
  const errors = usePosts((s) => s.errors);
  const items = useHistory((s) => s.items);
  useEffect(() => usePosts.getState().start(), []);
  const itemIds = posts.map((p) => p.itemId).join(' ');
  // The rows are named by their video's prompt.
  useEffect(() => {
    if (itemIds) useHistory.getState().ensureItems(itemIds.split(' '));
  }, [itemIds]);
  if (posts.length === 0) return null;
  return (
    <section class="card hdownloads" aria-labelledby="hposts-title" data-testid="history-posts">
      <div class="hdl-head">
        <h2 id="hposts-title">{t('history.posts.title')}</h2>
      </div>
      <p class="muted small">{t('history.posts.intro')}</p>
      <ul class="hdl-list">
        {posts.map((post) => {
          const prompt = items[post.itemId]?.prompt || post.itemId;
          const error = errors[post.id];
          return (
            <li key={post.id} class="hdl-row" data-testid="history-post-row" data-post-id={post.id}>
              <span class="hdl-prompt" dir="auto">
                {prompt}
              </span>
              <span class="hdl-state">
                {t(post.kept ? 'history.posts.kept' : 'history.posts.left')} ·{' '}
                <a href={postUrl(post.id)} target="_blank" rel="noreferrer">
                  {postUrl(post.id)}
                </a>
              </span>
              {(error || post.lastError) && (
                <span class="hdl-error small" role="status">
                  {t('history.posts.failed', {
                    message: error ? errorText(error) : (post.lastError ?? ''),
                  })}
                </span>
              )}
              <span class="hdl-actions">
                <button
                  type="button"
                  class="btn"
                  disabled={deleting.has(post.id)}
                  aria-label={t('history.posts.deleteOf', { prompt: prompt.slice(0, 60) })}
                  data-testid="history-post-delete"
                  onClick={() => void usePosts.getState().remove(post.id)}
                >
                  {t('history.posts.delete')}
                </button>
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
