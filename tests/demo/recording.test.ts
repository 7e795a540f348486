import { describe, expect, it } from 'vitest';
import { sameContent, snapshotContent, readRecording } from '@/prisma/seed-history/recording';
import { PLAN } from '@/prisma/seed-history/plan';
import type { SnapshotManifest } from '@/lib/server/datasets/manifest';

const sha = (c: string) => c.repeat(64);
const images = { T1N: sha('1'), T1C: sha('2'), T2W: sha('3'), T2F: sha('4') };

/** The same two cases as two databases would store them: other row ids, another order. */
function manifest(ids: string, order: 'ab' | 'ba', overrides: Partial<SnapshotManifest['cases'][number]> = {}): SnapshotManifest {
  const a = {
    caseId: `${ids}-a`,
    externalId: 'SYN-B-1',
    site: 'site-b',
    split: 'TRAIN',
    labelVersionId: `${ids}-la`,
    label: sha('a'),
    images,
  };
  const b = {
    caseId: `${ids}-b`,
    externalId: 'SYN-B-2',
    site: 'site-b',
    split: 'DRIFTER',
    labelVersionId: `${ids}-lb`,
    label: sha('b'),
    images,
  };
  const cases = [{ ...a, ...overrides }, b];
  return { schema: 'tumorwatch.snapshot/1', labelMap: 'brats2023', cases: order === 'ab' ? cases : cases.reverse() };
}

describe('recorded snapshot content', () => {
  it('is the same for the same cases, labels and images whatever the database ids and order', () => {
    expect(sameContent(snapshotContent(manifest('db1', 'ab')), snapshotContent(manifest('db2', 'ba')))).toBe(true);
    expect(JSON.stringify(snapshotContent(manifest('db1', 'ab')))).not.toContain('db1');
  });

  it('differs when a label, a split or an image differs', () => {
    const base = snapshotContent(manifest('db1', 'ab'));
    expect(sameContent(base, snapshotContent(manifest('db2', 'ab', { label: sha('c') })))).toBe(false);
    expect(sameContent(base, snapshotContent(manifest('db2', 'ab', { split: 'DRIFTER' })))).toBe(false);
    expect(sameContent(base, snapshotContent(manifest('db2', 'ab', { images: { ...images, T2F: sha('5') } })))).toBe(false);
  });
});

describe('committed recordings (models/demo-history)', () => {
  for (const run of PLAN.runs) {
    it(`${run.key}: a LOCAL run of the trainer whose card is the run's model, trained on the snapshot it recorded`, () => {
      const r = readRecording(run.key);
      const resolved = r.recording.params.resolved as { version: string };
      const input = r.recording.params.input as { seed: number; epochs: number; stepsPerEpoch: number };
      expect(r.recording.runner).toBe('LOCAL');
      expect(input).toMatchObject({ seed: run.seed, epochs: run.epochs, stepsPerEpoch: run.stepsPerEpoch });
      expect(r.card.version).toBe(resolved.version);
      expect((r.card.training as { datasetSnapshot: { sha256: string } }).datasetSnapshot.sha256).toBe(r.recording.snapshot.sha256);
      expect(r.recording.snapshot.cases).toHaveLength(PLAN.trainA + PLAN.drifters);
      expect(r.log).toMatch(/loss/);
      expect(r.onnx.byteLength).toBeLessThan(6 * 1024 * 1024);
    });
  }
});
