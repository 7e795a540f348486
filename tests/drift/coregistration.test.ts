import { describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { useTestBlobs } from '../support/blobs';
import { db } from '@/lib/server/db';
import { computeDriftReport, evaluateCase, metadataStats } from '@/lib/server/drift';
import { driftReferenceFromCard } from '@/lib/server/drift/reference';
import { DEFAULT_DRIFT_SETTINGS } from '@/lib/server/drift/settings';
import { coregistrationCheck } from '@/lib/server/drift/checks/coregistration';
import { matmul4, type Mat4 } from '@/lib/server/imaging/affine';
import { generateCase } from '@/lib/server/imaging/cohort/generate';
import { writeNifti } from '@/lib/server/imaging/nifti';
import { coregisterToReference, type RegistrationRecord } from '@/lib/server/imaging/coregister';
import { fixtureCard } from './card-fixture';
import { inDistributionCase } from './case-fixture';
import { createCase, createModelVersion, createPrediction } from './db-fixtures';

useTestDb();
useTestBlobs();

const caseRow = { site: null, scannerManufacturer: null, fieldStrength: null };
const volumeRow = (modality: string, registration?: unknown) => ({
  modality,
  dims: [96, 96, 64],
  spacing: [1, 1, 1],
  affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1],
  orientation: 'RAS',
  datatype: 'float32',
  registration,
});
const metaWith = (regs: Record<string, unknown>) =>
  metadataStats(
    caseRow,
    ['T1N', 'T1C', 'T2W', 'T2F'].map((m) => volumeRow(m, regs[m])),
  );
const record = (over: Partial<RegistrationRecord>): RegistrationRecord => ({
  reference: 'T1C',
  method: 'rigid (Euler3D), Mattes mutual information (50 bins)',
  used: 'registration',
  referenceToMovingRas: [],
  rotationDeg: [0, 0, 0],
  translationMm: [0, 0, 0],
  miBefore: 0.3,
  miAfter: 0.31,
  iterations: 20,
  stop: 'converged',
  ...over,
});

describe('the co-registration drift check', () => {
  it('is absent for a case whose sequences shared one grid', () => {
    expect(coregistrationCheck(metaWith({}))).toBeNull();
    const v = evaluateCase(inDistributionCase(), driftReferenceFromCard(fixtureCard()), DEFAULT_DRIFT_SETTINGS);
    expect(v.checks.some((c) => c.kind === 'coregistration')).toBe(false);
  });

  it('fails a sequence whose final mutual information stays low, naming it and the figure', () => {
    const c = coregistrationCheck(metaWith({ T2F: record({ miBefore: 0.12, miAfter: 0.19, rotationDeg: [3, 0, 0] }) }))!;
    expect(c).toMatchObject({ kind: 'coregistration', verdict: 'fail', value: 0.19 });
    expect(c.score).toBeGreaterThan(1);
    expect(c.reason).toMatch(/^T2F still looks misaligned with T1C after co-registration: mutual information 0.19 is below 0.3/);
  });

  it('fails a large move that barely raised mutual information (an optimiser lost on a flat metric)', () => {
    const c = coregistrationCheck(
      metaWith({ T2W: record({ miBefore: 0.5, miAfter: 0.52, rotationDeg: [0, 8, 0], translationMm: [6, 0, 0] }) }),
    )!;
    expect(c.verdict).toBe('fail');
    expect(c.reason).toBe(
      'co-registration moved T2W 8.00° / 6.00 mm but raised mutual information only +4% (0.50 → 0.52); a real correction gains far more, so its alignment with T1C is doubtful',
    );
  });

  it('passes the header alignment kept for a sequence already in place', () => {
    const c = coregistrationCheck(metaWith({ T1N: record({ used: 'header', miBefore: 0.59, miAfter: 0.59 }) }))!;
    expect(c.verdict).toBe('pass');
    expect(c.reason).toMatch(/T1N onto T1C: header alignment kept/);
  });

  it('passes a real registration that recovered a known motion, with its figures in the reason', async () => {
    // the co-registration upload test's synthetic head: FLAIR moved 4 degrees and (3, -2, 1.5) mm
    const gen = generateCase({ caseId: 'COREG-D', seed: 'coreg', domain: 'A', grid: { dims: [96, 96, 64], spacing: [1, 1, 1] } });
    const a = (4 * Math.PI) / 180;
    const motion: Mat4 = [1, 0, 0, 3, 0, Math.cos(a), -Math.sin(a), -2, 0, Math.sin(a), Math.cos(a), 1.5, 0, 0, 0, 1];
    const nifti = (m: 'T1C' | 'T2F', affine = gen.affine) => writeNifti({ dims: gen.dims, affine, data: gen.images[m]! }, { level: 1 });
    const done = await coregisterToReference('T1C', nifti('T1C'), [{ name: 'T2F', bytes: nifti('T2F', matmul4(motion, gen.affine)) }]);
    const reg = done.T2F.registration;
    const c = coregistrationCheck(metaWith({ T2F: reg }))!;
    expect(c.verdict).toBe('pass');
    expect(c.score).toBeLessThan(1);
    expect(c.value).toBeCloseTo(reg.miAfter, 10);
    expect(c.reason).toMatch(/^co-registered: T2F onto T1C: moved 4\.\d+° \/ [\d.]+ mm, MI 0\.\d+ → 0\.\d+ \(\+\d+%\)$/);
  }, 60_000);

  it('reaches the stored drift report from Volume.registration, and a poor registration makes the case a drifter', async () => {
    const c = await createCase();
    for (const m of ['T1N', 'T1C', 'T2W', 'T2F'] as const)
      await db().volume.create({
        data: {
          caseId: c.id,
          blobKey: `vol-${m}-${c.id}`,
          sha256: 'c'.repeat(64),
          sizeBytes: 1,
          ...volumeRow(m),
          modality: m,
          registration: m === 'T2F' ? { ...record({ miBefore: 0.1, miAfter: 0.15 }) } : undefined,
        },
      });
    const mv = await createModelVersion();
    const p = await createPrediction(c.id, mv.id);
    const report = await computeDriftReport({ caseId: c.id, predictionId: p.id, volumes: {}, mask: new Uint8Array(0) });
    expect(report.checks.find((x) => x.kind === 'coregistration')).toMatchObject({ verdict: 'fail', value: 0.15 });
    expect(report.isDrifter).toBe(true);
    expect(report.reasons.some((r) => r.startsWith('T2F still looks misaligned with T1C'))).toBe(true);
  });
});
