'use client';
import { EditSession } from '@/lib/editor/session';
import type { MaskGrid } from '@/lib/editor/types';
import type { MaskViewer } from '@/components/viewer/mask-viewer';
import { unionRange, type DirtyRange } from '@/components/viewer/drawing-upload';
import { StrokePreview } from '@/components/viewer/stroke-preview';

/** the viewer the session's changes are drawn on: a restored WebGL context brings a new one */
export interface FrameTarget {
  viewer: MaskViewer;
  signal: AbortSignal;
}

/**
 * An edit session whose changes reach the screen once per animation frame, however many mouse events change the mask.
 * While a brush paints, a frame draws only the stroke's preview over its view (StrokePreview); otherwise, and once
 * the stroke ends, NiiVue re-renders after uploading only the slab that changed (everything after an undo, a fill...).
 * Each frame that shows mask changes dispatches `tw:mask-frame` on the canvas (detail: the time it finished), which
 * the editor benchmark reads to time painting from pointer event to frame. Two query switches give the benchmark its
 * same-page baselines: `?maskUpload=full` uploads the whole volume per frame, `?strokePreview=off` renders NiiVue on
 * every frame of a stroke.
 */
export function newSession(
  mask: Uint8Array,
  grid: MaskGrid,
  target: FrameTarget,
  canvas: HTMLCanvasElement,
  overlay: HTMLCanvasElement | null,
): EditSession {
  const query = new URLSearchParams(window.location.search);
  const partial = query.get('maskUpload') !== 'full';
  const preview = overlay && query.get('strokePreview') !== 'off' ? new StrokePreview(overlay, grid.dims) : null;
  let previewed = 0; // the stroke's changed voxels already on the preview
  let queued = false;
  let dirty: DirtyRange | null = null;
  let all = false;

  const session = new EditSession(mask, grid, (range) => {
    if (range && partial && !all) dirty = unionRange(dirty, range);
    else all = true;
    if (queued) return;
    queued = true;
    requestAnimationFrame(frame);
  });

  /** Draws the stroke in progress on the preview; false where it cannot (no stroke, erasing, no 2D view of it). */
  function previewStroke(viewer: MaskViewer): boolean {
    const stroke = session.activeStroke;
    const style = viewer.labelStyle;
    if (!preview || !stroke || stroke.erases || !style) return false;
    if (!preview.active) {
      const geometry = viewer.sliceGeometry(stroke.axis);
      if (!geometry) return false;
      preview.begin(geometry, { width: canvas.width, height: canvas.height });
      previewed = 0;
    }
    previewed = session.visitStrokeChanges(previewed, (index) => preview.set(index, session.mask[index], style));
    preview.draw();
    return true;
  }

  function frame() {
    queued = false;
    if (target.signal.aborted) return;
    // the changes keep accumulating in `dirty` while previewed: NiiVue gets them in one upload when the stroke ends
    if (!previewStroke(target.viewer)) {
      const upload = all ? null : dirty;
      all = false;
      dirty = null;
      target.viewer.refreshMask(upload);
      if (preview?.active) preview.clear(); // after NiiVue's frame holds the stroke: no flicker in between
    }
    canvas.dispatchEvent(new CustomEvent('tw:mask-frame', { detail: performance.now() }));
  }
  return session;
}
