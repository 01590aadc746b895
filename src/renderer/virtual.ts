// A tiny virtualiser for fixed-height rows: only the rows in view (and a few either side) are in
// the DOM, whatever the count, so a list of 100 000 events scrolls like one of 50.
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';

/** Height of the viewport when the layout engine reports none (jsdom in tests). */
const FALLBACK_HEIGHT = 600;

export interface VirtualRows {
  ref: RefObject<HTMLDivElement | null>;
  first: number;
  last: number;
  /** Pixels above the first rendered row. */
  offset: number;
  total: number;
  onScroll: () => void;
  /** Scrolls so that row `i` is visible. */
  reveal: (i: number) => void;
}

export function useVirtualRows(count: number, rowHeight: number, overscan = 8): VirtualRows {
  const ref = useRef<HTMLDivElement | null>(null);
  const [top, setTop] = useState(0);
  const [height, setHeight] = useState(FALLBACK_HEIGHT);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setHeight(el.clientHeight || FALLBACK_HEIGHT);
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const onScroll = useCallback(() => setTop(ref.current?.scrollTop ?? 0), []);
  const reveal = useCallback(
    (i: number) => {
      const el = ref.current;
      if (!el) return;
      const h = el.clientHeight || FALLBACK_HEIGHT;
      const y = i * rowHeight;
      if (y < el.scrollTop) el.scrollTop = y;
      else if (y + rowHeight > el.scrollTop + h) el.scrollTop = y + rowHeight - h;
      setTop(el.scrollTop);
    },
    [rowHeight],
  );
  const first = Math.max(0, Math.floor(top / rowHeight) - overscan);
  const last = Math.min(count, Math.ceil((top + height) / rowHeight) + overscan);
  return { ref, first, last, offset: first * rowHeight, total: count * rowHeight, onScroll, reveal };
}
