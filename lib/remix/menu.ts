/**
 * The "Remix this" context-menu items and what a click does: resolve the post, describe it (thumbnail,
 * original prompt), store the remix intent for the side panel. Opening the panel is the caller's job
 * because it must happen synchronously inside the click (the browser's user gesture).
 *
 * Two items, not three: one for links and videos, one for post pages. Chrome and Firefox group an
 * extension's items under a submenu as soon as two match one click, and a card's video sits inside its post
 * link, so separate link and video items would show "Remix this" twice on every feed card. For link and
 * video contexts `targetUrlPatterns` is matched against the link URL and the video's `src` respectively,
 * hence both the post pattern and the video CDN. The page context shows only when nothing else is under
 * the pointer.
 */
import { MEDIA_ORIGIN, SORA_ORIGIN } from '../sora/config';
import type { RemixIntent } from './intent';
import { type RemixClickInfo, resolvePostId } from './resolve';

export const REMIX_MENU_IDS = {
  /** A post link or a video on any Sora page. */
  target: 'companion.remix.target',
  /** Anywhere else on a post page (`/p/s_…`). */
  page: 'companion.remix.page',
} as const;

export const SORA_PAGES = [`${SORA_ORIGIN}/*`];
export const POST_PAGES = [`${SORA_ORIGIN}/p/s_*`];
const VIDEO_SOURCES = [`${MEDIA_ORIGIN}/*`];

export type RemixMenuContext = 'link' | 'video' | 'page';

export interface RemixMenuItem {
  id: string;
  title: string;
  contexts: [RemixMenuContext, ...RemixMenuContext[]];
  documentUrlPatterns: string[];
  targetUrlPatterns?: string[];
}

export function remixMenuItems(title: string): RemixMenuItem[] {
  return [
    {
      id: REMIX_MENU_IDS.target,
      title,
      contexts: ['link', 'video'],
      documentUrlPatterns: SORA_PAGES,
      targetUrlPatterns: [...POST_PAGES, ...VIDEO_SOURCES],
    },
    { id: REMIX_MENU_IDS.page, title, contexts: ['page'], documentUrlPatterns: POST_PAGES },
  ];
}

export const isRemixMenuItem = (id: unknown): boolean =>
  id === REMIX_MENU_IDS.target || id === REMIX_MENU_IDS.page;

/** `contextMenus` (Chrome) / `menus` (Firefox), as far as registration needs it. */
export interface MenusLike {
  create(props: RemixMenuItem, callback?: () => void): unknown;
  remove(id: string): Promise<void>;
  update(id: string, props: { title: string }): Promise<void>;
}

/**
 * (Re)creates the items. Removing first makes it idempotent: menus outlive the service worker and survive
 * updates, and creating an existing id is an error.
 */
export async function registerRemixMenu(menus: MenusLike, title: string): Promise<void> {
  for (const item of remixMenuItems(title)) {
    await menus.remove(item.id).catch(() => {});
    await new Promise<void>((resolve) => {
      // The callback form reports a failed create through runtime.lastError instead of an unhandled throw.
      menus.create(item, () => resolve());
    });
  }
}

/** New titles after a language change; items that do not exist (yet) are ignored. */
export async function retitleRemixMenu(menus: MenusLike, title: string): Promise<void> {
  for (const item of remixMenuItems(title)) await menus.update(item.id, { title }).catch(() => {});
}

export interface RemixClickDeps {
  /** Asks the tab's content script for the post under the pointer (`null` when it cannot tell). */
  askContentScript(tabId: number, frameId: number): Promise<string | null>;
  /** Thumbnail and prompt of a post; may reject or be slow (the caller bounds it). */
  describePost(postId: string): Promise<Pick<RemixIntent, 'thumbnail' | 'prompt'>>;
  /** Stores it for the side panel (lib/util/storage-items.ts `remixIntentItem`). */
  writeIntent(intent: RemixIntent): Promise<void>;
  /** How long to wait for `describePost` before storing the intent without it. Default 2500 ms. */
  describeTimeoutMs?: number;
  now?: () => number;
}

function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  return Promise.race([promise.catch(() => undefined), timeout]).finally(() => clearTimeout(timer));
}

/**
 * Handles one click on a remix item: the stored intent, or `null` when the click names no post (then
 * nothing is stored and the panel opens as it was).
 */
export async function handleRemixClick(
  info: RemixClickInfo,
  tabId: number | undefined,
  deps: RemixClickDeps,
): Promise<RemixIntent | null> {
  const postId = await resolvePostId(info, {
    pageItemId: REMIX_MENU_IDS.page,
    askContentScript: () =>
      tabId === undefined ? Promise.resolve(null) : deps.askContentScript(tabId, info.frameId ?? 0),
  });
  if (postId === null) return null;
  const described = await within(deps.describePost(postId), deps.describeTimeoutMs ?? 2500);
  const intent: RemixIntent = {
    view: 'create',
    remixTarget: postId,
    ...described,
    createdAt: (deps.now ?? Date.now)(),
  };
  await deps.writeIntent(intent);
  return intent;
}
