'use client';
import type { Niivue } from '@niivue/niivue';

/** Flat indices (x + y*nx + z*nx*ny) of the first and last voxel an operation changed. */
export interface DirtyRange {
  first: number;
  last: number;
}

/** The smallest range holding both (null stands for "everything"). */
export function unionRange(a: DirtyRange | null, b: DirtyRange): DirtyRange {
  return a ? { first: Math.min(a.first, b.first), last: Math.max(a.last, b.last) } : b;
}

/**
 * Uploads only the axial slab [z0, z1] of the drawing that holds `dirty`, into NiiVue's drawing texture, as
 * `refreshDrawing` would upload the whole volume. Returns false where NiiVue's own path is needed (a smoothed or
 * huge 2D drawing, no texture yet): the caller then refreshes the whole drawing.
 */
export function uploadDrawingSlab(nv: Niivue, dirty: DirtyRange): boolean {
  const dims = nv.back?.dims;
  const bitmap = nv.drawBitmap;
  if (!dims || !bitmap || !nv.drawTexture || nv.opts.smoothDrawing > 0 || nv.opts.is2DSliceShader) return false;
  const [nx, ny, nz] = [dims[1], dims[2], dims[3]];
  const slice = nx * ny;
  if (bitmap.length !== slice * nz) return false;
  const z0 = Math.max(0, Math.floor(dirty.first / slice));
  const z1 = Math.min(nz - 1, Math.floor(dirty.last / slice));
  if (z1 < z0) return true;
  const gl = nv.gl;
  gl.activeTexture(gl.TEXTURE7); // NiiVue's drawing texture unit
  gl.bindTexture(gl.TEXTURE_3D, nv.drawTexture);
  gl.pixelStorei(gl.UNPACK_ALIGNMENT, 1);
  gl.texSubImage3D(
    gl.TEXTURE_3D,
    0,
    0,
    0,
    z0,
    nx,
    ny,
    z1 - z0 + 1,
    gl.RED,
    gl.UNSIGNED_BYTE,
    bitmap.subarray(z0 * slice, (z1 + 1) * slice),
  );
  return true;
}
