import { describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { useTestBlobs } from '../support/blobs';
import { db } from '@/lib/server/db';
import { AUDIT } from '@/lib/server/audit';
import { ingestCase } from '@/lib/server/cases/ingest';
import { SYSTEM } from '@/lib/server/auth/actor';
import { AppError } from '@/lib/server/errors';
import { matmul4, type Mat4 } from '@/lib/server/imaging/affine';
import { generateCase } from '@/lib/server/imaging/cohort/generate';
import { writeNifti } from '@/lib/server/imaging/nifti';
import type { RegistrationRecord } from '@/lib/server/imaging/coregister';

useTestDb();
useTestBlobs();

// A small synthetic head; FLAIR's header says the patient nodded 4 degrees and moved (3, -2, 1.5) mm before it.
const gen = generateCase({ caseId: 'COREG-1', seed: 'coreg', domain: 'A', grid: { dims: [96, 96, 64], spacing: [1, 1, 1] } });
const a = (4 * Math.PI) / 180;
const MOTION: Mat4 = [1, 0, 0, 3, 0, Math.cos(a), -Math.sin(a), -2, 0, Math.sin(a), Math.cos(a), 1.5, 0, 0, 0, 1];
const nifti = (m: 'T1N' | 'T1C' | 'T2W' | 'T2F', affine = gen.affine) =>
  writeNifti({ dims: gen.dims, affine, data: gen.images[m]! }, { level: 1 });
const files = () => [
  { field: 't1n', filename: 't1n.nii.gz', bytes: nifti('T1N') },
  { field: 't1c', filename: 't1c.nii.gz', bytes: nifti('T1C') },
  { field: 't2w', filename: 't2w.nii.gz', bytes: nifti('T2W') },
  { field: 't2f', filename: 't2f.nii.gz', bytes: nifti('T2F', matmul4(MOTION, gen.affine)) },
];

describe('NIfTI upload with a sequence on another grid', () => {
  it('co-registers it onto the reference grid, recovering the motion, and stores the record with the volume', async () => {
    const r = await ingestCase(SYSTEM, { caseId: 'COREG-1' }, files());
    expect(r.created).toBe(true);
    const volumes = await db().volume.findMany({ where: { caseId: r.caseId } });
    const flair = volumes.find((v) => v.modality === 'T2F')!;
    for (const v of volumes) expect(v.affine).toEqual(gen.affine);
    expect(volumes.filter((v) => v.registration !== null).map((v) => v.modality)).toEqual(['T2F']);
    const reg = flair.registration as unknown as RegistrationRecord;
    expect(reg).toMatchObject({ reference: 'T1C', used: 'registration' });
    expect(reg.miAfter).toBeGreaterThan(reg.miBefore + 0.05);
    // reference -> moving is the motion the header claims
    const m = reg.referenceToMovingRas;
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) expect(Math.abs(m[i][j] - MOTION[i * 4 + j])).toBeLessThan(0.01);
      expect(Math.abs(m[i][3] - MOTION[i * 4 + 3])).toBeLessThan(0.5);
    }
    const audit = await db().auditEvent.findFirstOrThrow({ where: { entityId: r.caseId, action: AUDIT.caseIngest } });
    expect(audit.data).toMatchObject({ coregistered: ['T2F'] });
  });

  it('gives the same bytes for the same upload, so a re-upload stays a no-op', async () => {
    const again = await ingestCase(SYSTEM, { caseId: 'COREG-1' }, files());
    expect(again.created).toBe(false);
  });

  it('never resamples a mask: a mask on no sequence grid is refused, and nothing is stored', async () => {
    const cases = await db().case.count();
    const mask = writeNifti({ dims: gen.dims, affine: matmul4(MOTION, MOTION), data: gen.seg }, { level: 1 });
    const err = await ingestCase(SYSTEM, { caseId: 'COREG-2' }, [...files(), { field: 'mask', filename: 'seg.nii.gz', bytes: mask }]).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).status).toBe(422);
    expect((err as AppError).userMessage).toMatch(/mask grid does not match/);
    expect(await db().case.count()).toBe(cases);
  });
});
