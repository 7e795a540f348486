import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startOrthanc, freePort, type TestOrthanc } from '../support/orthanc';
import { writeSyntheticStudy, type WrittenStudy } from '../support/dicom-study';
import { qido, retrieveStudy, storeInstances, tagValue } from '@/lib/server/dicom/pacs/client';
import type { PacsConfig } from '@/lib/server/dicom/pacs/config';
import { AppError } from '@/lib/server/errors';

let orthanc: TestOrthanc;
let study: WrittenStudy;
let pacs: PacsConfig;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tw-pacs-client-'));
const LIMITS = { maxRequestBytes: 512 * 1024 ** 2, maxPartBytes: 64 * 1024 ** 2, maxParts: 5000 };

beforeAll(async () => {
  [orthanc, study] = await Promise.all([startOrthanc(), writeSyntheticStudy(tmp, { dims: [48, 48, 24] })]);
  pacs = { url: orthanc.dicomweb, authorization: `Basic ${Buffer.from(`${orthanc.username}:${orthanc.password}`).toString('base64')}` };
}, 60_000);
afterAll(async () => {
  await orthanc?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('DICOMweb client against Orthanc', () => {
  it('stores a study by STOW-RS, finds it by QIDO-RS and retrieves every instance by WADO-RS', async () => {
    const stored = await storeInstances(pacs, study.files);
    expect(stored.failed).toEqual([]);
    expect(stored.stored).toHaveLength(study.files.length);

    const studies = await qido(pacs, '/studies', { ModalitiesInStudy: 'MR' });
    expect(studies.map((s) => tagValue(s, '0020000D'))).toEqual([study.manifest.studyInstanceUid]);
    const series = await qido(pacs, `/studies/${study.manifest.studyInstanceUid}/series`);
    expect(series.map((s) => tagValue(s, '0008103E')).sort()).toEqual(['AX FLAIR', 'AX T1 POST GAD', 'AX T1 PRE', 'AX T2']);

    const dir = fs.mkdtempSync(path.join(tmp, 'wado-'));
    const files = await retrieveStudy(pacs, study.manifest.studyInstanceUid, dir, LIMITS);
    expect(files).toHaveLength(study.files.length);
    for (const f of files) expect(fs.readFileSync(f).subarray(128, 132).toString('latin1')).toBe('DICM');
  });

  it('answers UNAVAILABLE naming the cause when the PACS refuses or cannot be reached', async () => {
    const wrong = { ...pacs, authorization: `Basic ${Buffer.from('tumorwatch-test:wrong').toString('base64')}` };
    const refused = await qido(wrong, '/studies').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).userMessage).toMatch(/answered 401 .*check PACS_USERNAME/);
    const gone = await qido({ url: `http://127.0.0.1:${await freePort()}/dicom-web`, authorization: null }, '/studies').catch(
      (e: unknown) => e,
    );
    expect((gone as AppError).code).toBe('UNAVAILABLE');
    expect((gone as AppError).userMessage).toMatch(/cannot be reached/);
  });
});
