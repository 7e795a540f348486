/**
 * Shared shapes of the mask editor. A mask is a Uint8Array on the editing grid, x fastest (index x + y*nx + z*nx*ny),
 * holding product labels 0 (background), 1 NCR, 2 ED, 3 ET. The browser edits in NiiVue's RAS-reoriented grid; the
 * server uses the file's native grid: every function here is indifferent to which, as long as dims and spacing agree.
 */
export type Vec3 = [number, number, number];
export type Dims = readonly [number, number, number];
export type Spacing = readonly [number, number, number];

export interface MaskGrid {
  dims: Dims;
  /** voxel size in mm along each array axis */
  spacing: Spacing;
}

/** 0 = x (sagittal slices), 1 = y (coronal), 2 = z (axial). */
export type Axis = 0 | 1 | 2;

export const EDIT_LABELS = [1, 2, 3] as const;
export type EditLabel = (typeof EDIT_LABELS)[number];
export const MAX_LABEL = 3;

/** Which voxels a tool may change (overwrite protection, as in Slicer's "editable area" / ITK-SNAP "draw over"). */
export type OverwriteRule = { mode: 'any' } | { mode: 'background' } | { mode: 'label'; label: EditLabel };

/** Restricts a tool to voxels whose intensity on a chosen modality lies in [lo, hi] (threshold painting). */
export interface IntensityRange {
  /** intensities on the editing grid, same indexing as the mask */
  values: ArrayLike<number>;
  lo: number;
  hi: number;
}

export function voxelCount(dims: Dims): number {
  return dims[0] * dims[1] * dims[2];
}

export function voxelVolumeMl(spacing: Spacing): number {
  return (spacing[0] * spacing[1] * spacing[2]) / 1000;
}

export function inBounds(dims: Dims, x: number, y: number, z: number): boolean {
  return x >= 0 && y >= 0 && z >= 0 && x < dims[0] && y < dims[1] && z < dims[2];
}

/** May a tool that writes `next` change a voxel holding `current`? Writing the same value is never a change. */
export function ruleAllows(rule: OverwriteRule, current: number, next: number): boolean {
  if (current === next) return false;
  if (next === 0) return true; // erasing is governed by the eraser's own target, not the paint rule
  if (rule.mode === 'any') return true;
  if (rule.mode === 'background') return current === 0;
  return current === rule.label;
}

export function inRange(range: IntensityRange | null | undefined, index: number): boolean {
  if (!range) return true;
  const v = range.values[index];
  return v >= range.lo && v <= range.hi;
}
