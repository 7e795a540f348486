/**
 * The real scanner series (../shared/data/dicom, from dcm2niix's validation sets): the GE 3D T1 converts to the
 * geometry of its own DICOM headers and to the sidecar dcm2niix's maintainers published for it; the Siemens enhanced
 * multi-frame 4D series is set aside with a clear reason.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as dicomParser from 'dicom-parser';
import { useTestDb } from '../support/use-db';
import { useTestBlobs } from '../support/blobs';
import { db } from '@/lib/server/db';
import { SYSTEM } from '@/lib/server/auth/actor';
import { ingestDicomFiles } from '@/lib/server/dicom/ingest';
import { GE_REFERENCE_SIDECAR, SIEMENS_DIR, geFiles } from './fixtures';

useTestDb();
useTestBlobs();

describe('real DICOM series', () => {
  it('converts the unordered GE 3D T1 series to its DICOM geometry and the reference sidecar, classified T1N', async () => {
    const files = geFiles().reverse(); // not in slice order, and not in the order listed either
    const r = await ingestDicomFiles(SYSTEM, files, { source: 'upload' });
    expect(r.ignored).toEqual([]);
    expect(r.studies).toHaveLength(1);
    const study = r.studies[0];
    // one sequence of four: the study waits for a person, the series is a T1N
    expect(study.status).toBe('needs-decision');
    expect(study.status === 'needs-decision' && study.reason).toMatch(/no series for T1C, T2W, T2F/);
    expect(study.series).toEqual([{ seriesNumber: 5, description: '3D Ax T1 MP-RAGE_R22', role: 'T1N', setAsideReason: null }]);
    expect(study.accepted).toHaveLength(130);

    const series = await db().dicomSeries.findFirstOrThrow();
    expect(series.dims).toEqual([256, 256, 130]);
    const a = series.affine as number[];
    // columns of the affine: the DICOM row/column directions (LPS -> RAS), up to the axis flips dcm2niix makes
    const reference = JSON.parse(fs.readFileSync(GE_REFERENCE_SIDECAR, 'utf8'));
    const iop: number[] = reference.ImageOrientationPatientDICOM;
    const ras = (v: number[]) => [-v[0], -v[1], v[2]];
    const col = (j: number) => [a[j], a[4 + j], a[8 + j]];
    const unit = (v: number[]) => v.map((x) => x / Math.hypot(...v));
    const absDot = (u: number[], v: number[]) => Math.abs(u[0] * v[0] + u[1] * v[1] + u[2] * v[2]);
    expect(absDot(unit(col(0)), ras(iop.slice(0, 3)))).toBeCloseTo(1, 4);
    expect(absDot(unit(col(1)), ras(iop.slice(3, 6)))).toBeCloseTo(1, 4);
    expect(Math.hypot(...col(2))).toBeCloseTo(reference.SliceThickness, 3);
    // every voxel-grid corner slice sits where a DICOM file says it does
    const positions = files.map((f) => {
      const ds = dicomParser.parseDicom(new Uint8Array(fs.readFileSync(f)), { untilTag: 'x7fe00010' });
      return ras(ds.string('x00200032')!.split('\\').map(Number));
    });
    const world = (i: number, j: number, k: number) =>
      [0, 1, 2].map((r) => a[4 * r] * i + a[4 * r + 1] * j + a[4 * r + 2] * k + a[4 * r + 3]);
    const corners = [0, 255].flatMap((i) => [0, 255].map((j) => world(i, j, 0)));
    const near = (p: number[]) => positions.some((q) => Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]) < 0.01);
    expect(corners.some(near)).toBe(true);

    // the allow-listed sidecar fields equal the published reference's
    const acquisition = series.acquisition as Record<string, unknown>;
    for (const key of [
      'Manufacturer',
      'ManufacturersModelName',
      'MagneticFieldStrength',
      'SoftwareVersions',
      'MRAcquisitionType',
      'SeriesDescription',
      'ProtocolName',
      'ScanningSequence',
      'SequenceVariant',
      'ScanOptions',
      'RepetitionTime',
      'EchoTime',
      'InversionTime',
      'FlipAngle',
      'SliceThickness',
      'SpacingBetweenSlices',
      'PixelBandwidth',
      'ParallelReductionFactorInPlane',
    ])
      expect([key, acquisition[key]]).toEqual([key, reference[key]]);
    // dcm2niix 1.0.2026 appends the complex part (MAGNITUDE) to the reference's ImageType
    expect((acquisition.ImageType as string[]).slice(0, 3)).toEqual(reference.ImageType);
    // the institution only as a pseudonymous site key
    expect(acquisition.InstitutionName).toBeUndefined();
    expect(acquisition.SiteKey).toMatch(/^site-[0-9a-f]{8}$/);
  });

  it('sets the Siemens enhanced multi-frame 4D series aside and stores nothing', async () => {
    const files = fs.readdirSync(SIEMENS_DIR).map((n) => path.join(SIEMENS_DIR, n));
    const before = await db().dicomStudy.count();
    const r = await ingestDicomFiles(SYSTEM, files, { source: 'upload' });
    const study = r.studies[0];
    expect(study.status).toBe('refused');
    expect(study.series[0].setAsideReason).toMatch(/4D series \(4 volumes over time.*not a structural sequence/);
    expect(study.status === 'refused' && study.reason).toMatch(/no usable series/);
    expect(study.failed).toHaveLength(4);
    expect(await db().dicomStudy.count()).toBe(before);
  });
});
