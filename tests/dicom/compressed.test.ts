/**
 * Compressed DICOM: JPEG-LS and JPEG 2000 series convert (the pinned dcm2niix decodes them, voxel for voxel the same
 * volume as the uncompressed series); a series in a transfer syntax it cannot decode is set aside naming the syntax,
 * its instances reported failed (0xC122), and the rest of the study is kept.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { useTestBlobs } from '../support/blobs';
import { db } from '@/lib/server/db';
import { SYSTEM } from '@/lib/server/auth/actor';
import { ingestDicomFiles } from '@/lib/server/dicom/ingest';
import { FOUR_SEQUENCES, writeStudy } from './fixtures';

const ROOT = path.resolve(__dirname, '../..');
useTestDb();
useTestBlobs();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tw-dicom-compressed-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function compress(kind: 'jpegls' | 'j2k' | 'htj2k-declared', files: string[]) {
  execFileSync(path.join(ROOT, '.venv/bin/python'), [path.join(__dirname, 'compress_series.py'), kind, ...files], { stdio: 'inherit' });
}

describe('compressed transfer syntaxes', () => {
  it('converts JPEG-LS and JPEG 2000 losslessly; sets aside High-Throughput JPEG 2000, naming it', async () => {
    const files = writeStudy(dir, 21, FOUR_SEQUENCES, { slices: 8 });
    const of = (n: number) => files.filter((f) => path.basename(f).startsWith(`s21-${n}-`));
    compress('jpegls', of(5)); // T1N
    compress('j2k', of(6)); // T1C
    compress('htj2k-declared', of(8)); // T2F; T2W (7) stays uncompressed
    const r = await ingestDicomFiles(SYSTEM, files, { source: 'upload' });
    const study = r.studies[0];
    expect(study.status).toBe('needs-decision');
    expect(study.series.map((s) => [s.seriesNumber, s.role])).toEqual([
      [5, 'T1N'],
      [6, 'T1C'],
      [7, 'T2W'],
      [8, null],
    ]);
    expect(study.series[3].setAsideReason).toBe(
      'compressed with High-Throughput JPEG 2000 (1.2.840.10008.1.2.4.203), which the converter cannot decode; send it uncompressed, JPEG, JPEG-LS, JPEG 2000 or RLE',
    );
    expect(study.failed.map((f) => f.failureCode)).toEqual(Array(8).fill(0xc122));
    // the same pixels, whatever the compression: the converted volumes are identical
    const rows = await db().dicomSeries.findMany({ orderBy: { seriesNumber: 'asc' } });
    const bySeries = Object.fromEntries(rows.map((x) => [x.seriesNumber, x]));
    expect(bySeries[5].sha256).toBe(bySeries[7].sha256);
    expect(bySeries[6].sha256).toBe(bySeries[7].sha256);
    expect(bySeries[8].blobKey).toBeNull();
  });
});
