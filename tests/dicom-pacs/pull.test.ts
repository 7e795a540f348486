import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useTestDb } from '../support/use-db';
import { useTestBlobs } from '../support/blobs';
import { freePort, startOrthanc, type TestOrthanc } from '../support/orthanc';
import { writeSyntheticStudy, type WrittenStudy } from '../support/dicom-study';
import { db } from '@/lib/server/db';
import { AUDIT } from '@/lib/server/audit';
import { SYSTEM } from '@/lib/server/auth/actor';
import { resetEnvCache } from '@/lib/server/env';
import { storeInstances } from '@/lib/server/dicom/pacs/client';
import { pacsConfig } from '@/lib/server/dicom/pacs/config';
import { pullStudies, queryPacsStudies } from '@/lib/server/dicom/pacs/pull';
import { pollPacs, pacsPollJob } from '@/lib/server/dicom/pacs/schedule';
import { AppError } from '@/lib/server/errors';

useTestDb();
useTestBlobs();
let orthanc: TestOrthanc;
let first: WrittenStudy;
let second: WrittenStudy;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tw-pacs-pull-'));

beforeAll(async () => {
  [orthanc, first, second] = await Promise.all([
    startOrthanc(),
    writeSyntheticStudy(path.join(tmp, 'a'), { caseId: 'PULL-A', dims: [64, 64, 40], oblique: 'none' }),
    writeSyntheticStudy(path.join(tmp, 'b'), { caseId: 'PULL-B', seed: 'other', dims: [64, 64, 40], oblique: 'none' }),
  ]);
  Object.assign(process.env, {
    PACS_DICOMWEB_URL: orthanc.dicomweb,
    PACS_USERNAME: orthanc.username,
    PACS_PASSWORD: orthanc.password,
    PACS_POLL_MINUTES: '15',
    PACS_POLL_LOOKBACK_DAYS: '36500', // the synthetic studies are dated 2026-11-20
  });
  resetEnvCache();
  await storeInstances(pacsConfig()!, first.files);
}, 90_000);
afterAll(async () => {
  await orthanc?.stop();
  for (const k of ['PACS_DICOMWEB_URL', 'PACS_USERNAME', 'PACS_PASSWORD', 'PACS_POLL_MINUTES', 'PACS_POLL_LOOKBACK_DAYS'])
    delete process.env[k];
  resetEnvCache();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('pull from the configured PACS', () => {
  it('lists MR studies, pulls one on demand into a case, and skips it when asked again', async () => {
    const listed = await queryPacsStudies(SYSTEM);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ studyInstanceUid: first.manifest.studyInstanceUid, received: false, series: 4, modalities: ['MR'] });
    // the description is an includefield: Orthanc answers it only when asked as repeated parameters
    expect(listed[0].description).toBe('MRI BRAIN W/WO CONTRAST');

    const [pulled] = await pullStudies(SYSTEM, [first.manifest.studyInstanceUid], { trigger: 'on-demand' });
    expect(pulled).toMatchObject({ status: 'created', reason: null });
    const c = await db().case.findUniqueOrThrow({ where: { id: pulled.caseId! }, include: { volumes: true, dicomStudy: true } });
    expect(c.volumes).toHaveLength(4);
    expect(c.dicomStudy?.source).toBe('pacs');

    expect((await queryPacsStudies(SYSTEM))[0].received).toBe(true);
    const [again] = await pullStudies(SYSTEM, [first.manifest.studyInstanceUid], { trigger: 'on-demand' });
    expect(again).toMatchObject({ status: 'skipped', caseId: c.id });
    expect(await db().case.count()).toBe(1);
    const audits = await db().auditEvent.findMany({ where: { action: AUDIT.pacsPull }, orderBy: { createdAt: 'asc' } });
    expect(audits.map((a) => a.data)).toEqual([
      { trigger: 'on-demand', requested: 1, skipped: 0, pulled: 1, failed: 0, since: null },
      { trigger: 'on-demand', requested: 1, skipped: 1, pulled: 0, failed: 0, since: null },
    ]);
  });

  it('polls on schedule: pulls only the new study, remembers the date and enqueues the next poll', async () => {
    await storeInstances(pacsConfig()!, second.files);
    const poll = await pollPacs();
    expect(poll.results).toHaveLength(1);
    expect(poll.results[0].status).toBe('created');
    expect(await db().case.count()).toBe(2);
    const state = await db().setting.findUniqueOrThrow({ where: { key: 'pacs.poll' } });
    expect((state.value as { lastDate: string }).lastDate).toMatch(/^\d{8}$/);
    const next = await db().job.findMany({ where: { name: pacsPollJob.name } });
    expect(next).toHaveLength(1);
    expect(next[0].runAt.getTime()).toBeGreaterThan(Date.now());

    const quiet = await pollPacs(); // nothing new: nothing pulled, the same next slot
    expect(quiet.results).toEqual([]);
    expect(await db().job.count({ where: { name: pacsPollJob.name } })).toBe(1);
  });

  it('a PACS that is down fails the poll with the reason, and the next poll is still scheduled', async () => {
    process.env.PACS_DICOMWEB_URL = `http://127.0.0.1:${await freePort()}/dicom-web`;
    process.env.PACS_POLL_MINUTES = '7';
    resetEnvCache();
    try {
      const err = await pollPacs().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).userMessage).toMatch(/cannot be reached/);
      const jobs = await db().job.findMany({ where: { name: pacsPollJob.name }, orderBy: { createdAt: 'asc' } });
      expect(jobs.at(-1)!.idempotencyKey).toMatch(/^pacs\.poll:420000:/);
    } finally {
      process.env.PACS_DICOMWEB_URL = orthanc.dicomweb;
      process.env.PACS_POLL_MINUTES = '15';
      resetEnvCache();
    }
  });
});
