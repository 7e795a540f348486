/** scripts/metrics.ts as a process: output shape, agreement with the library, and its refusals. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluateCase, summarizeCase } from '@/lib/metrics';
import type { Mat4 } from '@/lib/server/imaging/affine';
import { writeNifti } from '@/lib/server/imaging/nifti';
import { loadPair, realDataAvailable, realPairs, REAL_DATA_DIR, REPO_ROOT, REAL_LABEL_MAP } from '@/bench/metrics-pairs';

const TSX = path.join(REPO_ROOT, 'node_modules/.bin/tsx');
const run = (...args: string[]) =>
  spawnSync(TSX, ['--conditions=react-server', path.join(REPO_ROOT, 'scripts/metrics.ts'), ...args], { encoding: 'utf8', cwd: REPO_ROOT });

if (!realDataAvailable()) console.warn(`[metrics] SKIPPED CLI tests on real masks: none under ${REAL_DATA_DIR}`);

describe('scripts/metrics.ts', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'metrics-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const pair = realPairs().find((p) => p.algorithm === 'isen-20' && p.caseId === 'TCGA-FG-6692')!;
  const identity: Mat4 = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];

  it.skipIf(!realDataAvailable())(
    'prints one JSON object per region, equal to the library result',
    async () => {
      const res = run('--pred', pair.pred, '--ref', pair.ref, '--label-map', 'brats2020', '--challenge', 'BraTS-GLI');
      expect(res.status, res.stderr).toBe(0);
      const out = JSON.parse(res.stdout);
      expect(Object.keys(out)).toEqual(['WT', 'TC', 'ET']);
      for (const key of [
        'dice',
        'hd95',
        'lw_dice',
        'lw_hd95',
        'tp',
        'fp',
        'fn',
        'sensitivity',
        'specificity',
        'ref_volume_ml',
        'pred_volume_ml',
      ])
        expect(typeof out.WT[key], key).toBe('number');
      const expected = summarizeCase(evaluateCase({ ...(await loadPair(pair)), labelMap: REAL_LABEL_MAP }));
      expect(out).toEqual(expected);
      expect(out.WT.fp).toBe(1);
    },
    60_000,
  );

  it.skipIf(!realDataAvailable())(
    'adds per-lesion detail with --lesions',
    () => {
      const res = run('--pred', pair.pred, '--ref', pair.ref, '--label-map', 'brats2020', '--lesions');
      expect(res.status, res.stderr).toBe(0);
      const out = JSON.parse(res.stdout);
      expect(out.WT.lesions).toHaveLength(1);
      expect(out.WT.pred_components.filter((c: { matchedLesions: number[] }) => c.matchedLesions.length === 0)).toHaveLength(1);
    },
    60_000,
  );

  it.skipIf(!realDataAvailable())(
    'says which label map to use when a label is outside the default one',
    () => {
      const res = run('--pred', pair.pred, '--ref', pair.ref);
      expect(res.status).toBe(1);
      expect(res.stderr).toMatch(/label 4.*--label-map/);
    },
    60_000,
  );

  it('fails with a message on a missing or non-NIfTI file', () => {
    const bogus = path.join(dir, 'bogus.nii.gz');
    writeFileSync(bogus, 'not an image');
    const missing = run('--pred', path.join(dir, 'none.nii.gz'), '--ref', bogus);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/cannot read prediction .*none\.nii\.gz/);
    const bad = run('--pred', bogus, '--ref', bogus);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/cannot read prediction .*bogus/);
  }, 60_000);

  it('fails with a message on masks of different grids', () => {
    const a = path.join(dir, 'a.nii.gz');
    const b = path.join(dir, 'b.nii.gz');
    writeFileSync(a, writeNifti({ dims: [8, 8, 8], affine: identity, data: new Uint8Array(512) }));
    writeFileSync(b, writeNifti({ dims: [8, 8, 9], affine: identity, data: new Uint8Array(576) }));
    const res = run('--pred', a, '--ref', b);
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/grids differ: prediction is 8x8x8, reference is 8x8x9/);
    const ok = run('--pred', a, '--ref', a);
    expect(ok.status, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).WT).toMatchObject({ dice: 1, hd95: 0, lw_dice: 1, lw_hd95: 0 });
  }, 60_000);

  it('exits 2 with usage on missing arguments', () => {
    const res = run('--pred', 'x.nii.gz');
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/usage: metrics --pred/);
  }, 60_000);
});
