import 'server-only';
import { smoothField } from './fields';
import { tidyLesions } from './lesions';
import type { Rng } from './rng';
import { CLASS, type CaseSpec, type TumourSpec } from './types';

// Module-level copies: the transpiled module exposes imports through getters, far too slow inside voxel loops.
const { CSF, ED, ET, GM, NCR, WM } = CLASS;

/** The sub-grid that holds the brain, on the z-oversampled ("fine") grid; everything outside it is background. */
export interface Box {
  origin: [number, number, number];
  /** box dims on the fine grid (z multiplied by zOversample) */
  dims: [number, number, number];
  spacing: [number, number, number];
  /** mm coordinates (RAS, relative to the brain centre) of each box column / row / fine slice */
  coords: [Float32Array, Float32Array, Float32Array];
}

/**
 * Voxel centres of the LPS output grid in brain-centred RAS mm: array i runs to the left (x decreasing), j to the back
 * (y decreasing), k up, exactly as the affine written with the case states.
 */
export function planBox(spec: CaseSpec): Box {
  const f = spec.zOversample;
  const [nx, ny, nz] = spec.dims;
  const [sx, sy, sz] = spec.spacing;
  const margin = 1 + spec.brainWobble + 0.02;
  const axis = (n: number, s: number, sign: number, radius: number, sub: number) => {
    const all = Array.from({ length: n * sub }, (_, q) => sign * s * ((q + 0.5) / sub - 0.5 - (n - 1) / 2));
    const inside = all.map((c, q) => (Math.abs(c) <= radius * margin + 2 * s ? q : -1)).filter((q) => q >= 0);
    const lo = inside.length ? inside[0] : 0;
    const hi = inside.length ? inside[inside.length - 1] : -1;
    // Whole output slices only, so the thick-slice average never mixes a partial slice.
    const lo2 = Math.floor(lo / sub) * sub,
      hi2 = Math.min(n * sub - 1, Math.ceil((hi + 1) / sub) * sub - 1);
    return { origin: lo2, coords: Float32Array.from(all.slice(lo2, hi2 + 1)) };
  };
  const ax = [axis(nx, sx, -1, spec.brainRadii[0], 1), axis(ny, sy, -1, spec.brainRadii[1], 1), axis(nz, sz, 1, spec.brainRadii[2], f)];
  return {
    origin: [ax[0].origin, ax[1].origin, ax[2].origin],
    dims: [ax[0].coords.length, ax[1].coords.length, ax[2].coords.length],
    spacing: [sx, sy, sz / f],
    coords: [ax[0].coords, ax[1].coords, ax[2].coords],
  };
}

function inAny(e: number[], x: number, y: number, z: number): boolean {
  for (let o = 0; o < e.length; o += 6) {
    const dx = (x - e[o]) / e[o + 3],
      dy = (y - e[o + 1]) / e[o + 4],
      dz = (z - e[o + 2]) / e[o + 5];
    if (dx * dx + dy * dy + dz * dz < 1) return true;
  }
  return false;
}

/** Tissue class per box voxel plus the texture field reused for within-tissue heterogeneity. */
export function renderClasses(spec: CaseSpec, box: Box, rng: Rng): { cls: Uint8Array; texture: Float32Array } {
  const { dims, spacing } = box;
  const outline = smoothField(dims, spacing, 35, rng.fork('outline'));
  const cortex = smoothField(dims, spacing, 7, rng.fork('cortex'));
  const sulci = smoothField(dims, spacing, 4, rng.fork('sulci'));
  const tumourShape = smoothField(dims, spacing, 12, rng.fork('tumour'));
  const oedemaShape = smoothField(dims, spacing, 7, rng.fork('oedema'));
  const [a, b, c] = spec.brainRadii;
  const rMean = (a + b + c) / 3;
  const vs = spec.ventricleScale;
  // Flat [cx, cy, cz, rx, ry, rz] lists in brain-radius units (so they scale with head size); the inner loop must not
  // allocate or call closures (it runs ~3M times).
  const ventricles = [
    0.1 * vs,
    0.024,
    0.2,
    0.074 * vs,
    0.26 * Math.sqrt(vs),
    0.13 * vs,
    -0.1 * vs,
    0.024,
    0.2,
    0.074 * vs,
    0.26 * Math.sqrt(vs),
    0.13 * vs,
    0,
    -0.048,
    0.033,
    0.022 * vs,
    0.107,
    0.1,
  ];
  const thalami = [0.16, -0.095, 0.05, 0.118, 0.143, 0.133, -0.16, -0.095, 0.05, 0.118, 0.143, 0.133];
  const cls = new Uint8Array(dims[0] * dims[1] * dims[2]);
  const healthy = new Uint8Array(cls.length);
  const [xs, ys, zs] = box.coords;
  const wobble = spec.brainWobble,
    tumours = spec.tumours,
    outer = 1 + wobble;
  let p = 0;
  for (let k = 0; k < dims[2]; k++)
    for (let j = 0; j < dims[1]; j++)
      for (let i = 0; i < dims[0]; i++, p++) {
        const x = xs[i],
          y = ys[j],
          z = zs[k];
        const u = x / a,
          v = y / b,
          w = z / c;
        const rho = Math.sqrt(u * u + v * v + w * w);
        if (rho >= outer) continue;
        const bound = 1 + wobble * outline[p];
        if (rho >= bound) continue;
        const depth = (bound - rho) * rMean;
        let t: number = WM;
        // Cortical ribbon of varying thickness with deeper infoldings where the cortex field peaks (gyri/sulci).
        // Cortical ribbon (~3-5 mm) with deep infoldings where the cortex field peaks (gyri), sulcal CSF near the surface
        // and in the fold centres.
        const fold = Math.max(0, cortex[p] - 0.15);
        if (depth < 3.5 + 1.5 * cortex[p] + 16 * fold) t = GM;
        if ((depth < 2.2 && sulci[p] > 0.15) || (fold > 0.25 && sulci[p] > 0.45 && depth < 10 * fold)) t = CSF;
        if (rho < 0.7) {
          if (inAny(thalami, u, v, w)) t = GM;
          if (inAny(ventricles, u, v, w)) t = CSF;
        }
        healthy[p] = t;
        for (let n = 0; n < tumours.length; n++) t = tumourClass(tumours[n], x, y, z, t, tumourShape[p], oedemaShape[p]);
        cls[p] = t;
      }
  tidyLesions(
    cls,
    healthy,
    dims,
    tumours.some((t) => t.enhancing),
  );
  return { cls, texture: cortex };
}

/** Tumour label at a point given the class so far: core beats oedema beats normal tissue; oedema follows WM. */
function tumourClass(t: TumourSpec, x: number, y: number, z: number, current: number, shape: number, oedema: number): number {
  const d2 = (x - t.centre[0]) ** 2 + (y - t.centre[1]) ** 2 + (z - t.centre[2]) ** 2;
  const reach = Math.max(t.rEd, t.rTc) * 1.4;
  if (d2 > reach * reach) return current;
  const d = Math.sqrt(d2);
  const dc = d / (1 + t.shapeAmp * shape);
  if (current === NCR || current === ET) return current;
  if (dc < t.rTc) return t.enhancing && dc >= t.rTc - t.rim ? ET : NCR;
  if (current === ED) return current;
  // Vasogenic oedema spreads along white-matter tracts, less into cortex, and stops at CSF.
  const spread = current === WM ? 1 : current === GM ? 0.7 : 0;
  // Finger-like oedema: a finer field than the core's, with a large amplitude.
  const de = d / (1 + 0.35 * oedema + 0.1 * shape);
  // A thin shell right outside the core (same shape field) keeps the core wrapped in oedema wherever tissue allows.
  return spread > 0 && (de < t.rEd * spread || dc < t.rTc + 1.5) ? ED : current;
}
