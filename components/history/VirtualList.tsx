import type { ComponentChildren, JSX } from 'preact';
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';

interface VirtualListProps extends Omit<JSX.HTMLAttributes<HTMLDivElement>, 'children' | 'onScroll'> {
  count: number;
  rowHeight: number;
  /** Rows rendered above and below the visible ones (smooth fast scrolling). */
  overscan?: number;
  renderRow(index: number, top: number): ComponentChildren;
  /** The rows in view changed (to load their records). */
  onRange?(start: number, end: number): void;
  /** Brought into view when it changes (keyboard navigation). */
  scrollToIndex?: number | null;
}

/**
 * Fixed-row-height windowing: only the rows in view (plus a few) are in the DOM, so 50,000 rows cost what
 * 20 do. A few dozen lines instead of a dependency; the list sizes itself to the window below its top.
 */
export function VirtualList(props: VirtualListProps) {
  const { count, rowHeight, overscan = 6, renderRow, onRange, scrollToIndex, style, ...rest } = props;
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(400);
  const frame = useRef(0);

  // The list fills the panel below its top edge (at least a few rows), and follows resizes.
  useLayoutEffect(() => {
    const measure = () => {
      const el = ref.current;
      if (!el) return;
      const top = el.getBoundingClientRect().top + window.scrollY;
      setHeight(Math.max(rowHeight * 4, window.innerHeight - top - 12));
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(document.body);
    window.addEventListener('resize', measure);
    return () => {
      observer.disconnect();
      window.removeEventListener('resize', measure);
    };
  }, [rowHeight]);

  const onScroll = useCallback(() => {
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      if (ref.current) setScrollTop(ref.current.scrollTop);
    });
  }, []);
  useEffect(() => () => cancelAnimationFrame(frame.current), []);

  useEffect(() => {
    const el = ref.current;
    if (!el || scrollToIndex === null || scrollToIndex === undefined || scrollToIndex < 0) return;
    const top = scrollToIndex * rowHeight;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + rowHeight > el.scrollTop + el.clientHeight)
      el.scrollTop = top + rowHeight - el.clientHeight;
    setScrollTop(el.scrollTop);
  }, [scrollToIndex, rowHeight]);

  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(count, Math.ceil((scrollTop + height) / rowHeight) + overscan);
  useEffect(() => onRange?.(first, last), [first, last, onRange]);

  const rows: ComponentChildren[] = [];
  for (let i = first; i < last; i++) rows.push(renderRow(i, i * rowHeight));
  return (
    <div
      {...rest}
      ref={ref}
      onScroll={onScroll}
      style={{ height: `${height}px`, overflowY: 'auto', position: 'relative', ...(style as object) }}
    >
      <div style={{ height: `${count * rowHeight}px`, position: 'relative' }}>{rows}</div>
    </div>
  );
}
