import 'server-only';
/**
 * Model-agnostic statistics from extra runs of the real pipeline: every window flipped along some spatial axes
 * of the network input, the output flipped back (the mirroring nnU-Net and MONAI use as test-time augmentation),
 * decided and mapped to product labels exactly as the production prediction. They need nothing from the model's
 * internals, so they work for any imported model.
 *
 * Per flip the cost is one more inference of the case (for a model that mirrors in its own inference, the card's
 * mirroring is switched off for these runs, so a flip costs one pass per ensemble member, not 2^axes).
 */
import type { ModelCard } from '@/lib/schemas/model-card';
import { segment, type LoadedModel } from '../../inference';
import { flipBlocks } from '../../inference/combine';
import type { Vec3 } from '../../inference/geometry';
import type { CaseVolumes } from '../../inference/preprocess';
import type { Predictor } from '../../inference/sliding-window';
import { NestingCounter } from './nesting';

export type Axis = 0 | 1 | 2;

/** The flips a check runs: the card's mirror axes one at a time, or left-right (axis 0 after orientation) when it has none. */
export function defaultFlips(card: ModelCard): Axis[][] {
  return card.inference.mirrorAxes.length ? card.inference.mirrorAxes.map((a) => [a]) : [[0]];
}

/** The model with every window run flipped along `axes` and flipped back; `onWindows` sees each batch's raw outputs. */
export function flippedModel(
  model: LoadedModel,
  axes: readonly Axis[],
  onWindows?: (logits: Float32Array, n: number) => void,
): LoadedModel {
  const card: ModelCard = { ...model.card, inference: { ...model.card.inference, mirrorAxes: [] } };
  const patch = card.inference.patchSize as Vec3;
  const channels = card.preprocessing.channels.length;
  const pv = patch[0] * patch[1] * patch[2];
  const wrap =
    (p: Predictor): Predictor =>
    async (windows, n) => {
      const res = await p(axes.length ? flipBlocks(windows.subarray(0, n * channels * pv), patch, axes) : windows, n);
      const logits = axes.length ? flipBlocks(res.logits, patch, axes) : res.logits;
      onWindows?.(logits, n);
      return { logits, features: res.features };
    };
  return {
    ...model,
    card,
    predictor: async () => wrap(await model.predictor()),
    predictors: async () => (await model.predictors()).map(wrap),
  };
}

/** Product-label regions: WT = labels 1-3, TC = 1 or 3, ET = 3. */
const IN_REGION = [(v: number) => v > 0, (v: number) => v === 1 || v === 3, (v: number) => v === 3];

/** Mean over WT, TC and ET of 1 - Dice between two product-label masks; a region empty in both counts as agreement. */
export function maskDisagreement(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`masks differ in size (${a.length} vs ${b.length} voxels)`);
  let sum = 0;
  for (const inR of IN_REGION) {
    let na = 0;
    let nb = 0;
    let both = 0;
    for (let i = 0; i < a.length; i++) {
      const x = inR(a[i]);
      const y = inR(b[i]);
      if (x) na++;
      if (y) nb++;
      if (x && y) both++;
    }
    sum += na + nb === 0 ? 0 : 1 - (2 * both) / (na + nb);
  }
  return sum / IN_REGION.length;
}

export interface FlipStats {
  /** mean over flips of maskDisagreement(production mask, flipped mask): 0 = the flips change nothing */
  disagreement: number;
  flips: Axis[][];
  /** sigmoid models: the largest share of an inner region's voxels outside its outer region (raw window outputs) */
  nesting: number | null;
  /** extra inference passes run and their wall time */
  passes: number;
  ms: number;
}

/** Runs the flips on one case and compares each flipped mask with `mask` (the production prediction, file grid). */
export async function flipStats(model: LoadedModel, volumes: CaseVolumes, mask: ArrayLike<number>, flips: Axis[][]): Promise<FlipStats> {
  const t0 = performance.now();
  const nesting = NestingCounter.forCard(model.card);
  let sum = 0;
  for (const axes of flips) {
    const r = await segment({ model: flippedModel(model, axes, nesting?.observer()), volumes });
    sum += maskDisagreement(mask, r.mask);
  }
  return {
    disagreement: flips.length ? sum / flips.length : 0,
    flips,
    nesting: nesting?.violation() ?? null,
    passes: flips.length,
    ms: performance.now() - t0,
  };
}
