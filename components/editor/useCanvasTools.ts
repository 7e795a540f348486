'use client';
import { useEffect, type RefObject } from 'react';
import type { EditSession, ToolSpec } from '@/lib/editor/session';
import type { Axis } from '@/lib/editor/types';
import type { MaskViewer } from '@/components/viewer/mask-viewer';
import type { RegionGuardHandle } from './useRegionGuard';

export interface ToolHandlers {
  /** the active painting tool, or null to let NiiVue handle the mouse (navigation) */
  active(): { kind: 'stroke' | 'fill'; spec: ToolSpec; fill3d: boolean } | null;
  onFillResult(changed: number): void;
}

/**
 * Routes left-button mouse input on the viewer to the edit session while a painting tool is active. Listeners run in
 * the capture phase on the container, so NiiVue (listening on the canvas) never sees those events and does not move
 * the crosshair under the brush; wheel, right/middle buttons and Ctrl+click still reach NiiVue (slice scrolling,
 * contrast, crosshair).
 */
export function useCanvasTools(
  containerRef: RefObject<HTMLDivElement | null>,
  viewer: MaskViewer | null,
  session: EditSession | null,
  enabled: boolean,
  handlers: RefObject<ToolHandlers>,
  guard: RefObject<RegionGuardHandle>,
) {
  useEffect(() => {
    const el = containerRef.current;
    if (!el || !viewer || !session || !enabled) return;
    let strokeAxis: Axis | null = null;
    const hit = (e: MouseEvent) => viewer.hitTest(e);

    const down = (e: MouseEvent) => {
      const tool = handlers.current.active();
      // Ctrl/Cmd+click goes to NiiVue, which moves the crosshair: navigation without leaving the tool.
      if (e.button !== 0 || !tool || e.ctrlKey || e.metaKey) return;
      e.stopPropagation();
      e.preventDefault();
      const h = hit(e);
      if (!h) return;
      if (tool.kind === 'fill') {
        // inside the head and, past the size limit, only with the user's yes (useRegionGuard)
        guard.current.fill(session, h.vox, h.axis, tool.spec, tool.fill3d, (n) => handlers.current.onFillResult(n));
        return;
      }
      strokeAxis = h.axis;
      session.beginStroke(h.vox, h.axis, tool.spec);
    };
    const move = (e: MouseEvent) => {
      if (!session.stroking) return;
      e.stopPropagation();
      const h = hit(e);
      // A stroke stays in the view it started in; leaving it pauses painting rather than jumping across views.
      if (h && h.axis === strokeAxis) session.moveStroke(h.vox);
    };
    const up = (e: MouseEvent) => {
      if (!session.stroking) return;
      e.stopPropagation();
      session.endStroke();
      strokeAxis = null;
    };
    el.addEventListener('mousedown', down, { capture: true });
    el.addEventListener('mousemove', move, { capture: true });
    window.addEventListener('mouseup', up, { capture: true });
    return () => {
      if (session.stroking) session.endStroke();
      el.removeEventListener('mousedown', down, { capture: true });
      el.removeEventListener('mousemove', move, { capture: true });
      window.removeEventListener('mouseup', up, { capture: true });
    };
  }, [containerRef, viewer, session, enabled, handlers, guard]);
}
