/**
 * lib/metrics against bench/metrics_ref.py (numpy/scipy/cc3d, the official algorithm) on every real mask pair and
 * on synthetic cases for each challenge setting with anisotropic spacing: Dice to 1e-9, HD95 to 1e-6 mm (plain and
 * lesion-wise), counts exactly, and the per-lesion table. Skips, saying so, only when the Python venv is missing.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluateCase, summarizeRegion, surfelAreas, type CaseMetrics, type Dims, type Spacing } from '@/lib/metrics';
import {
  loadPair,
  PYTHON,
  PYTHON_REF,
  pythonAvailable,
  realDataAvailable,
  realPairs,
  REAL_LABEL_MAP,
  runPythonRef,
  writeRawPair,
  type PythonRegion,
} from '@/bench/metrics-pairs';
import { syntheticCase } from './synthetic';

const REGIONS = ['WT', 'TC', 'ET'] as const;
const TIGHT = ['dice', 'lw_dice', 'sensitivity', 'specificity', 'lesion_f1', 'ref_volume_ml', 'pred_volume_ml'] as const;
const MM = ['hd95', 'lw_hd95'] as const;

if (!pythonAvailable()) console.warn(`[metrics] SKIPPED Python cross-check: no Python venv at ${PYTHON}`);

function compare(ts: CaseMetrics, py: Record<(typeof REGIONS)[number], PythonRegion>, label: string): void {
  for (const region of REGIONS) {
    const a = summarizeRegion(ts[region]);
    const b = py[region];
    const where = `${label} ${region}`;
    for (const k of TIGHT) expect(Math.abs(a[k] - b[k]), `${where} ${k}: ${a[k]} vs ${b[k]}`).toBeLessThanOrEqual(1e-9);
    for (const k of MM) expect(Math.abs(a[k] - b[k]), `${where} ${k}: ${a[k]} vs ${b[k]}`).toBeLessThanOrEqual(1e-6);
    expect([a.tp, a.fp, a.fn], `${where} counts`).toEqual([b.tp, b.fp, b.fn]);
    const order = (x: { v: number; d: number }, y: { v: number; d: number }) => x.v - y.v || x.d - y.d;
    const mine = ts[region].lesions
      .map((l) => ({ v: l.refVoxels, p: l.predVoxels, m: l.matchedPred.length, d: l.dice, h: l.hd95 }))
      .sort(order);
    const theirs = b.lesions.map((l) => ({ v: l.ref_voxels, p: l.pred_voxels, m: l.matched, d: l.dice, h: l.hd95 })).sort(order);
    expect(mine.length, `${where} lesions`).toBe(theirs.length);
    mine.forEach((l, i) => {
      const r = theirs[i];
      expect([l.v, l.p, l.m], `${where} lesion ${i}`).toEqual([r.v, r.p, r.m]);
      expect(Math.abs(l.d - r.d), `${where} lesion ${i} dice`).toBeLessThanOrEqual(1e-9);
      expect(Math.abs(l.h - r.h), `${where} lesion ${i} hd95`).toBeLessThanOrEqual(1e-6);
    });
  }
}

describe.skipIf(!pythonAvailable())('TypeScript metrics agree with the Python reference', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'metrics-xcheck-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // Deliberately no skip when the masks are missing: only a missing venv may skip this check.
  it('on every real algorithm mask against the fusion', async () => {
    expect(realDataAvailable(), 'real masks under ../shared/data/real').toBe(true);
    const pairs = realPairs();
    const py = await runPythonRef(pairs, { labelMap: REAL_LABEL_MAP });
    for (const [i, pair] of pairs.entries()) {
      const loaded = await loadPair(pair);
      compare(evaluateCase({ ...loaded, labelMap: REAL_LABEL_MAP }), py.results[i], `${pair.caseId}/${pair.algorithm}`);
    }
  }, 300_000);

  // crop: the reference's --crop mode (the bench's second baseline) must give the same results.
  const settings: [string, Spacing, boolean][] = [
    ['GLI', [1, 1, 1], false],
    ['GLI', [0.9375, 0.9375, 2.5], true],
    ['MEN', [1.2, 0.8, 1.5], false],
    ['MET', [0.5, 0.5, 1], true],
  ];
  for (const [challenge, spacing, crop] of settings)
    it(`on synthetic multi-lesion cases, ${challenge}, spacing ${spacing.join('x')}${crop ? ', reference cropped' : ''}`, async () => {
      const dims: Dims = [44, 38, 30];
      const cases = Array.from({ length: 10 }, (_, k) => syntheticCase(1000 * spacing[2] + 37 * k + challenge.length, dims));
      const pairs = await Promise.all(
        cases.map(async (c, k) => ({ ...(await writeRawPair(dir, `${challenge}-${spacing[2]}-${k}`, c.pred, c.ref)), dims, spacing })),
      );
      const py = await runPythonRef(pairs, { challenge, crop });
      let lesions = 0;
      let fps = 0;
      cases.forEach((c, k) => {
        const ts = evaluateCase({ pred: c.pred, ref: c.ref, dims, spacing, challenge });
        compare(ts, py.results[k], `${challenge} case ${k}`);
        lesions += ts.WT.lesions.length + ts.ET.lesions.length;
        fps += ts.WT.fp + ts.ET.fp;
      });
      // The cases must exercise the rules, not only agree on trivial volumes.
      expect(lesions).toBeGreaterThan(20);
      expect(fps).toBeGreaterThan(3);
    }, 300_000);

  it('uses the same surfel areas as MONAI’s copy of the DeepMind table', () => {
    const spacings: Spacing[] = [
      [1, 1, 1],
      [0.5, 1.2, 3],
      [0.9375, 0.9375, 2.5],
    ];
    const out = execFileSync(PYTHON, [PYTHON_REF, 'surfel-areas', ...spacings.flat().map(String)], { encoding: 'utf8' });
    const tables = JSON.parse(out) as number[][];
    expect(tables).toHaveLength(spacings.length);
    spacings.forEach((s, t) => {
      const mine = surfelAreas(s);
      tables[t].forEach((v, c) => expect(Math.abs(mine[c] - v), `code ${c} spacing ${s}`).toBeLessThanOrEqual(1e-12 * Math.max(1, v)));
    });
  }, 120_000);
});
