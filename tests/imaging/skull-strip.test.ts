import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { useTestBlobs } from '../support/blobs';
import { db } from '@/lib/server/db';
import { blobs } from '@/lib/server/blobs';
import { ingestCase } from '@/lib/server/cases/ingest';
import { caseVolumesOnOneGrid, type SourceSeries } from '@/lib/server/dicom/case';
import { SYSTEM } from '@/lib/server/auth/actor';
import { AppError } from '@/lib/server/errors';
import { parseEnv, resetEnvCache } from '@/lib/server/env';
import { generateCase } from '@/lib/server/imaging/cohort/generate';
import { readNifti, writeNifti } from '@/lib/server/imaging/nifti';
import { strippedBy } from '@/lib/server/imaging/skull-strip';
import { CASE_MODALITIES, type CaseModality } from '@/lib/server/imaging/validate';

useTestDb();
const blobState = useTestBlobs();

const PYTHON = path.resolve('.venv/bin/python');
const STRIP = path.resolve('tests/imaging/fixtures/strip.py');
const NOTE = 'skull-stripped by strip.py (SKULL_STRIP_COMMAND) before storing';
const configure = (argv: string[] | undefined) => {
  if (argv) process.env.SKULL_STRIP_COMMAND = JSON.stringify(argv);
  else delete process.env.SKULL_STRIP_COMMAND;
  resetEnvCache();
};
afterAll(() => configure(undefined));

const gen = generateCase({ caseId: 'STRIP-1', seed: 'strip', domain: 'A', grid: { dims: [64, 64, 40], spacing: [1, 1, 1] } });
const nifti = (m: CaseModality) => writeNifti({ dims: gen.dims, affine: gen.affine, data: gen.images[m]! }, { level: 1 });
const files = () => CASE_MODALITIES.map((m) => ({ field: m.toLowerCase(), filename: `${m}.nii.gz`, bytes: nifti(m) }));

/** strip.py's mask: the ellipsoid inscribed in the central 70% of the grid (x fastest, as NIfTI stores voxels). */
function insideMask(i: number): boolean {
  const [nx, ny, nz] = gen.dims;
  const [x, y, z] = [i % nx, Math.floor(i / nx) % ny, Math.floor(i / (nx * ny))];
  const r = (v: number, n: number) => (v - (n - 1) / 2) / (0.35 * n);
  return r(x, nx) ** 2 + r(y, ny) ** 2 + r(z, nz) ** 2 <= 1;
}

const blobFiles = () =>
  fs.readdirSync(blobState.root!, { recursive: true }).filter((f) => fs.statSync(path.join(blobState.root!, String(f))).isFile()).length;

describe('the skull-stripping step (SKULL_STRIP_COMMAND)', () => {
  it('is refused at start-up without {in} and {out}, naming the setting', () => {
    expect(() => parseEnv({ SKULL_STRIP_COMMAND: '["strip","{in}"]' })).toThrow(/SKULL_STRIP_COMMAND.*\{in\} and \{out\}/);
    expect(() => parseEnv({ SKULL_STRIP_COMMAND: 'strip {in} {out}' })).toThrow(/SKULL_STRIP_COMMAND/);
  });

  it('strips every sequence of a NIfTI upload with a real command and notes it on each volume', async () => {
    configure([PYTHON, STRIP, '{in}', '{out}']);
    const r = await ingestCase(SYSTEM, { caseId: 'STRIP-1' }, files());
    expect(r.created).toBe(true);
    const volumes = await db().volume.findMany({ where: { caseId: r.caseId } });
    expect(volumes).toHaveLength(4);
    for (const v of volumes) {
      expect(v.warnings).toContain(NOTE);
      expect(strippedBy(v.warnings)).toBe('strip.py');
      expect(v.affine).toEqual(gen.affine);
    }
    const t1n = volumes.find((v) => v.modality === 'T1N')!;
    const stored = readNifti(await blobs().get(t1n.blobKey)).data;
    const original = gen.images.T1N!;
    let zeroed = 0;
    for (let i = 0; i < original.length; i++) {
      if (insideMask(i)) expect(stored[i]).toBe(original[i]);
      else {
        expect(stored[i]).toBe(0);
        if (original[i] !== 0) zeroed++;
      }
    }
    expect(zeroed).toBeGreaterThan(1000); // the head outside the mask was really there, and is gone
    // the same upload again is the same stripped bytes: still an idempotent no-op
    expect((await ingestCase(SYSTEM, { caseId: 'STRIP-1' }, files())).created).toBe(false);
  }, 60_000);

  it('refuses an upload whose stripping fails, with the tool\u2019s words, and stores nothing', async () => {
    configure([PYTHON, STRIP, '--fail', '{in}', '{out}']);
    const [cases, stored] = [await db().case.count(), blobFiles()];
    const err = await ingestCase(SYSTEM, { caseId: 'STRIP-2' }, files()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).status).toBe(422);
    expect((err as AppError).userMessage).toMatch(
      /^skull-stripping \(strip\.py\) of T1N failed \(exit 1\): strip\.py: no brain found in .*in\.nii\.gz; nothing was stored$/,
    );
    expect(await db().case.count()).toBe(cases);
    expect(blobFiles()).toBe(stored);
  }, 60_000);

  it('runs at the DICOM call site too: each stripped volume is stored as a new blob with the note', async () => {
    configure([PYTHON, STRIP, '{in}', '{out}']);
    const series = {} as Record<CaseModality, SourceSeries>;
    const bytes = new Map<string, Uint8Array>();
    for (const m of CASE_MODALITIES) {
      bytes.set(m, nifti(m));
      series[m] = {
        ...{ seriesKey: m, blobKey: `series-${m}`, sha256: m, sizeBytes: 1, dims: gen.dims, spacing: [1, 1, 1], affine: gen.affine },
        ...{ datatype: 'float32', orientation: 'LPS', acquisition: null, warnings: m === 'T2F' ? ['dcm2niix: a note'] : null },
      };
    }
    const out = await caseVolumesOnOneGrid(series, async (s) => bytes.get(s.seriesKey)!);
    for (const m of CASE_MODALITIES) {
      expect(out[m].blobKey).not.toBe(`series-${m}`);
      expect(out[m].warnings).toEqual(m === 'T2F' ? ['dcm2niix: a note', NOTE] : [NOTE]);
      expect(readNifti(await blobs().get(out[m].blobKey)).data.some((v, i) => !insideMask(i) && v !== 0)).toBe(false);
    }
  }, 60_000);
});
