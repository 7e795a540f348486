'use client';
import { useEffect, useSyncExternalStore, type RefObject } from 'react';
import type { MaskViewer } from '@/components/viewer/mask-viewer';
import type { ViewState } from '@/components/viewer/view-navigation';

/** One Ctrl/Cmd+wheel notch scales the views by this much (a trackpad's small deltas scale proportionally less). */
const ZOOM_PER_NOTCH = 1.25;
const MIDDLE = 1;

const noop = () => () => {};
const isTyping = (t: EventTarget | null) =>
  t instanceof HTMLElement && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName));

/**
 * Zoom and pan on the viewer's container, in the capture phase so neither NiiVue nor the painting tools see these
 * gestures: Ctrl/Cmd+wheel zooms (a plain wheel still scrolls slices in NiiVue), a middle-button drag or a left drag
 * with Space held pans. Returns the view state (zoom, slices), which follows every change whoever made it.
 */
export function useViewNavigation(containerRef: RefObject<HTMLDivElement | null>, viewer: MaskViewer | null): ViewState | null {
  useEffect(() => {
    const el = containerRef.current;
    if (!el || !viewer) return;
    let spaceHeld = false;
    let drag: { start: number[]; from: { x: number; y: number } } | null = null;

    const wheel = (e: WheelEvent) => {
      if (!e.ctrlKey && !e.metaKey) return;
      e.preventDefault(); // the browser's own page zoom
      e.stopPropagation();
      const notches = Math.max(-3, Math.min(3, -e.deltaY / 100));
      viewer.view.zoomBy(ZOOM_PER_NOTCH ** notches);
    };
    // On the window, ahead of the tools' listeners on the container (stopPropagation spares same-element listeners).
    const down = (e: MouseEvent) => {
      if (!(e.target instanceof Node && el.contains(e.target))) return;
      if (!(e.button === MIDDLE || (e.button === 0 && spaceHeld))) return;
      e.preventDefault(); // no autoscroll on middle click
      e.stopPropagation();
      drag = { start: viewer.view.panOffset(), from: { x: e.clientX, y: e.clientY } };
    };
    const move = (e: MouseEvent) => {
      if (!drag) return;
      e.stopPropagation();
      viewer.view.panDrag(drag.start, drag.from, { x: e.clientX, y: e.clientY });
    };
    const up = (e: MouseEvent) => {
      if (!drag) return;
      e.stopPropagation();
      drag = null;
    };
    const key = (e: KeyboardEvent) => {
      if (e.code !== 'Space' || isTyping(e.target)) return;
      spaceHeld = e.type === 'keydown';
      el.style.cursor = spaceHeld ? 'grab' : '';
      if (e.type === 'keydown') e.preventDefault(); // the page would scroll
    };
    el.addEventListener('wheel', wheel, { capture: true, passive: false });
    window.addEventListener('mousedown', down, { capture: true });
    window.addEventListener('mousemove', move, { capture: true });
    window.addEventListener('mouseup', up, { capture: true });
    window.addEventListener('keydown', key);
    window.addEventListener('keyup', key);
    return () => {
      el.removeEventListener('wheel', wheel, { capture: true });
      window.removeEventListener('mousedown', down, { capture: true });
      window.removeEventListener('mousemove', move, { capture: true });
      window.removeEventListener('mouseup', up, { capture: true });
      window.removeEventListener('keydown', key);
      window.removeEventListener('keyup', key);
      el.style.cursor = '';
    };
  }, [containerRef, viewer]);

  return useViewState(viewer);
}

/** The view state as React state; snapshots are cached so an unchanged view does not re-render. */
function useViewState(viewer: MaskViewer | null): ViewState | null {
  return useSyncExternalStore(
    viewer ? (cb) => viewer.view.subscribe(cb) : noop,
    () => (viewer ? cachedState(viewer) : null),
    () => null,
  );
}

const cache = new WeakMap<MaskViewer, { key: string; state: ViewState }>();
function cachedState(viewer: MaskViewer): ViewState | null {
  const s = viewer.view.state();
  if (!s) return null;
  const key = `${s.zoom}|${s.slices.join(',')}|${s.dims.join(',')}`;
  const hit = cache.get(viewer);
  if (hit?.key === key) return hit.state;
  cache.set(viewer, { key, state: s });
  return s;
}
