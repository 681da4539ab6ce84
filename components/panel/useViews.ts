import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { firstPaintPresented } from './firstPaint';
import { FIRST_VIEW, FIRST_VIEW_COMPONENT, VIEWS, type View, type ViewProps } from './views';

type Loaded = Partial<Record<View, ComponentType<ViewProps>>>;

// One load per view for the page's life, shared by a click and the idle prefetch.
const loads = new Map<View, Promise<ComponentType<ViewProps>>>();

function loadView(id: View): Promise<ComponentType<ViewProps>> {
  let pending = loads.get(id);
  if (!pending) {
    const entry = VIEWS.find((v) => v.id === id);
    pending = entry ? entry.load() : Promise.reject(new Error(`unknown view ${id}`));
    // A failed load (the extension was updated under the open panel, say) may be tried again.
    pending.catch(() => loads.delete(id));
    loads.set(id, pending);
  }
  return pending;
}

/**
 * Runs `run` once the first view is on screen and the page is idle (at the latest 2 s after it is on
 * screen): what follows the first paint must not compete with presenting it.
 */
export const whenIdle = (run: () => void): void => {
  void firstPaintPresented().then(() => {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(run, { timeout: 2000 });
    else setTimeout(run, 200);
  });
};

/**
 * The views' components as they arrive. `request` loads a view now (it is being opened); once the panel
 * has painted and is idle, the other views are fetched one at a time, so a later first switch rarely waits
 * for the network, and never competes with the first paint.
 */
export function useViews(): {
  loaded: Loaded;
  failed: ReadonlySet<View>;
  request(id: View): void;
} {
  const [loaded, setLoaded] = useState<Loaded>({ [FIRST_VIEW]: FIRST_VIEW_COMPONENT });
  const [failed, setFailed] = useState<ReadonlySet<View>>(new Set());

  const request = (id: View): Promise<void> =>
    loadView(id).then(
      (component) => {
        setLoaded((prev) => (prev[id] ? prev : { ...prev, [id]: component }));
        setFailed((prev) => (prev.has(id) ? new Set([...prev].filter((v) => v !== id)) : prev));
      },
      () => setFailed((prev) => new Set([...prev, id])),
    );

  useEffect(() => {
    let stopped = false;
    const queue = VIEWS.map((v) => v.id).filter((id) => id !== FIRST_VIEW);
    const next = () => {
      const id = queue.shift();
      if (stopped || !id) return;
      void request(id).finally(() => whenIdle(next));
    };
    whenIdle(next);
    return () => {
      stopped = true;
    };
  }, []);

  return {
    loaded,
    failed,
    request: (id) => {
      void request(id);
    },
  };
}
