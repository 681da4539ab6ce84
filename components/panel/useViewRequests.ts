import { useEffect, useRef } from 'preact/hooks';
import { whenIdle } from './useViews';
import type { View } from './views';

/**
 * Views ask the panel for one another through their stores: "Open in storyboard" (Queue and History rows)
 * bumps the storyboard store's `showRequest`, "Make a character from this video" (History) sets the
 * characters store's `fromVideo`. Those stores bring the storyboard model, the history search and
 * IndexedDB with them, none of which the first view needs, so the panel imports them after it has painted
 * (when idle, or as soon as another view is opened) instead of in its entry. Only a view that has loaded
 * the same store can ask, so no request is made before the panel follows; one made while the import is
 * under way is still seen (the store's state is read when following starts).
 *
 * Returns `follow`, to call when another view is opened.
 */
type Follow = (show: (view: View) => void) => Promise<() => void>;

const FOLLOWERS: Record<'storyboard' | 'characters', Follow> = {
  storyboard: (show) =>
    import('../../lib/stores/storyboard').then(({ useStoryboard }) => {
      if (useStoryboard.getState().showRequest > 0) show('storyboard');
      return useStoryboard.subscribe((s, prev) => {
        if (s.showRequest > 0 && s.showRequest !== prev.showRequest) show('storyboard');
      });
    }),
  characters: (show) =>
    import('../../lib/stores/characters').then(({ useCharacters }) => {
      if (useCharacters.getState().fromVideo) show('characters');
      return useCharacters.subscribe((s, prev) => {
        if (s.fromVideo && s.fromVideo !== prev.fromVideo) show('characters');
      });
    }),
};

export function useViewRequests(show: (view: View) => void): () => void {
  const latest = useRef(show);
  latest.current = show;
  const stops = useRef(new Map<keyof typeof FOLLOWERS, Promise<() => void>>());
  const mounted = useRef(true);

  const follow = (): void => {
    for (const key of Object.keys(FOLLOWERS) as (keyof typeof FOLLOWERS)[]) {
      if (!mounted.current || stops.current.has(key)) continue;
      const stop = FOLLOWERS[key]((view) => latest.current(view));
      // A failed chunk load (the extension was updated under the open panel) is tried again next time.
      stop.catch(() => stops.current.delete(key));
      stops.current.set(key, stop);
    }
  };

  useEffect(() => {
    mounted.current = true;
    whenIdle(follow);
    return () => {
      mounted.current = false;
      for (const stop of stops.current.values()) void stop.then((s) => s()).catch(() => {});
      stops.current.clear();
    };
  }, []);

  return follow;
}
