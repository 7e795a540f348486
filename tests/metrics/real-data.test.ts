/**
 * lib/metrics on the real BraTS-Toolkit masks (../shared/data/real): each algorithm against the majority-vote
 * fusion, labels in the BraTS 2020 convention (ET = 4) read through the brats2020 label map. Checks the facts the
 * data's README states, and the invariants any correct evaluation must show on real masks.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateCase, type CaseMetrics } from '@/lib/metrics';
import { loadPair, realDataAvailable, realPairs, REAL_DATA_DIR, REAL_LABEL_MAP } from '@/bench/metrics-pairs';

if (!realDataAvailable()) console.warn(`[metrics] SKIPPED real-data tests: no masks under ${REAL_DATA_DIR}`);

describe.skipIf(!realDataAvailable())('metrics on real masks against the fusion', () => {
  const results = new Map<string, CaseMetrics>();
  const get = (caseId: string, algorithm: string) => results.get(`${caseId}/${algorithm}`)!;

  beforeAll(async () => {
    for (const pair of realPairs()) {
      const loaded = await loadPair(pair);
      results.set(`${pair.caseId}/${pair.algorithm}`, evaluateCase({ ...loaded, labelMap: REAL_LABEL_MAP }));
    }
  }, 120_000);

  it('TCGA-FG-6692: isen-20 and yixinmpl-20 each add one false-positive WT component that halves lesion-wise Dice', () => {
    for (const algorithm of ['isen-20', 'yixinmpl-20']) {
      const wt = get('TCGA-FG-6692', algorithm).WT;
      expect(wt.fp, algorithm).toBe(1);
      expect([wt.tp, wt.fn], algorithm).toEqual([1, 0]);
      expect(wt.dice, algorithm).toBeGreaterThan(0.9);
      expect(wt.lesionWiseDice, algorithm).toBeLessThan(wt.dice - 0.4);
      // One lesion plus one FP: the lesion-wise score is the lesion's Dice halved, HD95 averaged with 374.
      const [lesion] = wt.lesions;
      expect(wt.lesionWiseDice).toBeCloseTo(lesion.dice / 2, 12);
      expect(wt.lesionWiseHd95).toBeCloseTo((lesion.hd95 + 374) / 2, 12);
      expect(wt.lesionF1).toBeCloseTo(2 / 3, 12);
    }
  });

  it('TCGA-FG-6692: the other algorithms find the one WT lesion without false positives', () => {
    for (const algorithm of ['hnfnetv1-20', 'sanet0-20', 'scan-20']) {
      const wt = get('TCGA-FG-6692', algorithm).WT;
      expect([wt.tp, wt.fp, wt.fn], algorithm).toEqual([1, 0, 0]);
      // Nothing to merge, drop or penalise: lesion-wise equals plain.
      expect(wt.lesionWiseDice, algorithm).toBe(wt.dice);
      expect(wt.lesionWiseHd95, algorithm).toBe(wt.hd95);
    }
  });

  it('TCGA-DU-7294: the fusion has no ET, so ET islands of an algorithm are all false positives', () => {
    for (const pair of realPairs().filter((p) => p.caseId === 'TCGA-DU-7294')) {
      const et = get(pair.caseId, pair.algorithm).ET;
      expect(et.refVolumeMl).toBe(0);
      if (et.predVolumeMl === 0) {
        expect([et.dice, et.hd95, et.lesionWiseDice, et.lesionWiseHd95], pair.algorithm).toEqual([1, 0, 1, 0]);
      } else {
        expect([et.dice, et.hd95, et.lesionWiseDice, et.lesionWiseHd95, et.tp, et.fn], pair.algorithm).toEqual([0, 374, 0, 374, 0, 0]);
        expect(et.fp, pair.algorithm).toBe(et.predComponents.length);
      }
    }
    const withEt = realPairs().filter((p) => p.caseId === 'TCGA-DU-7294' && get(p.caseId, p.algorithm).ET.predVolumeMl > 0);
    expect(withEt.map((p) => p.algorithm)).toEqual(['hnfnetv1-20', 'sanet0-20']); // "two of the algorithms do"
  });

  it('keeps every figure in range and consistent with its voxel counts', () => {
    for (const [key, m] of results)
      for (const region of ['WT', 'TC', 'ET'] as const) {
        const r = m[region];
        const where = `${key} ${region}`;
        for (const v of [r.dice, r.lesionWiseDice, r.sensitivity, r.specificity, r.lesionF1]) {
          expect(v, where).toBeGreaterThanOrEqual(0);
          expect(v, where).toBeLessThanOrEqual(1);
        }
        const { tp, fp, fn, tn } = r.voxels;
        expect(tp + fp + fn + tn, where).toBe(240 * 240 * 155);
        expect(r.refVolumeMl, where).toBeCloseTo((tp + fn) / 1000, 12);
        expect(r.predVolumeMl, where).toBeCloseTo((tp + fp) / 1000, 12);
        expect(r.tp + r.fn, where).toBe(r.lesions.filter((l) => l.counted).length);
      }
  });

  it('scores the fusion against itself as perfect', async () => {
    const [pair] = realPairs();
    const loaded = await loadPair({ pred: pair.ref, ref: pair.ref });
    const m = evaluateCase({ ...loaded, labelMap: REAL_LABEL_MAP });
    for (const region of ['WT', 'TC'] as const)
      expect([m[region].dice, m[region].hd95, m[region].lesionWiseDice, m[region].lesionWiseHd95, m[region].fp]).toEqual([1, 0, 1, 0, 0]);
  });
});
