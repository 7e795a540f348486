'use client';
import { SLICE_TYPE, type Niivue } from '@niivue/niivue';
import type { Axis, Dims, Vec3 } from '@/lib/editor/types';

/**
 * Voxels to screen and back in NiiVue's 2D views: the mouse's voxel (hitTest), a voxel's page point (clientPoint), and
 * a whole slice's placement (sliceGeometry), all read from the tiles NiiVue last drew.
 */

/** The voxel under the mouse in a 2D view and the slice axis of that view, or null (outside the image, a 3D tile). */
export function hitTest(nv: Niivue, e: MouseEvent, dims: Dims): { vox: Vec3; axis: Axis } | null {
  const pos = nv.getNoPaddingNoBorderCanvasRelativeMousePosition(e, nv.gl.canvas);
  if (!pos) return null;
  const x = pos.x * nv.uiData.dpr!,
    y = pos.y * nv.uiData.dpr!;
  const tile = nv.tileIndex(x, y);
  if (tile < 0 || nv.screenSlices[tile].axCorSag > SLICE_TYPE.SAGITTAL) return null;
  const frac = nv.screenXY2TextureFrac(x, y, tile);
  if (frac[0] < 0) return null;
  const vox = [0, 1, 2].map((i) => Math.min(dims[i] - 1, Math.max(0, frac[i] * dims[i] - 0.5))) as Vec3;
  return { vox, axis: (2 - nv.screenSlices[tile].axCorSag) as Axis };
}

/** Page coordinates of a voxel's centre in the 2D view across `axis`, or null where it is not on the canvas. */
export function clientPoint(nv: Niivue, vox: Vec3, axis: Axis): { x: number; y: number } | null {
  const wanted = (2 - axis) as SLICE_TYPE;
  const hit = nv.frac2canvasPosWithTile(nv.vox2frac(vox), wanted);
  if (!hit || nv.screenSlices[hit.tileIndex]?.axCorSag !== wanted) return null;
  const rect = nv.gl.canvas instanceof HTMLCanvasElement ? nv.gl.canvas.getBoundingClientRect() : null;
  if (!rect) return null;
  const dpr = nv.uiData.dpr!;
  const x = hit.pos[0] / dpr,
    y = hit.pos[1] / dpr;
  // zoomed or panned, a voxel can lie in its view's tile yet off the canvas: a click there lands on something else
  if (x < 0 || y < 0 || x >= rect.width || y >= rect.height) return null;
  return { x: rect.left + x, y: rect.top + y };
}

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
