/**
 * Content-script side of "which post is under the pointer?": remembers the element of the last
 * `contextmenu` event and walks up from it to the nearest post link (`<a href="/p/s_…">`) or post-id
 * attribute (`data-post-id="s_…"`, or any `data-*` attribute holding a post id or link), the way a video
 * without a link of its own still belongs to a card that knows its post.
 */
import { isPostId, parsePostId } from '../sora/ids';

/** The few DOM members the walk needs; real Elements satisfy it, tests pass plain objects. */
export interface ElementLike {
  readonly tagName: string;
  getAttribute(name: string): string | null;
  readonly attributes?: ArrayLike<{ readonly name: string; readonly value: string }>;
  readonly parentElement: ElementLike | null;
  getRootNode?(): unknown;
}

/** Deep enough for any card layout; bounded so a pathological tree cannot stall the page. */
const MAX_DEPTH = 25;

function postIdOfValue(value: string | null, baseUrl: string): string | null {
  if (!value) return null;
  const s = value.trim();
  if (isPostId(s)) return s;
  try {
    return parsePostId(new URL(s, baseUrl).href);
  } catch {
    return null;
  }
}

function postIdOfElement(el: ElementLike, baseUrl: string): string | null {
  if (el.tagName.toUpperCase() === 'A') {
    const fromHref = postIdOfValue(el.getAttribute('href'), baseUrl);
    if (fromHref) return fromHref;
  }
  const attrs = el.attributes;
  if (!attrs) return postIdOfValue(el.getAttribute('data-post-id'), baseUrl);
  for (let i = 0; i < attrs.length; i++) {
    const attr = attrs[i];
    if (!attr?.name.startsWith('data-')) continue;
    const id = postIdOfValue(attr.value, baseUrl);
    if (id) return id;
  }
  return null;
}

/** Parent element, stepping out of a shadow root to its host. */
function parentOf(el: ElementLike): ElementLike | null {
  if (el.parentElement) return el.parentElement;
  const root = el.getRootNode?.() as { host?: ElementLike } | undefined;
  return root?.host ?? null;
}

/** The post id of `start` or its nearest ancestor that names one; relative hrefs resolve against `baseUrl`. */
export function findPostId(start: ElementLike | null, baseUrl: string): string | null {
  let el = start;
  for (let depth = 0; el && depth < MAX_DEPTH; depth++, el = parentOf(el)) {
    const id = postIdOfElement(el, baseUrl);
    if (id) return id;
  }
  return null;
}

interface ContextMenuEventLike {
  target: unknown;
  composedPath?(): unknown[];
}

export interface EventTargetLike {
  addEventListener(type: 'contextmenu', fn: (e: ContextMenuEventLike) => void, capture: boolean): void;
}

/** A right-click older than this is not the one the menu click belongs to. */
export const POINTER_MAX_AGE_MS = 60_000;

function isElementLike(v: unknown): v is ElementLike {
  return typeof v === 'object' && v !== null && typeof (v as ElementLike).getAttribute === 'function';
}

/**
 * Follows `contextmenu` on `target` (capture phase, so a page that stops propagation still tells us) and
 * answers the post id under the last right-click.
 */
export function createPointerTracker(
  target: EventTargetLike,
  baseUrl: () => string,
  now: () => number = Date.now,
): { postIdUnderPointer(): string | null } {
  let last: { ref: WeakRef<ElementLike>; at: number } | undefined;
  target.addEventListener(
    'contextmenu',
    (e) => {
      // composedPath()[0] is the real element inside an open shadow root; e.target would be its host.
      const el = e.composedPath?.()[0] ?? e.target;
      last = isElementLike(el) ? { ref: new WeakRef(el), at: now() } : undefined;
    },
    true,
  );
  return {
    postIdUnderPointer() {
      if (!last || now() - last.at > POINTER_MAX_AGE_MS) return null;
      return findPostId(last.ref.deref() ?? null, baseUrl());
    },
  };
}
