import 'server-only';
import type { Vec3 } from './geometry';
import { activateInPlace, type Activation } from './postprocess';
import type { Predictor } from './sliding-window';

/**
 * Test-time mirroring and ensembles, per window: each member of the ensemble runs the window as it is and flipped
 * along every non-empty subset of the mirror axes; each output is flipped back, activated (average 'probabilities')
 * or left raw (average 'logits', activated after blending), and the mean of all of them is the window's output.
 * The features are the first member's on the unflipped window. One model and no mirroring: the model itself.
 */

export interface CombineOptions {
  mirrorAxes: readonly number[];
  average: 'probabilities' | 'logits';
  activation: Activation;
  patch: Vec3;
  channels: number;
  classes: number;
}

/** `activated`: the combined outputs are already probabilities (the pipeline must not activate them again). */
export function combinePredictors(members: Predictor[], o: CombineOptions): { predict: Predictor; activated: boolean } {
  if (members.length === 1 && o.mirrorAxes.length === 0) return { predict: members[0], activated: false };
  const flips = axisSubsets(o.mirrorAxes);
  const probabilities = o.average === 'probabilities';
  const pv = o.patch[0] * o.patch[1] * o.patch[2];
  const predict: Predictor = async (windows, n) => {
    const sum = new Float64Array(n * o.classes * pv);
    let features: Float32Array | null = null;
    for (let m = 0; m < members.length; m++)
      for (const axes of flips) {
        const input = axes.length ? flipBlocks(windows.subarray(0, n * o.channels * pv), o.patch, axes) : windows;
        const res = await members[m](input, n);
        if (m === 0 && axes.length === 0) features = res.features;
        const out = axes.length ? flipBlocks(res.logits, o.patch, axes) : res.logits.slice();
        if (probabilities)
          for (let b = 0; b < n; b++) activateInPlace(out.subarray(b * o.classes * pv, (b + 1) * o.classes * pv), o.classes, o.activation);
        for (let i = 0; i < sum.length; i++) sum[i] += out[i];
      }
    const total = members.length * flips.length;
    const logits = new Float32Array(sum.length);
    for (let i = 0; i < sum.length; i++) logits[i] = sum[i] / total;
    return { logits, features: features ?? new Float32Array(0) };
  };
  return { predict, activated: probabilities };
}

/** Every subset of `axes`, the empty one first. */
export function axisSubsets(axes: readonly number[]): number[][] {
  let subsets: number[][] = [[]];
  for (const a of axes) subsets = [...subsets, ...subsets.map((s) => [...s, a])];
  return subsets;
}

/** A copy of consecutive (P0, P1, P2) blocks (C-ordered, z fastest), each reversed along the given axes (0, 1, 2). */
export function flipBlocks(src: Float32Array, patch: Vec3, axes: readonly number[]): Float32Array {
  const [p0, p1, p2] = patch;
  const pv = p0 * p1 * p2;
  const [f0, f1, f2] = [0, 1, 2].map((a) => axes.includes(a));
  const out = new Float32Array(src.length);
  for (let base = 0; base < src.length; base += pv)
    for (let a = 0; a < p0; a++) {
      const sa = f0 ? p0 - 1 - a : a;
      for (let b = 0; b < p1; b++) {
        const sb = f1 ? p1 - 1 - b : b;
        const d = base + (a * p1 + b) * p2;
        const s = base + (sa * p1 + sb) * p2;
        if (f2) for (let c = 0; c < p2; c++) out[d + c] = src[s + p2 - 1 - c];
        else out.set(src.subarray(s, s + p2), d);
      }
    }
  return out;
}
