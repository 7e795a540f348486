'use client';
import { useCallback, useLayoutEffect, useRef, useState } from 'react';
import { FILL_DECLINED, type EditSession, type FillGuard, type ToolSpec } from '@/lib/editor/session';
import { changedMl, confirmText, headMask, needsConfirmation } from '@/lib/editor/region-guard';
import type { Spacing, Vec3 } from '@/lib/editor/types';
import type { MaskViewer } from '@/components/viewer/mask-viewer';
import { LABEL_NAMES } from './settings';

/** A fill of more than this asks first: larger than most single lesion parts, far less than a slice of air. */
export const DEFAULT_FILL_LIMIT_ML = 10;
const LIMIT_KEY = 'tumorwatch.editor.fillLimitMl';

export interface RegionGuardHandle {
  /** runs one guarded fill; says what happened in the notice line */
  fill(session: EditSession, vox: Vec3, axis: 0 | 1 | 2, spec: ToolSpec, in3d: boolean, done: (changed: number) => void): void;
}

function storedLimit(): number {
  const v = typeof window === 'undefined' ? null : Number.parseFloat(window.localStorage.getItem(LIMIT_KEY) ?? '');
  return v != null && Number.isFinite(v) && v >= 0 ? v : DEFAULT_FILL_LIMIT_ML;
}

/**
 * Keeps region tools inside the head (non-zero on any decoded sequence) and asks before one action changes more than
 * the user's limit (kept in this browser). The head mask is computed once per set of decoded sequences.
 */
export function useRegionGuard(viewer: MaskViewer | null, loaded: string[], notify: (text: string) => void) {
  // read once on the client (the limit's input is not part of the server-rendered page: no hydration mismatch)
  const [limitMl, setLimit] = useState<number>(storedLimit);
  const setLimitMl = useCallback((ml: number) => {
    if (!Number.isFinite(ml) || ml < 0) return;
    setLimit(ml);
    window.localStorage.setItem(LIMIT_KEY, String(ml));
  }, []);

  const head = useRef<{ key: string; mask: Uint8Array } | null>(null);
  const headFor = useCallback((): Uint8Array | null => {
    const key = [...loaded].sort().join(',');
    if (head.current?.key === key) return head.current.mask;
    const volumes = loaded.map((m) => viewer?.rasIntensities(m)).filter((v): v is Float32Array => !!v);
    if (volumes.length === 0) return null;
    head.current = { key, mask: headMask(volumes) };
    return head.current.mask;
  }, [viewer, loaded]);

  /** true when a change of `voxels` is within the limit or the user says yes to it */
  const approve = useCallback(
    (action: string, voxels: number, spacing: Spacing, name: string) => {
      const ml = changedMl(voxels, spacing);
      return !needsConfirmation(ml, limitMl) || window.confirm(confirmText(action, ml, name));
    },
    [limitMl],
  );

  const handle = useRef<RegionGuardHandle>({ fill: () => {} });
  useLayoutEffect(() => {
    handle.current.fill = (session, vox, axis, spec, in3d, done) => {
      const within = headFor();
      if (!within) return notify('The images are still loading: the fill waits for them.');
      const [nx, ny] = session.grid.dims;
      const [x, y, z] = vox.map(Math.round);
      if (!within[x + y * nx + z * nx * ny]) return notify('That point is outside the head: fill works only where the images have signal.');
      const name = spec.kind === 'eraser' ? 'erase' : LABEL_NAMES[spec.label];
      const guard: FillGuard = {
        within,
        approve: (voxels) => approve('fill', voxels, session.grid.spacing, name),
      };
      const n = session.fill(vox, axis, spec, in3d, guard);
      if (n === FILL_DECLINED) notify('Fill not applied: nothing changed.');
      else done(n);
    };
  });
  return { handle, limitMl, setLimitMl, approve };
}
