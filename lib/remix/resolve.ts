/** Which post a "Remix this" click means. */
import { parsePostId } from '../sora/ids';

/** The parts of `contextMenus.OnClickData` the resolution reads. */
export interface RemixClickInfo {
  menuItemId: string | number;
  linkUrl?: string;
  pageUrl?: string;
  srcUrl?: string;
  frameId?: number;
}

const postIdOf = (url: string | undefined) => (url ? parsePostId(url) : null);

/**
 * The post id of a click: the link's, else for a click on the page itself the page's (`/p/s_…`), else —
 * a video with no post link around it — what the content script finds under the pointer, and only then
 * the page's. The element is asked before the page URL because a post page may show other posts' videos.
 */
export async function resolvePostId(
  info: RemixClickInfo,
  opts: { pageItemId: string; askContentScript: () => Promise<string | null> },
): Promise<string | null> {
  const fromLink = postIdOf(info.linkUrl);
  if (fromLink) return fromLink;
  const fromPage = postIdOf(info.pageUrl);
  if (info.menuItemId === opts.pageItemId) return fromPage;
  const fromElement = await opts.askContentScript().catch(() => null);
  return fromElement ?? fromPage;
}
