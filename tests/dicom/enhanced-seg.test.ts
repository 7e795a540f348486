/**
 * DICOM SEG export for a study whose reference sequence (T1C) arrived as one Enhanced MR Image object: ingestion keeps
 * each frame's position in the sealed references, and the SEG references that enhanced instance frame by frame,
 * rather than falling back to another series (before, the enhanced series was skipped as "not a single-frame series"
 * and the SEG silently referenced T1N). pydicom reads it back onto exactly the exported mask's voxels.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import * as dicomParser from 'dicom-parser';
import { useTestDb } from '../support/use-db';
import { useTestBlobs } from '../support/blobs';
import { db } from '@/lib/server/db';
import { blobs } from '@/lib/server/blobs';
import { SYSTEM } from '@/lib/server/auth/actor';
import { ingestDicomFiles } from '@/lib/server/dicom/ingest';
import { readCaseSourceReferences } from '@/lib/server/dicom/references';
import { exportSeg } from '@/lib/server/dicom/seg/export';
import { openBytes } from '@/lib/server/dicom/seg/sealed';
import { readNifti } from '@/lib/server/imaging/nifti';
import { writeNiftiMask } from '@/lib/server/imaging/nifti-write';
import { compareSegWithMask } from '../dicom-pacs/seg-check';
import { createModelVersion, createPrediction, createUserActor } from '../drift/db-fixtures';
import { FOUR_SEQUENCES, writeStudy } from './fixtures';

const ROOT = path.resolve(__dirname, '../..');
useTestDb();
useTestBlobs();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tw-dicom-enhanced-seg-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A box of the three labels in the middle of the grid (x fastest, as NIfTI stores it). */
function boxMask([nx, ny, nz]: number[]): Uint8Array {
  const mask = new Uint8Array(nx * ny * nz);
  for (let k = 2; k < nz - 2; k++)
    for (let j = Math.floor(ny / 3); j < Math.floor((2 * ny) / 3); j++)
      for (let i = Math.floor(nx / 3); i < Math.floor((2 * nx) / 3); i++) mask[i + nx * (j + ny * k)] = 1 + ((i + j + k) % 3);
  return mask;
}

const sequenceItems = (ds: dicomParser.DataSet, tag: string) => ds.elements[tag]?.items?.map((x) => x.dataSet!) ?? [];

describe('DICOM SEG of a study whose reference series is enhanced multi-frame', () => {
  it('references the enhanced T1C instance frame by frame and reads back onto the mask', { timeout: 120_000 }, async () => {
    const files = writeStudy(dir, 33, FOUR_SEQUENCES, { slices: 10 });
    const enhanced = path.join(dir, 's33-6-enhanced.dcm');
    const t1cFiles = files.filter((f) => path.basename(f).startsWith('s33-6-'));
    execFileSync(path.join(ROOT, '.venv/bin/python'), [path.join(__dirname, 'enhance_series.py'), enhanced, ...t1cFiles]);
    const r = await ingestDicomFiles(SYSTEM, [...files.filter((f) => fs.existsSync(f)), enhanced], { source: 'upload' });
    expect(r.studies[0].status).toBe('created');
    const c = await db().case.findFirstOrThrow({ include: { volumes: { where: { modality: 'T1C' } } } });

    const refs = (await readCaseSourceReferences(c.id)).T1C!;
    expect(refs.instances).toHaveLength(1);
    expect(refs.instances[0]).toMatchObject({ numberOfFrames: 10, imagePositionPatient: null });
    expect(refs.instances[0].framePositions).toHaveLength(10);
    expect(refs.instances[0].imageOrientationPatient).toHaveLength(6);

    const t1c = readNifti(await blobs().get(c.volumes[0].blobKey));
    const maskBytes = writeNiftiMask(boxMask(t1c.dims), t1c);
    const put = await blobs().put(maskBytes);
    await createPrediction(c.id, (await createModelVersion()).id, { maskBlobKey: put.key });
    const exported = await exportSeg(await createUserActor('ML_ENGINEER'), c.id, 'PREDICTION');

    const seg = openBytes(await blobs().get((await db().segExport.findUniqueOrThrow({ where: { id: exported.id } })).blobKey));
    const segFile = path.join(dir, 'seg.dcm');
    fs.writeFileSync(segFile, seg);
    const source = dicomParser.parseDicom(new Uint8Array(fs.readFileSync(enhanced)), { untilTag: 'x7fe00010' });
    const ds = dicomParser.parseDicom(seg);
    const referenced = sequenceItems(ds, 'x00081115')[0];
    expect(referenced.string('x0020000e')).toBe(source.string('x0020000e'));
    expect(sequenceItems(referenced, 'x0008114a').map((i) => i.string('x00081155'))).toEqual([source.string('x00080018')]);
    // every SEG frame derives from one frame of the enhanced instance (DerivationImage > SourceImage > frame number)
    const frameNumbers = sequenceItems(ds, 'x52009230').map((f) => {
      const src = sequenceItems(sequenceItems(f, 'x00089124')[0], 'x00082112')[0];
      expect(src.string('x00081155')).toBe(source.string('x00080018'));
      return Number(src.string('x00081160'));
    });
    expect(new Set(frameNumbers).size).toBeGreaterThan(1);
    expect(frameNumbers.every((n) => n >= 1 && n <= 10)).toBe(true);

    const maskFile = path.join(dir, 'mask.nii.gz');
    fs.writeFileSync(maskFile, maskBytes);
    const check = await compareSegWithMask(maskFile, exported.seriesInstanceUid, [segFile]);
    expect(check.tumourVoxels).toBeGreaterThan(0);
    expect(check.agreeing).toBe(check.tumourVoxels);
  });
});
