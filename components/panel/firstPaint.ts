/**
 * When the page's first frame with content has been presented: the browser's first-contentful-paint
 * entry, which it reports once that frame is on screen (a main-thread paint is done earlier, and work
 * started then competes with the compositor presenting it). Without paint timing, or if no paint comes
 * (a hidden page), one second after the first call.
 */
let presented: Promise<void> | null = null;

const FALLBACK_MS = 1000;

export function firstPaintPresented(): Promise<void> {
  presented ??= new Promise<void>((resolve) => {
    let observer: PerformanceObserver | undefined;
    const timer = setTimeout(done, FALLBACK_MS);
    function done() {
      clearTimeout(timer);
      observer?.disconnect();
      resolve();
    }
    if (typeof PerformanceObserver === 'undefined') return;
    if (!PerformanceObserver.supportedEntryTypes?.includes('paint')) return;
    observer = new PerformanceObserver((list) => {
      if (list.getEntriesByName('first-contentful-paint').length > 0) done();
    });
    observer.observe({ type: 'paint', buffered: true });
  });
  return presented;
}
