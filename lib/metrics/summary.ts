import type { RegionName } from '@/lib/labels';
import type { CaseMetrics, RegionMetrics } from './types';

/** The flat per-region figures (snake_case, as `npm run metrics` prints them and reports store them). */
export interface RegionSummary {
  dice: number;
  hd95: number;
  lw_dice: number;
  lw_hd95: number;
  tp: number;
  fp: number;
  fn: number;
  lesion_f1: number;
  sensitivity: number;
  specificity: number;
  ref_volume_ml: number;
  pred_volume_ml: number;
}

export function summarizeRegion(m: RegionMetrics): RegionSummary {
  return {
    dice: m.dice,
    hd95: m.hd95,
    lw_dice: m.lesionWiseDice,
    lw_hd95: m.lesionWiseHd95,
    tp: m.tp,
    fp: m.fp,
    fn: m.fn,
    lesion_f1: m.lesionF1,
    sensitivity: m.sensitivity,
    specificity: m.specificity,
    ref_volume_ml: m.refVolumeMl,
    pred_volume_ml: m.predVolumeMl,
  };
}

export function summarizeCase(m: CaseMetrics): Record<RegionName, RegionSummary> {
  return { WT: summarizeRegion(m.WT), TC: summarizeRegion(m.TC), ET: summarizeRegion(m.ET) };
}
