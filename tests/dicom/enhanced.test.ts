/**
 * A 3D enhanced multi-frame series (Enhanced MR Image Storage, one file for the whole stack, as Philips and Siemens XA
 * scanners write) converts: the pinned dcm2niix reads the per-frame positions and the shared orientation and pixel
 * measures, giving the very voxels and grid of the same series sent as classic single-frame files, with the sidecar's
 * acquisition fields. (The real Siemens enhanced series, a 4D one, is set aside: tests/dicom/real-series.test.ts.)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import * as dicomParser from 'dicom-parser';
import { useTestDb } from '../support/use-db';
import { useTestBlobs } from '../support/blobs';
import { db } from '@/lib/server/db';
import { blobs } from '@/lib/server/blobs';
import { SYSTEM } from '@/lib/server/auth/actor';
import { ingestDicomFiles } from '@/lib/server/dicom/ingest';
import { readNifti } from '@/lib/server/imaging/nifti';
import { FOUR_SEQUENCES, writeStudy } from './fixtures';

const ROOT = path.resolve(__dirname, '../..');
useTestDb();
useTestBlobs();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tw-dicom-enhanced-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Replaces the series' single-frame files by one Enhanced MR Image object (enhance_series.py); returns its path. */
function enhance(files: string[], out: string): string {
  execFileSync(path.join(ROOT, '.venv/bin/python'), [path.join(__dirname, 'enhance_series.py'), out, ...files], { stdio: 'inherit' });
  return out;
}

const voxelDigest = (a: ArrayLike<number>) => createHash('sha256').update(Float64Array.from(a)).digest('hex');

async function volumeOf(seriesNumber: number) {
  const s = await db().dicomSeries.findFirstOrThrow({ where: { seriesNumber } });
  return { row: s, nifti: readNifti(await blobs().get(s.blobKey!)) };
}

describe('a 3D enhanced multi-frame series', () => {
  it('converts to the same volume as the series sent as single-frame files, and the study becomes a case', async () => {
    const files = writeStudy(dir, 31, FOUR_SEQUENCES, { slices: 10 });
    const of = (n: number) => files.filter((f) => path.basename(f).startsWith(`s31-${n}-`));
    // T1C (series 6) arrives as one enhanced object; T1N (5) keeps the same pixels and geometry as single frames
    const enhanced = enhance(of(6), path.join(dir, 's31-6-enhanced.dcm'));
    const header = dicomParser.parseDicom(new Uint8Array(fs.readFileSync(enhanced)), { untilTag: 'x7fe00010' });
    expect(header.string('x00080016')).toBe('1.2.840.10008.5.1.4.1.1.4.1'); // Enhanced MR Image Storage
    expect(header.string('x00280008')).toBe('10'); // NumberOfFrames
    const sent = [...files.filter((f) => fs.existsSync(f)), enhanced];
    expect(sent).toHaveLength(31);

    const r = await ingestDicomFiles(SYSTEM, sent, { source: 'upload' });
    const study = r.studies[0];
    expect(study.status).toBe('created');
    expect(study.series.map((s) => [s.seriesNumber, s.role, s.setAsideReason ?? null])).toEqual([
      [5, 'T1N', null],
      [6, 'T1C', null],
      [7, 'T2W', null],
      [8, 'T2F', null],
    ]);
    expect(study.failed).toEqual([]);

    const classic = await volumeOf(5);
    const multi = await volumeOf(6);
    expect(multi.nifti.dims).toEqual(classic.nifti.dims);
    expect(multi.nifti.dims[2]).toBe(10);
    expect(multi.nifti.spacing.map((x) => x.toFixed(4))).toEqual(classic.nifti.spacing.map((x) => x.toFixed(4)));
    multi.nifti.affine.forEach((v, k) => expect(v).toBeCloseTo(classic.nifti.affine[k], 4));
    // voxel for voxel, by value: dcm2niix writes the enhanced series as float32 when it converts it in one run with
    // single-frame series (alone it keeps int16); compared by digest, as a failing toEqual on a megabyte would diff
    // every element
    expect(voxelDigest(multi.nifti.data)).toBe(voxelDigest(classic.nifti.data));
    // the acquisition fields come through the functional groups into the sidecar
    expect(multi.row.acquisition).toMatchObject({
      Manufacturer: 'GE',
      ManufacturersModelName: 'SIGNA Pioneer',
      MagneticFieldStrength: 3,
      RepetitionTime: (classic.row.acquisition as { RepetitionTime: number }).RepetitionTime,
      EchoTime: (classic.row.acquisition as { EchoTime: number }).EchoTime,
    });
    const c = await db().case.findFirstOrThrow({ include: { volumes: { where: { modality: 'T1C' } } } });
    expect(c.volumes[0].dicomSeriesId).toBe(multi.row.id);
  });

  it('missing a frame, is set aside naming the gap (dcm2niix alone would squeeze the stack onto fewer slices)', async () => {
    const series = FOUR_SEQUENCES.map((x) => (x.number === 6 ? { ...x, drop: [4] } : x));
    const files = writeStudy(path.join(dir, 'gap'), 32, series, { slices: 10 });
    const enhanced = enhance(
      files.filter((f) => path.basename(f).startsWith('s32-6-')),
      path.join(dir, 'gap', 's32-6-enhanced.dcm'),
    );
    const r = await ingestDicomFiles(SYSTEM, [...files.filter((f) => fs.existsSync(f)), enhanced], { source: 'upload' });
    const study = r.studies[0];
    expect(study).toMatchObject({ status: 'needs-decision', reason: expect.stringMatching(/^no series for T1C/) });
    const t1c = study.series.find((s) => s.seriesNumber === 6)!;
    expect(t1c.role).toBeNull();
    expect(t1c.setAsideReason).toMatch(
      /^1 slice missing: the slice positions jump from -?[0-9.]+ to -?[0-9.]+ mm where the spacing is 1\.20 mm; send the complete series$/,
    );
  });
});
