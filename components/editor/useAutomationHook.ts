'use client';
import { useEffect } from 'react';
import type { Axis, Vec3 } from '@/lib/editor/types';
import type { MaskViewer } from '@/components/viewer/mask-viewer';

declare global {
  interface Window {
    /** Read-only geometry for browser automation (e2e tests, benchmarks): where a voxel is drawn on screen. */
    tumorwatchViewer?: {
      clientPoint(vox: Vec3, axis: Axis): { x: number; y: number } | null;
      dims: readonly number[];
      crosshair(): Vec3;
      moveCrosshair(vox: Vec3): void;
      /** client rectangle of the 3D render tile, when the layout shows one */
      renderTileRect(): { x: number; y: number; width: number; height: number } | null;
    };
  }
}

/** Exposes geometry and navigation only (no way to edit the mask): tests then drive the real mouse to a known voxel. */
export function useAutomationHook(viewer: MaskViewer | null, ready: boolean) {
  useEffect(() => {
    if (!viewer || !ready) return;
    window.tumorwatchViewer = {
      clientPoint: (v, a) => viewer.clientPoint(v, a),
      dims: viewer.grid().dims,
      crosshair: () => viewer.crosshair(),
      moveCrosshair: (v) => viewer.moveCrosshairTo(v),
      renderTileRect: () => viewer.view.renderTileRect(),
    };
    return () => {
      delete window.tumorwatchViewer;
    };
  }, [viewer, ready]);
}
