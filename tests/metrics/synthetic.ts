import { seededRng, type Rng } from '@/lib/metrics/bootstrap';
import type { Dims } from '@/lib/metrics/types';

/**
 * Synthetic label volumes (product convention 1 NCR, 2 ED, 3 ET) that exercise every lesion-wise rule: several
 * layered tumours, reference specks below the volume threshold, predictions that shift and rescale tumours, miss
 * some, and add false-positive blobs of all sizes.
 */
export function syntheticCase(seed: number, dims: Dims): { ref: Uint8Array; pred: Uint8Array } {
  const rng = seededRng(seed);
  const ref = new Uint8Array(dims[0] * dims[1] * dims[2]);
  const pred = new Uint8Array(ref.length);
  const tumours = 1 + Math.floor(rng() * 4);
  for (let t = 0; t < tumours; t++) {
    const centre = dims.map((d) => 4 + rng() * (d - 8));
    const radii = [0, 1, 2].map(() => 1.5 + rng() * 7);
    paintTumour(ref, dims, centre, radii);
    if (rng() < 0.2) continue; // missed by the prediction
    const jitter = centre.map((c) => c + (rng() - 0.5) * 3);
    const scaled = radii.map((r) => r * (0.75 + rng() * 0.5));
    paintTumour(pred, dims, jitter, scaled);
  }
  for (let s = Math.floor(rng() * 4); s > 0; s--) paintBlob(ref, dims, rng, 0.6 + rng() * 1.8, rng() < 0.5 ? 3 : 2);
  for (let s = Math.floor(rng() * 4); s > 0; s--) paintBlob(pred, dims, rng, 0.6 + rng() * 2.5, 1 + Math.floor(rng() * 3));
  return { ref, pred };
}

/** Ellipsoid with an NCR core, an ET rim and an edema shell. */
function paintTumour(m: Uint8Array, dims: Dims, c: number[], r: number[]): void {
  forEllipsoid(dims, c, r, (i, q) => {
    const label = q < 0.12 ? 1 : q < 0.35 ? 3 : 2;
    if (m[i] === 0 || label !== 2) m[i] = label;
  });
}

function paintBlob(m: Uint8Array, dims: Dims, rng: Rng, radius: number, label: number): void {
  const c = dims.map((d) => rng() * d);
  forEllipsoid(dims, c, [radius, radius, radius], (i) => {
    m[i] = label;
  });
}

/** Calls visit(index, q) for voxels with q = sum(((x - c) / r)^2) <= 1. */
function forEllipsoid(dims: Dims, c: number[], r: number[], visit: (i: number, q: number) => void): void {
  const lo = c.map((v, a) => Math.max(0, Math.floor(v - r[a])));
  const hi = c.map((v, a) => Math.min(dims[a] - 1, Math.ceil(v + r[a])));
  for (let z = lo[2]; z <= hi[2]; z++)
    for (let y = lo[1]; y <= hi[1]; y++)
      for (let x = lo[0]; x <= hi[0]; x++) {
        const q = ((x - c[0]) / r[0]) ** 2 + ((y - c[1]) / r[1]) ** 2 + ((z - c[2]) / r[2]) ** 2;
        if (q <= 1) visit(x + y * dims[0] + z * dims[0] * dims[1], q);
      }
}
