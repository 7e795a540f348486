/**
 * POST /api/dicom/uploads, through the route handler: a zip or a folder's files as multipart/form-data, an answer per
 * study without DICOM identifiers; 415 when nothing in it is DICOM (422 when studies were all refused).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { useTestDb } from '../support/use-db';
import { useTestBlobs } from '../support/blobs';
import { SYSTEM } from '@/lib/server/auth/actor';
import { createApiToken } from '@/lib/server/auth/tokens';
import { createUser } from '@/lib/server/users';
import { FOUR_SEQUENCES, writeStudy } from './fixtures';

const auth = vi.hoisted(() => ({ authorization: '' }));
vi.mock('next-auth', () => ({ getServerSession: async () => null }));
vi.mock('next/headers', () => ({ headers: async () => new Headers(auth.authorization ? { authorization: auth.authorization } : {}) }));
const { POST } = await import('@/app/api/dicom/uploads/route');

useTestDb();
useTestBlobs();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tw-dicom-route-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  const u = await createUser(SYSTEM, { email: 'up@dicom.test', name: 'Up', role: 'RADIOLOGIST', password: 'uploader passphrase' });
  auth.authorization = `Bearer ${await createApiToken(u.id, 'uploader', { scope: 'INGEST' })}`;
});

const post = (form: FormData) => POST(new Request('http://localhost/api/dicom/uploads', { method: 'POST', body: form }));

describe('POST /api/dicom/uploads', () => {
  it('answers 415 with the reason when a zip holds no DICOM image', async () => {
    const form = new FormData();
    form.append('dicom', new Blob([zipSync({ 'README.txt': Buffer.from('hi') })]), 'export.zip');
    const res = await post(form);
    expect(res.status).toBe(415);
    expect((await res.json()).error.message).toBe(
      'No DICOM images among the 1 file(s) received (000000-README.txt: not a DICOM file (no "DICM" marker at byte 128)).',
    );
  });

  it("stores a folder's files sent as parts, answering per study without DICOM identifiers", async () => {
    const files = writeStudy(dir, 31, FOUR_SEQUENCES, { slices: 6 });
    const form = new FormData();
    for (const f of files) form.append('dicom', new Blob([fs.readFileSync(f)]), path.basename(f));
    const res = await post(form);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.studies).toEqual([expect.objectContaining({ status: 'created', externalId: expect.stringMatching(/^DICOM-/) })]);
    expect(JSON.stringify(body)).not.toMatch(/1\.2\.840\.113619/); // no UID of the study, series or instances
  });
});
