/** Hand-made per-case records for the acceptance-gate tests (no images: the gate only reads figures). */
import type { RegionName } from '@/lib/labels';
import type { RegionSummary } from '@/lib/metrics/summary';
import type { CaseFigures, EvalSetRef, PerCaseRecord } from '@/lib/server/evaluation/types';

export type Dice3 = Record<RegionName, number>;

export function region(dice: number, lesions: { tp?: number; fp?: number; fn?: number; lw?: number } = {}): RegionSummary {
  const tp = lesions.tp ?? 1,
    fp = lesions.fp ?? 0,
    fn = lesions.fn ?? 0;
  return {
    dice,
    hd95: 3,
    lw_dice: lesions.lw ?? dice,
    lw_hd95: 3,
    tp,
    fp,
    fn,
    lesion_f1: tp + fp + fn === 0 ? 1 : (2 * tp) / (2 * tp + fp + fn),
    sensitivity: dice,
    specificity: 1,
    ref_volume_ml: 10,
    pred_volume_ml: 10,
  };
}

export function figures(d: Dice3, lesions: Parameters<typeof region>[1] = {}): CaseFigures {
  return { WT: region(d.WT, lesions), TC: region(d.TC, lesions), ET: region(d.ET, lesions) };
}

export const all = (v: number): Dice3 => ({ WT: v, TC: v, ET: v });
export const add = (d: Dice3, delta: number | Partial<Dice3>): Dice3 => {
  const x = typeof delta === 'number' ? all(delta) : { WT: 0, TC: 0, ET: 0, ...delta };
  return { WT: d.WT + x.WT, TC: d.TC + x.TC, ET: d.ET + x.ET };
};

export function record(setKey: string, caseId: string, cand: CaseFigures, base: CaseFigures | null): PerCaseRecord {
  const m = (metrics: CaseFigures) => ({ maskSha256: 'x', maskBlobKey: 'x', source: 'stored' as const, metrics });
  return {
    setKey,
    caseId,
    externalId: `EXT-${caseId}`,
    reference: { labelVersionId: 'lv', sha256: 's', blobKey: 'k' },
    candidate: m(cand),
    baseline: base ? m(base) : null,
  };
}

/** n cases with baseline Dice around `base` (deterministic spread) and the candidate at base + delta(i). */
export function pairedSet(setKey: string, n: number, base: number, delta: (i: number) => number | Partial<Dice3>): PerCaseRecord[] {
  return Array.from({ length: n }, (_, i) => {
    const b = all(base + ((i % 5) - 2) * 0.01);
    return record(setKey, `${setKey}-${i}`, figures(add(b, delta(i))), figures(b));
  });
}

export const INTERNAL: EvalSetRef = { key: 'internal', name: 'holdout-internal', kind: 'HOLDOUT_INTERNAL', locked: true };
export const EXTERNAL: EvalSetRef = { key: 'external', name: 'holdout-external', kind: 'HOLDOUT_EXTERNAL', locked: true };
export const DRIFTER: EvalSetRef = { key: 'drifter', name: 'drifter-holdout', kind: 'DRIFTER', locked: false };
export const PROBLEMATIC: EvalSetRef = { key: 'problematic', name: 'previously problematic cases', kind: 'PROBLEMATIC', locked: false };
