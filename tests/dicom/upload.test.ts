/**
 * DICOM by upload: a zip (with a stray file and a hostile entry name) becomes a case; a zip bomb stops at the
 * inflated limit (413) with nothing stored; DICOM sent to the NIfTI endpoint gets a 415 that says where DICOM goes;
 * `npm run ingest` takes a DICOM folder, and refuses a folder it cannot use instead of exiting 0 in silence.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { useTestBlobs } from '../support/blobs';
import { db } from '@/lib/server/db';
import { resetEnvCache } from '@/lib/server/env';
import { SYSTEM } from '@/lib/server/auth/actor';
import { ingestCase } from '@/lib/server/cases/ingest';
import { ingestDicomUpload } from '@/lib/server/dicom/upload';
import { FOUR_SEQUENCES, writeStudy } from './fixtures';

const ROOT = path.resolve(__dirname, '../..');
const testDb = useTestDb();
const blobRoot = useTestBlobs();
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tw-dicom-upload-test-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function zipOf(entries: Record<string, Uint8Array>, file: string): string {
  fs.writeFileSync(file, zipSync(entries, { level: 1 }));
  return file;
}

describe('DICOM uploads', () => {
  it('unpacks a zip safely and creates the case; a stray file is ignored with a note naming it', async () => {
    const files = writeStudy(path.join(dir, 'z'), 11, FOUR_SEQUENCES, { slices: 10 });
    const entries: Record<string, Uint8Array> = { 'notes/README.txt': Buffer.from('hello'), '../../escape.txt': Buffer.from('x') };
    for (const f of files) entries[`PAT/STUDY/${path.basename(f)}`] = fs.readFileSync(f);
    const zip = zipOf(entries, path.join(dir, 'study.zip'));
    const r = await ingestDicomUpload(SYSTEM, [{ path: zip, name: 'study.zip' }]);
    expect(r.studies.map((s) => s.status)).toEqual(['created']);
    expect(r.ignored.map((i) => i.file).sort()).toEqual(['000000-README.txt', '000001-escape.txt']);
    expect(fs.existsSync(path.join(dir, 'escape.txt'))).toBe(false);
  });

  it('stops a zip bomb at the inflated limit (413) and stores nothing', async () => {
    process.env.INGEST_MAX_INFLATED_BYTES = String(4 * 1024 * 1024);
    resetEnvCache();
    try {
      const zip = zipOf({ 'a.dcm': new Uint8Array(16 * 1024 * 1024) }, path.join(dir, 'bomb.zip'));
      expect(fs.statSync(zip).size).toBeLessThan(1024 * 1024);
      const before = await db().dicomStudy.count();
      await expect(ingestDicomUpload(SYSTEM, [{ path: zip, name: 'bomb.zip' }])).rejects.toMatchObject({
        code: 'TOO_LARGE',
        userMessage: 'The zip unpacks to more than 4 MiB.',
      });
      expect(await db().dicomStudy.count()).toBe(before);
    } finally {
      delete process.env.INGEST_MAX_INFLATED_BYTES;
      resetEnvCache();
    }
  });

  it('answers DICOM sent as a NIfTI case with a 415 that says where DICOM goes', async () => {
    const [file] = writeStudy(path.join(dir, 'n'), 12, [FOUR_SEQUENCES[0]], { slices: 3 });
    const bytes = new Uint8Array(fs.readFileSync(file));
    await expect(ingestCase(SYSTEM, { caseId: 'X1' }, [{ field: 't1n', filename: 'IM0001', bytes }])).rejects.toMatchObject({
      status: 415,
      userMessage: expect.stringMatching(
        /^IM0001: a DICOM file; this endpoint takes NIfTI volumes .* \/dicomweb\/studies, or as a zip or folder to \/api\/dicom\/uploads/,
      ),
    });
  });

  it('npm run ingest: a nested DICOM folder becomes a case; an unusable folder exits 1 with the reason', async () => {
    const folder = path.join(dir, 'cli');
    writeStudy(path.join(folder, 'patient', 'study'), 13, FOUR_SEQUENCES, { slices: 8 });
    const empty = fs.mkdtempSync(path.join(dir, 'empty-'));
    fs.writeFileSync(path.join(empty, 'notes.txt'), 'nothing here');
    const env = { ...process.env, DATABASE_URL: testDb.db!.url, BLOB_ROOT: blobRoot.root!, BLOB_DRIVER: 'local' };
    const run = (target: string) =>
      promisify(execFile)('npx', ['tsx', '--conditions=react-server', 'scripts/ingest.ts', target], {
        cwd: ROOT,
        env,
        timeout: 120_000,
      }).then(
        (r) => ({ code: 0, ...r }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
      );
    const ok = await run(folder);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^created DICOM-[0-9a-f]{16} -> \w+/m);
    const bad = await run(empty);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/no NIfTI case folders \(BraTS naming\) and no DICOM files found; nothing was ingested/);
  });
});
