/**
 * A NIfTI whose qform and sform disagree was accepted without a word: the reader now says which one it used (the
 * sform, as the NIfTI rule and nibabel do), and the case's volume records it.
 */
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { useTestBlobs } from '../support/blobs';
import { realCaseFiles } from '../support/real-data';
import { db } from '@/lib/server/db';
import { SYSTEM } from '@/lib/server/auth/actor';
import { ingestCase } from '@/lib/server/cases/ingest';
import { readNifti } from '@/lib/server/imaging/nifti';

useTestDb();
useTestBlobs();

/** The same file with qoffset_x (NIfTI-1 byte 268) moved by `mm`, and both codes set. */
function withStaleQform(gz: Uint8Array, mm: number): Uint8Array<ArrayBuffer> {
  const raw = Buffer.from(zlib.gunzipSync(gz));
  raw.writeInt16LE(1, 252); // qform_code: scanner
  raw.writeInt16LE(Math.max(1, raw.readInt16LE(254)), 254); // sform_code kept (or set)
  raw.writeFloatLE(raw.readFloatLE(268) + mm, 268);
  return new Uint8Array(zlib.gzipSync(raw));
}

describe('qform and sform disagreeing', () => {
  it('reads the sform and says so; agreeing transforms give no warning', () => {
    const [t1] = realCaseFiles('TCGA-DU-7294');
    expect(readNifti(t1.bytes).warnings).toEqual([]);
    const stale = readNifti(withStaleQform(t1.bytes, 7.5));
    expect(stale.affineSource).toBe('sform');
    expect(stale.warnings).toEqual([
      expect.stringMatching(/^qform and sform disagree by up to 7\.50 mm; the sform was used \(sform_code \d, qform_code 1\)$/),
    ]);
  });

  it('records the warning on the stored volume of an uploaded case', async () => {
    const files = realCaseFiles('TCGA-DU-7294');
    files[3] = { ...files[3], bytes: withStaleQform(files[3].bytes, 7.5) };
    const r = await ingestCase(SYSTEM, { caseId: 'XFORM-1' }, files);
    const volumes = await db().volume.findMany({ where: { caseId: r.caseId } });
    const byModality = Object.fromEntries(volumes.map((v) => [v.modality, v.warnings]));
    // the real BraTS volumes arrive skull-stripped, which each volume also records (tests/imaging/already-stripped.test.ts)
    const stripped = expect.stringMatching(/^input already skull-stripped/);
    expect(byModality.T2F).toEqual([expect.stringMatching(/the sform was used/), stripped]);
    expect(byModality.T1N).toEqual([stripped]);
  });
});
