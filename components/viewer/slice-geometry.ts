'use client';
import type { Niivue } from '@niivue/niivue';
import type { Axis } from '@/lib/editor/types';

/**
 * Where one 2D view draws its slice, in the canvas's device pixels: the centre of in-plane voxel (0, 0), the step for
 * one voxel along each in-plane axis, and the view's tile (to clip to). Read from NiiVue's own tile layout, so zoom,
 * pan and radiological flips are whatever NiiVue drew.
 */
export interface SliceGeometry {
  axis: Axis;
  /** the voxel index along `axis` of the slice shown */
  slice: number;
  /** the in-plane array axes: u runs along the image's columns, v along its rows */
  u: Axis;
  v: Axis;
  origin: [number, number];
  du: [number, number];
  dv: [number, number];
  /** left, top, width, height of the view's tile */
  tile: [number, number, number, number];
}

const IN_PLANE: Record<Axis, [Axis, Axis]> = { 0: [1, 2], 1: [0, 2], 2: [0, 1] };

/** The geometry of the 2D view across `axis`, or null where none shows it (another layout, the 3D render). */
export function sliceGeometry(nv: Niivue, axis: Axis): SliceGeometry | null {
  const back = nv.back;
  if (!back?.dimsRAS) return null;
  const dims = [back.dimsRAS[1], back.dimsRAS[2], back.dimsRAS[3]];
  const cross = nv.scene.crosshairPos;
  const [u, v] = IN_PLANE[axis];
  const sliceType = 2 - axis;
  // voxel centres in-plane; through-plane exactly at the crosshair, where NiiVue cuts the slice it shows
  const at = (iu: number, iv: number) => {
    const frac = [cross[0], cross[1], cross[2]];
    frac[u] = (iu + 0.5) / dims[u];
    frac[v] = (iv + 0.5) / dims[v];
    const hit = nv.frac2canvasPosWithTile(frac as unknown as Parameters<Niivue['frac2canvasPosWithTile']>[0], sliceType);
    return hit && nv.screenSlices[hit.tileIndex]?.axCorSag === sliceType ? hit : null;
  };
  const o = at(0, 0),
    a = at(1, 0),
    b = at(0, 1);
  if (!o || !a || !b) return null;
  const ltwh = nv.screenSlices[o.tileIndex].leftTopWidthHeight;
  const tile: [number, number, number, number] =
    ltwh[2] < 0 ? [ltwh[0] + ltwh[2], ltwh[1], -ltwh[2], ltwh[3]] : [ltwh[0], ltwh[1], ltwh[2], ltwh[3]];
  return {
    axis,
    slice: Math.min(dims[axis] - 1, Math.max(0, Math.floor(cross[axis] * dims[axis]))),
    u,
    v,
    origin: [o.pos[0], o.pos[1]],
    du: [a.pos[0] - o.pos[0], a.pos[1] - o.pos[1]],
    dv: [b.pos[0] - o.pos[0], b.pos[1] - o.pos[1]],
    tile,
  };
}
