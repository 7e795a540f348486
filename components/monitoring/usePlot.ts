'use client';
import { useEffect, useRef, useState } from 'react';

/** Plot's default width, used until the container has been measured. */
const DEFAULT_WIDTH = 640;
/** Width changes smaller than this do not redraw (scrollbars appearing, sub-pixel layout). */
const REDRAW_STEP = 16;

/** Text size for every chart: Plot's 10 px default is too small to read on a dashboard. */
export const PLOT_STYLE = { fontSize: '12px' } as const;

/**
 * Renders an Observable Plot figure into a div after mount (Plot needs the DOM), replacing it when `deps` change and
 * removing it on unmount (React strict mode mounts twice). `render` gets the container's width: a figure drawn at the
 * width it is shown at keeps its text at its real size, where a wider one scaled down to fit shrinks every label.
 */
export function usePlot(render: (width: number) => Element | null, deps: unknown[]) {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState<number | null>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(([entry]) => {
      const w = Math.floor(entry.contentRect.width);
      if (w > 0) setWidth((old) => (old != null && Math.abs(old - w) < REDRAW_STEP ? old : w));
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const figure = render(width ?? DEFAULT_WIDTH);
    if (!figure) return;
    el.replaceChildren(figure);
    return () => figure.remove();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, width]);
  return ref;
}
