/**
 * Issue #23 end to end, against a real Orthanc: a four-sequence study written from a synthetic case (FLAIR on an
 * oblique grid) is stored in Orthanc, pushed by Orthanc's DICOMweb client to TumorWatch's STOW-RS route, pulled
 * (the pull recognises it and takes nothing twice), co-registered, predicted and drift-checked with its DICOM
 * metadata; a radiologist's label is approved by a second reader; its DICOM SEG and the prediction's reach Orthanc as
 * two new series of the study, and pydicom reads the label's back onto exactly the approved voxels.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useTestDb } from '../support/use-db';
import { listBlobFiles, useTestBlobs } from '../support/blobs';
import { startOrthanc, type TestOrthanc } from '../support/orthanc';
import { writeSyntheticStudy, type WrittenStudy } from '../support/dicom-study';
import { serveRoute } from '../support/route-server';
import { compareSegWithMask, truthOnCaseGrid } from './seg-check';
import { db } from '@/lib/server/db';
import { blobs } from '@/lib/server/blobs';
import { SYSTEM, type Actor } from '@/lib/server/auth/actor';
import { createApiToken } from '@/lib/server/auth/tokens';
import { createUser } from '@/lib/server/users';
import { resetEnvCache } from '@/lib/server/env';
import { qido, retrieveStudy, storeInstances, tagValue } from '@/lib/server/dicom/pacs/client';
import { pacsConfig } from '@/lib/server/dicom/pacs/config';
import { pullStudies } from '@/lib/server/dicom/pacs/pull';
import { exportSeg } from '@/lib/server/dicom/seg/export';
import { sendSegToPacs } from '@/lib/server/dicom/seg/send';
import { readSegExport, segPanelState } from '@/lib/server/dicom/seg/queries';
import { AppError } from '@/lib/server/errors';
import { pseudonym } from '@/lib/server/dicom/privacy';
import { readModelDir, registerModelVersion } from '@/lib/server/registry/register';
import { serveCase } from '@/lib/server/serving/serve-case';
import { saveLabelVersion } from '@/lib/server/labels';
import { approveLabel, submitForReview } from '@/lib/server/labels/review';
import { PRODUCTION_MODEL_DIR } from '@/prisma/seed-model';

const auth = vi.hoisted(() => ({ authorization: '' }));
vi.mock('next-auth', () => ({ getServerSession: async () => null }));
vi.mock('next/headers', () => ({ headers: async () => new Headers(auth.authorization ? { authorization: auth.authorization } : {}) }));
const { POST: stowRoute } = await import('@/app/dicomweb/studies/route');

useTestDb();
const blobRoot = useTestBlobs();
const DIMS: [number, number, number] = [96, 96, 64];
/** each step converts, registers, infers or writes SEGs: room for a loaded CI machine */
const STEP_MS = 180_000;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tw-pacs-e2e-'));
let orthanc: TestOrthanc;
let study: WrittenStudy;
let app: Awaited<ReturnType<typeof serveRoute>>;
let reader: Actor;
let approver: Actor;
let caseId = '';
let token = '';

beforeAll(async () => {
  [orthanc, study] = await Promise.all([startOrthanc(), writeSyntheticStudy(tmp, { caseId: 'E2E-DICOM', dims: DIMS })]);
  Object.assign(process.env, { PACS_DICOMWEB_URL: orthanc.dicomweb, PACS_USERNAME: orthanc.username, PACS_PASSWORD: orthanc.password });
  resetEnvCache();
  await registerModelVersion(SYSTEM, { ...(await readModelDir(PRODUCTION_MODEL_DIR)), stage: 'PRODUCTION' });
  const bridge = await createUser(SYSTEM, {
    email: 'orthanc@e2e.test',
    name: 'Orthanc bridge',
    role: 'RADIOLOGIST',
    password: 'orthanc bridge passphrase',
  });
  token = await createApiToken(bridge.id, 'orthanc', { scope: 'INGEST' });
  const person = async (email: string, name: string): Promise<Actor> => {
    const u = await createUser(SYSTEM, { email, name, role: 'RADIOLOGIST', password: `${name} long passphrase` });
    return { kind: 'user', id: u.id, email, name, role: 'RADIOLOGIST' };
  };
  reader = await person('reader@e2e.test', 'Ann Reader');
  approver = await person('approver@e2e.test', 'Bob Approver');
  app = await serveRoute(stowRoute, (req) => (auth.authorization = req.headers.authorization ?? ''));
}, 120_000);
afterAll(async () => {
  await app?.close();
  await orthanc?.stop();
  for (const k of ['PACS_DICOMWEB_URL', 'PACS_USERNAME', 'PACS_PASSWORD']) delete process.env[k];
  resetEnvCache();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('a DICOM study from Orthanc to a DICOM SEG back in Orthanc', () => {
  it(
    'reaches TumorWatch pushed by STOW-RS, co-registered, and is not taken twice by a pull',
    async () => {
      const stored = await storeInstances(pacsConfig()!, study.files);
      expect(stored.failed).toEqual([]);
      // PUSH: Orthanc's own DICOMweb client sends the study to TumorWatch's STOW-RS route with the bridge's API token
      // (a DICOMweb server registered at run time, as a hospital configures it in orthanc.json)
      await orthanc.rest('PUT', '/dicom-web/servers/tumorwatch', {
        Url: `${app.url}/dicomweb/`,
        HttpHeaders: { Authorization: `Bearer ${token}` },
      });
      const found = await orthanc.rest<string[]>('POST', '/tools/find', {
        Level: 'Study',
        Query: { StudyInstanceUID: study.manifest.studyInstanceUid },
      });
      expect(found).toHaveLength(1);
      await orthanc.rest('POST', '/dicom-web/servers/tumorwatch/stow', { Resources: found, Synchronous: true });
      const c = await db().case.findFirstOrThrow({ include: { volumes: true, dicomStudy: true } });
      caseId = c.id;
      expect(c.dicomStudy).toMatchObject({ source: 'stow', status: 'CASE_CREATED' });
      // the oblique FLAIR was co-registered onto T1C's grid
      const flair = c.volumes.find((v) => v.modality === 'T2F')!;
      expect(flair.registration).toMatchObject({ reference: 'T1C' });
      expect(new Set(c.volumes.map((v) => JSON.stringify(v.affine))).size).toBe(1);

      const [pulled] = await pullStudies(SYSTEM, [study.manifest.studyInstanceUid], { trigger: 'on-demand' });
      expect(pulled).toMatchObject({ status: 'skipped', caseId });
      expect(await db().case.count()).toBe(1);
    },
    STEP_MS,
  );

  it(
    'is predicted and drift-checked with the DICOM acquisition',
    async () => {
      await serveCase(caseId);
      const p = await db().prediction.findFirstOrThrow({ where: { caseId, returned: true } });
      const report = await db().driftReport.findUniqueOrThrow({ where: { predictionId: p.id } });
      expect(JSON.stringify(report.checks)).toMatch(/Skyra|SIEMENS|Siemens/);
    },
    STEP_MS,
  );

  it(
    'exports the approved label and the prediction as new SEG series that Orthanc stores beside the study',
    async () => {
      const mask = await truthOnCaseGrid(caseId, { caseId: 'E2E-DICOM', seed: 'dicom', dims: DIMS });
      const v = await saveLabelVersion({ actor: reader, caseId, parentVersionId: null, mask, source: 'EDIT', message: 'ground truth' });
      await submitForReview({ actor: reader, caseId, versionId: v.id });
      await approveLabel({ actor: approver, caseId, versionId: v.id });

      const label = await exportSeg(approver, caseId, 'LABEL');
      const prediction = await exportSeg(approver, caseId, 'PREDICTION');
      expect((await sendSegToPacs(approver, caseId, label.id)).sentAt).not.toBeNull();
      expect((await sendSegToPacs(approver, caseId, prediction.id)).sentAt).not.toBeNull();

      // downloadable (opened from its sealed blob) by whoever may export; a physician may not
      const download = await readSegExport(approver, caseId, label.id);
      expect(Buffer.from(download.bytes).subarray(128, 132).toString('latin1')).toBe('DICM');
      expect((await segPanelState(caseId)).exports.map((e) => e.id)).toEqual([prediction.id, label.id]);
      const physician = {
        kind: 'user',
        id: approver.kind === 'user' ? approver.id : '',
        email: 'p@x',
        name: 'P',
        role: 'PHYSICIAN',
      } as const;
      expect(await exportSeg(physician, caseId, 'LABEL').catch((e: unknown) => (e as AppError).code)).toBe('FORBIDDEN');

      const series = await qido(pacsConfig()!, `/studies/${study.manifest.studyInstanceUid}/series`);
      expect(series).toHaveLength(6); // four sequences and two SEG series: nothing replaced
      const segSeries = series.filter((s) => tagValue(s, '00080060') === 'SEG').map((s) => tagValue(s, '0020000E'));
      expect(segSeries.sort()).toEqual([label.seriesInstanceUid, prediction.seriesInstanceUid].sort());
      // the rows keep only the SEG series' pseudonym, like every DICOM UID TumorWatch stores
      const rows = await db().segExport.findMany({ orderBy: { createdAt: 'asc' } });
      expect(rows.map((r) => r.seriesKey)).toEqual([
        pseudonym('series', label.seriesInstanceUid),
        pseudonym('series', prediction.seriesInstanceUid),
      ]);
      expect(JSON.stringify(rows)).not.toContain(label.seriesInstanceUid);

      // read back from Orthanc (WADO-RS) with pydicom, onto the approved version's own NIfTI
      const dir = fs.mkdtempSync(path.join(tmp, 'wado-'));
      const files = await retrieveStudy(pacsConfig()!, study.manifest.studyInstanceUid, dir, {
        maxRequestBytes: 2 ** 30,
        maxPartBytes: 2 ** 28,
        maxParts: 5000,
      });
      const approved = await db().labelVersion.findUniqueOrThrow({ where: { id: v.id } });
      const maskFile = path.join(dir, 'approved.nii.gz');
      fs.writeFileSync(maskFile, await blobs().get(approved.blobKey));
      const check = await compareSegWithMask(maskFile, label.seriesInstanceUid, files);
      expect(check.tumourVoxels).toBeGreaterThan(1000);
      expect(check.agreeing).toBe(check.tumourVoxels); // voxel overlap with the approved mask: 100 %
      expect(check.creator).toBe('Approver^Bob');
      expect(check.algorithm).toBe('MANUAL');
      // the SEGs copy the patient module, and are stored sealed: no blob holds the patient's name or ID in clear
      for (const f of listBlobFiles(blobRoot.root!)) {
        const text = fs.readFileSync(f).toString('latin1');
        for (const id of [study.manifest.identifiers.PatientID, study.manifest.identifiers.PatientName])
          expect(text.includes(id), f).toBe(false);
      }
    },
    STEP_MS,
  );
});
