'use client';
import { useLayoutEffect, useState, type RefObject } from 'react';

/** Below this the views are too small to edit in; the page scrolls instead. */
const MIN_VIEW_PX = 320;

/**
 * The view's height: what the window leaves between the view's top (with the page scrolled to the top) and the sticky
 * footer that follows it, so the footer never covers the bottom of the views. A fixed share of the window (70vh) did:
 * at 1600x1000 the footer hid the lowest 100 px, where clicks landed on the save bar instead of the image.
 * Re-measured when the window, the footer or anything above the view (a draft offer, a conflict notice) changes size.
 */
export function useFitViewHeight(containerRef: RefObject<HTMLDivElement | null>): number | null {
  const [height, setHeight] = useState<number | null>(null);
  useLayoutEffect(() => {
    const el = containerRef.current;
    if (!el) return;
    const footer = el.nextElementSibling as HTMLElement | null;
    const measure = () => {
      const top = el.getBoundingClientRect().top + window.scrollY;
      const free = window.innerHeight - top - (footer?.offsetHeight ?? 0) - 8;
      setHeight(Math.max(MIN_VIEW_PX, Math.floor(free)));
    };
    measure();
    const observer = new ResizeObserver(measure);
    if (footer) observer.observe(footer);
    if (el.parentElement) observer.observe(el.parentElement);
    window.addEventListener('resize', measure);
    return () => {
      observer.disconnect();
      window.removeEventListener('resize', measure);
    };
  }, [containerRef]);
  return height;
}
