import {
  inBounds,
  inRange,
  ruleAllows,
  type Axis,
  type Dims,
  type IntensityRange,
  type OverwriteRule,
  type Spacing,
  type Vec3,
} from './types';
import type { ChangeRecorder } from './history';

/**
 * A brush is a set of voxel offsets: a disc in the plane of the view being painted (2D) or an ellipsoid that is a
 * sphere in millimetres (3D), so anisotropic voxels still give a round brush.
 */
export interface BrushShape {
  /** brush diameter in mm; 1 mm on a 1 mm grid paints a single voxel */
  diameterMm: number;
  /** 'sphere' paints in 3D; a number is the axis the 2D disc lies across (the slice axis of the view) */
  mode: 'sphere' | Axis;
}

export function brushOffsets(shape: BrushShape, spacing: Spacing): Int32Array {
  const r = Math.max(shape.diameterMm / 2, 0);
  // Half a voxel of slack so that diameter d covers d voxels across on a 1 mm grid (a 3 mm brush is 3 voxels wide).
  const reach = spacing.map((s) => Math.floor(r / s + 1e-9)) as [number, number, number];
  if (shape.mode !== 'sphere') reach[shape.mode] = 0;
  const r2 = r * r + 1e-9;
  const out: number[] = [];
  for (let dz = -reach[2]; dz <= reach[2]; dz++)
    for (let dy = -reach[1]; dy <= reach[1]; dy++)
      for (let dx = -reach[0]; dx <= reach[0]; dx++) {
        const d2 = (dx * spacing[0]) ** 2 + (dy * spacing[1]) ** 2 + (dz * spacing[2]) ** 2;
        if (d2 <= r2 || (dx === 0 && dy === 0 && dz === 0)) out.push(dx, dy, dz);
      }
  return Int32Array.from(out);
}

/** What a stroke writes and where it may write it. */
export interface PaintSpec {
  /** label to paint, or 0 to erase */
  value: number;
  rule: OverwriteRule;
  /** eraser only: the label it removes (null = any label) */
  eraseOnly?: number | null;
  range?: IntensityRange | null;
}

/** Whether a tool described by `spec` may change voxel `index` currently holding `current`. */
export function canWrite(spec: PaintSpec, current: number, index: number): boolean {
  if (spec.value === 0) {
    if (current === 0) return false;
    if (spec.eraseOnly != null && current !== spec.eraseOnly) return false;
  } else if (!ruleAllows(spec.rule, current, spec.value)) return false;
  return inRange(spec.range, index);
}

/** Stamps the brush once at a voxel centre; returns the number of voxels changed. */
export function stamp(rec: ChangeRecorder, mask: Uint8Array, dims: Dims, centre: Vec3, offsets: Int32Array, spec: PaintSpec): number {
  const [cx, cy, cz] = centre.map(Math.round);
  const nx = dims[0],
    nxy = dims[0] * dims[1];
  let changed = 0;
  for (let i = 0; i < offsets.length; i += 3) {
    const x = cx + offsets[i],
      y = cy + offsets[i + 1],
      z = cz + offsets[i + 2];
    if (!inBounds(dims, x, y, z)) continue;
    const idx = x + y * nx + z * nxy;
    if (canWrite(spec, mask[idx], idx) && rec.set(idx, spec.value)) changed++;
  }
  return changed;
}

/**
 * Voxel centres along a mouse drag from `a` to `b` (continuous voxel coordinates), spaced at most half a voxel apart
 * so that a fast drag leaves no gaps; consecutive duplicates are dropped.
 */
export function strokePoints(a: Vec3, b: Vec3): Vec3[] {
  const len = Math.max(Math.abs(b[0] - a[0]), Math.abs(b[1] - a[1]), Math.abs(b[2] - a[2]));
  const steps = Math.max(1, Math.ceil(len * 2));
  const out: Vec3[] = [];
  let last = '';
  for (let s = 0; s <= steps; s++) {
    const t = s / steps;
    const p: Vec3 = [Math.round(a[0] + (b[0] - a[0]) * t), Math.round(a[1] + (b[1] - a[1]) * t), Math.round(a[2] + (b[2] - a[2]) * t)];
    const key = p.join(',');
    if (key !== last) out.push(p);
    last = key;
  }
  return out;
}

/** Paints a drag segment; the recorder gathers the whole stroke into one undo step. */
export function paintSegment(
  rec: ChangeRecorder,
  mask: Uint8Array,
  dims: Dims,
  from: Vec3,
  to: Vec3,
  offsets: Int32Array,
  spec: PaintSpec,
): number {
  let changed = 0;
  for (const p of strokePoints(from, to)) changed += stamp(rec, mask, dims, p, offsets, spec);
  return changed;
}
