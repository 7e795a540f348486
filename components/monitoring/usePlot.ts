'use client';
import { useEffect, useRef } from 'react';

/**
 * Renders an Observable Plot figure into a div after mount (Plot needs the DOM), replacing it when `deps` change and
 * removing it on unmount (React strict mode mounts twice).
 */
export function usePlot(render: () => Element | null, deps: unknown[]) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const figure = render();
    if (!figure) return;
    el.replaceChildren(figure);
    return () => figure.remove();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return ref;
}
