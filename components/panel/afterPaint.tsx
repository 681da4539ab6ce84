import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { firstPaintPresented } from './firstPaint';

/**
 * A component whose code is loaded once the panel's first frame is on screen (firstPaint.ts), for parts
 * that show nothing until they have read something themselves (the storage notices): their code, and what
 * it imports, stays out of the panel's entry. It renders nothing until loaded, and nothing if the load
 * fails (the extension was updated under the open panel: the next open loads the new code).
 */
export function afterPaint(load: () => Promise<ComponentType>): ComponentType {
  let loaded: ComponentType | null = null;
  return function AfterPaint() {
    const [Component, setComponent] = useState<ComponentType | null>(() => loaded);
    useEffect(() => {
      if (Component) return;
      let live = true;
      void firstPaintPresented()
        .then(load)
        .then(
          (c) => {
            loaded = c;
            if (live) setComponent(() => c);
          },
          () => {},
        );
      return () => {
        live = false;
      };
    }, []);
    return Component ? <Component /> : null;
  };
}
