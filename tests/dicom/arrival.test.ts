/**
 * How studies arrive in practice: series by series (a router, a PACS pushing as series complete), and with a series
 * acquired on another grid, which is co-registered onto the reference grid before the case exists.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { useTestBlobs } from '../support/blobs';
import { db } from '@/lib/server/db';
import { AUDIT } from '@/lib/server/audit';
import { SYSTEM } from '@/lib/server/auth/actor';
import { ingestDicomFiles } from '@/lib/server/dicom/ingest';
import { dismissStudy, listPendingStudies } from '@/lib/server/dicom/decisions';
import { FOUR_SEQUENCES, writeStudy } from './fixtures';

useTestDb();
useTestBlobs();
const SLICES = 24;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tw-dicom-arrival-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('DICOM studies as they arrive', () => {
  it('completes a study sent series by series (as a router sends it), and refuses series sent after the case', async () => {
    const files = writeStudy(path.join(dir, 'd'), 4, FOUR_SEQUENCES, { slices: SLICES });
    const part = (n: number[]) => files.filter((f) => n.some((k) => path.basename(f).startsWith(`s4-${k}-`)));
    const first = await ingestDicomFiles(SYSTEM, part([5, 6]), { source: 'stow' });
    expect(first.studies[0]).toMatchObject({ status: 'needs-decision', reason: 'no series for T2W, T2F: assign the series by hand' });
    // the retry of the first push plus the rest: the two known series are not converted again
    const second = await ingestDicomFiles(SYSTEM, part([5, 6, 7, 8]), { source: 'stow' });
    const done = second.studies[0];
    expect(done.status).toBe('created');
    expect(done.accepted).toHaveLength(4 * SLICES);
    expect(done.series.map((x) => x.role)).toEqual(['T2W', 'T2F']);
    const c = await db().case.findUniqueOrThrow({
      where: { id: done.status === 'created' ? done.caseId : '' },
      include: { volumes: true },
    });
    expect(c.volumes).toHaveLength(4);
    const late = writeStudy(path.join(dir, 'd2'), 4, [{ number: 9, description: 'Ax DWI' }], { slices: 3 });
    const third = await ingestDicomFiles(SYSTEM, late, { source: 'stow' });
    expect(third.studies[0]).toMatchObject({ status: 'unchanged', accepted: [] });
    expect(third.studies[0].failed[0].reason).toBe('the study was already made a case; series sent afterwards are not added');
  });

  it('co-registers a series acquired on another grid onto the reference grid (the DICOM call site of co-registration)', async () => {
    const shiftedStudy = writeStudy(path.join(dir, 'c'), 3, [...FOUR_SEQUENCES.slice(0, 3), { ...FOUR_SEQUENCES[3], shiftMm: 2.5 }], {
      slices: SLICES,
    });
    const r = await ingestDicomFiles(SYSTEM, shiftedStudy, { source: 'pacs' });
    const study = r.studies[0];
    expect(study.status).toBe('created');
    const c = await db().case.findUniqueOrThrow({
      where: { id: study.status === 'created' ? study.caseId : '' },
      include: { volumes: true },
    });
    const byModality = Object.fromEntries(c.volumes.map((v) => [v.modality, v]));
    expect(byModality.T2F.registration).toMatchObject({ reference: 'T1C' });
    expect(byModality.T2F.affine).toEqual(byModality.T1C.affine);
    expect(byModality.T1N.registration).toBeNull();
    const event = await db().auditEvent.findFirstOrThrow({ where: { action: AUDIT.caseIngest, entityId: c.id } });
    expect((event.data as { coregistered: string[] }).coregistered).toEqual(['T2F']);
  });

  it('lets a person set a waiting study aside with a reason, audited; later pushes of it are refused', async () => {
    const files = writeStudy(path.join(dir, 'e'), 5, [FOUR_SEQUENCES[0]], { slices: 4 });
    const first = await ingestDicomFiles(SYSTEM, files, { source: 'stow' });
    const studyId = first.studies[0].status === 'needs-decision' ? first.studies[0].dicomStudyId : '';
    const u = await db().user.create({ data: { email: 'rad@arrival', name: 'Rad', role: 'RADIOLOGIST', passwordHash: 'x' } });
    const rad = { kind: 'user' as const, id: u.id, email: u.email, name: u.name, role: 'RADIOLOGIST' as const };
    await expect(dismissStudy(rad, { studyId, reason: '' })).rejects.toThrow(/say why/);
    await dismissStudy(rad, { studyId, reason: 'a phantom scan, not a patient' });
    expect(await listPendingStudies(rad)).toEqual([]);
    const event = await db().auditEvent.findFirstOrThrow({ where: { action: AUDIT.dicomStudyDismiss } });
    expect(event).toMatchObject({ actorId: u.id, entityId: studyId, data: { reason: 'a phantom scan, not a patient' } });
    const more = writeStudy(path.join(dir, 'e2'), 5, [FOUR_SEQUENCES[1]], { slices: 4 });
    const again = await ingestDicomFiles(SYSTEM, more, { source: 'stow' });
    expect(again.studies[0].failed[0].reason).toBe('the study was already set aside by a person; series sent afterwards are not added');
  });
});
