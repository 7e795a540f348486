import { describe, expect, it } from 'vitest';
import { evaluateRegion } from '@/lib/metrics/evaluate';
import type { Dims, Spacing } from '@/lib/metrics/types';

const DIMS: Dims = [40, 30, 30];
const ISO: Spacing = [1, 1, 1];

/** Fills the inclusive box [lo, hi] with 1. */
function box(m: Uint8Array, lo: number[], hi: number[], dims: Dims = DIMS): Uint8Array {
  for (let z = lo[2]; z <= hi[2]; z++)
    for (let y = lo[1]; y <= hi[1]; y++) for (let x = lo[0]; x <= hi[0]; x++) m[x + y * dims[0] + z * dims[0] * dims[1]] = 1;
  return m;
}
const empty = (dims: Dims = DIMS) => new Uint8Array(dims[0] * dims[1] * dims[2]);
/** A 5x5x5 cube (125 voxels, above every challenge threshold at 1 mm) with its low corner at `at`. */
const cube = (m: Uint8Array, at: number[], size = 5) =>
  box(
    m,
    at,
    at.map((v) => v + size - 1),
  );

describe('merging reference components by dilation', () => {
  // Two cubes whose facing voxels are `gap` apart along x: with k dilation passes the footprints touch exactly
  // when the offset is within max|d| <= 2k+1 and sum|d| <= 4k+3.
  const twoCubes = (offset: number[]) => {
    const m = cube(empty(), [2, 2, 2]);
    return cube(m, [6 + offset[0], 6 + offset[1] - 4, 6 + offset[2] - 4]);
  };

  it('merges along an axis up to 2k+1 voxels apart (GLI k=3: 7; MEN k=1: 3)', () => {
    for (const [challenge, limit] of [
      ['GLI', 7],
      ['MEN', 3],
    ] as const) {
      const joined = twoCubes([limit, 0, 0]);
      const apart = twoCubes([limit + 1, 0, 0]);
      const lesions = (ref: Uint8Array) => evaluateRegion(ref, ref, DIMS, ISO, challenge).lesions.length;
      expect(lesions(joined)).toBe(1);
      expect(lesions(apart)).toBe(2);
    }
  });

  it('uses the 18-connected element, not the full cube: a (5,5,5) diagonal merges, (5,5,6) does not', () => {
    const m1 = cube(cube(empty(), [2, 2, 2]), [6 + 5, 6 + 5, 6 + 5]);
    const m2 = cube(cube(empty(), [2, 2, 2]), [6 + 5, 6 + 5, 6 + 6]);
    expect(evaluateRegion(m1, m1, DIMS, ISO, 'GLI').lesions.map((l) => l.refComponents)).toEqual([2]);
    expect(evaluateRegion(m2, m2, DIMS, ISO, 'GLI').lesions.length).toBe(2);
  });

  it('scores a merged lesion as one union', () => {
    const ref = twoCubes([3, 0, 0]);
    const pred = cube(empty(), [2, 2, 2]); // finds only the first cube
    const m = evaluateRegion(pred, ref, DIMS, ISO, 'GLI');
    expect(m.lesions).toHaveLength(1);
    expect(m.lesions[0].refVoxels).toBe(250);
    expect(m.lesionWiseDice).toBeCloseTo((2 * 125) / (125 + 250), 12);
    expect([m.tp, m.fp, m.fn]).toEqual([1, 0, 0]);
  });
});

describe('matching predicted components', () => {
  it('matches a component touching the dilated footprint without overlapping the lesion', () => {
    const ref = cube(empty(), [10, 10, 10]);
    const near = box(empty(), [17, 17, 14], [17, 17, 14]); // offset (3,3,0) from the corner voxel (14,14,14): inside
    const far = box(empty(), [17, 17, 15], [17, 17, 15]); // offset (3,3,1): sum 7 > 6, outside
    const m1 = evaluateRegion(near, ref, DIMS, ISO, 'GLI');
    expect([m1.tp, m1.fp, m1.fn]).toEqual([1, 0, 0]);
    expect(m1.lesions[0].dice).toBe(0);
    expect(m1.lesionWiseDice).toBe(0);
    const m2 = evaluateRegion(far, ref, DIMS, ISO, 'GLI');
    expect([m2.tp, m2.fp, m2.fn]).toEqual([0, 1, 1]);
    expect(m2.lesionWiseHd95).toBe(374);
  });

  it('penalises each false-positive component with Dice 0 and HD95 374, whatever its size', () => {
    const ref = cube(empty(), [5, 5, 5]);
    const pred = box(cube(empty(), [5, 5, 5]), [30, 20, 20], [30, 20, 20]); // exact lesion + one stray voxel
    const m = evaluateRegion(pred, ref, DIMS, ISO, 'GLI');
    expect([m.tp, m.fp, m.fn]).toEqual([1, 1, 0]);
    expect(m.lesionWiseDice).toBe(0.5);
    expect(m.lesionWiseHd95).toBe(187);
    expect(m.lesionF1).toBeCloseTo(2 / 3, 15);
    expect(m.dice).toBeCloseTo(250 / 251, 12);
    expect(m.predComponents.map((p) => p.matchedLesions)).toEqual([[1], []]);
  });

  it('scores a missed lesion as Dice 0 and HD95 374', () => {
    const ref = cube(cube(empty(), [2, 2, 2]), [30, 20, 20]);
    const pred = cube(empty(), [2, 2, 2]);
    const m = evaluateRegion(pred, ref, DIMS, ISO, 'GLI');
    expect(m.lesions.map((l) => l.status)).toEqual(['TP', 'FN']);
    expect([m.tp, m.fp, m.fn]).toEqual([1, 0, 1]);
    expect(m.lesionWiseDice).toBe(0.5);
    expect(m.lesionWiseHd95).toBe(187);
  });

  it('lets one predicted component serve two lesions without becoming a false positive', () => {
    const ref = cube(cube(empty(), [2, 2, 2]), [25, 2, 2]);
    const pred = box(empty(), [2, 2, 2], [29, 6, 6]); // a bar covering both cubes and the space between
    const m = evaluateRegion(pred, ref, DIMS, ISO, 'GLI');
    expect(m.lesions.map((l) => l.matchedPred)).toEqual([[1], [1]]);
    expect(m.fp).toBe(0);
    expect(m.lesions[0].dice).toBeCloseTo((2 * 125) / (125 + 28 * 25), 12);
  });
});

describe('volume threshold', () => {
  /** The big cube plus a separate connected lesion of exactly `n` voxels (rows of ten in one plane). */
  const bigAndSmall = (n: number) => {
    const m = cube(empty(), [2, 2, 2]);
    for (let i = 0; i < n; i++) m[25 + (i % 10) + (20 + Math.floor(i / 10)) * DIMS[0] + 20 * DIMS[0] * DIMS[1]] = 1;
    return m;
  };

  it('drops reference lesions at or below the threshold from scores and counts', () => {
    const pred = cube(empty(), [2, 2, 2]);
    const at = evaluateRegion(pred, bigAndSmall(50), DIMS, ISO, 'GLI');
    expect(at.lesions.map((l) => [l.refVoxels, l.counted])).toEqual([
      [125, true],
      [50, false],
    ]);
    expect([at.tp, at.fp, at.fn, at.lesionWiseDice, at.lesionWiseHd95]).toEqual([1, 0, 0, 1, 0]);
    const above = evaluateRegion(pred, bigAndSmall(51), DIMS, ISO, 'GLI');
    expect([above.tp, above.fp, above.fn, above.lesionWiseDice, above.lesionWiseHd95]).toEqual([1, 0, 1, 0.5, 187]);
  });

  it('compares volume in mm^3, so spacing moves a lesion across the threshold', () => {
    const pred = cube(empty(), [2, 2, 2]);
    const ref = bigAndSmall(26); // 26 voxels: 26 mm^3 at 1 mm, 52 mm^3 at 1x1x2 mm
    expect(evaluateRegion(pred, ref, DIMS, ISO, 'GLI').fn).toBe(0);
    expect(evaluateRegion(pred, ref, DIMS, [1, 1, 2], 'GLI').fn).toBe(1);
    expect(evaluateRegion(pred, ref, DIMS, ISO, 'MET').fn).toBe(1); // MET threshold 2 mm^3
  });

  it('does not count a component matched to a dropped lesion as a false positive', () => {
    const ref = box(empty(), [10, 10, 10], [19, 10, 10]); // 10 voxels
    const m = evaluateRegion(ref, ref, DIMS, ISO, 'GLI');
    expect([m.tp, m.fp, m.fn]).toEqual([0, 0, 0]);
    expect([m.lesionWiseDice, m.lesionWiseHd95, m.lesionF1]).toEqual([1, 0, 1]);
  });
});

describe('empty masks', () => {
  const ref = cube(empty(), [5, 5, 5]);

  it('both empty: Dice 1, HD95 0, everything perfect', () => {
    const m = evaluateRegion(empty(), empty(), DIMS, ISO);
    expect([m.dice, m.hd95, m.lesionWiseDice, m.lesionWiseHd95, m.sensitivity, m.specificity, m.lesionF1]).toEqual([1, 0, 1, 0, 1, 1, 1]);
  });

  it('empty prediction: Dice 0, HD95 374, one missed lesion', () => {
    const m = evaluateRegion(empty(), ref, DIMS, ISO);
    expect([m.dice, m.hd95, m.lesionWiseDice, m.lesionWiseHd95, m.sensitivity, m.tp, m.fp, m.fn]).toEqual([0, 374, 0, 374, 0, 0, 0, 1]);
  });

  it('empty reference: every predicted component is a false positive', () => {
    const pred = box(cube(empty(), [5, 5, 5]), [30, 20, 20], [30, 20, 20]);
    const m = evaluateRegion(pred, empty(), DIMS, ISO);
    expect([m.dice, m.hd95, m.lesionWiseDice, m.lesionWiseHd95, m.sensitivity, m.tp, m.fp, m.fn]).toEqual([0, 374, 0, 374, 0, 0, 2, 0]);
    expect(m.specificity).toBeCloseTo(1 - 126 / (DIMS[0] * DIMS[1] * DIMS[2]), 12);
  });
});

describe('per-lesion detail', () => {
  it('reports volumes in mL, centroids and boxes in voxel coordinates', () => {
    const ref = cube(empty(), [4, 6, 8]);
    const m = evaluateRegion(ref, ref, DIMS, [1, 2, 0.5], 'GLI');
    const [l] = m.lesions;
    expect(l.refVolumeMl).toBe(0.125);
    expect(l.predVolumeMl).toBe(0.125);
    expect(l.centroid).toEqual([6, 8, 10]);
    expect(l.box).toEqual({ min: [4, 6, 8], max: [8, 10, 12] });
    expect([l.dice, l.hd95]).toEqual([1, 0]);
    expect(m.refVolumeMl).toBe(0.125);
  });
});
